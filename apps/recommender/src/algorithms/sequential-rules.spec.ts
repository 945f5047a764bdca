import { histories } from './recency';
import { SequentialRulesScorer } from './sequential-rules';
import { topK, type Interaction } from './user-item-matrix';

// Four users' histories in time order over 5 items.
const sequences = [
  [0, 1, 2, 3],
  [0, 1, 3],
  [4, 0, 1],
  [2, 4],
];
const interactions: Interaction[] = sequences.flatMap((seq, user) =>
  seq.map((item, t) => ({ user, item, weight: 1, time: 100 - t * 7 + t * 17 })),
);

/** Strength of a → b straight from the definition: every ordered pair within the window, by brute force. */
function reference(a: number, b: number, window: number, backward: number, gamma: number): number {
  let s = 0;
  for (const seq of sequences) {
    for (let p = 0; p < seq.length; p++) {
      for (let q = p + 1; q < seq.length; q++) {
        if (q - p > window) continue;
        if (seq[p] === a && seq[q] === b) s += 1 / (q - p);
        if (seq[p] === b && seq[q] === a) s += backward / (q - p);
      }
    }
  }
  const users = (i: number) => sequences.filter((seq) => seq.includes(i)).length;
  return s / Math.pow(users(a) * users(b), gamma);
}

describe('sequential rules', () => {
  const history = histories(4, interactions);

  it.each([
    { window: 1, backward: 0, popularityExponent: 0 },
    { window: 2, backward: 0.25, popularityExponent: 0.3 },
    { window: 10, backward: 1, popularityExponent: 0.5 },
  ])('matches the brute-force rule strengths for %o', (options) => {
    const sr = new SequentialRulesScorer(5, history, { ...options, neighbours: 10 });
    for (let a = 0; a < 5; a++) {
      for (let b = 0; b < 5; b++) {
        if (a === b) continue;
        const expected = reference(a, b, options.window, options.backward, options.popularityExponent);
        const got = sr.rules[a].find((r) => r.item === b)?.strength ?? 0;
        expect(got).toBeCloseTo(expected, 10);
      }
    }
  });

  it('scores a weighted history as the weighted sum of its items’ rules, in order', () => {
    const sr = new SequentialRulesScorer(5, history, { window: 10, backward: 0.25, popularityExponent: 0.3 });
    const scores = sr.scoreHistory([0, 4], [0.5, 2]);
    for (let b = 0; b < 5; b++) {
      const expected =
        (b === 0 ? 0 : 0.5 * reference(0, b, 10, 0.25, 0.3)) + (b === 4 ? 0 : 2 * reference(4, b, 10, 0.25, 0.3));
      expect(scores[b]).toBeCloseTo(expected, 6);
    }
    // What follows 0 is 1 (three times, right after it); what precedes it counts a quarter.
    expect(topK(sr.scoreHistory([0], [1]), 1)).toEqual([1]);
    expect(sr.rules[0].find((r) => r.item === 1)?.strength).toBeGreaterThan(
      sr.rules[1].find((r) => r.item === 0)?.strength ?? Infinity,
    );
    expect(Array.from(sr.scoreHistory([0], [-3])).every((v) => v === 0)).toBe(true);
  });

  it('keeps only the strongest rules per item', () => {
    const sr = new SequentialRulesScorer(5, history, { window: 10, neighbours: 2 });
    for (const rules of sr.rules) expect(rules.length).toBeLessThanOrEqual(2);
    expect(sr.rules[0][0].strength).toBeGreaterThanOrEqual(sr.rules[0][1].strength);
  });
});
