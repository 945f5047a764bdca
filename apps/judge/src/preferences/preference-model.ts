/**
 * Judge weights learned from likes (pure functions, no I/O).
 *
 * A preference model is a linear utility u(x) = θ·x over the judge's component scores. From like/dislike
 * pairs within one request (Bradley–Terry: P(liked ≻ disliked) = σ(θ·(x_liked − x_disliked))) θ is fitted
 * by L2-regularised logistic regression on score differences, shrunk towards a prior θ₀: the global model
 * for a user, the configured fixed weights (scaled) for the global model. Few pairs ⇒ close to the prior.
 * A component a scorer does not produce counts as 0 in both images of a pair, so it neither informs the fit
 * nor changes a ranking (it is constant within a batch, which one scorer judges).
 */

/** Components the model weighs: the two the fixed judge uses, then the measurements behind aesthetics. */
export const PREFERENCE_FEATURES = [
  'fidelity',
  'aesthetic',
  'sharpness_n',
  'contrast_n',
  'colourfulness_n',
  'exposure_n',
  'balance',
] as const;

export interface FeedbackItem {
  /** Request (generation) the image belongs to: pairs never cross requests. */
  generationId: string;
  imageIndex: number;
  verdict: 'like' | 'dislike';
  /** Component scores of the image (judge metrics). */
  components: Record<string, number>;
}

export interface PreferenceModel {
  features: readonly string[];
  /** θ in the utility's own scale (σ(θ·Δx) is the like probability). */
  theta: number[];
  /** Training pairs behind it (0 for a pure prior). */
  pairs: number;
}

export interface FitOptions {
  /** Ridge strength towards the prior (λ in λ/2·‖θ − θ₀‖²). */
  lambda?: number;
  iterations?: number;
}

/**
 * Ridge strengths: the global model stays near the fixed weights unless many pairs disagree; a user's model
 * moves away from the global one faster (λ picked on the simulated users in the spec: 0.1–0.3 do equally well).
 */
export const GLOBAL_LAMBDA = 1;
export const USER_LAMBDA = 0.3;

/** Scale of the fixed weights used as the global prior: σ(4·0.7·Δfidelity) is a mild, not a flat, preference. */
export const PRIOR_SCALE = 4;

/** The fixed judge (final = w_f·fidelity + w_a·aesthetic) as a preference model, scaled to PRIOR_SCALE. */
export function fixedModel(weights: { fidelity: number; aesthetic: number }): PreferenceModel {
  const total = weights.fidelity + weights.aesthetic || 1;
  const theta = PREFERENCE_FEATURES.map((f) =>
    f === 'fidelity'
      ? (PRIOR_SCALE * weights.fidelity) / total
      : f === 'aesthetic'
        ? (PRIOR_SCALE * weights.aesthetic) / total
        : 0,
  );
  return { features: PREFERENCE_FEATURES, theta, pairs: 0 };
}

export function featureVector(components: Record<string, number>, features: readonly string[]): number[] {
  return features.map((f) => {
    const v = components[f];
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  });
}

/** x_liked − x_disliked for every like/dislike pair within the same request (latest verdict per image). */
export function preferencePairs(items: readonly FeedbackItem[], features: readonly string[]): number[][] {
  const byRequest = new Map<string, Map<number, FeedbackItem>>();
  for (const it of items) {
    const g = byRequest.get(it.generationId) ?? new Map<number, FeedbackItem>();
    g.set(it.imageIndex, it);
    byRequest.set(it.generationId, g);
  }
  const diffs: number[][] = [];
  for (const g of byRequest.values()) {
    const liked = [...g.values()].filter((i) => i.verdict === 'like');
    const disliked = [...g.values()].filter((i) => i.verdict === 'dislike');
    for (const l of liked) {
      const xl = featureVector(l.components, features);
      for (const d of disliked) {
        const xd = featureVector(d.components, features);
        diffs.push(xl.map((v, k) => v - xd[k]));
      }
    }
  }
  return diffs;
}

/**
 * MAP fit of θ: minimise Σ log(1 + exp(−θ·Δ)) + λ/2·‖θ − θ₀‖² by Newton's method (the objective is
 * strictly convex, so it converges in a handful of steps for these few dimensions).
 */
export function fitPreferenceModel(
  diffs: readonly number[][],
  prior: PreferenceModel,
  options: FitOptions = {},
): PreferenceModel {
  const lambda = options.lambda ?? 1;
  const d = prior.theta.length;
  const theta = [...prior.theta];
  for (let it = 0; it < (options.iterations ?? 25); it++) {
    const grad = theta.map((t, k) => lambda * (t - prior.theta[k]));
    const hess = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? lambda : 0)));
    for (const x of diffs) {
      const z = dot(theta, x);
      const p = sigmoid(z); // P(liked ≻ disliked)
      const w = p * (1 - p);
      for (let i = 0; i < d; i++) {
        grad[i] -= (1 - p) * x[i];
        if (x[i] === 0) continue;
        for (let j = 0; j < d; j++) hess[i][j] += w * x[i] * x[j];
      }
    }
    const step = solve(hess, grad);
    let size = 0;
    for (let k = 0; k < d; k++) {
      theta[k] -= step[k];
      size = Math.max(size, Math.abs(step[k]));
    }
    if (size < 1e-8) break;
  }
  return { features: prior.features, theta, pairs: diffs.length };
}

/** Utility of an image under a model (ranking key; only differences within a batch matter). */
export function utility(model: PreferenceModel, components: Record<string, number>): number {
  return dot(model.theta, featureVector(components, model.features));
}

/**
 * The model's weights normalised to Σ|w| = 1, and a [0, 1] score: Σ w·x shifted by the negative weights'
 * mass, so components in [0, 1] give a final in [0, 1] with the same order as the utility.
 */
export function normalisedWeights(model: PreferenceModel): Record<string, number> {
  const mass = model.theta.reduce((s, t) => s + Math.abs(t), 0) || 1;
  return Object.fromEntries(model.features.map((f, k) => [f, model.theta[k] / mass]));
}

export function unitScore(model: PreferenceModel, components: Record<string, number>): number {
  const w = normalisedWeights(model);
  const x = featureVector(components, model.features);
  let s = 0;
  model.features.forEach((f, k) => (s += w[f] * x[k] + Math.max(0, -w[f])));
  return Math.min(1, Math.max(0, s));
}

/** Share of pairs the model orders like the user did (ties count half). */
export function pairwiseAgreement(model: PreferenceModel, diffs: readonly number[][]): number {
  if (diffs.length === 0) return Number.NaN;
  let agree = 0;
  for (const x of diffs) {
    const z = dot(model.theta, x);
    agree += z > 1e-12 ? 1 : z < -1e-12 ? 0 : 0.5;
  }
  return agree / diffs.length;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A·x = b for symmetric positive definite A (Cholesky). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * y[k];
    y[i] = s / L[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}
