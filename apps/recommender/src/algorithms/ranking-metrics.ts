/** Ranking metrics with binary relevance; `ranked` is best first and may be shorter than k. */
export function precisionAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) hits++;
  return hits / k;
}

export function recallAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) hits++;
  return hits / relevant.size;
}

/** Average precision at k, normalised by min(|relevant|, k) so a perfect list scores 1. */
export function averagePrecisionAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    if (relevant.has(ranked[i])) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(relevant.size, k);
}

export function ndcgAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

export interface MetricSummary {
  precision: number;
  recall: number;
  map: number;
  ndcg: number;
  /** Share of the catalogue that appears in at least one user's list. */
  coverage: number;
  users: number;
}

/** Means over users of each metric at k, plus catalogue coverage. */
export function summarize(
  lists: ReadonlyArray<{ ranked: readonly number[]; relevant: ReadonlySet<number> }>,
  k: number,
  catalogueSize: number,
): MetricSummary {
  const seen = new Set<number>();
  const sum = { precision: 0, recall: 0, map: 0, ndcg: 0 };
  for (const { ranked, relevant } of lists) {
    sum.precision += precisionAtK(ranked, relevant, k);
    sum.recall += recallAtK(ranked, relevant, k);
    sum.map += averagePrecisionAtK(ranked, relevant, k);
    sum.ndcg += ndcgAtK(ranked, relevant, k);
    for (const i of ranked.slice(0, k)) seen.add(i);
  }
  const n = lists.length || 1;
  return {
    precision: sum.precision / n,
    recall: sum.recall / n,
    map: sum.map / n,
    ndcg: sum.ndcg / n,
    coverage: seen.size / (catalogueSize || 1),
    users: lists.length,
  };
}
