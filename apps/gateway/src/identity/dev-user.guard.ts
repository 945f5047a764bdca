import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '../http/api-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Caller {
  userId: string;
}

type RequestWithCaller = Request & { caller?: Caller };

/**
 * Development identity until accounts land: the caller is the UUID in `x-user-id`.
 * Disabled (every request 401) when ALLOW_DEV_USER_HEADER is false, which production enforces.
 */
@Injectable()
export class DevUserGuard implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>) {}

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
    req.caller = { userId: header.toLowerCase() };
    return true;
  }
}

export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  if (!caller) throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'authentication required');
  return caller;
});
