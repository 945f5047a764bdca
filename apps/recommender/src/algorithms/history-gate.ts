import { blendRanking, type BlendCandidates } from './hybrid-blend';
import { averagePrecisionAtK } from './ranking-metrics';

/** What a user's history looks like when they ask for recommendations: the gate's input. */
export interface HistoryShape {
  /** Positive items in the history the engine scores (at most its history limit). */
  length: number;
  /** Days between the user's latest interaction and now (the catalogue's latest interaction offline). */
  gapDays: number;
}

/** History length bounds of the gate's buckets: short < 50 ≤ medium < 200 ≤ long. */
export const GATE_LENGTH_BOUNDS = [50, 200] as const;
/** A user whose latest interaction is at most this many days old is "active", else "lapsed". */
export const GATE_ACTIVE_DAYS = 30;
export const GATE_BUCKETS = [
  'short-active',
  'short-lapsed',
  'medium-active',
  'medium-lapsed',
  'long-active',
  'long-lapsed',
] as const;
export type GateBucket = (typeof GATE_BUCKETS)[number];

/** Per-bucket blend weights: the gate picks the blend by the shape of the user's history. */
export type HistoryGate<S extends string = string> = Record<GateBucket, Record<S, number>>;

const SECONDS_PER_DAY = 86400;

/** The shape of a history from its length and the times (seconds) of its latest interaction and of now. */
export function historyShape(length: number, lastSeconds: number | undefined, nowSeconds: number): HistoryShape {
  const gap = lastSeconds === undefined ? Infinity : Math.max(0, nowSeconds - lastSeconds) / SECONDS_PER_DAY;
  return { length, gapDays: gap };
}

export function gateBucket(shape: HistoryShape): GateBucket {
  const length =
    shape.length < GATE_LENGTH_BOUNDS[0] ? 'short' : shape.length < GATE_LENGTH_BOUNDS[1] ? 'medium' : 'long';
  const activity = shape.gapDays <= GATE_ACTIVE_DAYS ? 'active' : 'lapsed';
  return `${length}-${activity}`;
}

/** The blend weights the gate assigns to a history of this shape. */
export function gatedWeights<S extends string>(gate: HistoryGate<S>, shape: HistoryShape): Record<S, number> {
  return gate[gateBucket(shape)];
}

/** One validation user for learning the gate. */
export interface GateExample {
  shape: HistoryShape;
  candidates: BlendCandidates;
  relevant: ReadonlySet<number>;
  /** The user's share of their group's score (e.g. 1 / (users of their fold × the fold's reference MAP)). */
  weight: number;
  /** The evaluation fold (protocol × dataset) the user belongs to; groups are what `min` balances. */
  group?: string;
}

export interface LearnGateOptions {
  /** Buckets with fewer users share one set of weights ("rest"). */
  minUsers?: number;
  /**
   * `mean`: the mean over groups of Σ weight × AP@k; `min`: the worst group's, plus a tenth of the mean to break
   * ties (a gate that holds under every protocol rather than one that wins on average).
   */
  objective?: 'mean' | 'min';
  grid?: readonly number[];
  passes?: number;
}

const GRID = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2];

/**
 * Learns per-bucket blend weights by coordinate ascent over (bucket, source) on a grid, maximising the objective
 * over the examples' groups. Deterministic; only the changed bucket's users are re-ranked per trial.
 */
export function learnGate<S extends string>(
  sources: readonly S[],
  examples: readonly GateExample[],
  k: number,
  options: LearnGateOptions = {},
): { gate: HistoryGate<S>; users: Record<GateBucket, number>; value: number } {
  const { minUsers = 30, objective = 'mean', grid = GRID, passes = 3 } = options;
  const users = Object.fromEntries(GATE_BUCKETS.map((b) => [b, 0])) as Record<GateBucket, number>;
  const bucketOf = examples.map((e) => gateBucket(e.shape));
  for (const b of bucketOf) users[b]++;
  const keyOf = (b: GateBucket) => (users[b] >= minUsers ? b : 'rest');
  const keys = [...new Set(GATE_BUCKETS.map(keyOf))];
  const members = new Map(keys.map((key) => [key, [] as number[]]));
  bucketOf.forEach((b, i) => members.get(keyOf(b))?.push(i));
  const groups = [...new Set(examples.map((e) => e.group ?? ''))];
  const groupOf = examples.map((e) => groups.indexOf(e.group ?? ''));
  const params = new Map(keys.map((key) => [key, Object.fromEntries(sources.map((s) => [s, 1])) as Record<S, number>]));
  const ap = new Float64Array(examples.length);
  const score = (i: number, weights: Record<string, number>) =>
    examples[i].weight * averagePrecisionAtK(blendRanking(examples[i].candidates, weights, k), examples[i].relevant, k);
  for (const [key, list] of members) for (const i of list) ap[i] = score(i, params.get(key) ?? {});
  const value = (values: Float64Array) => {
    const sums = new Float64Array(groups.length);
    values.forEach((v, i) => (sums[groupOf[i]] += v));
    const mean = sums.reduce((a, b) => a + b, 0) / (groups.length || 1);
    return objective === 'min' ? Math.min(...sums) + 0.1 * mean : mean;
  };
  let best = value(ap);
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (const key of keys) {
      const list = members.get(key) ?? [];
      for (const source of sources) {
        for (const w of grid) {
          const current = params.get(key) as Record<S, number>;
          if (current[source] === w) continue;
          const trial = { ...current, [source]: w };
          if (Object.values<number>(trial).every((x) => x === 0)) continue;
          const next = Float64Array.from(ap);
          for (const i of list) next[i] = score(i, trial);
          const v = value(next);
          if (v > best + 1e-9) {
            best = v;
            params.set(key, trial);
            ap.set(next);
            improved = true;
          }
        }
      }
    }
    if (!improved) break;
  }
  const gate = Object.fromEntries(GATE_BUCKETS.map((b) => [b, params.get(keyOf(b))])) as HistoryGate<S>;
  return { gate, users, value: best };
}
