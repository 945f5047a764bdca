import { type CanActivate, type ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '@atelier/service-kit';
import type { RequestWithCaller } from './caller';

export { CurrentCaller, type Caller } from './caller';

/**
 * Kept so controllers written before accounts still compile: authentication is the global AuthGuard
 * (APP_GUARD), which has already set the caller (JWT, or the x-user-id header where development allows it).
 * This guard only asserts that it did, so `@UseGuards(DevUserGuard)` is harmless and may be deleted.
 */
@Injectable()
export class DevUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (!context.switchToHttp().getRequest<RequestWithCaller>().caller) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'authentication required');
    }
    return true;
  }
}
