import { normalize, type VectorHit } from './vector-index';

/** Share of the exact top-k ids that the approximate answer also returned, averaged over queries. */
export function recallAtK(exact: VectorHit[][], approximate: VectorHit[][]): number {
  if (exact.length === 0) return 1;
  let sum = 0;
  exact.forEach((truth, q) => {
    if (truth.length === 0) {
      sum += 1;
      return;
    }
    const found = new Set(approximate[q]?.map((h) => h.id));
    sum += truth.filter((h) => found.has(h.id)).length / truth.length;
  });
  return sum / exact.length;
}

/** n unit vectors from a seeded Gaussian (mulberry32 + Box–Muller), laid out row after row. */
export function randomUnitVectors(n: number, dimensions: number, seed = 1): Float32Array {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out = new Float32Array(n * dimensions);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(theta);
  }
  for (let row = 0; row < n; row++) normalize(out.subarray(row * dimensions, (row + 1) * dimensions));
  return out;
}
