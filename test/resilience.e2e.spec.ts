import { execFileSync } from 'node:child_process';
import { startFakeHttpServer, type FakeHttpServer } from './support/fake-http-server';
import { TestMesh } from './support/test-mesh';

/** Crashes, broker outages and fatal backend errors: the saga still ends, nothing lost, nothing doubled. */
describe('saga resilience', () => {
  let fakeOpenAi: FakeHttpServer;
  let mesh: TestMesh;

  beforeAll(async () => {
    // An OpenAI-compatible images server whose key is wrong: every call answers 401.
    fakeOpenAi = await startFakeHttpServer((_req, _body, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
    });
    mesh = new TestMesh({
      env: { FREE_MONTHLY_IMAGES: '1000' },
      serviceEnv: { generator: { OPENAI_IMAGES_URL: fakeOpenAi.url, OPENAI_IMAGES_API_KEY: 'sk-wrong' } },
    });
    await mesh.start();
  }, 120000);

  afterAll(async () => {
    await mesh.stop();
    await fakeOpenAi.close();
  }, 60000);

  const committed = async (user: string): Promise<{ committed: number; reserved: number } | undefined> =>
    (
      await mesh.query<{ committed: number; reserved: number }>(
        'SELECT committed, reserved FROM billing.quota_usage WHERE user_id = $1',
        [user],
      )
    )[0];

  it('fails on a fatal backend error with a reason, releases the quota, dead-letters the message and keeps consuming', async () => {
    const user = mesh.newUser();
    const { body } = await mesh.client.submit(user, {
      prompt: 'sdxl please',
      n: 2,
      width: 256,
      height: 256,
      backend: 'openai',
    });
    const failed = await mesh.client.waitForTerminal(user, body.id ?? '');
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatchObject({ stage: 'generate', code: 'backend_unauthorized' });
    expect(failed.failure?.reason).toMatch(/401/);
    // Fatal: called once, no retry loop.
    expect(fakeOpenAi.requests).toHaveLength(1);
    await mesh.waitFor(
      async () => ((await committed(user))?.reserved === 0 ? true : undefined),
      10000,
      'quota release',
    );
    expect(await committed(user)).toEqual({ committed: 0, reserved: 0 });
    const [reservation] = await mesh.query<{ status: string }>(
      'SELECT status FROM billing.quota_reservations WHERE generation_id = $1',
      [body.id],
    );
    expect(reservation.status).toBe('released');
    const dead = await mesh.drainDeadLetters('generator');
    expect(dead).toHaveLength(1);
    expect(dead[0].properties.correlationId).toBe(body.id);
    expect(String(dead[0].properties.headers?.['x-failure-reason'])).toMatch(
      /^backend_unauthorized: openai answered 401/,
    );
    expect(dead[0].properties.headers?.['x-attempts']).toBe(1);
    expect(dead[0].properties.headers?.['x-failure-class']).toBe('fatal');

    const next = await mesh.client.submit(user, { prompt: 'procedural is fine', n: 1, width: 128, height: 128 });
    expect((await mesh.client.waitForTerminal(user, next.body.id ?? '')).status).toBe('completed');
  });

  it('completes generations when the generator is SIGKILLed mid-flight and restarted', async () => {
    const user = mesh.newUser();
    const submitted = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        mesh.client.submit(user, { prompt: `big poster ${i}`, n: 4, width: 1024, height: 1024, seed: i }),
      ),
    );
    // Kill as soon as the generator has produced something, so the rest is in flight or queued.
    await mesh.waitFor(async () =>
      (await mesh.query('SELECT 1 FROM generator.generations LIMIT 1')).length > 0 ? true : undefined,
    );
    await mesh.supervisor.kill('generator');
    const midway = await Promise.all(submitted.map((s) => mesh.client.get(user, s.body.id ?? '')));
    expect(midway.some((m) => m.body.status !== 'completed')).toBe(true);
    await mesh.supervisor.start('generator');
    const results = await Promise.all(submitted.map((s) => mesh.client.waitForTerminal(user, s.body.id ?? '', 90000)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('completed'));
    expect(results.every((r) => r.images.length === 4)).toBe(true);
    expect(await mesh.settledUsage(user, { committed: 32, reserved: 0 })).toEqual({ committed: 32, reserved: 0 });
    const rows = await mesh.query<{ c: string }>(
      'SELECT count(*) AS c FROM generator.images WHERE generation_id = ANY($1::uuid[])',
      [submitted.map((s) => s.body.id)],
    );
    expect(Number(rows[0].c)).toBe(32);
  }, 120000);

  it('loses and doubles nothing when RabbitMQ connections drop and the broker is down mid-run', async () => {
    const user = mesh.newUser();
    const first = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        mesh.client.submit(user, { prompt: `outage ${i}`, n: 2, width: 256, height: 256, seed: i }),
      ),
    );
    // Force-close every client connection while the first batch is in flight; services reconnect and re-declare.
    execFileSync('rabbitmqctl', ['close_all_connections', 'test: connection drop'], { stdio: 'ignore' });
    // Then take the broker away entirely: the gateway keeps accepting, the outbox holds the events.
    execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore' });
    let second: Awaited<ReturnType<typeof mesh.client.submit>>[];
    try {
      second = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          mesh.client.submit(user, { prompt: `during outage ${i}`, n: 1, width: 256, height: 256, seed: i }),
        ),
      );
      await new Promise((r) => setTimeout(r, 1500));
      const pending = await mesh.query<{ c: string }>(
        `SELECT count(*) AS c FROM gateway.outbox WHERE published_at IS NULL`,
      );
      expect(Number(pending[0].c)).toBeGreaterThanOrEqual(10);
    } finally {
      execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore' });
    }
    const all = [...first, ...second];
    expect(all.every((s) => s.status === 202)).toBe(true);
    const results = await Promise.all(all.map((s) => mesh.client.waitForTerminal(user, s.body.id ?? '', 90000)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill('completed'));
    expect(await mesh.settledUsage(user, { committed: 30, reserved: 0 })).toEqual({ committed: 30, reserved: 0 });
    const predictions = await mesh.query<{ c: string }>(
      'SELECT count(*) AS c FROM judge.predictions WHERE user_id = $1',
      [user],
    );
    expect(Number(predictions[0].c)).toBe(30);
  }, 120000);
});
