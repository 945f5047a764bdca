import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsv } from '../catalog/csv';
import type { AttributeSchema } from './attribute-schema';
import type { AttributeValue } from './attribute-extractor';

/** <repo>/../shared/data from apps/recommender/src/attributes (source) or dist/apps/recommender/src/attributes. */
export function defaultSharedDataDir(): string {
  const up = __dirname.includes(join('dist', 'apps')) ? 6 : 5;
  return resolve(__dirname, ...Array<string>(up).fill('..'), 'shared', 'data');
}

/**
 * fashion-product-images baseColour → schema colour. Only names with an unambiguous schema neighbour are mapped;
 * "Multi", "Peach", "Mauve" and the like stay out of the measurement (counted as unmapped).
 */
export const BASE_COLOUR_TO_SCHEMA: Readonly<Record<string, string>> = {
  Black: 'black',
  White: 'white',
  'Off White': 'white',
  Grey: 'grey',
  'Grey Melange': 'grey',
  Charcoal: 'grey',
  Silver: 'silver',
  Steel: 'silver',
  Metallic: 'silver',
  'Navy Blue': 'navy blue',
  Blue: 'blue',
  'Turquoise Blue': 'teal',
  Teal: 'teal',
  Green: 'green',
  'Sea Green': 'green',
  'Lime Green': 'green',
  'Fluorescent Green': 'green',
  Olive: 'olive',
  Yellow: 'yellow',
  Mustard: 'yellow',
  Orange: 'orange',
  Rust: 'orange',
  Red: 'red',
  Maroon: 'maroon',
  Burgundy: 'maroon',
  Pink: 'pink',
  Magenta: 'pink',
  Rose: 'pink',
  Purple: 'purple',
  Lavender: 'purple',
  Brown: 'brown',
  'Coffee Brown': 'brown',
  'Mushroom Brown': 'brown',
  Copper: 'brown',
  Beige: 'beige',
  Cream: 'beige',
  Tan: 'beige',
  Khaki: 'beige',
  Nude: 'beige',
  Skin: 'beige',
  Gold: 'gold',
  Bronze: 'gold',
};

/** H&M graphical_appearance_name → schema pattern; structures that are not a print/stripe/check are left out. */
export const HM_APPEARANCE_TO_PATTERN: Readonly<Record<string, string>> = {
  Solid: 'solid',
  Melange: 'solid',
  Stripe: 'striped',
  Check: 'checked',
  'All over pattern': 'printed',
  'Placement print': 'printed',
  'Front print': 'printed',
  Dot: 'printed',
  Other_pattern: 'printed',
};

export interface LabelledImage {
  id: string;
  file: string;
  /** Ground truth per attribute name (only the attributes this dataset labels). */
  labels: Record<string, string>;
}

/**
 * fashion-product-images 300x400 photos with their baseColour mapped to the schema (sorted by id), labelled as
 * `attribute` (`colour` of the product photo by default); `subCategory` keeps one subCategory only.
 */
export function loadFashionColours(
  dataDir: string,
  options: { attribute?: string; subCategory?: string } = {},
): { images: LabelledImage[]; unmapped: number } {
  const dir = join(dataDir, 'fashion-product-images');
  const have = new Set(readdirSync(join(dir, 'images_300x400')));
  const images: LabelledImage[] = [];
  let unmapped = 0;
  for (const line of readFileSync(join(dir, 'styles.csv'), 'utf8').split('\n').slice(1)) {
    const f = line.split(',');
    if (f.length < 9 || !have.has(`${f[0]}.jpg`)) continue;
    if (options.subCategory && f[3] !== options.subCategory) continue;
    const colour = BASE_COLOUR_TO_SCHEMA[f[5]];
    if (!colour) {
      unmapped++;
      continue;
    }
    const labels = { [options.attribute ?? 'colour']: colour };
    images.push({ id: f[0], file: join(dir, 'images_300x400', `${f[0]}.jpg`), labels });
  }
  images.sort((a, b) => Number(a.id) - Number(b.id));
  return { images, unmapped };
}

/** hm-fashion-sample photos with graphical_appearance_name mapped to the schema's pattern. */
export function loadHmPatterns(dataDir: string): { images: LabelledImage[]; unmapped: number } {
  const dir = join(dataDir, 'hm-fashion-sample');
  const [header, ...rows] = parseCsv(readFileSync(join(dir, 'articles.csv'), 'utf8'));
  const col = (name: string) => header.indexOf(name);
  const images: LabelledImage[] = [];
  let unmapped = 0;
  for (const r of rows) {
    if (r[col('has_image')] !== '1') continue;
    const pattern = HM_APPEARANCE_TO_PATTERN[r[col('graphical_appearance_name')]];
    if (!pattern) {
      unmapped++;
      continue;
    }
    const id = r[col('article_id')];
    images.push({ id, file: join(dir, 'images', `${id}.jpg`), labels: { pattern } });
  }
  images.sort((a, b) => a.id.localeCompare(b.id));
  return { images, unmapped };
}

