/**
 * Offline evaluation of the recommenders on real interaction data (npm run eval:recs).
 *
 * Protocol: per-user temporal leave-last-10-out. Each user's 10 most recent ratings are the test set; every
 * rating counts as an implicit positive. Every hyper-parameter (EASE λ, recency half-lives, sequential-rule window,
 * direction and popularity exponent, ALS factors/regularisation/confidence) and the hybrid's blend weights are
 * chosen on a validation split cut the same way from the training part only (the user's 10 ratings before the test
 * ones); then every model is refitted on the full training part and scored once on the test set.
 * "hybrid" is the served pipeline (the sources and blend of the recommendation engine) with this dataset's
 * validation choices; "hybrid (served)" is the same pipeline with the constants the engine actually ships
 * (SERVED_HYBRID, chosen on MovieLens-100k validation). Metrics at 10, averaged over test users; coverage = share
 * of the catalogue recommended to anybody. Diversification (DPP, style modes) is not part of this score.
 *
 *   node dist/scripts/eval/eval-recs.js [--data DIR] [--datasets movielens-100k,movielens-latest-small] [--json]
 */
import { parseArgs } from 'node:util';
import { CappedEaseScorer } from '../../apps/recommender/src/algorithms/capped-ease';
import { ContentScorer } from '../../apps/recommender/src/algorithms/content';
import {
  blend,
  gatherCandidates,
  learnBlendWeights,
  type BlendSource,
} from '../../apps/recommender/src/algorithms/hybrid-blend';
import { leaveLastOut, type Split } from '../../apps/recommender/src/algorithms/holdout-split';
import { ImplicitAlsScorer, type ImplicitAlsOptions } from '../../apps/recommender/src/algorithms/implicit-als';
import { ItemKnnScorer } from '../../apps/recommender/src/algorithms/item-knn';
import { PopularityScorer } from '../../apps/recommender/src/algorithms/popularity';
import { histories, RecencyWeightedScorer, TrendingScorer } from '../../apps/recommender/src/algorithms/recency';
import { summarize, type MetricSummary } from '../../apps/recommender/src/algorithms/ranking-metrics';
import { SequentialRulesScorer } from '../../apps/recommender/src/algorithms/sequential-rules';
import {
  HYBRID_SOURCES,
  SERVED_HYBRID,
  type HybridSource,
  type ServedHybridConfig,
} from '../../apps/recommender/src/algorithms/served-hybrid';
import {
  topK,
  UserItemMatrix,
  type Interaction,
  type ItemScorer,
} from '../../apps/recommender/src/algorithms/user-item-matrix';
import { Bm25Vectorizer, stemTokens } from '../../apps/recommender/src/features/text-vectorizer';
import { defaultDataDir, loadMovielens100k, loadMovielensLatestSmall, type InteractionDataset } from './datasets';
import { writeRecsReport } from './recs-report';

const K = 10;
const HOLDOUT = 10;
/** EASE inverts a dense n×n matrix; larger catalogues use their most popular items (the rest via kNN/content). */
const EASE_MAX_ITEMS = 2500;
/** The engine scores a user from their 500 most recent interactions. */
const HISTORY_LIMIT = 500;

const GRID = {
  lambda: [100, 200, 400, 800, 1500],
  halfLife: [3, 5, 10, 20],
  window: [20, 100],
  backward: [0.25, 0.5],
  popularityExponent: [0.3, 0.5],
  contentHalfLife: [5, 10, 20],
  als: [
    { factors: 64, regularization: 10, alpha: 5 },
    { factors: 64, regularization: 50, alpha: 5 },
    { factors: 64, regularization: 10, alpha: 20 },
    { factors: 64, regularization: 50, alpha: 20 },
  ] as ImplicitAlsOptions[],
};
const ALS_ITERATIONS = 10;

