/**
 * npm run bench:recs (alias bench:recommender)
 *
 * 1. Vector index: top-10 inner-product queries over N random 256-d unit vectors, HNSW (usearch) vs the exact
 *    brute-force scan on the same machine: build time, query p50/p99, QPS, recall@10 of HNSW against exact.
 * 2. HTTP: `GET /v1/recommendations` on a running recommender (fresh database, a real fashion-catalogue slice,
 *    synthetic users' interactions) under concurrent load: p50/p99 and throughput, against `GET /health/live`
 *    on the same server as the bare HTTP baseline.
 *
 *   node dist/scripts/bench/bench-recs.js [--sizes 20000,100000] [--queries 1000] [--ef 256] [--skip-http]
 *
 * The usearch prebuilt inserts ~600 random 256-d vectors/s here (2 cores), so 100k takes ~11 min to build.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ExactVectorIndex,
  HnswVectorIndex,
  randomUnitVectors,
  recallAtK,
  type VectorHit,
  type VectorIndex,
} from '@atelier/vector-index';
import { migrateAll, provisionAll } from '../db';
import { MeshSupervisor, randomBasePort } from '../mesh/mesh-supervisor';
import { throwawayEnvironment } from '../mesh/throwaway-environment';

const D = 256;
const K = 10;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function timeQueries(index: VectorIndex, queries: Float32Array, count: number) {
  const latencies: number[] = [];
  const results: VectorHit[][] = [];
  const started = process.hrtime.bigint();
  for (let q = 0; q < count; q++) {
    const t0 = process.hrtime.bigint();
    results.push(index.search(queries.subarray(q * D, (q + 1) * D), K));
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  latencies.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), qps: (count / totalMs) * 1000, results };
}

function benchIndex(n: number, queryCount: number, ef: number): void {
  const data = randomUnitVectors(n, D, 42);
  const queries = randomUnitVectors(queryCount, D, 43);
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  let t = Date.now();
  const exact = new ExactVectorIndex(D, n);
  ids.forEach((id, i) => exact.upsert(id, data.subarray(i * D, (i + 1) * D)));
  const exactBuild = Date.now() - t;
  // The exact scan is slow at 1M; its latency is measured on fewer queries, its answers on all for recall.
  const exactCount = Math.min(queryCount, n >= 500_000 ? 100 : queryCount);
  const e = timeQueries(exact, queries, exactCount);
  t = Date.now();
  const hnsw = new HnswVectorIndex(D, { connectivity: 32, expansionAdd: 128, expansionSearch: ef });
  hnsw.addBatch(ids, data);
  const hnswBuild = Date.now() - t;
  const h = timeQueries(hnsw, queries, queryCount);
  const recall = recallAtK(e.results, h.results.slice(0, exactCount));
  console.log(`\nvector index, ${n.toLocaleString('en')} × ${D}-d random unit vectors, top-${K}:`);
  console.log('| index | build | p50 | p99 | QPS (1 thread) | recall@10 |');
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| exact scan (baseline) | ${exactBuild} ms | ${e.p50.toFixed(2)} ms | ${e.p99.toFixed(2)} ms | ${e.qps.toFixed(0)} | 1.000 |`,
  );
  console.log(
    `| HNSW (usearch, M=32, ef=${ef}) | ${(hnswBuild / 1000).toFixed(1)} s | ${h.p50.toFixed(3)} ms | ${h.p99.toFixed(3)} ms | ` +
      `${h.qps.toFixed(0)} | ${recall.toFixed(3)} |`,
  );
  console.log(
    `HNSW p50 speed-up over the exact scan: ×${(e.p50 / h.p50).toFixed(0)} (recall over ${exactCount} queries)`,
  );
}

async function load(url: string, headers: Record<string, string>[], total: number, concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const res = await fetch(url, { headers: headers[i % headers.length] });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), rps: total / seconds };
}

async function benchHttp(): Promise<void> {
  const throwaway = throwawayEnvironment({
    RECOMMENDER_IMAGE_FEATURES: 'off',
    RECOMMENDER_REFRESH_INTERVAL_MS: '10000',
  });
  const { id, env } = throwaway;
  await provisionAll(env);
  await migrateAll(env);
  const mesh = new MeshSupervisor({
    env,
    basePort: randomBasePort(),
    logDir: resolve(__dirname, '..', '..', '..', 'var', 'bench-logs', id),
  });
  try {
    await mesh.start('recommender');
    const base = mesh.url('recommender');
    const csvPath = resolve(
      __dirname,
      '..',
      '..',
      '..',
      '..',
      'shared',
      'data',
      'fashion-product-images',
      'styles.csv',
    );
    // The real catalogue has a few rows without a title, which the import rightly rejects; leave them out.
    const lines = readFileSync(csvPath, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l && !l.endsWith(',') && !l.endsWith(',NA'));
    const csv = lines.slice(0, 3001).join('\n');
    const shop = { 'x-user-id': '00000000-0000-4000-8000-000000000001', 'x-user-role': 'shop' };
    const imported = await fetch(`${base}/v1/catalog/import?category_columns=masterCategory,subCategory,articleType`, {
      method: 'POST',
      headers: { ...shop, 'content-type': 'text/csv' },
      body: csv,
    });
    const body = (await imported.json()) as { items?: Array<{ id: string }> };
    if (!imported.ok || !body.items) throw new Error(`catalog import failed: ${JSON.stringify(body).slice(0, 500)}`);
    const items = body.items;
    // 200 users × 20 interactions, each user sticking to a few random items' neighbourhoods.
    const users = Array.from(
      { length: 200 },
      (_, u) => `00000000-0000-4000-8000-${String(100000 + u).padStart(12, '0')}`,
    );
    const kinds = ['view', 'view', 'like', 'add_to_cart', 'purchase'];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const user of users) {
      const anchor = Math.floor(rnd() * items.length);
      for (let j = 0; j < 20; j++) {
        const item = items[(anchor + Math.floor(rnd() * 60)) % items.length];
        await fetch(`${base}/v1/interactions`, {
          method: 'POST',
          headers: { 'x-user-id': user, 'content-type': 'application/json' },
          body: JSON.stringify({ itemId: item.id, kind: kinds[Math.floor(rnd() * kinds.length)] }),
        });
      }
    }
    // Wait for indexing and one model rebuild with the interactions.
    for (;;) {
      const h = (await (await fetch(`${base}/v1/recommendations/health`, { headers: shop })).json()) as {
        indexed: number;
        collaborative: string;
      };
      if (h.indexed >= items.length && h.collaborative !== 'none') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const headers = users.map((u) => ({ 'x-user-id': u }));
    await load(`${base}/v1/recommendations?k=10`, headers, 200, 4); // warm-up
    const baseline = await load(`${base}/health/live`, headers, 2000, 8);
    const recs = await load(`${base}/v1/recommendations?k=10`, headers, 2000, 8);
    console.log(
      `\nGET /v1/recommendations?k=10, ${items.length} items, ${users.length} users × 20 interactions, concurrency 8:`,
    );
    console.log('| endpoint | p50 | p99 | requests/s |');
    console.log('|---|---|---|---|');
    console.log(
      `| GET /health/live (bare HTTP baseline) | ${baseline.p50.toFixed(2)} ms | ${baseline.p99.toFixed(2)} ms | ${baseline.rps.toFixed(0)} |`,
    );
    console.log(
      `| GET /v1/recommendations | ${recs.p50.toFixed(2)} ms | ${recs.p99.toFixed(2)} ms | ${recs.rps.toFixed(0)} |`,
    );
    console.log(`recommendations p99 = ×${(recs.p99 / baseline.p99).toFixed(1)} the bare HTTP p99`);
  } finally {
    await mesh.stopAll();
    await throwaway.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '20000' },
      queries: { type: 'string', default: '1000' },
      ef: { type: 'string', default: '256' },
      'skip-http': { type: 'boolean', default: false },
    },
  });
  for (const n of (values.sizes ?? '').split(',').filter(Boolean).map(Number))
    benchIndex(n, Number(values.queries), Number(values.ef));
  if (!values['skip-http']) await benchHttp();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
