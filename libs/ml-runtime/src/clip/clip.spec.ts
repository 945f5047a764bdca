import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import {
  ClipEncoders,
  ClipTokenizer,
  HF_CLIP_LAYOUT,
  ModelLoadError,
  OPENAI_CLIP_LAYOUT,
  TINY_CLIP_TEXT,
  TINY_CLIP_VISION,
  buildClipTextModel,
  buildClipVisionModel,
  clipPreprocess,
  cosine,
  detectClipLayout,
  dot,
  readNpy,
  type ClipExportNames,
} from '../index';

const SHARED_MODELS = resolve(__dirname, '../../../../../shared/models');
const VOCAB = join(SHARED_MODELS, 'clip-bpe-tokenizer/bpe_simple_vocab_16e6.txt.gz');
const KAFKA = join(SHARED_MODELS, 'clip-test-fixtures/franz-kafka.jpg');

describe('ClipTokenizer', () => {
  const tokenizer = new ClipTokenizer(VOCAB);
  const vectors = JSON.parse(
    readFileSync(join(SHARED_MODELS, 'clip-bpe-tokenizer/tokenizer_test_vectors.json'), 'utf8'),
  ) as { sot: number; eot: number; context_length: number; cases: Array<{ text: string; ids: number[] }> };

  it('has the 49,408-entry CLIP vocabulary', () => {
    expect(tokenizer.vocabSize).toBe(49408);
  });

  it.each(vectors.cases)('tokenizes %j like openai/CLIP', ({ text, ids }) => {
    const tokens = tokenizer.tokenize(text);
    expect(tokens).toHaveLength(vectors.context_length);
    expect(tokens.slice(0, ids.length)).toEqual(ids);
    expect(tokens.slice(ids.length).every((t) => t === 0)).toBe(true);
  });

  it('cleans whitespace and case and truncates long texts ending with end-of-text', () => {
    expect(tokenizer.tokenize('  A   PHOTO of a\tdog ')).toEqual(tokenizer.tokenize('a photo of a dog'));
    const long = tokenizer.tokenize('dog '.repeat(200));
    expect(long).toHaveLength(77);
    expect(long[0]).toBe(vectors.sot);
    expect(long[76]).toBe(vectors.eot);
    expect(tokenizer.tokenize('')).toEqual([49406, 49407, ...new Array<number>(75).fill(0)]);
  });

  it('encodes non-Latin text through the byte fallback', () => {
    const ids = tokenizer.encode('кофейня осень');
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.every((id) => id >= 0 && id < 49406)).toBe(true);
  });
});

