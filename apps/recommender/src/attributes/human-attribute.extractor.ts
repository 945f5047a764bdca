import type { AttributeSchema } from './attribute-schema';
import {
  clamp01,
  type AttributeExtractor,
  type AttributeValue,
  type DecodedPhoto,
  type ExtractionResult,
} from './attribute-extractor';
import { nameDominantColour, regionPixels, whiteBorderShare } from './colour-regions';
import { loadHuman, type HumanFace } from './human-runtime';

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

/** Maps Human's face and object detections to schema attributes (pure, so it is tested without the models). */
export function faceAttributes(
  schema: AttributeSchema,
  photo: DecodedPhoto,
  faces: HumanFace[],
  objects: Array<{ label: string; score: number }>,
  source = 'human',
): AttributeValue[] {
  const out: AttributeValue[] = [];
  const face = [...faces].sort((a, b) => b.boxRaw[2] * b.boxRaw[3] - a.boxRaw[2] * a.boxRaw[3])[0];
  if (face) {
    if (face.gender === 'female' || face.gender === 'male') {
      out.push({ name: 'gender', value: face.gender, confidence: clamp01(face.genderScore ?? 0.5), source });
    }
    if (typeof face.age === 'number' && face.age > 0) out.push({ name: 'age_group', ...ageGroup(face.age), source });
    const emotion = [...(face.emotion ?? [])].sort((a, b) => b.score - a.score)[0];
    if (emotion && schema.has('expression', emotion.emotion)) {
      out.push({ name: 'expression', value: emotion.emotion, confidence: clamp01(emotion.score), source });
    }
    const [x, y, w, h] = face.boxRaw;
    // Hair: the band above and at the top of the face box; clothing: the torso below the chin.
    const hair = nameDominantColour(
      schema,
      'hair_colour',
      regionPixels(photo, [x + 0.1 * w, y - 0.3 * h, 0.8 * w, 0.35 * h]),
    );
    if (hair) out.push({ name: 'hair_colour', value: hair.value, confidence: hair.confidence * 0.8, source });
    const torso = regionPixels(photo, [x - 0.4 * w, y + 1.3 * h, 1.8 * w, 1.5 * h]);
    const clothing = nameDominantColour(schema, 'clothing_colour', torso, 64);
    if (clothing)
      out.push({ name: 'clothing_colour', value: clothing.value, confidence: clothing.confidence * 0.7, source });
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

/** Faces (age, gender, expression, embedding, hair and clothing colour) and scene objects via @vladmandic/human. */
export class HumanAttributeExtractor implements AttributeExtractor {
  readonly name = 'human';

  constructor(private readonly schema: AttributeSchema) {}

  async extract(photo: DecodedPhoto): Promise<ExtractionResult> {
    const human = await loadHuman();
    const tensor = human.tf.tensor3d(photo.rgb, [photo.height, photo.width, 3], 'int32');
    try {
      const result = await human.detect(tensor);
      const attributes = faceAttributes(this.schema, photo, result.face, result.object, this.name);
      const largest = [...result.face].sort((a, b) => b.boxRaw[2] * b.boxRaw[3] - a.boxRaw[2] * a.boxRaw[3])[0];
      return {
        attributes,
        faceEmbedding: largest?.embedding?.length ? Float32Array.from(largest.embedding) : undefined,
      };
    } finally {
      tensor.dispose();
    }
  }
}
