import jwt from 'jsonwebtoken';

/** Header carrying the caller the gateway vouches for to an internal HTTP API. */
export const INTERNAL_CALLER_HEADER = 'x-atelier-caller';

export interface InternalCaller {
  userId: string;
  role: string;
}

const ISSUER = 'atelier-gateway';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A short-lived HS256 token naming the authenticated caller, scoped to one audience (the internal service).
 * Short lifetime because it is minted per forwarded request; a captured token is worthless a minute later.
 */
export function signInternalCaller(secret: string, caller: InternalCaller, audience: string, ttlSeconds = 60): string {
  return jwt.sign({ role: caller.role }, secret, {
    algorithm: 'HS256',
    subject: caller.userId,
    audience,
    issuer: ISSUER,
    expiresIn: ttlSeconds,
  });
}

/** The caller named by a token from signInternalCaller; undefined when it is forged, expired or for someone else. */
export function verifyInternalCaller(secret: string, token: string, audience: string): InternalCaller | undefined {
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], audience, issuer: ISSUER });
    if (typeof claims !== 'object' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return undefined;
    const role: unknown = (claims as Record<string, unknown>).role;
    if (typeof role !== 'string') return undefined;
    return { userId: claims.sub.toLowerCase(), role };
  } catch {
    return undefined;
  }
}
