import { blendRanking, learnBlendWeights, type BlendCandidates } from './hybrid-blend';
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
  /** The user's share of the objective (e.g. 1 / (users of their fold × the fold's reference MAP)). */
  weight: number;
}

/**
 * Learns per-bucket blend weights maximising the weighted sum of AP@k over the examples. The objective is a sum
 * over users, so each bucket is learned on its own users by coordinate ascent (`learnBlendWeights`); a bucket with
 * fewer than `minUsers` examples takes the weights learned on everybody.
 */
export function learnGate<S extends string>(
  sources: readonly S[],
  examples: readonly GateExample[],
  k: number,
  minUsers = 30,
): { gate: HistoryGate<S>; users: Record<GateBucket, number> } {
  const objective = (group: readonly GateExample[]) => (weights: Record<string, number>) =>
    group.reduce(
      (sum, e) => sum + e.weight * averagePrecisionAtK(blendRanking(e.candidates, weights, k), e.relevant, k),
      0,
    );
  let everybody: Record<S, number> | undefined;
  const fallback = () => (everybody ??= learnBlendWeights(sources, objective(examples)).weights as Record<S, number>);
  const gate = {} as HistoryGate<S>;
  const users = {} as Record<GateBucket, number>;
  for (const bucket of GATE_BUCKETS) {
    const group = examples.filter((e) => gateBucket(e.shape) === bucket);
    users[bucket] = group.length;
    gate[bucket] =
      group.length < minUsers
        ? fallback()
        : (learnBlendWeights(sources, objective(group)).weights as Record<S, number>);
  }
  return { gate, users };
}
