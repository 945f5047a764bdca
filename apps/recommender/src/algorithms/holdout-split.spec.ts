import { globalCutTime, globalTimeSplit, leaveLastOut, randomSplit } from './holdout-split';
import type { Interaction } from './user-item-matrix';

/** 40 users with 12–60 interactions each over distinct items, spread over 100 days with user-specific offsets. */
function synthetic(): Interaction[] {
  const out: Interaction[] = [];
  for (let user = 0; user < 40; user++) {
    const n = 12 + ((user * 7) % 49);
    for (let j = 0; j < n; j++)
      out.push({ user, item: (user * 13 + j * 5) % 300, weight: 1, time: 86400 * ((user * 3 + j * 2) % 100) + j });
  }
  // Distinct (user, item) pairs, as MovieLens ratings are.
  const seen = new Set<string>();
  return out.filter((x) => !seen.has(`${x.user}:${x.item}`) && seen.add(`${x.user}:${x.item}`) !== undefined);
}

describe('globalTimeSplit', () => {
  const all = synthetic();
  const cut = globalCutTime(all, 0.1);
  const split = globalTimeSplit(all, cut, 5);

  it('keeps no training interaction at or after the cut, from any user', () => {
    expect(split.train.length).toBeGreaterThan(0);
    expect(Math.max(...split.train.map((x) => x.time ?? 0))).toBeLessThan(cut);
    expect(split.train.length).toBe(all.filter((x) => (x.time ?? 0) < cut).length);
  });

  it('cuts at the start of the latest tenth of the interactions', () => {
    const after = all.filter((x) => (x.time ?? 0) >= cut).length;
    expect(after / all.length).toBeGreaterThanOrEqual(0.1);
    expect(all.filter((x) => (x.time ?? 0) > cut).length / all.length).toBeLessThan(0.1);
  });

  it('tests users active in the test period with history before it, on items new to them', () => {
    expect(split.test.size).toBeGreaterThan(5);
    for (const [user, items] of split.test) {
      const before = split.train.filter((x) => x.user === user);
      expect(before.length).toBeGreaterThanOrEqual(5);
      const known = new Set(before.map((x) => x.item));
      for (const item of items) {
        expect(known.has(item)).toBe(false);
        expect(all.some((x) => x.user === user && x.item === item && (x.time ?? 0) >= cut)).toBe(true);
      }
    }
  });
});

describe('randomSplit', () => {
  const all = synthetic();

  it('holds out round(20 %) of each user and keeps the other 80 % in training, disjoint', () => {
    const split = randomSplit(all, 0.2, 7, 10);
    const users = new Set(all.map((x) => x.user));
    expect(split.test.size).toBe(users.size);
    for (const user of users) {
      const mine = all.filter((x) => x.user === user);
      const test = split.test.get(user) ?? new Set<number>();
      const train = split.train.filter((x) => x.user === user);
      expect(test.size).toBe(Math.round(mine.length * 0.2));
      expect(train.length).toBe(mine.length - test.size);
      for (const x of train) expect(test.has(x.item)).toBe(false);
    }
    expect(split.train.length + [...split.test.values()].reduce((n, s) => n + s.size, 0)).toBe(all.length);
  });

  it('is reproducible by seed and not tied to time', () => {
    const a = randomSplit(all, 0.2, 7, 10);
    const b = randomSplit(all, 0.2, 7, 10);
    const c = randomSplit(all, 0.2, 8, 10);
    const key = (s: ReturnType<typeof randomSplit>) =>
      JSON.stringify([...s.test].map(([u, items]) => [u, [...items].sort((x, y) => x - y)]));
    expect(key(a)).toBe(key(b));
    expect(key(a)).not.toBe(key(c));
    // Not the latest interactions: for some user a held-out item is older than one they keep in training.
    const older = [...a.test].some(([user, items]) => {
      const mine = all.filter((x) => x.user === user);
      const heldTimes = mine.filter((x) => items.has(x.item)).map((x) => x.time ?? 0);
      const keptTimes = mine.filter((x) => !items.has(x.item)).map((x) => x.time ?? 0);
      return Math.min(...heldTimes) < Math.max(...keptTimes);
    });
    expect(older).toBe(true);
    expect(leaveLastOut(all, 3, 5).test.size).toBeGreaterThan(0);
  });

  it('leaves users below the minimum wholly in training', () => {
    const split = randomSplit(all, 0.2, 7, 30);
    for (const [user] of split.test) expect(all.filter((x) => x.user === user).length).toBeGreaterThanOrEqual(30);
    const small = [...new Set(all.map((x) => x.user))].filter((u) => all.filter((x) => x.user === u).length < 30);
    expect(small.length).toBeGreaterThan(0);
    for (const u of small)
      expect(split.train.filter((x) => x.user === u).length).toBe(all.filter((x) => x.user === u).length);
  });
});
