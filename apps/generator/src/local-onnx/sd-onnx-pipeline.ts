import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CLIP_CONTEXT_LENGTH,
  CLIP_EOT,
  ClipTokenizer,
  ModelLoadError,
  SD_ONNX_LAYOUT,
  Tensor,
  loadOnDevice,
  type ExecutionProvider,
  type OnnxDevice,
  type OnnxModel,
  type TensorInfo,
} from '@atelier/ml-runtime';
import { gaussianNoise } from './gaussian-noise';
import { sd15Sampler, type SamplerName } from './schedulers';

/** SD 1.x VAE: latents are the VAE encoder's output times this; the decoder wants them divided back. */
export const VAE_SCALING_FACTOR = 0.18215;
const LATENT_CHANNELS = 4;
const VAE_FACTOR = 8;

export interface SdPipelineOptions {
  /** Export folder holding text_encoder/, unet/ and vae_decoder/ (SD_ONNX_LAYOUT). */
  dir: string;
  /** CLIP BPE merges: `bpe_simple_vocab_16e6.txt.gz`. */
  vocabFile: string;
  device: OnnxDevice;
  /** Threads per operator (0 = one per core). */
  intraOpThreads?: number;
}

export interface SdGenerateRequest {
  prompt: string;
  /** Text for the unconditional half of classifier-free guidance (diffusers' default: empty). */
  negativePrompt?: string;
  width: number;
  height: number;
  steps: number;
  /** Classifier-free guidance scale; ≤ 1 runs the conditional branch only (as diffusers does). */
  guidance: number;
  /** One seed per image: image i starts from Gaussian latents drawn from seeds[i]. */
  seeds: readonly bigint[];
  sampler: SamplerName;
}

export interface SdImage {
  /** RGB, 8 bits, row-major. */
  pixels: Uint8Array;
  width: number;
  height: number;
}

export interface SdGenerateResult {
  images: SdImage[];
  timingsMs: { text: number; denoise: number; decode: number };
}

/** Paths the pipeline needs that are absent (empty when the export and vocabulary are in place). */
export function missingSdFiles(dir: string, vocabFile: string): string[] {
  const needed = [
    join(dir, SD_ONNX_LAYOUT.textEncoderFile),
    join(dir, SD_ONNX_LAYOUT.unetFile),
    join(dir, SD_ONNX_LAYOUT.vaeDecoderFile),
    vocabFile,
  ];
  return needed.filter((f) => !existsSync(f));
}

interface Io {
  idsType: 'int32' | 'int64';
  timestepType: 'float32' | 'int64';
  timestepShape: number[];
  contextDim: number;
}

/**
 * Stable Diffusion 1.x text-to-image on onnxruntime-node: CLIP tokens → text encoder → UNet denoising loop with
 * classifier-free guidance (unconditional and conditional halves in one UNet batch) under a DDIM or
 * Euler-ancestral sampler → VAE decoder → RGB pixels. Latents are [n, 4, H/8, W/8]. Input dtypes and the timestep's
 * rank are read from the models, so exports from diffusers' script and from the different Optimum versions work.
 */
export class StableDiffusionOnnx {
  private constructor(
    private readonly tokenizer: ClipTokenizer,
    readonly textEncoder: OnnxModel,
    readonly unet: OnnxModel,
    readonly vaeDecoder: OnnxModel,
    private readonly io: Io,
    readonly provider: ExecutionProvider,
    readonly fallbackReason: string | undefined,
  ) {}

  /** Loads the three components. Missing, corrupt or incompatible files raise ModelLoadError naming the file. */
  static async load(options: SdPipelineOptions): Promise<StableDiffusionOnnx> {
    const L = SD_ONNX_LAYOUT;
    const missing = missingSdFiles(options.dir, options.vocabFile);
    if (missing.length > 0) throw new ModelLoadError(missing[0], `missing (${missing.join(', ')})`);
    const tokenizer = new ClipTokenizer(options.vocabFile);
    const session = { intraOpThreads: options.intraOpThreads ?? 0 };
    const files = [L.textEncoderFile, L.unetFile, L.vaeDecoderFile].map((f) => join(options.dir, f));
    const loaded = [];
    try {
      for (const file of files) loaded.push(await loadOnDevice(file, options.device, session));
    } catch (e) {
      await Promise.all(loaded.map((l) => l.model.release()));
      throw e;
    }
    const [text, unet, vae] = loaded;
    try {
      const io = readIo(text.model, unet.model, vae.model, files);
      // The UNet does nearly all the work: its provider is the pipeline's.
      return new StableDiffusionOnnx(
        tokenizer,
        text.model,
        unet.model,
        vae.model,
        io,
        unet.provider,
        unet.fallbackReason,
      );
    } catch (e) {
      await Promise.all(loaded.map((l) => l.model.release()));
      throw e;
    }
  }

