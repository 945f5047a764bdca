/**
 * Trains the recommender's contrastive image/text projection heads on fashion-product-images image–title pairs
 * and prints held-out Recall@10 against untrained baselines (npm run train:contrastive -- --help for options).
 *
 * Split: products with id % 5 == 1 are held out (never seen in training, BM25 statistics or normalisation); the
 * checkpoint records the training ids so evaluations can check they search only unseen products.
 * Half the texts of each step (--query-views) are 1–3 random words of the item instead of its whole record, so the
 * text tower also embeds short queries and type names in distribution.
 * Image features (MobileNetV2 from nsfwjs on tfjs-wasm + colour histogram) are cached under var/contrastive.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@atelier/config';
import { parseCsv } from '../apps/recommender/src/catalog/csv';
import { imageColourFeatures } from '../apps/recommender/src/features/colour-features';
import { IMAGE_MODEL, ImageEmbedder } from '@atelier/ml-runtime';
import { TEXT_DIMENSIONS } from '../apps/recommender/src/features/item-vector';
import { Bm25Vectorizer, itemTokens } from '../apps/recommender/src/features/text-vectorizer';
import {
  CONTRASTIVE_IMAGE_INPUT,
  imageTowerInput,
  saveContrastiveCheckpoint,
} from '../apps/recommender/src/contrastive/contrastive-checkpoint';
import { ContrastiveModel, dot, pairedRecallAtK } from '../apps/recommender/src/contrastive/contrastive-model';
import { trainContrastive } from '../apps/recommender/src/contrastive/contrastive-trainer';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

interface Product {
  id: string;
  tokens: string[];
  articleType: string;
  baseColour: string;
}

function readProducts(dataDir: string, withImages: Set<string>): Product[] {
  const [header, ...rows] = parseCsv(readFileSyncUtf8(join(dataDir, 'styles.csv')));
  const col = (name: string) => header.indexOf(name);
  const products: Product[] = [];
  for (const r of rows) {
    const id = r[col('id')];
    if (!withImages.has(id)) continue;
    // The display name may hold unquoted commas: everything from its column on is the title.
    const title = r.slice(col('productDisplayName')).join(',').trim();
    const value = (name: string) => {
      const v = (r[col(name)] ?? '').trim();
      return v && v !== 'NA' ? v : undefined;
    };
    if (!title) continue;
    const attributes: Record<string, string> = {};
    for (const a of ['gender', 'baseColour', 'season', 'usage']) {
      const v = value(a);
      if (v) attributes[a] = v;
    }
    const categoryPath = ['masterCategory', 'subCategory', 'articleType'].map(value).filter((v): v is string => !!v);
    products.push({
      id,
      tokens: itemTokens({ title, categoryPath, attributes }),
      articleType: value('articleType') ?? '',
      baseColour: value('baseColour') ?? '',
    });
  }
  return products.sort((a, b) => Number(a.id) - Number(b.id));
}

function readFileSyncUtf8(file: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:fs') as typeof import('node:fs')).readFileSync(file, 'utf8');
}

/** Image-tower inputs per product id, computed once and cached as a flat Float32 file plus an id list. */
async function imageFeatures(
  products: Product[],
  imageDir: string,
  cacheDir: string,
): Promise<Map<string, Float32Array>> {
  const base = join(cacheDir, `fashion-60x80-${IMAGE_MODEL.replace(/[^a-z0-9]+/gi, '_')}`);
  const out = new Map<string, Float32Array>();
  if (existsSync(`${base}.json`)) {
    const ids = JSON.parse(await readFile(`${base}.json`, 'utf8')) as string[];
    const buf = await readFile(`${base}.f32`);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    ids.forEach((id, i) => out.set(id, all.slice(i * CONTRASTIVE_IMAGE_INPUT, (i + 1) * CONTRASTIVE_IMAGE_INPUT)));
  }
  const missing = products.filter((p) => !out.has(p.id));
  if (missing.length === 0) return out;
  const embedder = await ImageEmbedder.load();
  const started = Date.now();
  for (let i = 0; i < missing.length; i += 32) {
    const batch = missing.slice(i, i + 32);
    const bytes = await Promise.all(batch.map((p) => readFile(join(imageDir, `${p.id}.jpg`))));
    const cnn = await embedder.embed(bytes);
    const colours = await Promise.all(bytes.map((b) => imageColourFeatures(b)));
    batch.forEach((p, j) => out.set(p.id, imageTowerInput(cnn[j], colours[j])));
    if ((i / 32) % 20 === 0) {
      process.stdout.write(
        `  image features ${i + batch.length}/${missing.length} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      );
    }
  }
  await mkdir(cacheDir, { recursive: true });
  const ids = [...out.keys()];
  const flat = new Float32Array(ids.length * CONTRASTIVE_IMAGE_INPUT);
  ids.forEach((id, i) => flat.set(out.get(id) as Float32Array, i * CONTRASTIVE_IMAGE_INPUT));
  await writeFile(`${base}.f32`, Buffer.from(flat.buffer));
  await writeFile(`${base}.json`, JSON.stringify(ids));
  return out;
}

function normalise(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v));
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/**
 * Cross-modal baseline with no learning: a query's k nearest training neighbours in its own modality (raw
 * features, cosine) vote with the mean of their paired other-modality features, compared to the gallery raw.
 */
function neighbourBridge(
  queries: Float32Array[],
  trainSame: Float32Array[],
  trainOther: Float32Array[],
  k: number,
): Float32Array[] {
  return queries.map((q) => {
    const scored = trainSame
      .map((t, i) => [dot(q, t), i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, k);
    const mean = new Float32Array(trainOther[0].length);
    for (const [, i] of scored) for (let j = 0; j < mean.length; j++) mean[j] += trainOther[i][j];
    return normalise(mean);
  });
}

/** Raw rows centred on the training mean and L2-normalised, for cosine baselines. */
function centred(rows: Float32Array[], mean: Float32Array): Float32Array[] {
  return rows.map((r) => normalise(r.map((x, j) => x - mean[j])));
}

function meanOf(rows: Float32Array[]): Float32Array {
  const m = new Float32Array(rows[0].length);
  for (const r of rows) for (let j = 0; j < m.length; j++) m[j] += r[j] / rows.length;
  return m;
}

async function main(): Promise<void> {
  const root = repoRoot();
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: resolve(root, '..', 'shared', 'data', 'fashion-product-images') },
      // 0 = every product with a 60x80 photo (6,982 here); 1600 is the quick run of the first measurement.
      limit: { type: 'string', default: '0' },
      cache: { type: 'string', default: join(root, 'var', 'contrastive') },
      models: { type: 'string', default: loadConfig('recommender', {}).env.RECOMMENDER_MODELS_DIR },
      epochs: { type: 'string', default: '30' },
      batch: { type: 'string', default: '256' },
      hidden: { type: 'string', default: '0' },
      dim: { type: 'string', default: '128' },
      lr: { type: 'string', default: '0.001' },
      temperature: { type: 'string', default: '0.07' },
      'fixed-temperature': { type: 'boolean', default: false },
      'query-views': { type: 'string', default: '0.5' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm run train:contrastive -- [--limit 0 (all)] [--epochs 30] [--batch 256] [--hidden 0] [--dim 128] [--lr 0.001]\n' +
        '  [--temperature 0.07] [--fixed-temperature] [--query-views 0.5] [--data DIR] [--cache DIR] [--models DIR]',
    );
    return;
  }
  const imageDir = join(values.data, 'images_60x80');
  const files = new Set(readdirSync(imageDir).map((f) => f.replace(/\.jpg$/, '')));
  const products = readProducts(values.data, files).slice(0, Number(values.limit) || undefined);
  console.log(`fashion-product-images: ${products.length} products with a 60x80 photo and a title`);
  const features = await imageFeatures(products, imageDir, values.cache);

  const isTest = (p: Product) => Number(p.id) % 5 === 1;
  const train = products.filter((p) => !isTest(p));
  const test = products.filter(isTest);
  // BM25 statistics from the training side only.
  const bm25 = new Bm25Vectorizer({ dimensions: TEXT_DIMENSIONS }).fit(train.map((p) => p.tokens));
  const text = (ps: Product[]) => ps.map((p) => bm25.vector(p.tokens));
  const image = (ps: Product[]) => ps.map((p) => features.get(p.id) as Float32Array);
  const [trainImages, trainTexts, testImages, testTexts] = [image(train), text(train), image(test), text(test)];
  console.log(`split: ${train.length} train / ${test.length} held out (id % 5 == 1); gallery = the held-out set`);

  const hidden = Number(values.hidden);
  const dim = Number(values.dim);
  const model = new ContrastiveModel({
    image: { input: CONTRASTIVE_IMAGE_INPUT, hidden, output: dim },
    text: { input: TEXT_DIMENSIONS, hidden, output: dim },
    temperature: Number(values.temperature),
    learnTemperature: !values['fixed-temperature'],
    learningRate: Number(values.lr),
    seed: 42,
  });
  model.image.fitNormalisation(trainImages);
  model.text.fitNormalisation(trainTexts);

  const rows: Array<[string, number, number]> = [];
  const evaluate = (name: string, t: Float32Array[], i: Float32Array[]) =>
    rows.push([name, pairedRecallAtK(t, i, 10), pairedRecallAtK(i, t, 10)]);
  rows.push(['chance (10 / gallery)', 10 / test.length, 10 / test.length]);
  evaluate('untrained: random projection heads', model.text.embed(testTexts), model.image.embed(testImages));
  // Raw-feature bridge through the training pairs (no learned parameters).
  const imageMean = meanOf(trainImages);
  const [rawTrainImages, rawTestImages] = [centred(trainImages, imageMean), centred(testImages, imageMean)];
  const t2i = neighbourBridge(testTexts, trainTexts, rawTrainImages, 10);
  const i2t = neighbourBridge(rawTestImages, rawTrainImages, trainTexts, 10);
  rows.push([
    'raw features: 10-NN bridge via train pairs',
    pairedRecallAtK(t2i, rawTestImages, 10),
    pairedRecallAtK(i2t, testTexts, 10),
  ]);

  const started = Date.now();
  trainContrastive(
    model,
    trainImages,
    train.map((p) => p.tokens),
    bm25,
    {
      epochs: Number(values.epochs),
      batch: Number(values.batch),
      queryViews: Number(values['query-views']),
      seed: 7,
      onEpoch: (epoch, loss) => {
        if (epoch !== 1 && epoch % 5 !== 0 && epoch !== Number(values.epochs)) return;
        const r = pairedRecallAtK(model.text.embed(testTexts), model.image.embed(testImages), 10);
        console.log(
          `  epoch ${epoch}: loss ${loss.toFixed(3)}, temperature ${model.temperature.toFixed(3)}, ` +
            `held-out text→image R@10 ${r.toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
      },
    },
  );
  const trainedName = `trained: InfoNCE heads (${hidden ? `hidden ${hidden}` : 'linear'}, ${dim}-d)`;
  evaluate(trainedName, model.text.embed(testTexts), model.image.embed(testImages));

  console.log(`\nRecall@10 on ${test.length} held-out image–title pairs (each query's own pair is the target)`);
  console.log(`${'method'.padEnd(46)} ${'text→image'.padStart(11)} ${'image→text'.padStart(11)}`);
  for (const [name, a, b] of rows)
    console.log(`${name.padEnd(46)} ${a.toFixed(3).padStart(11)} ${b.toFixed(3).padStart(11)}`);
  const final = rows[rows.length - 1];
  const file = await saveContrastiveCheckpoint(
    values.models,
    model,
    bm25,
    {
      textToImageRecallAt10: final[1],
      imageToTextRecallAt10: final[2],
      heldOut: test.length,
      trainPairs: train.length,
    },
    { heldOut: 'fashion-product-images id % 5 == 1', trainIds: train.map((p) => p.id) },
  );
  console.log(`\ncheckpoint: ${file} (training ${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
