import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  TINY_CLIP_TEXT,
  Weights,
  clipTextTrunk,
  type ClipTextConfig,
  type RandomModelOptions,
} from './clip-architectures';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { SeededRandom } from './seeded-random';

/**
 * File and tensor names of a Stable Diffusion (1.x) ONNX export in the common diffusers / Optimum layout
 * (`optimum-cli export onnx --model runwayml/stable-diffusion-v1-5 <dir>`, or diffusers'
 * `convert_stable_diffusion_checkpoint_to_onnx.py`): one folder per component, `model.onnx` in each
 * (the UNet's weights in `model.onnx_data` beside it).
 */
export interface SdExportNames {
  textEncoderFile: string;
  unetFile: string;
  vaeDecoderFile: string;
  /** Text encoder: token ids [batch, 77] → last_hidden_state [batch, 77, 768] (+ pooler_output [batch, 768]). */
  textIds: string;
  textHidden: string;
  textPooled: string;
  /** UNet: sample [batch, 4, H/8, W/8], timestep, encoder_hidden_states [batch, 77, 768] → out_sample (noise). */
  unetSample: string;
  unetTimestep: string;
  unetContext: string;
  unetOutput: string;
  /** VAE decoder: latent_sample [batch, 4, H/8, W/8] (already divided by 0.18215) → sample [batch, 3, H, W] in ≈[-1, 1]. */
  vaeLatent: string;
  vaeImage: string;
}

export const SD_ONNX_LAYOUT: SdExportNames = {
  textEncoderFile: 'text_encoder/model.onnx',
  unetFile: 'unet/model.onnx',
  vaeDecoderFile: 'vae_decoder/model.onnx',
  textIds: 'input_ids',
  textHidden: 'last_hidden_state',
  textPooled: 'pooler_output',
  unetSample: 'sample',
  unetTimestep: 'timestep',
  unetContext: 'encoder_hidden_states',
  unetOutput: 'out_sample',
  vaeLatent: 'latent_sample',
  vaeImage: 'sample',
};

/**
 * Exporters differ in dtypes and ranks: diffusers' conversion script takes int32 ids and a float32 timestep
 * [batch]; Optimum takes int64 ids, and its timestep has been int64 [batch], float32 [batch] and a float32 scalar
 * depending on the version. Consumers read these from the model; tests build every variant.
 */
export interface SdExportVariant {
  idsType: 'int32' | 'int64';
  timestepType: 'float32' | 'int64';
  /** 1 = [batch] (or [1], broadcast), 0 = a scalar. */
  timestepRank: 0 | 1;
}

/** int64 ids and an int64 [batch] timestep (older Optimum exports). */
export const DEFAULT_SD_EXPORT_VARIANT: SdExportVariant = { idsType: 'int64', timestepType: 'int64', timestepRank: 1 };

/** Widths of the tiny random-weight SD components (the real ones: 768-d text, 320–1280-channel UNet). */
export interface TinySdConfig {
  text: ClipTextConfig;
  unetChannels: number;
  timeEmbedDim: number;
  vaeChannels: number;
}

/** Tiny widths, real signatures (77 tokens, 4 latent channels, ×8 VAE upsampling). */
export const TINY_SD: TinySdConfig = { text: TINY_CLIP_TEXT, unetChannels: 16, timeEmbedDim: 16, vaeChannels: 8 };

const LATENT_CHANNELS = 4;

/** SD's text encoder = Hugging Face `CLIPTextModel` (no projection): ids → hidden states and pooled output. */
export function buildSdTextEncoder(
  config: ClipTextConfig,
  variant: SdExportVariant = DEFAULT_SD_EXPORT_VARIANT,
  options: RandomModelOptions = {},
  names: SdExportNames = SD_ONNX_LAYOUT,
): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder('sd_text_encoder');
  const w = new Weights(g, new SeededRandom(options.seed ?? 11), options.std ?? 0.02, options.fill);
  const ids = g.input(names.textIds, variant.idsType, ['batch', config.contextLength]);
  const { hidden, pooled } = clipTextTrunk(g, w, config, ids);
  g.output(hidden, 'float32', ['batch', config.contextLength, config.width], names.textHidden);
  g.output(pooled, 'float32', ['batch', config.width], names.textPooled);
  return g;
}

function conv3x3(
  g: OnnxGraphBuilder,
  w: Weights,
  x: string,
  name: string,
  cin: number,
  cout: number,
  gain = 1,
): string {
  const weight = w.random(`${name}.weight`, [cout, cin, 3, 3], gain / Math.sqrt(cin * 9));
  const bias = w.filled(`${name}.bias`, [cout], 0);
  return g.op('Conv', [x, weight, bias], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } });
}

const silu = (g: OnnxGraphBuilder, x: string): string => g.op('Mul', [x, g.op('Sigmoid', [x])]);

/**
 * A tiny UNet with the real export's signature and the three things that matter to a sampler: it reads the
 * latents (3×3 convolutions), the timestep (sinusoidal embedding → MLP → per-channel shift) and the text
 * (cross-attention from latent pixels to the 77 token states), and predicts noise of the latents' shape.
 */
