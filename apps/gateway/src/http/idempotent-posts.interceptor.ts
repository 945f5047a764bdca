import { createHash } from 'node:crypto';
import {
  HttpStatus,
  Injectable,
  Logger,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { type Observable, of } from 'rxjs';
import { ApiError } from '@atelier/service-kit';
import type { RequestWithCaller } from '../identity/caller';
import { optionalIdempotencyKey } from './idempotency-key';
import { IdempotentResponsesRepository } from './idempotent-responses.repository';

const OWN_IDEMPOTENCY = 'atelier:own-idempotency';

/** For routes that keep their keys with the state they change (generations, top-ups, wallet adjustments). */
export const OwnIdempotency = (): MethodDecorator & ClassDecorator => SetMetadata(OWN_IDEMPOTENCY, true);

/** Answers larger than this are not kept: the key then protects nothing and the request runs again. */
const MAX_KEPT_BYTES = 1024 * 1024;

/** Same user, same key, same request: method, path with query, content type and body bytes. */
function fingerprint(req: RequestWithCaller): string {
  const body: unknown = req.body;
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? null), 'utf8');
  return createHash('sha256')
    .update(`${req.method} ${req.originalUrl}\n${req.headers['content-type'] ?? ''}\n`)
    .update(bytes)
    .digest('hex');
}

/** Whether the handler writes the response itself (`@Res()`), as the relayed recommender routes do. */
function writesItsOwnResponse(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ??
    {}) as Record<string, unknown>;
  return Object.keys(args).some((k) => k.split(':')[0] === String(RouteParamtypes.RESPONSE));
}

/**
 * Collects what the response sends, whoever sends it, and keeps it before the last bytes go out: a client that
 * retries the moment it has the answer must find the answer kept, not the key still "in use" (keeping it after
 * `finish` let an immediate retry get 409 `idempotency_key_in_use`).
 */
function recordResponse(res: Response, keepAnswer: (body: Buffer | undefined) => Promise<void>): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let overflow = false;
  let kept = false;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function' || overflow) return;
    const b = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    size += b.length;
    if (size > MAX_KEPT_BYTES) overflow = true;
    else chunks.push(b);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.write = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    return write(...args);
  }) as Response['write'];
  res.end = ((...args: unknown[]) => {
    keep(args[0], args[1]);
    if (kept) return end(...args);
    kept = true;
    // keepAnswer never rejects (it logs); the response ends either way.
    void keepAnswer(overflow ? undefined : Buffer.concat(chunks)).finally(() => end(...args));
    return res;
  }) as Response['end'];
  res.once('close', () => {
    if (kept || res.writableFinished) return;
    kept = true;
    void keepAnswer(undefined);
  });
}

/**
 * `Idempotency-Key` on every state-changing POST of the API (issue 21) that does not keep keys itself: the first
 * request with a key runs and its answer is kept for 24 h; the same key with the same request gets that answer again
 * (same status and body, `Idempotent-Replayed: true`) without running twice; with a different request, 409
 * `idempotency_key_reused`; while the first still runs, 409 `idempotency_key_in_use`. Keys are per user. A failure
 * on our side (5xx, or an answer that could not be kept) or a refusal (4xx) releases the key, so a retry runs again.
 */
@Injectable()
export class IdempotentPostsInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotentPostsInterceptor.name);
  private lastPrune = 0;

  constructor(
    private readonly reflector: Reflector,
    private readonly responses: IdempotentResponsesRepository,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<RequestWithCaller>();
    const res = http.getResponse<Response>();
    if (req.method !== 'POST' || !req.path.startsWith('/v1/')) return next.handle();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(OWN_IDEMPOTENCY, targets)) return next.handle();
    const key = optionalIdempotencyKey(req.header('idempotency-key'));
    const caller = req.caller;
    if (key === undefined || !caller) return next.handle();

    this.pruneNowAndThen();
    const claim = await this.responses.claim(caller.userId, key, fingerprint(req));
    if (claim.kind === 'different_request') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'idempotency_key_reused',
        'this Idempotency-Key was sent with another request',
      );
    }
    if (claim.kind === 'in_progress') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'idempotency_key_in_use',
        'a request with this Idempotency-Key is still running; retry shortly',
      );
    }
    if (claim.kind === 'replay') {
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(claim.status);
      if (writesItsOwnResponse(context)) {
        if (claim.contentType) res.setHeader('Content-Type', claim.contentType);
        res.send(claim.body);
        return of(undefined);
      }
      // Nest sends what the handler would have returned, with the route's own status (the one kept).
      const text = claim.body.toString('utf8');
      return of(claim.contentType?.includes('json') && text !== '' ? (JSON.parse(text) as unknown) : text);
    }

    recordResponse(res, (body) =>
      // A 4xx is the request's own fault and changed nothing: it is not kept, a retry gets the same answer anew.
      (body !== undefined && res.statusCode < 400
        ? this.responses.complete(
            caller.userId,
            key,
            res.statusCode,
            res.getHeader('content-type')?.toString() ?? null,
            body,
          )
        : this.responses.release(caller.userId, key)
      ).catch((err: Error) => this.logger.warn(`idempotency key ${key}: ${err.message}`)),
    );
    return next.handle();
  }

  private pruneNowAndThen(): void {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    this.responses.prune().catch((err: Error) => this.logger.warn(`pruning idempotency keys: ${err.message}`));
  }
}
