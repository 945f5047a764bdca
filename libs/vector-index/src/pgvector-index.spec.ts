import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import {
  ExactVectorIndex,
  PgVectorIndex,
  randomUnitVectors,
  recallAtK,
  toVectorLiteral,
  type SqlClient,
  type VectorHit,
} from './index';

const row = (data: Float32Array, i: number, d: number): Float32Array => data.subarray(i * d, (i + 1) * d);

/** pgvector (inside PGlite, since this machine's Postgres lacks the extension) against the exact in-process scan. */
describe('PgVectorIndex on PGlite', () => {
  const n = 3000;
  const d = 32;
  const queryCount = 40;
  const ids = Array.from({ length: n }, (_, i) => `item-${i}`);
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  const unitData = randomUnitVectors(n, d, 11);
  const queries = randomUnitVectors(queryCount, d, 12);
  // Inner product is tested on vectors of varied length, where it differs from cosine.
  const scaledData = unitData.map((x, i) => x * (0.5 + (Math.floor(i / d) % 7) / 4));

  const exactOver = (data: Float32Array): ExactVectorIndex => {
    const exact = new ExactVectorIndex(d, n);
    ids.forEach((id, i) => exact.upsert(id, row(data, i, d)));
    return exact;
  };
  const load = async (index: PgVectorIndex, data: Float32Array): Promise<void> => {
    for (let start = 0; start < n; start += 500) {
      const batch = ids.slice(start, start + 500);
      await index.upsertBatch(
        batch,
        batch.map((_, j) => row(data, start + j, d)),
      );
    }
  };
  const expectSameTopK = (exact: VectorHit[], pg: VectorHit[]): void => {
    expect(pg.map((h) => h.id)).toEqual(exact.map((h) => h.id));
    pg.forEach((h, i) => expect(h.score).toBeCloseTo(exact[i].score, 4));
  };

  it.each([
    ['cosine', 'hnsw', unitData],
    ['inner_product', 'hnsw', scaledData],
    ['cosine', 'none', unitData],
    ['inner_product', 'ivfflat', scaledData],
  ] as const)(
    '%s with %s index returns the exact top-10 on 3000 random vectors',
    async (metric, kind, data) => {
      const table = `vectors_${metric}_${kind}`;
      const index = new PgVectorIndex(db, {
        table,
        dimensions: d,
        metric,
        index:
          kind === 'hnsw' ? { kind, m: 16, efConstruction: 200 } : kind === 'ivfflat' ? { kind, lists: 10 } : { kind },
        efSearch: 400,
        probes: 10,
      });
      await index.ensureSchema();
      await load(index, data);
      expect(await index.size()).toBe(n);
      // ivfflat builds its lists from the rows present, so it is (re)built after loading.
      if (kind === 'ivfflat') await db.query(`REINDEX TABLE ${table}`);
      await db.query(`ANALYZE ${table}`);
      // The answers below must come from the approximate index (when there is one), not a sequential scan,
      // which the planner prefers on a table this small.
      await db.query(`SET enable_seqscan = ${kind === 'none' ? 'on' : 'off'}`);
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM ${table} ORDER BY embedding ${metric === 'cosine' ? '<=>' : '<#>'} $1::vector LIMIT 10`,
        [toVectorLiteral(row(queries, 0, d))],
      );
      const planText = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      if (kind === 'none') expect(planText).toMatch(/Seq Scan/);
      else expect(planText).toMatch(new RegExp(`Index Scan using ${table}_(cos|ip)_idx`));
      const exact = exactOver(data);
      const exactHits: VectorHit[][] = [];
      const pgHits: VectorHit[][] = [];
      for (let q = 0; q < queryCount; q++) {
        exactHits.push(exact.search(row(queries, q, d), 10));
        pgHits.push(await index.search(row(queries, q, d), 10));
      }
      await db.query('RESET enable_seqscan');
      expect(recallAtK(exactHits, pgHits)).toBe(1);
      exactHits.forEach((truth, q) => expectSameTopK(truth, pgHits[q]));
    },
    120_000,
  );

  it('honours exclusions, upserts in place and removes', async () => {
    const index = new PgVectorIndex(db, { table: 'vectors_cosine_hnsw', dimensions: d, efSearch: 400 });
    const q = row(queries, 1, d);
    const exact = exactOver(unitData);
    const exclude = new Set(exact.search(q, 5).map((h) => h.id));
    expectSameTopK(exact.search(q, 10, { exclude }), await index.search(q, 10, { exclude }));

    await index.upsert('item-7', q);
    expect((await index.search(q, 1))[0]).toEqual({ id: 'item-7', score: expect.closeTo(1, 5) as number });
    expect(await index.size()).toBe(n);
    expect(await index.remove('item-7')).toBe(true);
    expect(await index.remove('item-7')).toBe(false);
    expect(await index.has('item-7')).toBe(false);
    expect((await index.search(q, 10)).map((h) => h.id)).not.toContain('item-7');
    await expect(index.upsert('bad', new Float32Array(3))).rejects.toThrow(/dimensions/);
  });

  it('widens ef_search per query to cover exclusions when the client runs transactions (SET LOCAL)', async () => {
    const q = row(queries, 2, d);
    const exclude = new Set(
      exactOver(unitData)
        .search(q, 60)
        .map((h) => h.id),
    );
    // Session-level settings only (a client without `transaction`): the graph scan stops at ef_search = 20 rows,
    // and the 60 excluded ids are filtered out of those afterwards.
    const sessionOnly: SqlClient = { query: (text, params) => db.query(text, params) };
    const narrow = new PgVectorIndex(sessionOnly, { table: 'vectors_cosine_hnsw', dimensions: d, efSearch: 20 });
    await narrow.applySearchSettings();
    await db.query('SET enable_seqscan = off');
    expect((await narrow.search(q, 10, { exclude })).length).toBeLessThan(10);
    const perQuery = new PgVectorIndex(db, { table: 'vectors_cosine_hnsw', dimensions: d, efSearch: 20 });
    const hits = await perQuery.search(q, 10, { exclude });
    await db.query('RESET enable_seqscan');
    await db.query('RESET hnsw.ef_search');
    expectSameTopK(exactOver(unitData).search(q, 10, { exclude }), hits);
  });

  it('reports the extension and the table, and retains only the given ids', async () => {
    expect(await PgVectorIndex.extensionVersion(db)).toMatch(/^\d+\.\d+/);
    const plain = await PGlite.create();
    try {
      expect(await PgVectorIndex.extensionVersion(plain)).toBeUndefined();
    } finally {
      await plain.close();
    }
    const index = new PgVectorIndex(db, { table: 'retain_test', dimensions: d });
    expect(await index.tableExists()).toBe(false);
    await index.ensureSchema();
    expect(await index.tableExists()).toBe(true);
    await index.upsertBatch(['a', 'b', 'c'], [row(unitData, 0, d), row(unitData, 1, d), row(unitData, 2, d)]);
    expect(await index.retainOnly(['b', 'zzz'])).toBe(2);
    expect((await index.search(row(unitData, 0, d), 5)).map((h) => h.id)).toEqual(['b']);
  }, 120_000);

  it('rejects identifiers and numbers that could inject SQL', () => {
    for (const table of ['items; DROP TABLE x', 'Items', 'a.b.c', '"x"', '']) {
      expect(() => new PgVectorIndex(db, { table, dimensions: d })).toThrow(/invalid/);
    }
    expect(() => new PgVectorIndex(db, { table: 'ok', dimensions: 1.5 })).toThrow(/dimensions/);
    expect(() =>
      new PgVectorIndex(db, { table: 'ok', dimensions: 4, index: { kind: 'hnsw', m: 0 } }).schemaStatements(),
    ).toThrow(/m must/);
    expect(new PgVectorIndex(db, { table: 'recommender.item_vectors', dimensions: 4 }).schemaStatements()[0]).toContain(
      '"recommender"."item_vectors"',
    );
  });
});
