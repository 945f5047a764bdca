/**
 * Attribute extraction measured on the labelled photos in ../shared/data (npm run eval:attributes).
 *
 * - colour: ColourAttributeExtractor on fashion-product-images/images_300x400, baseColour mapped to the schema;
 *   exact accuracy, accuracy within the schema's similarity neighbourhood (similarity ≥ 0.5, i.e. CIEDE2000 ≤ 18),
 *   per-class recall and the most frequent confusions.
 * - pattern: PatternAttributeExtractor on hm-fashion-sample photos, graphical_appearance_name mapped to the schema.
 * - faces: HumanAttributeExtractor on celeba-sample (gender ← Male, young ← Young, smiling ← Smiling, hair colour),
 *   hair colour read twice on the same photos: from the fixed boxes around the face (VISUAL_SEGMENTATION=off) and
 *   from the person mask (on), side by side with per-class recall, where each value came from and the cost.
 * - clothing: the same two readings of clothing_colour on fashion-product-images Topwear photos where Human finds a
 *   face (the model wears the product: truth = its baseColour).
 * Every row is compared with the majority-class baseline measured on the same images.
 *
 *   node dist/scripts/eval/eval-attributes.js [--data DIR] [--limit N] [--clothing-photos N]
 *     [--sections colour,pattern,faces,clothing] [--skip-faces]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import type { AttributeExtractor, AttributeValue } from '../../apps/recommender/src/attributes/attribute-extractor';
import {
  agreement,
  defaultSharedDataDir,
  loadCelebA,
  loadFashionColours,
  loadHmPatterns,
  perClassRecall,
  predictedLabels,
  topConfusions,
  type AgreementReport,
  type LabelledImage,
} from '../../apps/recommender/src/attributes/attribute-evaluation';
import { ColourAttributeExtractor } from '../../apps/recommender/src/attributes/colour-attribute.extractor';
import { HumanAttributeExtractor } from '../../apps/recommender/src/attributes/human-attribute.extractor';
import { PatternAttributeExtractor } from '../../apps/recommender/src/attributes/pattern-attribute.extractor';
import { decodePhoto } from '../../apps/recommender/src/attributes/photo-annotator';

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);

async function predict(
  images: LabelledImage[],
  extractor: AttributeExtractor,
): Promise<Array<{ image: LabelledImage; predicted: Record<string, string>; sources: Record<string, string> }>> {
  const out = [];
  for (const image of images) {
    const photo = await decodePhoto(await readFile(image.file));
    const { attributes } = await extractor.extract(photo);
    out.push({ image, predicted: predictedLabels(attributes), sources: attributeSources(attributes) });
  }
  return out;
}

type Predictions = Awaited<ReturnType<typeof predict>>;

interface Timed {
  results: Predictions;
  msPerPhoto: number;
}

/**
 * Both extractors on each photo in turn (decoded once), each timed on its own: interleaved, so load from other work
 * on the machine falls on both alike. Models are loaded and warmed up on the first photo beforehand.
 */
async function predictPaired(
  images: LabelledImage[],
  a: AttributeExtractor,
  b: AttributeExtractor,
): Promise<[Timed, Timed]> {
  const runs: [Timed, Timed] = [
    { results: [], msPerPhoto: 0 },
    { results: [], msPerPhoto: 0 },
  ];
  if (images.length === 0) return runs;
  const first = await decodePhoto(await readFile(images[0].file));
  await a.extract(first);
  await b.extract(first);
  for (const image of images) {
    const photo = await decodePhoto(await readFile(image.file));
    for (const [i, extractor] of [a, b].entries()) {
      const started = process.hrtime.bigint();
      const { attributes } = await extractor.extract(photo);
      runs[i].msPerPhoto += Number(process.hrtime.bigint() - started) / 1e6;
      runs[i].results.push({ image, predicted: predictedLabels(attributes), sources: attributeSources(attributes) });
    }
  }
  for (const r of runs) r.msPerPhoto /= images.length;
  return runs;
}

function attributeSources(attributes: AttributeValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of attributes) out[a.name] = a.source;
  return out;
}

