/**
 * Offline evaluation of the recommenders on real interaction data (npm run eval:recs), under three protocols:
 *
 *  - temporal: per-user leave-last-10-out (each user's 10 most recent interactions are the test set);
 *  - global:   a strict global-time split (the latest 20 % of all interactions by time are the test period; nothing at
 *              or after its start is in training; test users touched something new in it and ≥ 5 items before);
 *  - random:   a per-user random 80/20 split (seeded).
 *
 * Every rating counts as an implicit positive. For each protocol a validation split is cut the same way from the
 * training part only; plain EASE's λ and ALS's regularisation/confidence are chosen there, and the served hybrid's
 * history gate (per-bucket blend weights, `history-gate.ts`) is learned on the validation folds of all three
 * protocols and both datasets pooled, maximising the worst fold (users count 1 / (fold users × the fold's best
 * single-source validation MAP)). Then every model is refitted on the full training part and scored once on the
 * test part. "hybrid (served)" is the pipeline of the recommendation engine with the constants it ships
 * (SERVED_HYBRID); the script warns when this run's validation learns a different gate. Metrics at 10 with 95 %
 * bootstrap CIs over test users; ratios are paired (same resamples). Diversification and style modes are not
 * part of the score.
 *
 *   node dist/scripts/eval/eval-recs.js [--data DIR] [--datasets movielens-100k,movielens-latest-small]
 *     [--protocols temporal,global,random] [--validation-only] [--bootstrap 1000] [--json]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CappedEaseScorer } from '../../apps/recommender/src/algorithms/capped-ease';
import { ContentScorer } from '../../apps/recommender/src/algorithms/content';
import { blendRanking, gatherCandidates, type BlendSource } from '../../apps/recommender/src/algorithms/hybrid-blend';
import {
  globalCutTime,
  globalTimeSplit,
  leaveLastOut,
  randomSplit,
  seededRandom,
  type Split,
} from '../../apps/recommender/src/algorithms/holdout-split';
import {
  GATE_BUCKETS,
  gatedWeights,
  historyShape,
  learnGate,
  type GateExample,
  type HistoryGate,
  type HistoryShape,
} from '../../apps/recommender/src/algorithms/history-gate';
import { ImplicitAlsScorer, type ImplicitAlsOptions } from '../../apps/recommender/src/algorithms/implicit-als';
import { ItemKnnScorer } from '../../apps/recommender/src/algorithms/item-knn';
import { PopularityScorer } from '../../apps/recommender/src/algorithms/popularity';
import { histories, RecencyWeightedScorer } from '../../apps/recommender/src/algorithms/recency';
import {
  averagePrecisionAtK,
  ndcgAtK,
  precisionAtK,
  recallAtK,
  summarize,
} from '../../apps/recommender/src/algorithms/ranking-metrics';
import { SequentialRulesScorer } from '../../apps/recommender/src/algorithms/sequential-rules';
import { HYBRID_SOURCES, SERVED_HYBRID, type HybridSource } from '../../apps/recommender/src/algorithms/served-hybrid';
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
const GLOBAL_TEST_SHARE = 0.2;
const RANDOM_TEST_SHARE = 0.2;
const SEED = 20261208;
/** EASE inverts a dense n×n matrix (the engine itself stops at 1000); larger catalogues use their most popular items. */
const EASE_MAX_ITEMS = 1000;
/** The engine scores a user from their 500 most recent interactions. */
const HISTORY_LIMIT = 500;
/**
 * Small grids (the machine is shared by many): plain EASE λ and ALS options, chosen per validation fold; the
 * served sources keep SERVED_HYBRID's λ / half-lives (chosen earlier on ML-100k temporal validation).
 */
const LAMBDAS = [200, 400, 800];
const ALS_GRID: ImplicitAlsOptions[] = [{ factors: 48, regularization: 10, alpha: 5 }];
const ALS_ITERATIONS = 6;
/** Validation users per fold (seeded subsample) for the λ/ALS choice and the gate. */
const VALIDATION_USERS = 300;
const KNN_NEIGHBOURS = 100;
/** The engine's single blend before the gate (four sources), scored for comparison. */
const ONE_BLEND: Record<HybridSource, number> = {
  collaborative: 1.5,
  longterm: 0,
  sequential: 2,
  content: 0.75,
  popularity: 0.05,
};
const SINGLE_SOURCES = ['popularity', 'item-knn', 'ease', 'als'] as const;

