import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { JWT_ALGORITHMS, JWT_AUDIENCE, JWT_ISSUER } from './access-tokens';
import { COOKIES } from './auth-cookies';
import { ROLES, type Caller, type Role } from './caller';
import { SessionLiveness } from './session-liveness';
import { VerifiedTokens } from './verified-tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fromCookie = (req: Request): string | null =>
  (req.cookies as Record<string, string | undefined> | undefined)?.[COOKIES.access] ?? null;

/** The access token a request carries: the Bearer header first, else the cookie. */
export const extractAccessToken = ExtractJwt.fromExtractors([ExtractJwt.fromAuthHeaderAsBearerToken(), fromCookie]);

/**
 * Access tokens from `Authorization: Bearer` (API) or the HttpOnly cookie (web). Signature, algorithm
 * (HS256 only), issuer, audience and expiry are checked by jsonwebtoken; the claims' shape and the session's
 * liveness (SessionLiveness) here.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig<'gateway'>,
    private readonly sessions: SessionLiveness,
    private readonly verified: VerifiedTokens,
  ) {
    super({
      jwtFromRequest: extractAccessToken,
      secretOrKey: config.env.JWT_SECRET,
      algorithms: JWT_ALGORITHMS,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  async validate(req: Request, payload: Record<string, unknown>): Promise<Caller | false> {
    const { sub, role, sid, typ, exp } = payload;
    if (typ !== 'access' || typeof sub !== 'string' || !UUID.test(sub)) return false;
    if (typeof sid !== 'string' || !UUID.test(sid) || !ROLES.includes(role as Role)) return false;
    // The verified claims are remembered for the token's lifetime (AuthGuard skips the HMAC for them next time);
    // a token without `exp` is not remembered.
    const token = extractAccessToken(req);
    if (token && typeof exp === 'number') {
      this.verified.remember(token, { userId: sub, role: role as Role, sessionId: sid, expiresAt: exp * 1000 });
    }
    // A signed, unexpired token is not enough: its session must still stand (revocation within seconds).
    if (!(await this.sessions.isLive(sid, sub, role as Role))) return false;
    return { userId: sub, role: role as Role, sessionId: sid, via: req.headers.authorization ? 'bearer' : 'cookie' };
  }
}
