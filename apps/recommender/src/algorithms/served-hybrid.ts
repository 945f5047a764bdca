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
 * What the recommendation engine serves, and what `npm run eval:recs` scores as "hybrid (served)". The sources'
 * λ and half-lives were chosen on MovieLens-100k temporal *validation* data; the gate (blend weights per history
 * shape) on the validation folds of all three protocols (temporal, global time, random 80/20) of MovieLens-100k
 * and latest-small, maximising the worst fold's MAP@10 relative to its best single source. Never on a test fold:
 * the eval prints the gate it learns and warns when it differs from this one.
 */
export const SERVED_HYBRID: ServedHybridConfig = {
  collaborative: { lambda: 400, halfLife: 5 },
  sequential: { window: 100, backward: 0.25, popularityExponent: 0.3, neighbours: 200, halfLife: 3 },
  content: { halfLife: 10 },
  gate: {
    'short-active': { collaborative: 1.5, longterm: 1.5, sequential: 0.2, content: 0.35, popularity: 0.2 },
    'short-lapsed': { collaborative: 0.1, longterm: 2, sequential: 0.05, content: 0.35, popularity: 1.5 },
    'medium-active': { collaborative: 0.1, longterm: 1.5, sequential: 0, content: 0.5, popularity: 1 },
    'medium-lapsed': { collaborative: 1, longterm: 2, sequential: 0, content: 0.5, popularity: 1 },
    'long-active': { collaborative: 1, longterm: 2, sequential: 0.2, content: 0.1, popularity: 0 },
    'long-lapsed': { collaborative: 0, longterm: 2, sequential: 0, content: 0, popularity: 0 },
  },
  candidatesPerSource: 100,
};

/** Weight of the interaction `age` steps before the latest one: 0.5^(age / halfLife). */
export function recencyDecay(age: number, halfLife: number): number {
  return Math.pow(0.5, age / halfLife);
}