type ProtocolName = 'temporal' | 'global' | 'random';
interface Protocol {
  name: ProtocolName;
  describe: string;
  test(all: readonly Interaction[]): Split;
  validation(train: readonly Interaction[]): Split;
}

const PROTOCOLS: Protocol[] = [
  {
    name: 'temporal',
    describe: `per-user leave-last-${HOLDOUT}-out (users with ≥ ${2 * HOLDOUT}); validation: the ${HOLDOUT} before`,
    test: (all) => leaveLastOut(all, HOLDOUT, HOLDOUT),
    validation: (train) => leaveLastOut(train, HOLDOUT, 5),
  },
  {
    name: 'global',
    describe:
      `strict global time: test period = the latest ${GLOBAL_TEST_SHARE * 100} % of interactions, training = ` +
      'everything before it; validation: the same cut inside training',
    test: (all) => globalTimeSplit(all, globalCutTime(all, GLOBAL_TEST_SHARE), 5),
    validation: (train) => globalTimeSplit(train, globalCutTime(train, GLOBAL_TEST_SHARE), 5),
  },
  {
    name: 'random',
    describe: `per-user random ${100 - RANDOM_TEST_SHARE * 100}/${RANDOM_TEST_SHARE * 100} (seed ${SEED}); validation: the same inside training`,
    test: (all) => randomSplit(all, RANDOM_TEST_SHARE, SEED, 10),
    validation: (train) => randomSplit(train, RANDOM_TEST_SHARE, SEED + 1, 10),
  },
];

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

/** Per-user metrics of one recommender on a fold, in the fold's test-user order. */
interface PerUser {
  map: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  ndcg: Float64Array;
  coverage: number;
}

/** Everything fitted on one training part (validation or full). */
class Fold {
  readonly matrix: UserItemMatrix;
  readonly history: Interaction[][];
  readonly content: ContentScorer;
  readonly users: Array<{ user: number; relevant: Set<number>; shape: HistoryShape }>;
  private readonly ease = new Map<number, CappedEaseScorer>();

  constructor(
    readonly ds: InteractionDataset,
    readonly split: Split,
    vectors: Float32Array,
  ) {
    this.matrix = new UserItemMatrix(ds.users, ds.items, split.train);
    this.history = histories(ds.users, split.train);
    this.content = new ContentScorer(this.matrix, vectors, vectors.length / ds.items);
    // "Now" is the catalogue's latest training interaction (the start of the test period under the global split).
    const now = split.train.reduce((m, x) => Math.max(m, x.time ?? 0), 0);
    this.users = [...split.test].map(([user, relevant]) => {
      const h = this.history[user];
      return { user, relevant, shape: historyShape(Math.min(h.length, HISTORY_LIMIT), h[h.length - 1]?.time, now) };
    });
  }

  easeAt(lambda: number): CappedEaseScorer {
    let e = this.ease.get(lambda);
    if (!e) this.ease.set(lambda, (e = new CappedEaseScorer(this.matrix, lambda, EASE_MAX_ITEMS)));
    return e;
  }

  perUser(rank: (u: Fold['users'][number]) => number[]): PerUser {
    const n = this.users.length;
    const out: PerUser = {
      map: new Float64Array(n),
      precision: new Float64Array(n),
      recall: new Float64Array(n),
      ndcg: new Float64Array(n),
      coverage: 0,
    };
    const seen = new Set<number>();
    this.users.forEach((u, i) => {
      const ranked = rank(u);
      out.map[i] = averagePrecisionAtK(ranked, u.relevant, K);
      out.precision[i] = precisionAtK(ranked, u.relevant, K);
      out.recall[i] = recallAtK(ranked, u.relevant, K);
      out.ndcg[i] = ndcgAtK(ranked, u.relevant, K);
      for (const item of ranked) seen.add(item);
    });
    out.coverage = seen.size / this.ds.items;
    return out;
  }

  scorer(scorer: ItemScorer): PerUser {
    return this.perUser((u) => topK(scorer.scores(u.user), K, this.matrix.seen(u.user)));
  }

