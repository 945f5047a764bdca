import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dot, readNpy } from '@atelier/ml-runtime';
import { AESTHETIC_HEADS, AestheticHead, aestheticToUnit, type AestheticHeadId } from './aesthetic-heads';

const MODELS = resolve(__dirname, '../../../../../shared/models');
const fixtures = (tower: 'vit_b_32' | 'vit_l_14') =>
  Array.from(
    { length: 10 },
    (_, i) => readNpy(join(MODELS, `laion-aesthetic-v1/fixtures/${tower}_embeddings/rating${i}.npy`)).data,
  );

// Reference scores from the model cards (onnxruntime-node 1.30 on the repo's fixtures).
const EXPECTED: Array<[AestheticHeadId, 'vit_b_32' | 'vit_l_14', number[]]> = [
  ['laion-v1-vit-b-32', 'vit_b_32', [-1.47, 0.273, 1.99, 3.611, 5.087, 6.393, 7.668, 8.915, 9.917, 11.006]],
  ['laion-v1-vit-l-14', 'vit_l_14', [-2.458, -0.138, 1.895, 3.585, 5.1, 6.47, 7.787, 9.048, 10.226, 11.304]],
  ['improved-vit-l-14', 'vit_l_14', [1.655, 2.359, 3.07, 3.672, 4.238, 4.701, 5.073, 5.365, 5.577, 5.747]],
];

describe('AestheticHead', () => {
  it.each(EXPECTED)('%s reproduces the rating0…9 fixture scores', async (id, tower, expected) => {
    const head = await AestheticHead.load(MODELS, id);
    const scores = await head.score(fixtures(tower));
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i], 2));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]);
    await head.release();
  });

  it.each(Object.keys(AESTHETIC_HEADS) as AestheticHeadId[])('%s ONNX equals its affine.json form', async (id) => {
    const spec = AESTHETIC_HEADS[id];
    const affine = JSON.parse(readFileSync(join(MODELS, spec.file.replace(/\.onnx$/, '.affine.json')), 'utf8')) as {
      w: number[];
      b: number;
    };
    const head = await AestheticHead.load(MODELS, id);
    const embeddings = fixtures(spec.dim === 512 ? 'vit_b_32' : 'vit_l_14');
    const scores = await head.score(embeddings);
    embeddings.forEach((e, i) => expect(scores[i]).toBeCloseTo(dot(affine.w, e) + affine.b, 3));
    await head.release();
  });

  it('rejects embeddings of the wrong size and picks heads by dimension', async () => {
    const head = await AestheticHead.load(MODELS, 'laion-v1-vit-b-32');
    await expect(head.score([new Float32Array(768)])).rejects.toThrow(/512-d/);
    await head.release();
    expect(AestheticHead.defaultFor(512)).toBe('laion-v1-vit-b-32');
    expect(AestheticHead.defaultFor(768)).toBe('improved-vit-l-14');
    expect(() => AestheticHead.defaultFor(1024)).toThrow();
  });

  it('maps the 1–10 scale linearly onto [0, 1]', () => {
    expect(aestheticToUnit(1)).toBe(0);
    expect(aestheticToUnit(5.5)).toBeCloseTo(0.5, 10);
    expect(aestheticToUnit(10)).toBe(1);
    expect(aestheticToUnit(-1.47)).toBe(0);
    expect(aestheticToUnit(11)).toBe(1);
    expect(aestheticToUnit(Number.NaN)).toBe(0);
  });
});
