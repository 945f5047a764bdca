import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  ExactVectorIndex,
  PgVectorIndex,
  toVectorLiteral,
  type SqlClient,
  type VectorHit,
} from '@atelier/vector-index';
import { ITEM_VECTOR_DIMENSIONS } from '../apps/recommender/src/features/item-vector';
import { PgVectorItemIndex } from '../apps/recommender/src/item-index/pgvector-item-index';
import { ITEM_VECTORS_DDL } from '../apps/recommender/src/migrations/1763820000000-item-vectors';
import { VisualCatalogIndex, type HardFilters } from '../apps/recommender/src/visual-search/visual-catalog-index';
import { catalogueDataset } from '../scripts/bench/vector-index-bench';
import { ADMIN_URL } from './support/test-mesh';

// <repo>/../shared, or one level further up for a git worktree under <workspace>/wt/<name>.
const STYLES =
  [resolve(__dirname, '..', '..'), resolve(__dirname, '..', '..', '..')]
    .map((root) => join(root, 'shared', 'data', 'fashion-product-images', 'styles.csv'))
    .find((path) => existsSync(path)) ?? 'shared/data/fashion-product-images/styles.csv (not found)';
const INSTALL =
  'Install pgvector into this PostgreSQL: apt-get install -y postgresql-server-dev-15 build-essential; ' +
  'tar xzf ../shared/vendor/pgvector-0.8.6.tar.gz -C /tmp && make -C /tmp/pgvector-0.8.6 && ' +
  'make -C /tmp/pgvector-0.8.6 install (.ci/run does this when the extension is missing).';

