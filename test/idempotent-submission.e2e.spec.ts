import { randomUUID } from 'node:crypto';
import { apiUser, HttpSession, webLogin } from './support/http-session';
import { TestMesh } from './support/test-mesh';

interface Accepted {
  id?: string;
  status?: string;
  links?: { self: string; events: string };
  error?: { code: string };
}

/** Idempotency-Key on POST /v1/generations and on the studio form, over the real mesh (PostgreSQL + RabbitMQ). */
describe('idempotent generation submission', () => {
  const mesh = new TestMesh({
    env: {
      ALLOW_DEV_USER_HEADER: 'false',
      AUTH_THROTTLE_LIMIT: '100000',
      TRUST_PROXY_HOPS: '1',
      JUDGE_BACKEND: 'statistics',
    },
  });
  let url: string;

  beforeAll(async () => {
    await mesh.start();
    url = mesh.supervisor.url('gateway');
  }, 180000);
  afterAll(() => mesh.stop(), 60000);

  const userIdOf = async (email: string): Promise<string> =>
    (await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]))[0].id;
  const generationsOf = async (userId: string): Promise<string[]> =>
    (
      await mesh.query<{ id: string }>('SELECT id FROM gateway.generations WHERE user_id = $1 ORDER BY created_at', [
        userId,
      ])
    ).map((r) => r.id);
  const post = async (api: HttpSession, body: unknown, key?: string): Promise<{ status: number; body: Accepted }> => {
    const res = await api.post('/v1/generations', {
      json: body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });
    return { status: res.status, body: (await res.json()) as Accepted };
  };
  const account = async () => {
    const u = await apiUser(url);
    return { ...u, id: await userIdOf(u.email), api: new HttpSession(url, u.auth) };
  };

  it('answers a sequential retry with the original generation; billing reserves and commits once', async () => {
    const u = await account();
    const key = `retry-${randomUUID()}`;
    const body = { prompt: 'кофейня у моря, утро', n: 2, width: 256, height: 256, seed: 3 };
    const first = await post(u.api, body, key);
    expect(first.status).toBe(202);
    // The same body with its keys in another order is the same request.
    const second = await post(u.api, { seed: 3, height: 256, width: 256, n: 2, prompt: body.prompt }, key);
    expect(second).toEqual(first);
    const id = first.body.id ?? '';
    expect(await generationsOf(u.id)).toEqual([id]);
    const done = await mesh.client.waitForTerminal(u, id, 60000);
    expect(done.status).toBe('completed');
    // A retry after completion still names the same generation.
    expect((await post(u.api, body, key)).body.id).toBe(id);
    expect(await mesh.settledUsage(u.id, { committed: 2, reserved: 0 })).toEqual({ committed: 2, reserved: 0 });
    const reservations = await mesh.query<{ generation_id: string; requested: number; status: string }>(
      'SELECT generation_id, requested, status FROM billing.quota_reservations WHERE user_id = $1',
      [u.id],
    );
    expect(reservations).toEqual([{ generation_id: id, requested: 2, status: 'committed' }]);
    const events = await mesh.query<{ c: string }>(
      `SELECT count(*) AS c FROM gateway.outbox WHERE type = 'generation.requested' AND correlation_id = $1`,
      [id],
    );
    expect(Number(events[0].c)).toBe(1);
  }, 120000);

  it('makes exactly one generation from 8 concurrent posts with one key', async () => {
    const u = await account();
    const key = `burst-${randomUUID()}`;
    const body = { prompt: 'red sale banner -30%', n: 1, width: 256, height: 256 };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(u.api, body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(await generationsOf(u.id)).toEqual([...ids]);
    const done = await mesh.client.waitForTerminal(u, [...ids][0] ?? '', 60000);
    expect(done.status).toBe('completed');
    expect(await mesh.settledUsage(u.id, { committed: 1, reserved: 0 })).toEqual({ committed: 1, reserved: 0 });
  }, 120000);

  it('refuses the same key with another body (409) and stores nothing new', async () => {
    const u = await account();
    const key = `clash-${randomUUID()}`;
    const first = await post(u.api, { prompt: 'осенняя распродажа', n: 1, width: 256, height: 256 }, key);
    expect(first.status).toBe(202);
    const keysBefore = await mesh.query('SELECT * FROM gateway.generation_idempotency_keys WHERE user_id = $1', [u.id]);
    const clash = await post(u.api, { prompt: 'осенняя распродажа', n: 2, width: 256, height: 256 }, key);
    expect(clash.status).toBe(409);
    expect(clash.body.error?.code).toBe('idempotency_key_reused');
    expect(await generationsOf(u.id)).toEqual([first.body.id]);
    expect(await mesh.query('SELECT * FROM gateway.generation_idempotency_keys WHERE user_id = $1', [u.id])).toEqual(
      keysBefore,
    );
  }, 60000);

  it('refuses a malformed key with 400 and stores nothing', async () => {
    const u = await account();
    for (const bad of ['short', 'x'.repeat(129), 'has space in it', 'key/with/slash', 'semi;colon;key']) {
      const res = await post(u.api, { prompt: 'кофе', n: 1 }, bad);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('invalid_idempotency_key');
    }
    expect(await generationsOf(u.id)).toEqual([]);
    // Without a key, two posts are two generations, as before.
    const a = await post(u.api, { prompt: 'кофе', n: 1, width: 256, height: 256 });
    const b = await post(u.api, { prompt: 'кофе', n: 1, width: 256, height: 256 });
    expect(a.body.id).not.toBe(b.body.id);
    expect(await generationsOf(u.id)).toHaveLength(2);
  }, 60000);

  it('keeps keys per user: another user with the same key gets a generation of its own', async () => {
    const [alice, bob] = await Promise.all([account(), account()]);
    const key = `shared-${randomUUID()}`;
    const body = { prompt: 'весенняя коллекция', n: 1, width: 256, height: 256 };
    const a = await post(alice.api, body, key);
    const b = await post(bob.api, body, key);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).not.toBe(b.body.id);
    expect(await generationsOf(alice.id)).toEqual([a.body.id]);
    expect(await generationsOf(bob.id)).toEqual([b.body.id]);
    // Alice's key still names her own generation after Bob used it.
    expect((await post(alice.api, body, key)).body.id).toBe(a.body.id);
  }, 60000);

  it('takes over a key older than 24 h as a new one', async () => {
    const u = await account();
    const key = `stale-${randomUUID()}`;
    const body = { prompt: 'старый ключ', n: 1, width: 256, height: 256 };
    const first = await post(u.api, body, key);
    await mesh.query(
      `UPDATE gateway.generation_idempotency_keys SET created_at = now() - interval '25 hours'
        WHERE user_id = $1 AND key = $2`,
      [u.id, key],
    );
    const again = await post(u.api, body, key);
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(first.body.id);
    const keys = await mesh.query<{ generation_id: string }>(
      'SELECT generation_id FROM gateway.generation_idempotency_keys WHERE user_id = $1',
      [u.id],
    );
    expect(keys).toEqual([{ generation_id: again.body.id }]);
  }, 60000);

  it('makes one generation when the studio form is sent twice with its hidden key', async () => {
    const u = await account();
    const web = await webLogin(url, u.email);
    const page = await (await web.get('/app')).text();
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page)?.[1];
    expect(key).toMatch(/^[\w.:-]{8,128}$/);
    // Every render carries a fresh key, so a second request from a new form is a new generation.
    const other = /name="idempotencyKey" value="([^"]+)"/.exec(await (await web.get('/app')).text())?.[1];
    expect(other).not.toBe(key);
    const form = {
      _csrf: web.cookie('atelier_csrf') ?? '',
      idempotencyKey: key ?? '',
      prompt: 'кофейня на набережной',
      n: '1',
      size: '512x512',
    };
    const sends = [await web.post('/app/requests', { form }), await web.post('/app/requests', { form })];
    expect(sends.map((s) => s.status)).toEqual([303, 303]);
    const [first, second] = sends.map((s) => s.headers.get('location'));
    expect(first).toMatch(/^\/app\/tasks\/[0-9a-f-]{36}$/);
    expect(second).toBe(first);
    expect(await generationsOf(u.id)).toHaveLength(1);
    // The back button brings the sent form back; edited and sent again, it asks for a fresh send.
    const edited = await web.post('/app/requests', { form: { ...form, prompt: 'другой текст' } });
    expect(edited.status).toBe(409);
    const again = await edited.text();
    expect(again).toContain('другой текст');
    expect(/name="idempotencyKey" value="([^"]+)"/.exec(again)?.[1]).not.toBe(key);
    expect(await generationsOf(u.id)).toHaveLength(1);
  }, 60000);
});
