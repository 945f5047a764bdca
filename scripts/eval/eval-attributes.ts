/**
 * Attribute extraction measured on the labelled photos in ../shared/data (npm run eval:attributes).
 *
 * - colour: ColourAttributeExtractor on fashion-product-images/images_300x400, baseColour mapped to the schema;
 *   exact accuracy, accuracy within the schema's similarity neighbourhood (similarity ≥ 0.5, i.e. CIEDE2000 ≤ 18),
 *   per-class recall and the most frequent confusions.
 * - pattern: PatternAttributeExtractor on hm-fashion-sample photos, graphical_appearance_name mapped to the schema.
 * - faces: HumanAttributeExtractor on celeba-sample (gender ← Male, young ← Young, smiling ← Smiling, hair colour).
 * Every row is compared with the majority-class baseline measured on the same images.
 *
 *   node dist/scripts/eval/eval-attributes.js [--data DIR] [--limit N] [--skip-faces]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import type { AttributeExtractor } from '../../apps/recommender/src/attributes/attribute-extractor';
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
): Promise<Array<{ image: LabelledImage; predicted: Record<string, string> }>> {
  const out = [];
  for (const image of images) {
    const photo = await decodePhoto(await readFile(image.file));
    const { attributes } = await extractor.extract(photo);
    out.push({ image, predicted: predictedLabels(attributes) });
  }
  return out;
}

function report(
  schema: AttributeSchema,
  results: Array<{ image: LabelledImage; predicted: Record<string, string> }>,
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
      'skip-faces': { type: 'boolean', default: false },
    },
  });
  const limit = values.limit ? Number(values.limit) : Infinity;
  const schema = new AttributeSchema();

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
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
