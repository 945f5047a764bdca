import { OnnxGraphBuilder } from './onnx-graph-builder';
import { SeededRandom } from './seeded-random';

/** Shape of a CLIP vision tower (OpenAI `VisionTransformer`). */
export interface ClipVisionConfig {
  imageSize: number;
  patchSize: number;
  width: number;
  layers: number;
  heads: number;
  /** Joint embedding size (output of `proj`). */
  embedDim: number;
}

/** Shape of a CLIP text tower (OpenAI `CLIP.encode_text`). */
export interface ClipTextConfig {
  contextLength: number;
  vocabSize: number;
  width: number;
  layers: number;
  heads: number;
  embedDim: number;
}

/** OpenAI CLIP ViT-B/32 (`openai/clip-vit-base-patch32`): 87.8 M vision parameters, 512-d embeddings. */
export const CLIP_VIT_B32_VISION: ClipVisionConfig = {
  imageSize: 224,
  patchSize: 32,
  width: 768,
  layers: 12,
  heads: 12,
  embedDim: 512,
};

export const CLIP_VIT_B32_TEXT: ClipTextConfig = {
  contextLength: 77,
  vocabSize: 49408,
  width: 512,
  layers: 12,
  heads: 8,
  embedDim: 512,
};

/** Same signatures as ViT-B/32 (224×224 in, 77 tokens in), tiny widths: for unit tests. */
export const TINY_CLIP_VISION: ClipVisionConfig = {
  imageSize: 224,
  patchSize: 32,
  width: 32,
  layers: 1,
  heads: 2,
  embedDim: 16,
};

export const TINY_CLIP_TEXT: ClipTextConfig = {
  contextLength: 77,
  vocabSize: 49408,
  width: 16,
  layers: 1,
  heads: 2,
  embedDim: 16,
};

/** Tensor names of the two common CLIP ONNX export layouts. */
export interface ClipExportNames {
  imageFile: string;
  textFile: string;
  imageInput: string;
  imageOutput: string;
  textInput: string;
  textOutput: string;
  /** HF exports also take an attention mask; its name, if any. */
  textMask?: string;
  textIdsType: 'int32' | 'int64';
}

/** OpenAI / open_clip style: `visual.onnx` + `textual.onnx`. */
export const OPENAI_CLIP_LAYOUT: ClipExportNames = {
  imageFile: 'visual.onnx',
  textFile: 'textual.onnx',
  imageInput: 'image',
  imageOutput: 'embedding',
  textInput: 'text',
  textOutput: 'embedding',
  textIdsType: 'int32',
};

/** Hugging Face / Optimum style (`CLIPVisionModelWithProjection`, `CLIPTextModelWithProjection`). */
export const HF_CLIP_LAYOUT: ClipExportNames = {
  imageFile: 'vision_model.onnx',
  textFile: 'text_model.onnx',
  imageInput: 'pixel_values',
  imageOutput: 'image_embeds',
  textInput: 'input_ids',
  textOutput: 'text_embeds',
  textMask: 'attention_mask',
  textIdsType: 'int64',
};

export interface RandomModelOptions {
  seed?: number;
  /** Standard deviation of the random weights (CLIP initialises most at ~0.02). */
  std?: number;
  /** 'zeros' skips the random draw (fast; for shape checks only). Default 'random'. */
  fill?: 'random' | 'zeros';
}

/** Weight factory: names follow the OpenAI CLIP state_dict, shapes are PyTorch's (linear = [out, in]). */
class Weights {
  constructor(
    private readonly g: OnnxGraphBuilder,
    private readonly rng: SeededRandom,
    private readonly std: number,
    private readonly fill: 'random' | 'zeros' = 'random',
  ) {}

  random(name: string, dims: number[], std = this.std): string {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    return this.g.initializer(name, 'float32', dims, this.fill === 'zeros' ? data : this.rng.fillUniform(data, std));
  }

  filled(name: string, dims: number[], value: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.g.initializer(name, 'float32', dims, new Float32Array(n).fill(value));
  }
}

