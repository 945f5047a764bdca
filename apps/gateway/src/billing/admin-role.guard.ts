import { type CanActivate, type ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { ApiError } from '../http/api-error';

/**
 * Admin role until accounts land: `x-user-role: admin`, honoured only behind ALLOW_DEV_USER_HEADER (off in
 * production, where admin routes answer 403). Use after DevUserGuard. Replaced by real roles at the auth merge.
 */
@Injectable()
export class DevAdminGuard implements CanActivate {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (this.config.env.ALLOW_DEV_USER_HEADER && req.header('x-user-role') === 'admin') return true;
    throw new ApiError(HttpStatus.FORBIDDEN, 'forbidden', 'admin role required');
  }
}
