import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ModelLoadError, OnnxGraphBuilder, SD_ONNX_LAYOUT, writeTinySdExport } from '@atelier/ml-runtime';
import { StableDiffusionOnnx, missingSdFiles, type SdGenerateRequest, type SdImage } from './sd-onnx-pipeline';

const VOCAB = resolve(__dirname, '../../../../../shared/models/clip-bpe-tokenizer/bpe_simple_vocab_16e6.txt.gz');

const meanAbsDiff = (a: SdImage, b: SdImage): number => {
  let s = 0;
  for (let i = 0; i < a.pixels.length; i++) s += Math.abs(a.pixels[i] - b.pixels[i]);
  return s / a.pixels.length;
};

const stdDev = (img: SdImage): number => {
  const m = img.pixels.reduce((a, v) => a + v, 0) / img.pixels.length;
  return Math.sqrt(img.pixels.reduce((a, v) => a + (v - m) ** 2, 0) / img.pixels.length);
};

describe('StableDiffusionOnnx on a tiny random-weight export', () => {
  jest.setTimeout(30000);
  let root: string;
  let sd: StableDiffusionOnnx;
  const base: SdGenerateRequest = {
    prompt: 'autumn coffee shop banner, warm light',
    width: 64,
    height: 96,
    steps: 4,
    guidance: 7.5,
    seeds: [1234n, 1235n],
    sampler: 'ddim',
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sd-onnx-'));
    writeTinySdExport(join(root, 'default'));
    sd = await StableDiffusionOnnx.load({ dir: join(root, 'default'), vocabFile: VOCAB, device: 'auto' });
  });
  afterAll(async () => {
    await sd?.release();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs text encoder → guided UNet loop → VAE decoder into n RGB images of the requested size, on CPU here', async () => {
    expect(sd.provider).toBe('cpu');
    expect(sd.fallbackReason).toMatch(/CUDA provider not installed/);
    const result = await sd.generate(base);
    expect(result.images).toHaveLength(2);
    for (const img of result.images) {
      expect([img.width, img.height]).toEqual([64, 96]);
      expect(img.pixels).toHaveLength(64 * 96 * 3);
      // Not a flat or saturated image: the tiny models still draw structure in the VAE's range.
      expect(stdDev(img)).toBeGreaterThan(5);
      expect(img.pixels.filter((v) => v === 0 || v === 255).length / img.pixels.length).toBeLessThan(0.1);
    }
    // Two seeds, two different images.
    expect(meanAbsDiff(result.images[0], result.images[1])).toBeGreaterThan(1);
    expect(result.timingsMs.denoise).toBeGreaterThan(0);
  });

  it('is deterministic for a seed, and image i depends only on seeds[i]', async () => {
    const a = await sd.generate(base);
    const b = await sd.generate(base);
    expect(Buffer.from(b.images[0].pixels).equals(Buffer.from(a.images[0].pixels))).toBe(true);
    expect(Buffer.from(b.images[1].pixels).equals(Buffer.from(a.images[1].pixels))).toBe(true);
    const alone = await sd.generate({ ...base, seeds: [1235n] });
    // Same latents and text; only the batch around it changed (kernels may block differently: ≤ 1 level).
    expect(meanAbsDiff(alone.images[0], a.images[1])).toBeLessThan(0.05);
  });

  it('classifier-free guidance changes the result; guidance ≤ 1 runs the conditional branch only', async () => {
    const guided = await sd.generate({ ...base, seeds: [7n] });
    const stronger = await sd.generate({ ...base, seeds: [7n], guidance: 12 });
    const unguided = await sd.generate({ ...base, seeds: [7n], guidance: 1 });
    expect(meanAbsDiff(guided.images[0], stronger.images[0])).toBeGreaterThan(0.5);
    expect(meanAbsDiff(guided.images[0], unguided.images[0])).toBeGreaterThan(0.5);
    const runs = jest.spyOn(sd, 'predictNoise');
    await sd.generate({ ...base, seeds: [7n], guidance: 1, steps: 2 });
    expect(runs.mock.calls.map((c) => c[1])).toEqual([1, 1]); // batch n, not 2n
    runs.mockClear();
    await sd.generate({ ...base, seeds: [7n, 8n], steps: 2 });
    expect(runs.mock.calls.map((c) => c[1])).toEqual([4, 4]); // uncond + cond halves in one batch
    expect(runs.mock.calls.map((c) => c[4])).toEqual([501, 1]); // SD 1.5 DDIM timesteps for 2 steps
    runs.mockRestore();
  });

  it('samples with Euler ancestral too (deterministic: its per-step noise comes from the same seed)', async () => {
    const req = { ...base, sampler: 'euler-a' as const, seeds: [99n] };
    const a = await sd.generate(req);
    const b = await sd.generate(req);
    expect(Buffer.from(a.images[0].pixels).equals(Buffer.from(b.images[0].pixels))).toBe(true);
    const ddim = await sd.generate({ ...req, sampler: 'ddim' });
    expect(meanAbsDiff(a.images[0], ddim.images[0])).toBeGreaterThan(0.5);
  });

  it.each([
    { idsType: 'int32', timestepType: 'float32', timestepRank: 1 },
    { idsType: 'int64', timestepType: 'float32', timestepRank: 0 },
  ] as const)('reads ids and timestep dtypes/ranks from the export (%j)', async (variant) => {
    const dir = join(root, `${variant.idsType}-${variant.timestepType}-${variant.timestepRank}`);
    writeTinySdExport(dir, undefined, variant);
    const other = await StableDiffusionOnnx.load({ dir, vocabFile: VOCAB, device: 'cpu' });
    const out = await other.generate({ ...base, seeds: [5n], steps: 2 });
    expect(out.images[0].pixels).toHaveLength(64 * 96 * 3);
    await other.release();
  });

  it('refuses missing, foreign or malformed exports with errors naming the file', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(missingSdFiles(empty, VOCAB)).toEqual([
      join(empty, 'text_encoder/model.onnx'),
      join(empty, 'unet/model.onnx'),
      join(empty, 'vae_decoder/model.onnx'),
    ]);
    await expect(StableDiffusionOnnx.load({ dir: empty, vocabFile: VOCAB, device: 'cpu' })).rejects.toThrow(
      ModelLoadError,
    );

    const foreign = join(root, 'foreign');
    writeTinySdExport(foreign);
    const g = new OnnxGraphBuilder('not_a_unet');
    g.output(g.op('Identity', [g.input('x', 'float32', [1])]), 'float32', [1], 'y');
    writeFileSync(join(foreign, SD_ONNX_LAYOUT.unetFile), g.toBytes());
    await expect(StableDiffusionOnnx.load({ dir: foreign, vocabFile: VOCAB, device: 'cpu' })).rejects.toThrow(
      `cannot load model ${join(foreign, 'unet/model.onnx')}: no input "sample"`,
    );
    await expect(sd.generate({ ...base, width: 60 })).rejects.toThrow(/multiples of 8/);
  });
});
