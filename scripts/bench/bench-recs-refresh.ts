/**
 * What a model refresh does to the recommender's event loop (npm run bench:recs-refresh): its three heavy builds
 * (item-kNN lists, sequential rules, the EASE solve on the up-to-2,500 most popular items) on MovieLens latest-small,
 * on the event loop (before) vs in the worker threads the service uses now. Prints the build time and the longest
 * and p99 gap between turns of the event loop meanwhile (a 10 ms timer standing in for requests, probes and AMQP
 * heartbeats).
 *
 *   node dist/scripts/bench/bench-recs-refresh.js [--runs 1] [--items 2500]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CappedEaseScorer } from '../../apps/recommender/src/algorithms/capped-ease';
import { easeWeights } from '../../apps/recommender/src/algorithms/ease';
import {
  easeWeightsOffThread,
  itemNeighboursOffThread,
  sequentialRulesOffThread,
} from '../../apps/recommender/src/algorithms/refresh-off-thread';
import { ItemKnnScorer } from '../../apps/recommender/src/algorithms/item-knn';
import { histories } from '../../apps/recommender/src/algorithms/recency';
import { SequentialRulesScorer } from '../../apps/recommender/src/algorithms/sequential-rules';
import { SERVED_HYBRID } from '../../apps/recommender/src/algorithms/served-hybrid';
import { UserItemMatrix } from '../../apps/recommender/src/algorithms/user-item-matrix';
import { defaultDataDir, loadMovielensLatestSmall } from '../eval/datasets';

const LAMBDA = 400;

/** The longest stretch without a turn of the loop: the gap between 10 ms timer ticks, start and end included. */
async function measure(label: string, build: () => Promise<CappedEaseScorer>) {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 10);
  const started = performance.now();
  await build();
  const ms = performance.now() - started;
  clearInterval(timer);
  gaps.push(performance.now() - last);
  const sorted = [...gaps].sort((a, b) => a - b);
  return {
    label,
    ms,
    maxDelayMs: sorted[sorted.length - 1],
    p99DelayMs: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))],
    ticks: gaps.length - 1,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '1' }, items: { type: 'string', default: '2500' } },
  });
  const data = loadMovielensLatestSmall(defaultDataDir());
  const MAX_ITEMS = Number(values.items);
  const matrix = new UserItemMatrix(data.users, data.items, data.interactions);
  const interactions = data.interactions;
  const history = histories(data.users, interactions);
  // A refresh's three heavy builds, as the engine runs them: on the loop (before) or in worker threads (now).
  const onLoop = async () => {
    new ItemKnnScorer(matrix, 50);
    new SequentialRulesScorer(data.items, history, SERVED_HYBRID.sequential);
    return CappedEaseScorer.build(matrix, LAMBDA, MAX_ITEMS, (g, n, lambda) =>
      Promise.resolve(easeWeights(g, n, lambda)),
    );
  };
  const offLoop = async () => {
    const [neighbours, rules, ease] = await Promise.all([
      itemNeighboursOffThread(data.users, data.items, interactions, 50),
      sequentialRulesOffThread(data.items, history, SERVED_HYBRID.sequential),
      CappedEaseScorer.build(matrix, LAMBDA, MAX_ITEMS, easeWeightsOffThread),
    ]);
    new ItemKnnScorer(matrix, 50, undefined, undefined, neighbours);
    new SequentialRulesScorer(data.items, history, SERVED_HYBRID.sequential, rules);
    return ease;
  };
  const rows: Array<Awaited<ReturnType<typeof measure>>> = [];
  // Interleaved, so drifting load hits both alike.
  for (let r = 0; r < Number(values.runs); r++) {
    rows.push(await measure('on the event loop', onLoop));
    rows.push(await measure('worker threads', offLoop));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `refresh builds (item-kNN, sequential rules, EASE on ${Math.min(MAX_ITEMS, data.items)} items), ${data.name}: ${data.items} items, ${data.users} users, ${interactions.length} interactions; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log('| where | solve ms (median) | longest loop gap ms | p99 loop gap ms | timer turns |');
  console.log('|---|---|---|---|---|');
  const summary = new Map<string, { ms: number; max: number; p99: number; ticks: number }>();
  for (const label of ['on the event loop', 'worker threads']) {
    const mine = rows.filter((x) => x.label === label);
    const s = {
      ms: median(mine.map((x) => x.ms)),
      max: median(mine.map((x) => x.maxDelayMs)),
      p99: median(mine.map((x) => x.p99DelayMs)),
      ticks: median(mine.map((x) => x.ticks)),
    };
    summary.set(label, s);
    console.log(`| ${label} | ${s.ms.toFixed(0)} | ${s.max.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.ticks} |`);
  }
  const a = summary.get('on the event loop');
  const b = summary.get('worker threads');
  if (a && b) {
    console.log(
      `longest loop gap: worker ${(b.max / a.max).toFixed(3)}× of on-loop; solve time: worker ${(b.ms / a.ms).toFixed(2)}× of on-loop`,
    );
  }
}

void main();
