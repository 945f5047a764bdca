import { AttributeSchema } from '../attributes/attribute-schema';
import { ExactVectorIndex } from '@atelier/vector-index';
import { VisualCatalogIndex } from './visual-catalog-index';
import { discriminativeTarget, rocchioTarget, VisualSearchEngine } from './visual-search-engine';

const D = 8;
const unit = (...xs: number[]): Float32Array => {
  const v = new Float32Array(D);
  xs.forEach((x, i) => (v[i] = x));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

/**
 * Liked photos share axis 0 and spread over axes 1–3; the disliked ones sit on axis 0 with a little of axis 4 —
 * closer to the likes' mean than the likes themselves, the case where the mean alone ranks "disliked" looks first.
 */
const positives = [unit(1, 1), unit(1, 0, 1), unit(1, 0, 0, 1)];
const negatives = [unit(1, 0, 0, 0, 0.3), unit(1, 0, 0, 0, 0.35, 0.05), unit(1, 0, 0, 0, 0.25, 0, 0.05)];

describe('discriminativeTarget (query-time logistic regression)', () => {
  it('is the positives’ mean direction without negatives', () => {
    const t = discriminativeTarget(positives, [], D);
    const mean = rocchioTarget(positives, [], 0, D);
    for (let i = 0; i < D; i++) expect(t[i]).toBeCloseTo(mean[i], 6);
  });

  it('ranks every liked example above every disliked one where the mean does not', () => {
    const mean = rocchioTarget(positives, [], 0, D);
    const minPos = (t: Float32Array) => Math.min(...positives.map((p) => dot(t, p)));
    const maxNeg = (t: Float32Array) => Math.max(...negatives.map((n) => dot(t, n)));
    expect(minPos(mean)).toBeLessThan(maxNeg(mean));
    const t = discriminativeTarget(positives, negatives, D);
    expect(minPos(t)).toBeGreaterThan(maxNeg(t));
    expect(Math.hypot(...t)).toBeCloseTo(1, 6);
    // It stays close to what the likes share (axis 0 keeps a large weight).
    expect(dot(t, mean)).toBeGreaterThan(0.5);
  });

  it('search: with the dislikes, the nearest looks to the likes come first; on the likes alone, the disliked look does', () => {
    const catalog = new VisualCatalogIndex(D, new ExactVectorIndex(D));
    const schema = new AttributeSchema();
    const jitter = (v: Float32Array, i: number) => unit(...v.map((x, j) => x + 0.02 * Math.sin(7 * i + 3 * j)));
    for (let i = 0; i < 30; i++) {
      catalog.upsert({ id: `like${i}`, ownerId: 'c', embedding: jitter(positives[i % 3], i), attributes: [] });
      catalog.upsert({ id: `dislike${i}`, ownerId: 'c', embedding: jitter(negatives[i % 3], i), attributes: [] });
    }
    const engine = new VisualSearchEngine(schema, catalog);
    const ex = (prefix: string, vs: Float32Array[]) =>
      vs.map((embedding, i) => ({ id: `${prefix}-example${i}`, embedding, attributes: [] }));
    const run = (negs: Float32Array[], gamma: number) =>
      engine
        .search({
          positives: ex('p', positives),
          negatives: ex('n', negs),
          k: 10,
          strategy: 'discriminative',
          gamma,
          threshold: false,
          diversify: false,
          embeddingWeight: 1,
        })
        .matched.map((m) => m.id);
    const liked = (ids: string[]) => ids.filter((id) => id.startsWith('like')).length;
    expect(liked(run(negatives, 0.5))).toBe(10);
    expect(liked(run([], 0))).toBeLessThan(5);
  });
});