/** Content vectors of movies: BM25 over genre tokens, stemmed title words and the release decade. */
function movieVectors(ds: InteractionDataset, dimensions = 256): Float32Array {
  const docs = ds.itemTitles.map((title, i) => {
    const year = /\((\d{4})\)\s*$/.exec(title)?.[1];
    return [
      ...ds.itemGenres[i].map((g) => `g:${g.toLowerCase()}`),
      ...stemTokens(title.replace(/\(\d{4}\)\s*$/, '')),
      ...(year ? [`decade:${year.slice(0, 3)}`] : []),
    ];
  });
  const bm25 = new Bm25Vectorizer({ dimensions }).fit(docs);
  const out = new Float32Array(ds.items * dimensions);
  docs.forEach((d, i) => bm25.vector(d, out.subarray(i * dimensions, (i + 1) * dimensions)));
  return out;
}

/** Everything fitted on one training part (validation or full), with EASE fits shared across λ lookups. */
class Fold {
  readonly matrix: UserItemMatrix;
  readonly history: Interaction[][];
  readonly content: ContentScorer;
  private readonly ease = new Map<number, CappedEaseScorer>();

  constructor(
    readonly ds: InteractionDataset,
    readonly train: Interaction[],
    readonly test: Map<number, Set<number>>,
    vectors: Float32Array,
  ) {
    this.matrix = new UserItemMatrix(ds.users, ds.items, train);
    this.history = histories(ds.users, train);
    this.content = new ContentScorer(this.matrix, vectors, vectors.length / ds.items);
  }

  easeAt(lambda: number): CappedEaseScorer {
    let e = this.ease.get(lambda);
    if (!e) this.ease.set(lambda, (e = new CappedEaseScorer(this.matrix, lambda, EASE_MAX_ITEMS)));
    return e;
  }

  evaluate(scorer: ItemScorer): MetricSummary {
    const lists = [...this.test].map(([user, relevant]) => ({
      ranked: topK(scorer.scores(user), K, this.matrix.seen(user)),
      relevant,
    }));
    return summarize(lists, K, this.matrix.items);
  }

  recent(name: string, base: ConstructorParameters<typeof RecencyWeightedScorer>[1], halfLife: number) {
    return new RecencyWeightedScorer(name, base, this.history, halfLife, HISTORY_LIMIT);
  }

  /** The engine's stage-1 sources under one configuration, named as the engine names them. */
  hybridSources(config: ServedHybridConfig): Record<HybridSource, ItemScorer> {
    const { halfLife: seqHalfLife, ...rules } = config.sequential;
    return {
      collaborative: this.recent(
        'collaborative',
        this.easeAt(config.collaborative.lambda),
        config.collaborative.halfLife,
      ),
      sequential: this.recent('sequential', new SequentialRulesScorer(this.ds.items, this.history, rules), seqHalfLife),
      content: this.recent('content', this.content, config.content.halfLife),
      popularity: new PopularityScorer(this.matrix),
    };
  }

  /** Per-user stage-1 candidates with every source's normalised score, computed once for many weight trials. */
  candidates(sources: Record<HybridSource, ItemScorer>, perSource: number) {
    return [...this.test].map(([user, relevant]) => {
      const blendSources: BlendSource[] = HYBRID_SOURCES.map((name) => ({
        name,
        scores: sources[name].scores(user),
        normalise: name === 'popularity' ? 'log' : 'max',
      }));
      return { candidates: gatherCandidates(blendSources, perSource, this.matrix.seen(user)), relevant };
    });
  }
}

function evaluateBlend(
  users: ReturnType<Fold['candidates']>,
  weights: Record<string, number>,
  items: number,
): MetricSummary {
  return summarize(
    users.map((u) => ({ ranked: blend(u.candidates, weights, K).map((b) => b.item), relevant: u.relevant })),
    K,
    items,
  );
}

interface Tuned {
  /** λ of plain (unweighted-history) EASE, the "ease" row. */
  easeLambda: number;
  als: ImplicitAlsOptions;
  hybrid: ServedHybridConfig;
}

