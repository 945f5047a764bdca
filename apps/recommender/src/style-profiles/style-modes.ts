import { assign, project } from './gaussian-mixture';
import type { LikedItem, StyleModel } from './style-profile';

/** A distinct style of a user: one or more GMM components of their profile that BIC would not tell apart. */
export interface StyleModeGroup {
  components: number[];
  /** Share of the user's liked items in this mode. */
  share: number;
  items: number;
  /** Catalogue attributes at least half of the mode's liked items share, most common first. */
  dominant: Array<{ name: string; value: string; share: number }>;
  exampleItemIds: string[];
}

/** The modes with what it takes for a new item to belong to one. */
export interface StyleModes {
  modes: StyleModeGroup[];
  /** Per mode: its liked items' embeddings, and the cosine a new item needs to its nearest one. */
  members: Array<{ vectors: Float32Array[]; threshold: number }>;
}

/** A mode with fewer liked items than this is folded into its nearest neighbour before any test. */
const MIN_MODE_ITEMS = 3;
/** Variance floor of the per-mode Gaussians, relative to the liked items' overall variance per dimension. */
const VARIANCE_FLOOR = 0.2;
/**
 * Leading principal axes the BIC test of two modes looks along (1 and a floor of 0.2 split 3 of 7 two-style users
 * of real product photos and kept 13 of 14 one-style users whole; more axes split one style by noise).
 */
const TEST_DIMENSIONS = 1;
/** A new item belongs to a mode if its nearest liked item there is this close, relative to the mode's loosest pair. */
const MEMBERSHIP_SLACK = 0.95;
/** Liked embeddings kept per mode for the membership test. */
const MAX_MEMBER_VECTORS = 100;

interface Gaussian {
  mean: number[];
  variance: number[];
}

function fitGaussian(points: number[][], floor: number): Gaussian {
  const d = points[0].length;
  const mean = Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[j], 0) / points.length);
  const variance = mean.map((m, j) => points.reduce((s, p) => s + (p[j] - m) ** 2, 0) / points.length + floor);
  return { mean, variance };
}

function logDensity(g: Gaussian, x: number[]): number {
  let s = 0;
  for (let j = 0; j < x.length; j++)
    s += Math.log(2 * Math.PI * g.variance[j]) + (x[j] - g.mean[j]) ** 2 / g.variance[j];
  return -0.5 * s;
}

/** BIC(one Gaussian for a ∪ b) − BIC(two-Gaussian mixture a, b): ≤ 0 means the data do not support two modes. */
export function splitEvidence(a: number[][], b: number[][], floor: number): number {
  const all = [...a, ...b];
  const n = all.length;
  const d = all[0].length;
  const one = fitGaussian(all, floor);
  const ga = fitGaussian(a, floor);
  const gb = fitGaussian(b, floor);
  const [wa, wb] = [a.length / n, b.length / n];
  let llOne = 0;
  let llTwo = 0;
  for (const x of all) {
    llOne += logDensity(one, x);
    const la = Math.log(wa) + logDensity(ga, x);
    const lb = Math.log(wb) + logDensity(gb, x);
    const m = Math.max(la, lb);
    llTwo += m + Math.log(Math.exp(la - m) + Math.exp(lb - m));
  }
  const bicOne = -2 * llOne + 2 * d * Math.log(n);
  const bicTwo = -2 * llTwo + (4 * d + 1) * Math.log(n);
  return bicOne - bicTwo;
}

/**
 * The style profile's distinct modes. The profile's mixture always has 3–7 components (BIC in that range), so a
 * user with one style has it split in pieces; here components are merged, closest pair first, while BIC prefers
 * one Gaussian over two for their liked items. A user with one style gets one mode; two clearly different liked
 * clusters stay two.
 */
export function distinctModes(
  model: StyleModel,
  items: readonly LikedItem[],
  options: { testDimensions?: number; varianceFloor?: number } = {},
): StyleModes {
  if (items.length === 0) return { modes: [], members: [] };
  const projected = items.map((i) => project(i.vector, model.basis));
  // The test looks along the leading principal axes only: a second style shows there, and a handful of likes
  // cannot support a Gaussian in every dimension.
  const points = projected.map((p) => p.slice(0, options.testDimensions ?? TEST_DIMENSIONS));
  const d = points[0].length;
  if (d === 0) {
    const everyone = items.map((_, i) => i);
    return { modes: [group([0], items, everyone, items.length)], members: [membership(items, everyone)] };
  }
  const globalMean = Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[j], 0) / points.length);
  const globalVar =
    points.reduce((s, p) => s + p.reduce((t, x, j) => t + (x - globalMean[j]) ** 2, 0), 0) / (points.length * d);
  const floor = (options.varianceFloor ?? VARIANCE_FLOOR) * (globalVar || 1);
  const byComponent = new Map<number, number[]>();
  projected.forEach((p, i) => {
    const c = assign(model.gmm, p);
    byComponent.set(c, [...(byComponent.get(c) ?? []), i]);
  });
  let groups = [...byComponent].map(([c, members]) => ({ components: [c], members }));
  const centre = (members: number[]) =>
    Array.from({ length: d }, (_, j) => members.reduce((s, i) => s + points[i][j], 0) / members.length);
  const distance = (a: number[], b: number[]) => a.reduce((s, x, j) => s + (x - b[j]) ** 2, 0);
  const merge = (x: number, y: number) => {
    const merged = {
      components: [...groups[x].components, ...groups[y].components],
      members: [...groups[x].members, ...groups[y].members],
    };
    groups = groups.filter((_, i) => i !== x && i !== y);
    groups.push(merged);
  };
  // Tiny modes cannot be tested by BIC: fold each into the mode with the nearest centre.
  for (;;) {
    if (groups.length < 2) break;
    const small = groups.findIndex((g) => g.members.length < MIN_MODE_ITEMS);
    if (small < 0) break;
    const c = centre(groups[small].members);
    let nearest = -1;
    groups.forEach((g, i) => {
      if (i !== small && (nearest < 0 || distance(centre(g.members), c) < distance(centre(groups[nearest].members), c)))
        nearest = i;
    });
    merge(small, nearest);
  }
  for (;;) {
    let best: { x: number; y: number; evidence: number } | undefined;
    for (let x = 0; x < groups.length; x++) {
      for (let y = x + 1; y < groups.length; y++) {
        const evidence = splitEvidence(
          groups[x].members.map((i) => points[i]),
          groups[y].members.map((i) => points[i]),
          floor,
        );
        if (evidence <= 0 && (!best || evidence < best.evidence)) best = { x, y, evidence };
      }
    }
    if (!best) break;
    merge(best.x, best.y);
  }
  const sorted = groups
    .map((g) => ({ g, mode: group(g.components, items, g.members, items.length) }))
    .sort((a, b) => b.mode.share - a.mode.share || a.mode.components[0] - b.mode.components[0]);
  return { modes: sorted.map((x) => x.mode), members: sorted.map((x) => membership(items, x.g.members)) };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** A mode's liked embeddings and the loosest nearest-neighbour cosine among them (times the slack). */
