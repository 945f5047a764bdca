/**
 * Diffusion samplers as pure functions of arrays: DDIM (Song et al. 2020) and Euler ancestral (Karras et al.
 * 2022 / k-diffusion), following the formulas of diffusers' DDIMScheduler and EulerAncestralDiscreteScheduler so a
 * model exported from diffusers samples here as it does there. Arithmetic is float64 (diffusers keeps the
 * schedule in float32; the difference is < 1e-6 relative). Tests pin reference values.
 */

export type BetaScheduleKind = 'linear' | 'scaled_linear';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';
export type PredictionType = 'epsilon' | 'v_prediction';

export interface NoiseScheduleConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: BetaScheduleKind;
  /** Added to every inference timestep under 'leading' spacing (SD 1.5: 1). */
  stepsOffset: number;
  /** DDIM: ᾱ used after the last step; true = 1, false = ᾱ₀. */
  setAlphaToOne: boolean;
  /** DDIM: clamp the predicted x₀ to [-1, 1] (pixel-space models; off for latents). */
  clipSample: boolean;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
}

/** runwayml/stable-diffusion-v1-5 `scheduler/scheduler_config.json` (shared by its DDIM/PNDM/Euler schedulers). */
export const SD15_SCHEDULE: NoiseScheduleConfig = {
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  stepsOffset: 1,
  setAlphaToOne: false,
  clipSample: false,
  predictionType: 'epsilon',
  timestepSpacing: 'leading',
};

/** βₜ for t = 0..N-1: linear in β, or linear in √β and squared ("scaled_linear", Stable Diffusion's). */
export function betaSchedule(kind: BetaScheduleKind, start: number, end: number, n: number): Float64Array {
  const betas = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const f = n === 1 ? 0 : t / (n - 1);
    betas[t] =
      kind === 'linear' ? start + (end - start) * f : (Math.sqrt(start) + (Math.sqrt(end) - Math.sqrt(start)) * f) ** 2;
  }
  return betas;
}

/** ᾱₜ = ∏ₛ≤ₜ (1 − βₛ). */
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let p = 1;
  for (let t = 0; t < betas.length; t++) out[t] = p *= 1 - betas[t];
  return out;
}

/** Inference timesteps, highest first, as diffusers' `set_timesteps` computes them (before any float→int cast). */
export function inferenceTimesteps(
  config: NoiseScheduleConfig,
  steps: number,
  spacing = config.timestepSpacing,
): number[] {
  const N = config.numTrainTimesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > N) {
    throw new RangeError(`steps must be an integer in [1, ${N}], got ${steps}`);
  }
  const out: number[] = [];
  if (spacing === 'leading') {
    const ratio = Math.floor(N / steps);
    for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + config.stepsOffset);
  } else if (spacing === 'trailing') {
    const ratio = N / steps;
    // np.round(np.arange(N, 0, -ratio)) - 1; numpy rounds halves to even.
    for (let i = 0; i < steps; i++) out.push(roundHalfEven(N - i * ratio) - 1);
  } else {
    // np.linspace(0, N - 1, steps)[::-1] (left fractional for Euler, which interpolates σ).
    for (let i = steps - 1; i >= 0; i--) out.push(steps === 1 ? 0 : ((N - 1) * i) / (steps - 1));
  }
  return out;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * A sampler planned for a number of steps. The pipeline loops i = 0..timesteps.length-1: scale the latents by
 * `inputScale(i)`, ask the model at `timesteps[i]`, then `step(i, modelOutput, sample, normal)` gives the next
 * latents. Initial latents are unit Gaussian noise times `initNoiseSigma`.
 */
export interface SamplerPlan {
  readonly timesteps: readonly number[];
  readonly initNoiseSigma: number;
  inputScale(i: number): number;
  /** `normal` draws fresh N(0, 1) values for ancestral/stochastic samplers (one per element). */
  step(i: number, modelOutput: Float32Array, sample: Float32Array, normal: () => number): Float32Array;
}

/** DDIM: deterministic for eta = 0 (the default), DDPM-like for eta = 1. */
export class DdimScheduler {
  readonly alphasCumprod: Float64Array;
  readonly finalAlphaCumprod: number;

