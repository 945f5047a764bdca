import { randomUUID } from 'node:crypto';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request that never got an answer the client could use, after all its retries. */
export interface FailedRequest {
  what: string;
  attempts: number;
  error: string;
}

export type Submitted =
  | { ok: true; id: string; status: number; attempts: number; key: string }
  | { ok: false; failure: FailedRequest; key: string };

/** Connection-level failures and gateway-side outages are retried; a 4xx is an answer. */
const retryable = (status: number): boolean => status >= 500 || status === 429;

/**
 * The chaos run's API client: every POST /v1/generations carries an Idempotency-Key, and a refused or reset
 * connection, a 5xx or a timeout is retried with the same key and body until `budgetMs` runs out, as a careful
 * client would. GETs are retried the same way.
 */
export class ChaosClient {
  constructor(
    private readonly baseUrl: string,
    private readonly budgetMs: number,
    private readonly requestTimeoutMs = 15000,
  ) {}

  async submit(user: string, body: Record<string, unknown>): Promise<Submitted> {
    const key = `chaos-${randomUUID()}`;
    const started = Date.now();
    let attempts = 0;
    let last = '';
    for (;;) {
      attempts++;
      try {
        const res = await fetch(`${this.baseUrl}/v1/generations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-user-id': user, 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
        const json = (await res.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
        if (!retryable(res.status)) {
          if (json.id) return { ok: true, id: json.id, status: res.status, attempts, key };
          return {
            ok: false,
            key,
            failure: { what: 'submit', attempts, error: `HTTP ${res.status} ${json.error?.code ?? ''}`.trim() },
          };
        }
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as Error).cause ? String((err as Error & { cause: Error }).cause.message) : (err as Error).message;
      }
      if (Date.now() - started > this.budgetMs) {
        return { ok: false, key, failure: { what: 'submit', attempts, error: last } };
      }
      await sleep(Math.min(1000, 50 * 2 ** Math.min(attempts, 5)));
    }
  }

  /** The generation's status, or undefined when the gateway could not be reached within the budget. */
  async status(user: string, id: string): Promise<string | undefined> {
    const started = Date.now();
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        const res = await fetch(`${this.baseUrl}/v1/generations/${id}`, {
          headers: { 'x-user-id': user },
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
        if (res.status === 200) return ((await res.json()) as { status: string }).status;
        if (res.status === 404) return 'missing';
        await res.arrayBuffer().catch(() => undefined);
      } catch {
        // refused, reset or timed out: ask again
      }
      if (Date.now() - started > this.budgetMs) return undefined;
      await sleep(Math.min(1000, 50 * 2 ** Math.min(attempts, 5)));
    }
  }
}
