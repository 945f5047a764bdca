import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClipTokenizer,
  CLIP_EOT,
  ModelLoadError,
  OnnxModel,
  SD_ONNX_LAYOUT,
  TINY_SD,
  Tensor,
  buildSdTextEncoder,
  buildTinySdUnet,
  buildTinySdVaeDecoder,
  cudaProviderInstalled,
  loadOnDevice,
  type SdExportVariant,
} from './index';

const VOCAB = '/work/shared/models/clip-bpe-tokenizer/bpe_simple_vocab_16e6.txt.gz';

describe('tiny Stable Diffusion components', () => {
  const variants: SdExportVariant[] = [
    { idsType: 'int64', timestepType: 'int64', timestepRank: 1 },
    { idsType: 'int32', timestepType: 'float32', timestepRank: 1 },
    { idsType: 'int64', timestepType: 'float32', timestepRank: 0 },
  ];

  it.each(variants)('have the export signature (%j)', async (variant) => {
    const text = await OnnxModel.fromBytes(buildSdTextEncoder(TINY_SD.text, variant).toBytes(), 'text');
    expect(text.inputs).toEqual([{ name: 'input_ids', type: variant.idsType, shape: ['batch', 77] }]);
    expect(text.outputs.map((o) => [o.name, o.shape.length])).toEqual([
      ['last_hidden_state', 3],
      ['pooler_output', 2],
    ]);
    const unet = await OnnxModel.fromBytes(buildTinySdUnet(TINY_SD, variant).toBytes(), 'unet');
    expect(unet.inputs.map((i) => [i.name, i.type, i.shape.length])).toEqual([
      ['sample', 'float32', 4],
      ['timestep', variant.timestepType, variant.timestepRank],
      ['encoder_hidden_states', 'float32', 3],
    ]);
    expect(unet.outputs.map((o) => o.name)).toEqual(['out_sample']);

    // One UNet call on a CFG batch of 2 with a single timestep broadcast over the batch.
    const latents = new Float32Array(2 * 4 * 8 * 8).map((_, i) => Math.sin(i));
    const t = variant.timestepType === 'int64' ? new BigInt64Array([500n]) : new Float32Array([500]);
    const timestep =
      variant.timestepType === 'int64'
        ? new Tensor('int64', t as BigInt64Array, variant.timestepRank === 1 ? [1] : [])
        : new Tensor('float32', t as Float32Array, variant.timestepRank === 1 ? [1] : []);
    const context = new Float32Array(2 * 77 * TINY_SD.text.width).map((_, i) => Math.cos(i));
    const out = await unet.run({
      sample: new Tensor('float32', latents, [2, 4, 8, 8]),
      timestep,
      encoder_hidden_states: new Tensor('float32', context, [2, 77, TINY_SD.text.width]),
    });
    expect(out.out_sample.dims).toEqual([2, 4, 8, 8]);
    expect(Array.from(out.out_sample.data as Float32Array).every(Number.isFinite)).toBe(true);
    await Promise.all([text.release(), unet.release()]);
  });

  it('the UNet depends on the timestep and the text; the VAE decoder upsamples ×8', async () => {
    const unet = await OnnxModel.fromBytes(
      buildTinySdUnet(TINY_SD, { idsType: 'int64', timestepType: 'float32', timestepRank: 1 }).toBytes(),
      'unet',
    );
    const latents = new Tensor(
      'float32',
      new Float32Array(4 * 8 * 8).map((_, i) => Math.sin(i)),
      [1, 4, 8, 8],
    );
    const ctx = (phase: number) =>
      new Tensor(
        'float32',
        new Float32Array(77 * 16).map((_, i) => Math.cos(i + phase)),
        [1, 77, 16],
      );
    const run = async (t: number, phase: number) =>
      Array.from(
        (
          await unet.run({
            sample: latents,
            timestep: new Tensor('float32', new Float32Array([t]), [1]),
            encoder_hidden_states: ctx(phase),
          })
        ).out_sample.data as Float32Array,
      );
    const base = await run(500, 0);
    expect(await run(500, 0)).toEqual(base);
    expect(await run(100, 0)).not.toEqual(base);
    expect(await run(500, 1)).not.toEqual(base);

    const vae = await OnnxModel.fromBytes(buildTinySdVaeDecoder(TINY_SD).toBytes(), 'vae');
    const image = await vae.run({ latent_sample: latents });
    expect(image.sample.dims).toEqual([1, 3, 64, 64]);
    await Promise.all([unet.release(), vae.release()]);
  });

  it('the text encoder reads EOT-padded SD tokens and differs by prompt', async () => {
    const tokenizer = new ClipTokenizer(VOCAB);
    const dog = tokenizer.tokenize('a photo of a dog', 77, CLIP_EOT);
    expect(dog.slice(0, 8)).toEqual([49406, 320, 1125, 539, 320, 1929, 49407, 49407]);
    expect(dog).toHaveLength(77);
    const text = await OnnxModel.fromBytes(buildSdTextEncoder(TINY_SD.text).toBytes(), 'text');
    const run = async (ids: number[]) =>
      Array.from(
        (await text.run({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 77]) })).last_hidden_state
          .data as Float32Array,
      );
    const a = await run(dog);
    expect(a).toHaveLength(77 * TINY_SD.text.width);
    expect(await run(tokenizer.tokenize('a photo of a cat', 77, CLIP_EOT))).not.toEqual(a);
    await text.release();
  });
});

