import { Inject, Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ContrastiveEncoder } from '../contrastive/contrastive-encoder';
import { COLOUR_DIMENSIONS, imageColourFeatures } from '../features/colour-features';
import { IMAGE_DIMENSIONS, IMAGE_MODEL, ImageEmbedder } from '@atelier/ml-runtime';
import { AttributeSchema } from './attribute-schema';
import type { AttributeExtractor, AttributeValue, DecodedPhoto } from './attribute-extractor';
import { ColourAttributeExtractor } from './colour-attribute.extractor';
import { ContrastiveTypeExtractor } from './contrastive-type.extractor';
import { HumanAttributeExtractor } from './human-attribute.extractor';
import { PatternAttributeExtractor } from './pattern-attribute.extractor';
import { VlmAttributeExtractor } from './vlm-attribute.extractor';

export const PHOTO_EMBEDDING_DIMENSIONS = IMAGE_DIMENSIONS + COLOUR_DIMENSIONS;
export const PHOTO_EMBEDDING_MODEL = `${IMAGE_MODEL}+colour-hist`;

export interface PhotoAnnotation {
  attributes: AttributeValue[];
  embedding: Float32Array;
  embeddingModel: string;
  faceEmbedding?: Float32Array;
}

/** Decodes a stored photo once for every extractor (longest side ≤ 512). */
export async function decodePhoto(bytes: Buffer): Promise<DecodedPhoto> {
  const pipeline = sharp(bytes, { limitInputPixels: 100_000_000 }).rotate().resize(512, 512, {
    fit: 'inside',
    withoutEnlargement: true,
  });
  const { data, info } = await pipeline.clone().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const jpeg = await pipeline.clone().jpeg({ quality: 85 }).toBuffer();
  return { rgb: new Uint8Array(data), width: info.width, height: info.height, jpeg };
}

/**
 * Keeps, per attribute, the most confident reading of each value across extractors; single-valued attributes keep
 * only their best value.
 */
export function mergeAttributes(schema: AttributeSchema, lists: AttributeValue[][]): AttributeValue[] {
  const best = new Map<string, AttributeValue>();
  for (const a of lists.flat()) {
    const spec = schema.spec(a.name);
    if (!spec || !schema.has(a.name, a.value)) continue;
    const key = spec.multi ? `${a.name}=${a.value}` : a.name;
    const prev = best.get(key);
    if (!prev || a.confidence > prev.confidence) best.set(key, a);
  }
  return [...best.values()].sort((a, b) => a.name.localeCompare(b.name) || b.confidence - a.confidence);
}

/** Photo embedding: MobileNetV2 features and a colour histogram, each weighted, the whole unit-length. */
export function composePhotoEmbedding(image: Float32Array | null, colour: Float32Array): Float32Array {
  const out = new Float32Array(PHOTO_EMBEDDING_DIMENSIONS);
  if (image) for (let i = 0; i < IMAGE_DIMENSIONS; i++) out[i] = 0.8 * image[i];
  for (let i = 0; i < COLOUR_DIMENSIONS; i++) out[IMAGE_DIMENSIONS + i] = 0.6 * colour[i];
  let sum = 0;
  for (const x of out) sum += x * x;
  if (sum > 0) for (let i = 0; i < out.length; i++) out[i] /= Math.sqrt(sum);
  return out;
}

/** Runs the configured extractors and the embedder on one photo. */
@Injectable()
export class PhotoAnnotator {
  readonly schema = new AttributeSchema();
  private readonly extractors: AttributeExtractor[];

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    encoder: ContrastiveEncoder,
  ) {
    this.extractors = buildExtractors(this.schema, config, encoder);
  }

  /** The extractors that run now (the contrastive one only while a checkpoint is loaded). */
  extractorNames(): string[] {
    return this.extractors.filter((e) => !(e instanceof ContrastiveTypeExtractor) || e.active).map((e) => e.name);
  }

  async annotate(bytes: Buffer): Promise<PhotoAnnotation> {
    const photo = await decodePhoto(bytes);
    // Embedding features first: the contrastive extractor reads the same MobileNetV2 features.
    const colour = await imageColourFeatures(photo.jpeg);
    const image =
      this.config.env.RECOMMENDER_IMAGE_FEATURES === 'mobilenet'
        ? (await (await ImageEmbedder.load()).embed([photo.jpeg]))[0]
        : null;
    photo.features = { image, colour };
    const results = [];
    for (const e of this.extractors) results.push(await e.extract(photo));
    return {
      attributes: mergeAttributes(
        this.schema,
        results.map((r) => r.attributes),
      ),
      embedding: composePhotoEmbedding(image, colour),
      embeddingModel: image ? PHOTO_EMBEDDING_MODEL : 'colour-hist',
      faceEmbedding: results.find((r) => r.faceEmbedding)?.faceEmbedding,
    };
  }
}

export function buildExtractors(
  schema: AttributeSchema,
  config: ServiceConfig<'recommender'>,
  encoder: ContrastiveEncoder,
): AttributeExtractor[] {
  const env = config.env;
  return env.VISUAL_EXTRACTORS.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name): AttributeExtractor => {
      switch (name) {
        case 'colour':
          return new ColourAttributeExtractor(schema);
        case 'pattern':
          return new PatternAttributeExtractor();
        case 'human':
          return new HumanAttributeExtractor(schema, { segmentation: env.VISUAL_SEGMENTATION === 'on' });
        case 'vlm':
          return new VlmAttributeExtractor(schema, {
            baseUrl: env.VLM_BASE_URL,
            apiKey: env.VLM_API_KEY,
            model: env.VLM_MODEL,
            timeoutMs: env.VLM_TIMEOUT_MS,
          });
        case 'contrastive':
          return new ContrastiveTypeExtractor(schema, encoder);
        default:
          throw new Error(`VISUAL_EXTRACTORS: unknown extractor ${name} (colour, pattern, human, vlm, contrastive)`);
      }
    });
}
