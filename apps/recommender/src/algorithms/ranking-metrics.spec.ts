import { averagePrecisionAtK, ndcgAtK, precisionAtK, recallAtK, summarize } from './ranking-metrics';

describe('ranking metrics (hand-computed)', () => {
  // Ranked list 1..5, relevant {1, 3, 6}: hits at ranks 1 and 3.
  const ranked = [1, 2, 3, 4, 5];
  const relevant = new Set([1, 3, 6]);

  it('precision@k counts hits over k, also when the list is shorter than k', () => {
    expect(precisionAtK(ranked, relevant, 5)).toBeCloseTo(2 / 5);
    expect(precisionAtK(ranked, relevant, 10)).toBeCloseTo(2 / 10);
    expect(precisionAtK(ranked, relevant, 1)).toBe(1);
  });

  it('recall@k counts hits over all relevant items', () => {
    expect(recallAtK(ranked, relevant, 5)).toBeCloseTo(2 / 3);
    expect(recallAtK(ranked, new Set(), 5)).toBe(0);
  });

  it('AP@k averages precision at each hit over min(|relevant|, k)', () => {
    // (1/1 + 2/3) / 3
    expect(averagePrecisionAtK(ranked, relevant, 5)).toBeCloseTo((1 + 2 / 3) / 3);
    // k = 2: one hit (1/1) over min(3, 2) = 2
    expect(averagePrecisionAtK(ranked, relevant, 2)).toBeCloseTo(0.5);
    expect(averagePrecisionAtK([6, 1, 3], relevant, 3)).toBe(1);
  });

  it('NDCG@k discounts hits by log2(rank + 1) against the ideal order', () => {
    const dcg = 1 / Math.log2(2) + 1 / Math.log2(4);
    const ideal = 1 / Math.log2(2) + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(ranked, relevant, 5)).toBeCloseTo(dcg / ideal);
    expect(ndcgAtK([3, 1, 6], relevant, 3)).toBeCloseTo(1);
  });

  it('summarises means over users and catalogue coverage', () => {
    const s = summarize(
      [
        { ranked: [1, 2], relevant: new Set([1]) },
        { ranked: [2, 3], relevant: new Set([4]) },
      ],
      2,
      10,
    );
    expect(s.precision).toBeCloseTo(0.25);
    expect(s.recall).toBeCloseTo(0.5);
    expect(s.map).toBeCloseTo(0.5);
    expect(s.coverage).toBeCloseTo(0.3);
    expect(s.users).toBe(2);
  });
});