  mapOf(scorer: ItemScorer): number {
    const lists = this.users.map((u) => ({
      ranked: topK(scorer.scores(u.user), K, this.matrix.seen(u.user)),
      relevant: u.relevant,
    }));
    return summarize(lists, K, this.ds.items).map;
  }

  private recent(name: string, base: ConstructorParameters<typeof RecencyWeightedScorer>[1], halfLife: number) {
    return new RecencyWeightedScorer(name, base, this.history, halfLife, HISTORY_LIMIT);
  }

  /** The engine's stage-1 sources with the served constants, named as the engine names them. */
  hybridSources(): Record<HybridSource, ItemScorer> {
    const { halfLife: seqHalfLife, ...rules } = SERVED_HYBRID.sequential;
    const ease = this.easeAt(SERVED_HYBRID.collaborative.lambda);
    return {
      collaborative: this.recent('collaborative', ease, SERVED_HYBRID.collaborative.halfLife),
      longterm: this.recent('longterm', ease, Infinity),
      sequential: this.recent('sequential', new SequentialRulesScorer(this.ds.items, this.history, rules), seqHalfLife),
      content: this.recent('content', this.content, SERVED_HYBRID.content.halfLife),
      popularity: new PopularityScorer(this.matrix),
    };
  }

  /** Every test user's stage-1 candidates with each source's normalised score (computed once, blended many times). */
  candidates() {
    const sources = this.hybridSources();
    return this.users.map((u) => {
      const blendSources: BlendSource[] = HYBRID_SOURCES.map((name) => ({
        name,
        scores: sources[name].scores(u.user),
        normalise: name === 'popularity' ? 'log' : 'max',
      }));
      return {
        ...u,
        candidates: gatherCandidates(blendSources, SERVED_HYBRID.candidatesPerSource, this.matrix.seen(u.user)),
      };
    });
  }
}

const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / (a.length || 1);

interface Chosen {
  easeLambda: number;
  als: ImplicitAlsOptions;
  /** MAP of each single source and of the blends on validation. */
  validation: Record<string, number>;
  reference: number;
}

