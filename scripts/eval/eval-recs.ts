/**
 * Offline evaluation of the recommenders on real interaction data (npm run eval:recs).
 *
 * Protocol: per-user temporal leave-last-10-out. Each user's 10 most recent ratings are the test set; every
 * rating counts as an implicit positive. Hyper-parameters (EASE λ) and the hybrid's blend weights are chosen on a
 * validation split cut the same way from the training part only (the user's 10 ratings before the test ones),
 * then every model is refitted on the full training part and scored once on the test set.
 * Metrics at 10, averaged over test users; coverage = share of the catalogue recommended to anybody.
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
import { leaveLastOut } from '../../apps/recommender/src/algorithms/holdout-split';
import { ItemKnnScorer } from '../../apps/recommender/src/algorithms/item-knn';
import { PopularityScorer } from '../../apps/recommender/src/algorithms/popularity';
import { histories, RecencyWeightedScorer, TrendingScorer } from '../../apps/recommender/src/algorithms/recency';
import { summarize, type MetricSummary } from '../../apps/recommender/src/algorithms/ranking-metrics';
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
const CANDIDATES = 100;
/** EASE inverts a dense n×n matrix; larger catalogues use their most popular items (the rest via kNN/content). */
const EASE_MAX_ITEMS = 2500;

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

interface Fitted {
  matrix: UserItemMatrix;
  scorers: ItemScorer[];
}

function fit(ds: InteractionDataset, train: Interaction[], vectors: Float32Array, lambda: number): Fitted {
  const matrix = new UserItemMatrix(ds.users, ds.items, train);
  const knn = new ItemKnnScorer(matrix, 100);
  const history = histories(ds.users, train);
  const ease = new CappedEaseScorer(matrix, lambda, EASE_MAX_ITEMS);
  return {
    matrix,
    scorers: [
      new PopularityScorer(matrix),
      knn,
      ease,
      new ContentScorer(matrix, vectors, vectors.length / ds.items),
      new RecencyWeightedScorer('recent-knn', knn, history),
      new RecencyWeightedScorer('recent-ease', ease, history, 10),
      new TrendingScorer(ds.items, train, history),
    ],
  };
}

function evaluateScorer(f: Fitted, scorer: ItemScorer, test: Map<number, Set<number>>): MetricSummary {
  const lists = [...test].map(([user, relevant]) => ({
    ranked: topK(scorer.scores(user), K, f.matrix.seen(user)),
    relevant,
  }));
  return summarize(lists, K, f.matrix.items);
}

/** Per-user stage-1 candidates with every source's normalised score, computed once for many weight trials. */
function hybridCandidates(f: Fitted, test: Map<number, Set<number>>) {
  return [...test].map(([user, relevant]) => {
    const sources: BlendSource[] = f.scorers.map((s) => ({
      name: s.name,
      scores: s.scores(user),
      normalise: s.name === 'popularity' || s.name === 'trending' ? 'log' : 'max',
    }));
    return { candidates: gatherCandidates(sources, CANDIDATES, f.matrix.seen(user)), relevant };
  });
}

function evaluateBlend(
  users: ReturnType<typeof hybridCandidates>,
  weights: Record<string, number>,
  items: number,
): MetricSummary {
  return summarize(
    users.map((u) => ({ ranked: blend(u.candidates, weights, K).map((b) => b.item), relevant: u.relevant })),
    K,
    items,
  );
}

interface DatasetReport {
  dataset: string;
  users: number;
  items: number;
  interactions: number;
  lambda: number;
  blendWeights: Record<string, number>;
  rows: Array<{ recommender: string } & MetricSummary>;
}

function evaluateDataset(ds: InteractionDataset, log: (s: string) => void): DatasetReport {
  const vectors = movieVectors(ds);
  const split = leaveLastOut(ds.interactions, HOLDOUT, HOLDOUT);
  const validation = leaveLastOut(split.train, HOLDOUT, 5);

  // Validation: EASE λ, then the hybrid's weights.
  let lambda = 200;
  let bestMap = -1;
  for (const candidate of [50, 100, 200, 400, 800]) {
    const matrix = new UserItemMatrix(ds.users, ds.items, validation.train);
    const ease = new CappedEaseScorer(matrix, candidate, EASE_MAX_ITEMS);
    const map = evaluateScorer({ matrix, scorers: [] }, ease, validation.test).map;
    log(`  validation EASE λ=${candidate}: MAP@10 ${map.toFixed(4)}`);
    if (map > bestMap) [bestMap, lambda] = [map, candidate];
  }
  const validationFit = fit(ds, validation.train, vectors, lambda);
  const validationUsers = hybridCandidates(validationFit, validation.test);
  const learned = learnBlendWeights(
    validationFit.scorers.map((s) => s.name),
    (w) => evaluateBlend(validationUsers, w, ds.items).map,
  );
  log(`  validation hybrid MAP@10 ${learned.value.toFixed(4)} with weights ${JSON.stringify(learned.weights)}`);

  // Test: refit on the whole training part.
  const f = fit(ds, split.train, vectors, lambda);
  const rows = f.scorers.map((s) => ({ recommender: s.name, ...evaluateScorer(f, s, split.test) }));
  rows.push({ recommender: 'hybrid', ...evaluateBlend(hybridCandidates(f, split.test), learned.weights, ds.items) });
  return {
    dataset: ds.name,
    users: ds.users,
    items: ds.items,
    interactions: ds.interactions.length,
    lambda,
    blendWeights: learned.weights,
    rows,
  };
}

function printReport(r: DatasetReport): void {
  const pop = r.rows.find((x) => x.recommender === 'popularity');
  const ratio = (v: number, base: number | undefined) => (base ? `${(v / base).toFixed(2)}×` : '-');
  console.log(
    `\n${r.dataset}: ${r.users} users, ${r.items} items, ${r.interactions} interactions; ` +
      `per-user temporal leave-last-${HOLDOUT}-out; EASE λ=${r.lambda}; blend ${JSON.stringify(r.blendWeights)}`,
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
