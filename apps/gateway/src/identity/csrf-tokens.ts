import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { COOKIES } from './auth-cookies';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

/**
 * Signed double-submit CSRF tokens bound to the login session: `<nonce>.<HMAC(session id, nonce)>`.
 * The token sits in a readable cookie and must come back in the x-csrf-token header (or the form field
 * `_csrf`); a cookie planted by another site or subdomain fails the signature, a token from another
 * session fails the binding. Anonymous forms (login, register) bind to the empty session.
 */
@Injectable()
export class CsrfTokens {
  private readonly key: Buffer;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig<'gateway'>) {
    this.key = createHash('sha256').update(`csrf:${config.env.JWT_SECRET}`).digest();
  }

  issue(sessionId = ''): string {
    const nonce = randomBytes(18).toString('base64url');
    return `${nonce}.${this.sign(sessionId, nonce)}`;
  }

  isValid(token: string | undefined, sessionId = ''): boolean {
    if (!token || token.length > 200) return false;
    const [nonce, sig, ...rest] = token.split('.');
    if (!nonce || !sig || rest.length > 0) return false;
    return safeEqual(sig, this.sign(sessionId, nonce));
  }

  /** 403 csrf_failed unless header (or form field) and cookie carry the same valid token. */
  assert(req: Request, sessionId = '', allowFormField = false): void {
    const body = req.body as Record<string, unknown> | undefined;
    const field = allowFormField && typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined;
    const sent = req.header(CSRF_HEADER) ?? field;
    const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[COOKIES.csrf];
    if (!sent || !cookie || !safeEqual(sent, cookie) || !this.isValid(cookie, sessionId)) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'csrf_failed', 'missing or invalid CSRF token');
    }
  }

  private sign(sessionId: string, nonce: string): string {
    return createHmac('sha256', this.key).update(`${sessionId}:${nonce}`).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
