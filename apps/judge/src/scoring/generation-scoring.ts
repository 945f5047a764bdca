import { coverage, diversityScore, dppGreedy, qualityDiversityKernel } from '@atelier/diversity';
import { validateBatch, type BatchValidation, type ValidationSettings } from '../validation/batch-validation';
import type { ImageJudgement } from './judge-backend';

export interface ScoringWeights {
  fidelity: number;
  aesthetic: number;
}

export interface ScoredImage {
  index: number;
  rank: number;
  final: number;
  best: boolean;
  diversityOrder: number;
  judgement: ImageJudgement;
  validation: BatchValidation['images'][number];
}

export interface GenerationScore {
  images: ScoredImage[];
  validation: BatchValidation;
  diversity: { order: number[]; diversity: number[]; coverage: number[]; method: string };
}

/**
 * final = w_f · fidelity + w_a · aesthetic, divided by w_f + w_a so it stays in [0, 1].
 * Ranked by final, then fidelity, then lower index (deterministic ties). With `markBest`, the
 * top-ranked image that passed validation (or the top one if none did) is marked best.
 * The diversity order is DPP greedy MAP on L = Diag(final) · S · Diag(final).
 */
export function scoreGeneration(
  judgements: readonly ImageJudgement[],
  weights: ScoringWeights,
  options: { markBest: boolean; seed: number; validation: ValidationSettings },
): GenerationScore {
  const total = weights.fidelity + weights.aesthetic;
  const wf = total > 0 ? weights.fidelity / total : 0.5;
  const wa = total > 0 ? weights.aesthetic / total : 0.5;
  const finals = judgements.map((j) => clamp01(wf * j.fidelity + wa * j.aesthetic));
  const order = judgements
    .map((j, i) => ({ j, i, final: finals[i] }))
    .sort((a, b) => b.final - a.final || b.j.fidelity - a.j.fidelity || a.j.index - b.j.index);
  const validation = validateBatch(
    judgements.map((j) => ({ index: j.index, consistency: j.consistency, features: j.features })),
    options.seed,
    options.validation,
  );
  const byIndex = new Map(validation.images.map((v) => [v.index, v]));
  const bestPos = options.markBest
    ? Math.max(
        0,
        order.findIndex((o) => !byIndex.get(o.j.index)?.rejected),
      )
    : -1;

  const { L, S } = qualityDiversityKernel(
    finals.map((f) => Math.max(f, 1e-3)),
    judgements.map((j) => j.descriptor),
  );
  const pick = dppGreedy(L, judgements.length, judgements.length);
  const positions = new Map(pick.selected.map((p, k) => [p, k + 1]));
  const diversity = {
    order: pick.selected.map((p) => judgements[p].index),
    diversity: pick.selected.map((_, k) => diversityScore(S, pick.selected.slice(0, k + 1))),
    coverage: pick.selected.map((_, k) => coverage(S, judgements.length, pick.selected.slice(0, k + 1))),
    method: 'dpp-greedy-map(L = Diag(final) S Diag(final), S = descriptor cosine)',
  };

  const images = order.map((o, r) => ({
    index: o.j.index,
    rank: r + 1,
    final: o.final,
    best: r === bestPos,
    diversityOrder: positions.get(o.i) ?? 0,
    judgement: o.j,
    validation: byIndex.get(o.j.index) as ScoredImage['validation'],
  }));
  return { images, validation, diversity };
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