/** A `pg` client as the adapter's SqlClient: one connection, so transactions are BEGIN … COMMIT on it. */
function sqlClient(client: Client): SqlClient {
  const self: SqlClient = {
    query: async (text, params) => ({ rows: (await client.query(text, params)).rows as unknown[] }),
    transaction: async (work) => {
      await client.query('BEGIN');
      try {
        const out = await work(self);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    },
  };
  return self;
}

/**
 * pgvector on the real PostgreSQL (not PGlite): the recommender's item_vectors table and HNSW index from its
 * migration, searched with exclusions and filters (hnsw.iterative_scan), and a tag-filtered photo index with the
 * visual search's hard-filter semantics, each against the exact answer. Data: the service's own item vectors
 * (BM25 text + named colour, 1564-d) of the first 3000 fashion-catalogue products.
 */
describe('pgvector on the real PostgreSQL', () => {
  const database = `atelier_pgvector_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  let client: Client;
  let sql: SqlClient;
  const set = catalogueDataset(STYLES, 40, 3000);
  const d = ITEM_VECTOR_DIMENSIONS;
  const n = set.ids.length;
  const row = (m: Float32Array, i: number) => m.subarray(i * d, (i + 1) * d);
  const query = (q: number) => row(set.queries, q);
  const exact = new ExactVectorIndex(d, n);
  set.ids.forEach((id, i) => exact.upsert(id, row(set.data, i)));
  const tagsOf = set.tags ?? [];
  const inTransaction = <T>(work: (tx: SqlClient) => Promise<T>): Promise<T> => {
    if (!sql.transaction) throw new Error('no transactions');
    return sql.transaction(work);
  };

  /** Share of the exact top-k found, a tie with the k-th exact score counting as found (identical vectors exist). */
  const recall = (truth: VectorHit[][], got: VectorHit[][]): number =>
    truth.reduce((sum, t, q) => {
      if (t.length === 0) return sum + 1;
      const kth = t[t.length - 1].score;
      const ids = new Set(t.map((h) => h.id));
      return sum + Math.min(t.length, got[q].filter((h) => ids.has(h.id) || h.score >= kth - 1e-5).length) / t.length;
    }, 0) / truth.length;

  /** Ids of the rarest category holding at least `min` items. */
  const rareCategory = (min: number): string[] => {
    const counts = new Map<string, string[]>();
    tagsOf.forEach((tags, i) => {
      for (const t of tags.filter((x) => x.startsWith('category='))) {
        counts.set(t, [...(counts.get(t) ?? []), set.ids[i]]);
      }
    });
    return [...counts].filter(([, ids]) => ids.length >= min).sort((a, b) => a[1].length - b[1].length)[0][1];
  };

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query('CREATE EXTENSION vector');
    } catch (err) {
      throw new Error(`CREATE EXTENSION vector failed (${(err as Error).message}). ${INSTALL}`);
    }
    sql = sqlClient(client);
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('has pgvector ≥ 0.8 (iterative index scans)', async () => {
    const version = await PgVectorIndex.extensionVersion(sql);
    expect(version).toMatch(/^\d+\.\d+/);
    const [major, minor] = (version ?? '0.0').split('.').map(Number);
    expect(major > 0 || minor >= 8).toBe(true);
  });

  describe('recommender item_vectors (migration DDL, PgVectorItemIndex)', () => {
    let index: PgVectorItemIndex;

    beforeAll(async () => {
      await client.query('CREATE SCHEMA recommender');
      for (const statement of ITEM_VECTORS_DDL) await client.query(statement);
      index = await PgVectorItemIndex.open(sql, d, { efSearch: 100, rewriteDistance: 0.01 });
      const stats = await index.sync(new Map(set.ids.map((id, i) => [id, row(set.data, i)])));
      expect(stats.added).toBe(n);
      await client.query('ANALYZE recommender.item_vectors');
    }, 300_000);

    it('answers through the HNSW index with recall@10 ≥ 0.95 against the exact scan, exclusions honoured', async () => {
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM recommender.item_vectors ORDER BY embedding <=> $1::vector LIMIT 10`,
        [toVectorLiteral(query(0))],
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using item_vectors_cos_idx/);
      const truth: VectorHit[][] = [];
      const got: VectorHit[][] = [];
      for (let q = 0; q < set.queries.length / d; q++) {
        const exclude = new Set(exact.search(query(q), 5).map((h) => h.id));
        truth.push(exact.search(query(q), 10, { exclude }));
        const hits = await index.search(query(q), 10, { exclude });
        expect(hits).toHaveLength(10);
        for (const h of hits) expect(exclude.has(h.id)).toBe(false);
        got.push(hits);
      }
      expect(recall(truth, got)).toBeGreaterThanOrEqual(0.95);
    }, 120_000);

    it('a category filter (~1% of the items) returns the exact top-k of the category', async () => {
      const allow = rareCategory(30);
      expect(allow.length / n).toBeLessThan(0.02);
      const allowSet = new Set(allow);
      const truth: VectorHit[][] = [];
      const got: VectorHit[][] = [];
      for (let q = 0; q < set.queries.length / d; q++) {
        truth.push(
          exact
            .search(query(q), n)
            .filter((h) => allowSet.has(h.id))
            .slice(0, 10),
        );
        const hits = await index.search(query(q), 10, { allow });
        expect(hits).toHaveLength(10);
        for (const h of hits) expect(allowSet.has(h.id)).toBe(true);
        got.push(hits);
      }
      // For a short id list the planner reads the rows by primary key and sorts them (exact); for a long one it
      // walks the graph, which iterative_scan keeps walking until k rows pass. Either way k come back.
      expect(recall(truth, got)).toBeGreaterThanOrEqual(0.95);
    }, 180_000);
  });

  describe('photo index with hard filters (the visual search semantics: OR within an attribute, AND across)', () => {
    // `sql` is assigned in the outer beforeAll; the adapter only calls it later.
    const photos = new PgVectorIndex(
      { query: (t, p) => sql.query(t, p), transaction: (work) => inTransaction(work) },
      { table: 'visual_photos', dimensions: d, tags: true, efSearch: 100, iterativeScan: 'strict_order' },
    );
    const visual = new VisualCatalogIndex(d, new ExactVectorIndex(d, n));

    beforeAll(async () => {
      await photos.ensureSchema({ createExtension: false });
      for (let start = 0; start < n; start += 300) {
        const ids = set.ids.slice(start, start + 300);
        await photos.upsertBatch(
          ids,
          ids.map((_, j) => row(set.data, start + j)),
          ids.map((_, j) => tagsOf[start + j]),
        );
      }
      await client.query('ANALYZE visual_photos');
      set.ids.forEach((id, i) =>
        visual.upsert({
          id,
          ownerId: 'catalog',
          embedding: row(set.data, i),
          attributes: tagsOf[i].map((t) => {
            const [name, value] = t.split('=');
            return { name, value, confidence: 1 };
          }),
        }),
      );
    }, 300_000);

    it('filtered top-10 equals the in-process exact filtered search (recall ≥ 0.95) and every hit passes', async () => {
      const filters: HardFilters[] = [
        { baseColour: ['Black', 'Navy Blue'], gender: ['Men'] },
        { baseColour: ['Red'] },
        { gender: ['Women'], usage: ['Sports', 'Formal'] },
      ];
      const truth: VectorHit[][] = [];
      const got: VectorHit[][] = [];
      for (const filter of filters) {
        const allowed = visual.allowed(filter);
        expect(allowed?.size).toBeGreaterThan(10);
        const groups = Object.entries(filter).map(([name, values]) => values.map((v) => `${name}=${v}`));
        for (let q = 0; q < 10; q++) {
          truth.push(visual.candidates(query(q), 10, allowed).hits);
          const hits = await photos.search(query(q), 10, { tags: groups });
          expect(hits).toHaveLength(10);
          for (const h of hits) expect(allowed?.has(h.id)).toBe(true);
          got.push(hits);
        }
      }
      expect(recall(truth, got)).toBeGreaterThanOrEqual(0.95);
      // Unfiltered, the same index: recall vs exact as well.
      const plainTruth = [0, 1, 2, 3, 4].map((q) => exact.search(query(q), 10));
      const plainGot: VectorHit[][] = [];
      for (let q = 0; q < 5; q++) plainGot.push(await photos.search(query(q), 10));
      expect(recall(plainTruth, plainGot)).toBeGreaterThanOrEqual(0.95);
    }, 180_000);

    it('a rare tag filter walked through the graph: iterative_scan returns k, the post-filtered scan starves', async () => {
      const allow = new Set(rareCategory(30));
      const tag = tagsOf[set.ids.findIndex((id) => allow.has(id))].find(
        (t) => t.startsWith('category=') && tagsOf.filter((tags) => tags.includes(t)).length === allow.size,
      );
      expect(tag).toBeDefined();
      const tags = [[tag ?? '']];
      const plain = new PgVectorIndex(sql, { table: 'visual_photos', dimensions: d, tags: true, efSearch: 40 });
      const iterative = new PgVectorIndex(sql, {
        table: 'visual_photos',
        dimensions: d,
        tags: true,
        efSearch: 40,
        iterativeScan: 'relaxed_order',
      });
      // GIN answers a tag filter only through a bitmap scan: with those off the planner must walk the HNSW graph.
      await client.query('SET enable_bitmapscan = off');
      await client.query('SET enable_seqscan = off');
      try {
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM visual_photos WHERE tags && $2::text[] ORDER BY embedding <=> $1::vector LIMIT 10`,
          [toVectorLiteral(query(0)), tags[0]],
        );
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using visual_photos_cos_idx/);
        const truth: VectorHit[][] = [];
        const got: VectorHit[][] = [];
        let starved = 0;
        for (let q = 0; q < set.queries.length / d; q++) {
          truth.push(
            exact
              .search(query(q), n)
              .filter((h) => allow.has(h.id))
              .slice(0, 10),
          );
          const hits = await iterative.search(query(q), 10, { tags });
          expect(hits).toHaveLength(10);
          for (const h of hits) expect(allow.has(h.id)).toBe(true);
          got.push(hits);
          if ((await plain.search(query(q), 10, { tags })).length < 10) starved++;
        }
        expect(starved).toBeGreaterThan(0);
        expect(recall(truth, got)).toBeGreaterThanOrEqual(0.9);
      } finally {
        await client.query('RESET enable_bitmapscan');
        await client.query('RESET enable_seqscan');
      }
    }, 180_000);

    it('replaces tags on upsert and rejects tags on an index without the column', async () => {
      const id = set.ids[0];
      await photos.upsertBatch([id], [row(set.data, 0)], [['baseColour=Chartreuse']]);
      const hits = await photos.search(row(set.data, 0), 5, { tags: [['baseColour=Chartreuse']] });
      expect(hits.map((h) => h.id)).toEqual([id]);
      const untagged = new PgVectorIndex(sql, { table: 'recommender.item_vectors', dimensions: d });
      await expect(untagged.search(query(0), 5, { tags: [['x=y']] })).rejects.toThrow(/no tags column/);
      await expect(untagged.upsertBatch([id], [row(set.data, 0)], [['x=y']])).rejects.toThrow(/no tags column/);
    });
  });
});
