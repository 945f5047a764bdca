import { ZeroShotClassifier } from './zero-shot-classifier';

const unit = (...x: number[]) => {
  const v = Float32Array.from(x);
  const n = Math.hypot(...x);
  return v.map((a) => a / n);
};

/**
 * A text "tower" whose answers are known: each word has a fixed direction in a 3-d joint space; a text embeds to the
 * normalised sum of its known words.
 */
const WORDS: Record<string, Float32Array> = {
  tshirts: unit(1, 0, 0),
  tee: unit(0.9, 0.1, 0),
  shirts: unit(0.6, 0.8, 0),
  shoes: unit(0, 0, 1),
};
function encodeText(text: string): Float32Array | undefined {
  const known = text.split(' ').filter((w) => WORDS[w]);
  if (known.length === 0) return undefined;
  const sum = new Float32Array(3);
  for (const w of known) for (let i = 0; i < 3; i++) sum[i] += WORDS[w][i];
  return unit(...sum);
}

describe('ZeroShotClassifier', () => {
  const classes = [
    { value: 't-shirt', prompts: ['tshirts', 'tee'] },
    { value: 'shirt', prompts: ['shirts'] },
    { value: 'shoes', prompts: ['shoes'] },
    { value: 'kurta', prompts: ['kurtas'] },
  ];

  it('scores by cosine to prompt-ensembled class prototypes, softmax at the temperature', () => {
    const c = ZeroShotClassifier.fromPrompts(classes, encodeText, 0.1);
    expect(c.values).toEqual(['t-shirt', 'shirt', 'shoes']);
    expect(c.unencodable).toEqual(['kurta']);
    const image = unit(1, 0.05, 0);
    const ranked = c.classify(image);
    expect(ranked.map((r) => r.value)).toEqual(['t-shirt', 'shirt', 'shoes']);
    // The prototype is the normalised mean of "tshirts" and "tee".
    const proto = unit(1 + WORDS.tee[0], WORDS.tee[1], 0);
    const cos = [proto, WORDS.shirts, WORDS.shoes].map((p) => p[0] * image[0] + p[1] * image[1] + p[2] * image[2]);
    ranked.forEach((r, i) => expect(r.similarity).toBeCloseTo(cos[i], 6));
    const exps = cos.map((s) => Math.exp(s / 0.1));
    const total = exps.reduce((a, b) => a + b, 0);
    ranked.forEach((r, i) => expect(r.probability).toBeCloseTo(exps[i] / total, 6));
    expect(ranked.reduce((a, r) => a + r.probability, 0)).toBeCloseTo(1, 10);
  });

  it('a lower temperature sharpens the confidence without changing the order', () => {
    const image = unit(0.8, 0.6, 0.1);
    const soft = ZeroShotClassifier.fromPrompts(classes, encodeText, 1).classify(image);
    const sharp = ZeroShotClassifier.fromPrompts(classes, encodeText, 0.02).classify(image);
    expect(sharp.map((r) => r.value)).toEqual(soft.map((r) => r.value));
    expect(soft[0].value).toBe('shirt');
    expect(sharp[0].probability).toBeGreaterThan(0.9);
    expect(soft[0].probability).toBeLessThan(0.5);
  });

  it('finds shirt ~ t-shirt closer than shirt ~ shoes when the text tower does', () => {
    const c = ZeroShotClassifier.fromPrompts(classes, encodeText, 0.1);
    expect(c.classSimilarity('shirt', 't-shirt')).toBeGreaterThan(c.classSimilarity('shirt', 'shoes') as number);
    expect(c.classSimilarity('shirt', 'kurta')).toBeUndefined();
  });

  it('refuses a non-positive temperature and a class list the tower cannot embed', () => {
    expect(() => ZeroShotClassifier.fromPrompts(classes, encodeText, 0)).toThrow(/temperature/);
    expect(() => ZeroShotClassifier.fromPrompts([{ value: 'kurta', prompts: ['kurtas'] }], encodeText, 0.1)).toThrow(
      /no class/,
    );
  });
});
