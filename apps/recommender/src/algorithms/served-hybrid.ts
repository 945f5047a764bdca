import type { HistoryGate } from './history-gate';
import type { SequentialRulesOptions } from './sequential-rules';

/**
 * The stage-1 sources of the served hybrid, by the names its blend weights and explanations use: short-term
 * (recency-weighted EASE "collaborative", sequential rules, content) and long-term ("longterm": the same EASE over
 * the whole history, unweighted by age), plus popularity.
 */
export const HYBRID_SOURCES = ['collaborative', 'longterm', 'sequential', 'content', 'popularity'] as const;
export type HybridSource = (typeof HYBRID_SOURCES)[number];

export interface ServedHybridConfig {
  /** Recency-weighted EASE (item-kNN on catalogues too large for EASE). */
  collaborative: { lambda: number; halfLife: number };
  /** Recency-weighted sequential rules. */
  sequential: Required<SequentialRulesOptions> & { halfLife: number };
  /** Rocchio profile over item vectors of a recency-weighted history. */
  content: { halfLife: number };
  /** Stage-2 linear blend weights per history shape (`history-gate.ts`). */
  gate: HistoryGate<HybridSource>;
  /** Candidates each source contributes to stage 2. */
  candidatesPerSource: number;
}

/**
 * What the recommendation engine serves, and what `npm run eval:recs` scores as "hybrid (served)". Every number
 * here was chosen on MovieLens-100k *validation* data (each user's 10 interactions before their 10 test ones), never
 * on the test fold: the eval prints the values it selects and warns when they differ from these.
 */
export const SERVED_HYBRID: ServedHybridConfig = {
  collaborative: { lambda: 400, halfLife: 5 },
  sequential: { window: 100, backward: 0.25, popularityExponent: 0.3, neighbours: 200, halfLife: 3 },
  content: { halfLife: 10 },
  gate: {
    'short-active': { collaborative: 1.5, longterm: 0, sequential: 2, content: 0.75, popularity: 0.05 },
    'short-lapsed': { collaborative: 1.5, longterm: 0, sequential: 2, content: 0.75, popularity: 0.05 },
    'medium-active': { collaborative: 1.5, longterm: 0, sequential: 2, content: 0.75, popularity: 0.05 },
    'medium-lapsed': { collaborative: 1.5, longterm: 0, sequential: 2, content: 0.75, popularity: 0.05 },
    'long-active': { collaborative: 1.5, longterm: 0, sequential: 2, content: 0.75, popularity: 0.05 },
    'long-lapsed': { collaborative: 1.5, longterm: 0, sequential: 2, content: 0.75, popularity: 0.05 },
  },
  candidatesPerSource: 100,
};

/** Weight of the interaction `age` steps before the latest one: 0.5^(age / halfLife). */
export function recencyDecay(age: number, halfLife: number): number {
  return Math.pow(0.5, age / halfLife);
}
