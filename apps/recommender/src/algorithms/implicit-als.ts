import type { ItemScorer, UserItemMatrix } from './user-item-matrix';

export interface ImplicitAlsOptions {
  /** Latent dimensions. */
  factors?: number;
  /** L2 regularisation of both factor matrices. */
  regularization?: number;
  /** Confidence slope: an observed pair counts with confidence 1 + alpha·weight. */
  alpha?: number;
  iterations?: number;
  seed?: number;
}

/**
 * Solves A·x = b in place for a symmetric positive-definite f×f matrix A (row-major, lower triangle used) by
 * Cholesky. A is overwritten by its factor L; x is written to `out`.
 */
export function solveSpd(a: Float64Array, b: Float64Array, f: number, out: Float64Array): void {
  for (let i = 0; i < f; i++) {
    const ri = i * f;
    for (let j = 0; j <= i; j++) {
      const rj = j * f;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (i === j) {
        if (s <= 0) throw new Error('matrix is not positive definite');
        a[ri + i] = Math.sqrt(s);
      } else a[ri + j] = s / a[rj + j];
    }
  }
  // L·z = b, then Lᵀ·x = z.
  for (let i = 0; i < f; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[i * f + k] * out[k];
    out[i] = s / a[i * f + i];
  }
  for (let i = f - 1; i >= 0; i--) {
    let s = out[i];
    for (let k = i + 1; k < f; k++) s -= a[k * f + i] * out[k];
    out[i] = s / a[i * f + i];
  }
}

/** Seeded uniform numbers in [0, 1) (mulberry32): factor initialisation is reproducible. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows of a sparse matrix: for each row, the columns and the confidences − 1 (c − 1 = alpha·weight). */
interface SparseRows {
  cols: Int32Array[];
  extra: Float64Array[];
}

/**
 * Implicit-feedback matrix factorisation (weighted ALS, Hu, Koren & Volinsky 2008): minimises
 * Σ_{u,i} c_ui·(p_ui − x_uᵀy_i)² + λ(Σ‖x_u‖² + Σ‖y_i‖²) over all user × item pairs, with p_ui = 1 and
 * c_ui = 1 + α·w_ui for observed positive pairs and p = 0, c = 1 elsewhere. Each half-step is exact:
 * x_u = (YᵀY + Yᵀ(C_u − I)Y + λI)⁻¹·YᵀC_u·p_u, using the YᵀY trick so the cost is O(nnz·f² + (m + n)·f³).
 * Scores of a user: Y·x_u. A history not in the training matrix is folded in with the same user step.
 */
export class ImplicitAlsScorer implements ItemScorer {
  readonly name = 'als';
  readonly factors: number;
  readonly regularization: number;
  readonly alpha: number;
  /** users × factors, row-major. */
  readonly userFactors: Float64Array;
  /** items × factors, row-major. */
  readonly itemFactors: Float64Array;
  /** Objective value after each iteration (for tests and diagnostics). */
  readonly losses: number[] = [];
  private itemGram?: Float64Array;

  constructor(
    private readonly matrix: UserItemMatrix,
    options: ImplicitAlsOptions = {},
  ) {
    this.factors = options.factors ?? 64;
    this.regularization = options.regularization ?? 1;
    this.alpha = options.alpha ?? 10;
    const f = this.factors;
    const next = random(options.seed ?? 7);
    const init = (n: number) => Float64Array.from({ length: n * f }, () => (next() - 0.5) * (0.2 / Math.sqrt(f)));
    this.userFactors = init(matrix.users);
    this.itemFactors = init(matrix.items);
    const byUser = this.userRows();
    const byItem = transpose(byUser, matrix.items);
    for (let it = 0; it < (options.iterations ?? 15); it++) {
      solveAll(byUser, this.itemFactors, this.userFactors, f, this.regularization);
      solveAll(byItem, this.userFactors, this.itemFactors, f, this.regularization);
      this.losses.push(this.loss(byUser));
    }
    this.itemGram = gram(this.itemFactors, matrix.items, f);
  }

  scores(user: number): Float32Array {
    return this.scoreFactors(this.userFactors.subarray(user * this.factors, (user + 1) * this.factors));
  }

  /** Folds an arbitrary weighted history in (one exact user step against the trained item factors), then scores. */
  scoreHistory(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    return this.scoreFactors(this.foldIn(items, weights));
  }

  foldIn(items: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
    const cols: number[] = [];
    const extra: number[] = [];
    for (let k = 0; k < items.length; k++) {
      if (weights[k] <= 0) continue;
      cols.push(items[k]);
      extra.push(this.alpha * weights[k]);
    }
    const f = this.factors;
    const x = new Float64Array(f);
    if (cols.length === 0) return x;
    solveRow(
      Int32Array.from(cols),
      Float64Array.from(extra),
      this.itemFactors,
      this.itemGram ?? gram(this.itemFactors, this.matrix.items, f),
      f,
      this.regularization,
      x,
      new Float64Array(f * f),
      new Float64Array(f),
    );
    return x;
  }