/** x [.., in] → x · Wᵀ + b with W stored [out, in] like torch.nn.Linear (the transpose is folded at load). */
function linear(g: OnnxGraphBuilder, w: Weights, x: string, name: string, inDim: number, outDim: number): string {
  const weight = w.random(`${name}.weight`, [outDim, inDim]);
  const bias = w.filled(`${name}.bias`, [outDim], 0);
  const wt = g.op('Transpose', [weight], { perm: { ints: [1, 0] } });
  return g.op('Add', [g.op('MatMul', [x, wt]), bias]);
}

function layerNorm(g: OnnxGraphBuilder, w: Weights, x: string, name: string, dim: number): string {
  const scale = w.filled(`${name}.weight`, [dim], 1);
  const bias = w.filled(`${name}.bias`, [dim], 0);
  return g.op('LayerNormalization', [x, scale, bias], { axis: { i: -1 }, epsilon: { f: 1e-5 } });
}

/** CLIP's QuickGELU: x · sigmoid(1.702 x). */
function quickGelu(g: OnnxGraphBuilder, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [g.op('Mul', [x, g.constFloat([1.702], [])])])]);
}

/** nn.MultiheadAttention with packed in_proj, as in CLIP's ResidualAttentionBlock. */
function attention(
  g: OnnxGraphBuilder,
  w: Weights,
  x: string,
  name: string,
  width: number,
  heads: number,
  mask?: string,
): string {
  const dh = width / heads;
  const inW = w.random(`${name}.in_proj_weight`, [3 * width, width]);
  const inB = w.filled(`${name}.in_proj_bias`, [3 * width], 0);
  const qkv = g.op('Add', [g.op('MatMul', [x, g.op('Transpose', [inW], { perm: { ints: [1, 0] } })]), inB]);
  // [B, T, 3W] → [B, T, 3, H, dh] → [3, B, H, T, dh]
  const split = g.op('Transpose', [g.op('Reshape', [qkv, g.constInt64([0, 0, 3, heads, dh])])], {
    perm: { ints: [2, 0, 3, 1, 4] },
  });
  const pick = (i: number) => g.op('Gather', [split, g.constInt64([i], [])], { axis: { i: 0 } });
  const [q, k, v] = [pick(0), pick(1), pick(2)];
  let scores = g.op('Mul', [
    g.op('MatMul', [q, g.op('Transpose', [k], { perm: { ints: [0, 1, 3, 2] } })]),
    g.constFloat([1 / Math.sqrt(dh)], []),
  ]);
  if (mask) scores = g.op('Add', [scores, mask]);
  const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: { i: -1 } }), v]);
  const merged = g.op('Reshape', [
    g.op('Transpose', [ctx], { perm: { ints: [0, 2, 1, 3] } }),
    g.constInt64([0, 0, width]),
  ]);
  return linear(g, w, merged, `${name}.out_proj`, width, width);
}

function transformer(
  g: OnnxGraphBuilder,
  w: Weights,
  x: string,
  prefix: string,
  width: number,
  layers: number,
  heads: number,
  mask?: string,
): string {
  let h = x;
  for (let l = 0; l < layers; l++) {
    const p = `${prefix}.resblocks.${l}`;
    h = g.op('Add', [h, attention(g, w, layerNorm(g, w, h, `${p}.ln_1`, width), `${p}.attn`, width, heads, mask)]);
    const fc = quickGelu(g, linear(g, w, layerNorm(g, w, h, `${p}.ln_2`, width), `${p}.mlp.c_fc`, width, 4 * width));
    h = g.op('Add', [h, linear(g, w, fc, `${p}.mlp.c_proj`, 4 * width, width)]);
  }
  return h;
}

/**
 * A CLIP image tower with random weights: float32 [batch, 3, S, S] (CLIP-normalised pixels) →
 * float32 [batch, embedDim] (not normalised, like the real exports).
 */
