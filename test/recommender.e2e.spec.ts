import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { TestMesh } from './support/test-mesh';

const FASHION = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');

interface Json {
  [key: string]: unknown;
}

/** The recommender on its own: catalog import, search, interactions, recommendations, async tasks over RabbitMQ. */
describe('recommender', () => {
  // An empty models dir: no contrastive checkpoint, whatever a developer trained into var/models.
  const modelsDir = mkdtempSync(join(tmpdir(), 'atelier-models-'));
  const mesh = new TestMesh({
    services: ['recommender'],
    env: { RECOMMENDER_REFRESH_INTERVAL_MS: '1000', RECOMMENDER_MODELS_DIR: modelsDir },
  });
  const base = () => mesh.supervisor.url('recommender');
  const shop = mesh.newUser();
  const alice = mesh.newUser();
  const bob = mesh.newUser();

  const call = async (
    method: string,
    path: string,
    user: string,
    body?: unknown,
    role = 'customer',
    contentType = 'application/json',
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { 'x-user-id': user, 'x-user-role': role, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  // A real slice of the Myntra catalogue: the first 120 rows of styles.csv.
  const csv = readFileSync(join(FASHION, 'styles.csv'), 'utf8').split('\n').slice(0, 121).join('\n');
  const ids = new Map<string, string>();
  const itemByTitle = async (pattern: string) =>
    await mesh.query<{ id: string; title: string }>(
      `SELECT id, title FROM recommender.items WHERE title ~* $1 ORDER BY external_id`,
      [pattern],
    );

  beforeAll(async () => {
    await mesh.start();
  });
  afterAll(async () => {
    await mesh.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  it('imports a CSV catalogue for shops and admins only, all rows or none', async () => {
    const path = '/v1/catalog/import?category_columns=masterCategory,subCategory,articleType';
    expect((await call('POST', path, alice, csv, 'customer', 'text/csv')).status).toBe(403);
    const broken = csv.replace(/\n(\d+),/, '\n,'); // second row loses its id
    const rejected = await call('POST', path, shop, broken, 'shop', 'text/csv');
    expect(rejected.status).toBe(400);
    expect(rejected.body.error).toMatchObject({ code: 'validation_failed' });
    expect(await mesh.query('SELECT 1 FROM recommender.items')).toHaveLength(0);

    const ok = await call('POST', path, shop, csv, 'shop', 'text/csv');
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ imported: 120, created: 120 });
    for (const i of ok.body.items as Array<{ id: string; externalId: string }>) ids.set(i.externalId, i.id);
    const again = await call('POST', path, shop, csv, 'shop', 'text/csv');
    expect(again.body).toMatchObject({ imported: 120, created: 0 });
    const [row] = await mesh.query<{ category_path: string[]; attributes: Json }>(
      `SELECT category_path, attributes FROM recommender.items WHERE external_id = '15970'`,
    );
    expect(row.category_path).toEqual(['Apparel', 'Topwear', 'Shirts']);
    expect(row.attributes).toMatchObject({ baseColour: 'Navy Blue', gender: 'Men', usage: 'Casual' });
    // One upsert event per item and per import.
    const [events] = await mesh.query<{ n: string }>(
      `SELECT count(*) AS n FROM recommender.outbox WHERE type = 'catalog.item_upserted'`,
    );
    expect(Number(events.n)).toBe(240);
  });

  it('stores a product photo through the storage port and indexes text, colour and CNN image features', async () => {
    const photoId = '10000';
    const photo = join(FASHION, 'images_60x80', `${photoId}.jpg`);
    expect(existsSync(photo)).toBe(true);
    const res = await call(
      'POST',
      '/v1/catalog/items',
      shop,
      {
        externalId: 'photo-1',
        title: 'Синее летнее платье',
        categoryPath: ['Apparel', 'Dress'],
        attributes: { baseColour: 'Blue', season: 'Summer' },
        price: 2499.5,
        currency: 'RUB',
        imageBase64: readFileSync(photo).toString('base64'),
      },
      'admin',
    );
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const features = await mesh.waitFor(
      async () => {
        const [f] = await mesh.query<{ tokens: string[]; colour: Buffer; image: Buffer | null; image_model: string }>(
          'SELECT tokens, colour, image, image_model FROM recommender.item_features WHERE item_id = $1',
          [id],
        );
        return f;
      },
      60000,
      'features of the photo item',
    );
    expect(features.image?.length).toBe(1280 * 4);
    expect(features.image_model).toMatch(/mobilenet/);
    expect(features.colour.length).toBeGreaterThan(0);
    expect(features.tokens).toEqual(expect.arrayContaining(['син', 'летн', 'плат', 'a:basecolour=blue']));
    const image = await fetch(`${base()}/v1/catalog/items/${id}/image`, { headers: { 'x-user-id': alice } });
    expect(image.status).toBe(200);
    // Catalogue images are re-encoded like photos (trailing bytes gone): the same picture, not the same bytes.
    const served = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    const original = await sharp(readFileSync(photo)).metadata();
    expect([served.width, served.height]).toEqual([original.width, original.height]);
    const bad = await call(
      'POST',
      '/v1/catalog/items',
      shop,
      { externalId: 'x', title: 'x', imageBase64: 'bm90IGFuIGltYWdl' },
      'shop',
    );
    expect(bad.status).toBe(400);
  });

  it('finds titles by stemmed full text in Russian and English and by trigram similarity despite typos', async () => {
    const search = async (q: string) => {
      const { body } = await call('GET', `/v1/catalog/search?q=${encodeURIComponent(q)}&limit=5`, alice);
      // Without a contrastive checkpoint the search is full text only, and says so.
      expect(body).toMatchObject({ mode: 'lexical', semantic: false });
      return body.items as Array<{ title: string; categoryPath: string[]; matchedBy: string[] }>;
    };
    expect((await search('платья'))[0].title).toBe('Синее летнее платье');
    const watches = await search('watch');
    expect(watches.length).toBeGreaterThan(0);
    for (const w of watches) expect(w.title.toLowerCase()).toMatch(/watch/);
    const typo = await search('jeens');
    expect(typo[0].categoryPath).toContain('Jeans');
    expect((await call('GET', '/v1/catalog/search?q=', alice)).status).toBe(400);
  });

  it('records interactions with weights and recommends around them, never what was bought or disliked', async () => {
    const shirts = await itemByTitle('shirt$');
    const watches = await itemByTitle('watch');
    expect(shirts.length).toBeGreaterThan(6);
    expect(watches.length).toBeGreaterThan(3);
    const like = (user: string, itemId: string, kind: string) =>
      call('POST', '/v1/interactions', user, { itemId, kind });
    // Bob's history ties shirts to watches; Alice likes shirts, bought one, disliked another.
    for (const s of shirts.slice(0, 4)) expect((await like(bob, s.id, 'purchase')).status).toBe(201);
    for (const w of watches.slice(0, 3)) await like(bob, w.id, 'purchase');
    await like(alice, shirts[0].id, 'like');
    await like(alice, shirts[1].id, 'purchase');
    await like(alice, shirts[2].id, 'dislike');
    await like(alice, shirts[3].id, 'view');
    expect((await like(alice, '00000000-0000-4000-8000-000000000000', 'like')).status).toBe(404);
    expect((await call('POST', '/v1/interactions', alice, { itemId: shirts[0].id, kind: 'love' })).status).toBe(400);
    const mine = await call('GET', '/v1/interactions', alice);
    expect((mine.body.items as Array<{ kind: string; weight: number }>).map((i) => [i.kind, i.weight])).toEqual([
      ['view', 1],
      ['dislike', -3],
      ['purchase', 5],
      ['like', 3],
    ]);

    const recs = await mesh.waitFor(
      async () => {
        const r = await call('GET', '/v1/recommendations?k=10', alice);
        const items = r.body.items as Array<{
          itemId: string;
          reasons: string[];
          contributions: Record<string, number>;
        }>;
        return items.some((i) => (i.contributions.collaborative ?? 0) > 0) ? r.body : undefined;
      },
      20000,
      'collaborative recommendations after the model refresh',
    );
    const items = recs.items as Array<{
      itemId: string;
      title: string;
      reasons: string[];
      contributions: Record<string, number>;
    }>;
    expect(recs.strategy).toBe('hybrid');
    expect(items).toHaveLength(10);
    const touched = new Set(shirts.slice(0, 4).map((s) => s.id));
    for (const i of items) expect(touched.has(i.itemId)).toBe(false);
    // Explanations quote only Alice's own items, never Bob's purchases.
    const aliceTitles = new Set(shirts.slice(0, 4).map((s) => s.title));
    for (const i of items) {
      expect(i.reasons.length).toBeGreaterThan(0);
      for (const quoted of i.reasons.flatMap((r) => [...r.matchAll(/“(.+?)”/g)].map((m) => m[1]))) {
        expect(aliceTitles.has(quoted)).toBe(true);
      }
    }
    const reasons = items.flatMap((i) => i.reasons);
    expect(reasons.some((r) => /^because you (liked|viewed|bought) “/.test(r))).toBe(true);
    expect(reasons.some((r) => /^similar .*to “/.test(r))).toBe(true);
  });

  it('serves cold-start users popular items and similar items for any item', async () => {
    const cold = await call('GET', '/v1/recommendations?k=5', mesh.newUser());
    expect(cold.body.strategy).toBe('cold-start');
    expect(cold.body.items).toHaveLength(5);
    const [shirt] = await itemByTitle('shirt$');
    const similar = await call('GET', `/v1/items/${shirt.id}/similar?k=5`, alice);
    const items = similar.body.items as Array<{ itemId: string; title: string; reasons: string[] }>;
    expect(items).toHaveLength(5);
    expect(items.map((i) => i.itemId)).not.toContain(shirt.id);
    expect(items.filter((i) => /shirt/i.test(i.title)).length).toBeGreaterThanOrEqual(3);
    expect((await call('GET', `/v1/items/00000000-0000-4000-8000-000000000000/similar`, alice)).status).toBe(404);
    expect((await call('GET', '/v1/recommendations?k=0', alice)).status).toBe(400);
  });

  it('answers asynchronous tasks through RabbitMQ, each exactly once, also when the worker is killed mid-flight', async () => {
    const first = await call('POST', '/v1/recommendation-tasks', alice, { k: 5 });
    expect(first.status).toBe(202);
    const done = await mesh.waitFor(
      async () => {
        const t = await call('GET', `/v1/recommendation-tasks/${first.body.id as string}`, alice);
        return t.body.status === 'completed' ? t.body : undefined;
      },
      20000,
      'first task',
    );
    expect((done.result as { items: unknown[] }).items).toHaveLength(5);
    expect((await call('GET', `/v1/recommendation-tasks/${first.body.id as string}`, bob)).status).toBe(404);

    const tasks: string[] = [];
    for (let i = 0; i < 25; i++)
      tasks.push((await call('POST', '/v1/recommendation-tasks', i % 2 ? alice : bob, { k: 3 })).body.id as string);
    await mesh.supervisor.kill('recommender');
    await mesh.supervisor.start('recommender');
    await mesh.waitFor(
      async () => {
        const rows = await mesh.query<{ status: string }>(
          `SELECT status FROM recommender.recommendation_tasks WHERE id = ANY($1::uuid[])`,
          [tasks],
        );
        return rows.every((r) => r.status === 'completed') ? true : undefined;
      },
      60000,
      'tasks after the restart',
    );
    const perTask = await mesh.query<{ n: string }>(
      `SELECT count(*) AS n FROM recommender.outbox
        WHERE type = 'recommendation.completed' AND correlation_id = ANY($1::text[]) GROUP BY correlation_id`,
      [tasks],
    );
    expect(perTask.map((r) => Number(r.n))).toEqual(tasks.map(() => 1));
  });
});
