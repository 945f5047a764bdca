import { blend, gatherCandidates, learnBlendWeights } from './hybrid-blend';

describe('hybrid blend', () => {
  const sources = [
    { name: 'cf', scores: new Float32Array([0.9, 0.1, 0.5, 0, 0.8]) },
    { name: 'content', scores: new Float32Array([0, 1, 0.2, 0.4, 0]) },
    { name: 'popularity', scores: new Float32Array([10, 100, 1, 1000, 5]), normalise: 'log' as const },
  ];

  it('takes the union of each source’s top-M, never an excluded item, with per-source normalised features', () => {
    const c = gatherCandidates(sources, 2, new Set([0]));
    expect([...c.items].sort()).toEqual([1, 2, 3, 4]);
    const at = (item: number, source: number) => c.features[[...c.items].indexOf(item) * 3 + source];
    expect(at(4, 0)).toBeCloseTo(1); // 0.8 is the best cf score among candidates
    expect(at(3, 2)).toBeCloseTo(1); // log-normalised popularity
    expect(at(1, 1)).toBeCloseTo(1);
  });

  it('ranks by the weighted sum and reports each source’s contribution', () => {
    const c = gatherCandidates(sources, 5, new Set([0]));
    const [top] = blend(c, { cf: 1, content: 0, popularity: 0 }, 1);
    expect(top.item).toBe(4);
    expect(top.contributions).toEqual({ cf: 1, content: 0, popularity: 0 });
    const [byContent] = blend(c, { cf: 0, content: 1, popularity: 0 }, 1);
    expect(byContent.item).toBe(1);
  });

  it('learns weights that maximise the objective', () => {
    const learned = learnBlendWeights(['a', 'b'], (w) => -Math.abs(w.a - 0.5) - Math.abs(w.b - 0));
    expect(learned.weights).toEqual({ a: 0.5, b: 0 });
  });
});
