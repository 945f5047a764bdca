import type { ItemScorer, UserItemMatrix } from './user-item-matrix';

/** The baseline: items ranked by how many users interacted positively with them, the same list for everybody. */
export class PopularityScorer implements ItemScorer {
  readonly name = 'popularity';
  readonly counts: Float32Array;

  constructor(matrix: UserItemMatrix) {
    this.counts = new Float32Array(matrix.items);
    for (const [, item] of matrix.positives()) this.counts[item]++;
  }

  scores(): Float32Array {
    return this.counts;
  }
}
