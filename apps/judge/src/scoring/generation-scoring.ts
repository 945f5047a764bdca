import { coverage, diversityScore, dppGreedy, qualityDiversityKernel } from '@atelier/diversity';
import { unitScore, type PreferenceModel } from '../preferences/preference-model';
import { validateBatch, type BatchValidation, type ValidationSettings } from '../validation/batch-validation';
import type { ImageJudgement } from './judge-backend';
import { combineParts, sentence, verdict } from '../quality/score-parts';

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
 * A judgement with `parts` (the vision judge) is scored by them instead: Σ w·s over the parts with evidence.
 * With a `preference` model learned from likes, final = its [0, 1] score over the component scores instead.
 * Every judgement gets the verdict of its final (score_100, word, reasons) in components and details.
 * The designer checks' small adjustment (`adjust`, by image index) is added before clamping and ranking.
 * The diversity order is DPP greedy MAP on L = Diag(final) · S · Diag(final).
 */
export function scoreGeneration(
  judged: readonly ImageJudgement[],
  weights: ScoringWeights,
  options: {
    markBest: boolean;
    seed: number;
    validation: ValidationSettings;
    preference?: PreferenceModel;
    /** Designer checks' penalty/bonus per image index, added to the final before ranking (clamped to [0, 1]). */
    adjust?: ReadonlyMap<number, number>;
  },
): GenerationScore {
  let judgements = judged;
  const total = weights.fidelity + weights.aesthetic;
  const wf = total > 0 ? weights.fidelity / total : 0.5;
  const wa = total > 0 ? weights.aesthetic / total : 0.5;
  const preference = options.preference;
  const finals = judgements.map(
    (j) =>
      clamp01(
        preference
          ? unitScore(preference, { ...j.components, fidelity: j.fidelity, aesthetic: j.aesthetic })
          : j.parts
            ? combineParts(j.parts).final
            : wf * j.fidelity + wa * j.aesthetic,
      ) + (options.adjust?.get(j.index) ?? 0),
  );
  judgements = judgements.map((j, i) => withVerdict(j, finals[i]));
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

const VERDICT_CODES = { weak: 0, good: 1, excellent: 2 } as const;

/**
 * Adds the user-facing verdict: numbers in components (they travel in generation.completed's metrics map:
 * score_100, verdict 0 weak / 1 good / 2 excellent, reason_<code> ±1) and words (ru + en) in details.
 */
function withVerdict(j: ImageJudgement, final: number): ImageJudgement {
  const v = verdict(final);
  const reasons = j.reasons ?? [];
  const components: Record<string, number> = { ...j.components, score_100: v.score, verdict: VERDICT_CODES[v.word] };
  for (const r of reasons) components[`reason_${r.code}`] = r.sign;
  return {
    ...j,
    components,
    details: {
      ...j.details,
      verdict: { score: v.score, word: v.word, label: v.label, why: sentence(reasons) },
      ...(j.parts ? { parts: combineParts(j.parts).applied } : {}),
    },
  };
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
