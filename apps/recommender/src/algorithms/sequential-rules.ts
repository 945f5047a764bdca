import type { HistoryScorer } from './recency';
import type { Interaction, ItemScorer } from './user-item-matrix';

export interface SequentialRulesOptions {
  /** How many following interactions of the same user an item is linked to. */
  window?: number;
  /** Weight of the reverse direction (b before a) relative to a before b: taste runs forward, but not only. */
  backward?: number;
  /** Strengths are divided by (n_a·n_b)^γ, n = users with the item: γ = 0 favours popular items, 0.5 is cosine-like. */
  popularityExponent?: number;
  /** Strongest rules kept per item (memory and scoring cost O(items · neighbours)). */
  neighbours?: number;
}

export interface SequentialRule {
  item: number;
  strength: number;
}

/**
 * Sequential rules (Ludewig & Jannach 2018, "SR"): within each user's history in time order, an item a followed
 * by b at distance d ≤ window adds 1/d to the rule a → b (and `backward`/d to b → a). Scores of a history are the
 * weighted sum of the rules from its items, so a recency-weighted history asks "what do people take next after
 * what you took last". Unlike item-kNN and EASE, which see a user's items as a set, it uses their order.
 */
export class SequentialRulesScorer implements ItemScorer, HistoryScorer {
  readonly name = 'sequential';
  readonly rules: SequentialRule[][];

  /** `precomputed`: the same rules from `sequentialRules` (e.g. built in a worker thread). */
  constructor(
    private readonly items: number,
    /** Positive interactions per user, oldest first (see `histories`). */
    private readonly history: ReadonlyArray<readonly Interaction[]>,
    options: SequentialRulesOptions = {},
    precomputed?: SequentialRule[][],
  ) {
    if (precomputed && precomputed.length !== items) {
      throw new Error(`rules for ${precomputed.length} items, need ${items}`);
    }
    this.rules = precomputed ?? sequentialRules(items, history, options);
  }

  /** The user's whole training history, unweighted (serve through `RecencyWeightedScorer` for recency). */
  scores(user: number): Float32Array {
    const h = this.history[user] ?? [];
    return this.scoreHistory(
      h.map((x) => x.item),
      h.map(() => 1),
    );
  }

  scoreHistory(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    const out = new Float32Array(this.items);
    for (let k = 0; k < items.length; k++) {
      const w = weights[k];
      if (w <= 0) continue;
      for (const r of this.rules[items[k]] ?? []) out[r.item] += w * r.strength;
    }
    return out;
  }
}

/** Each item's strongest rules a → b over the users' ordered histories (see SequentialRulesScorer). */
export function sequentialRules(
  items: number,
  history: ReadonlyArray<readonly Interaction[]>,
  options: SequentialRulesOptions = {},
): SequentialRule[][] {
  const window = options.window ?? 100;
  const backward = options.backward ?? 0.25;
  const gamma = options.popularityExponent ?? 0.3;
  const keep = options.neighbours ?? 200;
  const users = new Float64Array(items);
  const occurrences: Array<Array<[number, number]>> = Array.from({ length: items }, () => []);
  history.forEach((h, u) => {
    for (const x of new Set(h.map((x) => x.item))) users[x]++;
    h.forEach((x, p) => occurrences[x.item].push([u, p]));
  });
  // One item at a time into a dense accumulator: O(occurrences · window), no per-pair hash maps.
  const acc = new Float64Array(items);
  const touched: number[] = [];
  const add = (b: number, w: number) => {
    if (acc[b] === 0) touched.push(b);
    acc[b] += w;
  };
  return occurrences.map((occ, a) => {
    for (const [u, p] of occ) {
      const h = history[u];
      for (let q = p + 1; q < h.length && q - p <= window; q++) if (h[q].item !== a) add(h[q].item, 1 / (q - p));
      if (backward > 0)
        for (let q = p - 1; q >= 0 && p - q <= window; q--) if (h[q].item !== a) add(h[q].item, backward / (p - q));
    }
    const rules = touched.map((b) => ({ item: b, strength: acc[b] / Math.pow(users[a] * users[b], gamma) }));
    for (const b of touched) acc[b] = 0;
    touched.length = 0;
    return rules.sort((x, y) => y.strength - x.strength || x.item - y.item).slice(0, keep);
  });
}
