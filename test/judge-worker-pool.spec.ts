import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  OPENAI_CLIP_LAYOUT,
  TINY_CLIP_TEXT,
  TINY_CLIP_VISION,
  buildClipTextModel,
  buildClipVisionModel,
} from '@atelier/ml-runtime';
import { ClipJudge, type ClipJudgeOptions } from '../apps/judge/src/clip/clip-judge';
import type { ImageJudgement } from '../apps/judge/src/scoring/judge-backend';
import { QualityModel } from '../apps/judge/src/quality/quality-model';
import { VisionJudge } from '../apps/judge/src/vision/vision-judge';
import { JudgeWorkerPool } from '../apps/judge/src/workers/judge-worker-pool';

/** The judge's model pool: worker threads from dist/ (run `npm run build` first). */
const SHARED = resolve(__dirname, '..', '..', 'shared');
const PHOTOS = join(SHARED, 'data', 'coco-mini-captions', 'images');
const photos = readdirSync(PHOTOS)
  .sort()
  .slice(0, 8)
  .map((f, index) => ({ index, bytes: readFileSync(join(PHOTOS, f)) }));

const comparable = (j: ImageJudgement) => ({
  index: j.index,
  fidelity: j.fidelity,
  aesthetic: j.aesthetic,
  consistency: j.consistency,
  components: j.components,
  features: j.features,
  descriptor: Array.from(j.descriptor),
});

/** The committed quality model (learned from human ratings): the worker loads it with MobileNetV2. */
const QUALITY_MODEL = resolve(__dirname, '..', 'apps', 'judge', 'models', 'judge-quality.json');

describe('JudgeWorkerPool (vision)', () => {
  let pool: JudgeWorkerPool;
  beforeAll(() => {
    pool = new JudgeWorkerPool({ size: 1, spec: { kind: 'vision', qualityModel: QUALITY_MODEL } });
  });
  afterAll(() => pool.close());

  it('reports loading, then up once the worker has loaded and warmed up the detector', async () => {
    expect(pool.state).toBe('loading');
    const backend = await pool.ready;
    expect(pool.state).toBe('up');
    expect(backend.name).toBe('vision');
    expect(backend.version).toMatch(/^2\+agiqa3k-q1-[0-9a-f]{8}$/);
    expect(backend.fallback).toBeUndefined();
    expect(String((backend.info as { detector: string }).detector)).toMatch(/centernet/);
  });

  it('keeps the event loop responsive while judging a batch: no stall of a second or more', async () => {
    await pool.ready;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const judged = await Promise.all([
      pool.judge({ prompt: 'a cat sleeping on a sofa', images: photos.slice(0, 4) }),
      pool.judge({ prompt: 'a red bus in the street', images: photos.slice(4, 8) }),
    ]);
    delay.disable();
    // Judging 8 photos takes ~2 s of detector time; run on this thread it stalls the loop ~0.3-0.6 s per image.
    console.log(`event-loop delay while the pool judged 8 photos: max ${(delay.max / 1e6).toFixed(1)} ms`);
    expect(delay.max / 1e6).toBeLessThan(1000);
    expect(judged.flat().map((j) => j.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(judged.flat().every((j) => j.descriptor instanceof Float32Array || ArrayBuffer.isView(j.descriptor))).toBe(
      true,
    );
  });

  it('judges exactly like the in-process vision judge', async () => {
    const request = {
      prompt: 'a person with a dog, blue sky',
      originalPrompt: 'человек с собакой',
      images: photos.slice(0, 2),
    };
    const [pooled, local] = await Promise.all([
      pool.judge(request),
      VisionJudge.load({ qualityModel: QualityModel.load(QUALITY_MODEL) }).then((v) => v.judge(request)),
    ]);
    expect(pooled.every((j) => j.components.quality_mos !== undefined)).toBe(true);
    expect(pooled.map(comparable)).toEqual(local.map(comparable));
  });
});

describe('JudgeWorkerPool (CLIP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'judge-pool-clip-'));
  // Tiny random towers with CLIP B/32's 512-d embedding, so the LAION B/32 head applies.
  writeFileSync(
    join(dir, 'visual.onnx'),
    buildClipVisionModel({ ...TINY_CLIP_VISION, embedDim: 512 }, OPENAI_CLIP_LAYOUT).toBytes(),
  );
  writeFileSync(
    join(dir, 'textual.onnx'),
    buildClipTextModel({ ...TINY_CLIP_TEXT, embedDim: 512 }, OPENAI_CLIP_LAYOUT).toBytes(),
  );
  const clip: ClipJudgeOptions = {
    clipDir: dir,
    modelsDir: join(SHARED, 'models'),
    aestheticHead: 'auto',
    normalisation: 'clipscore',
    session: { intraOpThreads: 1 },
    batchSize: 3,
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores in two workers like the in-process CLIP judge', async () => {
    const pool = new JudgeWorkerPool({ size: 2, spec: { kind: 'clip', clip } });
    try {
      expect((await pool.ready).info).toMatchObject({ aestheticHead: 'laion-v1-vit-b-32' });
      const local = await ClipJudge.load(clip);
      const request = { prompt: 'a photo of a cat', images: photos.slice(0, 5) };
      const [a, b] = await Promise.all([pool.judge(request), pool.judge({ ...request, images: photos.slice(5) })]);
      const expected = await local.judge(request);
      expect(a.map((j) => j.index)).toEqual([0, 1, 2, 3, 4]);
      expect(b.map((j) => j.index)).toEqual([5, 6, 7]);
      a.forEach((j, i) => {
        expect(j.components.clip_cos).toBeCloseTo(expected[i].components.clip_cos, 5);
        expect(j.components.aes_raw).toBeCloseTo(expected[i].components.aes_raw, 4);
      });
    } finally {
      await pool.close();
    }
  });

  it('fails to become ready on a corrupt model, naming the file, and refuses work', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'judge-pool-bad-'));
    writeFileSync(join(bad, 'visual.onnx'), 'not a model');
    writeFileSync(join(bad, 'textual.onnx'), readFileSync(join(dir, 'textual.onnx')));
    const pool = new JudgeWorkerPool({ size: 1, spec: { kind: 'clip', clip: { ...clip, clipDir: bad } } });
    try {
      await expect(pool.ready).rejects.toThrow(join(bad, 'visual.onnx'));
      expect(pool.state).toBe('failed');
      await expect(pool.judge({ prompt: 'x', images: photos.slice(0, 1) })).rejects.toThrow(/failed to load/);
    } finally {
      await pool.close();
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