  /** Text states [texts.length, 77, dim] of SD-tokenised texts (padded with end-of-text like HF's tokenizer). */
  async encodeText(texts: readonly string[]): Promise<Float32Array> {
    const T = CLIP_CONTEXT_LENGTH;
    const ids = texts.flatMap((t) => this.tokenizer.tokenize(t, T, CLIP_EOT));
    const tensor =
      this.io.idsType === 'int64'
        ? new Tensor('int64', BigInt64Array.from(ids, BigInt), [texts.length, T])
        : new Tensor('int32', Int32Array.from(ids), [texts.length, T]);
    const out = await this.textEncoder.run({ [SD_ONNX_LAYOUT.textIds]: tensor }, [SD_ONNX_LAYOUT.textHidden]);
    return out[SD_ONNX_LAYOUT.textHidden].data as Float32Array;
  }

  /** One UNet evaluation: noise prediction for `batch` latents of h×w at timestep t. */
  async predictNoise(
    latents: Float32Array,
    batch: number,
    h: number,
    w: number,
    t: number,
    context: Float32Array,
  ): Promise<Float32Array> {
    const L = SD_ONNX_LAYOUT;
    const timestep =
      this.io.timestepType === 'int64'
        ? new Tensor('int64', BigInt64Array.of(BigInt(Math.round(t))), this.io.timestepShape)
        : new Tensor('float32', Float32Array.of(t), this.io.timestepShape);
    const out = await this.unet.run(
      {
        [L.unetSample]: new Tensor('float32', latents, [batch, LATENT_CHANNELS, h, w]),
        [L.unetTimestep]: timestep,
        [L.unetContext]: new Tensor('float32', context, [batch, CLIP_CONTEXT_LENGTH, this.io.contextDim]),
      },
      [L.unetOutput],
    );
    return out[L.unetOutput].data as Float32Array;
  }

  /** VAE decode of n final latents (unscaled by 0.18215 here) → RGB images. */
  async decode(latents: Float32Array, n: number, h: number, w: number): Promise<SdImage[]> {
    const L = SD_ONNX_LAYOUT;
    const scaled = latents.map((v) => v / VAE_SCALING_FACTOR);
    const out = await this.vaeDecoder.run(
      { [L.vaeLatent]: new Tensor('float32', scaled, [n, LATENT_CHANNELS, h, w]) },
      [L.vaeImage],
    );
    const image = out[L.vaeImage];
    const [, channels, H, W] = image.dims;
    if (channels !== 3 || H !== h * VAE_FACTOR || W !== w * VAE_FACTOR) {
      throw new Error(`VAE decoder answered [${image.dims.join(', ')}], expected [${n}, 3, ${h * 8}, ${w * 8}]`);
    }
    const data = image.data as Float32Array;
    const plane = H * W;
    return Array.from({ length: n }, (_, k) => {
      const pixels = new Uint8Array(plane * 3);
      const base = k * 3 * plane;
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < 3; c++) {
          // [-1, 1] → [0, 1], clamped, ×255 rounded (diffusers' postprocess).
          const v = data[base + c * plane + p] / 2 + 0.5;
          pixels[p * 3 + c] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
        }
      }
      return { pixels, width: W, height: H };
    });
  }

  async generate(req: SdGenerateRequest): Promise<SdGenerateResult> {
    const n = req.seeds.length;
    if (n < 1) throw new RangeError('at least one seed (image) is required');
    if (req.width % VAE_FACTOR !== 0 || req.height % VAE_FACTOR !== 0) {
      throw new RangeError(`width and height must be multiples of ${VAE_FACTOR}, got ${req.width}x${req.height}`);
    }
    const h = req.height / VAE_FACTOR;
    const w = req.width / VAE_FACTOR;
    const size = LATENT_CHANNELS * h * w;
    const cfg = req.guidance > 1;

    let started = performance.now();
    // Unique texts once, then tiled: [uncond × n, cond × n] with guidance, [cond × n] without.
    const texts = cfg ? [req.negativePrompt ?? '', req.prompt] : [req.prompt];
    const states = await this.encodeText(texts);
    const stateSize = CLIP_CONTEXT_LENGTH * this.io.contextDim;
    const batch = cfg ? 2 * n : n;
    const context = new Float32Array(batch * stateSize);
    for (let b = 0; b < batch; b++) {
      const which = cfg && b >= n ? 1 : 0;
      context.set(states.subarray(which * stateSize, (which + 1) * stateSize), b * stateSize);
    }
    const text = performance.now() - started;

    started = performance.now();
    const plan = sd15Sampler(req.sampler, req.steps);
    const noise = req.seeds.map((s) => gaussianNoise(s));
    let latents: Float32Array[] = noise.map((next) => {
      const l = new Float32Array(size);
      for (let j = 0; j < size; j++) l[j] = next() * plan.initNoiseSigma;
      return l;
    });
    const input = new Float32Array(batch * size);
    for (let i = 0; i < plan.timesteps.length; i++) {
      const scale = plan.inputScale(i);
      latents.forEach((l, k) => {
        for (let j = 0; j < size; j++) input[k * size + j] = l[j] * scale;
        if (cfg) input.copyWithin((n + k) * size, k * size, (k + 1) * size);
      });
      const predicted = await this.predictNoise(input, batch, h, w, plan.timesteps[i], context);
      latents = latents.map((l, k) => {
        let eps: Float32Array;
        if (cfg) {
          eps = new Float32Array(size);
          const u = k * size;
          const c = (n + k) * size;
          for (let j = 0; j < size; j++) {
            eps[j] = predicted[u + j] + req.guidance * (predicted[c + j] - predicted[u + j]);
          }
        } else {
          eps = predicted.subarray(k * size, (k + 1) * size);
        }
        return plan.step(i, eps, l, noise[k]);
      });
    }
    const denoise = performance.now() - started;

    started = performance.now();
    const all = new Float32Array(n * size);
    latents.forEach((l, k) => all.set(l, k * size));
    const images = await this.decode(all, n, h, w);
    return { images, timingsMs: { text, denoise, decode: performance.now() - started } };
  }

  async release(): Promise<void> {
    await Promise.all([this.textEncoder.release(), this.unet.release(), this.vaeDecoder.release()]);
  }
}

