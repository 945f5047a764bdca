/**
 * Dating-profile aggregation eval (npm run eval:profiles): how a profile's photo scores should combine.
 *
 * Fixture: the 22 shared CelebA faces (celeba-sample: NON-COMMERCIAL research use, read by path) are 22 people;
 * each has their face and 2 fashion-product-images outfits of one colour (their style: Black, Blue, White or Red)
 * as profile photos. Photos are embedded and annotated as the recommender does (MobileNetV2 + colour histogram;
 * colour and pattern extractors). Labels (CelebA hair colour, fashion baseColour) only build queries and judge.
 * Query: like one person's face + one unused outfit of a colour, dislike one unused outfit of another colour; that
 * person is left out of the pool. Gain = [same hair colour] + [same outfit colour]; nDCG@5 per query.
 * Queries whose face has an even index are the dev half (the aggregation is chosen there); the odd half is the test
 * half, reported and never used to choose. Baseline: random order. 95% bootstrap CIs over queries.
 *
 *   node dist/scripts/eval/eval-profiles.js [--data DIR] [--embedding mobilenet|colour]
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ImageEmbedder } from '@atelier/ml-runtime';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import { ColourAttributeExtractor } from '../../apps/recommender/src/attributes/colour-attribute.extractor';
import { PatternAttributeExtractor } from '../../apps/recommender/src/attributes/pattern-attribute.extractor';
import {
  composePhotoEmbedding,
  decodePhoto,
  mergeAttributes,
} from '../../apps/recommender/src/attributes/photo-annotator';
import { imageColourFeatures } from '../../apps/recommender/src/features/colour-features';
import {
  bootstrapMean,
  evaluateAggregation,
  randomBaseline,
  type EvalPerson,
  type EvalPhoto,
  type EvalQuery,
} from '../../apps/recommender/src/profiles/profile-evaluation';
import { AGGREGATIONS, SOFTMAX_TEMPERATURE } from '../../apps/recommender/src/profiles/profile-matcher';
import { readCelebaFaces, readOutfits } from '../../apps/recommender/src/profiles/profile-fixture';

const STYLES = ['Black', 'Blue', 'White', 'Red'];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: resolve(__dirname, '..', '..', '..', '..', 'shared', 'data') },
      embedding: { type: 'string', default: 'mobilenet' },
    },
  });
  const schema = new AttributeSchema();
  const extractors = [new ColourAttributeExtractor(schema), new PatternAttributeExtractor()];
  const embedder = values.embedding === 'mobilenet' ? await ImageEmbedder.load() : undefined;
  const started = Date.now();
  const annotate = async (id: string, file: string): Promise<EvalPhoto> => {
    const bytes = await readFile(file);
    const image = embedder ? (await embedder.embed([bytes]))[0] : null;
    const decoded = await decodePhoto(bytes);
    const results = await Promise.all(extractors.map((e) => e.extract(decoded)));
    return {
      id,
      embedding: composePhotoEmbedding(image, await imageColourFeatures(bytes)),
      attributes: mergeAttributes(
        schema,
        results.map((r) => r.attributes),
      ),
    };
  };

  const faces = readCelebaFaces(values.data);
  const outfits = readOutfits(values.data);
  const byColour = new Map(STYLES.map((c) => [c, outfits.filter((o) => o.baseColour === c)]));
  const take = (c: string) => {
    const o = byColour.get(c)?.shift();
    if (!o) throw new Error(`not enough ${c} outfits`);
    return o;
  };
  const people: EvalPerson[] = [];
  const facePhotos: EvalPhoto[] = [];
  for (const [i, f] of faces.entries()) {
    const style = STYLES[i % STYLES.length];
    const face = await annotate(`face-${i}`, f.file);
    facePhotos.push(face);
    const photos = [face];
    for (let j = 0; j < 2; j++) {
      const o = take(style);
      photos.push(await annotate(`outfit-${o.id}`, o.file));
    }
    people.push({ userId: `person-${i}`, hair: f.hair, style, photos });
  }
  // Query outfits: unused ones, 2 per colour.
  const queryOutfits = new Map<string, EvalPhoto[]>();
  for (const c of STYLES) {
    const list: EvalPhoto[] = [];
    for (let j = 0; j < 2; j++) {
      const o = take(c);
      list.push(await annotate(`query-${o.id}`, o.file));
    }
    queryOutfits.set(c, list);
  }
  const annotateSeconds = (Date.now() - started) / 1000;

  const dev: EvalQuery[] = [];
  const test: EvalQuery[] = [];
  for (const [i, p] of people.entries()) {
    for (const [s, style] of STYLES.entries()) {
      const other = STYLES[(s + 1 + (i % 3)) % STYLES.length];
      const q: EvalQuery = {
        excluded: p.userId,
        hair: p.hair,
        style,
        positives: [facePhotos[i], (queryOutfits.get(style) as EvalPhoto[])[i % 2]],
        negatives: [(queryOutfits.get(other) as EvalPhoto[])[(i + 1) % 2]],
      };
      (i % 2 === 0 ? dev : test).push(q);
    }
  }
  const fmt = (r: { mean: number; lo: number; hi: number }) =>
    `${r.mean.toFixed(3)} [${r.lo.toFixed(3)}, ${r.hi.toFixed(3)}]`;
  console.log(
    `profiles: ${people.length} people × 3 photos, embedding ${values.embedding}, annotated in ${annotateSeconds.toFixed(1)} s, ` +
      `load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
  );
  console.log(`queries: dev ${dev.length}, test ${test.length}; nDCG@5 (mean [95% bootstrap CI])`);
  console.log(`| method | dev | test |\n|---|---|---|`);
  console.log(
    `| random order | ${fmt(bootstrapMean(randomBaseline(people, dev)))} | ${fmt(bootstrapMean(randomBaseline(people, test)))} |`,
  );
  let chosen = { name: '', dev: -1 };
  for (const a of AGGREGATIONS) {
    const d = bootstrapMean(evaluateAggregation(schema, people, dev, a));
    const t = bootstrapMean(evaluateAggregation(schema, people, test, a));
    const label = a === 'softmax' ? `softmax (τ = ${SOFTMAX_TEMPERATURE})` : a;
    console.log(`| ${label} | ${fmt(d)} | ${fmt(t)} |`);
    if (d.mean > chosen.dev) chosen = { name: a, dev: d.mean };
  }
  console.log(`chosen on dev: ${chosen.name}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
