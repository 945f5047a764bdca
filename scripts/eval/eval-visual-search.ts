/**
 * Visual search on fashion-product-images labels (npm run eval:visual-search).
 *
 * Every 60x80 photo is annotated by the built-in extractors (colour from measured CIELAB, pattern cues) and embedded
 * as the recommender stores it (MobileNetV2 features + colour histogram), cached under var/visual-search; labels are
 * used only to build queries and judge results. Products are split by id: id % 5 == 0 held out (test, never trained
 * on, never tuned on), id % 5 == 1 dev (settings and the default strategy are picked here), the rest "shared" (the
 * metric head's training products). Each split is searched as its own catalogue, in the raw embedding and in the
 * trained head's space (RECOMMENDER_MODELS_DIR/visual-head-v1.json, when present).
 *
 * Query: one per distinct articleType|baseColour group with ≥ 5 + --min-left photos in the split (no group sampled twice):
 * 5 positives of the group, 5 negatives of the same type in other colours. Relevant = same type and colour.
 * precision@10 per strategy with the dislikes and on the likes alone (same query), 95% bootstrap CIs over queries,
 * and the paired difference with − without.
 *
 *   node dist/scripts/eval/eval-visual-search.js [--split all|shared|dev|held-out] [--queries 0 (all groups)]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@atelier/config';
import { ExactVectorIndex } from '@atelier/vector-index';
import { AttributeSchema } from '../../apps/recommender/src/attributes/attribute-schema';
import { VisualCatalogIndex } from '../../apps/recommender/src/visual-search/visual-catalog-index';
import { loadVisualHead, type VisualHead } from '../../apps/recommender/src/visual-search/visual-head';
import { SEARCH_STRATEGIES, type SearchStrategy } from '../../apps/recommender/src/visual-search/visual-search-engine';
import {
  bootstrapCi,
  buildQueries,
  evaluateVisualSearch,
  meanOf,
  pairedDiff,
  type EvalMethod,
  type LabelledPhoto,
} from '../../apps/recommender/src/visual-search/visual-search-evaluation';
import { loadFashionPhotos, type FashionPhoto } from './fashion-photo-features';

const SPLITS: Record<string, (id: string) => boolean> = {
  shared: (id) => Number(id) % 5 >= 2,
  dev: (id) => Number(id) % 5 === 1,
  'held-out': (id) => Number(id) % 5 === 0,
};

const fmt = (x: number) => x.toFixed(3);
const ci = (xs: number[]) => {
  const [lo, hi] = bootstrapCi(xs);
  return `[${fmt(lo)}, ${fmt(hi)}]`;
};

function catalogOf(photos: LabelledPhoto[]): VisualCatalogIndex {
  const d = photos[0].embedding.length;
  const catalog = new VisualCatalogIndex(d, new ExactVectorIndex(d));
  for (const p of photos)
    catalog.upsert({ id: p.id, ownerId: 'catalog', embedding: p.embedding, attributes: p.attributes });
  return catalog;
}

function labelled(photos: FashionPhoto[], head: VisualHead | undefined): LabelledPhoto[] {
  return photos.map((p) => ({
    id: p.id,
    type: p.articleType,
    colour: p.baseColour,
    embedding: head ? head.project(p.embedding) : p.embedding,
    attributes: p.attributes,
  }));
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..', '..');
  const config = loadConfig('recommender', {});
  const { values } = parseArgs({
    options: {
      'cached-only': { type: 'boolean', default: false },
      data: { type: 'string', default: resolve(root, '..', 'shared', 'data', 'fashion-product-images') },
      cache: { type: 'string', default: join(root, 'var', 'visual-search') },
      models: { type: 'string', default: config.env.RECOMMENDER_MODELS_DIR },
      split: { type: 'string', default: 'all' },
      queries: { type: 'string', default: '0' },
      // Relevant photos a group must keep after its 5 positives (10 lets P@10 reach 1; 5 gives ~3× more groups here).
      'min-left': { type: 'string', default: '5' },
      gamma: { type: 'string', default: String(config.env.VISUAL_SEARCH_NEGATIVE_WEIGHT) },
      sweep: { type: 'boolean', default: true },
      // Share of the embedding in the match score (the rest is attribute agreement); default the engine's 0.5.
      'embedding-weight': { type: 'string' },
    },
  });
  const started = Date.now();
  const all = await loadFashionPhotos(values.data, values.cache, undefined, undefined, !values['cached-only']);
  const loaded = loadVisualHead(values.models, all[0].embedding.length);
  const trainIds = new Set(loaded?.checkpoint.split.trainIds ?? []);
  const leaked = all.filter((p) => (SPLITS.dev(p.id) || SPLITS['held-out'](p.id)) && trainIds.has(p.id));
  if (leaked.length) throw new Error(`${leaked.length} dev/held-out products were in the head's training set`);
  const gamma = Number(values.gamma);
  const minLeft = Number(values['min-left']);
  const schema = new AttributeSchema();
  console.log(
    `fashion-product-images: ${all.length} photos (60x80); splits shared id%5∈{2,3,4} / dev id%5==1 / held-out ` +
      `id%5==0; embedding weight ${values['embedding-weight'] ?? 'default'}; head: ${loaded ? `${values.models}/visual-head-v1.json (${loaded.head.output}-d, trained ${loaded.checkpoint.trainedAt}, ${trainIds.size} products, none dev/held-out)` : 'none'}; γ = ${gamma}`,
  );
  const spaces: [string, VisualHead | undefined][] = [['raw', undefined]];
  if (loaded) spaces.push(['head', loaded.head]);
  const splits = values.split === 'all' ? Object.keys(SPLITS) : [values.split];
  const devBest: { space: string; strategy: SearchStrategy; p: number }[] = [];

  for (const split of splits) {
    const photos = all.filter((p) => SPLITS[split](p.id));
    for (const [space, head] of spaces) {
      const lp = labelled(photos, head);
      const catalog = catalogOf(lp);
      const queries = buildQueries(lp, { max: Number(values.queries) || undefined, minLeft });
      const t0 = Date.now();
      const embeddingWeight = values['embedding-weight'] ? Number(values['embedding-weight']) : undefined;
      const r = evaluateVisualSearch(schema, catalog, lp, queries, { gamma, embeddingWeight });
      console.log(
        `\n### ${split}: ${photos.length} photos, ${queries.length} queries (distinct type|colour groups), ` +
          `${space} embedding (${lp[0].embedding.length}-d), ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      console.log(
        '| strategy | with dislikes P@10 [95% CI] | positives only P@10 [95% CI] | with − without [95% CI] |',
      );
      console.log('|---|---|---|---|');
      for (const s of SEARCH_STRATEGIES) {
        const w = r[s] as number[];
        const wo = r[`${s}:positives_only` as EvalMethod] as number[];
        const d = pairedDiff(w, wo);
        console.log(
          `| ${s} | ${fmt(meanOf(w))} ${ci(w)} | ${fmt(meanOf(wo))} ${ci(wo)} | ${fmt(meanOf(d))} ${ci(d)} |`,
        );
        if (split === 'dev') devBest.push({ space, strategy: s, p: meanOf(w) });
      }
      const rnd = r.random as number[];
      console.log(`| random (trivial baseline) | ${fmt(meanOf(rnd))} ${ci(rnd)} | | |`);
    }
  }

  if (values.sweep && splits.includes('dev')) {
    // Settings are chosen on dev only: γ (negatives' weight) and the embedding's share of the match score.
    const space = spaces[spaces.length - 1];
    const lp = labelled(
      all.filter((p) => SPLITS.dev(p.id)),
      space[1],
    );
    const catalog = catalogOf(lp);
    const queries = buildQueries(lp, { minLeft });
    console.log(`\n### dev sweep (${space[0]} embedding, ${queries.length} queries): P@10 with dislikes`);
    console.log(
      `| γ | embedding weight | ${SEARCH_STRATEGIES.join(' | ')} |\n|---|---|${SEARCH_STRATEGIES.map(() => '---|').join('')}`,
    );
    for (const g of [0.25, 0.5, 1]) {
      for (const ew of [0.5, 0.8, 1]) {
        const r = evaluateVisualSearch(schema, catalog, lp, queries, { gamma: g, embeddingWeight: ew });
        console.log(`| ${g} | ${ew} | ${SEARCH_STRATEGIES.map((s) => fmt(meanOf(r[s] as number[]))).join(' | ')} |`);
      }
    }
  }
  if (devBest.length) {
    const best = devBest.sort((a, b) => b.p - a.p)[0];
    console.log(`\nbest on dev (γ = ${gamma}): ${best.strategy} in the ${best.space} space, P@10 ${fmt(best.p)}`);
  }
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
