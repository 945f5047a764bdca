import { EaseScorer } from './ease';
import { PopularityScorer } from './popularity';
import { UserItemMatrix, type Interaction, type ItemScorer } from './user-item-matrix';

/** EASE on the most popular `max` items, scores mapped back to the full catalogue (-Infinity elsewhere). */
export class CappedEaseScorer implements ItemScorer {
  readonly name = 'ease';
  private readonly ease: EaseScorer;
  private readonly keep: Int32Array;
  private readonly local: Int32Array;

  constructor(
    private readonly matrix: UserItemMatrix,
    lambda: number,
    max: number,
  ) {
    const counts = new PopularityScorer(matrix).counts;
    const order = Array.from(counts.keys())
      .filter((i) => counts[i] > 0)
      .sort((a, b) => counts[b] - counts[a] || a - b)
      .slice(0, max);
    this.keep = Int32Array.from(order);
    this.local = new Int32Array(matrix.items).fill(-1);
    order.forEach((item, j) => (this.local[item] = j));
    const sub: Interaction[] = [];
    for (const [u, i, w] of matrix.positives())
      if (this.local[i] >= 0) sub.push({ user: u, item: this.local[i], weight: w });
    this.ease = new EaseScorer(new UserItemMatrix(matrix.users, order.length, sub), lambda);
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
