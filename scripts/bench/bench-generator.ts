/**
 * npm run bench:generator [-- --seconds 3] [--local-onnx]
 * Procedural backend throughput, one image per call as the generator stores it (draw in JS + encode to PNG through
 * the normaliser), at 512×512 and 1024×1024, with and without typography. Baseline measured in the same run:
 * sharp's bare PNG encode of the same pixels (same settings, no drawing), so the ratio says what drawing costs.
 *
 * --local-onnx adds the Stable Diffusion section: one UNet step (CFG batch 2 at 512², i.e. 4×64×64 latents) of the
 * tiny random-weight export through the pipeline vs a bare onnxruntime session running the same graph on the same
 * tensors (the ratio is the pipeline's overhead per step), a whole tiny generation, and this CPU's measured
 * 3×3-convolution throughput with what it implies for the real SD 1.5 UNet (an estimate, not a measurement).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { OnnxGraphBuilder, SD_ONNX_LAYOUT, SeededRandom, TINY_SD, writeTinySdExport } from '@atelier/ml-runtime';
import { normaliseImage } from '../../apps/generator/src/images/image-normaliser';
import {
  pairwiseDistances,
  renderProceduralRawImages,
  type ProceduralRenderInput,
} from '../../apps/generator/src/procedural/procedural-renderer';
import { StableDiffusionOnnx } from '../../apps/generator/src/local-onnx/sd-onnx-pipeline';

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
  if (process.argv.includes('--local-onnx')) await benchLocalOnnx();
}

/**
 * SD 1.x UNet cost per 512² image and evaluation: ≈ 338.7 G multiply-adds, the figure BK-SDM (Kim et al. 2023)
 * reports for the SD-v1.4 UNet (same architecture as 1.5); quoted, not measured here.
 */
const SD15_UNET_GFLOP_512 = 2 * 338.7;

async function benchLocalOnnx(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sd-'));
  const vocabFile = resolve(__dirname, '../../../../shared/models/clip-bpe-tokenizer/bpe_simple_vocab_16e6.txt.gz');
  try {
    writeTinySdExport(dir);
    const sd = await StableDiffusionOnnx.load({ dir, vocabFile, device: 'auto' });
    console.log(`\nlocal-onnx (tiny random-weight SD export, ${sd.provider}; ${sd.fallbackReason ?? 'CUDA'})`);
    const rng = new SeededRandom(3);
    const latents = new Float32Array(2 * 4 * 64 * 64).map(() => rng.normal());
    const context = await sd.encodeText(['', 'autumn coffee shop banner']);
    const pipelineRate = await rate(() => sd.predictNoise(latents, 2, 64, 64, 981, context));

    // Baseline: the same graph in a bare session with the pipeline's session options, feeds built once.
    const bare = await InferenceSession.create(readFileSync(join(dir, SD_ONNX_LAYOUT.unetFile)), {
      intraOpNumThreads: 0,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
    });
    const feeds = {
      sample: new Tensor('float32', latents, [2, 4, 64, 64]),
      timestep: new Tensor('int64', BigInt64Array.of(981n), [1]),
      encoder_hidden_states: new Tensor('float32', context, [2, 77, TINY_SD.text.width]),
    };
    const bareRate = await rate(() => bare.run(feeds));
    await bare.release();

    const started = performance.now();
    await sd.generate({
      prompt: 'autumn coffee shop banner',
      width: 512,
      height: 512,
      steps: 25,
      guidance: 7.5,
      seeds: [1n],
      sampler: 'ddim',
    });
    const whole = performance.now() - started;
    await sd.release();

    // This CPU's throughput on the UNet's dominant operator: a 320→320 3×3 conv over 2×64×64 (SD's first level).
    const g = new OnnxGraphBuilder('conv320');
    const x = g.input('x', 'float32', [2, 320, 64, 64]);
    const w = g.initializer('w', 'float32', [320, 320, 3, 3], new Float32Array(320 * 320 * 9).fill(0.01));
    g.output(g.op('Conv', [x, w], { pads: { ints: [1, 1, 1, 1] } }), 'float32', [2, 320, 64, 64], 'y');
    const conv = await InferenceSession.create(g.toBytes(), { intraOpNumThreads: 0, executionProviders: ['cpu'] });
    const convFeeds = { x: new Tensor('float32', new Float32Array(2 * 320 * 64 * 64).fill(0.5), [2, 320, 64, 64]) };
    const convRate = await rate(() => conv.run(convFeeds));
    await conv.release();
    const gflops = ((2 * 320 * 320 * 9 * 64 * 64 * 2) / 1e9) * convRate;
    const stepSeconds = (2 * SD15_UNET_GFLOP_512) / gflops;

    const rows = [
      ['measure', 'value'],
      ['tiny UNet step via pipeline (CFG batch 2, 4x64x64)', `${(1000 / pipelineRate).toFixed(2)} ms`],
      ['same graph, bare onnxruntime session (baseline)', `${(1000 / bareRate).toFixed(2)} ms`],
      ['ratio pipeline / bare', `${(bareRate / pipelineRate).toFixed(2)}x`],
      ['whole tiny generation 512², 25 DDIM steps, CFG', `${(whole / 1000).toFixed(2)} s`],
      ['CPU conv 3x3 320->320 on 2x64x64', `${gflops.toFixed(0)} GFLOP/s`],
      ['=> real SD 1.5 UNet step, 512², CFG (estimate)', `>= ${stepSeconds.toFixed(1)} s`],
      ['=> 25 steps, 1 image (estimate)', `>= ${((25 * stepSeconds) / 60).toFixed(1)} min`],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) console.log(r.map((v, c) => v.padEnd(widths[c])).join('  '));
    console.log(
      `estimate = 2 × ${SD15_UNET_GFLOP_512.toFixed(0)} GFLOP per step / measured conv throughput; attention at ` +
        '64×64 is slower per FLOP than conv, so real steps take at least this long',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
