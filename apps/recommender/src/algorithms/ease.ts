import type { ItemScorer, UserItemMatrix } from './user-item-matrix';

/**
 * Inverse of a symmetric positive-definite n×n matrix (row-major), by Cholesky: G = L·Lᵀ, G⁻¹ = L⁻ᵀ·L⁻¹.
 * About n³/2 multiply-adds with contiguous inner loops.
 */
export function invertSpd(g: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = g[ri + j];
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (s <= 0) throw new Error('matrix is not positive definite');
        l[ri + i] = Math.sqrt(s);
      } else l[ri + j] = s / l[rj + j];
    }
  }
  // mt row j = column j of L⁻¹ (forward substitution of L·m = e_j); entries below j stay 0.
  const mt = new Float64Array(n * n);
  const m = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    m.fill(0);
    for (let i = j; i < n; i++) {
      const ri = i * n;
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= l[ri + k] * m[k];
      m[i] = s / l[ri + i];
    }
    mt.set(m, j * n);
  }
  // P = (L⁻¹)ᵀ·L⁻¹: P[i][j] = Σ_k L⁻¹[k][i]·L⁻¹[k][j] = Σ_{k≥max(i,j)} mt[i][k]·mt[j][k].
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += mt[ri + k] * mt[rj + k];
      p[ri + j] = s;
      p[rj + i] = s;
    }
  }
  return p;
}

/** Gram matrix XᵀX of the positive entries (binary or weighted), dense n×n. */
export function gramMatrix(matrix: UserItemMatrix, binary: boolean): Float64Array {
  const n = matrix.items;
  const g = new Float64Array(n * n);
  for (const { items, weights } of matrix.rows) {
    const pos: number[] = [];
    const w: number[] = [];
    for (let k = 0; k < items.length; k++) {
      if (weights[k] > 0) {
        pos.push(items[k]);
        w.push(binary ? 1 : weights[k]);
      }
    }
    for (let a = 0; a < pos.length; a++) {
      const ra = pos[a] * n;
      for (let b = 0; b < pos.length; b++) g[ra + pos[b]] += w[a] * w[b];
    }
  }
  return g;
}

/** EASE's closed form from the Gram matrix (consumed: its diagonal gets λ): B = I − P·diag(1/diag(P)), P = (G + λI)⁻¹. */
export function easeWeights(g: Float64Array, n: number, lambda: number): Float32Array {
  for (let i = 0; i < n; i++) g[i * n + i] += lambda;
  const p = invertSpd(g, n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -p[i * n + j] / p[j * n + j];
  }
  return b;
}

/**
 * EASE (Steck 2019): the item-item weight matrix B minimising ‖X − XB‖² + λ‖B‖² with diag(B) = 0,
 * in closed form B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹. Scores of a user: x_u·B.
 */
export class EaseScorer implements ItemScorer {
  readonly name = 'ease';
  /** Row-major n×n item weights (Float32 to halve the memory). */
  readonly b: Float32Array;

  /** `weights`: B already solved (e.g. off the event loop by `easeWeights` on this matrix's Gram matrix). */
  constructor(
    private readonly matrix: UserItemMatrix,
    readonly lambda = 300,
    binary = true,
    weights?: Float32Array,
  ) {
    const n = matrix.items;
    if (weights && weights.length !== n * n) throw new Error(`EASE weights for ${weights.length} cells, need ${n * n}`);
    this.b = weights ?? easeWeights(gramMatrix(matrix, binary), n, lambda);
  }

  scores(user: number): Float32Array {
    return this.scoreHistory(this.matrix.rows[user].items, this.matrix.rows[user].weights);
  }

  /** Scores for an arbitrary history (a user not in the training matrix). */
  scoreHistory(items: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    const n = this.matrix.items;
    const out = new Float32Array(n);
    for (let k = 0; k < items.length; k++) {
      // Inference honours the history's weights (recency decay, interaction strength); dislikes add nothing.
      if (weights[k] <= 0) continue;
      const w = weights[k];
      const row = items[k] * n;
      for (let j = 0; j < n; j++) out[j] += w * this.b[row + j];
    }
    return out;
  }
}
