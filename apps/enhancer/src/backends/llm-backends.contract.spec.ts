import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { detectPlatformAndGoal } from '../prompt-rules';
import { FatalBackendError, TransientBackendError, type BackendInput } from './enhancement-backend';
import type { LlmChatBackend, LlmOptions } from './llm-chat-backend';
import { OllamaBackend } from './ollama-backend';
import { OpenAiBackend } from './openai-backend';

type Reply = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A real local HTTP server speaking the model API; each test scripts its replies. */
async function fakeServer(reply: Reply): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(body) as unknown);
      reply(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const input: BackendInput = {
  cleaned: 'баннер для кофейни, осень, скидка 20%',
  language: 'ru',
  detection: detectPlatformAndGoal('баннер для кофейни, осень, скидка 20%'),
  brand: {
    id: 'b1',
    name: 'Beans',
    styleShort: 'cozy minimalist',
    styleWords: ['cozy'],
    palette: ['#1E5A32'],
    moodWords: ['calm'],
    bannedWords: ['cheap'],
    composition: 'subject on the left',
  },
  fragments: [{ group: 'lighting', phrase: 'soft natural window light', reason: 'test' }],
  autoEnhance: true,
};

const answer = (prompt: string): string => JSON.stringify({ prompt, negative_prompt: 'blurry' });

const apis = [
  {
    api: 'ollama',
    path: '/api/chat',
    make: (o: LlmOptions): LlmChatBackend => new OllamaBackend(o),
    ok: (content: string): unknown => ({ model: 'm', message: { role: 'assistant', content }, done: true }),
  },
  {
    api: 'openai',
    path: '/v1/chat/completions',
    make: (o: LlmOptions): LlmChatBackend => new OpenAiBackend({ ...o, apiKey: 'sk-test' }),
    ok: (content: string): unknown => ({ choices: [{ index: 0, message: { role: 'assistant', content } }] }),
  },
];

describe.each(apis)('$api backend contract (fake server)', ({ path, make, ok }) => {
  const options = (url: string): LlmOptions => ({
    url,
    model: 'test-model',
    timeoutMs: 300,
    maxAttempts: 3,
    retryDelayMs: 10,
  });

  it('sends brand, platform, goal and fragments in the system prompt and uses a valid answer', async () => {
    const server = await fakeServer((req, _b, res) => {
      expect(req.url).toBe(path);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(ok(answer('Autumn coffee shop banner, cheap latte, 20% discount, deep green palette'))));
    });
    try {
      const result = await make(options(server.url)).enhance(input);
      expect(result.prompt).toBe(
        'Autumn coffee shop banner, latte, 20% discount, deep green palette, soft natural window light',
      );
      expect(result.negativePrompt).toBe('blurry, cheap');
      expect(result.operations.map((o) => o.name)).toEqual(['llm', 'policy_fragment', 'remove_banned']);
      const sent = server.bodies[0] as { messages: Array<{ role: string; content: string }> };
      const system = sent.messages[0]?.content ?? '';
      expect(system).toContain('banner with aspect ratio 16:9');
      expect(system).toContain('marketing goal: promotion');
      expect(system).toContain('Brand "Beans": style cozy minimalist; mood calm; palette deep green (#1E5A32)');
      expect(system).toContain('Never use these words: cheap.');
      expect(system).toContain('"soft natural window light"');
      expect(sent.messages[1]).toEqual({ role: 'user', content: input.cleaned });
    } finally {
      await server.close();
    }
  });

  it('retries a malformed answer and a 500, then succeeds', async () => {
    let calls = 0;
    const server = await fakeServer((_r, _b, res) => {
      calls++;
      if (calls === 1) res.end(JSON.stringify(ok('{"prompt": "unterminated')));
      else if (calls === 2) res.writeHead(500).end('boom');
      else res.end(JSON.stringify(ok(answer('autumn coffee banner, soft natural window light'))));
    });
    try {
      const result = await make(options(server.url)).enhance(input);
      expect(calls).toBe(3);
      expect(result.operations[0]).toEqual({ name: 'llm', detail: 'test-model, attempt 3' });
    } finally {
      await server.close();
    }
  });

  it('rejects answers that fail the schema (not English) after all attempts', async () => {
    const server = await fakeServer((_r, _b, res) => res.end(JSON.stringify(ok(answer('баннер кофейни')))));
    try {
      await expect(make(options(server.url)).enhance(input)).rejects.toMatchObject({
        name: 'TransientBackendError',
        code: 'malformed_answer',
      });
      expect(server.bodies).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('gives up on a slow server after the timeout on every attempt', async () => {
    const server = await fakeServer(() => undefined); // never answers
    try {
      const error: unknown = await make({ ...options(server.url), maxAttempts: 2 })
        .enhance(input)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientBackendError);
      expect((error as TransientBackendError).code).toBe('timeout');
      expect(server.bodies).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it.each([401, 404])('treats HTTP %i as fatal without retrying', async (status) => {
    const server = await fakeServer((_r, _b, res) => res.writeHead(status).end('{"error":"no"}'));
    try {
      const error: unknown = await make(options(server.url))
        .enhance(input)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FatalBackendError);
      expect((error as FatalBackendError).status).toBe(status);
      expect(server.bodies).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('retries 500 up to the attempt limit', async () => {
    const server = await fakeServer((_r, _b, res) => res.writeHead(500).end('down'));
    try {
      await expect(make(options(server.url)).enhance(input)).rejects.toMatchObject({ code: 'http_500' });
      expect(server.bodies).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
