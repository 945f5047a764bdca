import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { ExactVectorIndex, normalize, PgVectorIndex, randomUnitVectors } from '@atelier/vector-index';
import { ITEM_VECTOR_DIMENSIONS } from '../features/item-vector';
import { ITEM_VECTORS_DDL } from '../migrations/1763820000000-item-vectors';
import { itemVectorsOptions, PgVectorItemIndex, PgVectorUnavailableError } from './pgvector-item-index';

jest.setTimeout(120_000);

/** The pgvector item index against PGlite (this machine's PostgreSQL has no pgvector), at the real 1564 dimensions. */
describe('PgVectorItemIndex on PGlite', () => {
  const d = ITEM_VECTOR_DIMENSIONS;
  const n = 200;
  const data = randomUnitVectors(n, d, 31);
  const queries = randomUnitVectors(10, d, 32);
  const row = (m: Float32Array, i: number) => m.subarray(i * d, (i + 1) * d);
  const options = { efSearch: 100, rewriteDistance: 0.01 };
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    await db.query('CREATE SCHEMA recommender');
  });
  afterAll(() => db.close());

  it('the migration creates exactly the table and index the adapter expects', () => {
    expect(ITEM_VECTORS_DDL).toEqual(new PgVectorIndex(db, itemVectorsOptions(d, 100)).schemaStatements());
  });

  it('refuses to open without the extension, and names the migration when the table is missing', async () => {
    const plain = await PGlite.create();
    try {
      const refused = PgVectorItemIndex.open(plain, d, options);
      await expect(refused).rejects.toThrow(PgVectorUnavailableError);
      await expect(refused).rejects.toThrow(/pgvector extension is not installed.*pgvector\/pgvector:pg16/);
    } finally {
      await plain.close();
    }
    await db.query('CREATE EXTENSION IF NOT EXISTS vector');
    await expect(PgVectorItemIndex.open(db, d, options)).rejects.toThrow(
      /item_vectors is missing.*ItemVectors1763820000000/,
    );
  });

  it('after the migration: first sync writes all and drops stale rows, later syncs write only what moved', async () => {
    for (const statement of ITEM_VECTORS_DDL) await db.query(statement);
    // A row left from before this process started, for an item that no longer exists.
    await db.query(`INSERT INTO recommender.item_vectors VALUES ('gone', $1::vector)`, [
      `[${Array.from(row(data, 0)).join(',')}]`,
    ]);
    const index = await PgVectorItemIndex.open(db, d, options);
    const vectors = new Map(Array.from({ length: n }, (_, i) => [`item-${i}`, row(data, i)]));
    expect(await index.sync(vectors)).toMatchObject({ added: n, removed: 1 });
    expect(await index.sync(vectors)).toMatchObject({ added: 0, moved: 0, unchanged: n });

    const changed = new Map(vectors);
    changed.set('item-1', row(queries, 0));
    const drift = normalize(row(data, 2).map((x, i) => x + 0.003 * row(queries, 9)[i]));
    changed.set('item-2', drift); // below rewriteDistance: not rewritten
    changed.delete('item-3');
    expect(await index.sync(changed)).toMatchObject({ added: 0, moved: 1, removed: 1, unchanged: n - 2 });
    const [{ count }] = (
      await db.query<{ count: number }>('SELECT count(*)::int AS count FROM recommender.item_vectors')
    ).rows;
    expect(count).toBe(n - 1);
    expect(index.size()).toBe(n - 1);

    // Searches return the exact top-10 of what the table holds (HNSW with ef widened over exclusions).
    const exact = new ExactVectorIndex(d, n);
    for (const [id, v] of changed) exact.upsert(id, id === 'item-2' ? row(data, 2) : v);
    for (let q = 0; q < 10; q++) {
      const exclude = new Set(exact.search(row(queries, q), 3).map((h) => h.id));
      const expected = exact.search(row(queries, q), 10, { exclude });
      const got = await index.search(row(queries, q), 10, { exclude });
      expect(got.map((h) => h.id)).toEqual(expected.map((h) => h.id));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i].score, 4));
    }
    // A restarted process finds the rows in the table and rewrites none of them.
    const restarted = await PgVectorItemIndex.open(db, d, options);
    const current = new Map(changed);
    current.set('item-2', row(data, 2)); // what the table holds for it
    expect(await restarted.sync(current)).toMatchObject({ added: 0, moved: 0, removed: 0, unchanged: n - 1 });
    expect(await index.upsert('item-new', row(queries, 5))).toBe('added');
    expect(await index.upsert('item-new', row(queries, 5))).toBe('unchanged');
    expect((await index.search(row(queries, 5), 1))[0].id).toBe('item-new');
  });
});
