import {
  DdimScheduler,
  EulerAncestralScheduler,
  SD15_SCHEDULE,
  alphasCumprod,
  betaSchedule,
  inferenceTimesteps,
  type NoiseScheduleConfig,
} from './schedulers';
import { gaussianLatents, gaussianNoise } from './gaussian-noise';

/*
 * Reference values. "formula" values were computed independently in numpy (float64) from the definitions:
 *   betas = linspace(√0.00085, √0.012, 1000)²; ᾱ = cumprod(1 − betas); σ = √((1 − ᾱ)/ᾱ).
 * "published" values come from elsewhere: diffusers' tests/schedulers/test_scheduler_ddim.py (variances and
 * full-loop sums for its linear-schedule test config) and ComfyUI's SD 1.x σ range (14.614642, 0.0291675).
 */

const expectClose = (actual: ArrayLike<number>, expected: number[], digits: number): void => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, digits));
};

describe('SD 1.5 noise schedule (scaled_linear, 0.00085 → 0.012, 1000 steps)', () => {
  const ac = alphasCumprod(betaSchedule('scaled_linear', 0.00085, 0.012, 1000));

  it('has the reference ᾱ at chosen timesteps (formula)', () => {
    const at = [0, 1, 250, 499, 500, 981, 999].map((t) => ac[t]);
    expectClose(
      at,
      [
        0.99915, 0.9982960278384514, 0.6737926252333215, 0.27766965045646763, 0.2763326838229746, 0.005775500139495751,
        0.004660098513077238,
      ],
      12,
    );
  });

  it('spans σ from 0.0291675 to 14.614642 (published, ComfyUI SD 1.x)', () => {
    const sigma = (t: number) => Math.sqrt((1 - ac[t]) / ac[t]);
    expect(sigma(999)).toBeCloseTo(14.614642, 5);
    expect(sigma(0)).toBeCloseTo(0.0291675, 6);
  });

  it('spaces inference timesteps like diffusers (leading + offset 1 for SD 1.5)', () => {
    expect(inferenceTimesteps(SD15_SCHEDULE, 50).slice(0, 5)).toEqual([981, 961, 941, 921, 901]);
    expect(inferenceTimesteps(SD15_SCHEDULE, 50).slice(-3)).toEqual([41, 21, 1]);
    expect(inferenceTimesteps(SD15_SCHEDULE, 20)).toEqual([
      951, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251, 201, 151, 101, 51, 1,
    ]);
    // diffusers test_steps_offset: steps_offset=1, 5 steps.
    expect(inferenceTimesteps(SD15_SCHEDULE, 5)).toEqual([801, 601, 401, 201, 1]);
    expect(inferenceTimesteps(SD15_SCHEDULE, 10, 'trailing')).toEqual([
      999, 899, 799, 699, 599, 499, 399, 299, 199, 99,
    ]);
    expect(inferenceTimesteps(SD15_SCHEDULE, 10, 'linspace')).toEqual([999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
    expect(() => inferenceTimesteps(SD15_SCHEDULE, 0)).toThrow(RangeError);
  });
});

describe('DdimScheduler', () => {
  // diffusers' DDIMSchedulerTest.get_scheduler_config (linear betas, clip_sample, set_alpha_to_one default True).
  const TEST_CONFIG: NoiseScheduleConfig = {
    numTrainTimesteps: 1000,
    betaStart: 0.0001,
    betaEnd: 0.02,
    betaSchedule: 'linear',
    stepsOffset: 0,
    setAlphaToOne: true,
    clipSample: true,
    predictionType: 'epsilon',
    timestepSpacing: 'leading',
  };

  it('has the variances of diffusers test_variance (published)', () => {
    const s = new DdimScheduler(TEST_CONFIG);
    // Same tolerance as diffusers: |v − expected| < 1e-5.
    for (const [t, prev, expected] of [
      [0, 0, 0],
      [420, 400, 0.14771],
      [980, 960, 0.3246],
      [487, 486, 0.00979],
      [999, 998, 0.02],
    ]) {
      expect(Math.abs(s.variance(t, prev) - expected)).toBeLessThan(1e-5);
    }
  });

  /** diffusers' full_loop: 10 steps of model(x, t) = x·t/(t+1) on dummy_sample_deter (arange/768, permuted). */
  const fullLoop = (overrides: Partial<NoiseScheduleConfig>): { sum: number; mean: number } => {
    const s = new DdimScheduler({ ...TEST_CONFIG, ...overrides });
    const [B, C, H, W] = [4, 3, 8, 8];
    const n = B * C * H * W;
    // torch.arange(n).reshape(C, H, W, B).permute(3, 0, 1, 2) / n
    let x: Float32Array = new Float32Array(n);
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) x[((b * C + c) * H + h) * W + w] = (((c * H + h) * W + w) * B + b) / n;
    const plan = s.plan(10);
    plan.timesteps.forEach((t, i) => {
      const eps = x.map((v) => (v * t) / (t + 1));
      x = plan.step(i, eps, x, () => 0);
    });
    const sum = x.reduce((a, v) => a + Math.abs(v), 0);
    return { sum, mean: sum / n };
  };

  it.each([
    ['no noise', {}, 172.0067, 0.223967],
    ['v-prediction', { predictionType: 'v_prediction' }, 52.5302, 0.0684],
    ['set_alpha_to_one', { setAlphaToOne: true, betaStart: 0.01 }, 149.8295, 0.1951],
    ['no set_alpha_to_one', { setAlphaToOne: false, betaStart: 0.01 }, 149.0784, 0.1941],
  ] as const)('reproduces diffusers test_full_loop (%s): sum and mean of |x| (published)', (_, cfg, sum, mean) => {
    const r = fullLoop(cfg as Partial<NoiseScheduleConfig>);
    expect(Math.abs(r.sum - sum)).toBeLessThan(1e-2);
    expect(Math.abs(r.mean - mean)).toBeLessThan(1e-3);
  });

  describe('one SD 1.5 step on fixed tensors (formula)', () => {
    const x = Float32Array.from([0.5, -1, 2, 0.1]);
    const eps = Float32Array.from([0.1, 0.2, -0.3, 1]);
    const z = [1, -0.5, 0.25, 2];
    const fixedNoise = () => {
      let i = 0;
      return () => z[i++];
    };
    const ddim = new DdimScheduler(SD15_SCHEDULE);

    it('eta = 0, t 981 → 961 (50 steps)', () => {
      const { prevSample, predOriginal } = ddim.step(eps, 981, x, 50);
      expectClose(prevSample, [0.54910065, -1.1475021, 2.282679, -0.01096684], 5);
      expectClose(predOriginal, [5.26719099, -15.78254627, 30.25305147, -11.80456433], 4);
      expect(ddim.variance(981, 961)).toBeCloseTo(0.20653686597287707, 10);
    });

    it('eta = 1 adds σₜ·z', () => {
      const { prevSample } = new DdimScheduler(SD15_SCHEDULE, 1).step(eps, 981, x, 50, fixedNoise());
      expectClose(prevSample, [0.99259555, -1.39667049, 2.42919995, 0.78827594], 5);
    });

    it('the last step (t = 1) lands on ᾱ₀ since set_alpha_to_one is false', () => {
      const { prevSample } = ddim.step(eps, 1, x, 50);
      expectClose(prevSample, [0.4989996, -1.00285604, 2.00449787, 0.08790067], 5);
    });
  });
});

describe('EulerAncestralScheduler (SD 1.5, linspace spacing)', () => {
  const euler = new EulerAncestralScheduler();

  it('interpolates σ at fractional timesteps and ends at 0 (formula)', () => {
    const { timesteps, sigmas } = euler.sigmas(10);
    expectClose(timesteps, [999, 888, 777, 666, 555, 444, 333, 222, 111, 0], 9);
    expectClose(
      sigmas,
      [
        14.61464123, 7.83988287, 4.60917413, 2.91830712, 1.95016147, 1.34492778, 0.93235797, 0.62497692, 0.36865775,
        0.02916716, 0,
      ],
      6,
    );
    const plan = euler.plan(10);
    expect(plan.initNoiseSigma).toBeCloseTo(14.614641, 5);
    expect(plan.inputScale(0)).toBeCloseTo(1 / Math.sqrt(14.61464123 ** 2 + 1), 9);
  });

  it('takes one ancestral step on fixed tensors (formula: σ_up 6.6164, σ_down 4.2056)', () => {
    const z = [1, -0.5, 0.25, 2];
    let k = 0;
    const out = euler
      .plan(10)
      .step(0, Float32Array.from([0.1, 0.2, -0.3, 1]), Float32Array.from([0.5, -1, 2, 0.1]), () => z[k++]);
    expectClose(out, [6.07547588, -6.38999092, 6.77679785, 2.92374223], 4);
  });

  it('the last step is a plain Euler step to σ = 0 and draws no noise', () => {
    const noise = jest.fn(() => 1);
    const out = euler
      .plan(10)
      .step(9, Float32Array.from([0.1, 0.2, -0.3, 1]), Float32Array.from([0.5, -1, 2, 0.1]), noise);
    expectClose(out, [0.49708328, -1.00583343, 2.00875015, 0.07083284], 6);
    expect(noise).not.toHaveBeenCalled();
  });
});

describe('gaussianNoise', () => {
  it('is deterministic per seed, distinct across seeds, and standard normal', () => {
    const a = gaussianLatents(42n, 20000);
    expect(gaussianLatents(42n, 20000)).toEqual(a);
    const b = gaussianLatents(43n, 20000);
    expect(b).not.toEqual(a);
    // 64-bit seeds: high bits matter too.
    expect(gaussianLatents(42n + (1n << 40n), 8)).not.toEqual(a.slice(0, 8));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    // Fraction within 1σ of a normal: 68.27 %.
    const within = a.filter((v) => Math.abs(v) < 1).length / a.length;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.015);
    let corr = 0;
    for (let i = 0; i < a.length; i++) corr += a[i] * b[i];
    expect(Math.abs(corr / a.length)).toBeLessThan(0.03);
  });

  it('scales latents by σ and continues the same stream for later draws', () => {
    const next = gaussianNoise(7n);
    const first = [next(), next(), next()];
    expect(Array.from(gaussianLatents(7n, 3, 2))).toEqual(first.map((v) => Math.fround(v * 2)));
  });
});
