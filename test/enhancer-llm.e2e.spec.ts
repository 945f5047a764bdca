import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { EVENTS, create, toBinary } from '@atelier/contracts';
import { envelopeToPublishOptions, newEnvelope } from '@atelier/messaging';
import { startFakeHttpServer, type FakeHttpServer } from './support/fake-http-server';
import { TestMesh } from './support/test-mesh';

interface ChatBody {
  messages: Array<{ role: string; content: string }>;
}

interface EnhancementRow {
  enhanced_prompt: string;
  backend: string;
  fallback_reason: string;
  brand_profile_id: string | null;
  operations: Array<{ name: string; detail: string }>;
  fragments: Array<{ group: string; phrase: string }>;
}

const ANSWER = 'a steaming cup of coffee on a wooden table, autumn leaves, warm tones';
const ollamaReply = (res: ServerResponse, prompt = ANSWER): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      model: 'tiny',
      message: { role: 'assistant', content: JSON.stringify({ prompt, negative_prompt: 'blurry' }) },
      done: true,
    }),
  );
};

/**
 * The enhancer with an LLM backend (a fake Ollama on a real local port) over real processes, PostgreSQL and
 * RabbitMQ. The LLM call runs in the consumer's `prepare`, before the inbox transaction opens: while the fake
 * server holds a request, no enhancer connection may sit in a transaction. The rest checks the behaviour that
 * split must keep: the LLM's prompt stored and published, fallbacks recorded, LLM retries, fatal input to the DLQ.
 */
