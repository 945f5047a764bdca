import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '@atelier/config';
import { Bm25Vectorizer, stemTokens } from '../features/text-vectorizer';
import {
  CONTRASTIVE_CHECKPOINT,
  CONTRASTIVE_IMAGE_INPUT,
  CONTRASTIVE_TEXT_INPUT,
  saveContrastiveCheckpoint,
  toPhotoBox,
} from './contrastive-checkpoint';
import { ContrastiveEncoder } from './contrastive-encoder';
import { ContrastiveModel, dot } from './contrastive-model';

describe('ContrastiveEncoder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'contrastive-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const encoder = async () => {
    const e = new ContrastiveEncoder(loadConfig('recommender', { RECOMMENDER_MODELS_DIR: dir }));
    await e.onModuleInit();
    return e;
  };

  it('is not ready without a checkpoint, or with a corrupt one', async () => {
    expect((await encoder()).ready).toBe(false);
    expect((await encoder()).encodeText('blue shirt')).toBeUndefined();
    await writeFile(join(dir, CONTRASTIVE_CHECKPOINT), '{"format":"other"}');
    expect((await encoder()).ready).toBe(false);
  });

  it('refuses a checkpoint trained on photos of another size', async () => {
    const model = new ContrastiveModel({
      image: { input: CONTRASTIVE_IMAGE_INPUT, hidden: 0, output: 8 },
      text: { input: CONTRASTIVE_TEXT_INPUT, hidden: 0, output: 8 },
    });
    const file = await saveContrastiveCheckpoint(dir, model, new Bm25Vectorizer().fit([['shirt']]), {});
    const checkpoint = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(checkpoint.photoBox).toEqual({ width: 60, height: 80 });
    await writeFile(file, JSON.stringify({ ...checkpoint, photoBox: { width: 224, height: 224 } }));
    expect((await encoder()).ready).toBe(false);
  });

  it('scales photos larger than the towers’ photo box into it, upright, and leaves small ones alone', async () => {
    const photo = (width: number, height: number, orientation?: number) =>
      sharp({ create: { width, height, channels: 3, background: '#c33' } })
        .withMetadata(orientation ? { orientation } : {})
        .jpeg()
        .toBuffer();
    const size = async (b: Buffer | undefined) =>
      b && (({ width, height }) => [width, height])(await sharp(b).metadata());
    expect(await size(await toPhotoBox(await photo(300, 400)))).toEqual([60, 80]);
    expect(await size(await toPhotoBox(await photo(600, 400)))).toEqual([60, 40]);
    expect(await toPhotoBox(await photo(60, 80))).toBeUndefined();
    expect(await toPhotoBox(await photo(40, 50))).toBeUndefined();
    // Stored sideways (EXIF 6): 80×60 on disk is a 60×80 photo once turned upright.
    expect(await toPhotoBox(await photo(80, 60, 6))).toBeUndefined();
  });

  it('loads a saved checkpoint and embeds queries and items into one unit-length space', async () => {
    const model = new ContrastiveModel({
      image: { input: CONTRASTIVE_IMAGE_INPUT, hidden: 0, output: 8 },
      text: { input: CONTRASTIVE_TEXT_INPUT, hidden: 0, output: 8 },
    });
    const bm25 = new Bm25Vectorizer({ dimensions: CONTRASTIVE_TEXT_INPUT }).fit([stemTokens('navy blue shirt')]);
    await saveContrastiveCheckpoint(dir, model, bm25, {});
    const e = await encoder();
    expect(e.ready).toBe(true);
    const q = e.encodeText('Navy Blue Shirts') as Float32Array;
    expect(q).toHaveLength(8);
    expect(dot(q, q)).toBeCloseTo(1, 5);
    const expected = model.text.embed([bm25.vector(stemTokens('navy blue shirts'))])[0];
    expect(dot(q, expected)).toBeCloseTo(1, 5);
    const [item] = e.encodeImages([{ image: null, colour: new Float32Array(28).fill(0.2) }]);
    expect(dot(item, item)).toBeCloseTo(1, 5);
  });

  it('leaves words the text tower never saw out of a query and reports them', async () => {
    const model = new ContrastiveModel({
      image: { input: CONTRASTIVE_IMAGE_INPUT, hidden: 0, output: 8 },
      text: { input: CONTRASTIVE_TEXT_INPUT, hidden: 0, output: 8 },
    });
    const bm25 = new Bm25Vectorizer({ dimensions: CONTRASTIVE_TEXT_INPUT }).fit([stemTokens('navy blue shirt')]);
    await saveContrastiveCheckpoint(dir, model, bm25, {});
    const e = await encoder();
    const q = e.encodeQuery('navy shirts zzyzx') as { embedding: Float32Array; terms: string[]; ignored: string[] };
    expect(q.terms).toEqual(['navi', 'shirt']);
    expect(q.ignored).toEqual(['zzyzx']);
    expect(dot(q.embedding, e.encodeText('navy shirt') as Float32Array)).toBeCloseTo(1, 5);
    expect(e.encodeQuery('zzyzx')).toEqual({ terms: [], ignored: ['zzyzx'] });
  });
});
