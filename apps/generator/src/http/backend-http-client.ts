import { BackendHttpError, FatalError } from '@atelier/messaging';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BackendHttpPolicy {
  /** Whole exchange (headers and body) per attempt. */
  timeoutMs: number;
  /** Extra attempts after a 429 or 503 within one delivery; more retries happen through the queue's backoff. */
  retries: number;
  /** Backoff for 429/503 answers without a usable hint, doubled per attempt. */
  baseDelayMs: number;
  /** A Retry-After longer than this is not waited for in-process: the delivery fails and the queue retries later. */
  maxRetryWaitMs: number;
  /** Larger answers are refused as fatal (a backend answering gigabytes is broken, not busy). */
  maxBodyBytes: number;
}

export interface BackendHttpAnswer {
  status: number;
  contentType: string;
  body: Buffer;
  attempts: number;
}

/** The call took longer than the policy allows; transient (the queue retries it). */
export class BackendTimeoutError extends Error {
  constructor(backend: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`${backend} did not answer within ${timeoutMs} ms`, options);
    this.name = 'BackendTimeoutError';
  }
}

const RETRYABLE = new Set([429, 503]);

/** Retry-After as seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Hugging Face answers 503 "model is loading" with {"estimated_time": seconds} and no Retry-After. */
function estimatedTimeMs(body: Buffer): number | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { estimated_time?: unknown };
    return typeof parsed.estimated_time === 'number' && parsed.estimated_time >= 0
      ? Math.round(parsed.estimated_time * 1000)
      : undefined;
  } catch {
    return undefined;
  }
}

async function readCapped(res: Response, backend: string, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new FatalError(`${backend} answer of ${declared} bytes exceeds ${maxBytes}`, 'backend_answer_too_large');
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FatalError(`${backend} answer exceeds ${maxBytes} bytes`, 'backend_answer_too_large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * POSTs to an image backend with the failure rules every HTTP backend shares: a timeout per attempt,
 * 429/503 retried in-process honouring Retry-After (or HF's estimated_time), other non-2xx answers raised as
 * BackendHttpError (401/403/404 and other 4xx are fatal, 5xx transient), answers size-capped.
 */
export class BackendHttpClient {
  constructor(
    private readonly policy: BackendHttpPolicy,
    private readonly sleep: Sleep = realSleep,
  ) {}

  async post(backend: string, url: URL, headers: Record<string, string>, body: string): Promise<BackendHttpAnswer> {
    const { timeoutMs, retries, baseDelayMs, maxRetryWaitMs, maxBodyBytes } = this.policy;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      let payload: Buffer;
      try {
        res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
        // Error bodies only feed the message and hints, so they get a small cap and never fail the call themselves.
        payload = res.ok
          ? await readCapped(res, backend, maxBodyBytes)
          : await readCapped(res, backend, 64 * 1024).catch(() => Buffer.alloc(0));
      } catch (err) {
        throw this.transportError(backend, err);
      }
      if (res.ok) {
        return {
          status: res.status,
          contentType: res.headers.get('content-type') ?? '',
          body: payload,
          attempts: attempt,
        };
      }
      const text = payload.toString('utf8').slice(0, 300);
      if (RETRYABLE.has(res.status) && attempt <= retries) {
        const hinted = parseRetryAfter(res.headers.get('retry-after'), Date.now()) ?? estimatedTimeMs(payload);
        const wait = hinted ?? baseDelayMs * 2 ** (attempt - 1);
        if (wait <= maxRetryWaitMs) {
          await this.sleep(wait);
          continue;
        }
      }
      throw new BackendHttpError(backend, res.status, text);
    }
  }

  private transportError(backend: string, err: unknown): Error {
    if (err instanceof FatalError) return err;
    // Duck-typed: the DOMException may come from another realm (jest's vm), failing instanceof Error.
    if (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TimeoutError') {
      return new BackendTimeoutError(backend, this.policy.timeoutMs, { cause: err });
    }
    // Refused connections, resets: transient, the queue retries with backoff.
    return new Error(`${backend} request failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
