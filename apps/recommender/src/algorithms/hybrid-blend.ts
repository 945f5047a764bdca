import { topK } from './user-item-matrix';

/** One candidate source of the hybrid: dense scores over the catalogue for a user. */
export interface BlendSource {
  name: string;
  scores: Float32Array;
  /** How to bring scores to [0, 1] per user: divide by the max, or log-scale counts (popularity). */
  normalise?: 'max' | 'log';
}

export interface BlendCandidates {
  /** Candidate items (union of every source's top-M). */
  items: Int32Array;
  /** candidates × sources, normalised per user and source to [0, 1]. */
  features: Float32Array;
  sources: string[];
}

/**
 * Stage 1 of the two-stage pipeline: the union of each source's top-M items (excluding what must not be shown),
 * with every source's normalised score of each candidate as the features of stage 2.
 */
export function gatherCandidates(
  sources: readonly BlendSource[],
  perSource: number,
  exclude: ReadonlySet<number>,
): BlendCandidates {
  const union = new Set<number>();
  for (const s of sources) for (const i of topK(s.scores, perSource, exclude)) union.add(i);
  const items = Int32Array.from(union);
  const features = new Float32Array(items.length * sources.length);
  sources.forEach((s, j) => {
    let max = 0;
    for (const i of items) max = Math.max(max, s.scores[i]);
    items.forEach((item, c) => {
      const raw = Math.max(0, s.scores[item]);
      const v = max <= 0 ? 0 : s.normalise === 'log' ? Math.log1p(raw) / Math.log1p(max) : raw / max;
      features[c * sources.length + j] = v;
    });
  });
  return { items, features, sources: sources.map((s) => s.name) };
}

export interface BlendedItem {
  item: number;
  score: number;
  /** weight × feature of each source: what each stage contributed. */
  contributions: Record<string, number>;
}

/** Stage 2: a linear blend of the candidate features with learned weights, best first. */
export function blend(
  candidates: BlendCandidates,
  weights: Readonly<Record<string, number>>,
  k: number,
): BlendedItem[] {
  const s = candidates.sources.length;
  const w = candidates.sources.map((name) => weights[name] ?? 0);
  const scored = Array.from(candidates.items, (item, c) => {
    let score = 0;
    const contributions: Record<string, number> = {};
    for (let j = 0; j < s; j++) {
      const part = w[j] * candidates.features[c * s + j];
      contributions[candidates.sources[j]] = part;
      score += part;
    }
    return { item, score, contributions };
  });
  return scored.sort((a, b) => b.score - a.score || a.item - b.item).slice(0, k);
}

/**
 * Learns the blend weights by coordinate ascent over a grid, maximising `objective` (e.g. MAP@10 on a
 * validation split). Deterministic; a few passes suffice for a handful of sources.
 */
export function learnBlendWeights(
  sources: readonly string[],
  objective: (weights: Record<string, number>) => number,
  grid: readonly number[] = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2],
  passes = 3,
): { weights: Record<string, number>; value: number } {
  let weights: Record<string, number> = Object.fromEntries(sources.map((s) => [s, 1]));
  let best = objective(weights);
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (const source of sources) {
      for (const value of grid) {
        if (value === weights[source]) continue;
        const trial = { ...weights, [source]: value };
        if (Object.values(trial).every((v) => v === 0)) continue;
        const score = objective(trial);
        if (score > best + 1e-9) {
          best = score;
          weights = trial;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return { weights, value: best };
}

/**
 * The items `blend` would rank first, without building contributions: the same scores (summed in the same order)
 * and the same tie-break (item id), for learning and scoring weights on many users quickly.
 */
export function blendRanking(
  candidates: BlendCandidates,
  weights: Readonly<Record<string, number>>,
  k: number,
): number[] {
  const s = candidates.sources.length;
  const w = candidates.sources.map((name) => weights[name] ?? 0);
  const n = candidates.items.length;
  const score = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    let v = 0;
    for (let j = 0; j < s; j++) v += w[j] * candidates.features[c * s + j];
    score[c] = v;
  }
  const better = (a: number, b: number) =>
    score[a] > score[b] || (score[a] === score[b] && candidates.items[a] < candidates.items[b]);
  const top: number[] = [];
  for (let c = 0; c < n; c++) {
    if (top.length === k && !better(c, top[k - 1])) continue;
    let p = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push(c);
    while (p > 0 && better(c, top[p - 1])) {
      top[p] = top[p - 1];
      p--;
    }
    top[p] = c;
  }
  return top.map((c) => candidates.items[c]);
}
