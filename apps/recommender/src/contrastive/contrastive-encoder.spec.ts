import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@atelier/config';
import { Bm25Vectorizer, stemTokens } from '../features/text-vectorizer';
import {
  CONTRASTIVE_CHECKPOINT,
  CONTRASTIVE_IMAGE_INPUT,
  CONTRASTIVE_TEXT_INPUT,
  saveContrastiveCheckpoint,
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
});
