import { SeededRandom } from '@atelier/ml-runtime';
import { validateBatch } from './batch-validation';
import { IsolationForest, averagePathLength } from './isolation-forest';

function cluster(n: number, seed: number, dims = 3): number[][] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: dims }, () => rng.normal() * 0.1));
}

describe('IsolationForest', () => {
  it('uses c(n) from the paper', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // c(256) = 2 H(255) − 2·255/256 ≈ 10.24
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649) - (2 * 255) / 256, 10);
  });

  it('scores obvious outliers highest, above 0.6, and the cluster below 0.5', () => {
    const data = cluster(300, 1);
    const outliers = [
      [3, 3, 3],
      [-4, 0, 2],
    ];
    const forest = new IsolationForest([...data, ...outliers], { seed: 3 });
    const scores = [...data, ...outliers].map((p) => forest.score(p));
    const ranked = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
    expect(
      ranked
        .slice(0, 2)
        .map((r) => r[1])
        .sort(),
    ).toEqual([300, 301]);
    expect(Math.min(scores[300], scores[301])).toBeGreaterThan(0.6);
    const mean = scores.slice(0, 300).reduce((a, b) => a + b, 0) / 300;
    expect(mean).toBeLessThan(0.5);
    expect(forest.sampleSize).toBe(256);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const data = [...cluster(50, 2), [2, 2, 2]];
    const a = new IsolationForest(data, { seed: 9 });
    const b = new IsolationForest(data, { seed: 9 });
    const c = new IsolationForest(data, { seed: 10 });
    expect(data.map((p) => a.score(p))).toEqual(data.map((p) => b.score(p)));
    expect(data.map((p) => a.score(p))).not.toEqual(data.map((p) => c.score(p)));
  });

  it('gives identical points the same, non-anomalous score', () => {
    const forest = new IsolationForest(
      Array.from({ length: 10 }, () => [1, 1]),
      { seed: 1 },
    );
    expect(forest.score([1, 1])).toBeLessThan(0.5);
  });
});

describe('validateBatch', () => {
  it('flags the odd image of a batch and rejects low consistency', () => {
    const base = [0.9, 0.8, 0.6, 0.5, 0.4, 0.5, 0.7];
    const items = [0, 1, 2, 3].map((index) => ({
      index,
      consistency: 0.9,
      features: base.map((v) => v + index * 0.001),
    }));
    items.push({ index: 4, consistency: 0.9, features: [0, 0, 0.05, 0.02, 0.01, 0.1, 0.1] });
    items.push({ index: 5, consistency: 0.3, features: base });
    const v = validateBatch(items, 123);
    const byIndex = new Map(v.images.map((i) => [i.index, i]));
    expect(byIndex.get(4)?.outlier).toBe(true);
    expect(byIndex.get(4)?.rejected).toBe(true);
    expect(byIndex.get(5)?.rejected).toBe(true);
    expect(byIndex.get(5)?.reasons[0]).toMatch(/consistency 0.30 < 0.6/);
    expect([0, 1, 2, 3].every((i) => !byIndex.get(i)?.rejected)).toBe(true);
    expect(v.accepted).toBe(4);
    expect(v.summary).toContain('4 of 6 images pass');
    expect(validateBatch(items, 123)).toEqual(v);
  });

  it('does not judge outliers in batches of one or two', () => {
    const v = validateBatch(
      [
        { index: 0, consistency: 1, features: [0, 0] },
        { index: 1, consistency: 1, features: [5, 5] },
      ],
      1,
    );
    expect(v.images.every((i) => !i.outlier)).toBe(true);
    expect(v.summary).toContain('outliers not judged');
  });
});
