import { SeededRandom } from '@atelier/ml-runtime';

/**
 * Isolation Forest (Liu, Ting & Zhou, ICDM 2008) with the paper's defaults: t = 100 trees,
 * sub-sampling size ψ = 256 (or all points when fewer), height limit ⌈log₂ ψ⌉, anomaly score
 * s(x) = 2^(−E[h(x)] / c(ψ)). Scores near 1 are anomalies; well below 0.5 are normal.
 */
export interface IsolationForestOptions {
  trees?: number;
  sampleSize?: number;
  seed?: number;
}

type Node = { leaf: true; size: number } | { leaf: false; feature: number; split: number; left: Node; right: Node };

const EULER = 0.5772156649;

/** Average path length of an unsuccessful BST search among n points: c(n). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

export class IsolationForest {
  private readonly trees: Node[];
  readonly sampleSize: number;

  constructor(data: readonly (readonly number[])[], options: IsolationForestOptions = {}) {
    if (data.length === 0) throw new Error('Isolation Forest needs at least one point');
    const t = options.trees ?? 100;
    this.sampleSize = Math.min(options.sampleSize ?? 256, data.length);
    const rng = new SeededRandom(options.seed ?? 42);
    const limit = Math.ceil(Math.log2(Math.max(2, this.sampleSize)));
    this.trees = Array.from({ length: t }, () => build(sample(data, this.sampleSize, rng), 0, limit, rng));
  }

  /** Expected path length E[h(x)] over the trees. */
  pathLength(x: readonly number[]): number {
    let sum = 0;
    for (const tree of this.trees) sum += pathLength(tree, x, 0);
    return sum / this.trees.length;
  }

  /** Anomaly score s(x, ψ) in (0, 1]. */
  score(x: readonly number[]): number {
    const c = averagePathLength(this.sampleSize);
    if (c === 0) return 0.5;
    return 2 ** (-this.pathLength(x) / c);
  }
}

function sample<T>(data: readonly T[], k: number, rng: SeededRandom): T[] {
  // Partial Fisher–Yates: k distinct points without replacement.
  const idx = data.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(idx.length - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).map((i) => data[i]);
}

function build(points: readonly (readonly number[])[], depth: number, limit: number, rng: SeededRandom): Node {
  if (depth >= limit || points.length <= 1) return { leaf: true, size: points.length };
  const dims = points[0].length;
  // Only attributes that vary within the node can split it.
  const candidates: Array<{ feature: number; min: number; max: number }> = [];
  for (let f = 0; f < dims; f++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const p of points) {
      if (p[f] < min) min = p[f];
      if (p[f] > max) max = p[f];
    }
    if (max > min) candidates.push({ feature: f, min, max });
  }
  if (candidates.length === 0) return { leaf: true, size: points.length };
  const { feature, min, max } = candidates[rng.int(candidates.length)];
  const split = min + rng.next() * (max - min);
  const left = points.filter((p) => p[feature] < split);
  const right = points.filter((p) => p[feature] >= split);
  return {
    leaf: false,
    feature,
    split,
    left: build(left, depth + 1, limit, rng),
    right: build(right, depth + 1, limit, rng),
  };
}

function pathLength(node: Node, x: readonly number[], depth: number): number {
  if (node.leaf) return depth + averagePathLength(node.size);
  return pathLength(x[node.feature] < node.split ? node.left : node.right, x, depth + 1);
}
