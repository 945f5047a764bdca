import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '@atelier/config';
import type { EventPayload } from '@atelier/contracts';
import { FORMAT_PRESETS, type CreativeRecord } from '@atelier/creative';
import { FilesystemObjectStorage } from '@atelier/storage';
import { A1111Backend } from '../backends/a1111.backend';
import { HfInferenceBackend } from '../backends/hf-inference.backend';
import { ImageBackends } from '../backends/image-backends';
import { LocalOnnxBackend } from '../backends/local-onnx.backend';
import { OpenAiImagesBackend } from '../backends/openai-images.backend';
import { ProceduralBackend } from '../backends/procedural.backend';
import { BackendHttpClient } from '../http/backend-http-client';
import { ImageGeneration } from '../images/image-generation.service';
import { ImageNormaliser } from '../images/image-normaliser';
import { NsfwClassifier } from '../safety/nsfw-classifier';
import { CreativeLayer } from './creative-layer.service';

const root = mkdtempSync(join(tmpdir(), 'creative-pipeline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = loadConfig('generator', {});
const http = new BackendHttpClient(
  { timeoutMs: 1000, retries: 0, baseDelayMs: 1, maxRetryWaitMs: 0, maxBodyBytes: 1 << 20 },
  async () => undefined,
);
const run = new ImageGeneration(
  new ImageBackends(
    new ProceduralBackend(),
    new OpenAiImagesBackend(config, http),
    new HfInferenceBackend(config, http),
    new A1111Backend(config, http),
    new LocalOnnxBackend(config),
    config,
  ),
  new ImageNormaliser(config),
  new FilesystemObjectStorage(root),
  new NsfwClassifier(config),
  new CreativeLayer(),
);

const event = (
  platform: string,
  target: { width: number; height: number },
  extra: Partial<NonNullable<EventPayload<'prompt.enhanced'>['params']>> = {},
): EventPayload<'prompt.enhanced'> =>
  ({
    generationId: '00000000-0000-4000-8000-000000000031',
    userId: '00000000-0000-4000-8000-000000000032',
    enhancedPrompt: 'coffee shop, croissants',
    originalPrompt: 'Кофейня, круассаны, скидка 20%',
    platform,
    targetWidth: target.width,
    targetHeight: target.height,
    params: {
      prompt: 'Кофейня, круассаны, скидка 20%',
      n: 1,
      width: 512,
      height: 512,
      steps: 20,
      guidance: 7,
      seed: 7n,
      platform: '',
      backend: 'procedural',
      ...extra,
    },
  }) as EventPayload<'prompt.enhanced'>;

describe('the generator delivers every platform format exactly', () => {
  it.each(FORMAT_PRESETS.map((p) => [p.id, p] as const))(
    '%s',
    async (_id, p) => {
      const { images, record } = await run.run(event(p.platform, p));
      expect(record.params).toMatchObject({ width: p.width, height: p.height });
      const png = readFileSync(join(root, images[0].storageKey));
      const meta = await sharp(png).metadata();
      expect([meta.width, meta.height, images[0].width, images[0].height]).toEqual([
        p.width,
        p.height,
        p.width,
        p.height,
      ]);
      const layout = images[0].params.layout as CreativeRecord;
      // Without a brief in the event the request's own words are read: the discount is set, legibly, in the safe zone.
      const discount = layout.texts.find((t) => t.field === 'discount');
      expect(discount && [discount.text, discount.contrast >= 4.5, discount.insideSafeZone]).toEqual([
        '−20%',
        true,
        true,
      ]);
      const scene = images[0].params.scene as CreativeRecord['scene'];
      expect(scene?.illustrations.map((i) => i.name)).toEqual(expect.arrayContaining(['hot-beverage', 'croissant']));
    },
    60000,
  );

  it("keeps the user's own size over the platform's", async () => {
    const { images } = await run.run(
      event('instagram_story', { width: 1080, height: 1920 }, { width: 320, height: 180, explicitSize: true }),
    );
    expect([images[0].width, images[0].height]).toEqual([320, 180]);
  });
});

describe('CreativeLayer brings any backend picture to the delivered size', () => {
  const layer = new CreativeLayer();
  const picture = (w: number, h: number): Promise<Buffer> =>
    sharp({ create: { width: w, height: h, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();

  it('cover-crops a near shape and extends a far one, never returning another size', async () => {
    const near = await layer.toSize(await picture(1024, 1536), 900, 1200);
    expect(near.fit).toBe('cover');
    expect(near.data.length).toBe(900 * 1200 * 3);
    const far = await layer.toSize(await picture(1024, 1024), 1500, 500);
    expect(far.fit).toBe('extend');
    expect(far.data.length).toBe(1500 * 500 * 3);
    const same = await layer.toSize(await picture(640, 480), 640, 480);
    expect(same.fit).toBe('exact');
  });
});
