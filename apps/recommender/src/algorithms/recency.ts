import type { Interaction, ItemScorer } from './user-item-matrix';

/** Each user's positive training history, oldest first. */
export function histories(users: number, interactions: readonly Interaction[]): Array<Interaction[]> {
  const out: Interaction[][] = Array.from({ length: users }, () => []);
  for (const x of interactions) if (x.weight > 0) out[x.user].push(x);
  for (const h of out) h.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.item - b.item);
  return out;
}

/** A model that can score an arbitrary weighted history (item-kNN, EASE). */
export interface HistoryScorer {
  scoreHistory(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array;
}

/**
 * Scores a user from a recency-weighted history: the item `s` steps before the latest weighs 0.5^(s/halfLife),
 * and only the last `lastN` count. Tastes drift; what a user did last predicts what they do next.
 */
export class RecencyWeightedScorer implements ItemScorer {
  constructor(
    readonly name: string,
    private readonly base: HistoryScorer,
    private readonly history: ReadonlyArray<readonly Interaction[]>,
    private readonly halfLife = 5,
    private readonly lastN = 50,
  ) {}

  scores(user: number): Float32Array {
    const recent = this.history[user].slice(-this.lastN);
    const weights = recent.map((x, i) => x.weight * Math.pow(0.5, (recent.length - 1 - i) / this.halfLife));
    return this.base.scoreHistory(
      recent.map((x) => x.item),
      weights,
    );
  }
}

/**
 * "Trending around you": popularity among everybody's interactions within `windowSeconds` before the user's latest
 * activity. Online this is simply what is popular right now; offline it respects each user's point in time.
 */
export class TrendingScorer implements ItemScorer {
  readonly name = 'trending';
  private readonly times: Float64Array;
  private readonly items: Int32Array;

  constructor(
    private readonly itemCount: number,
    interactions: readonly Interaction[],
    private readonly history: ReadonlyArray<readonly Interaction[]>,
    private readonly windowSeconds = 14 * 86400,
  ) {
    const sorted = interactions.filter((x) => x.weight > 0).sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
    this.times = Float64Array.from(sorted.map((x) => x.time ?? 0));
    this.items = Int32Array.from(sorted.map((x) => x.item));
  }

  scores(user: number): Float32Array {
    const h = this.history[user];
    const now = h.length ? (h[h.length - 1].time ?? 0) : (this.times[this.times.length - 1] ?? 0);
    return this.at(now);
  }

  /** Counts in (now − window, now]. */
  at(now: number): Float32Array {
    const out = new Float32Array(this.itemCount);
    const end = upperBound(this.times, now);
    const start = upperBound(this.times, now - this.windowSeconds);
    for (let i = start; i < end; i++) out[this.items[i]]++;
    return out;
  }
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
