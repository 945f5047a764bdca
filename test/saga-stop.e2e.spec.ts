import { mkdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import amqplib from 'amqplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { create, EVENTS, toBinary } from '@atelier/contracts';
import { envelopeToPublishOptions, newEnvelope, type EventInit } from '@atelier/messaging';
import { launchChromium } from './support/browser';
import { startFakeHttpServer, type FakeHttpServer } from './support/fake-http-server';
import { newEmail, PASSWORD } from './support/http-session';
import { AMQP_URL, TestMesh } from './support/test-mesh';

const PHONE = { width: 390, height: 844 };
/** A storage key of the generation's own (the gateway's read model refuses any other). */
const keyOf = (generationId: string, digit: string): string => `images/${generationId}/${digit.repeat(64)}.png`;
const DESKTOP = { width: 1366, height: 900 };
// Set to refresh the screenshots in docs/screenshots/ while the suite runs.
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;

interface Txt2Img {
  seed: number;
  width: number;
  height: number;
  batch_size: number;
}

/** A local Automatic1111 server the test paces per seed: answer at once, after a delay, or only when released. */
class PacedA1111 {
  readonly seen = new Set<number>();
  readonly pace = new Map<number, number | 'hold'>();
  private readonly held = new Map<number, () => void>();
  server!: FakeHttpServer;

  async start(): Promise<string> {
    this.server = await startFakeHttpServer((_req, body, res) => {
      const request = JSON.parse(body) as Txt2Img;
      this.seen.add(request.seed);
      const answer = (): void => void this.answer(request, res);
      const pace = this.pace.get(request.seed) ?? 0;
      if (pace === 'hold') this.held.set(request.seed, answer);
      else setTimeout(answer, pace);
    });
    return this.server.url;
  }

  release(seed: number): void {
    this.held.get(seed)?.();
    this.held.delete(seed);
  }

  private async answer(r: Txt2Img, res: ServerResponse): Promise<void> {
    const png = await sharp({
      create: { width: r.width, height: r.height, channels: 3, background: { r: 190, g: 120, b: 60 } },
    })
      .png()
      .toBuffer();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        images: Array.from({ length: r.batch_size }, () => png.toString('base64')),
        info: JSON.stringify({ all_seeds: Array.from({ length: r.batch_size }, (_, i) => r.seed + i) }),
      }),
    );
  }
}

/**
 * Sagas that stop, over the real mesh (PostgreSQL, RabbitMQ, every saga service as its own process): the owner's
 * cancel, the generator and judge skipping a closed generation's work, deadlines that measure each step's
 * inactivity, and the late-completion rule.
 */
