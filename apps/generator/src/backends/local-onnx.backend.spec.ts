import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadConfig, type ServiceConfig } from '@atelier/config';
import type { EventPayload } from '@atelier/contracts';
import { FatalError, classifyFailure, failureCode } from '@atelier/messaging';
import { writeTinySdExport } from '@atelier/ml-runtime';
import { FilesystemObjectStorage } from '@atelier/storage';
import { BackendHttpClient } from '../http/backend-http-client';
import { ImageGeneration } from '../images/image-generation.service';
import { ImageNormaliser } from '../images/image-normaliser';
import { NsfwClassifier } from '../safety/nsfw-classifier';
import { A1111Backend } from './a1111.backend';
import { HfInferenceBackend } from './hf-inference.backend';
import { ImageBackends } from './image-backends';
import { LocalOnnxBackend } from './local-onnx.backend';
import { OpenAiImagesBackend } from './openai-images.backend';
import { ProceduralBackend } from './procedural.backend';
import { CreativeLayer } from '../creative/creative-layer.service';

jest.setTimeout(60000);

const root = mkdtempSync(join(tmpdir(), 'local-onnx-'));
const loaded: LocalOnnxBackend[] = [];
afterAll(async () => {
  await Promise.all(loaded.map((b) => b.onModuleDestroy()));
  rmSync(root, { recursive: true, force: true });
});

/** The generator's real wiring (backends, normaliser, storage, NSFW off) around a config. */
function generation(config: ServiceConfig<'generator'>): { run: ImageGeneration; backends: ImageBackends } {
  const http = new BackendHttpClient(
    { timeoutMs: 1000, retries: 0, baseDelayMs: 1, maxRetryWaitMs: 0, maxBodyBytes: 1 << 20 },
    async () => undefined,
  );
  const local = new LocalOnnxBackend(config);
  const backends = new ImageBackends(
    new ProceduralBackend(),
    new OpenAiImagesBackend(config, http),
    new HfInferenceBackend(config, http),
    new A1111Backend(config, http),
    local,
    config,
  );
  const run = new ImageGeneration(
    backends,
    new ImageNormaliser(config),
    new FilesystemObjectStorage(join(root, 'storage')),
    new NsfwClassifier(config),
    new CreativeLayer(),
  );
  loaded.push(local);
  return { run, backends };
}

const event = (
  params: Partial<NonNullable<EventPayload<'prompt.enhanced'>['params']>>,
): EventPayload<'prompt.enhanced'> =>
  ({
    generationId: '00000000-0000-4000-8000-000000000001',
    userId: '00000000-0000-4000-8000-000000000002',
    enhancedPrompt: 'autumn coffee shop banner, warm light, 35mm photo',
    originalPrompt: 'баннер для кофейни',
    platform: '',
    params: {
      prompt: 'баннер для кофейни',
      n: 1,
      width: 256,
      height: 256,
      steps: 3,
      guidance: 7.5,
      seed: 2024n,
      platform: '',
      backend: 'local-onnx',
      ...params,
    },
  }) as EventPayload<'prompt.enhanced'>;

describe('local-onnx without weights (the normal case on this machine)', () => {
  const config = loadConfig('generator', { GENERATOR_SD_ONNX_DIR: '/nonexistent/sd15-onnx' });
  const { run, backends } = generation(config);

  it('reports itself unavailable, naming what is missing', () => {
    const a = new LocalOnnxBackend(config).availability();
    expect(a.available).toBe(false);
    expect(!a.available && a.reason).toContain('/nonexistent/sd15-onnx/unet/model.onnx');
  });

  it('a request for it fails fatally with backend_unavailable (no retry), before any model is touched', async () => {
    const err: unknown = await run.run(event({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FatalError);
    expect(classifyFailure(err)).toBe('fatal');
    expect(failureCode(err)).toBe('backend_unavailable');
    expect((err as Error).message).toMatch(/local-onnx is unavailable: Stable Diffusion ONNX weights not installed/);
    expect(() => backends.resolve('local-onnx')).toThrow(FatalError);
    // Other backends are unaffected.
    expect(backends.resolve('procedural').name).toBe('procedural');
  });
});

describe('local-onnx with a (tiny random-weight) export in place', () => {
  const dir = join(root, 'sd15-tiny');
  writeTinySdExport(dir);
  const config = loadConfig('generator', { GENERATOR_SD_ONNX_DIR: dir, GENERATOR_SD_ONNX_DEVICE: 'auto' });
  const { run } = generation(config);

  it('generates through the generator: clamped to 2 images, normalised PNGs of the size asked, seeds stored', async () => {
    const { record, images } = await run.run(event({ n: 4, seed: 2024n }));
    expect(record.backend).toBe('local-onnx@1');
    expect(record.model).toBe('sd15-onnx:sd15-tiny');
    expect(record.adjustments).toEqual([{ field: 'n', from: '4', to: '2' }]);
    expect(record.diagnostics).toMatchObject({ provider: 'cpu', sampler: 'ddim' });
    expect(images).toHaveLength(2);
    expect(images.map((i) => i.seed)).toEqual([2024n, 2025n]);
    expect(images[0].params).toMatchObject({ width: 256, height: 256, steps: 3, guidance: 7.5, seed: '2024' });
    expect(images[0].sha256).not.toBe(images[1].sha256);
    for (const img of images) {
      expect([img.width, img.height]).toEqual([256, 256]);
      const storage = new FilesystemObjectStorage(join(root, 'storage'));
      const png = await storage.get(img.storageKey);
      const meta = await sharp(png).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 256, 256, 3]);
    }
  });

  it('is byte-identical for the same seed and changes with guidance', async () => {
    const a = await run.run(event({ seed: 77n }));
    const b = await run.run(event({ seed: 77n }));
    expect(b.images[0].sha256).toBe(a.images[0].sha256);
    const unguided = await run.run(event({ seed: 77n, guidance: 1 }));
    expect(unguided.images[0].sha256).not.toBe(a.images[0].sha256);
    // Image 1 of seed 76 is image 0 of seed 77 (seed + i per image, like the other backends).
    const pair = await run.run(event({ seed: 76n, n: 2 }));
    expect(pair.images[1].seed).toBe(77n);
  });

  it('fails fatally with backend_model_load_failed when a model file is corrupt', async () => {
    const broken = join(root, 'broken');
    writeTinySdExport(broken);
    rmSync(join(broken, 'vae_decoder/model.onnx'));
    writeFileSync(join(broken, 'vae_decoder/model.onnx'), 'not an onnx model');
    const bad = generation(loadConfig('generator', { GENERATOR_SD_ONNX_DIR: broken }));
    const err: unknown = await bad.run.run(event({})).catch((e: unknown) => e);
    expect(failureCode(err)).toBe('backend_model_load_failed');
    expect(classifyFailure(err)).toBe('fatal');
    expect((err as Error).message).toContain(join(broken, 'vae_decoder/model.onnx'));
  });
});
