/**
 * Trains the visual-search metric head (npm run train:visual-head): a linear projection of the stored photo
 * embedding (MobileNetV2 + colour histogram) to a 64-d unit space, cosine softmax over class proxies of articleType,
 * baseColour, usage and gender of fashion-product-images. Products with id % 5 == 0 (held-out test) and id % 5 == 1
 * (dev, where eval:visual-search picks its settings) are never trained on. Writes RECOMMENDER_MODELS_DIR/
 * visual-head-v1.json, which the recommender loads at start.
 *
 *   node dist/scripts/train-visual-head.js [--epochs 25] [--dim 64] [--lr 0.003] [--scale 16] [--models DIR]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@atelier/config';
import {
  saveVisualHead,
  trainVisualHead,
  type HeadTask,
  type VisualHead,
} from '../apps/recommender/src/visual-search/visual-head';
import { loadFashionPhotos, type FashionPhoto } from './eval/fashion-photo-features';

export const HELD_OUT = (id: string) => Number(id) % 5 === 0;
export const DEV = (id: string) => Number(id) % 5 === 1;

const LABELS: Record<string, (p: FashionPhoto) => string> = {
  type: (p) => p.articleType,
  colour: (p) => p.baseColour,
  usage: (p) => p.usage,
  gender: (p) => p.gender,
};

function task(name: string, label: (p: FashionPhoto) => string, train: FashionPhoto[]): HeadTask {
  const counts = new Map<string, number>();
  for (const p of train) {
    const v = label(p);
    if (v && v !== 'NA') counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  // Classes with at least 2 training photos (a singleton proxy only memorises its photo).
  const classes = [...counts.entries()]
    .filter(([, c]) => c >= 2)
    .map(([v]) => v)
    .sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  return { name, classes, labels: Int32Array.from(train, (p) => index.get(label(p)) ?? -1) };
}

/** 1-NN label accuracy of `query` photos against `gallery` photos in the given space. */
function nnAccuracy(
  gallery: FashionPhoto[],
  query: FashionPhoto[],
  embed: (p: FashionPhoto) => Float32Array,
  label: (p: FashionPhoto) => string,
): number {
  const g = gallery.map(embed);
  let hits = 0;
  for (const q of query) {
    const v = embed(q);
    let best = -Infinity;
    let bestIdx = 0;
    g.forEach((x, i) => {
      let s = 0;
      for (let d = 0; d < v.length; d++) s += v[d] * x[d];
      if (s > best) [best, bestIdx] = [s, i];
    });
    if (label(gallery[bestIdx]) === label(q)) hits++;
  }
  return hits / Math.max(1, query.length);
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const { values } = parseArgs({
    options: {
      'cached-only': { type: 'boolean', default: false },
      data: { type: 'string', default: resolve(root, '..', 'shared', 'data', 'fashion-product-images') },
      cache: { type: 'string', default: join(root, 'var', 'visual-search') },
      models: { type: 'string', default: loadConfig('recommender', {}).env.RECOMMENDER_MODELS_DIR },
      epochs: { type: 'string', default: '25' },
      dim: { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.003' },
      scale: { type: 'string', default: '16' },
      tasks: { type: 'string', default: 'type,colour,usage,gender' },
    },
  });
  const photos = await loadFashionPhotos(values.data, values.cache, undefined, undefined, !values['cached-only']);
  const train = photos.filter((p) => !HELD_OUT(p.id) && !DEV(p.id));
  const dev = photos.filter((p) => DEV(p.id));
  const names = values.tasks.split(',').filter((n) => LABELS[n]);
  const tasks = names.map((n) => task(n, LABELS[n], train));
  console.log(
    `fashion-product-images: ${photos.length} photos; training on ${train.length} (id % 5 ∉ {0, 1}), ` +
      `dev ${dev.length} (id % 5 == 1), held out ${photos.filter((p) => HELD_OUT(p.id)).length} (id % 5 == 0)`,
  );
  console.log(`tasks: ${tasks.map((t) => `${t.name} (${t.classes.length} classes)`).join(', ')}`);
  const started = Date.now();
  const { head, loss } = trainVisualHead(
    train.map((p) => p.embedding),
    tasks,
    {
      epochs: Number(values.epochs),
      output: Number(values.dim),
      learningRate: Number(values.lr),
      scale: Number(values.scale),
      log: (l) => console.log(l),
    },
  );
  const seconds = (Date.now() - started) / 1000;
  const space = (h: VisualHead | undefined) => (p: FashionPhoto) => (h ? h.project(p.embedding) : p.embedding);
  const metrics: Record<string, number> = { loss, seconds };
  for (const [name, label] of Object.entries({ type: LABELS.type, colour: LABELS.colour })) {
    metrics[`dev_1nn_${name}_raw`] = nnAccuracy(train, dev, space(undefined), label);
    metrics[`dev_1nn_${name}_head`] = nnAccuracy(train, dev, space(head), label);
  }
  console.log('dev 1-NN accuracy against the training photos (raw embedding → head):');
  for (const name of ['type', 'colour']) {
    console.log(
      `  ${name}: ${metrics[`dev_1nn_${name}_raw`].toFixed(3)} → ${metrics[`dev_1nn_${name}_head`].toFixed(3)}`,
    );
  }
  const file = await saveVisualHead(values.models, head, {
    tasks: names,
    split: {
      heldOut: 'fashion-product-images id % 5 == 0 (test) and id % 5 == 1 (dev)',
      trainProducts: train.length,
      trainIds: train.map((p) => p.id),
    },
    metrics,
  });
  console.log(`trained in ${seconds.toFixed(0)} s; wrote ${file}`);
}

if (require.main === module) {
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
