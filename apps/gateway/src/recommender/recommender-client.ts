import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError, INTERNAL_CALLER_HEADER, signInternalCaller, type ApiErrorBody } from '@atelier/service-kit';
import type { Caller, Role } from '../identity/caller';

export type RecommenderMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RecommenderRequest {
  method: RecommenderMethod;
  /** Path on the recommender, e.g. `/v1/recommendations`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  json?: unknown;
  /** Raw body (photo upload, CSV import) with its content type. */
  body?: Buffer;
  contentType?: string;
}

export interface RecommenderReply {
  status: number;
  contentType: string;
  /** The answer's headers worth passing on (FORWARDED_REPLY_HEADERS). */
  headers: Record<string, string>;
  body: Buffer;
  json<T>(): T;
}

const IDEMPOTENT = new Set<RecommenderMethod>(['GET']);

/** Errors of a socket that died under a request before any answer (not a timeout, not a refused connection). */
export function isStaleSocket(err: unknown): boolean {
  const codes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const { code, message, cause } = e as { code?: string; message?: string; cause?: unknown };
    if ((code && codes.has(code)) || /other side closed|socket hang up/i.test(message ?? '')) return true;
    e = cause;
  }
  return false;
}

/** The recommender's roles: gateway `user` accounts are its customers. */
const RECOMMENDER_ROLE: Record<Role, string> = { user: 'customer', shop: 'shop', admin: 'admin' };

/** Answer headers worth passing on to the client; hop-by-hop and server details stay here. */
export const FORWARDED_REPLY_HEADERS = ['content-type', 'cache-control', 'retry-after'] as const;

/**
 * The recommender's HTTP API as seen from the gateway. The gateway has authenticated the caller; each request
 * carries that caller signed for the recommender (one-minute HS256 token), so the recommender never trusts a
 * bare user id and its port is useless to anyone without the shared key.
 */
@Injectable()
export class RecommenderClient {
  private readonly logger = new Logger(RecommenderClient.name);
  private readonly base: string;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>) {
    this.base = config.env.RECOMMENDER_URL.replace(/\/+$/, '');
  }

  /** Forwards as `caller`; returns whatever the recommender answered (503 when it cannot be reached). */
  async send(caller: Caller, request: RecommenderRequest): Promise<RecommenderReply> {
    const url = new URL(`${this.base}${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      [INTERNAL_CALLER_HEADER]: signInternalCaller(
        this.config.env.INTERNAL_CALLER_SECRET,
        { userId: caller.userId, role: RECOMMENDER_ROLE[caller.role] },
        'recommender',
      ),
      accept: 'application/json, image/*',
    };
    let body: Buffer | string | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    } else if (request.body !== undefined) {
      body = request.body;
      headers['content-type'] = request.contentType ?? 'application/octet-stream';
    }
    let res: Response;
    try {
      res = await this.fetchOnce(url, request.method, headers, body);
    } catch (err) {
      // A kept-alive socket the recommender closed just as we reused it (ECONNRESET, "other side closed"): the
      // request never reached it. Safe to send again only when it is idempotent; once, on a fresh connection.
      if (!IDEMPOTENT.has(request.method) || !isStaleSocket(err)) throw this.unavailable(request, err);
      this.logger.debug(`retrying ${request.method} ${request.path} after a stale keep-alive socket`);
      try {
        res = await this.fetchOnce(url, request.method, headers, body);
      } catch (again) {
        throw this.unavailable(request, again);
      }
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
    const forwarded: Record<string, string> = {};
    for (const name of FORWARDED_REPLY_HEADERS) {
      const value = res.headers.get(name);
      if (value !== null) forwarded[name] = value;
    }
    return {
      status: res.status,
      contentType,
      headers: forwarded,
      body: bytes,
      json: <T>() => JSON.parse(bytes.toString('utf8')) as T,
    };
  }

  private fetchOnce(
    url: URL,
    method: RecommenderMethod,
    headers: Record<string, string>,
    body: Buffer | string | undefined,
  ): Promise<Response> {
    return fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.config.env.RECOMMENDER_TIMEOUT_MS) });
  }

  private unavailable(request: RecommenderRequest, err: unknown): ApiError {
    this.logger.warn(`recommender unreachable for ${request.method} ${request.path}: ${String(err)}`);
    return new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'recommender_unavailable',
      'recommendations are unavailable right now; retry',
    );
  }

  /** A 2xx answer's JSON; any other answer becomes an ApiError with the recommender's status, code and message. */
  async json<T>(caller: Caller, request: RecommenderRequest): Promise<T> {
    const reply = await this.send(caller, request);
    // 204 (a delete) has no body to parse.
    if (reply.status === 204) return undefined as T;
    if (reply.status >= 200 && reply.status < 300) return reply.json<T>();
    throw toApiError(reply);
  }
}

/** The recommender's error answer in the gateway's error shape (its codes are already machine-readable). */
export function toApiError(reply: RecommenderReply): ApiError {
  let error: Partial<ApiErrorBody['error']> | undefined;
  try {
    error = reply.json<Partial<ApiErrorBody>>().error;
  } catch {
    error = undefined;
  }
  if (reply.status >= 500 || !error?.code) {
    return new ApiError(
      HttpStatus.BAD_GATEWAY,
      'recommender_failed',
      `the recommender could not answer (status ${reply.status}); retry`,
    );
  }
  return new ApiError(reply.status, error.code, error.message ?? error.code, error.details);
}
