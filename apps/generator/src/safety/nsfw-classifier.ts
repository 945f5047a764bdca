import { Inject, Injectable, Logger } from '@nestjs/common';
import sharp from 'sharp';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';

/** Class probabilities of one image, each in [0, 1], summing to ~1. */
export interface NsfwScores {
  drawing: number;
  hentai: number;
  neutral: number;
  porn: number;
  sexy: number;
}

export interface NsfwVerdict {
  scores: NsfwScores;
  /** porn + hentai ≥ threshold: the image is marked (never dropped) so people and downstream steps can decide. */
  flagged: boolean;
  model: string;
}

export const NSFW_MODEL = 'nsfwjs/MobileNetV2';

type Classify = (rgb224: Uint8Array) => Promise<NsfwScores>;

/** Explicit classes; "sexy" alone (swimwear, lingerie ads) is reported but does not flag. */
export const isFlagged = (s: NsfwScores, threshold: number): boolean => s.porn + s.hentai >= threshold;

/**
 * Loads nsfwjs' MobileNetV2 (weights bundled inside the npm package, so nothing is downloaded) on TensorFlow.js
 * with the WebAssembly backend, once, on first use. Loading takes seconds, so it happens lazily and only when the
 * check is enabled.
 */
export async function loadNsfwClassify(): Promise<Classify> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const nsfwjs = await import('nsfwjs');
  const model = await nsfwjs.load('MobileNetV2');
  return async (rgb224) => {
    const input = tf.tensor3d(rgb224, [224, 224, 3], 'int32');
    try {
      const predictions = await model.classify(input, 5);
      const p = (name: string): number => predictions.find((x) => x.className === name)?.probability ?? 0;
      return { drawing: p('Drawing'), hentai: p('Hentai'), neutral: p('Neutral'), porn: p('Porn'), sexy: p('Sexy') };
    } finally {
      input.dispose();
    }
  };
}

/** Resizes a PNG to the 224×224 RGB input MobileNetV2 expects. */
export async function toModelInput(png: Buffer): Promise<Uint8Array> {
  const { data } = await sharp(png)
    .resize(224, 224, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

@Injectable()
export class NsfwClassifier {
  private readonly logger = new Logger(NsfwClassifier.name);
  private classify?: Promise<Classify>;
  readonly enabled: boolean;
  private readonly threshold: number;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig<'generator'>) {
    this.enabled = config.env.GENERATOR_NSFW_CHECK;
    this.threshold = config.env.GENERATOR_NSFW_THRESHOLD;
  }

  /** Undefined when the check is off. */
  async check(png: Buffer): Promise<NsfwVerdict | undefined> {
    if (!this.enabled) return undefined;
    this.classify ??= loadNsfwClassify().catch((err: unknown) => {
      this.classify = undefined; // let a later delivery try again
      throw err;
    });
    const scores = await (await this.classify)(await toModelInput(png));
    const flagged = isFlagged(scores, this.threshold);
    if (flagged)
      this.logger.warn(
        `image flagged by ${NSFW_MODEL}: porn ${scores.porn.toFixed(3)}, hentai ${scores.hentai.toFixed(3)}`,
      );
    return { scores, flagged, model: NSFW_MODEL };
  }
}
