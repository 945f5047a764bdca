import { SeededRandom } from '@atelier/ml-runtime';
import {
  GLOBAL_LAMBDA,
  PREFERENCE_FEATURES,
  USER_LAMBDA,
  fitPreferenceModel,
  fixedModel,
  pairwiseAgreement,
  preferencePairs,
  unitScore,
  utility,
  type FeedbackItem,
  type PreferenceModel,
} from './preference-model';

const FIXED = fixedModel({ fidelity: 0.7, aesthetic: 0.3 });

/** Component scores shaped like the vision judge's: aesthetic follows the image statistics and balance. */
function randomImage(rng: SeededRandom): Record<string, number> {
  const c: Record<string, number> = {
    fidelity: rng.next(),
    sharpness_n: rng.next(),
    contrast_n: rng.next(),
    colourfulness_n: rng.next(),
    exposure_n: rng.next(),
    balance: rng.next(),
  };
  c.aesthetic = 0.8 * ((c.sharpness_n + c.contrast_n + c.colourfulness_n + c.exposure_n) / 4) + 0.2 * c.balance;
  return c;
}

describe('preferencePairs', () => {
  it('pairs likes with dislikes of the same request only, using the latest verdict per image', () => {
    const item = (g: string, i: number, verdict: 'like' | 'dislike', f: number): FeedbackItem => ({
      generationId: g,
      imageIndex: i,
      verdict,
      components: { fidelity: f, aesthetic: 0 },
    });
    const diffs = preferencePairs(
      [
        item('a', 0, 'like', 0.9),
        item('a', 1, 'like', 0.2),
        item('a', 1, 'dislike', 0.2), // changed their mind about image 1
        item('a', 2, 'dislike', 0.4),
        item('b', 0, 'dislike', 0.1), // no like in b: no pair
      ],
      ['fidelity', 'aesthetic'],
    );
    expect(diffs.map((d) => d.map((v) => Math.round(v * 10) / 10))).toEqual([
      [0.7, 0],
      [0.5, 0],
    ]);
  });
});

describe('fitPreferenceModel', () => {
  it('returns the prior when there is no feedback', () => {
    expect(fitPreferenceModel([], FIXED).theta).toEqual(FIXED.theta);
  });

  it('recovers the direction of a known preference from many noisy choices', () => {
    const rng = new SeededRandom(3);
    const truth = [0.2, 0, 0.1, 0.1, 1.2, 0, 0.3]; // loves colour
    const diffs: number[][] = [];
    for (let n = 0; n < 3000; n++) {
      const a = PREFERENCE_FEATURES.map(() => rng.next());
      const b = PREFERENCE_FEATURES.map(() => rng.next());
      const d = a.map((v, k) => v - b[k]);
      const pLikeA = 1 / (1 + Math.exp(-6 * d.reduce((s, v, k) => s + v * truth[k], 0)));
      diffs.push(rng.next() < pLikeA ? d : d.map((v) => -v));
    }
    const fit = fitPreferenceModel(diffs, FIXED);
    const cos = fit.theta.reduce((s, t, k) => s + t * truth[k], 0) / Math.hypot(...fit.theta) / Math.hypot(...truth);
    expect(cos).toBeGreaterThan(0.97);
    expect(fit.pairs).toBe(3000);
  });

  it('gives a [0, 1] score in the same order as the utility', () => {
    const model: PreferenceModel = { features: PREFERENCE_FEATURES, theta: [2, -1, 0.5, 0, 3, -0.2, 0], pairs: 9 };
    const rng = new SeededRandom(5);
    const images = Array.from({ length: 50 }, () => randomImage(rng));
    const byUtility = [...images].sort((a, b) => utility(model, b) - utility(model, a));
    const byScore = [...images].sort((a, b) => unitScore(model, b) - unitScore(model, a));
    expect(byScore).toEqual(byUtility);
    expect(images.every((c) => unitScore(model, c) >= 0 && unitScore(model, c) <= 1)).toBe(true);
  });
});

