import { diversifyByDpp, type DiversifyCandidate } from './dpp-diversify';

const unit = (...xs: number[]): Float32Array => {
  const v = new Float32Array(xs);
  const n = Math.hypot(...xs);
  return v.map((x) => x / n);
};

describe('diversifyByDpp', () => {
  // Three near-duplicates of one product lead the relevance ranking; three distinct items follow.
  const pool: DiversifyCandidate[] = [
    { score: 1.0, vector: unit(1, 0, 0, 0, 0.01) },
    { score: 0.98, vector: unit(1, 0.02, 0, 0, 0) },
    { score: 0.97, vector: unit(1, 0, 0.02, 0, 0) },
    { score: 0.8, vector: unit(0, 1, 0, 0, 0) },
    { score: 0.75, vector: unit(0, 0, 1, 0, 0) },
    { score: 0.7, vector: unit(0.2, 0, 0, 1, 0) },
  ];

  it('spreads near-duplicates out of the top-k while the top item stays first', () => {
    const out = diversifyByDpp(pool, 4, 0.3);
    expect(out.order[0]).toBe(0);
    // Only one of the three near-duplicates survives; the distinct items take the other places.
    expect(out.order.filter((i) => i <= 2)).toEqual([0]);
    expect([...out.order].sort()).toEqual([0, 3, 4, 5]);
    expect(out.shift[0]).toBe(0);
    expect(out.diversityAfter).toBeGreaterThan(0.9);
    expect(out.diversityBefore).toBeLessThan(0.2);
  });

  it('keeps relevance order at strength 0 and the top item first at any strength', () => {
    expect(diversifyByDpp(pool, 4, 0).order).toEqual([0, 1, 2, 3]);
    // Almost pure relevance: the quality gap outweighs small similarities, yet the first pick never changes.
    const mild = diversifyByDpp(pool, 6, 0.02);
    expect(mild.order[0]).toBe(0);
    expect(mild.order).toHaveLength(6);
    expect(new Set(mild.order).size).toBe(6);
  });

  it('treats items without a vector as unlike the rest and fills k even when only duplicates remain', () => {
    const dupes: DiversifyCandidate[] = [
      { score: 1, vector: unit(1, 0) },
      { score: 0.9, vector: unit(1, 0) },
      { score: 0.5 },
    ];
    const out = diversifyByDpp(dupes, 3, 0.5);
    expect(out.order).toEqual([0, 2, 1]);
    expect(diversifyByDpp([], 3, 0.5).order).toEqual([]);
  });
});