/** Checks the three signatures against SD_ONNX_LAYOUT and reads the dtypes and ranks this export uses. */
function readIo(text: OnnxModel, unet: OnnxModel, vae: OnnxModel, [textFile, unetFile, vaeFile]: string[]): Io {
  const L = SD_ONNX_LAYOUT;
  const need = (model: OnnxModel, file: string, name: string, kind: 'input' | 'output'): TensorInfo => {
    const info = kind === 'input' ? model.input(name) : model.output(name);
    if (!info) {
      const have = (kind === 'input' ? model.inputs : model.outputs).map((i) => i.name).join(', ');
      throw new ModelLoadError(file, `no ${kind} "${name}" (has: ${have}); expected the diffusers/Optimum layout`);
    }
    if (info.type === 'float16') {
      throw new ModelLoadError(file, `${kind} "${name}" is float16; export in float32 (without --fp16)`);
    }
    return info;
  };
  const ids = need(text, textFile, L.textIds, 'input');
  need(text, textFile, L.textHidden, 'output');
  need(unet, unetFile, L.unetSample, 'input');
  const timestep = need(unet, unetFile, L.unetTimestep, 'input');
  const context = need(unet, unetFile, L.unetContext, 'input');
  need(unet, unetFile, L.unetOutput, 'output');
  need(vae, vaeFile, L.vaeLatent, 'input');
  need(vae, vaeFile, L.vaeImage, 'output');
  if (ids.type !== 'int32' && ids.type !== 'int64') {
    throw new ModelLoadError(textFile, `input_ids is ${ids.type}, expected int32 or int64`);
  }
  if (timestep.type !== 'float32' && timestep.type !== 'int64') {
    throw new ModelLoadError(unetFile, `timestep is ${timestep.type}, expected float32 or int64`);
  }
  const contextDim = context.shape[2];
  if (typeof contextDim !== 'number' || contextDim <= 0) {
    throw new ModelLoadError(unetFile, 'encoder_hidden_states has no fixed hidden size');
  }
  // Rank 0 = scalar; rank 1 = one timestep broadcast over the batch (as diffusers' ONNX pipeline feeds it).
  const timestepShape = timestep.shape.length === 0 ? [] : [1];
  return { idsType: ids.type, timestepType: timestep.type, timestepShape, contextDim };
}
