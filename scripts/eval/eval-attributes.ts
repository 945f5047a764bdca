/**
 * Attribute extraction measured on the labelled photos in ../shared/data (npm run eval:attributes).
 *
 * - colour: ColourAttributeExtractor on fashion-product-images/images_300x400, baseColour mapped to the schema;
 *   exact accuracy, accuracy within the schema's similarity neighbourhood (similarity ≥ 0.5, i.e. CIEDE2000 ≤ 18),
 *   per-class recall and the most frequent confusions.
 * - pattern: PatternAttributeExtractor on hm-fashion-sample photos, graphical_appearance_name mapped to the schema.
 * - faces: HumanAttributeExtractor on celeba-sample (gender ← Male, young ← Young, smiling ← Smiling, hair colour).
 * - product type: ContrastiveTypeExtractor (zero-shot with the contrastive towers of the checkpoint in --models) on
 *   the checkpoint's held-out fashion photos (id % 5 == 1, none among its training ids), articleType mapped to the
 *   schema's product_type; 60x80 photos (the training resolution) and 300x400 ones. Skipped without a checkpoint.
 * Every row is compared with the majority-class baseline measured on the same images.
 *
 *   node dist/scripts/eval/eval-attributes.js [--data DIR] [--limit N] [--skip-faces] [--models DIR] [--only-type]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '@atelier/config';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import type { AttributeExtractor } from '../../apps/recommender/src/attributes/attribute-extractor';
import {
  agreement,
  defaultSharedDataDir,
  loadCelebA,
  loadFashionColours,
  loadFashionTypes,
  loadHmPatterns,
  perClassRecall,
  predictedLabels,
  topConfusions,
  type AgreementReport,
  type LabelledImage,
} from '../../apps/recommender/src/attributes/attribute-evaluation';
import { ColourAttributeExtractor } from '../../apps/recommender/src/attributes/colour-attribute.extractor';
import { ContrastiveTypeExtractor } from '../../apps/recommender/src/attributes/contrastive-type.extractor';
import { ContrastiveEncoder } from '../../apps/recommender/src/contrastive/contrastive-encoder';
import { loadContrastiveCheckpoint } from '../../apps/recommender/src/contrastive/contrastive-checkpoint';
import { HumanAttributeExtractor } from '../../apps/recommender/src/attributes/human-attribute.extractor';
import { PatternAttributeExtractor } from '../../apps/recommender/src/attributes/pattern-attribute.extractor';
import { decodePhoto } from '../../apps/recommender/src/attributes/photo-annotator';

const pct = (x: number | undefined) => (x === undefined ? '—' : `${(100 * x).toFixed(1)}%`);

interface Prediction {
  image: LabelledImage;
  predicted: Record<string, string>;
  confidence: Record<string, number>;
}

async function predict(images: LabelledImage[], extractor: AttributeExtractor): Promise<Prediction[]> {
  const out = [];
  for (const image of images) {
    const photo = await decodePhoto(await readFile(image.file));
    const { attributes } = await extractor.extract(photo);
    out.push({
      image,
      predicted: predictedLabels(attributes),
      confidence: Object.fromEntries(attributes.map((a) => [a.name, a.confidence])),
    });
  }
  return out;
}

function report(
  schema: AttributeSchema,
  results: Prediction[],
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

const HELD_OUT_RULE = 'fashion-product-images id % 5 == 1';

/** Zero-shot product type with the contrastive towers on the checkpoint's held-out photos. */
async function evaluateProductType(schema: AttributeSchema, dataDir: string, modelsDir: string, limit: number) {
  const checkpoint = await loadContrastiveCheckpoint(modelsDir);
  if (!checkpoint) {
    console.log(`\nProduct type — skipped: no contrastive checkpoint in ${modelsDir} (npm run train:contrastive)`);
    return;
  }
  if (checkpoint.split?.heldOut !== HELD_OUT_RULE) {
    throw new Error(`${checkpoint.file} does not record the split "${HELD_OUT_RULE}": retrain it`);
  }
  const trained = new Set(checkpoint.split.trainIds);
  const heldOut = (id: string) => Number(id) % 5 === 1 && !trained.has(id);
  const encoder = new ContrastiveEncoder(loadConfig('recommender', { RECOMMENDER_MODELS_DIR: modelsDir }));
  await encoder.onModuleInit();
  const extractor = new ContrastiveTypeExtractor(schema, encoder);
  const classifier = extractor.typeClassifier();
  console.log(
    `\nProduct type — zero-shot with ${checkpoint.file} (temperature ${classifier.temperature.toFixed(3)}, ` +
      `${classifier.values.length} schema types` +
      (classifier.unencodable.length ? `; no known word for: ${classifier.unencodable.join(', ')}` : '') +
      `); held-out photos only (${HELD_OUT_RULE}, none among the ${trained.size} training ids)`,
  );
  const pair = (a: string, b: string) => `${a}~${b} ${classifier.classSimilarity(a, b)?.toFixed(2) ?? '—'}`;
  console.log(
    `Text-tower cosine of type prompts vs the schema's similarity data: ${pair('shirt', 't-shirt')}, ` +
      `${pair('shirt', 'shoes')}, ${pair('jeans', 'trousers')}, ${pair('sneakers', 'shoes')}, ${pair('watch', 'bag')} ` +
      `(schema: shirt~t-shirt ${schema.similarity('product_type', 'shirt', 't-shirt')}, ` +
      `shirt~shoes ${schema.similarity('product_type', 'shirt', 'shoes')})`,
  );
  for (const folder of ['images_60x80', 'images_300x400']) {
    const set = loadFashionTypes(dataDir, folder, heldOut);
    const images = set.images.slice(0, limit);
    const started = Date.now();
    const results = await predict(images, extractor);
    const r = report(schema, results, 'product_type');
    printTable(
      `Product type — fashion-product-images/${folder}, held out (${r.n} photos, ${set.unmapped} with an article ` +
        `type outside the schema left out; ${((Date.now() - started) / Math.max(1, r.n)).toFixed(0)} ms/photo)`,
      [r],
    );
    const conf = (right: boolean) => {
      const xs = results
        .filter((x) => (x.predicted.product_type === x.image.labels.product_type) === right)
        .map((x) => x.confidence.product_type ?? 0);
      return xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2) : '—';
    };
    console.log(`Mean confidence (softmax at the checkpoint's temperature): right ${conf(true)}, wrong ${conf(false)}`);
    console.log('Per-class recall:');
    console.table(perClassRecall(r).map((c) => ({ ...c, recall: pct(c.recall) })));
    console.log(
      'Top confusions: ' +
        topConfusions(r)
          .map((c) => `${c.truth}→${c.predicted} ×${c.count}`)
          .join(', '),
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: defaultSharedDataDir() },
      limit: { type: 'string' },
      'skip-faces': { type: 'boolean', default: false },
      models: { type: 'string', default: loadConfig('recommender', {}).env.RECOMMENDER_MODELS_DIR },
      'only-type': { type: 'boolean', default: false },
    },
  });
  const limit = values.limit ? Number(values.limit) : Infinity;
  const schema = new AttributeSchema();
  if (values['only-type']) {
    await evaluateProductType(schema, values.data, values.models, limit);
    return;
  }

  const fashion = loadFashionColours(values.data);
  const colourImages = fashion.images.slice(0, limit);
  let started = Date.now();
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

  const hm = loadHmPatterns(values.data);
  started = Date.now();
  const pattern = report(schema, await predict(hm.images.slice(0, limit), new PatternAttributeExtractor()), 'pattern');
  printTable(
    `Pattern — hm-fashion-sample (${pattern.n} photos, ${hm.unmapped} with other structures left out; ` +
      `${((Date.now() - started) / Math.max(1, pattern.n)).toFixed(0)} ms/photo)`,
    [pattern],
  );
  console.log('Per-class recall:');
  console.table(perClassRecall(pattern).map((c) => ({ ...c, recall: pct(c.recall) })));

  if (!values['skip-faces']) {
    const faces = loadCelebA(values.data).slice(0, limit);
    started = Date.now();
    const results = await predict(faces, new HumanAttributeExtractor(schema));
    const reports = [
      report(schema, results, 'gender'),
      report(schema, results, 'young', undefined),
      report(schema, results, 'smiling', undefined),
      report(schema, results, 'hair_colour'),
    ];
    printTable(
      `Faces — celeba-sample (${faces.length} faces, non-commercial fixture; Human on WASM, ` +
        `${((Date.now() - started) / Math.max(1, faces.length)).toFixed(0)} ms/photo incl. model load)`,
      reports,
    );
    console.log(
      'Hair confusions: ' +
        topConfusions(reports[3])
          .map((c) => `${c.truth}→${c.predicted} ×${c.count}`)
          .join(', '),
    );
  }
  await evaluateProductType(schema, values.data, values.models, limit);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
