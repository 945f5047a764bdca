import jwt from 'jsonwebtoken';
import { DEV_JWT_SECRET } from '@atelier/config';
import { apiUser, freshIp, HttpSession, newEmail, PASSWORD, webLogin } from './support/http-session';
import { TestMesh } from './support/test-mesh';

const ADMIN = newEmail('admin');

/** Accounts and the security of the public API: real gateway process, real PostgreSQL. */
describe('accounts and API security', () => {
  const mesh = new TestMesh({
    services: ['gateway', 'billing'],
    env: { ALLOW_DEV_USER_HEADER: 'false', TRUST_PROXY_HOPS: '1', ADMIN_EMAILS: ADMIN, LOGIN_LOCKOUT_THRESHOLD: '5' },
  });
  let url: string;

  beforeAll(async () => {
    await mesh.start();
    url = mesh.supervisor.url('gateway');
  }, 120000);
  afterAll(() => mesh.stop(), 60000);

  const anon = () => new HttpSession(url, { 'x-forwarded-for': freshIp() });
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it('registers with a normalised, unique e-mail, an argon2id hash and clear password rules', async () => {
    const s = anon();
    const local = newEmail('Anna').split('@')[0];
    const res = await s.post('/v1/auth/register', {
      json: { email: `  ${local.toUpperCase()}@Example.COM `, password: PASSWORD },
    });
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: { email: string; role: string } };
    expect(user).toMatchObject({ email: `${local.toLowerCase()}@example.com`, role: 'user' });
    const [row] = await mesh.query<{ password_hash: string }>(
      'SELECT password_hash FROM gateway.users WHERE email = $1',
      [user.email],
    );
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(PASSWORD);

    const dup = await s.post('/v1/auth/register', { json: { email: user.email.toUpperCase(), password: PASSWORD } });
    expect(dup.status).toBe(409);
    expect(await errorCode(dup)).toBe('email_taken');

    const weak = await s.post('/v1/auth/register', { json: { email: newEmail(), password: 'qwerty' } });
    expect(weak.status).toBe(422);
    const body = (await weak.json()) as { error: { code: string; details: Array<{ code: string }> } };
    expect(body.error.code).toBe('weak_password');
    expect(body.error.details.map((d) => d.code)).toContain('password_too_short');

    const badEmail = await s.post('/v1/auth/register', { json: { email: 'not-an-email', password: PASSWORD } });
    expect(badEmail.status).toBe(400);
  });

  it("answers 404 for another user's generation, image, event stream and feedback", async () => {
    const alice = await apiUser(url);
    const bob = await apiUser(url);
    const s = anon();
    const created = await s.post('/v1/generations', { json: { prompt: 'кофе осень', n: 1 }, headers: alice.auth });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    expect((await s.get(`/v1/generations/${id}`, { headers: alice.auth })).status).toBe(200);
    for (const path of [`/v1/generations/${id}`, `/v1/generations/${id}/images/1`, `/v1/generations/${id}/events`]) {
      const res = await s.get(path, { headers: bob.auth });
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('not_found');
    }
    const rate = await s.post(`/v1/generations/${id}/feedback`, {
      json: { rank: 1, verdict: 'like' },
      headers: bob.auth,
    });
    expect(rate.status).toBe(404);
    const list = (await (await s.get('/v1/generations', { headers: bob.auth })).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    // The admin sees any request and the user list; users do not even learn the admin routes exist.
    const admin = await apiUser(url, ADMIN);
    expect((await s.get(`/v1/admin/generations/${id}`, { headers: admin.auth })).status).toBe(200);
    expect((await s.get('/v1/admin/users', { headers: admin.auth })).status).toBe(200);
    expect((await s.get('/v1/admin/users', { headers: bob.auth })).status).toBe(404);
    expect((await s.get(`/v1/admin/generations/${id}`, { headers: bob.auth })).status).toBe(404);
  });

  it('refuses tampered, expired, wrong-algorithm and alg:none tokens, and the dev header, with 401', async () => {
    const user = await apiUser(url);
    const s = anon();
    const [h, p, sig] = user.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const reencode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const base = { sub: claims.sub, role: 'user', sid: claims.sid, typ: 'access' };
    const opts = { issuer: 'atelier-gateway', audience: 'atelier' };
    const bad: Record<string, string> = {
      tamperedPayload: `${h}.${reencode({ ...claims, role: 'admin' })}.${sig}`,
      tamperedSignature: `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      expired: jwt.sign({ ...base, exp: Math.floor(Date.now() / 1000) - 60 }, DEV_JWT_SECRET, {
        algorithm: 'HS256',
        ...opts,
      }),
      algNone: `${reencode({ alg: 'none', typ: 'JWT' })}.${p}.`,
      hs512: jwt.sign(base, DEV_JWT_SECRET, { algorithm: 'HS512', expiresIn: 60, ...opts }),
      otherSecret: jwt.sign(base, 'x'.repeat(40), { algorithm: 'HS256', expiresIn: 60, ...opts }),
      wrongAudience: jwt.sign(base, DEV_JWT_SECRET, {
        algorithm: 'HS256',
        expiresIn: 60,
        issuer: 'atelier-gateway',
        audience: 'other',
      }),
    };
    expect((await s.get('/v1/generations', { headers: user.auth })).status).toBe(200);
    for (const [name, token] of Object.entries(bad)) {
      const res = await s.get('/v1/generations', { headers: { authorization: `Bearer ${token}` } });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(await errorCode(res)).toBe('unauthenticated');
      // The same token in the web cookie fails the same way.
      const viaCookie = await s.get('/v1/generations', { headers: { cookie: `atelier_at=${token}` } });
      expect({ name, status: viaCookie.status }).toEqual({ name, status: 401 });
    }
    const dev = await s.get('/v1/generations', { headers: { 'x-user-id': String(claims.sub) } });
    expect(dev.status).toBe(401);
  });

  it('requires the CSRF token for cookie-authenticated state changes (403 without it)', async () => {
    const user = await apiUser(url);
    const web = await webLogin(url, user.email);
    const before = await mesh.query<{ c: string }>('SELECT count(*) AS c FROM gateway.generations');
    const missing = await web.post('/v1/generations', { json: { prompt: 'без токена' } });
    expect(missing.status).toBe(403);
    expect(await errorCode(missing)).toBe('csrf_failed');
    const wrong = await web.post('/v1/generations', {
      json: { prompt: 'чужой токен' },
      headers: { 'x-csrf-token': 'forged.token' },
    });
    expect(wrong.status).toBe(403);
    // A token minted for another session does not fit this one.
    const other = await webLogin(url, user.email);
    const foreign = await web.post('/v1/generations', {
      json: { prompt: 'токен другой сессии' },
      headers: { 'x-csrf-token': other.cookie('atelier_csrf') ?? '' },
    });
    expect(foreign.status).toBe(403);
    const after = await mesh.query<{ c: string }>('SELECT count(*) AS c FROM gateway.generations');
    expect(after[0].c).toBe(before[0].c);
    const ok = await web.post('/v1/generations', {
      json: { prompt: 'с токеном' },
      headers: { 'x-csrf-token': web.cookie('atelier_csrf') ?? '' },
    });
    expect(ok.status).toBe(202);
    // Web forms too: logout without the token is refused and the session stays.
    expect((await web.post('/logout', { form: {} })).status).toBe(403);
    expect((await web.get('/app')).status).toBe(200);
  });

  it('rate-limits logins per client: the 11th attempt within a minute is 429', async () => {
    const user = await apiUser(url);
    const s = anon();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await s.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
    const limited = await s.post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await errorCode(limited)).toBe('rate_limited');
    // The web form shares the budget of the same client.
    expect((await s.post('/login', { form: { email: user.email, password: PASSWORD } })).status).toBe(429);
    // Another client is not affected.
    expect((await anon().post('/v1/auth/login', { json: { email: user.email, password: PASSWORD } })).status).toBe(200);
  });

  it('locks an e-mail after 5 failed logins, for known and unknown addresses alike', async () => {
    const user = await apiUser(url);
    for (const email of [user.email, newEmail('nobody')]) {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await anon().post('/v1/auth/login', { json: { email, password: 'wrong password!' } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const locked = await anon().post('/v1/auth/login', { json: { email, password: PASSWORD } });
      expect(locked.status).toBe(429);
      expect(await errorCode(locked)).toBe('too_many_attempts');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('rotates refresh tokens, revokes the session on reuse and on logout', async () => {
    const user = await apiUser(url);
    const s = anon();
    const refresh = (token: string) => s.post('/v1/auth/refresh', { json: { refreshToken: token } });
    const first = await refresh(user.refreshToken);
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as { accessToken: string; refreshToken: string };
    expect(rotated.refreshToken).not.toBe(user.refreshToken);
    expect(
      (await s.get('/v1/generations', { headers: { authorization: `Bearer ${rotated.accessToken}` } })).status,
    ).toBe(200);
    // Reuse of a rotated token (past the concurrent-tab grace) means theft: the whole session dies.
    await mesh.query(
      `UPDATE gateway.refresh_tokens SET rotated_at = now() - interval '1 minute' WHERE rotated_at IS NOT NULL`,
    );
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await refresh(rotated.refreshToken)).status).toBe(401);

    const other = await apiUser(url, newEmail());
    const out = await s.post('/v1/auth/logout', { headers: other.auth });
    expect(out.status).toBe(204);
    const after = await refresh(other.refreshToken);
    expect(after.status).toBe(401);
    expect(await errorCode(after)).toBe('invalid_refresh_token');
    const stored = await mesh.query<{ token_hash: Buffer }>('SELECT token_hash FROM gateway.refresh_tokens LIMIT 50');
    expect(stored.every((r) => r.token_hash.length === 32)).toBe(true);
  });

  it('serves my profile with the billing account, and OpenAPI at /docs', async () => {
    const user = await apiUser(url);
    const res = await anon().get('/v1/account', { headers: user.auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { profile: { email: string }; plan: string };
    expect(body.profile.email).toBe(user.email);
    expect(body.plan).toBeTruthy();
    const spec = (await (await anon().get('/docs/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/v1/auth/login',
      '/v1/generations',
      '/v1/generations/{id}',
      '/v1/generations/{id}/events',
      '/v1/generations/{id}/feedback',
      '/v1/account',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    expect((await anon().get('/docs')).status).toBe(200);
  });
});
