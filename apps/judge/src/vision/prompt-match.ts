import { l2Normalize } from '@atelier/ml-runtime';
import { OBJECT_SYNONYMS } from './prompt-targets';
import type { Detection } from './object-detector';

/**
 * Prompt match from evidence that can be had offline, with weights learned from human alignment ratings
 * (`npm run train:judge`, AGIQA-3K alignment MOS, training prompts only):
 *
 * - `objects`: COCO objects the prompt asks for vs CenterNet detections (a placed illustration counts as seen);
 * - `colours`: colour words vs the measured CIELAB palette;
 * - `consensus`: cosine of the image's MobileNetV2 features to the mean of the other images of the same request —
 *   renderings of one prompt that miss what was asked look unlike the others (needs ≥ 2 images with features);
 * - `class_consensus`: the same on the detected-class evidence (80 classes), when the batch detected anything;
 * - `quality`: the learned quality score, as a prior (humans rate well-made images as matching better); it never
 *   counts as evidence on its own.
 *
 * The learned model is a Bradley–Terry (pairwise logistic) model over standardised features: a pair of images of
 * one prompt is ordered by θ·(z_a − z_b); a missing feature contributes 0 (the training mean). The part's score is
 * σ(θ·z) in (0, 1).
 */
export const MATCH_FEATURES = ['objects', 'colours', 'consensus', 'class_consensus', 'quality'] as const;
export type MatchFeature = (typeof MATCH_FEATURES)[number];
/** Features that are evidence about the prompt (quality is only a prior). */
export const EVIDENCE_FEATURES: readonly MatchFeature[] = ['objects', 'colours', 'consensus', 'class_consensus'];

export type MatchInputs = Partial<Record<MatchFeature, number>>;

/** The learned prompt-match model as stored in the judge's model file. */
export interface PromptMatchModelJson {
  features: string[];
  mean: number[];
  scale: number[];
  weights: number[];
}

const COCO_CLASSES = Object.keys(OBJECT_SYNONYMS);

/** Max confidence per COCO class (80-d). */
export function classEvidence(detections: readonly Detection[]): number[] {
  return COCO_CLASSES.map((cls) =>
    detections.filter((d) => d.label === cls).reduce((mx, d) => Math.max(mx, d.score), 0),
  );
}

/**
 * Cosine of `self` to the mean of the unit-normalised `others` (leave-one-out consensus); undefined without
 * others or when either side is all zeros.
 */
export function consensus(
  self: ArrayLike<number> | undefined,
  others: ReadonlyArray<ArrayLike<number>>,
): number | undefined {
  if (!self || others.length === 0) return undefined;
  const unit = others.map((o) => l2Normalize(Array.from(o))).filter((o) => o.some((v) => v !== 0));
  if (unit.length === 0) return undefined;
  const mean = new Array<number>(self.length).fill(0);
  for (const o of unit) for (let i = 0; i < mean.length; i++) mean[i] += o[i] / unit.length;
  const a = l2Normalize(Array.from(self));
  if (!a.some((v) => v !== 0)) return undefined;
  const m = l2Normalize(mean);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * m[i];
  return Number.isFinite(dot) ? dot : undefined;
}

/** True when at least one evidence feature is present. */
export function hasEvidence(x: MatchInputs): boolean {
  return EVIDENCE_FEATURES.some((f) => x[f] !== undefined && Number.isFinite(x[f]));
}

/** Standardised feature vector in the model's order (missing → 0). */
export function standardised(model: PromptMatchModelJson, x: MatchInputs): number[] {
  return model.features.map((f, i) => {
    const v = x[f as MatchFeature];
    return v === undefined || !Number.isFinite(v) ? 0 : (v - model.mean[i]) / (model.scale[i] || 1);
  });
}

/** θ·z (the pairwise model's utility). */
export function matchUtility(model: PromptMatchModelJson, x: MatchInputs): number {
  const z = standardised(model, x);
  return z.reduce((s, v, i) => s + model.weights[i] * v, 0);
}

/** The prompt-match part's score σ(θ·z) in (0, 1). */
export function matchScore(model: PromptMatchModelJson, x: MatchInputs): number {
  return 1 / (1 + Math.exp(-matchUtility(model, x)));
}

/** Checks a stored prompt-match model; throws on anything the judge could not use. */
export function checkMatchModel(m: PromptMatchModelJson): void {
  const n = m.features.length;
  if (m.mean.length !== n || m.scale.length !== n || m.weights.length !== n) {
    throw new Error('prompt-match model: size mismatch');
  }
  for (const f of m.features) {
    if (!(MATCH_FEATURES as readonly string[]).includes(f)) throw new Error(`prompt-match model: unknown feature ${f}`);
  }
}

/**
 * Ridge-regularised pairwise logistic regression without intercept (Newton): P(a ≻ b) = σ(θ·d) for d = z_a − z_b,
 * each row of `diffs` oriented so that the first image is the one humans preferred.
 */
export function fitPairwiseLogistic(diffs: readonly number[][], lambda: number, iterations = 25): number[] {
  const n = diffs[0]?.length ?? 0;
  const theta = new Array<number>(n).fill(0);
  for (let it = 0; it < iterations; it++) {
    const g = new Array<number>(n).fill(0);
    const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (const d of diffs) {
      const s = d.reduce((acc, v, i) => acc + v * theta[i], 0);
      const p = 1 / (1 + Math.exp(-s));
      const w = p * (1 - p);
      for (let i = 0; i < n; i++) {
        g[i] += (1 - p) * d[i];
        for (let j = 0; j < n; j++) H[i][j] += w * d[i] * d[j];
      }
    }
    for (let i = 0; i < n; i++) {
      g[i] -= lambda * theta[i];
      H[i][i] += lambda;
    }
    const step = solve(H, g);
    let moved = 0;
    for (let i = 0; i < n; i++) {
      theta[i] += step[i];
      moved = Math.max(moved, Math.abs(step[i]));
    }
    if (moved < 1e-8) break;
  }
  return theta;
}

/** Gaussian elimination with partial pivoting (small, well-conditioned systems: H + λI). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    if (Math.abs(M[c][c]) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[n] / row[i]));
}
