/** Which retriever found a result: lexical full text / trigram (`text`) or the contrastive image tower (`image`). */
export type SearchSource = 'text' | 'image';

/** One retriever's ranked list, best first. */
export interface RankedList {
  source: SearchSource;
  ids: readonly string[];
}

export interface FusedResult {
  id: string;
  /** Σ over the lists that hold the id of 1 / (k + rank), rank 1-based. */
  score: number;
  /** The lists that found it, in the order the lists were given. */
  matchedBy: SearchSource[];
  /** 1-based rank in each list that holds it. */
  ranks: Partial<Record<SearchSource, number>>;
}

/** Cormack, Clarke & Büttcher (SIGIR 2009): k = 60 damps the head so one list's top cannot swamp the other's. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: ranks, not scores, are combined, so a BM25-like text rank and a cosine in the joint
 * embedding space need no common scale. Ties (same fused score) go to the result with the better single rank, then
 * to the earlier list, then by id, so the order is deterministic.
 */
export function reciprocalRankFusion(lists: readonly RankedList[], k = RRF_K): FusedResult[] {
  if (!(k >= 0)) throw new Error(`RRF k must be ≥ 0, got ${k}`);
  const fused = new Map<string, FusedResult & { best: number; firstList: number }>();
  lists.forEach((list, listIndex) => {
    const seen = new Set<string>();
    list.ids.forEach((id, i) => {
      // A retriever listing an id twice must not count it twice.
      if (seen.has(id)) return;
      seen.add(id);
      const rank = i + 1;
      let r = fused.get(id);
      if (!r) fused.set(id, (r = { id, score: 0, matchedBy: [], ranks: {}, best: rank, firstList: listIndex }));
      r.score += 1 / (k + rank);
      if (!r.matchedBy.includes(list.source)) r.matchedBy.push(list.source);
      r.ranks[list.source] = Math.min(r.ranks[list.source] ?? rank, rank);
      r.best = Math.min(r.best, rank);
    });
  });
  return [...fused.values()]
    .sort(
      (a, b) =>
        b.score - a.score || a.best - b.best || a.firstList - b.firstList || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
    .map(({ id, score, matchedBy, ranks }) => ({ id, score, matchedBy, ranks }));
}
