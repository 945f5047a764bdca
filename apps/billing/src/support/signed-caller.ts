import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { FatalError, type RequestContext } from '@atelier/messaging';
import { INTERNAL_CALLER_HEADER, verifyInternalCaller, type InternalCaller } from '@atelier/service-kit';

/** Audience of the caller tokens the gateway signs for billing. */
export const BILLING_CALLER_AUDIENCE = 'billing';

/** Who may make a state-changing call: an admin only, or the user the call acts on (admins too). */
export type CallerRule = { admin: true } | { actsOn: string };

/**
 * The acting user of a state-changing RPC, from the gateway-signed `x-atelier-caller` AMQP header (HS256,
 * INTERNAL_CALLER_SECRET, audience `billing`, one minute). Being able to publish to the rpc exchange is not
 * enough: the ids in the payload are never trusted for who acts. A refusal is `forbidden_caller` (403 at the edge),
 * thrown before any handler work, so nothing is written.
 */
@Injectable()
export class SignedCallers {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'billing'>) {}

  require(ctx: RequestContext, rule: CallerRule): InternalCaller {
    const raw: unknown = ctx.getMessage().properties.headers?.[INTERNAL_CALLER_HEADER];
    const token = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw;
    const caller =
      typeof token === 'string'
        ? verifyInternalCaller(this.config.env.INTERNAL_CALLER_SECRET, token, BILLING_CALLER_AUDIENCE)
        : undefined;
    if (!caller) throw new FatalError(`${ctx.rpc} needs a valid signed caller`, 'forbidden_caller');
    if (caller.role === 'admin') return caller;
    if ('admin' in rule || caller.userId !== rule.actsOn.toLowerCase()) {
      throw new FatalError(`${ctx.rpc} is not allowed for this caller`, 'forbidden_caller');
    }
    return caller;
  }
}
