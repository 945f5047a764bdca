import type { AttributeSchema } from '../attributes/attribute-schema';
import type { AttributeReading } from './attribute-profile';
import type { VisualCatalogIndex } from './visual-catalog-index';
import { SEARCH_STRATEGIES, VisualSearchEngine, type SearchStrategy } from './visual-search-engine';

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
}

/** A strategy with the dislikes, the same strategy on the likes alone, and a random baseline. */
export type EvalMethod = SearchStrategy | `${SearchStrategy}:positives_only` | 'random';

export const EVAL_METHODS: EvalMethod[] = [
  ...SEARCH_STRATEGIES.flatMap((s): EvalMethod[] => [s, `${s}:positives_only`]),
  'random',
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/**
 * Queries from labels, one per distinct type|colour group (no group is sampled twice): 5 positives of the group;
 * 5 negatives of the same type in other colours (the disliked look). Only groups with at least `perSide + minLeft`
 * photos qualify, so `minLeft` relevant items remain after the positives. A result is relevant when it shares the
 * positives' type and colour. `max` caps the number of groups (taken in a seeded random order).
 */
export function buildQueries(
  photos: LabelledPhoto[],
  options: { max?: number; seed?: number; perSide?: number; minLeft?: number } = {},
): EvalQuery[] {
  const perSide = options.perSide ?? 5;
  const minLeft = options.minLeft ?? 10;
  const rand = lcg(options.seed ?? 7);
  const shuffle = <T>(xs: T[]): T[] => {
    const copy = [...xs];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy;
  };
  const groups = new Map<string, LabelledPhoto[]>();
  for (const p of photos) {
    const key = `${p.type}|${p.colour}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  const eligible = shuffle(
    [...groups.entries()].filter(([, g]) => g.length >= perSide + minLeft).sort(([a], [b]) => a.localeCompare(b)),
  ).slice(0, options.max ?? Infinity);
  const queries: EvalQuery[] = [];
  for (const [, group] of eligible) {
    const { type, colour } = group[0];
    const sameType = photos.filter((p) => p.type === type && p.colour !== colour);
    const negatives = shuffle(sameType.length >= perSide ? sameType : photos.filter((p) => p.colour !== colour));
    queries.push({
      positives: shuffle(group)
        .slice(0, perSide)
        .map((p) => p.id),
      negatives: negatives.slice(0, perSide).map((p) => p.id),
      type,
      colour,
    });
  }
  return queries.sort((a, b) => `${a.type}|${a.colour}`.localeCompare(`${b.type}|${b.colour}`));
}

export interface EvalOptions {
  k?: number;
  gamma?: number;
  seed?: number;
  embeddingWeight?: number;
  strategies?: readonly SearchStrategy[];
}

/** Precision@k of every method on every query (same order as the queries). */
export function evaluateVisualSearch(
  schema: AttributeSchema,
  catalog: VisualCatalogIndex,
  photos: LabelledPhoto[],
  queries: EvalQuery[],
  options: EvalOptions = {},
): Partial<Record<EvalMethod, number[]>> {
  const k = options.k ?? 10;
  const gamma = options.gamma ?? 0.5;
  const strategies = options.strategies ?? SEARCH_STRATEGIES;
  const byId = new Map(photos.map((p) => [p.id, p]));
  const engine = new VisualSearchEngine(schema, catalog);
  const rand = lcg(options.seed ?? 11);
  const out: Partial<Record<EvalMethod, number[]>> = {};
  const push = (m: EvalMethod, v: number) => (out[m] ??= []).push(v);
  const catalogued = photos.filter((p) => catalog.get(p.id));
  for (const q of queries) {
    const relevant = (id: string) => {
      const p = byId.get(id);
      return p !== undefined && p.type === q.type && p.colour === q.colour;
    };
    const example = (id: string) => {
      const p = byId.get(id) as LabelledPhoto;
      return { id, embedding: p.embedding, attributes: p.attributes };
    };
    const precision = (ids: string[]) => ids.filter(relevant).length / k;
    for (const strategy of strategies) {
      for (const withNegatives of [true, false]) {
        const ids = engine
          .search({
            positives: q.positives.map(example),
            negatives: withNegatives ? q.negatives.map(example) : [],
            k,
            strategy,
            gamma: withNegatives ? gamma : 0,
            threshold: false,
            embeddingWeight: options.embeddingWeight,
          })
          .matched.map((m) => m.id);
        push(withNegatives ? strategy : `${strategy}:positives_only`, precision(ids));
      }
    }
    const exclude = new Set([...q.positives, ...q.negatives]);
    const pool = catalogued.filter((p) => !exclude.has(p.id));
    const picked = new Set<string>();
    while (picked.size < Math.min(k, pool.length)) picked.add(pool[Math.floor(rand() * pool.length)].id);
    push('random', precision([...picked]));
  }
  return out;
}

export function meanOf(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** Percentile bootstrap 95% CI of the mean (resampling queries). */
export function bootstrapCi(xs: readonly number[], resamples = 2000, seed = 3): [number, number] {
  if (xs.length === 0) return [0, 0];
  const rand = lcg(seed);
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rand() * xs.length)];
    means.push(s / xs.length);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * resamples)], means[Math.min(resamples - 1, Math.floor(0.975 * resamples))]];
}

/** Paired differences a − b per query (for a CI of "with dislikes minus positives only"). */
export function pairedDiff(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x - b[i]);
}
