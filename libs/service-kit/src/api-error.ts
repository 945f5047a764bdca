// The one error shape of every HTTP API of the mesh: {error: {code, message, details}}.
import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  Optional,
} from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { Request, Response } from 'express';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An HTTP error with a machine-readable code in the one error shape of the API. */
export class ApiError extends HttpException {
  readonly body: ApiErrorBody;

  constructor(status: HttpStatus, code: string, message: string, details?: unknown) {
    const body = { error: { code, message, details } } satisfies ApiErrorBody;
    super(body, status);
    this.body = body;
  }
}

/** Renders an HTML page for a 4xx on a web (non-API) path; undefined means answer JSON. */
export abstract class ErrorPages {
  abstract render(req: Request, status: number): string | undefined;
}

export const validationErrorFactory = (errors: ValidationError[]): BadRequestException => {
  const flatten = (errs: ValidationError[], prefix = ''): Array<{ field: string; problems: string[] }> =>
    errs.flatMap((e) => {
      const field = prefix ? `${prefix}.${e.property}` : e.property;
      const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
      return [...own, ...flatten(e.children ?? [], field)];
    });
  const details = flatten(errors);
  return new BadRequestException({
    error: {
      code: 'validation_failed',
      message: details.map((d) => `${d.field}: ${d.problems.join('; ')}`).join(', '),
      details,
    },
  } satisfies ApiErrorBody);
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
};

/** Every error leaves in the shape {error: {code, message, details}}; unexpected ones as 500 without internals. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiError');

  constructor(@Optional() private readonly pages?: ErrorPages) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (res.headersSent) {
      // A stream (server-sent events) already started: nothing else can be said.
      this.logger.warn(`error after the response started: ${String(exception)}`);
      res.end();
      return;
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const page = this.pages?.render(req, exception.getStatus());
      if (page !== undefined) {
        res.status(exception.getStatus()).type('html').send(page);
        return;
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object') {
        const details = (body.error as { details?: { retryAfterSeconds?: unknown } }).details;
        if (status === 429 && typeof details?.retryAfterSeconds === 'number') {
          res.setHeader('Retry-After', String(details.retryAfterSeconds));
        }
        res.status(status).json(body);
        return;
      }
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      // Express adapter wraps body-parser's SyntaxError (malformed JSON) in a 400 with the original as cause.
      const code =
        exception.cause instanceof SyntaxError ? 'malformed_json' : (CODE_BY_STATUS[status] ?? `http_${status}`);
      if (status === 429 && !res.getHeader('Retry-After')) {
        // @nestjs/throttler names the header after the throttler (Retry-After-auth); clients know the plain one.
        const named = Object.keys(res.getHeaders()).find((h) => h.startsWith('retry-after-'));
        if (named) res.setHeader('Retry-After', String(res.getHeader(named)));
      }
      res.status(status).json({
        error: { code, message: Array.isArray(message) ? message.join(', ') : String(message) },
      } satisfies ApiErrorBody);
      return;
    }
    // body-parser errors (malformed JSON, too large) carry a status and type.
    const parserError = exception as { status?: number; type?: string; message?: string };
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      const code =
        parserError.type === 'entity.too.large'
          ? 'payload_too_large'
          : parserError.type === 'entity.parse.failed'
            ? 'malformed_json'
            : (CODE_BY_STATUS[parserError.status] ?? 'bad_request');
      res
        .status(parserError.status)
        .json({ error: { code, message: parserError.message ?? code } } satisfies ApiErrorBody);
      return;
    }
    this.logger.error(exception instanceof Error ? exception : String(exception));
    res.status(500).json({ error: { code: 'internal_error', message: 'internal error' } } satisfies ApiErrorBody);
  }
}
