import { type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '@atelier/service-kit';
import { COOKIES } from './auth-cookies';
import { IS_PUBLIC, REQUIRED_ROLES, type Caller, type RequestWithCaller, type Role } from './caller';
import { CsrfTokens } from './csrf-tokens';
import { SessionLiveness } from './session-liveness';
import { VerifiedTokens } from './verified-tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer [A-Za-z0-9._~+/-]+=*$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const unauthenticated = (message = 'authentication required') =>
  new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', message);

/**
 * The global guard (APP_GUARD): every route needs a caller unless marked @Public().
 * Identity comes from a JWT (Bearer header, or the web's cookie — then state-changing requests also need
 * the CSRF token), or, only where ALLOW_DEV_USER_HEADER is on (never in production), the x-user-id header.
 * @Roles() restricts a route further. Public routes still get the caller when a valid token is present.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
    private readonly csrf: CsrfTokens,
    private readonly verified: VerifiedTokens,
    private readonly sessions: SessionLiveness,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) ?? false;
    const req = context.switchToHttp().getRequest<RequestWithCaller>();
    req.caller = undefined;
    try {
      req.caller = await this.authenticate(context, req);
    } catch (err) {
      if (!isPublic) throw err;
    }
    if (isPublic) return true;
    const caller = req.caller;
    if (!caller) throw unauthenticated();
    if (caller.via === 'cookie' && !SAFE_METHODS.has(req.method)) this.csrf.assert(req, caller.sessionId);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(caller.role)) {
      // Admin-only resources are not advertised to others.
      throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'not found');
    }
    return true;
  }

  private async authenticate(context: ExecutionContext, req: RequestWithCaller): Promise<Caller | undefined> {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      if (!BEARER.test(authorization)) throw unauthenticated('Authorization must be "Bearer <access token>"');
      return this.verifiedCaller(context, req, authorization.slice('Bearer '.length), 'bearer');
    }
    const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[COOKIES.access];
    if (cookie) return this.verifiedCaller(context, req, cookie, 'cookie');
    const devUser = req.header('x-user-id');
    if (devUser !== undefined && this.config.env.ALLOW_DEV_USER_HEADER) {
      if (!UUID.test(devUser)) throw unauthenticated('x-user-id must be a UUID');
      // Development only: `x-user-role: admin|shop` stands in for such an account.
      const asked = req.header('x-user-role');
      const role: Role = asked === 'admin' || asked === 'shop' ? asked : 'user';
      return { userId: devUser.toLowerCase(), role, via: 'dev-header' };
    }
    return undefined;
  }

  /**
   * A token verified before (VerifiedTokens, for its lifetime) skips passport and the HMAC; its session's
   * liveness is checked all the same. Any other token goes through passport-jwt (JwtStrategy), which remembers it.
   */
  private async verifiedCaller(
    context: ExecutionContext,
    req: RequestWithCaller,
    token: string,
    via: 'bearer' | 'cookie',
  ): Promise<Caller | undefined> {
    const claims = this.verified.get(token);
    if (!claims) {
      await super.canActivate(context);
      return req.caller;
    }
    if (!(await this.sessions.isLive(claims.sessionId, claims.userId, claims.role))) {
      throw unauthenticated('invalid or expired access token');
    }
    return { userId: claims.userId, role: claims.role, sessionId: claims.sessionId, via };
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return { session: false, property: 'caller' };
  }

  override handleRequest<TUser = Caller>(err: unknown, user: TUser | false): TUser {
    if (err || !user) throw unauthenticated('invalid or expired access token');
    return user;
  }
}
