import {
  applyDecorators,
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError, type RequestContext } from '@atelier/messaging';
import { INTERNAL_CALLER_HEADER, verifyInternalCaller, type InternalCaller } from '@atelier/service-kit';

/** Audience of the caller tokens the gateway signs for billing. */
export const BILLING_CALLER_AUDIENCE = 'billing';

/** Who may make a state-changing call: an admin only, or the user named by a payload field (admins too). */
export type CallerRule = 'admin' | { actsOnField: string };

const CALLER_RULE = 'billing:signed-caller-rule';
/** The verified caller of each request, for `@VerifiedCaller()` (a request context lives as long as its request). */
const verified = new WeakMap<object, InternalCaller>();

/**
 * The acting user of a state-changing RPC, from the gateway-signed `x-atelier-caller` AMQP header (HS256,
 * INTERNAL_CALLER_SECRET, audience `billing`, one minute). Being able to publish to the rpc exchange is not
 * enough: the ids in the payload are never trusted for who acts. A refusal is `forbidden_caller` (403 at the edge),
 * thrown by the guard before the handler runs, so nothing is written.
 */
@Injectable()
export class SignedCallerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const rpc = context.switchToRpc();
    const ctx = rpc.getContext<RequestContext>();
    const rule = this.reflector.get<CallerRule | undefined>(CALLER_RULE, context.getHandler());
    const raw: unknown = ctx.getMessage().properties.headers?.[INTERNAL_CALLER_HEADER];
    const token = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
    const caller =
      typeof token === 'string'
        ? verifyInternalCaller(this.config.env.INTERNAL_CALLER_SECRET, token, BILLING_CALLER_AUDIENCE)
        : undefined;
    if (!caller) throw new FatalError(`${ctx.rpc} needs a valid signed caller`, 'forbidden_caller');
    // A guard without a rule (applied by hand, not through @SignedCaller) admits admins only.
    if (caller.role !== 'admin') {
      const payload = rpc.getData<Record<string, unknown> | undefined>();
      const actsOn = rule && rule !== 'admin' ? payload?.[rule.actsOnField] : undefined;
      if (typeof actsOn !== 'string' || caller.userId !== actsOn.toLowerCase()) {
        throw new FatalError(`${ctx.rpc} is not allowed for this caller`, 'forbidden_caller');
      }
    }
    verified.set(ctx, caller);
    return true;
  }
}

/** Requires a gateway-signed caller on this RPC handler that satisfies `rule`. */
export const SignedCaller = (rule: CallerRule) =>
  applyDecorators(SetMetadata(CALLER_RULE, rule), UseGuards(SignedCallerGuard));

/** The caller `SignedCallerGuard` verified for this request (the handler must carry `@SignedCaller`). */
export const VerifiedCaller = createParamDecorator((_: unknown, context: ExecutionContext): InternalCaller => {
  const caller = verified.get(context.switchToRpc().getContext<RequestContext>());
  if (!caller) throw new FatalError('handler reads a caller no guard verified', 'forbidden_caller');
  return caller;
});