  constructor(
    readonly config: NoiseScheduleConfig = SD15_SCHEDULE,
    readonly eta = 0,
  ) {
    this.alphasCumprod = alphasCumprod(
      betaSchedule(config.betaSchedule, config.betaStart, config.betaEnd, config.numTrainTimesteps),
    );
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  private alphaAt(t: number): number {
    return t >= 0 ? this.alphasCumprod[t] : this.finalAlphaCumprod;
  }

  /** σₜ² of DDIM eq. 16 (without eta): (1−ᾱₚ)/(1−ᾱₜ) · (1 − ᾱₜ/ᾱₚ). */
  variance(t: number, prev: number): number {
    const a = this.alphaAt(t);
    const ap = this.alphaAt(prev);
    return ((1 - ap) / (1 - a)) * (1 - a / ap);
  }

  /**
   * One DDIM update from timestep t to t − N/steps. Returns x_{prev} and the predicted x₀.
   * `normal` is only drawn from when eta > 0.
   */
  step(
    modelOutput: Float32Array,
    t: number,
    sample: Float32Array,
    steps: number,
    normal: () => number = zeroNoise,
  ): { prevSample: Float32Array; predOriginal: Float32Array } {
    const { predictionType, clipSample, numTrainTimesteps } = this.config;
    const prev = t - Math.floor(numTrainTimesteps / steps);
    const a = this.alphaAt(t);
    const ap = this.alphaAt(prev);
    const sa = Math.sqrt(a);
    const sb = Math.sqrt(1 - a);
    const std = this.eta * Math.sqrt(this.variance(t, prev));
    const dirScale = Math.sqrt(Math.max(0, 1 - ap - std * std));
    const sap = Math.sqrt(ap);
    const prevSample = new Float32Array(sample.length);
    const predOriginal = new Float32Array(sample.length);
    for (let j = 0; j < sample.length; j++) {
      const x = sample[j];
      const m = modelOutput[j];
      let x0: number;
      let eps: number;
      if (predictionType === 'epsilon') {
        x0 = (x - sb * m) / sa;
        eps = m;
      } else {
        x0 = sa * x - sb * m;
        eps = sa * m + sb * x;
      }
      if (clipSample) x0 = Math.min(1, Math.max(-1, x0));
      predOriginal[j] = x0;
      prevSample[j] = sap * x0 + dirScale * eps + (std > 0 ? std * normal() : 0);
    }
    return { prevSample, predOriginal };
  }

  plan(steps: number): SamplerPlan {
    // DDIM indexes ᾱ by integer timesteps ('linspace' spacing is rounded like numpy's .round()).
    const timesteps = inferenceTimesteps(this.config, steps).map(roundHalfEven);
    return {
      timesteps,
      initNoiseSigma: 1,
      inputScale: () => 1,
      step: (i, modelOutput, sample, normal) => this.step(modelOutput, timesteps[i], sample, steps, normal).prevSample,
    };
  }
}

/** Euler ancestral in σ-space (σ = √((1−ᾱ)/ᾱ)), with diffusers' default 'linspace' spacing. */
export class EulerAncestralScheduler {
  /** σ at every training timestep. */
  readonly trainSigmas: Float64Array;

  constructor(readonly config: NoiseScheduleConfig = { ...SD15_SCHEDULE, timestepSpacing: 'linspace' }) {
    const ac = alphasCumprod(
      betaSchedule(config.betaSchedule, config.betaStart, config.betaEnd, config.numTrainTimesteps),
    );
    this.trainSigmas = ac.map((a) => Math.sqrt((1 - a) / a));
  }

  /** σ at the inference timesteps (linearly interpolated between training timesteps), then a final 0. */
  sigmas(steps: number): { timesteps: number[]; sigmas: number[] } {
    const timesteps = inferenceTimesteps(this.config, steps);
    const sigmas = timesteps.map((t) => {
      const lo = Math.floor(t);
      const hi = Math.min(lo + 1, this.trainSigmas.length - 1);
      return this.trainSigmas[lo] + (this.trainSigmas[hi] - this.trainSigmas[lo]) * (t - lo);
    });
    return { timesteps, sigmas: [...sigmas, 0] };
  }

  plan(steps: number): SamplerPlan {
    const { timesteps, sigmas } = this.sigmas(steps);
    const spacing = this.config.timestepSpacing;
    const sigmaMax = Math.max(...sigmas);
    return {
      timesteps,
      initNoiseSigma: spacing === 'linspace' || spacing === 'trailing' ? sigmaMax : Math.sqrt(sigmaMax ** 2 + 1),
      inputScale: (i) => 1 / Math.sqrt(sigmas[i] ** 2 + 1),
      step: (i, modelOutput, sample, normal) => this.step(modelOutput, sigmas[i], sigmas[i + 1], sample, normal),
    };
  }

  /** One ancestral step from σ_from to σ_to: deterministic Euler to σ_down, then fresh noise of size σ_up. */
  step(
    modelOutput: Float32Array,
    sigmaFrom: number,
    sigmaTo: number,
    sample: Float32Array,
    normal: () => number,
  ): Float32Array {
    const sigmaUp = Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2);
    const sigmaDown = Math.sqrt(sigmaTo ** 2 - sigmaUp ** 2);
    const dt = sigmaDown - sigmaFrom;
    const vPred = this.config.predictionType === 'v_prediction';
    const c = 1 / Math.sqrt(sigmaFrom ** 2 + 1);
    const out = new Float32Array(sample.length);
    for (let j = 0; j < sample.length; j++) {
      const x = sample[j];
      const m = modelOutput[j];
      const x0 = vPred ? m * -sigmaFrom * c + x * c * c : x - sigmaFrom * m;
      const derivative = (x - x0) / sigmaFrom;
      out[j] = x + derivative * dt + (sigmaUp > 0 ? normal() * sigmaUp : 0);
    }
    return out;
  }
}

const zeroNoise = (): number => 0;

export type SamplerName = 'ddim' | 'euler-a';

/** The sampler for SD 1.5 by name. */
export function sd15Sampler(name: SamplerName, steps: number): SamplerPlan {
  return name === 'ddim' ? new DdimScheduler(SD15_SCHEDULE).plan(steps) : new EulerAncestralScheduler().plan(steps);
}
