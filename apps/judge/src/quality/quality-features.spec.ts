import { SeededRandom } from '@atelier/ml-runtime';
import { blockiness, handcraftedFeatures, hueHarmony, laplacianVariance, noiseSigma } from './quality-features';

const W = 64;

describe('hand-made quality features', () => {
  it('sees the 8×8 grid of a blocky image and none in a smooth gradient', () => {
    const smooth = Float32Array.from({ length: W * W }, (_, p) => (p % W) * 2 + Math.floor(p / W));
    const blocky = Float32Array.from({ length: W * W }, (_, p) => 40 * (((p % W) >> 3) % 2) + (p % W) * 0.1);
    expect(blockiness(smooth, W, W)).toBeCloseTo(1, 0);
    expect(blockiness(blocky, W, W)).toBeGreaterThan(5);
  });

  it('estimates the σ of added Gaussian noise on a flat image', () => {
    const rng = new SeededRandom(1);
    const noisy = Float32Array.from({ length: W * W }, () => 128 + 3 * rng.normal());
    expect(noiseSigma(noisy, W, W)).toBeGreaterThan(2);
    expect(noiseSigma(noisy, W, W)).toBeLessThan(4);
    expect(noiseSigma(new Float32Array(W * W).fill(128), W, W)).toBe(0);
  });

  it('calls one hue harmonious and four evenly spread hues not', () => {
    const one = new Float64Array(36);
    one[4] = 10;
    const four = new Float64Array(36);
    for (const b of [0, 9, 18, 27]) four[b] = 1;
    expect(hueHarmony(one)).toBe(1);
    expect(hueHarmony(four)).toBeLessThanOrEqual(0.5);
  });

  it('loses fine sharpness when an image is blurred', () => {
    const rng = new SeededRandom(2);
    const rgb = Uint8Array.from({ length: W * W * 3 }, () => Math.floor(rng.next() * 256));
    const blurred = new Uint8Array(rgb.length);
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          let n = 0;
          for (let dy = -2; dy <= 2; dy++) {
            for (let dx = -2; dx <= 2; dx++) {
              const yy = Math.min(W - 1, Math.max(0, y + dy));
              const xx = Math.min(W - 1, Math.max(0, x + dx));
              s += rgb[(yy * W + xx) * 3 + c];
              n++;
            }
          }
          blurred[(y * W + x) * 3 + c] = s / n;
        }
      }
    }
    const luma = (d: Uint8Array) => Float32Array.from({ length: W * W }, (_, p) => d[p * 3]);
    const sharp = handcraftedFeatures(rgb, W, W, { luma: luma(rgb), width: W, height: W });
    const soft = handcraftedFeatures(blurred, W, W, { luma: luma(blurred), width: W, height: W });
    expect(soft.sharp_fine).toBeLessThan(sharp.sharp_fine - 2);
    expect(laplacianVariance(luma(blurred), W, W)).toBeLessThan(laplacianVariance(luma(rgb), W, W));
    for (const v of Object.values(sharp)) expect(Number.isFinite(v)).toBe(true);
  });
});
