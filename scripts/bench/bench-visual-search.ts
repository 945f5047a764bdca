/**
 * npm run bench:visual-search
 *
 * 1. Search: 100k synthetic annotated photos (256-d clustered unit vectors + 5 attributes each) in the HNSW index.
 *    Visual search with 5 positive + 5 negative examples (k = 10: candidate search, fuzzy attribute scoring,
 *    rerank, relevance threshold, DPP, explanations) — p50/p99 per strategy, with and without a 1% hard filter —
 *    against the index's bare top-10 query for the same Rocchio target on the same vectors (the ratio).
 * 2. Annotation throughput (photos/s) on fashion-product-images 300x400 photos: colour + pattern + MobileNetV2
 *    embedding, and with the @vladmandic/human face/object extractor added, with VISUAL_SEGMENTATION off and on
 *    (the person mask runs only on photos with a face; the run says how many had one). Round-robin per photo.
 *
 *   node dist/scripts/bench/bench-visual-search.js [--items 100000] [--queries 200] [--photos 60]
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@atelier/config';
import { HnswVectorIndex, randomUnitVectors } from '@atelier/vector-index';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import { PhotoAnnotator } from '../../apps/recommender/src/attributes/photo-annotator';
import type { AttributeReading } from '../../apps/recommender/src/visual-search/attribute-profile';
import { VisualCatalogIndex, type CatalogPhoto } from '../../apps/recommender/src/visual-search/visual-catalog-index';
import {
  rocchioTarget,
  VisualSearchEngine,
  type SearchStrategy,
} from '../../apps/recommender/src/visual-search/visual-search-engine';

const D = 256;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (ns: bigint) => Number(ns) / 1e6;

function syntheticCatalog(n: number, schema: AttributeSchema): CatalogPhoto[] {
  const clusters = 200;
  const centres = randomUnitVectors(clusters, D, 1);
  const noise = randomUnitVectors(n, D, 2);
  let s = 12345;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = (name: string) => {
    const values = schema.spec(name)?.values ?? [];
    return values[Math.floor(rand() * values.length)].value;
  };
  const photos: CatalogPhoto[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    const v = new Float32Array(D);
    let norm = 0;
    for (let j = 0; j < D; j++) {
      v[j] = centres[c * D + j] + 0.6 * noise[i * D + j];
      norm += v[j] * v[j];
    }
    for (let j = 0; j < D; j++) v[j] /= Math.sqrt(norm);
    const attributes: AttributeReading[] = ['gender', 'age_group', 'hair_colour', 'expression', 'vibe'].map((name) => ({
      name,
      value: pick(name),
      confidence: 0.5 + 0.5 * rand(),
    }));
    // A 1%-selective attribute for the filtered runs.
    if (i % 100 === 7) attributes.push({ name: 'setting', value: 'beach', confidence: 0.9 });
    photos.push({ id: `p${i}`, ownerId: `u${i % 5000}`, embedding: v, attributes });
  }
  return photos;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: 'string', default: '100000' },
      queries: { type: 'string', default: '200' },
      photos: { type: 'string', default: '60' },
      data: {
        type: 'string',
        default: resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'fashion-product-images'),
      },
    },
  });
  const n = Number(values.items);
  const schema = new AttributeSchema();
  const photos = syntheticCatalog(n, schema);
  const index = new HnswVectorIndex(D);
  const catalog = new VisualCatalogIndex(D, index);
  let t = process.hrtime.bigint();
  catalog.addMany(photos, (ids, data) => index.addBatch(ids, data));
  console.log(
    `catalog: ${n} synthetic annotated photos, ${D}-d, HNSW built in ${(ms(process.hrtime.bigint() - t) / 1000).toFixed(1)} s`,
  );
  const engine = new VisualSearchEngine(schema, catalog);
  const queries = Number(values.queries);
  // 5 positives from one cluster (ids ≡ c mod 200), 5 negatives from the next one.
  const makeQuery = (q: number) => {
    const c = (q * 37) % 200;
    const positives = Array.from({ length: 5 }, (_, i) => photos[(c + 200 * (i + 5 * q)) % n]);
    const negatives = Array.from({ length: 5 }, (_, i) => photos[(((c + 1) % 200) + 200 * (i + 5 * q)) % n]);
    return { positives, negatives };
  };
  const rows: Array<[string, number, number]> = [];
  // Baseline: the bare index query for the same target.
  const bare: number[] = [];
  for (let q = 0; q < queries; q++) {
    const { positives, negatives } = makeQuery(q);
    const target = rocchioTarget(
      positives.map((p) => p.embedding),
      negatives.map((p) => p.embedding),
      0.5,
      D,
    );
    t = process.hrtime.bigint();
    index.search(target, 10);
    bare.push(ms(process.hrtime.bigint() - t));
  }
  bare.sort((a, b) => a - b);
  rows.push(['bare HNSW top-10 (same target)', pct(bare, 50), pct(bare, 99)]);
  const runs: Array<[string, SearchStrategy, Record<string, string[]> | undefined]> = [
    ['visual search average_vector', 'average_vector', undefined],
    ['visual search best_score', 'best_score', undefined],
    ['average_vector + 1% filter', 'average_vector', { setting: ['beach'] }],
    ['average_vector + 50% filter', 'average_vector', { gender: ['female'] }],
  ];
  let emptyFiltered = 0;
  for (const [label, strategy, filters] of runs) {
    const lat: number[] = [];
    for (let q = 0; q < queries; q++) {
      const { positives, negatives } = makeQuery(q);
      t = process.hrtime.bigint();
      const r = engine.search({ positives, negatives, filters, k: 10, strategy, gamma: 0.5, threshold: true });
      lat.push(ms(process.hrtime.bigint() - t));
      if (filters && r.matched.length === 0 && !r.noGoodMatch) emptyFiltered++;
    }
    lat.sort((a, b) => a - b);
    rows.push([label, pct(lat, 50), pct(lat, 99)]);
  }
  console.log(
    `\n${queries} queries, 5 positives + 5 negatives, k = 10\n| query | p50 ms | p99 ms | p50 / bare p50 |\n|---|---|---|---|`,
  );
  for (const [label, p50, p99] of rows) {
    console.log(`| ${label} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${(p50 / rows[0][1]).toFixed(1)}x |`);
  }
  if (emptyFiltered) console.log(`(filtered queries that came back empty without "no good match": ${emptyFiltered})`);

  // Annotation throughput on real photos.
  const dir = join(values.data, 'images_300x400');
  const files = readdirSync(dir).sort().slice(0, Number(values.photos));
  const bytes = await Promise.all(files.map((f) => readFile(join(dir, f))));
  const annotationRuns: Array<[string, 'on' | 'off']> = [
    ['colour,pattern', 'off'],
    ['colour,pattern,human', 'off'],
    ['colour,pattern,human', 'on'],
  ];
  const annotators = annotationRuns.map(
    ([extractors, segmentation]) =>
      new PhotoAnnotator(
        loadConfig('recommender', {
          VISUAL_EXTRACTORS: extractors,
          VISUAL_SEGMENTATION: segmentation,
          RECOMMENDER_IMAGE_FEATURES: 'mobilenet',
        }),
      ),
  );
  for (const annotator of annotators) await annotator.annotate(bytes[0]); // model loading and warm-up off the clock
  // Round-robin per photo, each configuration on its own clock: load from other work on the machine falls on all.
  const spent = annotators.map(() => 0);
  let withFace = 0;
  for (const b of bytes) {
    for (const [i, annotator] of annotators.entries()) {
      t = process.hrtime.bigint();
      const { attributes } = await annotator.annotate(b);
      spent[i] += ms(process.hrtime.bigint() - t) / 1000;
      if (i === 1 && attributes.some((a) => a.name === 'age_group' || a.name === 'gender')) withFace++;
    }
  }
  console.log(`\nannotation: ${bytes.length} photos (300x400), ${withFace} with a face; one worker, sequential`);
  console.log(
    '| extractors + MobileNetV2 embedding | VISUAL_SEGMENTATION | s | photos/s | vs first row |\n|---|---|---|---|---|',
  );
  annotationRuns.forEach(([extractors, segmentation], i) => {
    const rate = bytes.length / spent[i];
    console.log(
      `| ${extractors} | ${extractors.includes('human') ? segmentation : '—'} | ${spent[i].toFixed(1)} | ` +
        `${rate.toFixed(2)} | ${(spent[0] / spent[i]).toFixed(2)}x |`,
    );
  });
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