/** Validation: the singles' hyper-parameters and the examples the gate learns from. */
function validate(
  ds: InteractionDataset,
  protocol: Protocol,
  train: readonly Interaction[],
  vectors: Float32Array,
  log: (s: string) => void,
): { chosen: Chosen; examples: GateExample[]; fold: string } {
  const cut = protocol.validation(train);
  const random = seededRandom(SEED + 2);
  const order = [...cut.test.keys()]
    .map((u) => ({ u, r: random() }))
    .sort((a, b) => a.r - b.r)
    .slice(0, VALIDATION_USERS)
    .map((x) => x.u);
  const v = new Fold(
    ds,
    { train: cut.train, test: new Map(order.map((u) => [u, cut.test.get(u) ?? new Set<number>()])) },
    vectors,
  );
  const t0 = Date.now();
  const step = (what: string) =>
    log(`    ${ds.name}/${protocol.name} validation: ${what} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  const validation: Record<string, number> = {};
  validation.popularity = v.mapOf(new PopularityScorer(v.matrix));
  validation['item-knn'] = v.mapOf(new ItemKnnScorer(v.matrix, KNN_NEIGHBOURS));
  step('popularity, item-kNN');
  const lambdas = LAMBDAS.map((lambda) => ({ lambda, map: v.mapOf(v.easeAt(lambda)) }));
  step('EASE');
  const ease = lambdas.reduce((a, b) => (b.map > a.map ? b : a));
  validation.ease = ease.map;
  const als = ALS_GRID.map((options) => ({
    options,
    map: v.mapOf(new ImplicitAlsScorer(v.matrix, { ...options, iterations: ALS_ITERATIONS })),
  })).reduce((a, b) => (b.map > a.map ? b : a));
  validation.als = als.map;
  step('ALS');
  const reference = Math.max(...SINGLE_SOURCES.map((s) => validation[s]));
  const users = v.candidates();
  step('hybrid candidates');
  const examples: GateExample[] = users.map((u) => ({
    shape: u.shape,
    candidates: u.candidates,
    relevant: u.relevant,
    weight: 1 / (users.length * reference),
    group: `${ds.name}/${protocol.name}`,
  }));
  const fold = `${ds.name}/${protocol.name}`;
  log(
    `  validation ${fold}: ${users.length} users; EASE λ ${lambdas.map((l) => `${l.lambda}: ${l.map.toFixed(4)}`).join(', ')}; ` +
      `ALS ${JSON.stringify(als.options)} ${als.map.toFixed(4)}; pop ${validation.popularity.toFixed(4)}, ` +
      `kNN ${validation['item-knn'].toFixed(4)}`,
  );
  return { chosen: { easeLambda: ease.lambda, als: als.options, validation, reference }, examples, fold };
}

/** Validation MAP of a gate on one fold's examples, as a ratio to the fold's best single source. */
function gateRatio(examples: readonly GateExample[], gate: HistoryGate<HybridSource>, reference: number): number {
  const sum = examples.reduce(
    (s, e) => s + averagePrecisionAtK(blendRanking(e.candidates, gatedWeights(gate, e.shape), K), e.relevant, K),
    0,
  );
  return sum / (examples.length || 1) / reference;
}

interface Row {
  recommender: string;
  metrics: PerUser;
}

interface Interval {
  value: number;
  low: number;
  high: number;
}

interface ProtocolReport {
  dataset: string;
  protocol: ProtocolName;
  describe: string;
  users: number;
  train: number;
  chosen: Chosen;
  rows: Array<{
    recommender: string;
    precision: Interval;
    recall: number;
    map: Interval;
    ndcg: Interval;
    coverage: number;
  }>;
  bestSingle: string;
  servedOverBest: Interval;
  servedOverPop: Interval;
  servedOverPopP: Interval;
  seconds: number;
}

/** Percentile bootstrap over users (paired: the same resamples for every row and ratio). */
class Bootstrap {
  private readonly picks: Int32Array[];

  constructor(
    private readonly n: number,
    rounds: number,
    seed: number,
  ) {
    const random = seededRandom(seed);
    this.picks = Array.from({ length: rounds }, () => Int32Array.from({ length: n }, () => Math.floor(random() * n)));
  }

  private interval(value: number, samples: number[]): Interval {
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? value;
    return { value, low: at(0.025), high: at(0.975) };
  }

  mean(values: Float64Array): Interval {
    return this.interval(
      mean(values),
      this.picks.map((p) => p.reduce((s, i) => s + values[i], 0) / this.n),
    );
  }

  ratio(a: Float64Array, b: Float64Array): Interval {
    return this.interval(
      mean(a) / mean(b),
      this.picks.map((p) => p.reduce((s, i) => s + a[i], 0) / (p.reduce((s, i) => s + b[i], 0) || 1e-12)),
    );
  }
}

function test(
  ds: InteractionDataset,
  protocol: Protocol,
  split: Split,
  chosen: Chosen,
  learned: HistoryGate<HybridSource> | undefined,
  vectors: Float32Array,
  rounds: number,
): ProtocolReport {
  const started = Date.now();
  const f = new Fold(ds, split, vectors);
  const step = (what: string) =>
    console.log(`    ${ds.name}/${protocol.name} test: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  const rows: Row[] = [];
  rows.push({ recommender: 'popularity', metrics: f.scorer(new PopularityScorer(f.matrix)) });
  rows.push({ recommender: 'item-knn', metrics: f.scorer(new ItemKnnScorer(f.matrix, KNN_NEIGHBOURS)) });
  rows.push({ recommender: 'ease', metrics: f.scorer(f.easeAt(chosen.easeLambda)) });
  rows.push({
    recommender: 'als',
    metrics: f.scorer(new ImplicitAlsScorer(f.matrix, { ...chosen.als, iterations: ALS_ITERATIONS })),
  });
  step('single sources');
  const users = f.candidates();
  step('hybrid candidates');
  const byUser = new Map(users.map((u) => [u.user, u]));
  const hybrid = (weights: (shape: HistoryShape) => Record<string, number>) =>
    f.perUser((u) => {
      const c = byUser.get(u.user);
      return c ? blendRanking(c.candidates, weights(u.shape), K) : [];
    });
  rows.push({ recommender: 'hybrid (before: one blend)', metrics: hybrid(() => ONE_BLEND) });
  if (learned && JSON.stringify(learned) !== JSON.stringify(SERVED_HYBRID.gate))
    rows.push({ recommender: 'hybrid (gate learned this run)', metrics: hybrid((s) => gatedWeights(learned, s)) });
  const served = hybrid((s) => gatedWeights(SERVED_HYBRID.gate, s));
  rows.push({ recommender: 'hybrid (served)', metrics: served });

  const boot = new Bootstrap(f.users.length, rounds, SEED);
  const singles = rows.filter((r) => (SINGLE_SOURCES as readonly string[]).includes(r.recommender));
  const best = singles.reduce((a, b) => (mean(b.metrics.map) > mean(a.metrics.map) ? b : a));
  const pop = rows[0].metrics;
  return {
    dataset: ds.name,
    protocol: protocol.name,
    describe: protocol.describe,
    users: f.users.length,
    train: split.train.length,
    chosen,
    rows: rows.map((r) => ({
      recommender: r.recommender,
      precision: boot.mean(r.metrics.precision),
      recall: mean(r.metrics.recall),
      map: boot.mean(r.metrics.map),
      ndcg: boot.mean(r.metrics.ndcg),
      coverage: r.metrics.coverage,
    })),
    bestSingle: best.recommender,
    servedOverBest: boot.ratio(served.map, best.metrics.map),
    servedOverPop: boot.ratio(served.map, pop.map),
    servedOverPopP: boot.ratio(served.precision, pop.precision),
    seconds: (Date.now() - started) / 1000,
  };
}

const ci = (x: Interval, digits = 4) =>
  `${x.value.toFixed(digits)} [${x.low.toFixed(digits)}, ${x.high.toFixed(digits)}]`;
const times = (x: Interval) => `${x.value.toFixed(2)}× [${x.low.toFixed(2)}, ${x.high.toFixed(2)}]`;

function printReport(r: ProtocolReport): void {
  const pop = r.rows[0];
  const best = r.rows.find((x) => x.recommender === r.bestSingle) ?? pop;
  console.log(
    `\n${r.dataset} / ${r.protocol}: ${r.describe}; ${r.users} test users, ${r.train} training interactions; ` +
      `validation chose EASE λ ${r.chosen.easeLambda}, ALS ${JSON.stringify(r.chosen.als)} (${r.seconds.toFixed(0)} s)`,
  );
  console.log(
    '| recommender | P@10 [95% CI] | MAP@10 [95% CI] | NDCG@10 [95% CI] | coverage | MAP / pop | MAP / best single |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of r.rows)
    console.log(
      `| ${row.recommender} | ${ci(row.precision)} | ${ci(row.map)} | ${ci(row.ndcg)} | ${row.coverage.toFixed(3)} | ` +
        `${(row.map.value / pop.map.value).toFixed(2)}× | ${(row.map.value / best.map.value).toFixed(2)}× |`,
    );
}

function printSummary(reports: readonly ProtocolReport[]): void {
  console.log('\nSummary (MAP@10; served = the engine as shipped; ratios with paired 95 % bootstrap CIs):');
  console.log(
    '| dataset | protocol | users | popularity | best single | served hybrid | served / best single | served / pop | P@10 served / pop | aim met (≥ 1.1× best, ≥ 2× pop) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of reports) {
    const pop = r.rows[0];
    const best = r.rows.find((x) => x.recommender === r.bestSingle) ?? pop;
    const served = r.rows[r.rows.length - 1];
    const met = r.servedOverBest.value >= 1.1 && r.servedOverPop.value >= 2;
    console.log(
      `| ${r.dataset} | ${r.protocol} | ${r.users} | ${ci(pop.map)} | ${r.bestSingle} ${ci(best.map)} | ${ci(served.map)} | ` +
        `${times(r.servedOverBest)} | ${times(r.servedOverPop)} | ${times(r.servedOverPopP)} | ${met ? 'yes' : 'no'} |`,
    );
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      datasets: { type: 'string', default: 'movielens-100k,movielens-latest-small' },
      protocols: { type: 'string', default: 'temporal,global,random' },
      'validation-only': { type: 'boolean', default: false },
      bootstrap: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const load = loadavg();
  const dataDir = values.data ?? defaultDataDir();
  const loaders: Record<string, (dir: string) => InteractionDataset> = {
    'movielens-100k': loadMovielens100k,
    'movielens-latest-small': loadMovielensLatestSmall,
  };
  const protocols = (values.protocols ?? '').split(',').map((name) => {
    const p = PROTOCOLS.find((x) => x.name === name);
    if (!p) throw new Error(`unknown protocol ${name}`);
    return p;
  });
  const log = (s: string) => console.log(s);
  console.log(`load average at start: ${load.map((x) => x.toFixed(2)).join(' ')} (data from ${dataDir})`);

  // 1. Validation folds of every protocol and dataset (cut from training parts only).
  const folds: Array<{
    ds: InteractionDataset;
    vectors: Float32Array;
    protocol: Protocol;
    split: Split;
    chosen: Chosen;
    examples: GateExample[];
    name: string;
  }> = [];
  for (const name of (values.datasets ?? '').split(',').filter(Boolean)) {
    const loader = loaders[name];
    if (!loader) throw new Error(`unknown dataset ${name}`);
    const ds = loader(dataDir);
    const vectors = movieVectors(ds);
    for (const protocol of protocols) {
      const split = protocol.test(ds.interactions);
      const v = validate(ds, protocol, split.train, vectors, log);
      folds.push({ ds, vectors, protocol, split, chosen: v.chosen, examples: v.examples, name: v.fold });
    }
  }
  const learnedAt = Date.now();
  const { gate: learned, users: bucketUsers } = learnGate(
    HYBRID_SOURCES,
    folds.flatMap((f) => f.examples),
    K,
    { objective: 'min' },
  );
  console.log(
    `\ngate learned on the pooled validation folds (${((Date.now() - learnedAt) / 1000).toFixed(0)} s), users per bucket ` +
      `${JSON.stringify(bucketUsers)}:`,
  );
  for (const bucket of GATE_BUCKETS) console.log(`  '${bucket}': ${JSON.stringify(learned[bucket])},`);
  for (const f of folds)
    console.log(
      `  validation ${f.name}: MAP / best single — learned gate ${gateRatio(f.examples, learned, f.chosen.reference).toFixed(3)}×, ` +
        `served ${gateRatio(f.examples, SERVED_HYBRID.gate, f.chosen.reference).toFixed(3)}×, one blend ` +
        `${gateRatio(f.examples, Object.fromEntries(GATE_BUCKETS.map((b) => [b, ONE_BLEND])) as HistoryGate<HybridSource>, f.chosen.reference).toFixed(3)}×`,
    );
  const drift = JSON.stringify(learned) !== JSON.stringify(SERVED_HYBRID.gate);
  console.log(
    drift
      ? 'NOTE: SERVED_HYBRID.gate differs from this validation choice; update apps/recommender/src/algorithms/served-hybrid.ts'
      : 'SERVED_HYBRID.gate matches this validation choice.',
  );
  if (values['validation-only']) return;
  for (const f of folds) f.examples.length = 0;

  // 2. Test: refit on each full training part, score once.
  const reports: ProtocolReport[] = [];
  for (const f of folds) {
    const r = test(f.ds, f.protocol, f.split, f.chosen, learned, f.vectors, Number(values.bootstrap));
    printReport(r);
    reports.push(r);
  }
  printSummary(reports);
  const end = loadavg();
  console.log(
    `\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s; load average at end ${end.map((x) => x.toFixed(2)).join(' ')}`,
  );
  if (values.json) console.log(JSON.stringify(reports, null, 2));
  const path = writeRecsReport(
    reports.map((r) => ({
      dataset: `${r.dataset} (${r.protocol})`,
      users: r.users,
      items: folds.find((f) => f.ds.name === r.dataset)?.ds.items ?? 0,
      interactions: r.train,
      lambda: r.chosen.easeLambda,
      rows: r.rows.map((row) => ({
        recommender: row.recommender,
        precision: row.precision.value,
        recall: row.recall,
        map: row.map.value,
        ndcg: row.ndcg.value,
        coverage: row.coverage,
        users: r.users,
      })),
    })),
    { k: K, holdout: HOLDOUT },
  );
  console.log(`report for the admin dashboard: ${path}`);
}

main();
