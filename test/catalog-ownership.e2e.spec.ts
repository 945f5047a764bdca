import sharp from 'sharp';
import jwt from 'jsonwebtoken';
import type { QueryRunner } from 'typeorm';
import {
  ItemOwners1763830000000,
  PLATFORM_SHOP_ID,
} from '../apps/recommender/src/migrations/1763830000000-item-owners';
import { apiUser, freshIp, newEmail, PASSWORD } from './support/http-session';
import { TestMesh } from './support/test-mesh';

interface Json {
  [key: string]: unknown;
}

/** Issue 13: catalogue items belong to a shop; no shop can overwrite another's; catalogue photos for shops only. */
describe('catalogue ownership', () => {
  const ADMIN = newEmail('admin');
  const mesh = new TestMesh({
    services: ['gateway', 'recommender'],
    env: {
      TRUST_PROXY_HOPS: '1',
      ADMIN_EMAILS: ADMIN,
      ALLOW_DEV_USER_HEADER: 'false',
      RECOMMENDER_IMAGE_FEATURES: 'off',
    },
    serviceEnv: { recommender: { VISUAL_EXTRACTORS: 'colour' } },
  });
  const gw = () => mesh.supervisor.url('gateway');
  type User = Awaited<ReturnType<typeof apiUser>> & { id: string };
  let admin: User;
  let shopA: User;
  let shopB: User;
  let customer: User;

  const call = async (
    method: string,
    path: string,
    who: User,
    body?: unknown,
    type = 'application/json',
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${gw()}${path}`, {
      method,
      headers: { ...who.auth, 'content-type': type, 'x-forwarded-for': freshIp() },
      body:
        body === undefined
          ? undefined
          : Buffer.isBuffer(body) || typeof body === 'string'
            ? body
            : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? (JSON.parse(text) as Json) : {} };
  };
  const user = async (email = newEmail()): Promise<User> => {
    const u = await apiUser(gw(), email);
    return { ...u, id: String(jwt.decode(u.accessToken, { json: true })?.sub) };
  };
  const asShop = async (): Promise<User> => {
    const u = await user();
    expect((await call('PUT', `/v1/admin/users/${u.id}/role`, admin, { role: 'shop' })).status).toBe(200);
    const login = await fetch(`${gw()}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body: JSON.stringify({ email: u.email, password: PASSWORD }),
    });
    const t = (await login.json()) as { accessToken: string; refreshToken: string };
    return { ...u, ...t, auth: { authorization: `Bearer ${t.accessToken}` } };
  };
  const items = () =>
    mesh.query<{ id: string; shop_id: string; external_id: string; title: string }>(
      'SELECT id, shop_id, external_id, title FROM recommender.items ORDER BY title',
    );

  beforeAll(async () => {
    await mesh.start();
    admin = await user(ADMIN);
    shopA = await asShop();
    shopB = await asShop();
    customer = await user();
  }, 180000);
  afterAll(() => mesh.stop(), 60000);

  it('the migration gives items from before owners to the platform and makes externalId unique per shop', async () => {
    const runner = { query: (sql: string) => mesh.query(sql) } as unknown as QueryRunner;
    const migration = new ItemOwners1763830000000();
    await migration.down(runner);
    await mesh.query(
      `INSERT INTO recommender.items (id, external_id, title, search_text)
       VALUES ('6f1b0c1e-9a43-4d5e-8f00-000000000001', 'legacy-1', 'Legacy', 'Legacy')`,
    );
    await migration.up(runner);
    expect(await items()).toEqual([
      {
        id: '6f1b0c1e-9a43-4d5e-8f00-000000000001',
        shop_id: PLATFORM_SHOP_ID,
        external_id: 'legacy-1',
        title: 'Legacy',
      },
    ]);
    await mesh.query('DELETE FROM recommender.items');
  });

  it('a second shop can neither overwrite nor modify another shop’s items, by API or import', async () => {
    const a = await call('POST', '/v1/catalog/items', shopA, { externalId: 'sku-1', title: 'A shirt' });
    expect(a).toMatchObject({ status: 201, body: { externalId: 'sku-1', created: true } });
    // The same externalId from shop B is B's own item: A's is untouched.
    const b = await call('POST', '/v1/catalog/items', shopB, { externalId: 'sku-1', title: 'B shirt' });
    expect(b).toMatchObject({ status: 201, body: { created: true } });
    expect(b.body.id).not.toBe(a.body.id);
    const imported = await call('POST', '/v1/catalog/import', shopB, 'external_id,title\nsku-1,B again\n', 'text/csv');
    expect(imported.status).toBe(201);
    // Naming A's catalogue is refused outright.
    for (const path of ['/v1/catalog/items', '/v1/catalog/import']) {
      const refused = await call('POST', `${path}?shop=${shopA.id}`, shopB, { externalId: 'sku-1', title: 'stolen' });
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    }
    expect(await items()).toEqual([
      { id: a.body.id, shop_id: shopA.id, external_id: 'sku-1', title: 'A shirt' },
      { id: b.body.id, shop_id: shopB.id, external_id: 'sku-1', title: 'B again' },
    ]);
    const view = await call('GET', `/v1/catalog/items/${String(a.body.id)}`, customer);
    expect(view.body).toMatchObject({ shopId: shopA.id, title: 'A shirt' });
  });

  it('customers cannot write the catalogue; admins manage any shop’s and the platform’s', async () => {
    const refused = await call('POST', '/v1/catalog/items', customer, { externalId: 'sku-9', title: 'nope' });
    expect(refused.status).toBe(403);
    const fixed = await call('POST', `/v1/catalog/items?shop=${shopA.id}`, admin, {
      externalId: 'sku-1',
      title: 'A fixed',
    });
    expect(fixed).toMatchObject({ status: 201, body: { created: false } });
    const platform = await call('POST', '/v1/catalog/items', admin, { externalId: 'sku-1', title: 'Platform' });
    expect(platform).toMatchObject({ status: 201, body: { created: true } });
    const rows = await items();
    expect(rows.map((r) => [r.shop_id, r.title])).toEqual([
      [shopA.id, 'A fixed'],
      [shopB.id, 'B again'],
      [PLATFORM_SHOP_ID, 'Platform'],
    ]);
  });

  it('catalogue photos are for shops and admins only, and linked to their shop', async () => {
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#246' } })
      .jpeg()
      .toBuffer();
    const refused = await call('POST', '/v1/photos?purpose=catalog', customer, jpeg, 'image/jpeg');
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await mesh.query('SELECT 1 FROM recommender.photos')).toHaveLength(0);
    const own = await call('POST', '/v1/photos', customer, jpeg, 'image/jpeg');
    expect(own).toMatchObject({ status: 202, body: { purpose: 'query', shop_id: null } });
    const shop = await call('POST', '/v1/photos?purpose=catalog', shopA, jpeg, 'image/jpeg');
    expect(shop).toMatchObject({ status: 202, body: { purpose: 'catalog', shop_id: shopA.id } });
  });
});
