import { CappedEaseScorer } from './capped-ease';
import { ItemKnnScorer } from './item-knn';
import { histories } from './recency';
import { easeWeightsOffThread, itemNeighboursOffThread, sequentialRulesOffThread } from './refresh-off-thread';
import { SequentialRulesScorer } from './sequential-rules';
import { UserItemMatrix, type Interaction } from './user-item-matrix';

/** A random implicit matrix: users with 5–25 positives over `items` items, skewed to popular ones. */
function randomMatrix(users: number, items: number, seed: number): UserItemMatrix {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows: Interaction[] = [];
  for (let u = 0; u < users; u++) {
    const seen = new Set<number>();
    const n = 5 + Math.floor(next() * 20);
    while (seen.size < n) seen.add(Math.floor(next() ** 2 * items));
    for (const i of seen) rows.push({ user: u, item: i, weight: 1 });
  }
  return new UserItemMatrix(users, items, rows);
}

// Runs the compiled worker (dist/, as the service does): `npm test` builds first.
describe('model refresh builds in a worker thread', () => {
  it('gives the same scorer as the solve on the calling thread', async () => {
    const matrix = randomMatrix(300, 120, 5);
    const here = new CappedEaseScorer(matrix, 50, 100);
    const there = await CappedEaseScorer.build(matrix, 50, 100, easeWeightsOffThread);
    const history = [3, 17, 40];
    const a = here.scoreHistory(history, [1, 1, 0.5]);
    const b = there.scoreHistory(history, [1, 1, 0.5]);
    expect(b).toHaveLength(a.length);
    for (let i = 0; i < a.length; i++) {
      if (a[i] === -Infinity) expect(b[i]).toBe(-Infinity);
      else expect(b[i]).toBeCloseTo(a[i], 6);
    }
  });

  it('gives the same item-kNN lists and sequential rules as the builds on the calling thread', async () => {
    const users = 200;
    const items = 90;
    const matrix = randomMatrix(users, items, 3);
    const interactions = [...matrix.positives()].map(([user, item, weight], k) => ({ user, item, weight, time: k }));
    const knn = new ItemKnnScorer(matrix, 20);
    expect(await itemNeighboursOffThread(users, items, interactions, 20)).toEqual(knn.neighbours);
    const history = histories(users, interactions);
    const options = { window: 20, backward: 0.25, popularityExponent: 0.3, neighbours: 30 };
    const rules = new SequentialRulesScorer(items, history, options).rules;
    expect(await sequentialRulesOffThread(items, history, options)).toEqual(rules);
  });

  it('lets the event loop run while it solves', async () => {
    const matrix = randomMatrix(2000, 900, 9);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const scorer = await CappedEaseScorer.build(matrix, 100, 900, easeWeightsOffThread);
      expect(scorer.scoreHistory([1], [1]).some((x) => Number.isFinite(x) && x !== 0)).toBe(true);
    } finally {
      clearInterval(timer);
    }
    // On the calling thread the n³ solve holds the loop, and not one timer fires until it returns.
    expect(ticks).toBeGreaterThan(0);
  });

  it('reports a solve that fails instead of hanging', async () => {
    // A Gram matrix that is not positive definite (λ = 0 and a negative diagonal).
    await expect(easeWeightsOffThread(new Float64Array([-1, 0, 0, -1]), 2, 0)).rejects.toThrow(/positive definite/);
  });
});