/** Every choice on the validation fold only. */
function tune(v: Fold, log: (s: string) => void): Tuned {
  const best = <T>(trials: Array<{ value: T; map: number }>) =>
    trials.reduce((a, b) => (b.map > a.map + 1e-12 ? b : a));

  const plain: Array<{ value: number; map: number }> = [];
  const recent: Array<{ value: { lambda: number; halfLife: number }; map: number }> = [];
  for (const lambda of GRID.lambda) {
    const ease = v.easeAt(lambda);
    plain.push({ value: lambda, map: v.evaluate(ease).map });
    const line = [`  validation EASE λ=${lambda}: MAP@10 ${plain[plain.length - 1].map.toFixed(4)}`];
    for (const halfLife of GRID.halfLife) {
      const map = v.evaluate(v.recent('recent-ease', ease, halfLife)).map;
      recent.push({ value: { lambda, halfLife }, map });
      line.push(`half-life ${halfLife}: ${map.toFixed(4)}`);
    }
    log(line.join(', '));
  }
  const collaborative = best(recent).value;

  const sequential: Array<{ value: ServedHybridConfig['sequential']; map: number }> = [];
  for (const window of GRID.window)
    for (const backward of GRID.backward)
      for (const popularityExponent of GRID.popularityExponent) {
        const options = { window, backward, popularityExponent, neighbours: SERVED_HYBRID.sequential.neighbours };
        const rules = new SequentialRulesScorer(v.ds.items, v.history, options);
        const line = [`  validation sequential window=${window} backward=${backward} γ=${popularityExponent}:`];
        for (const halfLife of GRID.halfLife) {
          const map = v.evaluate(v.recent('sequential', rules, halfLife)).map;
          sequential.push({ value: { ...options, halfLife }, map });
          line.push(`half-life ${halfLife}: ${map.toFixed(4)}`);
        }
        log(line.join(' '));
      }

  const content = GRID.contentHalfLife.map((halfLife) => ({
    value: halfLife,
    map: v.evaluate(v.recent('content', v.content, halfLife)).map,
  }));
  log(`  validation content by half-life: ${content.map((c) => `${c.value}: ${c.map.toFixed(4)}`).join(', ')}`);

  const als = GRID.als.map((options) => {
    const map = v.evaluate(new ImplicitAlsScorer(v.matrix, { ...options, iterations: ALS_ITERATIONS })).map;
    log(`  validation ALS ${JSON.stringify(options)}: MAP@10 ${map.toFixed(4)}`);
    return { value: options, map };
  });

  const hybrid: ServedHybridConfig = {
    collaborative,
    sequential: best(sequential).value,
    content: { halfLife: best(content).value },
    weights: SERVED_HYBRID.weights,
    candidatesPerSource: SERVED_HYBRID.candidatesPerSource,
  };
  const users = v.candidates(v.hybridSources(hybrid), hybrid.candidatesPerSource);
  const learned = learnBlendWeights(HYBRID_SOURCES, (w) => evaluateBlend(users, w, v.ds.items).map);
  log(`  validation hybrid MAP@10 ${learned.value.toFixed(4)} with weights ${JSON.stringify(learned.weights)}`);
  return {
    easeLambda: best(plain).value,
    als: best(als).value,
    hybrid: { ...hybrid, weights: learned.weights as Record<HybridSource, number> },
  };
}

interface DatasetReport {
  dataset: string;
  users: number;
  items: number;
  interactions: number;
  split: string;
  tuned: Tuned;
  rows: Array<{ recommender: string } & MetricSummary>;
}

