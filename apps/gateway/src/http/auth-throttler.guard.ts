import { createHash } from 'node:crypto';
import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

const RATE_GROUP = 'atelier:rate-group';

/** Routes with the same group share one budget per client IP (e.g. the API's and the web's login). */
export const RateGroup = (group: 'login' | 'register' | 'refresh'): MethodDecorator => SetMetadata(RATE_GROUP, group);

/** @nestjs/throttler keyed by rate group and client IP (req.ip: honours TRUST_PROXY_HOPS). */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    const group =
      this.reflector.get<string | undefined>(RATE_GROUP, context.getHandler()) ??
      `${context.getClass().name}-${context.getHandler().name}`;
    return createHash('sha256').update(`${group}-${name}-${suffix}`).digest('hex');
  }
}