export function buildTinySdUnet(
  config: TinySdConfig,
  variant: SdExportVariant = DEFAULT_SD_EXPORT_VARIANT,
  options: RandomModelOptions = {},
  names: SdExportNames = SD_ONNX_LAYOUT,
): OnnxGraphBuilder {
  const C = config.unetChannels;
  const D = config.text.width;
  const F = config.timeEmbedDim;
  const g = new OnnxGraphBuilder('sd_unet');
  const w = new Weights(g, new SeededRandom(options.seed ?? 12), options.std ?? 0.2, options.fill);
  const sample = g.input(names.unetSample, 'float32', ['batch', LATENT_CHANNELS, 'height', 'width']);
  const timestep = g.input(names.unetTimestep, variant.timestepType, variant.timestepRank === 1 ? ['steps'] : []);
  const context = g.input(names.unetContext, 'float32', ['batch', 'sequence', D]);

  // Sinusoidal timestep embedding as in diffusers' Timesteps(flip_sin_to_cos=True): [cos, sin] of t·10000^(-i/half).
  const tf = variant.timestepType === 'float32' ? timestep : g.op('Cast', [timestep], { to: { i: 1 } });
  const half = F / 2;
  const freqs = Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const args = g.op('Mul', [g.op('Reshape', [tf, g.constInt64([-1, 1])]), g.constFloat(freqs, [1, half])]);
  const emb = g.op('Concat', [g.op('Cos', [args]), g.op('Sin', [args])], { axis: { i: 1 } });
  const tHidden = silu(g, g.op('MatMul', [emb, w.random('time_embedding.linear_1.weight', [F, C])]));
  const tShift = g.op('MatMul', [tHidden, w.random('time_embedding.linear_2.weight', [C, C])]);
  // [steps, C] → [steps, C, 1, 1]: broadcasts over the batch when steps is 1 or equal to it.
  const tBias = g.op('Reshape', [tShift, g.constInt64([-1, C, 1, 1])]);

  let h = g.op('Add', [conv3x3(g, w, sample, 'conv_in', LATENT_CHANNELS, C), tBias]);
  h = silu(g, h);

  // Cross-attention: queries from latent pixels [B, HW, C], keys/values from the text [B, T, C].
  const hShape = g.op('Shape', [h]);
  const q = g.op('Transpose', [g.op('Reshape', [h, g.constInt64([0, C, -1])])], { perm: { ints: [0, 2, 1] } });
  const k = g.op('MatMul', [context, w.random('attn2.to_k.weight', [D, C], 1 / Math.sqrt(D))]);
  const v = g.op('MatMul', [context, w.random('attn2.to_v.weight', [D, C], 1 / Math.sqrt(D))]);
  const scores = g.op('Mul', [
    g.op('MatMul', [q, g.op('Transpose', [k], { perm: { ints: [0, 2, 1] } })]),
    g.constFloat([1 / Math.sqrt(C)], []),
  ]);
  const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: { i: -1 } }), v]);
  const back = g.op('Reshape', [g.op('Transpose', [attended], { perm: { ints: [0, 2, 1] } }), hShape]);
  h = g.op('Add', [h, back]);

  // Predicted noise ≈ the input plus a small learned-looking term: what a trained ε-model does at high noise, and
  // it keeps the sampled latents in the range a real VAE sees (random outputs alone would saturate every pixel).
  const out = g.op('Add', [sample, conv3x3(g, w, silu(g, h), 'conv_out', C, LATENT_CHANNELS, 0.3)]);
  g.output(out, 'float32', ['batch', LATENT_CHANNELS, 'height', 'width'], names.unetOutput);
  return g;
}

/** A tiny VAE decoder: latents [B, 4, h, w] → conv → ×8 nearest upsampling → conv → image [B, 3, 8h, 8w]. */
export function buildTinySdVaeDecoder(
  config: TinySdConfig,
  options: RandomModelOptions = {},
  names: SdExportNames = SD_ONNX_LAYOUT,
): OnnxGraphBuilder {
  const C = config.vaeChannels;
  const g = new OnnxGraphBuilder('sd_vae_decoder');
  const w = new Weights(g, new SeededRandom(options.seed ?? 13), options.std ?? 0.2, options.fill);
  const latent = g.input(names.vaeLatent, 'float32', ['batch', LATENT_CHANNELS, 'latent_height', 'latent_width']);
  // Latents arrive divided by 0.18215 (std ≈ 5): a small input gain keeps the image in ≈[-1, 1] like the real VAE's.
  const h = silu(g, conv3x3(g, w, latent, 'decoder.conv_in', LATENT_CHANNELS, C, 0.2));
  const up = g.op('Resize', [h, '', g.constFloat([1, 1, 8, 8])], { mode: { s: 'nearest' } });
  const out = conv3x3(g, w, up, 'decoder.conv_out', C, 3);
  g.output(out, 'float32', ['batch', 3, 'height', 'width'], names.vaeImage);
  return g;
}

/** The three components of a tiny random-weight export, keyed by their path inside the export folder. */
export function buildTinySdExport(
  config: TinySdConfig = TINY_SD,
  variant: SdExportVariant = DEFAULT_SD_EXPORT_VARIANT,
  options: RandomModelOptions = {},
): Array<{ file: string; model: OnnxGraphBuilder }> {
  const seed = options.seed ?? 0;
  return [
    {
      file: SD_ONNX_LAYOUT.textEncoderFile,
      model: buildSdTextEncoder(config.text, variant, { ...options, seed: seed + 11 }),
    },
    { file: SD_ONNX_LAYOUT.unetFile, model: buildTinySdUnet(config, variant, { ...options, seed: seed + 12 }) },
    { file: SD_ONNX_LAYOUT.vaeDecoderFile, model: buildTinySdVaeDecoder(config, { ...options, seed: seed + 13 }) },
  ];
}

/** Writes a tiny random-weight export into `dir` (the real folder layout and tensor signatures). */
export function writeTinySdExport(
  dir: string,
  config: TinySdConfig = TINY_SD,
  variant: SdExportVariant = DEFAULT_SD_EXPORT_VARIANT,
  options: RandomModelOptions = {},
): void {
  for (const { file, model } of buildTinySdExport(config, variant, options)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), model.toBytes());
  }
}