function evaluateDataset(ds: InteractionDataset, log: (s: string) => void): DatasetReport {
  const vectors = movieVectors(ds);
  const split: Split = leaveLastOut(ds.interactions, HOLDOUT, HOLDOUT);
  const validationSplit = leaveLastOut(split.train, HOLDOUT, 5);
  const splitText =
    `per-user temporal leave-last-${HOLDOUT}-out: test = each user's ${HOLDOUT} latest interactions ` +
    `(${split.test.size} users with ≥ ${2 * HOLDOUT}); validation = the ${HOLDOUT} before those, carved from ` +
    `training only (${validationSplit.test.size} users with ≥ ${HOLDOUT + 5} training interactions); every ` +
    'parameter and blend weight chosen on validation, models refitted on the full training part for the test';
  log(`  split: ${splitText}`);
  const tuned = tune(new Fold(ds, validationSplit.train, validationSplit.test, vectors), log);

  // Test: refit on the whole training part, score once.
  const f = new Fold(ds, split.train, split.test, vectors);
  const knn = new ItemKnnScorer(f.matrix, 100);
  const sources = f.hybridSources(tuned.hybrid);
  const rows: Array<{ recommender: string } & MetricSummary> = [];
  const row = (recommender: string, scorer: ItemScorer) => rows.push({ recommender, ...f.evaluate(scorer) });
  row('popularity', sources.popularity);
  row('trending', new TrendingScorer(ds.items, split.train, f.history));
  row('item-knn', knn);
  row('recent-knn', f.recent('recent-knn', knn, 5));
  row('ease', f.easeAt(tuned.easeLambda));
  row('als', new ImplicitAlsScorer(f.matrix, { ...tuned.als, iterations: ALS_ITERATIONS }));
  row('content', f.content);
  row('recent-ease (collaborative)', sources.collaborative);
  row('sequential', sources.sequential);
  row('recent-content', sources.content);
  const hybridRow = (name: string, config: ServedHybridConfig, s = f.hybridSources(config)) =>
    rows.push({
      recommender: name,
      ...evaluateBlend(f.candidates(s, config.candidatesPerSource), config.weights, ds.items),
    });
  hybridRow('hybrid', tuned.hybrid, sources);
  hybridRow('hybrid (served)', SERVED_HYBRID);
  return {
    dataset: ds.name,
    users: ds.users,
    items: ds.items,
    interactions: ds.interactions.length,
    split: splitText,
    tuned,
    rows,
  };
}

function printReport(r: DatasetReport): void {
  const pop = r.rows.find((x) => x.recommender === 'popularity');
  const ratio = (v: number, base: number | undefined) => (base ? `${(v / base).toFixed(2)}×` : '-');
  console.log(`\n${r.dataset}: ${r.users} users, ${r.items} items, ${r.interactions} interactions; ${r.split}`);
  console.log(
    `chosen on validation: EASE λ=${r.tuned.easeLambda}; ALS ${JSON.stringify(r.tuned.als)}; ` +
      `hybrid ${JSON.stringify({ ...r.tuned.hybrid, candidatesPerSource: undefined })}`,
  );
  console.log(
    '| recommender | P@10 | R@10 | MAP@10 | NDCG@10 | coverage | P@10 / pop | MAP@10 / pop | NDCG@10 / pop |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of r.rows) {
    console.log(
      `| ${row.recommender} | ${row.precision.toFixed(4)} | ${row.recall.toFixed(4)} | ${row.map.toFixed(4)} | ` +
        `${row.ndcg.toFixed(4)} | ${row.coverage.toFixed(3)} | ${ratio(row.precision, pop?.precision)} | ` +
        `${ratio(row.map, pop?.map)} | ${ratio(row.ndcg, pop?.ndcg)} |`,
    );
  }
  if (r.dataset === 'movielens-100k') {
    const { candidatesPerSource: _ignored, ...chosen } = r.tuned.hybrid;
    const { candidatesPerSource: _served, ...served } = SERVED_HYBRID;
    if (JSON.stringify(chosen) !== JSON.stringify(served)) {
      console.log(
        `NOTE: the engine's SERVED_HYBRID (${JSON.stringify(served)}) differs from this validation choice; ` +
          'update apps/recommender/src/algorithms/served-hybrid.ts',
      );
    } else console.log('SERVED_HYBRID matches this validation choice.');
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      datasets: { type: 'string', default: 'movielens-100k,movielens-latest-small' },
      json: { type: 'boolean', default: false },
    },
  });
  const dataDir = values.data ?? defaultDataDir();
  const loaders: Record<string, (dir: string) => InteractionDataset> = {
    'movielens-100k': loadMovielens100k,
    'movielens-latest-small': loadMovielensLatestSmall,
  };
  const reports: DatasetReport[] = [];
  for (const name of (values.datasets ?? '').split(',').filter(Boolean)) {
    const load = loaders[name];
    if (!load) throw new Error(`unknown dataset ${name}`);
    const started = Date.now();
    console.log(`${name}: evaluating (data from ${dataDir})`);
    const report = evaluateDataset(load(dataDir), (s) => console.log(s));
    printReport(report);
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    reports.push(report);
  }
  if (values.json) console.log(JSON.stringify(reports, null, 2));
  console.log(`report for the admin dashboard: ${writeRecsReport(reports, { k: K, holdout: HOLDOUT })}`);
}

main();
