import { CONTRASTIVE_PHOTO_BOX, toPhotoBox } from '../contrastive/contrastive-checkpoint';
import { ContrastiveEncoder } from '../contrastive/contrastive-encoder';
import { ZeroShotClassifier } from '../contrastive/zero-shot-classifier';
import { imageColourFeatures } from '../features/colour-features';
import { ImageEmbedder } from '@atelier/ml-runtime';
import type { AttributeSchema } from './attribute-schema';
import { clamp01, type AttributeExtractor, type DecodedPhoto, type ExtractionResult } from './attribute-extractor';

export const PRODUCT_TYPE = 'product_type';

/**
 * Product type by zero-shot classification with the contrastive towers: the photo's image-tower embedding against
 * the text-tower embeddings of the schema's product-type names and terms; the confidence is the softmax
 * probability at the checkpoint's temperature. Emits nothing while no checkpoint is loaded.
 */
export class ContrastiveTypeExtractor implements AttributeExtractor {
  readonly name = 'contrastive';
  private classifier?: ZeroShotClassifier;

  constructor(
    private readonly schema: AttributeSchema,
    private readonly encoder: ContrastiveEncoder,
  ) {}

  get active(): boolean {
    return this.encoder.ready;
  }

  async extract(photo: DecodedPhoto): Promise<ExtractionResult> {
    if (!this.encoder.ready) return { attributes: [] };
    // The tower reads photos as small as it was trained on: larger ones are scaled into its photo box first.
    const fits = photo.width <= CONTRASTIVE_PHOTO_BOX.width && photo.height <= CONTRASTIVE_PHOTO_BOX.height;
    const features = fits && photo.features?.image ? photo.features : await photoFeatures(photo.jpeg);
    const [embedding] = this.encoder.encodeImages([features]);
    const [best] = this.typeClassifier().classify(embedding);
    return {
      attributes: [{ name: PRODUCT_TYPE, value: best.value, confidence: clamp01(best.probability), source: this.name }],
    };
  }

  /** The classifier over the schema's product types (built once: the checkpoint does not change while running). */
  typeClassifier(): ZeroShotClassifier {
    this.classifier ??= ZeroShotClassifier.fromPrompts(
      (this.schema.spec(PRODUCT_TYPE)?.values ?? []).map((v) => ({
        value: v.value,
        prompts: v.terms ?? [v.label.en],
      })),
      (text) => this.encoder.encodeText(text),
      this.encoder.temperature ?? 1,
    );
    return this.classifier;
  }
}

/** The image tower's inputs for a photo: MobileNetV2 features of it in the photo box, and its colour histogram. */
async function photoFeatures(jpeg: Buffer): Promise<{ image: Float32Array; colour: Float32Array }> {
  const [image] = await (await ImageEmbedder.load()).embed([(await toPhotoBox(jpeg)) ?? jpeg]);
  return { image, colour: await imageColourFeatures(jpeg) };
}
