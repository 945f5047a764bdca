/**
 * Gallery image costs: WebP thumbnail bytes and time, and the JPEG / WebP download conversions, on a 1500×1500
 * picture (an SVG banner rasterised by sharp: flat colours and text, like the creatives) and on random noise (the
 * worst case for any codec). Median of BENCH_ROUNDS (default 3) rounds; the machine is shared, so times vary.
 *   npm run build && node dist/scripts/bench/bench-gallery-images.js
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { convertImage, makeThumbnail, THUMBNAIL_MAX_BYTES } from '../../apps/gateway/src/gallery/image-formats';

const SIZE = 1500;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

async function banner(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f5e6d3"/>
    <stop offset="1" stop-color="#6f4e37"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="1000" cy="800" r="380" fill="#c0392b" opacity="0.8"/>
    <text x="80" y="200" font-size="120" font-family="sans-serif" fill="#1a1a1a">Осенняя распродажа −20%</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const noise = await sharp(randomBytes(SIZE * SIZE * 3), { raw: { width: SIZE, height: SIZE, channels: 3 } })
    .png()
    .toBuffer();
  for (const [name, png] of [
    ['banner', await banner()],
    ['noise', noise],
  ] as const) {
    const t: Record<string, number[]> = { thumb: [], jpg: [], webp: [] };
    const bytes: Record<string, number> = {};
    for (let r = 0; r < rounds; r++) {
      const thumb = await timed(() => makeThumbnail(png));
      t.thumb.push(thumb.ms);
      bytes.thumb = thumb.value.length;
      for (const f of ['jpg', 'webp'] as const) {
        const c = await timed(() => convertImage(png, f));
        t[f].push(c.ms);
        bytes[f] = c.value.length;
      }
    }
    console.log(
      `${name} ${SIZE}×${SIZE} png ${png.length} B | thumbnail ${bytes.thumb} B (budget ${THUMBNAIL_MAX_BYTES}) ` +
        `${median(t.thumb).toFixed(0)} ms | jpg ${bytes.jpg} B ${median(t.jpg).toFixed(0)} ms | ` +
        `webp ${bytes.webp} B ${median(t.webp).toFixed(0)} ms`,
    );
  }
}

void main();