const countBy = (xs: string[]) =>
  [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');

/**
 * Old (fixed boxes) vs new (person mask) reading of one colour attribute on the same photos: accuracy table,
 * per-class recall side by side, where the values came from, and the photos only one of them got right.
 */
function compareReadings(
  schema: AttributeSchema,
  title: string,
  attribute: string,
  old: Timed,
  seg: Timed,
  extraRows: AgreementReport[] = [],
): void {
  const a = report(schema, old.results, attribute);
  const b = report(schema, seg.results, attribute);
  printTable(title, [
    ...extraRows,
    { ...a, attribute: `${attribute} · face regions (off)` },
    { ...b, attribute: `${attribute} · segmentation (on)` },
  ]);
  const recallA = new Map(perClassRecall(a).map((c) => [c.truth, c]));
  console.log(`${attribute}: per-class recall (truth, photos, face regions → segmentation, most frequent prediction)`);
  console.table(
    perClassRecall(b).map((c) => ({
      truth: c.truth,
      n: c.n,
      'recall · face regions': pct(recallA.get(c.truth)?.recall),
      'top · face regions': recallA.get(c.truth)?.top ?? '—',
      'recall · segmentation': pct(c.recall),
      'top · segmentation': c.top,
    })),
  );
  const labelled = (r: Predictions) => r.filter((x) => x.image.labels[attribute] !== undefined);
  const la = labelled(old.results);
  const lb = labelled(seg.results);
  let onlyOld = 0;
  let onlySeg = 0;
  la.forEach((x, i) => {
    const truth = x.image.labels[attribute];
    const okA = x.predicted[attribute] === truth;
    const okB = lb[i].predicted[attribute] === truth;
    if (okA && !okB) onlyOld++;
    if (okB && !okA) onlySeg++;
  });
  const sources = (r: Predictions) => countBy(labelled(r).map((x) => x.sources[attribute] ?? 'no value'));
  console.log(
    `Sources · face regions: ${sources(old.results)}; · segmentation: ${sources(seg.results)}\n` +
      `Paired on the same ${la.length} photos: right only with face regions ${onlyOld}, right only with ` +
      `segmentation ${onlySeg} (sign test p = ${signTestP(onlyOld, onlySeg).toFixed(3)}, two-sided)\n` +
      `Cost: ${old.msPerPhoto.toFixed(0)} ms/photo (off) vs ${seg.msPerPhoto.toFixed(0)} ms/photo (on), ` +
      `+${(seg.msPerPhoto - old.msPerPhoto).toFixed(0)} ms for the person mask`,
  );
}

/** Two-sided exact sign test (McNemar) on the discordant pairs. */
function signTestP(a: number, b: number): number {
  const n = a + b;
  if (n === 0) return 1;
  let tail = 0;
  let c = 1; // C(n, 0)
  for (let k = 0; k <= Math.min(a, b); k++) {
    tail += c;
    c = (c * (n - k)) / (k + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

function report(
  schema: AttributeSchema,
  results: Predictions,
  attribute: string,
  schemaAttribute?: string,
): AgreementReport {
  const pairs = results
    .filter((r) => r.image.labels[attribute] !== undefined)
    .map((r) => ({ truth: r.image.labels[attribute], predicted: r.predicted[attribute] }));
  return agreement(schema, attribute, pairs, schemaAttribute);
}

function printTable(title: string, reports: AgreementReport[]): void {
  console.log(`\n${title}`);
  console.table(
    reports.map((r) => ({
      attribute: r.attribute,
      n: r.n,
      'no value': r.missing,
      accuracy: pct(r.accuracy),
      'within neighbourhood': pct(r.nearAccuracy),
      'majority class': r.majorityLabel,
      'majority accuracy': pct(r.majorityAccuracy),
      'majority within nbhd': pct(r.majorityNearAccuracy),
      'Δ vs majority (pp)': (100 * (r.accuracy - r.majorityAccuracy)).toFixed(1),
    })),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: defaultSharedDataDir() },
      limit: { type: 'string' },
      'clothing-photos': { type: 'string', default: '200' },
      sections: { type: 'string', default: 'colour,pattern,faces,clothing' },
      'skip-faces': { type: 'boolean', default: false },
    },
  });
  const limit = values.limit ? Number(values.limit) : Infinity;
  const sections = new Set(values.sections.split(',').map((x) => x.trim()));
  if (values['skip-faces']) {
    sections.delete('faces');
    sections.delete('clothing');
  }
  const schema = new AttributeSchema();

  if (sections.has('colour')) {
    const fashion = loadFashionColours(values.data);
    const colourImages = fashion.images.slice(0, limit);
    const started = Date.now();
    const colour = report(schema, await predict(colourImages, new ColourAttributeExtractor(schema)), 'colour');
    printTable(
      `Colour — fashion-product-images/images_300x400 (${colour.n} photos, ${fashion.unmapped} with unmappable ` +
        `baseColour left out; ${((Date.now() - started) / colour.n).toFixed(0)} ms/photo)`,
      [colour],
    );
    console.log('Per-class recall (truth label, photos, recall, most frequent prediction):');
    console.table(perClassRecall(colour).map((c) => ({ ...c, recall: pct(c.recall) })));
    console.log(
      'Top confusions: ' +
        topConfusions(colour)
          .map((c) => `${c.truth}→${c.predicted} ×${c.count}`)
          .join(', '),
    );
  }

  if (sections.has('pattern')) {
    const hm = loadHmPatterns(values.data);
    const started = Date.now();
    const pattern = report(
      schema,
      await predict(hm.images.slice(0, limit), new PatternAttributeExtractor()),
      'pattern',
    );
    printTable(
      `Pattern — hm-fashion-sample (${pattern.n} photos, ${hm.unmapped} with other structures left out; ` +
        `${((Date.now() - started) / Math.max(1, pattern.n)).toFixed(0)} ms/photo)`,
      [pattern],
    );
    console.log('Per-class recall:');
    console.table(perClassRecall(pattern).map((c) => ({ ...c, recall: pct(c.recall) })));
  }

  // The same Human models either way; `segmentation` only decides where hair and clothing colour are read.
  const regions = new HumanAttributeExtractor(schema, { segmentation: false });
  const segmentation = new HumanAttributeExtractor(schema, { segmentation: true });

  if (sections.has('faces')) {
    const faces = loadCelebA(values.data).slice(0, limit);
    const [old, seg] = await predictPaired(faces, regions, segmentation);
    const hairLabelled = faces.filter((f) => f.labels.hair_colour).length;
    compareReadings(
      schema,
      `Faces — celeba-sample (${faces.length} faces, ${hairLabelled} with exactly one hair-colour label; ` +
        `non-commercial fixture; Human on WASM)`,
      'hair_colour',
      old,
      seg,
      [
        report(schema, seg.results, 'gender'),
        report(schema, seg.results, 'young', undefined),
        report(schema, seg.results, 'smiling', undefined),
      ],
    );
    console.log(
      'Hair confusions · face regions: ' +
        topConfusions(report(schema, old.results, 'hair_colour'))
          .map((c) => `${c.truth}→${c.predicted} ×${c.count}`)
          .join(', ') +
        '\nHair confusions · segmentation: ' +
        topConfusions(report(schema, seg.results, 'hair_colour'))
          .map((c) => `${c.truth}→${c.predicted} ×${c.count}`)
          .join(', '),
    );
  }

  if (sections.has('clothing')) {
    const topwear = loadFashionColours(values.data, { attribute: 'clothing_colour', subCategory: 'Topwear' });
    const photos = topwear.images.slice(0, Math.min(limit, Number(values['clothing-photos'])));
    const [old, seg] = await predictPaired(photos, regions, segmentation);
    // Only photos with a face say anything about clothing; both readings share the same face detection.
    const withFace = new Set(
      old.results.filter((r) => r.predicted.gender || r.predicted.age_group).map((r) => r.image.id),
    );
    const keep = (r: Predictions) => r.filter((x) => withFace.has(x.image.id));
    compareReadings(
      schema,
      `Clothing — fashion-product-images Topwear, model photos (${withFace.size} of ${photos.length} photos have a ` +
        `face; truth = baseColour; photos without a face cost detection only)`,
      'clothing_colour',
      { ...old, results: keep(old.results) },
      { ...seg, results: keep(seg.results) },
    );
    // No hair labels here, but studio models rarely have white or grey hair: white/grey is the backdrop leaking in.
    const hairValues = (r: Predictions) => countBy(keep(r).map((x) => x.predicted.hair_colour ?? 'no value'));
    console.log(
      `Hair colour read on the same ${withFace.size} model photos (unlabelled, white studio backdrop) · face regions: ` +
        `${hairValues(old.results)}\n  · segmentation: ${hairValues(seg.results)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
