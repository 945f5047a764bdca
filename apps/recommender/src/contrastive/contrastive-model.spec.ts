import { ContrastiveModel, pairedRecallAtK, seededRandom } from './contrastive-model';

/** Pairs sharing a latent code: image = A·z + noise, text = B·z + noise (different dimensions and mixing). */
function synthetic(n: number, seed: number) {
  const random = seededRandom(seed);
  const g = () => random() * 2 - 1;
  const mixing = seededRandom(7);
  const A = Array.from({ length: 40 * 8 }, () => mixing() * 2 - 1);
  const B = Array.from({ length: 20 * 8 }, () => mixing() * 2 - 1);
  const images: Float32Array[] = [];
  const texts: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: 8 }, g);
    const img = new Float32Array(40);
    const txt = new Float32Array(20);
    for (let r = 0; r < 40; r++) for (let c = 0; c < 8; c++) img[r] += A[r * 8 + c] * z[c];
    for (let r = 0; r < 20; r++) for (let c = 0; c < 8; c++) txt[r] += B[r * 8 + c] * z[c];
    for (let r = 0; r < 40; r++) img[r] += 0.3 * g();
    for (let r = 0; r < 20; r++) txt[r] += 0.3 * g();
    images.push(img);
    texts.push(txt);
  }
  return { images, texts };
}

describe('ContrastiveModel (symmetric InfoNCE)', () => {
  const train = synthetic(512, 1);
  const test = synthetic(200, 2);

  function model(hidden: number) {
    const m = new ContrastiveModel({
      image: { input: 40, hidden, output: 16 },
      text: { input: 20, hidden: 0, output: 16 },
      learningRate: 3e-3,
      seed: 3,
    });
    m.image.fitNormalisation(train.images);
    m.text.fitNormalisation(train.texts);
    return m;
  }

  it.each([0, 32])('training lowers the loss and retrieves held-out pairs far above chance (hidden=%i)', (hidden) => {
    const m = model(hidden);
    const untrained = pairedRecallAtK(m.text.embed(test.texts), m.image.embed(test.images), 10);
    const before = m.loss(train.images.slice(0, 128), train.texts.slice(0, 128));
    for (let epoch = 0; epoch < 15; epoch++) {
      for (let i = 0; i < train.images.length; i += 64) {
        m.step(train.images.slice(i, i + 64), train.texts.slice(i, i + 64));
      }
    }
    const after = m.loss(train.images.slice(0, 128), train.texts.slice(0, 128));
    const trained = pairedRecallAtK(m.text.embed(test.texts), m.image.embed(test.images), 10);
    const imageToText = pairedRecallAtK(m.image.embed(test.images), m.text.embed(test.texts), 10);
    expect(after).toBeLessThan(before * 0.6);
    // Chance is 10/200 = 0.05.
    expect(trained).toBeGreaterThan(0.5);
    expect(imageToText).toBeGreaterThan(0.5);
    expect(trained).toBeGreaterThan(untrained + 0.3);
  });

  it('round-trips through its JSON checkpoint', () => {
    const m = model(8);
    m.step(train.images.slice(0, 32), train.texts.slice(0, 32));
    const restored = ContrastiveModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    const a = m.text.embed(test.texts.slice(0, 3));
    const b = restored.text.embed(test.texts.slice(0, 3));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 16; j++) expect(b[i][j]).toBeCloseTo(a[i][j], 5);
    expect(restored.temperature).toBeCloseTo(m.temperature, 6);
  });

  it('computes paired recall on a hand-made case', () => {
    const v = (...x: number[]) => Float32Array.from(x);
    const queries = [v(1, 0), v(0, 1)];
    const gallery = [v(0, 1), v(0, 1)];
    // Query 0's match (gallery 0) ranks 1st of equals at k=1 only by tie; query 1's match is best.
    expect(pairedRecallAtK(queries, gallery, 1)).toBe(1);
    expect(pairedRecallAtK([v(1, 0)], [v(0, 1)], 1)).toBe(1);
    expect(pairedRecallAtK([v(1, 0), v(1, 0)], [v(0, 1), v(1, 0)], 1)).toBe(0.5);
  });
});
