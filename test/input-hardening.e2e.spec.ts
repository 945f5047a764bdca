import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import sharp from 'sharp';
import { apiUser, freshIp, newEmail, PASSWORD } from './support/http-session';
import { TestMesh } from './support/test-mesh';

interface Reply {
  status: number;
  code?: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * Issue 13, "no input gives a 5xx": each input that once answered 500/502/503 now gets a 4xx with a
 * machine-readable code and writes nothing.
 */
describe('inputs that once gave a 5xx', () => {
  const ADMIN = newEmail('admin');
  const mesh = new TestMesh({
    services: ['gateway', 'recommender', 'billing', 'enhancer'],
    env: { TRUST_PROXY_HOPS: '1', ADMIN_EMAILS: ADMIN, ALLOW_DEV_USER_HEADER: 'false' },
  });
  const gw = () => mesh.supervisor.url('gateway');
  type User = Awaited<ReturnType<typeof apiUser>> & { id: string };
  let admin: User;
  let shop: User;
  let alice: User;

  const user = async (email = newEmail()): Promise<User> => {
    const u = await apiUser(gw(), email);
    return { ...u, id: String(jwt.decode(u.accessToken, { json: true })?.sub) };
  };
  const call = async (
    method: string,
    path: string,
    who: User | undefined,
    body?: string | Buffer,
    headers: Record<string, string> = {},
    base = gw(),
  ): Promise<Reply> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(who?.auth ?? {}),
        'content-type': 'application/json',
        'x-forwarded-for': freshIp(),
        ...headers,
      },
      body,
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = {};
    }
    const code = (parsed.error as { code?: string } | undefined)?.code;
    return { status: res.status, code, headers: res.headers, body: parsed };
  };
  const count = async (table: string): Promise<number> =>
    Number((await mesh.query<{ c: string }>(`SELECT count(*) AS c FROM ${table}`))[0].c);

  beforeAll(async () => {
    await mesh.start();
    admin = await user(ADMIN);
    const shopAccount = await user();
    expect((await call('PUT', `/v1/admin/users/${shopAccount.id}/role`, admin, '{"role":"shop"}')).status).toBe(200);
    const login = await fetch(`${gw()}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body: JSON.stringify({ email: shopAccount.email, password: PASSWORD }),
    });
    const tokens = (await login.json()) as { accessToken: string; refreshToken: string };
    shop = { ...shopAccount, ...tokens, auth: { authorization: `Bearer ${tokens.accessToken}` } };
    alice = await user();
  }, 180000);
  afterAll(() => mesh.stop(), 60000);

  it('refuses a NUL byte in a login e-mail', async () => {
    const r = await call('POST', '/v1/auth/login', undefined, JSON.stringify({ email: 'a\u0000@x.io', password: 'p' }));
    expect(r).toMatchObject({ status: 400, code: 'forbidden_characters' });
  });

  it('refuses a NUL byte in a prompt, with no generation stored', async () => {
    const before = await count('gateway.generations');
    const r = await call('POST', '/v1/generations', alice, JSON.stringify({ prompt: 'кофе\u0000' }));
    expect(r).toMatchObject({ status: 400, code: 'forbidden_characters' });
    expect(await count('gateway.generations')).toBe(before);
  });

  it('refuses a NUL byte in a brand-profile name', async () => {
    const r = await call('POST', '/v1/brand-profiles', alice, JSON.stringify({ name: 'Кофе\u0000' }));
    expect(r).toMatchObject({ status: 400, code: 'forbidden_characters' });
    expect(await count('enhancer.brand_profiles')).toBe(0);
  });

  it('refuses a NUL byte in a wallet-adjustment reason', async () => {
    const r = await call(
      'POST',
      `/v1/admin/billing/wallets/${alice.id}/adjustments`,
      admin,
      JSON.stringify({ amountKopecks: 1000, reason: 'bonus\u0000' }),
      { 'idempotency-key': randomUUID() },
    );
    expect(r).toMatchObject({ status: 400, code: 'forbidden_characters' });
  });

  it('refuses a NUL byte in a catalogue title and in a search q', async () => {
    const title = await call(
      'POST',
      '/v1/catalog/items',
      shop,
      JSON.stringify({ externalId: 'nul-1', title: 'shirt\u0000' }),
    );
    expect(title).toMatchObject({ status: 400, code: 'forbidden_characters' });
    const search = await call('GET', '/v1/catalog/search?q=shirt%00', alice);
    expect(search).toMatchObject({ status: 400, code: 'forbidden_characters' });
    expect(await count('recommender.items')).toBe(0);
  });

  it('refuses lone surrogates in strings and keys, and in the path', async () => {
    const value = await call('POST', '/v1/generations', alice, '{"prompt":"a\\ud800b"}');
    expect(value).toMatchObject({ status: 400, code: 'forbidden_characters' });
    const key = await call('POST', '/v1/interactions', alice, '{"\\udc00":1}');
    expect(key).toMatchObject({ status: 400, code: 'forbidden_characters' });
    const path = await call('GET', '/v1/catalog/items/%ED%A0%80', alice);
    expect(path).toMatchObject({ status: 400, code: 'malformed_url' });
  });

  it('answers {"k": null} on recommendation tasks with 400', async () => {
    const r = await call('POST', '/v1/recommendation-tasks', alice, '{"k":null}');
    expect(r).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(await count('recommender.recommendation_tasks')).toBe(0);
  });

  it('answers a catalogue import of [null] with 400', async () => {
    const r = await call('POST', '/v1/catalog/import', shop, '[null]');
    expect(r).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(await count('recommender.items')).toBe(0);
  });

  it('refuses CSV columns named constructor or __proto__, unbalanced quotes and extra columns, naming the row', async () => {
    for (const header of ['external_id,title,constructor', 'external_id,title,__proto__']) {
      const r = await call('POST', '/v1/catalog/import', shop, `${header}\nc1,Shirt,x\n`, {
        'content-type': 'text/csv',
      });
      expect(r).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(String((r.body.error as { message: string }).message)).toMatch(/line 1/);
    }
    const open = await call('POST', '/v1/catalog/import', shop, 'external_id,title\nc1,"Shirt\nc2,Hat\n', {
      'content-type': 'text/csv',
    });
    expect(open).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(String((open.body.error as { message: string }).message)).toMatch(/line 2/);
    const extra = await call('POST', '/v1/catalog/import', shop, 'external_id,title\nc1,Shirt\nc2,Hat,red\n', {
      'content-type': 'text/csv',
    });
    expect(extra).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(String((extra.body.error as { message: string }).message)).toMatch(/row 3/);
    expect(await count('recommender.items')).toBe(0);
  });

  it('refuses JSON nested 5,000 deep on relayed and local routes with 400 json_too_deep', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepObject = `{"k":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    for (const [path, body] of [
      ['/v1/recommendation-tasks', deep],
      ['/v1/search/visual', deepObject],
      ['/v1/interactions', deepObject],
      ['/v1/catalog/import', deep],
      ['/v1/catalog/items', deepObject],
      ['/v1/generations', deepObject],
    ] as const) {
      const r = await call('POST', path, path.startsWith('/v1/catalog') ? shop : alice, body);
      expect({ path, ...r, headers: undefined }).toMatchObject({ path, status: 400, code: 'json_too_deep' });
    }
    // The recommender refuses it on its own port too (defence in depth; no caller is needed to be refused).
    const direct = await call(
      'POST',
      '/v1/recommendation-tasks',
      undefined,
      deep,
      {},
      mesh.supervisor.url('recommender'),
    );
    expect(direct).toMatchObject({ status: 400, code: 'json_too_deep' });
    expect(await count('recommender.recommendation_tasks')).toBe(0);
  });

  it('stores catalogue images re-encoded: trailing HTML or ZIP bytes are gone', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    const polyglot = Buffer.concat([png, Buffer.from('<html><script>alert(1)</script></html>PK\u0003\u0004')]);
    const r = await call(
      'POST',
      '/v1/catalog/items',
      shop,
      JSON.stringify({ externalId: 'img-1', title: 'Red square', imageBase64: polyglot.toString('base64') }),
    );
    expect(r.status).toBe(201);
    const image = await fetch(`${gw()}/v1/catalog/items/${String(r.body.id)}/image`, { headers: alice.auth });
    expect(image.status).toBe(200);
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.includes(Buffer.from('<html>'))).toBe(false);
    expect(bytes.includes(Buffer.from('PK\u0003\u0004'))).toBe(false);
    expect((await sharp(bytes).metadata()).width).toBe(8);
  });

  it('refuses webhooks to unknown providers without storing them, and caps every webhook body', async () => {
    const billing = mesh.supervisor.url('billing');
    const unknown = await call(
      'POST',
      '/v1/billing/webhooks/evil',
      undefined,
      '{"event":"payment.succeeded"}',
      {},
      billing,
    );
    expect(unknown).toMatchObject({ status: 404, code: 'unknown_provider' });
    expect(await count('billing.webhook_deliveries')).toBe(0);
    const big = `{"pad":"${'x'.repeat(128 * 1024)}"}`;
    const huge = await call('POST', '/v1/billing/webhooks/sandbox', undefined, big, {}, billing);
    expect(huge).toMatchObject({ status: 413, code: 'payload_too_large' });
    const nul = await call('POST', '/v1/billing/webhooks/sandbox', undefined, '{"event":"x\\u0000"}', {}, billing);
    expect(nul).toMatchObject({ status: 400, code: 'forbidden_characters' });
    expect(await count('billing.webhook_deliveries')).toBe(0);
  });
});
