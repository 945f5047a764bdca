import { EaseScorer, gramMatrix, invertSpd } from './ease';
import { ItemKnnScorer } from './item-knn';
import { leaveLastOut } from './holdout-split';
import { topK, UserItemMatrix, type Interaction } from './user-item-matrix';

/** Gauss–Jordan inverse with partial pivoting: the brute-force reference. */
function referenceInverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

// 5 users × 4 items, binary.
const X = [
  [1, 1, 0, 0],
  [1, 1, 1, 0],
  [0, 1, 1, 0],
  [0, 0, 1, 1],
  [1, 0, 0, 1],
];
const interactions: Interaction[] = X.flatMap((row, u) =>
  row.flatMap((v, i) => (v ? [{ user: u, item: i, weight: 1 }] : [])),
);

describe('EASE', () => {
  const matrix = new UserItemMatrix(5, 4, interactions);

  it('inverts an SPD matrix like Gauss–Jordan does', () => {
    const g = gramMatrix(matrix, true);
    for (let i = 0; i < 4; i++) g[i * 4 + i] += 0.5;
    const p = invertSpd(g, 4);
    const ref = referenceInverse(Array.from({ length: 4 }, (_, i) => Array.from(g.subarray(i * 4, i * 4 + 4))));
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(p[i * 4 + j]).toBeCloseTo(ref[i][j], 10);
    expect(() => invertSpd(new Float64Array([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });

  it('matches the closed form B = I − P·diag(1/diag P) computed by brute force, and scores x_u·B', () => {
    const lambda = 0.5;
    const ease = new EaseScorer(matrix, lambda);
    const gram = X[0].map((_, i) =>
      X[0].map((__, j) => X.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? lambda : 0)),
    );
    const p = referenceInverse(gram);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const expected = i === j ? 0 : -p[i][j] / p[j][j];
        expect(ease.b[i * 4 + j]).toBeCloseTo(expected, 5);
      }
    }
    const scores = ease.scores(0);
    for (let j = 0; j < 4; j++) expect(scores[j]).toBeCloseTo(ease.b[0 * 4 + j] + ease.b[1 * 4 + j], 5);
  });

  it('ranks the co-occurring item first for a user with a partial history', () => {
    // User 2 has items 1 and 2; item 0 co-occurs with 1 (users 0, 1), item 3 with 2 (user 3).
    const ease = new EaseScorer(matrix, 0.5);
    const ranked = topK(ease.scores(2), 2, matrix.seen(2));
    expect(ranked).toHaveLength(2);
    expect(new Set(ranked)).toEqual(new Set([0, 3]));
  });
});

describe('item-kNN and the temporal split', () => {
  it('uses cosine similarity of item columns', () => {
    const knn = new ItemKnnScorer(new UserItemMatrix(5, 4, interactions), 10, 500, 0);
    const sim01 = knn.neighbours[0].find((n) => n.item === 1)?.similarity;
    // items 0 and 1 co-occur for users 0 and 1; each has 3 users.
    expect(sim01).toBeCloseTo(2 / 3);
  });

  it('weights a history by its strengths (recency, interaction kind), like EASE', () => {
    const knn = new ItemKnnScorer(new UserItemMatrix(5, 4, interactions), 10, 500, 0);
    const one = knn.scoreHistory([0], [1]);
    const weighted = knn.scoreHistory([0, 3], [2, -1]);
    for (let j = 0; j < 4; j++) expect(weighted[j]).toBeCloseTo(2 * one[j]);
  });

  it('holds out each user’s most recent interactions and keeps earlier ones for training', () => {
    const xs: Interaction[] = [
      { user: 0, item: 5, weight: 1, time: 30 },
      { user: 0, item: 4, weight: 1, time: 10 },
      { user: 0, item: 3, weight: 1, time: 20 },
      { user: 1, item: 1, weight: 1, time: 5 },
    ];
    const split = leaveLastOut(xs, 1, 2);
    expect(split.test).toEqual(new Map([[0, new Set([5])]]));
    expect(split.train.map((x) => x.item).sort()).toEqual([1, 3, 4]);
  });
});
