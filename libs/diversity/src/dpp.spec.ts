import { SeededRandom } from '@atelier/ml-runtime';
import { coverage, diversityScore, dppGreedy, logDeterminant, qualityDiversityKernel } from './index';

/** Random unit vectors and qualities. */
function randomItems(m: number, dim: number, seed: number) {
  const rng = new SeededRandom(seed);
  const features = Array.from({ length: m }, () => {
    const v = Array.from({ length: dim }, () => rng.normal());
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  const quality = Array.from({ length: m }, () => 0.2 + rng.next());
  return { features, quality };
}

/** Exhaustive greedy: at each step add the item maximising det(L_{Y ∪ {i}}), computed from scratch. */
function bruteGreedy(L: (i: number, j: number) => number, m: number, k: number): number[] {
  const Y: number[] = [];
  while (Y.length < k) {
    let best = -1;
    let bestLd = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < m; i++) {
      if (Y.includes(i)) continue;
      const sub = [...Y, i];
      const ld = logDeterminant(sub.map((a) => sub.map((b) => L(a, b))));
      if (ld > bestLd + 1e-12) {
        bestLd = ld;
        best = i;
      }
    }
    if (best < 0) break;
    Y.push(best);
  }
  return Y;
}

describe('dppGreedy', () => {
  it.each([1, 2, 3, 4, 5, 6])('equals exhaustive greedy on random kernels (seed %i)', (seed) => {
    const m = 8 + seed;
    const { features, quality } = randomItems(m, 5, seed);
    const { L } = qualityDiversityKernel(quality, features);
    const k = 5;
    const fast = dppGreedy(L, m, k);
    expect(fast.selected).toEqual(bruteGreedy(L, m, k));
    // The incremental Cholesky gives log det(L_Y) after each pick exactly.
    fast.selected.forEach((_, t) => {
      const Y = fast.selected.slice(0, t + 1);
      expect(fast.logDet[t]).toBeCloseTo(logDeterminant(Y.map((a) => Y.map((b) => L(a, b)))), 8);
    });
    // Marginal gains never increase (log det is submodular), so log det grows by ever smaller steps.
    for (let t = 1; t < fast.gains.length; t++) expect(fast.gains[t]).toBeLessThanOrEqual(fast.gains[t - 1] + 1e-12);
  });

  it('prefers an orthogonal item over a near duplicate and finds the brute-force best subset here', () => {
    const features = [
      [1, 0, 0],
      [0.99, 0.141, 0],
      [0, 1, 0],
      [0, 0, 1],
    ].map((v) => {
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    });
    const { L, S } = qualityDiversityKernel([1, 0.98, 0.9, 0.5], features);
    const pick = dppGreedy(L, 4, 3);
    // Highest quality first, then the orthogonal item rather than the near duplicate of item 0.
    expect(pick.selected).toEqual([0, 2, 3]);
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < 4; a++)
      for (let b = a + 1; b < 4; b++)
        for (let c = b + 1; c < 4; c++) {
          const Y = [a, b, c];
          best = Math.max(best, logDeterminant(Y.map((i) => Y.map((j) => L(i, j)))));
        }
    expect(pick.logDet[2]).toBeCloseTo(best, 8);
    expect(diversityScore(S, [0, 2, 3])).toBeCloseTo(1, 5);
    expect(diversityScore(S, [0, 1])).toBeLessThan(0.2);
    expect(coverage(S, 4, [0, 2, 3])).toBeGreaterThan(coverage(S, 4, [0, 1]));
    expect(coverage(S, 4, [0, 1, 2, 3])).toBeCloseTo(1, 5);
  });

  it('stops before a singular selection, and a prefix of the order is the answer for smaller k', () => {
    const f = [
      [1, 0],
      [1, 0],
      [0, 1],
    ];
    const { L } = qualityDiversityKernel([1, 1, 1], f, 0);
    const all = dppGreedy(L, 3, 3);
    expect(all.selected).toEqual([0, 2]);
    expect(dppGreedy(L, 3, 1).selected).toEqual(all.selected.slice(0, 1));
    expect(dppGreedy(L, 0, 3).selected).toEqual([]);
  });
});
