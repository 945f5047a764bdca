/**
 * Catalogue search measured on held-out fashion products (npm run eval:search -- --help).
 *
 * A recommender runs in a throwaway environment (own database, storage, namespace) with the contrastive checkpoint
 * from --models. Its catalogue is the held-out products of that checkpoint's split (fashion-product-images
 * id % 5 == 1 with a 60x80 photo), checked against the training ids the checkpoint records, so no training pair is
 * searched. They are imported as a shop without structured data would have them: title and photo only (labels
 * withheld; --with-labels also imports category and colour/gender attributes).
 *
 * Queries are written from the held-out items' labels, "navy blue men tshirts" (baseColour gender articleType) in
 * English and, through the attribute schema's Russian labels, "тёмно-синий мужской футболка"; a query is kept when at
 * least --min-relevant items carry its labels and some of them have a title without all its words. Each query runs
 * through GET /v1/catalog/search with mode=lexical (PostgreSQL full text + trigram, the search without a checkpoint),
 * mode=semantic (text tower → image-tower item embeddings) and mode=hybrid (reciprocal rank fusion); relevant =
 * colour, gender and article type all match.
 *
 * `--lexical-only` needs no checkpoint: the same held-out rule (no training ids to exclude), only mode=lexical, so
 * Russian queries (through @atelier/ru-en) and English ones can be compared on the full-text search alone.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@atelier/config';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import { loadContrastiveCheckpoint } from '../../apps/recommender/src/contrastive/contrastive-checkpoint';
import {
  buildLabelQueries,
  meanScores,
  readFashionProducts,
  scoreRanking,
  type FashionProduct,
  type LabelQuery,
  type QueryLanguage,
  type QueryScores,
} from '../../apps/recommender/src/search/search-evaluation';
import { migrateAll, provisionAll } from '../db';
import { MeshSupervisor } from '../mesh/mesh-supervisor';
import { throwawayEnvironment } from '../mesh/throwaway-environment';
import { defaultDataDir } from './datasets';

const HELD_OUT_RULE = 'fashion-product-images id % 5 == 1';
const MODES = ['lexical', 'semantic', 'hybrid'] as const;
type Mode = (typeof MODES)[number];
const SHOP = { 'x-user-id': '00000000-0000-4000-8000-000000000001', 'x-user-role': 'shop' };

interface SearchBody {
  semantic: boolean;
  ignoredTerms?: string[];
  items: Array<{ externalId: string; matchedBy: string[] }>;
}

async function json<T>(res: Response, what: string): Promise<T> {
  const body = (await res.json()) as T;
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 400)}`);
  return body;
}

async function importCatalogue(
  base: string,
  products: FashionProduct[],
  imageDir: string,
  withLabels: boolean,
): Promise<void> {
  for (let i = 0; i < products.length; i += 500) {
    const items = await Promise.all(
      products.slice(i, i + 500).map(async (p) => ({
        externalId: p.id,
        title: p.title,
        imageBase64: (await readFile(join(imageDir, `${p.id}.jpg`))).toString('base64'),
        ...(withLabels
          ? {
              categoryPath: [p.masterCategory, p.subCategory, p.articleType].filter(Boolean),
              attributes: { gender: p.gender, baseColour: p.baseColour },
            }
          : {}),
      })),
    );
    await json(
      await fetch(`${base}/v1/catalog/import`, {
        method: 'POST',
        headers: { ...SHOP, 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      }),
      'catalog import',
    );
  }
}

async function waitIndexed(base: string, count: number): Promise<void> {
  const started = Date.now();
  let last = -1;
  for (;;) {
    const h = await json<{ indexed: number; semanticSearch: { enabled: boolean; indexed: number } }>(
      await fetch(`${base}/v1/recommendations/health`, { headers: SHOP }),
      'health',
    );
    if (!h.semanticSearch.enabled) throw new Error('the recommender did not load the contrastive checkpoint');
    if (h.semanticSearch.indexed >= count && h.indexed >= count) return;
    if (h.semanticSearch.indexed !== last && h.semanticSearch.indexed % 200 < 20) {
      console.log(`  indexed ${h.semanticSearch.indexed}/${count} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    last = h.semanticSearch.indexed;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const f3 = (x: number) => x.toFixed(3);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: join(defaultDataDir(), 'fashion-product-images') },
      models: { type: 'string', default: loadConfig('recommender', {}).env.RECOMMENDER_MODELS_DIR },
      limit: { type: 'string', default: '100000' },
      k: { type: 'string', default: '10' },
      'min-relevant': { type: 'string', default: '3' },
      'with-labels': { type: 'boolean', default: false },
      'lexical-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm run eval:search -- [--models DIR] [--data DIR] [--limit N] [--k 10] [--min-relevant 3] [--with-labels] [--lexical-only]',
    );
    return;
  }
  const k = Number(values.k);
  const lexicalOnly = values['lexical-only'];
  const modes: readonly Mode[] = lexicalOnly ? ['lexical'] : MODES;
  const checkpoint = lexicalOnly ? undefined : await loadContrastiveCheckpoint(values.models);
  if (!lexicalOnly) {
    if (!checkpoint) throw new Error(`no contrastive checkpoint in ${values.models}: run npm run train:contrastive`);
    if (!checkpoint.split) throw new Error(`${checkpoint.file} does not record its training split: retrain it`);
    if (checkpoint.split.heldOut !== HELD_OUT_RULE) {
      throw new Error(`${checkpoint.file} holds out "${checkpoint.split.heldOut}", this evaluation "${HELD_OUT_RULE}"`);
    }
  }
  const trained = new Set(checkpoint?.split?.trainIds ?? []);
  const imageDir = join(values.data, 'images_60x80');
  const photos = new Set(readdirSync(imageDir).map((f) => f.replace(/\.jpg$/, '')));
  const catalogue = readFashionProducts(
    values.data,
    (id) => photos.has(id) && Number(id) % 5 === 1 && !trained.has(id),
  ).slice(0, Number(values.limit));
  const leaked = catalogue.filter((p) => trained.has(p.id)).length;
  console.log(
    `${checkpoint ? `checkpoint ${checkpoint.file} (${checkpoint.trainedAt})` : 'no checkpoint (--lexical-only)'}: ${trained.size} training pairs; catalogue ` +
      `${catalogue.length} held-out products (${HELD_OUT_RULE}, 60x80 photo), ${leaked} of them among the training ids`,
  );
  if (leaked > 0) throw new Error('held-out catalogue overlaps the training pairs');

  const schema = new AttributeSchema();
  const queries: LabelQuery[] = (['en', 'ru'] as QueryLanguage[]).flatMap((language) =>
    buildLabelQueries(catalogue, language, schema, Number(values['min-relevant'])),
  );
  const articleTypeOf = new Map(catalogue.map((p) => [p.id, p.articleType]));

  const throwaway = throwawayEnvironment({
    RECOMMENDER_MODELS_DIR: lexicalOnly ? mkdtempSync(join(tmpdir(), 'atelier-no-models-')) : resolve(values.models),
    RECOMMENDER_REFRESH_INTERVAL_MS: '30000',
    VISUAL_EXTRACTORS: 'colour',
  });
  await provisionAll(throwaway.env);
  await migrateAll(throwaway.env);
  const mesh = new MeshSupervisor({
    env: throwaway.env,
    basePort: 24000 + Math.floor(Math.random() * 4000) * 6,
    logDir: resolve(__dirname, '..', '..', '..', 'var', 'eval-logs', throwaway.id),
  });
  try {
    await mesh.start('recommender');
    const base = mesh.url('recommender');
    const started = Date.now();
    await importCatalogue(base, catalogue, imageDir, values['with-labels']);
    if (!lexicalOnly) await waitIndexed(base, catalogue.length);
    console.log(
      `imported and indexed ${catalogue.length} items in ${((Date.now() - started) / 1000).toFixed(0)} s ` +
        `(${values['with-labels'] ? 'title, photo, category and colour/gender attributes' : 'title and photo only'})`,
    );

    const scores = new Map<string, QueryScores[]>();
    const sources = new Map<string, { both: number; text: number; image: number }>();
    const latencies = new Map<Mode, number[]>();
    const ignored = new Map<string, number>();
    const examples = new Map<QueryLanguage, string[]>();
    for (const q of queries) {
      for (const mode of modes) {
        const t0 = process.hrtime.bigint();
        const body = await json<SearchBody>(
          await fetch(`${base}/v1/catalog/search?q=${encodeURIComponent(q.text)}&limit=${k}&mode=${mode}`, {
            headers: SHOP,
          }),
          `search "${q.text}" (${mode})`,
        );
        latencies.set(mode, [...(latencies.get(mode) ?? []), Number(process.hrtime.bigint() - t0) / 1e6]);
        const ranked = body.items.map((i) => i.externalId);
        const key = `${q.language}|${mode}`;
        scores.set(key, [...(scores.get(key) ?? []), scoreRanking(ranked, q, k, articleTypeOf)]);
        if (mode === 'hybrid') {
          const s = sources.get(q.language) ?? { both: 0, text: 0, image: 0 };
          for (const i of body.items) {
            if (i.matchedBy.length > 1) s.both++;
            else if (i.matchedBy[0] === 'text') s.text++;
            else s.image++;
          }
          sources.set(q.language, s);
        }
        if (mode === 'semantic') for (const t of body.ignoredTerms ?? []) ignored.set(t, (ignored.get(t) ?? 0) + 1);
        const shown = examples.get(q.language) ?? [];
        if (mode === modes[modes.length - 1] && shown.length < 3) {
          const marks = ranked.map((id) => (q.relevant.has(id) ? '✓' : '·')).join('');
          examples.set(q.language, [...shown, `  "${q.text}" (${q.relevant.size} relevant): ${marks}`]);
        }
      }
    }

    for (const language of ['en', 'ru'] as QueryLanguage[]) {
      const list = queries.filter((q) => q.language === language);
      if (list.length === 0) continue;
      const relevant = list.reduce((a, q) => a + q.relevant.size, 0) / list.length;
      const nonLiteral = list.reduce((a, q) => a + q.relevant.size - q.literal.size, 0) / list.length;
      console.log(
        `\n${language === 'en' ? 'English' : 'Russian'} label queries: ${list.length} (mean ${relevant.toFixed(1)} relevant ` +
          `items each, ${nonLiteral.toFixed(1)} of them with a title lacking some query word), k = ${k}`,
      );
      console.log(`| method | P@${k} | R@${k} | R@${k} non-literal titles | type P@${k} | answered |`);
      console.log('|---|---|---|---|---|---|');
      for (const mode of modes) {
        const m = meanScores(scores.get(`${language}|${mode}`) ?? []);
        const name = {
          lexical: 'lexical (full text + trigram; today)',
          semantic: 'semantic (text tower → photos)',
          hybrid: 'hybrid (RRF)',
        }[mode];
        console.log(
          `| ${name} | ${f3(m.precision)} | ${f3(m.recall)} | ${f3(m.nonLiteralRecall)} | ${f3(m.typePrecision)} | ${(100 * m.answered).toFixed(0)}% |`,
        );
      }
      const s = sources.get(language);
      if (s) {
        const total = s.both + s.text + s.image || 1;
        console.log(
          `hybrid results found by: both ${((100 * s.both) / total).toFixed(0)}%, text only ` +
            `${((100 * s.text) / total).toFixed(0)}%, image only ${((100 * s.image) / total).toFixed(0)}%`,
        );
      }
    }
    if (ignored.size) {
      const top = [...ignored].sort((a, b) => b[1] - a[1]).slice(0, 12);
      console.log(`\nquery words the text tower never saw (left out): ${top.map(([t, n]) => `${t} ×${n}`).join(', ')}`);
    }
    console.log(`\n${modes[modes.length - 1] ?? 'hybrid'} top-${k} of a few queries (✓ labels match):`);
    for (const e of [...examples.values()].flat()) console.log(e);
    const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))];
    console.log(
      '\nlatency over HTTP, p50 / p95: ' +
        modes
          .map(
            (m) =>
              `${m} ${pct(latencies.get(m) ?? [0], 50).toFixed(1)} / ${pct(latencies.get(m) ?? [0], 95).toFixed(1)} ms`,
          )
          .join(', '),
    );
  } finally {
    await mesh.stopAll();
    await throwaway.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
