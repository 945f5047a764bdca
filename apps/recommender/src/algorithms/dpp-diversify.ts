import { diversityScore, dppGreedy, type Kernel } from '@atelier/diversity';

export interface DiversifyCandidate {
  /** Blended relevance score (higher is better); the DPP's quality. */
  score: number;
  /** Item vector for the similarity kernel; items without one count as unlike every other item. */
  vector?: Float32Array;
}

export interface DiversifyOutcome {
  /** Candidate indices in the final order (length min(k, candidates)). */
  order: number[];
  /** Relevance rank − final rank per picked candidate: > 0 promoted for variety, < 0 pushed down. */
  shift: number[];
  /** det(S)^(1/k) of the plain relevance top-k and of the diversified list (1 = mutually orthogonal). */
  diversityBefore: number;
  diversityAfter: number;
}

/**
 * Last stage of the hybrid: greedy DPP MAP (Chen et al. 2018) over the reranked pool with
 * L = Diag(q)·S·Diag(q), q_i = exp(α·score_i/max score) and S = cosine of item vectors.
 * `strength` λ ∈ (0, 1] sets α = (1 − λ)/(2λ): small λ keeps relevance order, 1 ignores relevance.
 * The first pick is the largest L_ii = q_i², so the top item always stays on top.
 * Candidates must be sorted by score, best first.
 */
export function diversifyByDpp(
  candidates: readonly DiversifyCandidate[],
  k: number,
  strength: number,
): DiversifyOutcome {
  const m = candidates.length;
  const n = Math.min(k, m);
  const relevance = Array.from({ length: n }, (_, i) => i);
  if (m === 0 || n === 0) return { order: [], shift: [], diversityBefore: 0, diversityAfter: 0 };
  const S = cosineKernel(candidates);
  if (strength <= 0) {
    const d = diversityScore(S, relevance);
    return { order: relevance, shift: relevance.map(() => 0), diversityBefore: d, diversityAfter: d };
  }
  const lambda = Math.min(1, strength);
  const alpha = (1 - lambda) / (2 * lambda);
  const top = Math.max(...candidates.map((c) => c.score));
  const scale = top > 0 ? 1 / top : 1;
  const quality = candidates.map((c) => Math.exp(alpha * c.score * scale));
  const L: Kernel = (i, j) => quality[i] * S(i, j) * quality[j];
  const { selected } = dppGreedy(L, m, n);
  // Greedy stops when the rest would be (near-)duplicates of what it took; fill up in relevance order.
  const taken = new Set(selected);
  for (let i = 0; selected.length < n && i < m; i++) if (!taken.has(i)) selected.push(i);
  return {
    order: selected,
    shift: selected.map((candidate, rank) => candidate - rank),
    diversityBefore: diversityScore(S, relevance),
    diversityAfter: diversityScore(S, selected),
  };
}

/** Cosine Gram matrix (PSD, unit diagonal); a missing vector is its own orthogonal direction. */
function cosineKernel(candidates: readonly DiversifyCandidate[]): Kernel {
  const m = candidates.length;
  const unit = candidates.map((c) => {
    if (!c.vector) return undefined;
    let norm = 0;
    for (const x of c.vector) norm += x * x;
    return norm > 0 ? { v: c.vector, inv: 1 / Math.sqrt(norm) } : undefined;
  });
  const sim = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    sim[i * m + i] = 1 + 1e-6;
    const a = unit[i];
    if (!a) continue;
    for (let j = i + 1; j < m; j++) {
      const b = unit[j];
      if (!b) continue;
      let s = 0;
      for (let q = 0; q < a.v.length; q++) s += a.v[q] * b.v[q];
      sim[i * m + j] = sim[j * m + i] = s * a.inv * b.inv;
    }
  }
  return (i, j) => sim[i * m + j];
}
