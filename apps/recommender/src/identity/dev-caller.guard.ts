import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError, INTERNAL_CALLER_HEADER, verifyInternalCaller } from '@atelier/service-kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const ROLES = ['customer', 'shop', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  userId: string;
  role: Role;
}

type RequestWithCaller = Request & { caller?: Caller };

const ROLES_KEY = 'recommender:roles';
/** Restricts a route to callers with one of the roles. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Who is calling. In a deployment, the gateway authenticates the user (JWT, roles) and forwards the request with
 * the caller signed into `x-atelier-caller` (HS256, INTERNAL_CALLER_SECRET, audience `recommender`, one minute).
 * Only where ALLOW_DEV_USER_HEADER is on (development/test, never production) may a caller instead name itself
 * with `x-user-id` (UUID) and `x-user-role` (customer when absent).
 */
@Injectable()
export class DevCallerGuard implements CanActivate {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<RequestWithCaller>();
    const caller = this.identify(req);
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !required.includes(caller.role)) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', `requires role ${required.join(' or ')}`);
    }
    req.caller = caller;
    return true;
  }

  private identify(req: Request): Caller {
    const signed = req.header(INTERNAL_CALLER_HEADER);
    if (signed !== undefined) {
      const vouched = verifyInternalCaller(this.config.env.INTERNAL_CALLER_SECRET, signed, 'recommender');
      if (!vouched || !isRole(vouched.role)) {
        throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'invalid or expired caller token');
      }
      return { userId: vouched.userId, role: vouched.role };
    }
    if (!this.config.env.ALLOW_DEV_USER_HEADER) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'authentication required');
    }
    const header = req.header('x-user-id');
    if (!header || !UUID.test(header)) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'unauthenticated',
        'x-user-id header with a UUID is required in development mode',
      );
    }
    const roleHeader = req.header('x-user-role') ?? 'customer';
    if (!isRole(roleHeader)) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', `x-user-role must be one of ${ROLES.join(', ')}`);
    }
    return { userId: header.toLowerCase(), role: roleHeader };
  }
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'authentication required');
  return caller;
});