export function buildClipVisionModel(
  config: ClipVisionConfig,
  names: Pick<ClipExportNames, 'imageInput' | 'imageOutput'> = OPENAI_CLIP_LAYOUT,
  options: RandomModelOptions = {},
): OnnxGraphBuilder {
  const { imageSize: S, patchSize: P, width: W } = config;
  const grid = S / P;
  if (!Number.isInteger(grid)) throw new Error('imageSize must be a multiple of patchSize');
  const g = new OnnxGraphBuilder('clip_visual');
  const w = new Weights(g, new SeededRandom(options.seed ?? 1), options.std ?? 0.02, options.fill);
  const image = g.input(names.imageInput, 'float32', ['batch', 3, S, S]);
  const conv = g.op('Conv', [image, w.random('visual.conv1.weight', [W, 3, P, P])], {
    kernel_shape: { ints: [P, P] },
    strides: { ints: [P, P] },
  });
  const patches = g.op('Transpose', [g.op('Reshape', [conv, g.constInt64([0, W, -1])])], {
    perm: { ints: [0, 2, 1] },
  });
  const cls = g.op('Reshape', [w.random('visual.class_embedding', [W]), g.constInt64([1, 1, W])]);
  const batch = g.op('Shape', [image], { start: { i: 0 }, end: { i: 1 } });
  const clsB = g.op('Expand', [cls, g.op('Concat', [batch, g.constInt64([1, W])], { axis: { i: 0 } })]);
  let x = g.op('Concat', [clsB, patches], { axis: { i: 1 } });
  x = g.op('Add', [x, w.random('visual.positional_embedding', [grid * grid + 1, W])]);
  x = layerNorm(g, w, x, 'visual.ln_pre', W);
  x = transformer(g, w, x, 'visual.transformer', W, config.layers, config.heads);
  const first = g.op('Gather', [x, g.constInt64([0], [])], { axis: { i: 1 } });
  const pooled = layerNorm(g, w, first, 'visual.ln_post', W);
  const out = g.op('MatMul', [pooled, w.random('visual.proj', [W, config.embedDim])]);
  g.output(out, 'float32', ['batch', config.embedDim], names.imageOutput);
  return g;
}

/**
 * A CLIP text tower with random weights: token ids [batch, contextLength] → [batch, embedDim],
 * pooled at the end-of-text token (the highest id, 49407) behind a causal mask, as in CLIP.
 * With `textMask` the model also declares an attention-mask input (HF layout; CLIP ignores it).
 */
export function buildClipTextModel(
  config: ClipTextConfig,
  names: Pick<ClipExportNames, 'textInput' | 'textOutput' | 'textMask' | 'textIdsType'> = OPENAI_CLIP_LAYOUT,
  options: RandomModelOptions = {},
): OnnxGraphBuilder {
  const { contextLength: T, width: W } = config;
  const g = new OnnxGraphBuilder('clip_textual');
  const w = new Weights(g, new SeededRandom(options.seed ?? 2), options.std ?? 0.02, options.fill);
  const ids = g.input(names.textInput, names.textIdsType, ['batch', T]);
  if (names.textMask) g.input(names.textMask, names.textIdsType, ['batch', T]);
  let x = g.op('Gather', [w.random('token_embedding.weight', [config.vocabSize, W]), ids], { axis: { i: 0 } });
  x = g.op('Add', [x, w.random('positional_embedding', [T, W], 0.01)]);
  const causal = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) causal[i * T + j] = -1e9;
  const mask = g.initializer('attn_mask', 'float32', [T, T], causal);
  x = transformer(g, w, x, 'transformer', W, config.layers, config.heads, mask);
  x = layerNorm(g, w, x, 'ln_final', W);
  // Position of the end-of-text token = argmax of the ids (first occurrence).
  const eot = g.op('ArgMax', [g.op('Cast', [ids], { to: { i: 6 } })], { axis: { i: 1 }, keepdims: { i: 1 } });
  const pooled = g.op('GatherND', [x, eot], { batch_dims: { i: 1 } });
  const out = g.op('MatMul', [pooled, w.random('text_projection', [W, config.embedDim])]);
  g.output(out, 'float32', ['batch', config.embedDim], names.textOutput);
  return g;
}
