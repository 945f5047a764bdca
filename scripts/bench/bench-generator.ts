/**
 * npm run bench:generator [-- --seconds 3]
 * Procedural backend throughput, one image per call as the generator stores it (draw in JS + encode to PNG through
 * the normaliser), at 512×512 and 1024×1024, with and without typography. Baseline measured in the same run:
 * sharp's bare PNG encode of the same pixels (same settings, no drawing), so the ratio says what drawing costs.
 */
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { normaliseImage } from '../../apps/generator/src/images/image-normaliser';
import {
  pairwiseDistances,
  renderProceduralRawImages,
  type ProceduralRenderInput,
} from '../../apps/generator/src/procedural/procedural-renderer';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 3);
const LIMITS = { maxInputBytes: 1 << 30, maxInputPixels: 1 << 30 };
const CREATIVE = { title: 'Осенний латте с корицей', price: '290 ₽', discount: '-20%', brandPalette: ['#6b3e26'] };

/** Runs `once` repeatedly for at least SECONDS (and 5 times); returns calls per second. */
async function rate(once: (i: number) => Promise<unknown> | unknown): Promise<number> {
  await once(-1); // warm-up (JIT, libvips thread pool)
  const start = performance.now();
  let i = 0;
  while (i < 5 || performance.now() - start < SECONDS * 1000) await once(i++);
  return i / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  sharp.concurrency(0);
  console.log(`procedural backend, one image per call, >= ${SECONDS}s per row, sharp ${sharp.versions.sharp}`);
  const rows: string[][] = [['size', 'text', 'draw only img/s', 'draw + PNG img/s', 'bare sharp PNG img/s', 'ratio']];
  for (const size of [512, 1024]) {
    for (const withText of [false, true]) {
      const input = (i: number): ProceduralRenderInput => ({
        prompt: 'осенний кофе баннер со скидкой',
        width: size,
        height: size,
        seed: BigInt(1000 + i),
        n: 1,
        ...(withText ? { creative: CREATIVE } : {}),
      });
      const drawOnly = await rate((i) => renderProceduralRawImages(input(i)));
      const full = await rate(async (i) => {
        const [pixels] = renderProceduralRawImages(input(i));
        await normaliseImage(
          { kind: 'raw', pixels, width: size, height: size, channels: 3 },
          { width: size, height: size },
          LIMITS,
        );
      });
      // Baseline: the same kind of pixels, already drawn, only encoded.
      const frames = Array.from({ length: 8 }, (_, k) => renderProceduralRawImages(input(k))[0]);
      const bare = await rate(async (i) => {
        const px = frames[(i + 8) % 8];
        await sharp(Buffer.from(px.buffer, px.byteOffset, px.byteLength), {
          raw: { width: size, height: size, channels: 3 },
        })
          .png({ compressionLevel: 6, adaptiveFiltering: false })
          .toBuffer();
      });
      rows.push([
        `${size}x${size}`,
        withText ? 'yes' : 'no',
        drawOnly.toFixed(1),
        full.toFixed(1),
        bare.toFixed(1),
        `${(full / bare).toFixed(2)}x`,
      ]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((v, c) => v.padEnd(widths[c])).join('  '));
  console.log('ratio = (draw + PNG) / bare sharp PNG encode of the same pixels, in images per second');
  const raws = renderProceduralRawImages({ prompt: 'осенний кофе баннер', width: 512, height: 512, seed: 1n, n: 4 });
  const d = pairwiseDistances(raws).map((p) => p.distance.toFixed(1));
  console.log(`pairwise mean pixel distance of the 4 images of one request (512², 0–255): ${d.join(', ')}`);
}

void main();
