/**
 * Determinantal point process (DPP) selection: fast greedy MAP inference (Chen, Zhang & Zhou,
 * "Fast Greedy MAP Inference for Determinantal Point Process to Improve Recommendation Diversity",
 * NeurIPS 2018, Algorithm 1). Each step adds the item with the largest marginal gain in log det(L_Y),
 * updating a Cholesky factor incrementally: O(N²M) time and O(NM) memory to pick N of M.
 */

/** A symmetric positive semi-definite kernel: entry (i, j). */
export type Kernel = (i: number, j: number) => number;

export interface DppSelection {
  /** Picked indices in greedy order (a prefix of length k is the greedy answer for k). */
  selected: number[];
  /** d²: the factor by which each pick multiplied det(L_Y) — its marginal gain; non-increasing. */
  gains: number[];
  /** log det(L_Y) after each pick (cumulative sums of log gains). */
  logDet: number[];
}

/**
 * Greedy MAP for a DPP with kernel `L` over `m` items, up to `k` picks. Stops early when the best
 * remaining gain is ≤ `epsilon` (the rest would make L_Y singular: duplicates or zero quality).
 * Ties go to the lower index, so the result is deterministic.
 */
export function dppGreedy(L: Kernel, m: number, k: number, epsilon = 1e-10): DppSelection {
  const n = Math.min(k, m);
  const c: Float64Array[] = Array.from({ length: m }, () => new Float64Array(n));
  const d2 = Float64Array.from({ length: m }, (_, i) => L(i, i));
  const chosen = new Uint8Array(m);
  const selected: number[] = [];
  const gains: number[] = [];
  const logDet: number[] = [];
  let total = 0;
  let j = argmax(d2, chosen);
  while (j >= 0 && d2[j] > epsilon && selected.length < n) {
    const t = selected.length;
    selected.push(j);
    gains.push(d2[j]);
    total += Math.log(d2[j]);
    logDet.push(total);
    chosen[j] = 1;
    const dj = Math.sqrt(d2[j]);
    const cj = c[j];
    for (let i = 0; i < m; i++) {
      if (chosen[i]) continue;
      const ci = c[i];
      let s = 0;
      for (let q = 0; q < t; q++) s += cj[q] * ci[q];
      const e = (L(j, i) - s) / dj;
      ci[t] = e;
      d2[i] -= e * e;
    }
    j = argmax(d2, chosen);
  }
  return { selected, gains, logDet };
}

function argmax(values: Float64Array, excluded: Uint8Array): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (!excluded[i] && (best < 0 || values[i] > values[best])) best = i;
  }
  return best;
}

/**
 * The quality–diversity kernel L = Diag(q) · S · Diag(q) with S_ij = ⟨f_i, f_j⟩ for unit-norm
 * feature vectors f (a Gram matrix, so PSD, with S_ii = 1). `jitter` is added to the diagonal of S
 * so exact duplicates stay selectable after everything distinct is taken.
 */
export function qualityDiversityKernel(
  quality: readonly number[],
  features: readonly ArrayLike<number>[],
  jitter = 1e-6,
): { L: Kernel; S: Kernel } {
  const m = quality.length;
  if (features.length !== m) throw new Error('one feature vector per item');
  const sim = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let s = 0;
      const a = features[i];
      const b = features[j];
      for (let q = 0; q < a.length; q++) s += a[q] * b[q];
      if (i === j) s += jitter;
      sim[i * m + j] = s;
      sim[j * m + i] = s;
    }
  }
  const S: Kernel = (i, j) => sim[i * m + j];
  return { S, L: (i, j) => quality[i] * sim[i * m + j] * quality[j] };
}

/**
 * Diversity of a selection in [0, 1]: det(S_Y)^(1/|Y|), the geometric mean of the eigenvalues of
 * the selection's similarity matrix (unit diagonal). 1 = mutually orthogonal, 0 = duplicates.
 */
export function diversityScore(S: Kernel, selected: readonly number[]): number {
  if (selected.length === 0) return 0;
  const ld = logDeterminant(selected.map((i) => selected.map((j) => S(i, j))));
  return Number.isFinite(ld) ? Math.min(1, Math.exp(ld / selected.length)) : 0;
}

/**
 * Coverage of the whole set by a selection in [0, 1]: mean over all items of their highest
 * similarity to a selected item (negative similarities count as 0). 1 when every item is selected
 * or duplicated in the selection.
 */
export function coverage(S: Kernel, m: number, selected: readonly number[]): number {
  if (m === 0 || selected.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    let best = 0;
    for (const j of selected) best = Math.max(best, Math.min(1, S(i, j)));
    sum += best;
  }
  return sum / m;
}

/** log det of a symmetric matrix by Gaussian elimination with partial pivoting; −∞ when singular. */
export function logDeterminant(matrix: readonly (readonly number[])[]): number {
  const n = matrix.length;
  const a = matrix.map((r) => [...r]);
  let log = 0;
  for (let col = 0; col < n; col++) {
    let p = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[p][col])) p = r;
    if (Math.abs(a[p][col]) < 1e-300) return Number.NEGATIVE_INFINITY;
    if (p !== col) [a[p], a[col]] = [a[col], a[p]];
    const pivot = a[col][col];
    if (pivot < 0) return Number.NEGATIVE_INFINITY; // not PSD for our purposes
    log += Math.log(pivot);
    for (let r = col + 1; r < n; r++) {
      const f = a[r][col] / pivot;
      if (f === 0) continue;
      for (let q = col; q < n; q++) a[r][q] -= f * a[col][q];
    }
  }
  return log;
}