describe('loadOnDevice', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sd-device-'));
    writeFileSync(join(dir, 'vae.onnx'), buildTinySdVaeDecoder(TINY_SD).toBytes());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs on CPU and says why under auto when the CUDA provider is not installed', async () => {
    // This machine's onnxruntime-node has the CPU build only (.npmrc skips the CUDA download).
    expect(cudaProviderInstalled()).toBe(false);
    const auto = await loadOnDevice(join(dir, 'vae.onnx'), 'auto');
    expect(auto.provider).toBe('cpu');
    expect(auto.fallbackReason).toMatch(/CUDA provider not installed/);
    await auto.model.release();
    const cpu = await loadOnDevice(join(dir, 'vae.onnx'), 'cpu');
    expect(cpu.fallbackReason).toBeUndefined();
    await cpu.model.release();
  });

  it('refuses cuda when it cannot run there, naming the file', async () => {
    await expect(loadOnDevice(join(dir, 'vae.onnx'), 'cuda')).rejects.toThrow(ModelLoadError);
    await expect(loadOnDevice(join(dir, 'vae.onnx'), 'cuda')).rejects.toThrow(/CUDA requested/);
  });

  it('loads weights stored as external data beside the model file (how the real UNet ships)', async () => {
    const { model, data } = buildTinySdVaeDecoder(TINY_SD).toBytesWithExternalData('model.onnx_data');
    expect(model.length).toBeLessThan(4096);
    writeFileSync(join(dir, 'model.onnx'), model);
    writeFileSync(join(dir, 'model.onnx_data'), data);
    const external = await loadOnDevice(join(dir, 'model.onnx'), 'cpu');
    const inline = await OnnxModel.load(join(dir, 'vae.onnx'));
    const latent = new Tensor(
      'float32',
      new Float32Array(4 * 2 * 2).map((_, i) => i / 8 - 1),
      [1, 4, 2, 2],
    );
    const a = (await external.model.run({ latent_sample: latent })).sample.data;
    const b = (await inline.run({ latent_sample: latent })).sample.data;
    expect(Array.from(a as Float32Array)).toEqual(Array.from(b as Float32Array));
    rmSync(join(dir, 'model.onnx_data'));
    await expect(OnnxModel.load(join(dir, 'model.onnx'))).rejects.toThrow(ModelLoadError);
    await Promise.all([external.model.release(), inline.release()]);
    expect(SD_ONNX_LAYOUT.unetFile).toBe('unet/model.onnx');
  });
});