describe('weights learned from likes, simulated users', () => {
  // Three kinds of users (hidden utilities over the judge's components) with individual variation; each
  // sees 30 requests of 4 images, likes the one it prefers most and dislikes the one it prefers least
  // (choices drawn from a logistic model, so they are noisy). The first 20 requests train, the last 10 test.
  const ARCHETYPES: Record<string, Record<string, number>> = {
    faithful: { fidelity: 0.8, aesthetic: 0.2 },
    colourful: { fidelity: 0.2, colourfulness_n: 0.6, contrast_n: 0.2 },
    crisp: { fidelity: 0.3, sharpness_n: 0.4, exposure_n: 0.3 },
  };
  const rng = new SeededRandom(11);
  const users = Array.from({ length: 60 }, (_, u) => {
    const kind = Object.keys(ARCHETYPES)[u % 3];
    const truth = PREFERENCE_FEATURES.map((f) => (ARCHETYPES[kind][f] ?? 0) + 0.1 * rng.next());
    const feedback: FeedbackItem[][] = [];
    for (let g = 0; g < 30; g++) {
      const images = Array.from({ length: 4 }, () => randomImage(rng));
      // Gumbel noise on a utility with temperature 1/8: the top choice is usually, not always, the best.
      const noisy = images.map(
        (c) => 8 * PREFERENCE_FEATURES.reduce((s, f, k) => s + truth[k] * c[f], 0) - Math.log(-Math.log(rng.next())),
      );
      const order = noisy.map((_, i) => i).sort((a, b) => noisy[b] - noisy[a]);
      feedback.push([
        { generationId: `${u}-${g}`, imageIndex: order[0], verdict: 'like', components: images[order[0]] },
        { generationId: `${u}-${g}`, imageIndex: order[3], verdict: 'dislike', components: images[order[3]] },
      ]);
    }
    return { kind, train: feedback.slice(0, 20).flat(), test: feedback.slice(20).flat() };
  });

  it('agrees with held-out likes more often than the fixed 0.7/0.3 judge', () => {
    const features = PREFERENCE_FEATURES;
    const global = fitPreferenceModel(
      users.flatMap((u) => preferencePairs(u.train, features)),
      FIXED,
      { lambda: GLOBAL_LAMBDA },
    );
    const rows = users.map((u) => {
      const personal = fitPreferenceModel(preferencePairs(u.train, features), global, { lambda: USER_LAMBDA });
      const test = preferencePairs(u.test, features);
      return {
        kind: u.kind,
        fixed: pairwiseAgreement(FIXED, test),
        global: pairwiseAgreement(global, test),
        personal: pairwiseAgreement(personal, test),
      };
    });
    const mean = (pick: (r: (typeof rows)[number]) => number, kind?: string) => {
      const rs = rows.filter((r) => !kind || r.kind === kind);
      return rs.reduce((s, r) => s + pick(r), 0) / rs.length;
    };
    const lines = [undefined, ...Object.keys(ARCHETYPES)].map(
      (kind) =>
        `${(kind ?? 'all users').padEnd(10)} fixed 0.7/0.3 ${mean((r) => r.fixed, kind).toFixed(3)}  ` +
        `global fit ${mean((r) => r.global, kind).toFixed(3)}  per-user fit ${mean((r) => r.personal, kind).toFixed(3)}`,
    );
    console.log(`pairwise agreement on held-out feedback (60 users × 10 requests):\n${lines.join('\n')}`);
    expect(mean((r) => r.personal)).toBeGreaterThan(mean((r) => r.fixed) + 0.1);
    expect(mean((r) => r.personal)).toBeGreaterThan(mean((r) => r.global));
    // Users who want what the fixed judge wants lose (almost) nothing.
    expect(mean((r) => r.personal, 'faithful')).toBeGreaterThan(mean((r) => r.fixed, 'faithful') - 0.03);
  });
});
