import { ImplicitAlsScorer, solveSpd } from './implicit-als';
import { topK, UserItemMatrix, type Interaction } from './user-item-matrix';

/** Gaussian elimination with partial pivoting on dense arrays: the brute-force reference solve. */
function referenceSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let j = c; j <= n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

// 6 users × 5 items with interaction strengths; two taste groups {0,1,2} and {3,4}.
const W = [
  [1, 3, 0, 0, 0],
  [1, 1, 1, 0, 0],
  [0, 5, 1, 0, 0],
  [0, 0, 0, 1, 1],
  [0, 0, 1, 3, 1],
  [1, 0, 0, 0, 1],
];
const interactions: Interaction[] = W.flatMap((row, u) =>
  row.flatMap((w, i) => (w ? [{ user: u, item: i, weight: w }] : [])),
);
const options = { factors: 3, regularization: 0.1, alpha: 2, iterations: 30, seed: 5 };
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);
const rowOf = (m: Float64Array, r: number, f: number) => Array.from(m.subarray(r * f, (r + 1) * f));

describe('implicit ALS (weighted matrix factorisation)', () => {
  const matrix = new UserItemMatrix(6, 5, interactions);
  const als = new ImplicitAlsScorer(matrix, options);
  const f = options.factors;
  const X = W.map((_, u) => rowOf(als.userFactors, u, f));
  const Y = W[0].map((_, i) => rowOf(als.itemFactors, i, f));
  const c = (u: number, i: number) => 1 + options.alpha * W[u][i];
  const p = (u: number, i: number) => (W[u][i] > 0 ? 1 : 0);

  it('solves SPD systems like Gaussian elimination', () => {
    const a = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const b = [1, -2, 0.5];
    const out = new Float64Array(3);
    solveSpd(Float64Array.from(a.flat()), Float64Array.from(b), 3, out);
    referenceSolve(a, b).forEach((x, i) => expect(out[i]).toBeCloseTo(x, 10));
  });

  it('reports the objective summed over every user × item pair, and never increases it', () => {
    let dense = 0;
    for (let u = 0; u < 6; u++) for (let i = 0; i < 5; i++) dense += c(u, i) * (p(u, i) - dot(X[u], Y[i])) ** 2;
    dense += options.regularization * [...X, ...Y].flat().reduce((s, v) => s + v * v, 0);
    expect(als.losses[als.losses.length - 1]).toBeCloseTo(dense, 8);
    for (let k = 1; k < als.losses.length; k++) expect(als.losses[k]).toBeLessThanOrEqual(als.losses[k - 1] + 1e-9);
  });

  it('ends on an exact item step: the gradient of the dense objective in every y_i is zero', () => {
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < f; j++) {
        let g = options.regularization * Y[i][j];
        for (let u = 0; u < 6; u++) g += c(u, i) * (dot(X[u], Y[i]) - p(u, i)) * X[u][j];
        expect(Math.abs(g)).toBeLessThan(1e-9);
      }
    }
  });

  it('folds a history in with the same exact user step as a brute-force dense solve, and scores Y·x', () => {
    // (Σ_i c_i y_i y_iᵀ + λI) x = Σ_i c_i p_i y_i over all items, dense.
    const history = { items: [0, 2], weights: [2, 1] };
    const ci = (i: number) => 1 + options.alpha * (history.weights[history.items.indexOf(i)] ?? 0);
    const pi = (i: number) => (history.items.includes(i) ? 1 : 0);
    const a = Array.from({ length: f }, (_, r) =>
      Array.from(
        { length: f },
        (__, s) => Y.reduce((sum, y, i) => sum + ci(i) * y[r] * y[s], 0) + (r === s ? options.regularization : 0),
      ),
    );
    const b = Array.from({ length: f }, (_, r) => Y.reduce((sum, y, i) => sum + ci(i) * pi(i) * y[r], 0));
    const expected = referenceSolve(a, b);
    const x = als.foldIn(history.items, history.weights);
    expected.forEach((v, j) => expect(x[j]).toBeCloseTo(v, 8));
    const scores = als.scoreHistory(history.items, history.weights);
    Y.forEach((y, i) => expect(scores[i]).toBeCloseTo(dot(expected, y), 5));
    expect(Array.from(als.foldIn([1], [-3]))).toEqual([0, 0, 0]); // dislikes alone fold to nothing
  });

  it('ranks the unseen item of the user’s own taste group first', () => {
    // User 0 has items 0 and 1 (group {0,1,2}); item 2 should beat items 3 and 4.
    expect(topK(als.scores(0), 1, matrix.seen(0))).toEqual([2]);
    expect(topK(als.scores(3), 1, matrix.seen(3))[0]).not.toBe(0);
  });
});
