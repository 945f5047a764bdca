import { join } from 'node:path';
import sharp from 'sharp';
import type * as Tf from '@tensorflow/tfjs';

export const IMAGE_DIMENSIONS = 1280;
export const IMAGE_MODEL = 'nsfwjs-mobilenet_v2/flatten_1';

interface ModelFiles {
  modelTopology: object;
  weightsManifest: Array<{ weights: Tf.io.WeightsManifestEntry[] }>;
}

/**
 * Image features from the MobileNetV2 (shared by the recommender and the judge) bundled in the nsfwjs npm package (ImageNet-initialised backbone,
 * fine-tuned by its authors): the 1280-d pooled output of the last convolution block (`flatten_1`), before the
 * classification head. Runs on tfjs with the WASM backend — no native TensorFlow, no download.
 */
export class ImageEmbedder {
  private static shared?: Promise<ImageEmbedder>;

  private constructor(
    private readonly tf: typeof Tf,
    private readonly model: Tf.LayersModel,
  ) {}

  /** Loads the model once per process (about a second); later calls share it. */
  static load(): Promise<ImageEmbedder> {
    ImageEmbedder.shared ??= ImageEmbedder.create();
    return ImageEmbedder.shared;
  }

  private static async create(): Promise<ImageEmbedder> {
    // Loaded lazily: services and scripts that never embed images do not pay for tfjs.
    const tf = (await import('@tensorflow/tfjs')) as typeof Tf;
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    // nsfwjs ships the model as CommonJS modules (JSON topology + base64 weights) outside its export map,
    // so they are required by absolute path.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const dir = join(require.resolve('nsfwjs'), '..', '..', 'models', 'mobilenet_v2');
    const topology = unwrap<ModelFiles>(require(join(dir, 'model.min.js')));
    const weights = Buffer.from(unwrap<string>(require(join(dir, 'group1-shard1of1.min.js'))), 'base64');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const full = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology.modelTopology,
        weightSpecs: topology.weightsManifest.flatMap((g) => g.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const features = tf.model({ inputs: full.inputs, outputs: full.getLayer('flatten_1').output });
    return new ImageEmbedder(tf, features);
  }

  /** Raw (not normalised) 1280-d features of 224×224 RGB images: the quality model reads their magnitude too. */
  async embedPixels(pixels: Uint8Array[]): Promise<Float32Array[]> {
    if (pixels.length === 0) return [];
    const tf = this.tf;
    const out = tf.tidy(() => {
      const batch = tf
        .stack(pixels.map((p) => tf.tensor3d(p, [224, 224, 3], 'int32')))
        .toFloat()
        .div(255);
      return this.model.predict(batch) as Tf.Tensor;
    });
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return pixels.map((_, i) => data.slice(i * IMAGE_DIMENSIONS, (i + 1) * IMAGE_DIMENSIONS));
  }

  /** L2-normalised 1280-d features of each image (JPEG/PNG/WebP bytes). */
  async embed(images: Buffer[]): Promise<Float32Array[]> {
    if (images.length === 0) return [];
    const pixels = await Promise.all(
      images.map((img) =>
        sharp(img, { limitInputPixels: 40_000_000 })
          .resize(224, 224, { fit: 'contain', background: { r: 255, g: 255, b: 255 } })
          .removeAlpha()
          .raw()
          .toBuffer(),
      ),
    );
    const tf = this.tf;
    const out = tf.tidy(() => {
      const batch = tf
        .stack(pixels.map((p) => tf.tensor3d(new Uint8Array(p), [224, 224, 3], 'int32')))
        .toFloat()
        .div(255);
      return this.model.predict(batch) as Tf.Tensor;
    });
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return images.map((_, i) => {
      const v = data.slice(i * IMAGE_DIMENSIONS, (i + 1) * IMAGE_DIMENSIONS);
      let sum = 0;
      for (const x of v) sum += x * x;
      if (sum > 0) for (let j = 0; j < v.length; j++) v[j] /= Math.sqrt(sum);
      return v;
    });
  }
}

function unwrap<T>(module: unknown): T {
  const m = module as { default?: T };
  return m.default ?? (module as T);
}
