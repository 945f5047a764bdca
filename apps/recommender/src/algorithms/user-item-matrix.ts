/** One observed (user, item) pair with an implicit-feedback weight (may be negative for dislikes). */
export interface Interaction {
  user: number;
  item: number;
  weight: number;
  /** Unix seconds; used by temporal splits. */
  time?: number;
}

/**
 * Sparse user × item matrix, one row per user (CSR-like). Duplicate pairs are summed.
 * Positive entries are what collaborative models learn from; negative ones (dislikes) only exclude.
 */
export class UserItemMatrix {
  readonly rows: Array<{ items: Int32Array; weights: Float32Array }>;

  constructor(
    readonly users: number,
    readonly items: number,
    interactions: Iterable<Interaction>,
  ) {
    const maps = Array.from({ length: users }, () => new Map<number, number>());
    for (const x of interactions) maps[x.user].set(x.item, (maps[x.user].get(x.item) ?? 0) + x.weight);
    this.rows = maps.map((m) => {
      const entries = [...m].sort((a, b) => a[0] - b[0]);
      return { items: Int32Array.from(entries.map((e) => e[0])), weights: Float32Array.from(entries.map((e) => e[1])) };
    });
  }

  /** Items the user touched in any way (to exclude from their recommendations). */
  seen(user: number): Set<number> {
    return new Set(this.rows[user].items);
  }

  /** Positive (user, item, weight) entries. */
  *positives(): Generator<[number, number, number]> {
    for (let u = 0; u < this.users; u++) {
      const { items, weights } = this.rows[u];
      for (let k = 0; k < items.length; k++) if (weights[k] > 0) yield [u, items[k], weights[k]];
    }
  }
}

/** A model that scores every item for a user (higher = better); the evaluation and the hybrid consume it. */
export interface ItemScorer {
  readonly name: string;
  /** Dense scores over all items; may contain -Infinity for items the model cannot score. */
  scores(user: number): Float32Array;
}

/** Indices of the k best scores, skipping excluded items, best first. */
export function topK(scores: Float32Array, k: number, exclude?: ReadonlySet<number>): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s) || exclude?.has(i)) continue;
    if (idx.length < k) {
      let p = idx.length;
      idx.push(i);
      val.push(s);
      while (p > 0 && val[p - 1] < s) {
        idx[p] = idx[p - 1];
        val[p] = val[p - 1];
        p--;
      }
      idx[p] = i;
      val[p] = s;
    } else if (s > val[k - 1]) {
      let p = k - 1;
      while (p > 0 && val[p - 1] < s) {
        idx[p] = idx[p - 1];
        val[p] = val[p - 1];
        p--;
      }
      idx[p] = i;
      val[p] = s;
    }
  }
  return idx;
}
