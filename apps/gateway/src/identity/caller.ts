import { createParamDecorator, type ExecutionContext, HttpStatus, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { PUBLIC_ROUTE, PublicRoute } from '@atelier/service-kit';
import { ApiError } from '@atelier/service-kit';

export const ROLES = ['user', 'shop', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as the global AuthGuard established it. */
export interface Caller {
  userId: string;
  role: Role;
  /** How the caller proved it: cookie-authenticated state changes also need the CSRF token. */
  via: 'bearer' | 'cookie' | 'dev-header';
  /** The login session the access token belongs to (absent for the development header). */
  sessionId?: string;
}

export type RequestWithCaller = Request & { caller?: Caller };

export const IS_PUBLIC = PUBLIC_ROUTE;
export const REQUIRED_ROLES = 'atelier:roles';

/** Opts a route (or controller) out of authentication; a valid token still sets the caller. */
export const Public = PublicRoute;

/** Restricts a route (or controller) to callers with one of these roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'authentication required');
  return caller;
});
