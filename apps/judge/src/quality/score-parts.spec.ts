import { extractTargets } from '../vision/prompt-targets';
import { judgeAnalysis, promptFidelity, type ImageAnalysis } from '../vision/vision-judge';
import { HANDCRAFTED_FEATURES, type HandcraftedFeature } from './quality-features';
import { combineParts, explain, sentence, verdict } from './score-parts';

const analysis = (labels: Array<[string, number]>, features: Partial<Record<HandcraftedFeature, number>> = {}) =>
  ({
    detections: labels.map(([label, score]) => ({ label, score, box: [0, 0, 1, 1] })),
    palette: [{ lab: [50, 0, 0], share: 1 }],
    statistics: { score: 0.6, metrics: { sharpness_n: 0.5, contrast_n: 0.5, colourfulness_n: 0.5, exposure_n: 0.5 } },
    balance: 1,
    colourHistogram: new Float32Array(64),
    quality: { features: { ...Object.fromEntries(HANDCRAFTED_FEATURES.map((f) => [f, 0])), ...features } },
  }) as unknown as ImageAnalysis;

describe('parts with evidence', () => {
  it('counts only parts with evidence and gives their weight to the others', () => {
    const quality = { id: 'quality', score: 0.8, weight: 0.3, evidence: true };
    expect(combineParts([quality, { id: 'fidelity', score: 0, weight: 0.7, evidence: false }])).toEqual({
      final: 0.8,
      applied: { quality: 1 },
    });
    const both = combineParts([quality, { id: 'fidelity', score: 0.4, weight: 0.7, evidence: true }]);
    expect(both.final).toBeCloseTo(0.3 * 0.8 + 0.7 * 0.4, 10);
    expect(both.applied).toEqual({ quality: 0.3, fidelity: 0.7 });
    expect(combineParts([]).final).toBe(0);
  });

  it('has no prompt fidelity when nothing in the prompt is checkable (no constant 0.5)', () => {
    const f = promptFidelity(analysis([['cat', 0.9]]), extractTargets(['a dream about freedom']));
    expect(f.fidelity).toBeUndefined();
    expect(f.consistency).toBe(1);
    const seen = promptFidelity(analysis([['cat', 0.9]]), extractTargets(['a cat']));
    expect(seen.fidelity).toBeGreaterThan(0.5);
    const missing = promptFidelity(analysis([]), extractTargets(['a cat']));
    expect(missing.fidelity).toBe(0);
  });

  it('counts a placed subject illustration as seen, exactly', () => {
    const f = promptFidelity(analysis([]), extractTargets(['a dream about freedom']), ['bird']);
    expect(f.fidelity).toBe(1);
    expect(f.perObject).toEqual({ bird: 1 });
  });

  it('scores an image without evidence by quality alone and says so in its components', () => {
    const j = judgeAnalysis(3, analysis([]), extractTargets(['a dream about freedom']));
    expect(j.components.fidelity_evidence).toBe(0);
    expect(combineParts(j.parts ?? []).final).toBeCloseTo(j.aesthetic, 10);
    expect(j.fidelity).toBeCloseTo(j.aesthetic, 10);
    const withCat = judgeAnalysis(3, analysis([]), extractTargets(['a cat']));
    expect(withCat.components.fidelity_evidence).toBe(1);
    expect(withCat.fidelity).toBe(0);
    expect(combineParts(withCat.parts ?? []).final).toBeLessThan(j.aesthetic);
  });
});

describe('verdict and explanations', () => {
  it('puts the score on 0–100 with a word', () => {
    expect(verdict(0.83)).toEqual({ score: 83, word: 'excellent', label: { ru: 'отлично', en: 'excellent' } });
    expect(verdict(0.5).label.ru).toBe('хорошо');
    expect(verdict(0.2).label).toEqual({ ru: 'слабо', en: 'weak' });
    expect(verdict(Number.NaN).score).toBe(0);
  });

  it('explains in plain words from the training bands', () => {
    const bands = {
      sharp_fine: [3, 5],
      sharp_mid: [2, 4],
      blockiness: [1.05, 1.2],
      noise: [0.5, 1.5],
      harmony: [0.9, 0.98],
    } as Record<string, [number, number]>;
    const good = explain({ sharp_fine: 6, sharp_mid: 5, blockiness: 1, noise: 0.2, harmony: 0.99 }, bands, {
      objects: 1,
    });
    expect(sentence(good).ru).toBe('Резкое, без артефактов, цвета гармоничные, объект запроса виден');
    expect(sentence(good).en).toBe('Sharp, no artefacts, harmonious colours, the requested object is visible');
    const bad = explain({ sharp_fine: 2, sharp_mid: 1, blockiness: 1.5, noise: 0.2, harmony: 0.95 }, bands, {
      objects: 0,
    });
    expect(bad.map((r) => r.code)).toEqual(['blurry', 'blocky', 'objectMissing']);
    expect(bad.every((r) => r.sign === -1)).toBe(true);
    expect(explain({}, {}, {})).toEqual([]);
  });
});
