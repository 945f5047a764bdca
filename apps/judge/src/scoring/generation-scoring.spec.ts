import { PREFERENCE_FEATURES, fixedModel } from '../preferences/preference-model';
import { DEFAULT_VALIDATION } from '../validation/batch-validation';
import { scoreGeneration } from './generation-scoring';
import type { ImageJudgement } from './judge-backend';

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};
const judgement = (index: number, fidelity: number, aesthetic: number, descriptor: number[]): ImageJudgement => ({
  index,
  fidelity,
  aesthetic,
  consistency: 0.9,
  components: {},
  features: [fidelity, aesthetic],
  descriptor: unit(descriptor),
});

describe('scoreGeneration', () => {
  const opts = { markBest: true, seed: 1, validation: DEFAULT_VALIDATION };

  it('scores judgements with parts by the parts that have evidence and adds the verdict', () => {
    const parts = (quality: number, fidelity: number | undefined) => [
      { id: 'quality', score: quality, weight: 0.6, evidence: true },
      { id: 'fidelity', score: fidelity ?? 0, weight: 0.4, evidence: fidelity !== undefined },
    ];
    const reasons = [{ code: 'sharp', sign: 1 as const, ru: 'резкое', en: 'sharp' }];
    const js = [
      { ...judgement(0, 0.2, 0.9, [1, 0]), parts: parts(0.9, undefined), reasons }, // 0.9: fidelity stays out
      { ...judgement(1, 1, 0.5, [0, 1]), parts: parts(0.5, 1) }, // 0.6·0.5 + 0.4·1 = 0.7
    ];
    const r = scoreGeneration(js, { fidelity: 0.7, aesthetic: 0.3 }, opts);
    expect(r.images.map((i) => [i.index, i.final])).toEqual([
      [0, 0.9],
      [1, expect.closeTo(0.7, 10)],
    ]);
    expect(r.images[0].judgement.components).toMatchObject({ score_100: 90, verdict: 2, reason_sharp: 1 });
    expect(r.images[0].judgement.details).toMatchObject({
      verdict: { score: 90, word: 'excellent', label: { ru: 'отлично' }, why: { ru: 'Резкое', en: 'Sharp' } },
      parts: { quality: 1 },
    });
    expect(r.images[1].judgement.components).toMatchObject({ score_100: 70, verdict: 2 });
  });

  it('ranks with a learned preference model instead of the fixed weights when one is given', () => {
    const js = [
      { ...judgement(0, 0.9, 0.5, [1, 0]), components: { colourfulness_n: 0.1 } },
      { ...judgement(1, 0.6, 0.5, [0, 1]), components: { colourfulness_n: 0.9 } },
    ];
    expect(scoreGeneration(js, { fidelity: 0.7, aesthetic: 0.3 }, opts).images.map((i) => i.index)).toEqual([0, 1]);
    const colourLover = fixedModel({ fidelity: 0.7, aesthetic: 0.3 });
    colourLover.theta[PREFERENCE_FEATURES.indexOf('colourfulness_n')] = 6;
    const r = scoreGeneration(js, { fidelity: 0.7, aesthetic: 0.3 }, { ...opts, preference: colourLover });
    expect(r.images.map((i) => i.index)).toEqual([1, 0]);
    expect(r.images.every((i) => i.final >= 0 && i.final <= 1)).toBe(true);
  });

  it('ranks by 0.7·fidelity + 0.3·aesthetic with deterministic ties and marks one best', () => {
    const js = [
      judgement(0, 0.5, 0.5, [1, 0]),
      judgement(1, 0.9, 0.1, [0, 1]), // 0.66
      judgement(2, 0.5, 0.5, [1, 1]), // tie with 0 on final and fidelity → lower index first
      judgement(3, 0.2, 1.0, [1, 2]), // 0.44
    ];
    const r = scoreGeneration(js, { fidelity: 0.7, aesthetic: 0.3 }, opts);
    expect(r.images.map((i) => i.index)).toEqual([1, 0, 2, 3]);
    expect(r.images.map((i) => i.rank)).toEqual([1, 2, 3, 4]);
    expect(r.images[0].final).toBeCloseTo(0.66, 10);
    expect(r.images.filter((i) => i.best).map((i) => i.index)).toEqual([1]);
    // Shuffled input gives the same ranking.
    expect(
      scoreGeneration([...js].reverse(), { fidelity: 0.7, aesthetic: 0.3 }, opts).images.map((i) => i.index),
    ).toEqual([1, 0, 2, 3]);
    expect(
      scoreGeneration(js, { fidelity: 0.7, aesthetic: 0.3 }, { ...opts, markBest: false }).images.some((i) => i.best),
    ).toBe(false);
  });

  it('skips rejected images when marking the best one', () => {
    const js = [judgement(0, 0.9, 0.9, [1, 0]), judgement(1, 0.8, 0.8, [0, 1])];
    js[0].consistency = 0.2;
    const r = scoreGeneration(js, { fidelity: 0.7, aesthetic: 0.3 }, opts);
    expect(r.images[0].index).toBe(0);
    expect(r.images[0].validation.rejected).toBe(true);
    expect(r.images.find((i) => i.best)?.index).toBe(1);
  });

  it('orders for diversity: a near duplicate of the best comes after a different image', () => {
    const js = [
      judgement(0, 0.9, 0.9, [1, 0, 0]),
      judgement(1, 0.89, 0.9, [1, 0.01, 0]),
      judgement(2, 0.6, 0.6, [0, 0, 1]),
    ];
    const r = scoreGeneration(js, { fidelity: 0.7, aesthetic: 0.3 }, opts);
    expect(r.diversity.order.slice(0, 2)).toEqual([0, 2]);
    expect(r.diversity.coverage[1]).toBeGreaterThan(r.diversity.coverage[0]);
    expect(r.images.find((i) => i.index === 2)?.diversityOrder).toBe(2);
  });
});
