import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import sharp from 'sharp';
import { DEV_INTERNAL_CALLER_SECRET } from '@atelier/config';
import { signInternalCaller } from '@atelier/service-kit';
import { apiUser, freshIp, newEmail, webLogin, PASSWORD } from './support/http-session';
import { TestMesh } from './support/test-mesh';

const FASHION = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');

interface Json {
  [key: string]: unknown;
}

/**
 * The recommender's API behind the gateway: accounts and roles at the gateway, the caller signed into each
 * forwarded request, the recommender refusing anything else (development headers are off here, as in production).
 */
describe('recommender behind the gateway', () => {
  const ADMIN = newEmail('admin');
  const mesh = new TestMesh({
    services: ['gateway', 'recommender'],
    env: { TRUST_PROXY_HOPS: '1', ADMIN_EMAILS: ADMIN, RECOMMENDER_REFRESH_INTERVAL_MS: '1000' },
    // An empty models dir: no checkpoint and no offline report, whatever this checkout has produced.
    serviceEnv: {
      recommender: { ALLOW_DEV_USER_HEADER: 'false', RECOMMENDER_MODELS_DIR: mkdtempSync(join(tmpdir(), 'models-')) },
    },
  });
  const gw = () => mesh.supervisor.url('gateway');
  type User = Awaited<ReturnType<typeof apiUser>> & { id: string };
  let admin: User;
  let shop: User;
  let alice: User;
  let bob: User;

  const user = async (email = newEmail()): Promise<User> => {
    const u = await apiUser(gw(), email);
    return { ...u, id: String(jwt.decode(u.accessToken, { json: true })?.sub) };
  };
  const call = async (
    method: string,
    path: string,
    who: User,
    body?: string | Buffer | unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; type: string; body: Json; bytes: Buffer }> => {
    const raw =
      body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const res = await fetch(`${gw()}${path}`, {
      method,
      headers: { ...who.auth, 'content-type': contentType, 'x-forwarded-for': freshIp() },
      body: raw,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      bytes,
      body: type.includes('json') ? (JSON.parse(bytes.toString()) as Json) : {},
    };
  };

  const csv = readFileSync(join(FASHION, 'styles.csv'), 'utf8').split('\n').slice(0, 41).join('\n');

  beforeAll(async () => {
    await mesh.start();
    admin = await user(ADMIN);
    const shopAccount = await user();
    const promoted = await call('PUT', `/v1/admin/users/${shopAccount.id}/role`, admin, { role: 'shop' });
    expect(promoted).toMatchObject({ status: 200, body: { role: 'shop' } });
    // The role is in the access token: log in again to get one that says shop.
    shop = { ...(await relogin(shopAccount.email)), id: shopAccount.id };
    alice = await user();
    bob = await user();
  }, 120000);
  afterAll(() => mesh.stop());

  async function relogin(email: string): Promise<Awaited<ReturnType<typeof apiUser>>> {
    const res = await fetch(`${gw()}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const body = (await res.json()) as { accessToken: string; refreshToken: string };
    return { email, ...body, auth: { authorization: `Bearer ${body.accessToken}` } };
  }

  it('lets only shops and admins import the catalogue, as CSV through the gateway', async () => {
    const path = '/v1/catalog/import?category_columns=masterCategory,subCategory,articleType';
    const refused = await call('POST', path, alice, csv, 'text/csv');
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await mesh.query('SELECT 1 FROM recommender.items')).toHaveLength(0);
    const imported = await call('POST', path, shop, csv, 'text/csv');
    expect(imported.status).toBeLessThan(300);
    expect(await mesh.query('SELECT 1 FROM recommender.items')).toHaveLength(40);
    const notAdmin = await call('PUT', `/v1/admin/users/${alice.id}/role`, shop, { role: 'admin' });
    expect(notAdmin.status).toBe(404);
  });

  it('searches, shows items and scopes interactions to the signed-in caller', async () => {
    const found = await call('GET', '/v1/catalog/search?q=shirt&limit=5', alice);
    expect(found.status).toBe(200);
    const items = found.body.items as Array<{ id: string; title: string }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => /shirt/i.test(i.title))).toBe(true);
    const item = items[0];
    expect((await call('GET', `/v1/catalog/items/${item.id}`, bob)).body).toMatchObject({ id: item.id });

    expect((await call('POST', '/v1/interactions', alice, { itemId: item.id, kind: 'like' })).status).toBe(201);
    const mine = await call('GET', '/v1/interactions', alice);
    const theirs = await call('GET', '/v1/interactions', bob);
    expect((mine.body.items as Array<{ itemId: string }>).map((i) => i.itemId)).toEqual([item.id]);
    expect(theirs.body.items).toEqual([]);
    const rows = await mesh.query<{ user_id: string }>('SELECT user_id FROM recommender.interactions');
    expect(rows.map((r) => r.user_id)).toEqual([alice.id]);

    const recs = await call('GET', '/v1/recommendations?k=5', alice);
    expect(recs.status).toBe(200);
    expect((recs.body.items as unknown[]).length).toBe(5);
  });

  it('needs a signed-in caller and, from the web session, the CSRF token', async () => {
    const anonymous = await fetch(`${gw()}/v1/recommendations`);
    expect(anonymous.status).toBe(401);
    const account = newEmail();
    await apiUser(gw(), account);
    const web = await webLogin(gw(), account);
    expect((await web.get('/v1/recommendations?k=3')).status).toBe(200);
    const item = (await mesh.query<{ id: string }>('SELECT id FROM recommender.items LIMIT 1'))[0];
    const noCsrf = await web.post('/v1/interactions', { json: { itemId: item.id, kind: 'like' } });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as Json).error).toMatchObject({ code: 'csrf_failed' });
    const withCsrf = await web.post('/v1/interactions', {
      json: { itemId: item.id, kind: 'like' },
      headers: { 'x-csrf-token': web.cookie('atelier_csrf') ?? '' },
    });
    expect(withCsrf.status).toBe(201);
  });

  it('uploads photos through the gateway; another user cannot see them; bad bodies are refused', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2255cc' } })
      .png()
      .toBuffer();
    const uploaded = await call('POST', '/v1/photos?purpose=query', alice, png, 'image/png');
    expect(uploaded).toMatchObject({ status: 202, body: { status: 'pending' } });
    const id = String(uploaded.body.id);
    expect((await call('GET', `/v1/photos/${id}`, alice)).status).toBe(200);
    expect((await call('GET', `/v1/photos/${id}`, bob)).status).toBe(404);
    const image = await call('GET', `/v1/photos/${id}/image`, alice);
    expect(image.type).toBe('image/png');
    expect((await sharp(image.bytes).metadata()).width).toBe(64);
    expect((await call('GET', `/v1/photos/${id}/image`, bob)).status).toBe(404);

    const before = await mesh.query('SELECT 1 FROM recommender.photos');
    const text = await call('POST', '/v1/photos', alice, 'not an image', 'text/plain');
    expect(text).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
    const truncated = await call('POST', '/v1/photos', alice, png.subarray(0, 40), 'image/png');
    expect(truncated.status).toBe(422);
    const huge = await call('POST', '/v1/photos', alice, Buffer.alloc(11 * 1024 * 1024, 1), 'image/jpeg');
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect(await mesh.query('SELECT 1 FROM recommender.photos')).toHaveLength(before.length);
  });

  it('passes the recommender’s role checks through: offline metrics are for admins', async () => {
    expect(await call('GET', '/v1/recommendations/metrics', alice)).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect(await call('GET', '/v1/recommendations/metrics', admin)).toMatchObject({
      status: 404,
      body: { error: { code: 'no_report' } },
    });
  });

  it('the recommender refuses callers the gateway did not sign', async () => {
    const direct = (headers: Record<string, string>) =>
      fetch(`${mesh.supervisor.url('recommender')}/v1/interactions`, { headers }).then((r) => r.status);
    expect(await direct({ 'x-user-id': alice.id })).toBe(401);
    const forged = signInternalCaller('f'.repeat(40), { userId: alice.id, role: 'admin' }, 'recommender');
    expect(await direct({ 'x-atelier-caller': forged })).toBe(401);
    const expired = signInternalCaller(
      DEV_INTERNAL_CALLER_SECRET,
      { userId: alice.id, role: 'customer' },
      'recommender',
      -5,
    );
    expect(await direct({ 'x-atelier-caller': expired })).toBe(401);
    const valid = signInternalCaller(DEV_INTERNAL_CALLER_SECRET, { userId: alice.id, role: 'customer' }, 'recommender');
    expect(await direct({ 'x-atelier-caller': valid })).toBe(200);
  });
});
