import type { AttributeSchema } from '../attributes/attribute-schema';
import type { AttributeReading } from './attribute-profile';
import type { VisualCatalogIndex } from './visual-catalog-index';
import { VisualSearchEngine, type SearchStrategy } from './visual-search-engine';

export interface LabelledPhoto {
  id: string;
  /** Ground truth, never shown to the search: e.g. articleType and baseColour. */
  type: string;
  colour: string;
  embedding: Float32Array;
  attributes: AttributeReading[];
}

export interface EvalQuery {
  positives: string[];
  negatives: string[];
  type: string;
  colour: string;
  negativeLabels: Set<string>;
}

export type EvalMethod = SearchStrategy | 'positives_only' | 'random';

/**
 * Queries from labels: 5 positives sharing type + colour; 5 negatives of the same type in other colours (the
 * disliked look). A result is relevant when it shares the positives' type and colour (so it cannot carry a
 * negative's label pair).
 */
export function buildQueries(photos: LabelledPhoto[], count: number, seed = 7, perSide = 5): EvalQuery[] {
  const groups = new Map<string, LabelledPhoto[]>();
  for (const p of photos) {
    const key = `${p.type}|${p.colour}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(xs: T[], n: number): T[] => {
    const copy = [...xs];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  };
  // Groups big enough that 10 more relevant items remain after the positives.
  const eligible = [...groups.entries()]
    .filter(([, g]) => g.length >= perSide + 10)
    .sort(([a], [b]) => a.localeCompare(b));
  const queries: EvalQuery[] = [];
  for (let q = 0; q < count && eligible.length; q++) {
    const [, group] = eligible[q % eligible.length];
    const { type, colour } = group[0];
    const others = photos.filter((p) => p.type === type && p.colour !== colour);
    const negatives = pick(others.length >= perSide ? others : photos.filter((p) => p.colour !== colour), perSide);
    queries.push({
      positives: pick(group, perSide).map((p) => p.id),
      negatives: negatives.map((p) => p.id),
      type,
      colour,
      negativeLabels: new Set(negatives.map((p) => `${p.type}|${p.colour}`)),
    });
  }
  return queries;
}

/** Mean precision@k of each method over the queries. */
export function evaluateVisualSearch(
  schema: AttributeSchema,
  catalog: VisualCatalogIndex,
  photos: LabelledPhoto[],
  queries: EvalQuery[],
  options: { k?: number; gamma?: number; seed?: number } = {},
): Record<EvalMethod, number> {
  const k = options.k ?? 10;
  const byId = new Map(photos.map((p) => [p.id, p]));
  const engine = new VisualSearchEngine(schema, catalog);
  const sums: Record<EvalMethod, number> = { average_vector: 0, best_score: 0, positives_only: 0, random: 0 };
  let s = (options.seed ?? 11) >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const relevant = (q: EvalQuery, id: string) => {
    const p = byId.get(id);
    return p !== undefined && p.type === q.type && p.colour === q.colour;
  };
  for (const q of queries) {
    const example = (id: string) => {
      const p = byId.get(id) as LabelledPhoto;
      return { id, embedding: p.embedding, attributes: p.attributes };
    };
    const run = (strategy: SearchStrategy, gamma: number, negatives: boolean) =>
      engine.search({
        positives: q.positives.map(example),
        negatives: negatives ? q.negatives.map(example) : [],
        k,
        strategy,
        gamma,
        threshold: false,
      }).matched;
    const gamma = options.gamma ?? 0.5;
    const precision = (ids: string[]) => ids.filter((id) => relevant(q, id)).length / k;
    sums.average_vector += precision(run('average_vector', gamma, true).map((m) => m.id));
    sums.best_score += precision(run('best_score', gamma, true).map((m) => m.id));
    sums.positives_only += precision(run('average_vector', 0, false).map((m) => m.id));
    const exclude = new Set([...q.positives, ...q.negatives]);
    const pool = photos.filter((p) => !exclude.has(p.id));
    const randomIds = Array.from({ length: k }, () => pool[Math.floor(rand() * pool.length)].id);
    sums.random += precision(randomIds);
  }
  const n = Math.max(1, queries.length);
  return {
    average_vector: sums.average_vector / n,
    best_score: sums.best_score / n,
    positives_only: sums.positives_only / n,
    random: sums.random / n,
  };
}
