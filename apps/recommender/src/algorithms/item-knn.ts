import type { ItemScorer, UserItemMatrix } from './user-item-matrix';

export interface Neighbour {
  item: number;
  similarity: number;
}

/**
 * Item-based kNN: cosine similarity between item columns of the binary positive matrix, computed sparsely from
 * co-occurrences, keeping the `neighbours` most similar items each. Score of an item for a user = sum of its
 * similarities to the user's items (optionally weighted). Scales to large catalogues (memory O(n·neighbours)).
 */
export class ItemKnnScorer implements ItemScorer {
  readonly name = 'item-knn';
  readonly neighbours: Neighbour[][];

  /** `precomputed`: the same lists from `itemNeighbours` (e.g. built in a worker thread). */
  constructor(
    private readonly matrix: UserItemMatrix,
    neighbours = 100,
    /** Cap of items per user counted in co-occurrences (a few heavy users otherwise dominate the cost). */
    maxItemsPerUser = 500,
    /** Shrinks similarities supported by few co-occurrences. */
    shrink = 10,
    precomputed?: Neighbour[][],
  ) {
    if (precomputed && precomputed.length !== matrix.items) {
      throw new Error(`neighbour lists for ${precomputed.length} items, need ${matrix.items}`);
    }
    this.neighbours = precomputed ?? itemNeighbours(matrix, neighbours, maxItemsPerUser, shrink);
  }

  scores(user: number): Float32Array {
    const { items, weights } = this.matrix.rows[user];
    return this.scoreHistory(items, weights);
  }

  scoreHistory(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    const out = new Float32Array(this.matrix.items);
    for (let k = 0; k < items.length; k++) {
      // Weighted like EASE: interaction strength and recency decay count; dislikes add nothing.
      const w = weights[k];
      if (w <= 0) continue;
      for (const nb of this.neighbours[items[k]]) out[nb.item] += w * nb.similarity;
    }
    return out;
  }
}

/** Each item's `neighbours` most similar items (shrunk cosine over co-occurrences; see ItemKnnScorer). */
export function itemNeighbours(
  matrix: UserItemMatrix,
  neighbours = 100,
  maxItemsPerUser = 500,
  shrink = 10,
): Neighbour[][] {
  const n = matrix.items;
  const norms = new Float64Array(n);
  const lists: number[][] = matrix.rows.map(({ items, weights }) => {
    const pos: number[] = [];
    for (let k = 0; k < items.length && pos.length < maxItemsPerUser; k++) if (weights[k] > 0) pos.push(items[k]);
    for (const i of pos) norms[i]++;
    return pos;
  });
  const co = Array.from({ length: n }, () => new Map<number, number>());
  for (const pos of lists) {
    for (const a of pos) {
      const m = co[a];
      for (const b of pos) if (a !== b) m.set(b, (m.get(b) ?? 0) + 1);
    }
  }
  return co.map((m, i) => {
    const sims: Neighbour[] = [];
    for (const [j, c] of m) {
      sims.push({ item: j, similarity: (c / Math.sqrt(norms[i] * norms[j])) * (c / (c + shrink)) });
    }
    return sims.sort((x, y) => y.similarity - x.similarity).slice(0, neighbours);
  });
}