describe('enhancer with an LLM backend: no transaction held across the model call', () => {
  let llm: FakeHttpServer;
  let mesh: TestMesh;
  const held: ServerResponse[] = [];
  let heldAt = 0;
  const flakySeen = new Set<string>();
  const userMessage = (body: string): string =>
    (JSON.parse(body) as ChatBody).messages.find((m) => m.role === 'user')?.content ?? '';
  const systemMessage = (body: string): string =>
    (JSON.parse(body) as ChatBody).messages.find((m) => m.role === 'system')?.content ?? '';

  beforeAll(async () => {
    llm = await startFakeHttpServer((_req, body, res) => {
      const text = userMessage(body);
      if (text.includes('slowcase')) {
        heldAt = Date.now();
        held.push(res);
      } else if (text.includes('authcase')) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"error":"invalid api key"}');
      } else if (text.includes('flakycase') && !flakySeen.has(text)) {
        flakySeen.add(text);
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"loading model"}');
      } else {
        ollamaReply(res);
      }
    });
    mesh = new TestMesh({
      services: ['gateway', 'billing', 'enhancer'],
      serviceEnv: {
        enhancer: {
          ENHANCER_BACKEND: 'ollama',
          OLLAMA_URL: llm.url,
          OLLAMA_MODEL: 'tiny',
          ENHANCER_LLM_TIMEOUT_MS: '30000',
          ENHANCER_LLM_MAX_ATTEMPTS: '3',
        },
      },
    });
    await mesh.start();
  }, 120000);
  afterAll(async () => {
    await mesh?.stop();
    await llm?.close();
  }, 60000);

  const api = async (user: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${mesh.supervisor.url('gateway')}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-user-id': user },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const enhancementOf = (generationId: string): Promise<EnhancementRow> =>
    mesh.waitFor(async () => {
      const rows = await mesh.query<EnhancementRow>('SELECT * FROM enhancer.enhancements WHERE generation_id = $1', [
        generationId,
      ]);
      return rows[0];
    });
  /** Enhancer connections (its role, this test's database) inside a transaction that began before `since`. */
  const transactionsOpenSince = (since: number): Promise<Array<{ pid: number; state: string; query: string }>> =>
    mesh.query(
      `SELECT pid, state, query FROM pg_stat_activity
        WHERE datname = $1 AND usename = 'atelier_enhancer' AND xact_start IS NOT NULL
          AND xact_start <= to_timestamp($2::double precision / 1000)`,
      [mesh.database, since],
    );

  it('holds no DB transaction while the LLM is answering; the answer and the brand read before it are stored', async () => {
    const user = mesh.newUser();
    const profile = await api(user, 'POST', '/v1/brand-profiles', {
      name: 'Beans',
      styleShort: 'cozy minimalist coffee brand',
      palette: ['#1E5A32'],
      bannedWords: ['cheap'],
    });
    const { body } = await mesh.client.submit(user, { prompt: 'баннер для кофейни, осень slowcase', n: 1, seed: 1 });
    const id = body.id ?? '';
    await mesh.waitFor(async () => (held.length > 0 ? true : undefined), 30000, 'the LLM request');

    // The probe sees the enhancer's connections at all (so an empty answer below means something).
    const [{ n }] = (await mesh.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND usename = 'atelier_enhancer'`,
      [mesh.database],
    )) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    // Any transaction opened for this message began before the request reached the LLM and would still be open.
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 250));
      expect(await transactionsOpenSince(heldAt)).toEqual([]);
    }
    expect(await mesh.query('SELECT 1 FROM enhancer.enhancements WHERE generation_id = $1', [id])).toEqual([]);

    // The profile changes while the model is thinking: the stored prompt keeps the profile it was built from.
    await api(user, 'PUT', `/v1/brand-profiles/${String(profile.id)}`, { name: 'Beans Renamed' });
    const request = llm.requests.find((r) => userMessage(r.body).includes('slowcase'));
    expect(systemMessage(request?.body ?? '{}')).toContain('Brand "Beans": style cozy minimalist coffee brand');
    ollamaReply(held.shift() as ServerResponse);

    const row = await enhancementOf(id);
    expect(row.backend).toBe('ollama:tiny');
    expect(row.fallback_reason).toBe('');
    expect(row.brand_profile_id).toBe(profile.id);
    expect(row.operations.find((o) => o.name === 'brand_profile')?.detail).toBe('Beans');
    expect(row.operations.find((o) => o.name === 'llm')?.detail).toBe('tiny, attempt 1');
    expect(row.enhanced_prompt.startsWith(ANSWER)).toBe(true);
    // The policy's choice is in the prompt and in the row, written in the same transaction as the event.
    expect(row.fragments.map((f) => f.group)).toEqual(['lighting', 'background', 'camera', 'finish']);
    for (const f of row.fragments) expect(row.enhanced_prompt).toContain(f.phrase);
    const view = await mesh.waitFor(async () => {
      const v = await mesh.client.get(user, id);
      return v.body.enhancedPrompt ? v.body : undefined;
    });
    expect(view.enhancedPrompt).toBe(row.enhanced_prompt);
  }, 60000);

  it('records a fatal LLM answer (401) as a fallback to the built-in backend, without retrying it', async () => {
    const user = mesh.newUser();
    const before = llm.requests.length;
    const { body } = await mesh.client.submit(user, { prompt: 'баннер для кофейни authcase', n: 1, seed: 1 });
    const row = await enhancementOf(body.id ?? '');
    expect(row.backend).toBe('builtin@1');
    expect(row.fallback_reason).toMatch(/^ollama:tiny: HTTP 401/u);
    expect(row.operations.find((o) => o.name === 'backend_fallback')?.detail).toMatch(/^ollama:tiny → builtin@1: /u);
    expect(row.enhanced_prompt).toMatch(/^coffee shops? authcase/u);
    expect(llm.requests.length - before).toBe(1);
  }, 60000);

  it('retries a transient LLM failure (503) and uses the second answer', async () => {
    const user = mesh.newUser();
    const { body } = await mesh.client.submit(user, { prompt: 'пост про кофе flakycase', n: 1, seed: 1 });
    const row = await enhancementOf(body.id ?? '');
    expect(row.backend).toBe('ollama:tiny');
    expect(row.operations.find((o) => o.name === 'llm')?.detail).toBe('tiny, attempt 2');
  }, 60000);

  it('dead-letters a quota.reserved it cannot enhance (no params) and reports generation.failed', async () => {
    const generationId = randomUUID();
    const schema = EVENTS['quota.reserved'].schema;
    const ch = await (await mesh.amqp()).createConfirmChannel();
    ch.publish(
      `${mesh.namespace}.events`,
      'quota.reserved',
      Buffer.from(toBinary(schema, create(schema, { generationId, userId: mesh.newUser(), reservedImages: 1 }))),
      envelopeToPublishOptions(newEnvelope('quota.reserved', 'billing', generationId)),
    );
    await ch.waitForConfirms();
    await ch.close();
    const dead = await mesh.waitFor(async () => {
      const got = await mesh.drainDeadLetters('enhancer');
      return got.length > 0 ? got : undefined;
    });
    expect(dead).toHaveLength(1);
    const headers = dead[0]?.properties.headers ?? {};
    expect(String(headers['x-failure-reason'])).toBe('invalid_payload: quota.reserved without params');
    expect(headers['x-failure-class']).toBe('fatal');
    expect(headers['x-attempts']).toBe(1);
    const failed = await mesh.query(
      `SELECT 1 FROM enhancer.outbox WHERE correlation_id = $1 AND type = 'generation.failed'`,
      [generationId],
    );
    expect(failed).toHaveLength(1);
    expect(await mesh.query('SELECT 1 FROM enhancer.enhancements WHERE generation_id = $1', [generationId])).toEqual(
      [],
    );
  }, 60000);
});
