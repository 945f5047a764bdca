import { EaseScorer, gramMatrix } from './ease';
import { PopularityScorer } from './popularity';
import { UserItemMatrix, type Interaction, type ItemScorer } from './user-item-matrix';

/** Solves EASE's B from a Gram matrix (which it may consume), e.g. `easeWeights` in another thread. */
export type EaseSolver = (gram: Float64Array, n: number, lambda: number) => Promise<Float32Array>;

/** The `max` most popular interacted items, and the interactions restricted to them. */
function restrict(matrix: UserItemMatrix, max: number) {
  const counts = new PopularityScorer(matrix).counts;
  const order = Array.from(counts.keys())
    .filter((i) => counts[i] > 0)
    .sort((a, b) => counts[b] - counts[a] || a - b)
    .slice(0, max);
  const keep = Int32Array.from(order);
  const local = new Int32Array(matrix.items).fill(-1);
  order.forEach((item, j) => (local[item] = j));
  const sub: Interaction[] = [];
  for (const [u, i, w] of matrix.positives()) if (local[i] >= 0) sub.push({ user: u, item: local[i], weight: w });
  return { keep, local, restricted: new UserItemMatrix(matrix.users, order.length, sub) };
}

/** EASE on the most popular `max` items, scores mapped back to the full catalogue (-Infinity elsewhere). */
export class CappedEaseScorer implements ItemScorer {
  readonly name = 'ease';
  private readonly ease: EaseScorer;
  private readonly keep: Int32Array;
  private readonly local: Int32Array;

  /** `weights`: EASE's B for the restricted matrix, when already solved (see `build`). */
  constructor(
    private readonly matrix: UserItemMatrix,
    lambda: number,
    max: number,
    weights?: Float32Array,
  ) {
    const { keep, local, restricted } = restrict(matrix, max);
    this.keep = keep;
    this.local = local;
    this.ease = new EaseScorer(restricted, lambda, true, weights);
  }

  /** The same scorer with the n³ solve handed to `solve` (the recommender runs it in a worker thread). */
  static async build(
    matrix: UserItemMatrix,
    lambda: number,
    max: number,
    solve: EaseSolver,
  ): Promise<CappedEaseScorer> {
    const { restricted } = restrict(matrix, max);
    const weights = await solve(gramMatrix(restricted, true), restricted.items, lambda);
    return new CappedEaseScorer(matrix, lambda, max, weights);
  }

  scores(user: number): Float32Array {
    return this.mapBack(this.ease.scores(user));
  }

  scoreHistory(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    const keptItems: number[] = [];
    const keptWeights: number[] = [];
    for (let k = 0; k < items.length; k++) {
      if (this.local[items[k]] >= 0) {
        keptItems.push(this.local[items[k]]);
        keptWeights.push(weights[k]);
      }
    }
    return this.mapBack(this.ease.scoreHistory(keptItems, keptWeights));
  }

  private mapBack(local: Float32Array): Float32Array {
    const out = new Float32Array(this.matrix.items).fill(-Infinity);
    this.keep.forEach((item, j) => (out[item] = local[j]));
    return out;
  }
}