describe('sagas that stop', () => {
  const a1111 = new PacedA1111();
  let mesh: TestMesh;
  let url: string;
  let browser: Browser | undefined;
  // Every step has its own limit; RESERVATION_TTL_SECONDS (3 s) is what a fixed deadline from reservation would be.
  // Short for the test, long enough that a tiny drawing finishes inside it on a loaded shared machine.
  const GENERATE_LIMIT_S = 12;

  beforeAll(async () => {
    const a1111Url = await a1111.start();
    mesh = new TestMesh({
      env: {
        IMAGE_BACKENDS_ENABLED: 'procedural,a1111',
        A1111_URL: a1111Url,
        JUDGE_BACKEND: 'statistics',
        RESERVATION_TTL_SECONDS: '3',
        SAGA_INACTIVITY_ENHANCE_SECONDS: '60',
        SAGA_INACTIVITY_GENERATE_SECONDS: String(GENERATE_LIMIT_S),
        SAGA_INACTIVITY_JUDGE_SECONDS: '60',
      },
      services: ['gateway', 'billing', 'enhancer', 'generator', 'judge'],
    });
    await mesh.start();
    url = mesh.supervisor.url('gateway');
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await mesh?.stop();
    await a1111.server?.close();
  }, 60000);

  const drawnBy = (seed: number, extra: Record<string, unknown> = {}) => ({
    prompt: 'осенняя витрина кофейни',
    n: 2,
    width: 128,
    height: 128,
    steps: 4,
    guidance: 5,
    seed,
    backend: 'a1111',
    ...extra,
  });
  const cancel = async (user: string, id: string) => {
    const res = await fetch(`${url}/v1/generations/${id}/cancel`, { method: 'POST', headers: { 'x-user-id': user } });
    return { status: res.status, body: (await res.json()) as { cancel?: string; error?: { code: string } } };
  };
  const count = async (sql: string, params: unknown[]): Promise<number> =>
    Number((await mesh.query<{ n: string }>(sql, params))[0].n);
  const rowsOf = async (id: string) => ({
    generatorGenerations: await count('SELECT count(*) AS n FROM generator.generations WHERE generation_id = $1', [id]),
    generatorImages: await count('SELECT count(*) AS n FROM generator.images WHERE generation_id = $1', [id]),
    judgePredictions: await count('SELECT count(*) AS n FROM judge.predictions WHERE generation_id = $1', [id]),
    completedPublished: await count(
      `SELECT count(*) AS n FROM judge.outbox WHERE correlation_id = $1 AND type = 'generation.completed'`,
      [id],
    ),
  });
  const ledger = () =>
    mesh.query<{ n: string; total: string | null }>(
      'SELECT count(*) AS n, sum(abs(amount_kopecks)) AS total FROM billing.ledger_entries',
    );
  const usageOf = (user: string) =>
    mesh.query<{ committed: number; reserved: number }>(
      'SELECT committed, reserved FROM billing.quota_usage WHERE user_id = $1',
      [user],
    );
  const waitRow = (sql: string, params: unknown[], what: string, timeoutMs = 30000) =>
    mesh.waitFor(async () => ((await mesh.query(sql, params)).length > 0 ? true : undefined), timeoutMs, what);
  /** Publishes an event as a racing producer would have (tests run without producer verification). */
  const publish = async <T extends 'prompt.enhanced' | 'images.generated' | 'generation.completed'>(
    type: T,
    payload: EventInit<T>,
    generationId: string,
  ): Promise<string> => {
    const schema = EVENTS[type].schema;
    const body = Buffer.from(toBinary(schema, create(schema, payload as never)));
    const producer = {
      'prompt.enhanced': 'enhancer',
      'images.generated': 'generator',
      'generation.completed': 'judge',
    };
    const envelope = newEnvelope(type, producer[type], generationId);
    const conn = await amqplib.connect(AMQP_URL);
    try {
      const ch = await conn.createConfirmChannel();
      ch.publish(`${mesh.namespace}.events`, type, body, envelopeToPublishOptions(envelope));
      await ch.waitForConfirms();
    } finally {
      await conn.close();
    }
    return envelope.eventId;
  };
  const skippedMetric = async (service: 'generator' | 'judge', checkpoint: string): Promise<number> => {
    const text = await (await fetch(`${mesh.supervisor.url(service)}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('atelier_saga_work_skipped_total{') && l.includes(checkpoint));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it('cancel mid-saga: billing releases, the generator drops what it drew, the judge never scores, nothing charged', async () => {
    const user = mesh.newUser();
    const ledgerBefore = await ledger();
    a1111.pace.set(3003, 'hold');
    const { status, body } = await mesh.client.submit(user, drawnBy(3003));
    expect(status).toBe(202);
    const id = body.id ?? '';
    // The generator is drawing (its backend call is held open).
    await mesh.waitFor(async () => (a1111.seen.has(3003) ? true : undefined), 30000, 'the generator to draw');

    const cancelledAt = Date.now();
    expect(await cancel(user, id)).toEqual({ status: 202, body: expect.objectContaining({ cancel: 'requested' }) });
    const failed = await mesh.client.waitForTerminal(user, id, 30000);
    // How long a cancel takes to show (gateway outbox → billing → generation.failed → gateway), for the README.
    console.info(`cancel → failed visible in the API: ${Date.now() - cancelledAt} ms`);
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatchObject({ stage: 'cancel', code: 'cancelled' });
    // Idempotent: a repeat answers the same status, now saying it is cancelled.
    expect(await cancel(user, id)).toEqual({ status: 202, body: expect.objectContaining({ cancel: 'cancelled' }) });

    // The generator and the judge learn the failure; then the drawing finishes and is dropped before storing.
    await waitRow('SELECT 1 FROM generator.closed_generations WHERE generation_id = $1', [id], 'generator closed');
    await waitRow('SELECT 1 FROM judge.closed_generations WHERE generation_id = $1', [id], 'judge closed');
    a1111.release(3003);
    await waitRow(
      `SELECT 1 FROM generator.inbox WHERE correlation_id = $1 AND type = 'prompt.enhanced'`,
      [id],
      'the generator to settle the drawing',
    );
    expect(await skippedMetric('generator', 'before_store')).toBeGreaterThanOrEqual(1);

    // A racing images.generated (as if the generator had stored it just before learning) is not scored either.
    const raced = await publish(
      'images.generated',
      {
        generationId: id,
        userId: user,
        prompt: 'p',
        backend: 'a1111@1',
        images: [{ index: 0, storageKey: keyOf(id, 'a'), width: 128, height: 128, sha256: 'a'.repeat(64), seed: 1n }],
      },
      id,
    );
    await waitRow('SELECT 1 FROM judge.inbox WHERE event_id = $1', [raced], 'the judge to settle the racing event');
    expect(await skippedMetric('judge', 'before_score')).toBeGreaterThanOrEqual(1);

    // A prompt.enhanced that arrives after the cancel (a slow enhancer, a redelivery) is not even drawn.
    const lateEnhanced = await publish(
      'prompt.enhanced',
      {
        generationId: id,
        userId: user,
        originalPrompt: 'p',
        cleanedPrompt: 'p',
        enhancedPrompt: 'p',
        params: { prompt: 'p', n: 1, width: 128, height: 128, steps: 4, guidance: 5, seed: 3004n, backend: 'a1111' },
      },
      id,
    );
    await waitRow('SELECT 1 FROM generator.inbox WHERE event_id = $1', [lateEnhanced], 'the generator to skip');
    expect(a1111.seen.has(3004)).toBe(false);
    expect(await skippedMetric('generator', 'before_draw')).toBeGreaterThanOrEqual(1);

    expect(await rowsOf(id)).toEqual({
      generatorGenerations: 0,
      generatorImages: 0,
      judgePredictions: 0,
      completedPublished: 0,
    });
    const [reservation] = await mesh.query<{ status: string; reason: string }>(
      'SELECT status, reason FROM billing.quota_reservations WHERE generation_id = $1',
      [id],
    );
    expect(reservation).toEqual({ status: 'released', reason: 'cancelled' });
    expect(await usageOf(user)).toEqual([{ committed: 0, reserved: 0 }]);
    expect(await ledger()).toEqual(ledgerBefore);
    expect((await mesh.client.get(user, id)).body.status).toBe('failed');
    expect(await mesh.drainDeadLetters('generator')).toHaveLength(0);
    expect(await mesh.drainDeadLetters('judge')).toHaveLength(0);
  });

  it('cancel refuses bad input: a malformed id is 400, another user’s generation 404, a finished one 409', async () => {
    const owner = mesh.newUser();
    // A tiny drawing answered at once, well inside the generator step's short limit.
    const { body } = await mesh.client.submit(owner, drawnBy(5005, { n: 1 }));
    const id = body.id ?? '';

    const malformed = await cancel(owner, 'not-a-uuid');
    expect(malformed).toEqual({
      status: 400,
      body: { error: expect.objectContaining({ code: 'invalid_generation_id' }) },
    });
    expect((await cancel(mesh.newUser(), id)).status).toBe(404);
    expect((await cancel(mesh.newUser(), id)).body.error?.code).toBe('not_found');

    const done = await mesh.client.waitForTerminal(owner, id, 60000);
    expect(done.status).toBe('completed');
    const late = await cancel(owner, id);
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe('already_terminal');
    expect(await usageOf(owner)).toEqual([{ committed: 1, reserved: 0 }]);
  });

  it('a slow but progressing generation completes, a stalled one fails; a late completion is never charged', async () => {
    const slowUser = mesh.newUser();
    const stalledUser = mesh.newUser();
    // The slow one draws for 6 s (inside its step's 12 s) — twice the 3 s a fixed deadline from reservation allowed.
    a1111.pace.set(1001, 6000);
    a1111.pace.set(2002, 'hold');
    const slow = (await mesh.client.submit(slowUser, drawnBy(1001))).body.id ?? '';
    const stalled = (await mesh.client.submit(stalledUser, drawnBy(2002))).body.id ?? '';

    const [slowEnd, stalledEnd] = await Promise.all([
      mesh.client.waitForTerminal(slowUser, slow, 60000),
      mesh.client.waitForTerminal(stalledUser, stalled, 60000),
    ]);
    expect(slowEnd.status).toBe('completed');
    expect(slowEnd.images).toHaveLength(2);
    const [slowAge] = await mesh.query<{ secs: number }>(
      `SELECT extract(epoch FROM updated_at - created_at)::float AS secs FROM billing.quota_reservations
        WHERE generation_id = $1`,
      [slow],
    );
    expect(slowAge.secs).toBeGreaterThan(6);
    expect(await mesh.settledUsage(slowUser, { committed: 2, reserved: 0 })).toEqual({ committed: 2, reserved: 0 });

    expect(stalledEnd.status).toBe('failed');
    expect(stalledEnd.failure).toEqual({
      stage: 'timeout',
      code: 'saga_timeout',
      reason: `no progress from the generate step within its inactivity limit of ${GENERATE_LIMIT_S} s`,
    });
    // Failed for its generator step's silence, not for its age: not before the step's limit had passed.
    const at = (s: string) => stalledEnd.steps.find((x) => x.status === s)?.at ?? '';
    expect(Date.parse(at('failed')) - Date.parse(at('generating'))).toBeGreaterThanOrEqual(
      GENERATE_LIMIT_S * 1000 - 1000,
    );

    // The stalled drawing comes back after the timeout: dropped before storing.
    await waitRow('SELECT 1 FROM generator.closed_generations WHERE generation_id = $1', [stalled], 'generator closed');
    a1111.release(2002);
    await waitRow(
      `SELECT 1 FROM generator.inbox WHERE correlation_id = $1 AND type = 'prompt.enhanced'`,
      [stalled],
      'the generator to settle the late drawing',
    );

    // The late-completion rule: a completion for the expired reservation is not charged and the generation
    // stays failed (the in-time completion above was charged).
    const ledgerBefore = await ledger();
    const late = await publish(
      'generation.completed',
      {
        generationId: stalled,
        userId: stalledUser,
        prompt: 'p',
        backend: 'a1111@1',
        images: [
          { index: 0, storageKey: keyOf(stalled, 'a'), width: 128, height: 128, rank: 1, score: 0.5 },
          { index: 1, storageKey: keyOf(stalled, 'b'), width: 128, height: 128, rank: 2, score: 0.4 },
        ],
      },
      stalled,
    );
    await waitRow('SELECT 1 FROM billing.inbox WHERE event_id = $1', [late], 'billing to settle the late completion');
    await waitRow('SELECT 1 FROM gateway.inbox WHERE event_id = $1', [late], 'the gateway to see the late completion');
    const [reservation] = await mesh.query<{ status: string; delivered: number }>(
      'SELECT status, delivered FROM billing.quota_reservations WHERE generation_id = $1',
      [stalled],
    );
    expect(reservation).toEqual({ status: 'expired', delivered: 0 });
    expect(await usageOf(stalledUser)).toEqual([{ committed: 0, reserved: 0 }]);
    expect(await ledger()).toEqual(ledgerBefore);
    const after = (await mesh.client.get(stalledUser, stalled)).body;
    expect(after.status).toBe('failed');
    expect(after.images).toHaveLength(0);
    expect(await rowsOf(stalled)).toMatchObject({ generatorGenerations: 0, generatorImages: 0, judgePredictions: 0 });
  });

  it('the progress page cancels with a plain form post (no JavaScript), ru on a phone and en on a desktop', async () => {
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    const shot = async (page: Page, name: string) => {
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    };
    const cases = [
      {
        viewport: PHONE,
        lang: 'ru',
        seed: 6001,
        button: 'Отменить',
        requested: 'Отмена запрошена',
        done: 'Генерация отменена',
      },
      {
        viewport: DESKTOP,
        lang: 'en',
        seed: 6002,
        button: 'Cancel',
        requested: 'Cancel requested',
        done: 'was cancelled',
      },
    ] as const;
    for (const c of cases) {
      const ctx: BrowserContext = await browser.newContext({
        viewport: c.viewport,
        locale: c.lang === 'ru' ? 'ru-RU' : 'en-GB',
        javaScriptEnabled: false,
      });
      await ctx.addCookies([{ name: 'atelier_lang', value: c.lang, url }]);
      const page = await ctx.newPage();
      const email = newEmail('cancel-web');
      await page.goto(`${url}/register`);
      await page.locator('#email').fill(email);
      await page.locator('#password').fill(PASSWORD);
      await page.locator('#password2').fill(PASSWORD);
      await page.locator('form[action="/register"] button[type="submit"]').click();
      await page.waitForURL(/\/app$/);
      const [{ id: user }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]);

      a1111.pace.set(c.seed, 'hold');
      const id = (await mesh.client.submit(user, drawnBy(c.seed))).body.id ?? '';
      await mesh.waitFor(async () => (a1111.seen.has(c.seed) ? true : undefined), 30000, 'the generator to draw');
      await page.goto(`${url}/app/tasks/${id}`);
      const button = page.getByRole('button', { name: c.button, exact: true });
      expect(await button.isVisible()).toBe(true);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await shot(page, `task-cancel-${c.viewport === PHONE ? 'phone' : 'desktop'}-${c.lang}`);

      await button.click();
      await page.waitForURL(new RegExp(`/app/tasks/${id}\\?cancel=requested$`));
      // Right after the post the page says the cancel is on its way (or, if billing was quicker, that it is done).
      const after = await page.locator('main').innerText();
      expect(after.includes(c.requested) || after.includes(c.done)).toBe(true);
      expect((await mesh.client.waitForTerminal(user, id, 30000)).failure?.code).toBe('cancelled');
      await page.reload();
      expect(await page.locator('main').innerText()).toContain(c.done);
      expect(await page.locator('form[data-cancel-form]').count()).toBe(0);
      await shot(page, `task-cancelled-${c.viewport === PHONE ? 'phone' : 'desktop'}-${c.lang}`);
      a1111.release(c.seed);
      expect(await usageOf(user)).toEqual([{ committed: 0, reserved: 0 }]);
      await ctx.close();
    }
  });
});
