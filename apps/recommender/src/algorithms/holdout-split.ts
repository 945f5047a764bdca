import type { Interaction } from './user-item-matrix';

export interface Split {
  train: Interaction[];
  /** Held-out items per user (only users with a held-out part appear). */
  test: Map<number, Set<number>>;
}

/**
 * Per-user temporal leave-last-n-out: each user's n most recent interactions (ties broken by item id) are the
 * test set, everything earlier is training. Users with fewer than `minTrain + n` interactions stay wholly in
 * training. No future interaction of a user leaks into their own training history.
 */
export function leaveLastOut(interactions: readonly Interaction[], n: number, minTrain = 5): Split {
  const byUser = new Map<number, Interaction[]>();
  for (const x of interactions) {
    const list = byUser.get(x.user) ?? [];
    list.push(x);
    byUser.set(x.user, list);
  }
  const train: Interaction[] = [];
  const test = new Map<number, Set<number>>();
  for (const [user, list] of [...byUser].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.item - b.item);
    if (list.length < minTrain + n) {
      train.push(...list);
      continue;
    }
    train.push(...list.slice(0, list.length - n));
    test.set(user, new Set(list.slice(list.length - n).map((x) => x.item)));
  }
  return { train, test };
}

function byUserSorted(interactions: readonly Interaction[]): Array<[number, Interaction[]]> {
  const byUser = new Map<number, Interaction[]>();
  for (const x of interactions) {
    const list = byUser.get(x.user) ?? [];
    list.push(x);
    byUser.set(x.user, list);
  }
  for (const list of byUser.values()) list.sort((a, b) => (a.time ?? 0) - (b.time ?? 0) || a.item - b.item);
  return [...byUser].sort((a, b) => a[0] - b[0]);
}

/** The time at which the latest `testShare` of all interactions begins (the test period's start). */
export function globalCutTime(interactions: readonly Interaction[], testShare: number): number {
  if (interactions.length === 0) return 0;
  const times = interactions.map((x) => x.time ?? 0).sort((a, b) => a - b);
  const index = Math.min(times.length - 1, Math.max(0, Math.floor(times.length * (1 - testShare))));
  return times[index];
}

/**
 * Strict global-time split: every interaction at or after `cut` leaves training (no user keeps anything from the
 * test period); test users are those with an interaction in the test period and at least `minTrain` before it, and
 * their test set is what they touched in the test period that they had not touched before.
 */
export function globalTimeSplit(interactions: readonly Interaction[], cut: number, minTrain = 5): Split {
  const train: Interaction[] = [];
  const test = new Map<number, Set<number>>();
  for (const [user, list] of byUserSorted(interactions)) {
    const before = list.filter((x) => (x.time ?? 0) < cut);
    train.push(...before);
    if (before.length < minTrain) continue;
    const known = new Set(before.map((x) => x.item));
    const after = new Set(list.filter((x) => (x.time ?? 0) >= cut && !known.has(x.item)).map((x) => x.item));
    if (after.size > 0) test.set(user, after);
  }
  return { train, test };
}

/** mulberry32: a small seeded PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Per-user random split (seeded, reproducible): round(testShare × n) of each user's distinct items, drawn uniformly
 * regardless of time, are the test set; users with fewer than `minInteractions` stay wholly in training.
 */
export function randomSplit(
  interactions: readonly Interaction[],
  testShare: number,
  seed: number,
  minInteractions = 10,
): Split {
  const train: Interaction[] = [];
  const test = new Map<number, Set<number>>();
  for (const [user, list] of byUserSorted(interactions)) {
    const items = [...new Set(list.map((x) => x.item))].sort((a, b) => a - b);
    const n = Math.round(items.length * testShare);
    if (items.length < minInteractions || n === 0) {
      train.push(...list);
      continue;
    }
    const random = seededRandom(seed ^ Math.imul(user + 1, 0x9e3779b1));
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    const held = new Set(items.slice(0, n));
    train.push(...list.filter((x) => !held.has(x.item)));
    test.set(user, held);
  }
  return { train, test };
}
