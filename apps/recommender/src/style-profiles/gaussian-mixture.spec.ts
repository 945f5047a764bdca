import { randomUnitVectors } from '@atelier/vector-index';
import { assign, fitGmm, onlineUpdate, selectByBic } from './gaussian-mixture';
import { describeModes, fitStyleModel, updateStyleModel, type LikedItem } from './style-profile';

/** n points around each centre with Gaussian noise (Box–Muller on a seeded LCG). */
function blobs(centres: number[][], n: number, sigma: number, seed = 3): { X: number[][]; labels: number[] } {
  let s = seed;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 1) / 2 ** 32;
  const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const X: number[][] = [];
  const labels: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < n; i++) {
      X.push(c.map((x) => x + sigma * gauss()));
      labels.push(k);
    }
  });
  return { X, labels };
}

/** Share of points whose cluster's majority component is their own (1 = perfect recovery). */
function purity(labels: number[], assigned: number[]): number {
  const byLabel = new Map<number, Map<number, number>>();
  labels.forEach((l, i) => {
    const m = byLabel.get(l) ?? new Map<number, number>();
    m.set(assigned[i], (m.get(assigned[i]) ?? 0) + 1);
    byLabel.set(l, m);
  });
  let agree = 0;
  const used = new Set<number>();
  for (const m of byLabel.values()) {
    const [comp, count] = [...m].sort((a, b) => b[1] - a[1])[0];
    if (!used.has(comp)) agree += count;
    used.add(comp);
  }
  return agree / labels.length;
}

const CENTRES = [
  [0, 0, 0],
  [6, 0, 0],
  [0, 6, 0],
  [0, 0, 6],
  [6, 6, 6],
];

describe('Gaussian mixture (EM, BIC)', () => {
  it('recovers known clusters on synthetic data', () => {
    const { X, labels } = blobs(CENTRES, 40, 0.8);
    const model = fitGmm(X, 5, { seed: 2 });
    expect(
      purity(
        labels,
        X.map((x) => assign(model, x)),
      ),
    ).toBeGreaterThan(0.97);
    for (const w of model.weights) expect(w).toBeCloseTo(0.2, 1);
  });

  it.each([3, 4, 5])('BIC picks the true k = %i within 3–7', (k) => {
    const { X } = blobs(CENTRES.slice(0, k), 40, 0.8, 10 + k);
    const { model, bics } = selectByBic(X, 3, 7, { seed: 1 });
    expect(model.weights).toHaveLength(k);
    expect(bics.map((b) => b.k)).toEqual([3, 4, 5, 6, 7]);
  });

  it('follows new points online without a refit', () => {
    const { X } = blobs(CENTRES.slice(0, 3), 30, 0.5);
    let model = fitGmm(X, 3, { seed: 4 });
    const c = assign(model, [6, 0, 0]);
    const before = model.means[c][0];
    for (let i = 0; i < 30; i++) model = onlineUpdate(model, [7.5, 0, 0]);
    expect(model.means[c][0]).toBeGreaterThan(before + 0.5);
    expect(model.weights[c]).toBeGreaterThan(0.4);
    expect(model.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });
});

describe('style profile', () => {
  it('finds the style modes of liked items with their dominant attributes, and updates online', () => {
    const D = 64;
    const centres = randomUnitVectors(3, D, 1);
    const noise = randomUnitVectors(90, D, 2);
    const styles = [
      { articleType: 'Dresses', baseColour: 'Red' },
      { articleType: 'Jeans', baseColour: 'Blue' },
      { articleType: 'Sneakers', baseColour: 'White' },
    ];
    const item = (i: number, c: number): LikedItem => ({
      id: `i${i}`,
      vector: Float32Array.from({ length: D }, (_, j) => centres[c * D + j] + 0.15 * noise[(i % 90) * D + j]),
      attributes: styles[c],
    });
    const items = Array.from({ length: 60 }, (_, i) => item(i, i % 3));
    const model = fitStyleModel(items);
    expect(model.gmm.weights).toHaveLength(3);
    const modes = describeModes(model, items);
    expect(modes.map((m) => m.items).sort()).toEqual([20, 20, 20]);
    expect(
      modes
        .map((m) =>
          m.dominant_attributes
            .map((a) => a.value)
            .sort()
            .join('+'),
        )
        .sort(),
    ).toEqual(['Blue+Jeans', 'Dresses+Red', 'Sneakers+White']);
    for (const m of modes) expect(m.share).toBeCloseTo(1 / 3, 1);
    // Ten more red dresses: an online step, the dress mode grows.
    const more = [...items, ...Array.from({ length: 10 }, (_, i) => item(60 + i * 3, 0))];
    const updated = updateStyleModel(model, more);
    expect(updated.fittedOn).toBe(60);
    expect(updated.seen).toHaveLength(70);
    const dress = describeModes(updated, more).find((m) => m.dominant_attributes.some((a) => a.value === 'Red'));
    expect(dress?.items).toBe(30);
    expect(dress?.share).toBeGreaterThan(0.4);
  });
});