  private scoreFactors(x: ArrayLike<number>): Float32Array {
    const f = this.factors;
    const out = new Float32Array(this.matrix.items);
    for (let i = 0; i < this.matrix.items; i++) {
      let s = 0;
      const row = i * f;
      for (let j = 0; j < f; j++) s += x[j] * this.itemFactors[row + j];
      out[i] = s;
    }
    return out;
  }

  private userRows(): SparseRows {
    const cols: Int32Array[] = [];
    const extra: Float64Array[] = [];
    for (const { items, weights } of this.matrix.rows) {
      const c: number[] = [];
      const e: number[] = [];
      for (let k = 0; k < items.length; k++) {
        if (weights[k] <= 0) continue;
        c.push(items[k]);
        e.push(this.alpha * weights[k]);
      }
      cols.push(Int32Array.from(c));
      extra.push(Float64Array.from(e));
    }
    return { cols, extra };
  }

  /**
   * The full objective, computed without touching the dense m×n matrix: Σ_all (x·y)² over every pair is
   * tr(XᵀX·YᵀY); observed pairs add their confidence-weighted correction.
   */
  private loss(byUser: SparseRows): number {
    const f = this.factors;
    const xx = gram(this.userFactors, this.matrix.users, f);
    const yy = gram(this.itemFactors, this.matrix.items, f);
    let total = 0;
    for (let a = 0; a < f * f; a++) total += xx[a] * yy[a];
    for (let u = 0; u < this.matrix.users; u++) {
      const cols = byUser.cols[u];
      for (let k = 0; k < cols.length; k++) {
        let s = 0;
        for (let j = 0; j < f; j++) s += this.userFactors[u * f + j] * this.itemFactors[cols[k] * f + j];
        const c = 1 + byUser.extra[u][k];
        total += c * (1 - s) * (1 - s) - s * s;
      }
    }
    let norms = 0;
    for (const v of this.userFactors) norms += v * v;
    for (const v of this.itemFactors) norms += v * v;
    return total + this.regularization * norms;
  }
}

/** AᵀA of a rows × f row-major matrix. */
function gram(a: Float64Array, rows: number, f: number): Float64Array {
  const g = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let i = 0; i < f; i++) {
      const v = a[o + i];
      if (v === 0) continue;
      for (let j = 0; j <= i; j++) g[i * f + j] += v * a[o + j];
    }
  }
  for (let i = 0; i < f; i++) for (let j = 0; j < i; j++) g[j * f + i] = g[i * f + j];
  return g;
}

function transpose(rows: SparseRows, columns: number): SparseRows {
  const cols: number[][] = Array.from({ length: columns }, () => []);
  const extra: number[][] = Array.from({ length: columns }, () => []);
  rows.cols.forEach((c, r) =>
    c.forEach((col, k) => {
      cols[col].push(r);
      extra[col].push(rows.extra[r][k]);
    }),
  );
  return { cols: cols.map((c) => Int32Array.from(c)), extra: extra.map((e) => Float64Array.from(e)) };
}

/** One half-step: every row of `target` solved exactly against the fixed `fixed` factors. */
function solveAll(rows: SparseRows, fixed: Float64Array, target: Float64Array, f: number, lambda: number): void {
  const g = gram(fixed, fixed.length / f, f);
  const a = new Float64Array(f * f);
  const b = new Float64Array(f);
  const x = new Float64Array(f);
  for (let r = 0; r < rows.cols.length; r++) {
    if (rows.cols[r].length === 0) {
      target.fill(0, r * f, (r + 1) * f);
      continue;
    }
    solveRow(rows.cols[r], rows.extra[r], fixed, g, f, lambda, x, a, b);
    target.set(x, r * f);
  }
}

/** x = (G + Σ e_k·y_k·y_kᵀ + λI)⁻¹·Σ (1 + e_k)·y_k over the row's observed columns k. */
function solveRow(
  cols: Int32Array,
  extra: Float64Array,
  fixed: Float64Array,
  g: Float64Array,
  f: number,
  lambda: number,
  x: Float64Array,
  a: Float64Array,
  b: Float64Array,
): void {
  a.set(g);
  b.fill(0);
  for (let i = 0; i < f; i++) a[i * f + i] += lambda;
  for (let k = 0; k < cols.length; k++) {
    const o = cols[k] * f;
    const e = extra[k];
    for (let i = 0; i < f; i++) {
      const yi = fixed[o + i];
      b[i] += (1 + e) * yi;
      const eyi = e * yi;
      if (eyi === 0) continue;
      for (let j = 0; j <= i; j++) a[i * f + j] += eyi * fixed[o + j];
    }
  }
  solveSpd(a, b, f, x);
}
