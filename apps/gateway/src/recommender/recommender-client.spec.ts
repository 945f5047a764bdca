import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ServiceConfig } from '@atelier/config';
import { loadConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { isStaleSocket, RecommenderClient } from './recommender-client';

/**
 * The keep-alive race on the gateway→recommender hop, played by a real HTTP server: a request arriving on a
 * connection that sat idle for 150 ms or more kills it unanswered, as a server does that closes an idle socket at
 * the instant the client reuses it. Each round waits 200 ms, so every reuse meets that race.
 */
describe('RecommenderClient on a stale keep-alive socket', () => {
  let server: Server;
  let client: RecommenderClient;
  const lastAnswer = new WeakMap<Socket, number>();
  let kills = 0;
  const pause = () => new Promise((r) => setTimeout(r, 200));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const previous = lastAnswer.get(req.socket);
      req.resume();
      req.on('end', () => {
        if (previous !== undefined && Date.now() - previous >= 150) {
          kills++;
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
        lastAnswer.set(req.socket, Date.now());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const config = loadConfig('gateway', { RECOMMENDER_URL: `http://127.0.0.1:${port}` }) as ServiceConfig<'gateway'>;
    client = new RecommenderClient(config);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const caller = { userId: '6f1b0c1e-9a43-4d5e-8f00-000000000001', role: 'user' as const, via: 'bearer' as const };

  it('sends an idempotent GET again on a fresh connection', async () => {
    for (let i = 0; i < 6; i++) {
      await pause();
      const reply = await client.send(caller, { method: 'GET', path: '/v1/recommendations' });
      expect(reply.status).toBe(200);
    }
    // The race happened on every reuse, and no caller saw it.
    expect(kills).toBeGreaterThanOrEqual(4);
  });

  it('never repeats a POST: a dead socket under it is a 503 the caller may retry', async () => {
    await client.send(caller, { method: 'GET', path: '/v1/recommendations' });
    const outcomes: number[] = [];
    for (let i = 0; i < 3; i++) {
      await pause();
      try {
        outcomes.push((await client.send(caller, { method: 'POST', path: '/v1/interactions', json: {} })).status);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        outcomes.push((err as ApiError).getStatus());
      }
    }
    expect(outcomes).toContain(503);
  });

  it('tells a dead socket from other failures', () => {
    expect(isStaleSocket(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe(true);
    expect(isStaleSocket(new TypeError('fetch failed', { cause: new Error('other side closed') }))).toBe(true);
    expect(isStaleSocket(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe(false);
    expect(isStaleSocket(new DOMException('timed out', 'TimeoutError'))).toBe(false);
  });
});
