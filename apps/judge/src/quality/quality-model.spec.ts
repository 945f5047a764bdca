import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '@atelier/ml-runtime';
import { fitBoosting, fitRidge } from './learners';
import { HANDCRAFTED_FEATURES, type HandcraftedFeature } from './quality-features';
import { QualityModel, linearScore, predictTrees, type QualityModelFile } from './quality-model';

const features = (overrides: Partial<Record<HandcraftedFeature, number>> = {}) =>
  ({ ...Object.fromEntries(HANDCRAFTED_FEATURES.map((f) => [f, 0])), ...overrides }) as Record<
    HandcraftedFeature,
    number
  >;

/** A model whose trees split on sharp_fine at 2 (MOS 1 below, 3 above) and ignore the 4-d embedding probe. */
function modelFile(): QualityModelFile {
  const inputs = HANDCRAFTED_FEATURES.length + 1;
  return {
    format: 'atelier-judge-quality/1',
    version: 'test-1',
    handcrafted: [...HANDCRAFTED_FEATURES],
    embeddingHead: { model: 'test', dims: 4, mean: [0, 0, 0, 0], scale: [1, 1, 1, 1], weights: [1, 0, 0, 0], bias: 0 },
    trees: {
      base: 2,
      rate: 1,
      trees: [
        {
          feature: [HANDCRAFTED_FEATURES.indexOf('sharp_fine'), -1, -1],
          threshold: [2, 0, 0],
          left: [1, -1, -1],
          right: [2, -1, -1],
          value: [0, -1, 1],
        },
      ],
    },
    range: { low: 1, high: 3 },
    partWeights: { quality: 0.8, fidelity: 0.2 },
    bands: {},
    provenance: { inputs },
  };
}

describe('QualityModel', () => {
  it('predicts MOS with its trees and maps the MOS range onto [0, 1]', () => {
    const m = QualityModel.fromJson(modelFile());
    const emb = new Float32Array(4);
    expect(m.predictMos({ features: features({ sharp_fine: 1 }), embedding: emb })).toBe(1);
    expect(m.predictMos({ features: features({ sharp_fine: 5 }), embedding: emb })).toBe(3);
    expect(m.score({ features: features({ sharp_fine: 1 }), embedding: emb })).toBe(0);
    expect(m.score({ features: features({ sharp_fine: 5 }), embedding: emb })).toBe(1);
    expect(m.usesEmbedding).toBe(true);
    expect(m.version).toBe('test-1');
  });

  it('refuses files it cannot use, naming the problem', () => {
    expect(() => QualityModel.fromJson({ ...modelFile(), format: 'x' as 'atelier-judge-quality/1' })).toThrow(/format/);
    expect(() => QualityModel.fromJson({ ...modelFile(), handcrafted: ['sharp_fine'] })).toThrow(/retrain/);
    expect(() => QualityModel.fromJson({ ...modelFile(), trees: undefined })).toThrow(/neither/);
    const m = QualityModel.fromJson(modelFile());
    expect(() => m.predictMos({ features: features() })).toThrow(/embedding/);
  });

  it('loads from a file and names a missing or malformed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'judge-quality-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(modelFile()));
    expect(QualityModel.load(good).partWeights).toEqual({ quality: 0.8, fidelity: 0.2 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => QualityModel.load(bad)).toThrow(/bad\.json is invalid/);
    expect(() => QualityModel.load(join(dir, 'missing.json'))).toThrow(/missing\.json cannot be read/);
  });

  it('loads the committed model of the judge', () => {
    const m = QualityModel.load(join(__dirname, '..', '..', 'models', 'judge-quality.json'));
    expect(m.version).toMatch(/^agiqa3k-q1-[0-9a-f]{8}$/);
    expect(m.partWeights.quality + m.partWeights.fidelity).toBeCloseTo(1, 6);
  });
});

describe('learners', () => {
  it('ridge recovers the weights of a noisy linear target (primal and dual)', () => {
    const rng = new SeededRandom(3);
    for (const [n, d] of [
      [200, 5],
      [40, 60],
    ]) {
      const truth = Array.from({ length: d }, (_, j) => (j < 3 ? [2, -1, 0.5][j] : 0));
      const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.next() * 2 - 1));
      const y = X.map((x) => 1 + x.reduce((s, v, j) => s + v * truth[j], 0) + 0.01 * (rng.next() - 0.5));
      const fit = fitRidge(X, y, 1e-4);
      const probe = Array.from({ length: d }, (_, j) => (j === 0 ? 0.5 : 0));
      const expected = 1 + 0.5 * 2;
      expect(linearScore(fit, probe)).toBeCloseTo(expected, n > d ? 2 : 0);
    }
  });

  it('boosted trees learn a step and an interaction that a line cannot', () => {
    const rng = new SeededRandom(5);
    const X = Array.from({ length: 400 }, () => [rng.next(), rng.next(), rng.next()]);
    const y = X.map(([a, b]) => (a > 0.5 ? 1 : 0) + (a > 0.5 && b > 0.5 ? 1 : 0));
    const m = fitBoosting(X, y, { trees: 120, depth: 2, rate: 0.2, minLeaf: 5, subsample: 1 });
    expect(predictTrees(m, [0.9, 0.9, 0.1])).toBeCloseTo(2, 1);
    expect(predictTrees(m, [0.9, 0.1, 0.9])).toBeCloseTo(1, 1);
    expect(predictTrees(m, [0.1, 0.9, 0.5])).toBeCloseTo(0, 1);
  });
});
