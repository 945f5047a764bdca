import type { TreeJson } from './quality-model';

/**
 * The two learners behind the quality model, in plain TS (a few hundred training images, no GPU, no native
 * deps): ridge regression for the linear probe on the 1280-d embedding, and gradient-boosted regression trees
 * over the hand-made features plus that probe's score.
 */

export interface LinearFit {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** Column means and standard deviations (a constant column gets scale 1). */
export function standardiser(X: ArrayLike<number>[], dims: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(dims).fill(0);
  const scale = new Array<number>(dims).fill(0);
  for (const x of X) for (let j = 0; j < dims; j++) mean[j] += x[j] / X.length;
  for (const x of X) for (let j = 0; j < dims; j++) scale[j] += (x[j] - mean[j]) ** 2 / X.length;
  for (let j = 0; j < dims; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  return { mean, scale };
}

/**
 * Ridge regression on standardised inputs: minimises Σ(y − b − w·z)² + λ·n·|w|² (λ per sample, so it means the
 * same at any training size). Solved in the dual (n × n) when n < d, else the primal, by Cholesky.
 */
export function fitRidge(X: ArrayLike<number>[], y: number[], lambda: number): LinearFit {
  const n = X.length;
  const d = X[0].length;
  const { mean, scale } = standardiser(X, d);
  const Z = X.map((x) => Float64Array.from({ length: d }, (_, j) => (x[j] - mean[j]) / scale[j]));
  const yMean = y.reduce((s, v) => s + v, 0) / n;
  const yc = y.map((v) => v - yMean);
  const reg = lambda * n;
  const weights = new Array<number>(d).fill(0);
  if (n < d) {
    // w = Zᵀ (Z Zᵀ + reg I)⁻¹ y
    const K = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        const za = Z[a];
        const zb = Z[b];
        for (let j = 0; j < d; j++) s += za[j] * zb[j];
        K[a * n + b] = s;
        K[b * n + a] = s;
      }
      K[a * n + a] += reg;
    }
    const alpha = choleskySolve(K, n, Float64Array.from(yc));
    for (let a = 0; a < n; a++) for (let j = 0; j < d; j++) weights[j] += alpha[a] * Z[a][j];
  } else {
    const A = new Float64Array(d * d);
    const rhs = new Float64Array(d);
    for (let a = 0; a < n; a++) {
      const z = Z[a];
      for (let i = 0; i < d; i++) {
        rhs[i] += z[i] * yc[a];
        for (let j = 0; j <= i; j++) A[i * d + j] += z[i] * z[j];
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) A[j * d + i] = A[i * d + j];
      A[i * d + i] += reg;
    }
    const w = choleskySolve(A, d, rhs);
    for (let j = 0; j < d; j++) weights[j] = w[j];
  }
  return { mean, scale, weights, bias: yMean };
}

/** Solves A x = b for symmetric positive-definite A (row-major, n × n). */
export function choleskySolve(A: Float64Array, n: number, b: Float64Array): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

export interface BoostingOptions {
  trees: number;
  depth: number;
  rate: number;
  minLeaf: number;
  /** Share of rows each tree sees (stochastic boosting). */
  subsample: number;
  seed: number;
}

export const DEFAULT_BOOSTING: BoostingOptions = {
  trees: 200,
  depth: 3,
  rate: 0.05,
  minLeaf: 12,
  subsample: 0.8,
  seed: 1,
};

/** Gradient-boosted regression trees on squared loss (exact splits on sorted columns). */
export function fitBoosting(
  X: number[][],
  y: number[],
  options: Partial<BoostingOptions> = {},
): { base: number; rate: number; trees: TreeJson[] } {
  const o = { ...DEFAULT_BOOSTING, ...options };
  const n = X.length;
  const d = X[0].length;
  const base = y.reduce((s, v) => s + v, 0) / n;
  const pred = new Float64Array(n).fill(base);
  const order = Array.from({ length: d }, (_, j) =>
    Array.from({ length: n }, (_, i) => i).sort((a, b) => X[a][j] - X[b][j]),
  );
  let state = o.seed >>> 0 || 1;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const trees: TreeJson[] = [];
  for (let t = 0; t < o.trees; t++) {
    const residual = y.map((v, i) => v - pred[i]);
    const inBag = new Uint8Array(n);
    for (let i = 0; i < n; i++) inBag[i] = rand() < o.subsample ? 1 : 0;
    const tree: TreeJson = { feature: [], threshold: [], left: [], right: [], value: [] };
    const member = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) if (inBag[i]) member[i] = 0;
    grow(tree, 0, member, residual, X, order, o, 0);
    for (let i = 0; i < n; i++) pred[i] += o.rate * predictNode(tree, X[i]);
    trees.push(tree);
  }
  return { base, rate: o.rate, trees };
}

function predictNode(t: TreeJson, x: number[]): number {
  let k = 0;
  while (t.feature[k] >= 0) k = x[t.feature[k]] <= t.threshold[k] ? t.left[k] : t.right[k];
  return t.value[k];
}

/** Grows node `id` (rows with member[i] === id) and returns it; nodes are numbered in creation order. */
function grow(
  tree: TreeJson,
  id: number,
  member: Int32Array,
  r: number[],
  X: number[][],
  order: number[][],
  o: BoostingOptions,
  depth: number,
): void {
  const k = tree.feature.length;
  tree.feature.push(-1);
  tree.threshold.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  let count = 0;
  let sum = 0;
  for (let i = 0; i < member.length; i++) {
    if (member[i] === id) {
      count++;
      sum += r[i];
    }
  }
  tree.value.push(count ? sum / count : 0);
  if (depth >= o.depth || count < 2 * o.minLeaf) return;
  let bestGain = 1e-12;
  let bestFeature = -1;
  let bestThreshold = 0;
  for (let j = 0; j < order.length; j++) {
    let lc = 0;
    let ls = 0;
    let prev = Number.NaN;
    for (const i of order[j]) {
      if (member[i] !== id) continue;
      const v = X[i][j];
      if (lc >= o.minLeaf && count - lc >= o.minLeaf && v !== prev) {
        const rs = sum - ls;
        const gain = (ls * ls) / lc + (rs * rs) / (count - lc) - (sum * sum) / count;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = j;
          bestThreshold = (prev + v) / 2;
        }
      }
      lc++;
      ls += r[i];
      prev = v;
    }
  }
  if (bestFeature < 0) return;
  tree.feature[k] = bestFeature;
  tree.threshold[k] = bestThreshold;
  // Children get fresh ids past every id in use (node index = id, since nodes are pushed in id order).
  const leftId = tree.feature.length;
  // Right-hand rows wait under a marker of their own (deeper splits park theirs under other markers).
  const waiting = -(k + 3);
  for (let i = 0; i < member.length; i++) {
    if (member[i] === id) member[i] = X[i][bestFeature] <= bestThreshold ? leftId : waiting;
  }
  tree.left[k] = leftId;
  grow(tree, leftId, member, r, X, order, o, depth + 1);
  const rightId = tree.feature.length;
  for (let i = 0; i < member.length; i++) if (member[i] === waiting) member[i] = rightId;
  tree.right[k] = rightId;
  grow(tree, rightId, member, r, X, order, o, depth + 1);
}
