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
import { ApiError } from '@atelier/service-kit';

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
 * Development identity until accounts land (mirrors the gateway's DevUserGuard): the caller is the UUID in
 * `x-user-id` and the role in `x-user-role` (customer when absent). Every request is 401 when
 * ALLOW_DEV_USER_HEADER is false, which production enforces; the gateway will front these routes with JWTs.
 */
@Injectable()
export class DevCallerGuard implements CanActivate {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'recommender'>,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<RequestWithCaller>();
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
    if (!(ROLES as readonly string[]).includes(roleHeader)) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', `x-user-role must be one of ${ROLES.join(', ')}`);
    }
    const caller: Caller = { userId: header.toLowerCase(), role: roleHeader as Role };
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
}

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'authentication required');
  return caller;
});
