import type { ItemScorer, UserItemMatrix } from './user-item-matrix';

/**
 * Content-based scorer (Rocchio): the user profile is the weighted mean of the vectors of items they liked or
 * viewed minus `beta` times the mean of disliked ones; an item's score is its cosine with the profile.
 */
export class ContentScorer implements ItemScorer {
  readonly name = 'content';

  constructor(
    private readonly matrix: UserItemMatrix,
    /** Row-major items × dimensions, rows L2-normalised. */
    private readonly vectors: Float32Array,
    private readonly dimensions: number,
    private readonly beta = 0.5,
  ) {}

  profile(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    return rocchioProfile(this.vectors, this.dimensions, items, weights, this.beta);
  }

  scores(user: number): Float32Array {
    const { items, weights } = this.matrix.rows[user];
    return this.scoreHistory(items, weights);
  }

  /** Cosine of every item with the profile of an arbitrary weighted history (e.g. recency-weighted). */
  scoreHistory(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    const profile = this.profile(items, weights);
    const out = new Float32Array(this.matrix.items);
    const d = this.dimensions;
    for (let i = 0; i < this.matrix.items; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += profile[j] * this.vectors[i * d + j];
      out[i] = s;
    }
    return out;
  }
}

/** Rocchio profile from item vectors (row-major) and interaction weights; L2-normalised. */
export function rocchioProfile(
  vectors: Float32Array,
  dimensions: number,
  items: ArrayLike<number>,
  weights: ArrayLike<number>,
  beta = 0.5,
): Float32Array {
  const pos = new Float32Array(dimensions);
  const neg = new Float32Array(dimensions);
  let wp = 0;
  let wn = 0;
  for (let k = 0; k < items.length; k++) {
    const w = weights[k];
    const target = w > 0 ? pos : neg;
    const a = Math.abs(w);
    const row = items[k] * dimensions;
    for (let j = 0; j < dimensions; j++) target[j] += a * vectors[row + j];
    if (w > 0) wp += a;
    else wn += a;
  }
  const out = new Float32Array(dimensions);
  let sum = 0;
  for (let j = 0; j < dimensions; j++) {
    out[j] = (wp ? pos[j] / wp : 0) - (wn ? (beta * neg[j]) / wn : 0);
    sum += out[j] * out[j];
  }
  if (sum > 0) for (let j = 0; j < dimensions; j++) out[j] /= Math.sqrt(sum);
  return out;
}
