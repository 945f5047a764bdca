/** Rank agreement between a judge's scores and human MOS, overall and within prompt, with bootstrap CIs. */
import { SeededRandom } from '@atelier/ml-runtime';

export interface Scored {
  group: number;
  score: number;
  mos: number;
}

/** Average ranks (ties share their mean rank). */
export function ranks(xs: number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export function spearman(a: number[], b: number[]): number {
  return pearson(ranks(a), ranks(b));
}

/** Kendall's τ-b. */
export function kendall(a: number[], b: number[]): number {
  let c = 0;
  let d = 0;
  let ta = 0;
  let tb = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const x = Math.sign(a[i] - a[j]);
      const y = Math.sign(b[i] - b[j]);
      if (x === 0 && y === 0) continue;
      if (x === 0) ta++;
      else if (y === 0) tb++;
      else if (x === y) c++;
      else d++;
    }
  }
  const denom = Math.sqrt((c + d + ta) * (c + d + tb));
  return denom > 0 ? (c - d) / denom : 0;
}

/** Items grouped by prompt. */
export function byGroup(items: Scored[]): Scored[][] {
  const m = new Map<number, Scored[]>();
  for (const it of items) m.set(it.group, [...(m.get(it.group) ?? []), it]);
  return [...m.values()];
}

/** Per prompt: [agreeing pairs (ties in score count ½), pairs with different MOS]. */
export function pairCounts(group: Scored[]): [number, number] {
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      const h = Math.sign(group[i].mos - group[j].mos);
      if (h === 0) continue;
      pairs++;
      const s = Math.sign(group[i].score - group[j].score);
      agree += s === 0 ? 0.5 : s === h ? 1 : 0;
    }
  }
  return [agree, pairs];
}

/** Pairwise accuracy within prompt (pairs pooled over prompts). */
export function pairwiseAccuracy(groups: Scored[][]): number {
  let a = 0;
  let p = 0;
  for (const g of groups) {
    const [x, y] = pairCounts(g);
    a += x;
    p += y;
  }
  return p ? a / p : Number.NaN;
}

/** Share of prompts whose top-scored image is the human top (ties split). */
export function top1(groups: Scored[][]): number {
  let hits = 0;
  for (const g of groups) {
    const best = Math.max(...g.map((x) => x.score));
    const tied = g.filter((x) => x.score === best);
    const humanBest = Math.max(...g.map((x) => x.mos));
    hits += tied.filter((x) => x.mos === humanBest).length / tied.length;
  }
  return hits / groups.length;
}

/** 95 % percentile bootstrap CI over prompts of a statistic of groups. */
export function bootstrapCi(
  groups: Scored[][],
  stat: (gs: Scored[][]) => number,
  resamples = 1000,
  seed = 7,
): [number, number] {
  const rng = new SeededRandom(seed);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({ length: groups.length }, () => groups[rng.int(groups.length)]);
    values.push(stat(sample));
  }
  values.sort((a, b) => a - b);
  return [values[Math.floor(0.025 * resamples)], values[Math.floor(0.975 * resamples) - 1]];
}

/** Paired bootstrap CI of the difference stat(a) − stat(b) over the same resampled prompts. */
export function pairedBootstrapCi(
  a: Scored[][],
  b: Scored[][],
  stat: (gs: Scored[][]) => number,
  resamples = 1000,
  seed = 11,
): [number, number] {
  const rng = new SeededRandom(seed);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const pick = Array.from({ length: a.length }, () => rng.int(a.length));
    values.push(stat(pick.map((i) => a[i])) - stat(pick.map((i) => b[i])));
  }
  values.sort((x, y) => x - y);
  return [values[Math.floor(0.025 * resamples)], values[Math.floor(0.975 * resamples) - 1]];
}

export function meanWithin(groups: Scored[][], f: (a: number[], b: number[]) => number): number {
  const vals = groups
    .filter((g) => g.length >= 3)
    .map((g) =>
      f(
        g.map((x) => x.score),
        g.map((x) => x.mos),
      ),
    );
  return vals.reduce((s, v) => s + v, 0) / (vals.length || 1);
}

export interface Report {
  images: number;
  prompts: number;
  spearman: number;
  kendall: number;
  withinSpearman: number;
  withinKendall: number;
  pairwise: number;
  pairwiseCi: [number, number];
  top1: number;
}

export function report(items: Scored[]): Report {
  const groups = byGroup(items);
  return {
    images: items.length,
    prompts: groups.length,
    spearman: spearman(
      items.map((x) => x.score),
      items.map((x) => x.mos),
    ),
    kendall: kendall(
      items.map((x) => x.score),
      items.map((x) => x.mos),
    ),
    withinSpearman: meanWithin(groups, spearman),
    withinKendall: meanWithin(groups, kendall),
    pairwise: pairwiseAccuracy(groups),
    pairwiseCi: bootstrapCi(groups, pairwiseAccuracy),
    top1: top1(groups),
  };
}
