import { createSeededRandom } from '../procedural/seeded-random';

/**
 * Standard normal numbers from a 64-bit seed: Box–Muller over sfc32 (the procedural backend's PRNG), each uniform
 * built from two 32-bit draws (53 bits), both outputs of a pair used. Identical on every platform; the same seed
 * always gives the same stream, and seeds differing in any bit give unrelated streams.
 */
export function gaussianNoise(seed: bigint): () => number {
  // Stream 0x5d ('SD' noise) keeps these streams apart from the procedural renderer's for the same seed.
  const rng = createSeededRandom(seed, 0x5d, 0);
  const uniform = (): number => {
    const hi = rng.nextUint32() >>> 5; // 27 bits
    const lo = rng.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992; // [0, 1) with 53-bit resolution
  };
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]: log is finite
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** `count` normals from `seed` as float32 (the initial latents of one image, before scaling by σ). */
export function gaussianLatents(seed: bigint, count: number, scale = 1): Float32Array {
  const next = gaussianNoise(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = next() * scale;
  return out;
}