const CELEBA_HAIR: Array<[string, string]> = [
  ['Black_Hair', 'black'],
  ['Blond_Hair', 'blonde'],
  ['Brown_Hair', 'brown'],
  ['Gray_Hair', 'grey'],
];

/**
 * celeba-sample faces: gender from Male, young (yes/no) from Young, smiling (yes/no) from Smiling, hair colour when
 * exactly one of the hair-colour attributes is set.
 */
export function loadCelebA(dataDir: string): LabelledImage[] {
  const dir = join(dataDir, 'celeba-sample');
  const [header, ...rows] = parseCsv(readFileSync(join(dir, 'list_attr_celeba_subset.csv'), 'utf8'));
  const get = (r: string[], name: string) => r[header.indexOf(name)] === '1';
  return rows.map((r) => {
    const labels: Record<string, string> = {
      gender: get(r, 'Male') ? 'male' : 'female',
      young: get(r, 'Young') ? 'yes' : 'no',
      smiling: get(r, 'Smiling') ? 'yes' : 'no',
    };
    const hair = CELEBA_HAIR.filter(([attr]) => get(r, attr));
    if (hair.length === 1) labels.hair_colour = hair[0][1];
    return { id: r[0], file: join(dir, 'images', r[0]), labels };
  });
}

/** CelebA's "Young" is a rater's impression; an estimated age group up to 30–44 counts as young. */
const YOUNG_GROUPS = new Set(['child', 'teen', '18-29', '30-44']);

/** Predictions in the evaluation's label space (CelebA's yes/no attributes derived from schema attributes). */
export function predictedLabels(attributes: AttributeValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of attributes) out[a.name] = a.value;
  if (out.age_group) out.young = YOUNG_GROUPS.has(out.age_group) ? 'yes' : 'no';
  if (out.expression) out.smiling = out.expression === 'happy' ? 'yes' : 'no';
  return out;
}

export interface AgreementReport {
  attribute: string;
  /** Images with a label for this attribute. */
  n: number;
  /** Images where the extractor returned no value (counted as wrong). */
  missing: number;
  accuracy: number;
  /** Prediction within the schema's similarity neighbourhood (similarity ≥ 0.5), for colour attributes. */
  nearAccuracy?: number;
  majorityLabel: string;
  majorityAccuracy: number;
  majorityNearAccuracy?: number;
  /** truth → predicted → count. */
  confusion: Map<string, Map<string, number>>;
}

/** Accuracy of predictions against labels for one attribute, with the majority-class baseline on the same images. */
export function agreement(
  schema: AttributeSchema,
  attribute: string,
  pairs: Array<{ truth: string; predicted: string | undefined }>,
  schemaAttribute: string | undefined = attribute,
): AgreementReport {
  const counts = new Map<string, number>();
  for (const p of pairs) counts.set(p.truth, (counts.get(p.truth) ?? 0) + 1);
  const majorityLabel = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
  const colour = schemaAttribute ? schema.spec(schemaAttribute)?.kind === 'colour' : false;
  const near = (a: string | undefined, b: string) =>
    a !== undefined && schemaAttribute !== undefined && schema.similarity(schemaAttribute, a, b) >= 0.5;
  const confusion = new Map<string, Map<string, number>>();
  let hit = 0;
  let nearHit = 0;
  let majNear = 0;
  let missing = 0;
  for (const { truth, predicted } of pairs) {
    if (predicted === undefined) missing++;
    if (predicted === truth) hit++;
    if (near(predicted, truth)) nearHit++;
    if (near(majorityLabel, truth)) majNear++;
    const row = confusion.get(truth) ?? new Map<string, number>();
    row.set(predicted ?? '—', (row.get(predicted ?? '—') ?? 0) + 1);
    confusion.set(truth, row);
  }
  const n = pairs.length;
  const rate = (k: number) => (n ? k / n : 0);
  return {
    attribute,
    n,
    missing,
    accuracy: rate(hit),
    nearAccuracy: colour ? rate(nearHit) : undefined,
    majorityLabel,
    majorityAccuracy: rate(counts.get(majorityLabel) ?? 0),
    majorityNearAccuracy: colour ? rate(majNear) : undefined,
    confusion,
  };
}

/** The most frequent confusions (truth → predicted, excluding hits), for a one-line summary per dataset. */
export function topConfusions(
  report: AgreementReport,
  k = 8,
): Array<{ truth: string; predicted: string; count: number }> {
  const out: Array<{ truth: string; predicted: string; count: number }> = [];
  for (const [truth, row] of report.confusion)
    for (const [predicted, count] of row) if (predicted !== truth) out.push({ truth, predicted, count });
  return out.sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth)).slice(0, k);
}

/** Per-class recall rows (truth, n, hits) for the confusion summary table. */
export function perClassRecall(
  report: AgreementReport,
): Array<{ truth: string; n: number; recall: number; top: string }> {
  return [...report.confusion]
    .map(([truth, row]) => {
      const n = [...row.values()].reduce((s, x) => s + x, 0);
      const top = [...row].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '—';
      return { truth, n, recall: (row.get(truth) ?? 0) / n, top };
    })
    .sort((a, b) => b.n - a.n || a.truth.localeCompare(b.truth));
}