describe('clipPreprocess', () => {
  it('matches the openai/CLIP golden tensor (mean abs. diff ≤ 0.005, max < 0.06)', async () => {
    const golden = readNpy(join(SHARED_MODELS, 'clip-test-fixtures/expected_preprocessed_image.npy'));
    expect(golden.shape).toEqual([1, 3, 224, 224]);
    const ours = await clipPreprocess(readFileSync(KAFKA));
    expect(ours).toHaveLength(golden.data.length);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < ours.length; i++) {
      const d = Math.abs(ours[i] - golden.data[i]);
      sum += d;
      if (d > max) max = d;
    }
    const mad = sum / ours.length;
    expect(mad).toBeLessThanOrEqual(0.005);
    expect(max).toBeLessThan(0.06);
  });

  it('writes into a batch buffer at an offset and handles alpha and grey inputs', async () => {
    const rgba = await sharp({
      create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const grey = await sharp(Buffer.alloc(50 * 80, 128), { raw: { width: 50, height: 80, channels: 1 } })
      .png()
      .toBuffer();
    const plane = 3 * 224 * 224;
    const batch = new Float32Array(2 * plane);
    await clipPreprocess(rgba, 224, batch, 0);
    await clipPreprocess(grey, 224, batch, plane);
    // Transparent → white: (1 - mean) / std on the red plane.
    expect(batch[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 3);
    expect(batch[plane]).toBeCloseTo((128 / 255 - 0.48145466) / 0.26862954, 2);
  });
});

describe('ClipEncoders on tiny random-weight exports', () => {
  jest.setTimeout(30000);
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'clip-enc-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const writeExport = (dir: string, names: ClipExportNames) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, names.imageFile), buildClipVisionModel(TINY_CLIP_VISION, names).toBytes());
    writeFileSync(join(dir, names.textFile), buildClipTextModel(TINY_CLIP_TEXT, names).toBytes());
  };

  it.each([
    ['openai', OPENAI_CLIP_LAYOUT],
    ['huggingface', HF_CLIP_LAYOUT],
  ] as const)('loads the %s layout and returns unit-norm embeddings', async (layout, names) => {
    const dir = join(root, layout);
    writeExport(dir, names);
    expect(detectClipLayout(dir)?.layout).toBe(layout);
    const enc = await ClipEncoders.load({ dir, vocabFile: VOCAB, batchSize: 2 });
    expect(enc.layout).toBe(layout);
    await enc.warmUp();
    const kafka = readFileSync(KAFKA);
    const flipped = await sharp(kafka).flop().jpeg().toBuffer();
    const images = await enc.embedImages([kafka, flipped, kafka]);
    expect(images).toHaveLength(3);
    for (const e of images) {
      expect(e).toHaveLength(TINY_CLIP_VISION.embedDim);
      expect(dot(e, e)).toBeCloseTo(1, 5);
    }
    // Same image in different batches gives the same embedding.
    expect(cosine(images[0], images[2])).toBeCloseTo(1, 5);
    const texts = await enc.embedTexts(['a photo of a dog', 'a photo of a cat', 'a photo of a dog']);
    expect(texts).toHaveLength(3);
    expect(dot(texts[0], texts[0])).toBeCloseTo(1, 5);
    expect(cosine(texts[0], texts[2])).toBeCloseTo(1, 5);
    expect(cosine(texts[0], texts[1])).toBeLessThan(0.99999);
    await enc.release();
  });

  it('gives the same embeddings through both layouts for the same weights', async () => {
    const a = await ClipEncoders.load({ dir: join(root, 'openai'), vocabFile: VOCAB, imageOnly: true });
    const b = await ClipEncoders.load({ dir: join(root, 'huggingface'), vocabFile: VOCAB, imageOnly: true });
    const img = readFileSync(KAFKA);
    const [ea] = await a.embedImages([img]);
    const [eb] = await b.embedImages([img]);
    expect(cosine(ea, eb)).toBeCloseTo(1, 5);
    await a.release();
    await b.release();
  });

  it('fails at load with an error naming the missing or corrupt file', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(ClipEncoders.load({ dir: empty, vocabFile: VOCAB })).rejects.toThrow(ModelLoadError);
    await expect(ClipEncoders.load({ dir: empty, vocabFile: VOCAB })).rejects.toThrow(join(empty, 'visual.onnx'));

    const corrupt = join(root, 'corrupt');
    writeExport(corrupt, OPENAI_CLIP_LAYOUT);
    writeFileSync(join(corrupt, 'textual.onnx'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    await expect(ClipEncoders.load({ dir: corrupt, vocabFile: VOCAB })).rejects.toThrow(
      `cannot load model ${join(corrupt, 'textual.onnx')}`,
    );

    const noVocab = join(root, 'novocab');
    writeExport(noVocab, OPENAI_CLIP_LAYOUT);
    copyFileSync(join(noVocab, 'visual.onnx'), join(noVocab, 'copy.onnx'));
    await expect(ClipEncoders.load({ dir: noVocab, vocabFile: join(noVocab, 'missing.txt.gz') })).rejects.toThrow(
      join(noVocab, 'missing.txt.gz'),
    );
  });
});