function membership(items: readonly LikedItem[], members: number[]): { vectors: Float32Array[]; threshold: number } {
  // At most 100 likes stand for a large mode: the nearest-neighbour test stays cheap per candidate.
  const vectors = members.slice(-MAX_MEMBER_VECTORS).map((i) => items[i].vector);
  let loosest = 1;
  vectors.forEach((v, a) => {
    const nearest = Math.max(...vectors.map((w, b) => (a === b ? -1 : cosine(v, w))));
    if (vectors.length > 1) loosest = Math.min(loosest, nearest);
  });
  return { vectors, threshold: loosest * MEMBERSHIP_SLACK };
}

function group(components: number[], items: readonly LikedItem[], members: number[], total: number): StyleModeGroup {
  const counts = new Map<string, { name: string; value: string; n: number }>();
  for (const i of members) {
    for (const [name, value] of Object.entries(items[i].attributes)) {
      if (typeof value !== 'string' || !value || value === 'NA') continue;
      const key = `${name}\u0000${value}`;
      const c = counts.get(key) ?? { name, value, n: 0 };
      c.n++;
      counts.set(key, c);
    }
  }
  return {
    components: [...components].sort((a, b) => a - b),
    share: members.length / total,
    items: members.length,
    dominant: [...counts.values()]
      .map((c) => ({ name: c.name, value: c.value, share: c.n / members.length }))
      .filter((a) => a.share >= 0.5)
      .sort((a, b) => b.share - a.share || a.name.localeCompare(b.name))
      .slice(0, 3),
    exampleItemIds: members.slice(0, 4).map((i) => items[i].id),
  };
}

/**
 * The mode of a (candidate) item's photo embedding: the mode of its nearest liked item, if it is at least as close
 * to it as that mode's liked items are to each other (with a little slack); −1 for an item of none of the styles.
 */
export function modeOfEmbedding(styles: StyleModes, embedding: Float32Array): number {
  let best = -1;
  let bestSim = -Infinity;
  styles.members.forEach((m, mode) => {
    for (const v of m.vectors) {
      const sim = cosine(embedding, v);
      if (sim > bestSim) [best, bestSim] = [mode, sim];
    }
  });
  return best >= 0 && bestSim >= styles.members[best].threshold ? best : -1;
}

/** Attributes shared by at least this share of a mode's liked items define it (and its explanation). */
const DEFINING_SHARE = 0.75;

/** The catalogue attributes that define a mode: nearly all its liked items carry them. */
export function definingAttributes(mode: StyleModeGroup): Array<{ name: string; value: string }> {
  return mode.dominant.filter((a) => a.share >= DEFINING_SHARE);
}

/**
 * Whether an item carries every attribute that defines the mode: the photo embedding is mostly colour and look,
 * so a black shoe can sit next to black watches; it is not "from your style: watches, black".
 */
export function carriesStyle(
  attributes: Readonly<Record<string, string | number | boolean>>,
  mode: StyleModeGroup,
): boolean {
  return definingAttributes(mode).every(
    (a) => String(attributes[a.name] ?? '').toLowerCase() === a.value.toLowerCase(),
  );
}

/** Seats per mode in a list of k: largest remainder of share·k. */
export function modeQuotas(shares: readonly number[], k: number): number[] {
  const total = shares.reduce((a, b) => a + b, 0) || 1;
  const exact = shares.map((s) => (s / total) * k);
  const quotas = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let s = quotas.reduce((a, b) => a + b, 0), j = 0; s < k; s++, j++) quotas[order[j % order.length].i]++;
  return quotas;
}

/**
 * Stratified selection: walks the ranked candidates (best first; mode −1 = none) and takes each while its mode
 * has seats left, then fills any remaining places in rank order. Returns candidate positions in rank order.
 * With fewer than two modes it is the identity on the first k.
 */
export function stratifyByModes(candidateModes: readonly number[], shares: readonly number[], k: number): number[] {
  const n = Math.min(k, candidateModes.length);
  if (shares.length < 2) return Array.from({ length: n }, (_, i) => i);
  const seats = modeQuotas(shares, n);
  const taken = new Set<number>();
  candidateModes.forEach((m, i) => {
    if (taken.size < n && m >= 0 && seats[m] > 0) {
      seats[m]--;
      taken.add(i);
    }
  });
  for (let i = 0; taken.size < n && i < candidateModes.length; i++) taken.add(i);
  return [...taken].sort((a, b) => a - b);
}
