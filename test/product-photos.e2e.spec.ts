import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { TestMesh } from './support/test-mesh';

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Layout {
  texts: Array<{ field: string; text: string }>;
  subjects: Array<{ name: string; box: Box }>;
  product?: { itemId: string; photoKey: string; method: string; box: Box };
}
type Json = Record<string, unknown>;

const MAGENTA = [0xc8, 0x15, 0x7a];

/** Issue 14: a catalogue item's photo as the creative's subject, and one creative per item in a batch. */
describe('product photos and batches', () => {
  const mesh = new TestMesh({
    env: { JUDGE_BACKEND: 'statistics', FREE_MONTHLY_IMAGES: '6', RECOMMENDER_IMAGE_FEATURES: 'off' },
    serviceEnv: { recommender: { VISUAL_EXTRACTORS: 'colour' } },
    services: [],
    brokerUsers: true,
  });
  const shopA = randomUUID();
  const shopB = randomUUID();
  let gw: string;
  let rec: string;
  const items: Array<{ id: string; title: string }> = [];

  /** A studio shot: a magenta bottle with a white label on near-white, as shops photograph products. */
  const photo = (accent: string): Promise<Buffer> =>
    sharp(
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600">
        <rect width="600" height="600" fill="#fbfbf9"/>
        <rect x="210" y="90" width="180" height="420" rx="40" fill="#c8157a"/>
        <rect x="240" y="220" width="120" height="90" fill="#ffffff"/>
        <rect x="240" y="330" width="120" height="30" fill="${accent}"/>
      </svg>`),
    )
      .jpeg({ quality: 95 })
      .toBuffer();

  async function api(user: string, method: string, path: string, body?: unknown, headers: Json = {}) {
    const res = await fetch(`${gw}${path}`, {
      method,
      headers: {
        'x-user-id': user,
        'x-user-role': 'shop',
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(headers as Record<string, string>),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Json, headers: res.headers };
  }

  const generation = (id: string) =>
    mesh.waitFor(
      async () => {
        const g = await api(shopA, 'GET', `/v1/generations/${id}`);
        return ['completed', 'failed', 'rejected'].includes(String(g.json.status)) ? g.json : undefined;
      },
      120000,
      `generation ${id}`,
    );
  const layoutOf = async (generationId: string): Promise<{ layout: Layout; key: string }> => {
    const rows = await mesh.query<{ params: { layout: Layout }; storage_key: string }>(
      'SELECT params, storage_key FROM generator.images WHERE generation_id = $1',
      [generationId],
    );
    expect(rows).toHaveLength(1);
    return { layout: rows[0].params.layout, key: rows[0].storage_key };
  };
  const usage = async (user: string) =>
    (
      await mesh.query<{ committed: number; reserved: number }>(
        'SELECT committed, reserved FROM billing.quota_usage WHERE user_id = $1',
        [user],
      )
    )[0] ?? { committed: 0, reserved: 0 };

  beforeAll(async () => {
    await mesh.start();
    for (const s of ['gateway', 'billing', 'enhancer', 'generator', 'judge', 'recommender'] as const) {
      await mesh.supervisor.start(s);
    }
    gw = mesh.supervisor.url('gateway');
    rec = mesh.supervisor.url('recommender');
    const catalogue: Array<[string, string, number]> = [
      ['cup-1', 'Бутылка Atelier', 1990],
      ['cup-2', 'Бутылка синяя', 990],
      ['cup-3', 'Бутылка зелёная', 1490],
      ['cup-4', 'Бутылка жёлтая', 2490],
    ];
    for (const [i, [externalId, title, price]] of catalogue.entries()) {
      const made = await api(shopA, 'POST', '/v1/catalog/items', { externalId, title, price, currency: 'RUB' });
      expect(made.status).toBe(201);
      const id = String(made.json.id);
      const up = await fetch(`${rec}/v1/catalog/manage/items/${id}/image`, {
        method: 'POST',
        headers: { 'x-user-id': shopA, 'x-user-role': 'shop', 'content-type': 'image/jpeg' },
        body: new Uint8Array(await photo(['#1f7a3a', '#1a4fd6', '#f2c200', '#222222'][i])),
      });
      expect(up.status).toBeLessThan(300);
      items.push({ id, title });
    }
  }, 400000);
  afterAll(() => mesh.stop(), 60000);

  it('a product creative shows the item photo cut out of its background, with the catalogue title and price', async () => {
    const sent = await api(shopA, 'POST', '/v1/generations', {
      prompt: 'карточка товара для маркетплейса',
      platform: 'marketplace_card',
      itemId: items[0].id,
    });
    expect(sent.status).toBe(202);
    const done = await generation(String(sent.json.id));
    expect(done.status).toBe('completed');
    const { layout, key } = await layoutOf(String(sent.json.id));
    expect(layout.texts.find((t) => t.field === 'headline')?.text).toBe('Бутылка Atelier');
    expect(layout.texts.find((t) => t.field === 'price')?.text).toBe('1 990 ₽');
    expect(layout.product).toMatchObject({ itemId: items[0].id, method: 'removed' });
    expect(layout.product?.photoKey).toMatch(new RegExp(`^product-photos/${shopA}/[0-9a-f]{64}\\.png$`));
    expect(layout.subjects).toEqual([{ name: `product:${items[0].id}`, box: layout.product?.box }]);
    // The item's own pixels are on the delivered image, inside the product's box; the studio white is gone.
    const { data, info } = await sharp(readFileSync(join(mesh.storageDir, key)))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const box = layout.product?.box as Box;
    let magenta = 0;
    let studioWhite = 0;
    for (let y = Math.ceil(box.y); y < box.y + box.h; y++) {
      for (let x = Math.ceil(box.x); x < box.x + box.w; x++) {
        const i = (y * info.width + x) * info.channels;
        const d = Math.hypot(data[i] - MAGENTA[0], data[i + 1] - MAGENTA[1], data[i + 2] - MAGENTA[2]);
        if (d < 30) magenta++;
        if (data[i] >= 248 && data[i + 1] >= 248 && data[i + 2] >= 245) studioWhite++;
      }
    }
    const area = box.w * box.h;
    expect(magenta / area).toBeGreaterThan(0.4);
    // Only the white label inside the bottle may be that white: far less than the photo's white background.
    expect(studioWhite / area).toBeLessThan(0.15);
  }, 180000);

  it('user-typed text wins over the catalogue', async () => {
    const sent = await api(shopA, 'POST', '/v1/generations', {
      prompt: 'карточка товара',
      platform: 'marketplace_card',
      itemId: items[1].id,
      creative: { title: 'Своя надпись' },
    });
    expect(sent.status).toBe(202);
    expect((await generation(String(sent.json.id))).status).toBe('completed');
    const { layout } = await layoutOf(String(sent.json.id));
    expect(layout.texts.find((t) => t.field === 'headline')?.text).toBe('Своя надпись');
    expect(layout.texts.find((t) => t.field === 'price')?.text).toBe('990 ₽');
  }, 180000);

  it("another shop's item is refused with a code, nothing reserved, stored or queued", async () => {
    const before = await mesh.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.generations');
    const single = await api(shopB, 'POST', '/v1/generations', { prompt: 'карточка', itemId: items[0].id });
    expect(single).toMatchObject({ status: 404, json: { error: { code: 'item_not_found' } } });
    const batch = await api(shopB, 'POST', '/v1/generation-batches', { itemIds: [items[0].id] });
    expect(batch).toMatchObject({ status: 404, json: { error: { code: 'item_not_found' } } });
    const unknown = await api(shopA, 'POST', '/v1/generation-batches', { itemIds: [items[0].id, randomUUID()] });
    expect(unknown).toMatchObject({ status: 404, json: { error: { code: 'item_not_found' } } });
    expect(await mesh.query('SELECT id FROM gateway.generation_batches')).toEqual([]);
    expect(await mesh.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.generations')).toEqual(before);
    expect(await usage(shopB)).toEqual({ committed: 0, reserved: 0 });
    expect(await mesh.query(`SELECT 1 FROM gateway.generations WHERE user_id = $1`, [shopB])).toEqual([]);
  }, 60000);

  it('a batch of N items makes N creatives billed N, idempotently, with progress and a zip', async () => {
    const itemIds = items.slice(0, 3).map((i) => i.id);
    const key = `batch-${randomUUID()}`;
    const sent = await api(
      shopA,
      'POST',
      '/v1/generation-batches',
      { itemIds, prompt: 'карточки для этих товаров' },
      {
        'idempotency-key': key,
      },
    );
    expect(sent.status).toBe(202);
    const again = await api(
      shopA,
      'POST',
      '/v1/generation-batches',
      { itemIds, prompt: 'карточки для этих товаров' },
      {
        'idempotency-key': key,
      },
    );
    expect(again.json.id).toBe(sent.json.id);
    const view = await mesh.waitFor(
      async () => {
        const v = await api(shopA, 'GET', `/v1/generation-batches/${String(sent.json.id)}`);
        return v.json.status === 'running' ? undefined : v.json;
      },
      240000,
      'batch to finish',
    );
    expect(view).toMatchObject({ status: 'completed', total: 3, completed: 3, failed: 0 });
    const children = view.items as Array<{ itemId: string; generationId: string; image: string | null }>;
    expect(children.map((c) => c.itemId)).toEqual(itemIds);
    expect(children.every((c) => c.image !== null)).toBe(true);
    // Exactly three child generations (the retry made none), each with its item's photo and title.
    const rows = await mesh.query<{ id: string }>(`SELECT id FROM gateway.generations WHERE params->>'batchId' = $1`, [
      sent.json.id,
    ]);
    expect(rows).toHaveLength(3);
    for (const [i, c] of children.entries()) {
      const { layout } = await layoutOf(c.generationId);
      expect(layout.product?.itemId).toBe(itemIds[i]);
      expect(layout.texts.find((t) => t.field === 'headline')?.text).toBe(items[i].title);
    }
    // Billed per image: 2 single creatives before + 3 now.
    expect(await mesh.settledUsage(shopA, { committed: 5, reserved: 0 })).toEqual({ committed: 5, reserved: 0 });
    const zip = await fetch(`${gw}/v1/generation-batches/${String(sent.json.id)}/zip`, {
      headers: { 'x-user-id': shopA, 'x-user-role': 'shop' },
    });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('x-files')).toBe('3');
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(bytes.readUInt16LE(bytes.length - 12)).toBe(3);
    // Another shop cannot see it.
    expect((await api(shopB, 'GET', `/v1/generation-batches/${String(sent.json.id)}`)).status).toBe(404);
  }, 300000);

  it('a batch over the quota left is refused with 402 before anything starts', async () => {
    // 6 a month, 5 used: two more do not fit.
    const before = await mesh.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.generations');
    const refused = await api(shopA, 'POST', '/v1/generation-batches', { itemIds: [items[2].id, items[3].id] });
    expect(refused).toMatchObject({
      status: 402,
      json: { error: { code: 'quota_exceeded', details: { needed: 2, left: 1 } } },
    });
    expect(await mesh.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.generations')).toEqual(before);
    expect(await mesh.query('SELECT id FROM gateway.generation_batches')).toHaveLength(1);
    expect(await usage(shopA)).toEqual({ committed: 5, reserved: 0 });
  }, 60000);
});
