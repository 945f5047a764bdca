import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import sharp from 'sharp';
import { EVENTS, create, toBinary } from '@atelier/contracts';
import { envelopeToPublishOptions, newEnvelope } from '@atelier/messaging';
import { TestMesh } from './support/test-mesh';

/** The generation saga end to end over the real broker and database, services as separate processes. */
describe('generation saga', () => {
  // The vision judge (~3 images/s on tfjs-wasm) cannot judge 50 images of 20 concurrent requests within the
  // wait; this file checks the saga's mechanics with the statistics backend (same scoring, validation, DPP).
  // As in production: each service its own broker user, consumers verify each event's producer.
  const mesh = new TestMesh({ env: { FREE_MONTHLY_IMAGES: '12', JUDGE_BACKEND: 'statistics' }, brokerUsers: true });

  beforeAll(() => mesh.start(), 120000);
  afterAll(() => mesh.stop(), 60000);

  it('completes 20 concurrent generations, each with n ranked images', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => ({
      user: mesh.newUser(),
      body: {
        prompt: `insta пост новая коллекция платьев ${i} 🌸 #весна`,
        n: (i % 4) + 1,
        width: 256,
        height: 256,
        seed: i,
      },
    }));
    const submitted = await Promise.all(requests.map((r) => mesh.client.submit(r.user, r.body)));
    expect(submitted.map((s) => s.status)).toEqual(Array(20).fill(202));
    const results = await Promise.all(
      submitted.map((s, i) => mesh.client.waitForTerminal(requests[i].user, s.body.id ?? '', 60000)),
    );
    results.forEach((r, i) => {
      expect(r.status).toBe('completed');
      expect(r.images).toHaveLength(requests[i].body.n);
      expect(r.images.map((img) => img.rank)).toEqual(Array.from({ length: requests[i].body.n }, (_, k) => k + 1));
      const scores = r.images.map((img) => img.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      // The free plan marks one best image.
      expect(r.scorer?.name).toBe('image-statistics');
      expect(r.images.filter((img) => img.best)).toHaveLength(1);
      expect(r.images.every((img) => img.validation && typeof img.validation.rejected === 'boolean')).toBe(true);
      expect(r.images.every((img) => img.metrics.final === img.score)).toBe(true);
      expect(r.judging?.validationSummary).toContain(`of ${requests[i].body.n} images pass`);
      expect(r.judging?.weights).toEqual({ fidelity: 0.7, aesthetic: 0.3 });
      expect(r.enhancedPrompt).not.toContain('🌸');
      expect(r.cleanedPrompt).toContain('весна');
      expect(r.steps.map((s) => s.status)).toEqual(['reserved', 'generating', 'judging', 'completed']);
    });
    // Billing committed exactly what was delivered.
    for (const r of requests) {
      expect(await mesh.settledUsage(r.user, { committed: r.body.n, reserved: 0 })).toEqual({
        committed: r.body.n,
        reserved: 0,
      });
    }
  });

  it('serves the ranked PNGs to their owner only', async () => {
    const user = mesh.newUser();
    const { body } = await mesh.client.submit(user, {
      prompt: 'red sale banner -30%',
      n: 2,
      width: 320,
      height: 180,
      seed: 7,
    });
    const done = await mesh.client.waitForTerminal(user, body.id ?? '');
    const img = await mesh.client.image(user, done.id, 1);
    expect(img.status).toBe(200);
    expect(img.type).toBe('image/png');
    const meta = await sharp(img.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, 180]);
    const stranger = mesh.newUser();
    expect((await mesh.client.get(stranger, done.id)).status).toBe(404);
    expect((await mesh.client.image(stranger, done.id, 1)).status).toBe(404);
    expect((await mesh.client.image(user, done.id, 3)).status).toBe(404);

    // Diverse top-k from the judge's DPP order.
    const one = await mesh.client.select(user, done.id, 1);
    expect(one.status).toBe(200);
    expect(one.body.images).toHaveLength(1);
    const two = await mesh.client.select(user, done.id, 5);
    expect(two.status).toBe(200);
    expect(two.body.k).toBeLessThanOrEqual(2);
    expect(two.body.images?.[0]).toEqual(one.body.images?.[0]);
    expect(two.body.coverage).toBeGreaterThanOrEqual(one.body.coverage ?? 0);
    expect((await mesh.client.select(user, done.id, 0)).status).toBe(400);
    expect((await mesh.client.select(stranger, done.id, 1)).status).toBe(404);
  });

  it('rejects bad input with 400 and a machine-readable code, and stores nothing', async () => {
    const user = mesh.newUser();
    const before = await mesh.query<{ c: string }>('SELECT count(*) AS c FROM gateway.generations');
    for (const bad of [
      { prompt: '' },
      { prompt: 'x', n: 5 },
      { prompt: 'x', width: 10 },
      { prompt: 'x', guidance: 'high' },
      { n: 1 },
      { prompt: 'x', extra: 1 },
    ]) {
      const res = await mesh.client.submit(user, bad);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('validation_failed');
    }
    const noUser = await fetch(`${mesh.supervisor.url('gateway')}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x' }),
    });
    expect(noUser.status).toBe(401);
    const malformed = await fetch(`${mesh.supervisor.url('gateway')}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': user },
      body: '{"prompt": ',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
    const after = await mesh.query<{ c: string }>('SELECT count(*) AS c FROM gateway.generations');
    expect(after[0].c).toBe(before[0].c);
  });

  it('rejects what the chosen backend cannot serve with 422, naming the limit, and queues nothing', async () => {
    const user = mesh.newUser();
    const count = async (): Promise<string[]> =>
      (
        await mesh.query<{ c: string }>(
          `SELECT (SELECT count(*) FROM gateway.generations) || '/' || (SELECT count(*) FROM gateway.outbox) AS c`,
        )
      ).map((r) => r.c);
    const before = await count();
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ prompt: 'x', backend: 'hf', n: 2 }, ['n']],
      [{ prompt: 'x', backend: 'hf', width: 128, height: 128 }, ['size']],
      [{ prompt: 'x', backend: 'hf', steps: 20 }, ['steps']],
      [{ prompt: 'x', backend: 'openai', width: 320, height: 180 }, ['size']],
      [{ prompt: 'x', backend: 'a1111', width: 510, guidance: 0 }, ['size', 'guidance']],
    ];
    for (const [body, fields] of cases) {
      const res = await fetch(`${mesh.supervisor.url('gateway')}/v1/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-id': user },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(422);
      const error = (
        (await res.json()) as {
          error: { code: string; message: string; details: { backend: string; violations: Array<{ field: string }> } };
        }
      ).error;
      expect(error.code).toBe('unsupported_by_backend');
      expect(error.details.backend).toBe(body.backend);
      expect(error.details.violations.map((v) => v.field)).toEqual(fields);
      expect(error.message).toContain(String(body.backend));
    }
    const unknown = await mesh.client.submit(user, { prompt: 'x', backend: 'dalle-9000' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([400, 'validation_failed']);
    expect(await count()).toEqual(before);
  });

  it('stores per image the backend, model, parameters used, seed, duration, key and checksum', async () => {
    const user = mesh.newUser();
    const { status, body } = await mesh.client.submit(user, {
      prompt: 'coffee sale banner',
      n: 2,
      width: 320,
      height: 180,
      seed: 11,
      creative: { title: 'Autumn Latte', price: '290 ₽', discount: '-20%', brandPalette: ['#6B3E26', '#F2C14E'] },
    });
    expect(status).toBe(202);
    const done = await mesh.client.waitForTerminal(user, body.id ?? '');
    expect(done.status).toBe('completed');
    const rows = await mesh.query<{
      index: number;
      backend: string;
      model: string;
      params: Record<string, unknown>;
      seed: string;
      duration_ms: number;
      storage_key: string;
      sha256: string;
    }>(
      `SELECT index, backend, model, params, seed, duration_ms, storage_key, sha256
         FROM generator.images WHERE generation_id = $1 ORDER BY index`,
      [done.id],
    );
    expect(rows).toHaveLength(2);
    rows.forEach((r, i) => {
      expect(r.backend).toMatch(/^procedural@\d+$/);
      expect(r.model).toMatch(/^procedural@\d+$/);
      expect(r.seed).toBe(String(11 + i));
      expect(r.params).toMatchObject({
        width: 320,
        height: 180,
        seed: String(11 + i),
        creative: { title: 'Autumn Latte', price: '290 ₽', discount: '-20%', brandPalette: ['#6b3e26', '#f2c14e'] },
      });
      expect(r.duration_ms).toBeGreaterThanOrEqual(0);
      expect(r.storage_key).toBe(`images/${done.id}/${r.sha256}.png`);
    });
    const [generation] = await mesh.query<{ diagnostics: { pairwiseMeanPixelDistance: unknown[] } }>(
      'SELECT diagnostics FROM generator.generations WHERE generation_id = $1',
      [done.id],
    );
    expect(generation.diagnostics.pairwiseMeanPixelDistance).toHaveLength(1);
    const img = await mesh.client.image(user, done.id, 1);
    expect(createHash('sha256').update(img.bytes).digest('hex')).toBe(
      rows.find((r) => r.index === done.images[0].index)?.sha256,
    );
  });

  it('rejects an over-quota request and charges nothing for it', async () => {
    const user = mesh.newUser();
    const first = await mesh.client.submit(user, { prompt: 'coffee poster', n: 4, width: 128, height: 128 });
    const second = await mesh.client.submit(user, { prompt: 'coffee poster', n: 4, width: 128, height: 128 });
    const third = await mesh.client.submit(user, { prompt: 'coffee poster', n: 4, width: 128, height: 128 });
    await Promise.all([first, second, third].map((s) => mesh.client.waitForTerminal(user, s.body.id ?? '')));
    const over = await mesh.client.submit(user, { prompt: 'one more', n: 1, width: 128, height: 128 });
    const rejected = await mesh.client.waitForTerminal(user, over.body.id ?? '');
    expect(rejected.status).toBe('rejected');
    expect(rejected.failure?.code).toBe('quota_exceeded');
    expect(rejected.images).toHaveLength(0);
    expect(await mesh.settledUsage(user, { committed: 12, reserved: 0 })).toEqual({ committed: 12, reserved: 0 });
    const reservation = await mesh.query('SELECT 1 FROM billing.quota_reservations WHERE generation_id = $1', [
      over.body.id,
    ]);
    expect(reservation).toHaveLength(0);
  });

  it('processes the same event delivered twice only once', async () => {
    const user = mesh.newUser();
    const generationId = randomUUID();
    // Insert the read-model row as the gateway would, then deliver its event twice with the same id.
    await mesh.query(
      `INSERT INTO gateway.generations (id, user_id, status, prompt, params) VALUES ($1, $2, 'queued', 'twice', '{}')`,
      [generationId, user],
    );
    const envelope = newEnvelope('generation.requested', 'gateway', generationId);
    const schema = EVENTS['generation.requested'].schema;
    const body = Buffer.from(
      toBinary(
        schema,
        create(schema, {
          generationId,
          userId: user,
          params: { prompt: 'twice', n: 3, width: 128, height: 128, steps: 1, guidance: 0, seed: 5n },
        }),
      ),
    );
    // Published as the gateway publishes it: its own broker user, which RabbitMQ checks against the user-id.
    const ch = await (await mesh.amqpAs('gateway')).createConfirmChannel();
    const options = { ...envelopeToPublishOptions(envelope), userId: mesh.brokerUser('gateway') };
    for (let i = 0; i < 2; i++) ch.publish(`${mesh.namespace}.events`, 'generation.requested', body, options);
    await ch.waitForConfirms();
    await ch.close();
    const done = await mesh.client.waitForTerminal(user, generationId);
    expect(done.status).toBe('completed');
    expect(done.images).toHaveLength(3);
    // Give a duplicate time to show up if it were going to.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mesh.settledUsage(user, { committed: 3, reserved: 0 })).toEqual({ committed: 3, reserved: 0 });
    for (const table of ['billing.quota_reservations', 'enhancer.enhancements', 'generator.generations']) {
      const rows = await mesh.query(`SELECT 1 FROM ${table} WHERE generation_id = $1`, [generationId]);
      expect(rows).toHaveLength(1);
    }
    expect(await mesh.query('SELECT 1 FROM judge.predictions WHERE generation_id = $1', [generationId])).toHaveLength(
      3,
    );
    const outbox = await mesh.query(
      `SELECT 1 FROM billing.outbox WHERE correlation_id = $1 AND type = 'quota.reserved'`,
      [generationId],
    );
    expect(outbox).toHaveLength(1);
  });

  it('dead-letters a garbage message and keeps consuming', async () => {
    const ch = await (await mesh.amqp()).createConfirmChannel();
    ch.sendToQueue(mesh.queue('enhancer'), Buffer.from('not protobuf \u0000\u00ff'), { persistent: true });
    // A well-formed envelope from a user that does not produce quota.reserved: refused before its payload is read.
    ch.sendToQueue(mesh.queue('enhancer'), Buffer.from([0xff, 0xff, 0xff]), {
      persistent: true,
      ...envelopeToPublishOptions(newEnvelope('quota.reserved', 'intruder', randomUUID())),
    });
    await ch.waitForConfirms();
    await ch.close();
    // The same garbage payload from billing itself, the declared producer: its payload is what fails.
    const asBilling = await (await mesh.amqpAs('billing')).createConfirmChannel();
    asBilling.sendToQueue(mesh.queue('enhancer'), Buffer.from([0xff, 0xff, 0xff]), {
      persistent: true,
      ...envelopeToPublishOptions(newEnvelope('quota.reserved', 'billing', randomUUID())),
      userId: mesh.brokerUser('billing'),
    });
    await asBilling.waitForConfirms();
    await asBilling.close();
    const dead: Awaited<ReturnType<typeof mesh.drainDeadLetters>> = [];
    await mesh.waitFor(async () => {
      dead.push(...(await mesh.drainDeadLetters('enhancer')));
      return dead.length >= 3 ? true : undefined;
    });
    const reasons = dead.map((m) => String(m.properties.headers?.['x-failure-reason']));
    expect(reasons.some((r) => r.startsWith('undecodable_envelope'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('forged_producer'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('invalid_payload'))).toBe(true);
    const user = mesh.newUser();
    const { body } = await mesh.client.submit(user, { prompt: 'after garbage', n: 1, width: 128, height: 128 });
    expect((await mesh.client.waitForTerminal(user, body.id ?? '')).status).toBe('completed');
  });

  it("does not let one service's role read another service's tables", async () => {
    const url = new URL(mesh.env.DATABASE_ADMIN_URL);
    url.pathname = `/${mesh.database}`;
    url.username = 'atelier_billing';
    const billing = new Client({ connectionString: url.toString() });
    await billing.connect();
    try {
      await expect(billing.query('SELECT count(*) FROM billing.quota_usage')).resolves.toBeDefined();
      await expect(billing.query('SELECT * FROM gateway.generations')).rejects.toThrow(/permission denied/);
      await expect(billing.query('SELECT * FROM judge.predictions')).rejects.toThrow(/permission denied/);
      await expect(billing.query('CREATE TABLE public.sneaky (id int)')).rejects.toThrow(/permission denied/);
    } finally {
      await billing.end();
    }
  });
});
