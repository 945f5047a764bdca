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
