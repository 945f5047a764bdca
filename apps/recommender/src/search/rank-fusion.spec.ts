import { reciprocalRankFusion, RRF_K } from './rank-fusion';

describe('reciprocalRankFusion', () => {
  it('scores Σ 1/(k + rank) and reports which lists found each result', () => {
    const fused = reciprocalRankFusion([
      { source: 'text', ids: ['a', 'b', 'c'] },
      { source: 'image', ids: ['c', 'd', 'a'] },
    ]);
    const byId = new Map(fused.map((r) => [r.id, r]));
    expect(byId.get('a')).toEqual({
      id: 'a',
      score: 1 / (RRF_K + 1) + 1 / (RRF_K + 3),
      matchedBy: ['text', 'image'],
      ranks: { text: 1, image: 3 },
    });
    expect(byId.get('b')).toMatchObject({ matchedBy: ['text'], ranks: { text: 2 } });
    expect(byId.get('d')).toMatchObject({ matchedBy: ['image'], ranks: { image: 2 } });
    // a (1 + 3) and c (3 + 1) tie on score; the tie goes to a by id; b and d tie too and go by list order.
    expect(fused.map((r) => r.id)).toEqual(['a', 'c', 'b', 'd']);
  });

  it('agreement beats a single first place, and k controls how much the head dominates', () => {
    const lists = [
      { source: 'text' as const, ids: ['solo', 'x1', 'x2', 'x3', 'both'] },
      { source: 'image' as const, ids: ['y1', 'y2', 'y3', 'y4', 'both'] },
    ];
    // k = 60: 2/65 for 'both' > 1/61 for 'solo'.
    expect(reciprocalRankFusion(lists)[0].id).toBe('both');
    // k = 0: 1/1 for 'solo' > 2/5 for 'both' — the head dominates.
    expect(reciprocalRankFusion(lists, 0)[0].id).toBe('solo');
  });

  it('breaks score ties by best single rank, then list order, then id, and ignores repeated ids', () => {
    const fused = reciprocalRankFusion([
      { source: 'text', ids: ['t1', 't2', 't2'] },
      { source: 'image', ids: ['i1', 'i2'] },
    ]);
    expect(fused.map((r) => r.id)).toEqual(['t1', 'i1', 't2', 'i2']);
    expect(fused.find((r) => r.id === 't2')?.score).toBeCloseTo(1 / (RRF_K + 2), 12);
  });

  it('with one list returns it unchanged, and handles empty input', () => {
    const ids = ['c', 'a', 'b'];
    expect(reciprocalRankFusion([{ source: 'text', ids }]).map((r) => r.id)).toEqual(ids);
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(reciprocalRankFusion([{ source: 'image', ids: [] }])).toEqual([]);
    expect(() => reciprocalRankFusion([], -1)).toThrow(/k must be/);
  });
});
