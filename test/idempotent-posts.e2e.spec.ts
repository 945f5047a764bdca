import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { TestMesh } from './support/test-mesh';

/**
 * Issue 21: `Idempotency-Key` on the API's other state-changing POSTs, through the real gateway, enhancer (brand
 * profiles over RPC) and recommender (relayed photo uploads), PostgreSQL and RabbitMQ.
 */
describe('Idempotency-Key on every state-changing POST', () => {
  const mesh = new TestMesh({ services: ['gateway', 'billing', 'enhancer', 'recommender'] });
  const base = () => mesh.supervisor.url('gateway');

  beforeAll(() => mesh.start(), 180000);
  afterAll(() => mesh.stop(), 60000);

  const post = (user: string, path: string, body: string | Buffer, type: string, key?: string) =>
    fetch(`${base()}${path}`, {
      method: 'POST',
      headers: { 'x-user-id': user, 'content-type': type, ...(key ? { 'idempotency-key': key } : {}) },
      body,
    });
  const json = (o: unknown) => JSON.stringify(o);

  it('a retried brand-profile create answers the first profile and makes one', async () => {
    const user = mesh.newUser();
    const key = `bp-${randomUUID()}`;
    const body = json({ name: 'Кофейня «Зерно»', styleWords: ['warm'] });
    const first = await post(user, '/v1/brand-profiles', body, 'application/json', key);
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string };
    const again = await post(user, '/v1/brand-profiles', body, 'application/json', key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(created.id);
    const rows = await mesh.query('SELECT id FROM enhancer.brand_profiles WHERE user_id = $1', [user]);
    expect(rows).toHaveLength(1);
  }, 60000);

  it('the same key with another body is 409 and changes nothing; keys are per user', async () => {
    const user = mesh.newUser();
    const key = `bp-${randomUUID()}`;
    expect((await post(user, '/v1/brand-profiles', json({ name: 'A' }), 'application/json', key)).status).toBe(201);
    const reused = await post(user, '/v1/brand-profiles', json({ name: 'B' }), 'application/json', key);
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    // Another user's request with the same key is their own.
    const other = mesh.newUser();
    expect((await post(other, '/v1/brand-profiles', json({ name: 'B' }), 'application/json', key)).status).toBe(201);
    expect(await mesh.query('SELECT name FROM enhancer.brand_profiles WHERE user_id = $1', [user])).toEqual([
      { name: 'A' },
    ]);
  }, 60000);

  it('a refused request keeps nothing: fixed and retried with the same key, it runs', async () => {
    const user = mesh.newUser();
    const key = `bp-${randomUUID()}`;
    const bad = await post(user, '/v1/brand-profiles', json({ name: '' }), 'application/json', key);
    expect(bad.status).toBe(400);
    // Same key, same (bad) request again: answered anew, still 400, not replayed.
    const badAgain = await post(user, '/v1/brand-profiles', json({ name: '' }), 'application/json', key);
    expect([badAgain.status, badAgain.headers.get('idempotent-replayed')]).toEqual([400, null]);
    expect((await post(user, '/v1/brand-profiles', json({ name: 'OK' }), 'application/json', key)).status).toBe(201);
  }, 60000);

  it('a malformed key is 400 invalid_idempotency_key and nothing is created', async () => {
    const user = mesh.newUser();
    const res = await post(user, '/v1/brand-profiles', json({ name: 'X' }), 'application/json', 'short');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_idempotency_key');
    expect(await mesh.query('SELECT 1 FROM enhancer.brand_profiles WHERE user_id = $1', [user])).toHaveLength(0);
  }, 60000);

  it('a retried photo upload (relayed to the recommender) answers the same photo and stores one', async () => {
    const user = mesh.newUser();
    const key = `ph-${randomUUID()}`;
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c04040' } })
      .png()
      .toBuffer();
    const first = await post(user, '/v1/photos', png, 'image/png', key);
    expect(first.status).toBeLessThan(300);
    const firstBody = await first.text();
    const again = await post(user, '/v1/photos', png, 'image/png', key);
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([first.status, 'true']);
    expect(await again.text()).toBe(firstBody);
    expect(await mesh.query('SELECT 1 FROM recommender.photos WHERE owner_id = $1', [user])).toHaveLength(1);
  }, 60000);
});
