import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ADMIN_URL, TestMesh } from './support/test-mesh';

// <repo>/../shared, or one level further up for a git worktree under <workspace>/wt/<name>.
const FASHION =
  [resolve(__dirname, '..', '..'), resolve(__dirname, '..', '..', '..')]
    .map((root) => join(root, 'shared', 'data', 'fashion-product-images'))
    .find((dir) => existsSync(dir)) ?? resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');

interface Health {
  items: number;
  indexed: number;
  index: string;
  indexState: {
    snapshot: string | null;
    lastSync: { added: number; relinked: number; moved: number; unchanged: number; removed: number } | null;
  };
}

/**
 * The recommender's item vector index as the running service selects it (RECOMMENDER_VECTOR_INDEX): HNSW keeps a
 * snapshot across restarts and applies only changes; pgvector refuses to start on a PostgreSQL without it.
 */
describe('recommender vector index (hnsw): snapshot, restart, incremental updates', () => {
  const indexDir = mkdtempSync(join(tmpdir(), 'atelier-item-index-'));
  const mesh = new TestMesh({
    services: ['recommender'],
    env: {
      RECOMMENDER_VECTOR_INDEX: 'hnsw',
      RECOMMENDER_VECTOR_INDEX_DIR: indexDir,
      RECOMMENDER_IMAGE_FEATURES: 'off',
      RECOMMENDER_REFRESH_INTERVAL_MS: '1000',
    },
  });
  const base = () => mesh.supervisor.url('recommender');
  const shop = mesh.newUser();
  const headers = { 'x-user-id': shop, 'x-user-role': 'shop' };
  const health = async (): Promise<Health> =>
    (await (await fetch(`${base()}/v1/recommendations/health`, { headers })).json()) as Health;
  const csv = readFileSync(join(FASHION, 'styles.csv'), 'utf8').split('\n').slice(0, 81).join('\n');

  beforeAll(() => mesh.start(), 120_000);
  afterAll(async () => {
    await mesh.stop();
    rmSync(indexDir, { recursive: true, force: true });
  });

  it('indexes the catalogue in the graph, saves it on shutdown, loads it at start and re-inserts nothing', async () => {
    const imported = await fetch(
      `${base()}/v1/catalog/import?category_columns=masterCategory,subCategory,articleType`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: csv,
      },
    );
    expect(imported.status).toBe(201);
    // Wait for a model refresh over all 80 (the handler indexes each item at once, with the previous model's IDF).
    const synced = (h: Health) => {
      const s = h.indexState.lastSync;
      return s ? s.added + s.relinked + s.moved + s.unchanged : 0;
    };
    const indexed = await mesh.waitFor(
      async () => {
        const h = await health();
        return h.indexed === 80 && synced(h) === 80 ? h : undefined;
      },
      60_000,
      'a refresh over 80 items',
    );
    expect(indexed.index).toBe('hnsw');
    expect(indexed.indexState.snapshot).toBe('none');

    await mesh.supervisor.stop('recommender'); // SIGTERM: the snapshot is written before exit
    expect(existsSync(join(indexDir, `items-${mesh.database}.hnsw`))).toBe(true);
    expect(readdirSync(indexDir).filter((f) => f.endsWith('.usearch'))).toHaveLength(1);

    await mesh.supervisor.start('recommender');
    const restarted = await health();
    expect(restarted).toMatchObject({ index: 'hnsw', indexed: 80, items: 80 });
    expect(restarted.indexState.snapshot).toBe('loaded');
    // The start-up refresh computed the same vectors: nothing went into the graph again.
    expect(restarted.indexState.lastSync).toMatchObject({ added: 0, relinked: 0, removed: 0, unchanged: 80 });
  }, 180_000);

  it('adds an item upserted after the restart at once, and serves it as a neighbour', async () => {
    const [shirt] = await mesh.query<{ id: string; title: string; category_path: string[]; attributes: object }>(
      `SELECT id, title, category_path, attributes FROM recommender.items WHERE title ~* 'shirt$'
       ORDER BY external_id LIMIT 1`,
    );
    const created = await fetch(`${base()}/v1/catalog/items`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        externalId: 'e2e-twin',
        title: shirt.title,
        categoryPath: shirt.category_path,
        attributes: shirt.attributes,
      }),
    });
    expect(created.status).toBe(201);
    const twin = ((await created.json()) as { id: string }).id;
    await mesh.waitFor(async () => ((await health()).indexed === 81 ? true : undefined), 30_000, 'the new item');
    const similar = (await (await fetch(`${base()}/v1/items/${shirt.id}/similar?k=5`, { headers })).json()) as {
      items: Array<{ itemId: string }>;
    };
    expect(similar.items.map((i) => i.itemId)).toContain(twin);
  }, 60_000);
});

describe('recommender vector index (pgvector)', () => {
  const mesh = new TestMesh({ services: ['recommender'], env: { RECOMMENDER_VECTOR_INDEX: 'pgvector' } });
  afterAll(() => mesh.stop());

  it('starts on the real PostgreSQL with pgvector and serves the index from recommender.item_vectors', async () => {
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    const offered = (await admin.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)).rowCount;
    await admin.end();
    if (!offered) {
      throw new Error(
        'This PostgreSQL does not offer the pgvector extension. Install it: apt-get install -y ' +
          'postgresql-server-dev-15 build-essential; tar xzf ../shared/vendor/pgvector-0.8.6.tar.gz -C /tmp && ' +
          'make -C /tmp/pgvector-0.8.6 && make -C /tmp/pgvector-0.8.6 install (.ci/run does this).',
      );
    }
    await mesh.start();
    const h = (await (
      await fetch(`${mesh.supervisor.url('recommender')}/v1/recommendations/health`, {
        headers: { 'x-user-id': mesh.newUser() },
      })
    ).json()) as Health;
    expect(h.index).toBe('pgvector');
    const [table] = await mesh.query<{ present: boolean }>(
      `SELECT to_regclass('recommender.item_vectors') IS NOT NULL AS present`,
    );
    expect(table.present).toBe(true);
  }, 120_000);
});
