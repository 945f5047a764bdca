import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { BillingError, RpcName, RpcReply } from '@atelier/contracts';
import { RpcClient, RpcError, type RpcRequestInit } from '@atelier/messaging';
import { ApiError, INTERNAL_CALLER_HEADER, signInternalCaller } from '@atelier/service-kit';
import type { Caller } from '../identity/caller';

/** HTTP status for each refusal code billing answers. */
const STATUS: Record<string, HttpStatus> = {
  insufficient_funds: HttpStatus.PAYMENT_REQUIRED,
  unknown_plan: HttpStatus.NOT_FOUND,
  plan_unavailable: HttpStatus.CONFLICT,
  not_subscribed: HttpStatus.CONFLICT,
  idempotency_conflict: HttpStatus.CONFLICT,
  invalid_amount: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid_plan: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid_reason: HttpStatus.UNPROCESSABLE_ENTITY,
  unknown_provider: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid_idempotency_key: HttpStatus.BAD_REQUEST,
  provider_unavailable: HttpStatus.BAD_GATEWAY,
  not_found: HttpStatus.NOT_FOUND,
  not_pending: HttpStatus.CONFLICT,
  not_refundable: HttpStatus.CONFLICT,
  refund_exceeds_payment: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid_outcome: HttpStatus.BAD_REQUEST,
  quote_expired: HttpStatus.CONFLICT,
};

/**
 * Calls billing by request/reply and turns its answers into the API's error shape: a refusal in the reply
 * becomes its HTTP status with the code (402 insufficient_funds carries missingKopecks), an unreachable or
 * silent billing becomes 503. Commands are safe to retry: billing makes each one idempotent.
 * State-changing calls go through `callAs`: billing acts only for the caller signed into `x-atelier-caller`.
 */
@Injectable()
export class BillingRpc {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>,
  ) {}

  /** A state-changing call on behalf of `caller`, who rides along as a one-minute token for audience `billing`. */
  callAs<N extends RpcName>(
    caller: Caller,
    name: N,
    request: RpcRequestInit<N>,
    timeoutMs = 5000,
  ): Promise<RpcReply<N>> {
    const token = signInternalCaller(this.config.env.INTERNAL_CALLER_SECRET, caller, 'billing');
    return this.call(name, request, timeoutMs, { [INTERNAL_CALLER_HEADER]: token });
  }

  async call<N extends RpcName>(
    name: N,
    request: RpcRequestInit<N>,
    timeoutMs = 5000,
    headers?: Readonly<Record<string, string>>,
  ): Promise<RpcReply<N>> {
    let reply: RpcReply<N>;
    try {
      reply = await this.rpc.call(name, request, timeoutMs, headers);
    } catch (err) {
      // The request itself was wrong (billing said so): the caller's 4xx, not an outage.
      if (err instanceof RpcError && err.callerFault) throw new ApiError(err.status, err.code, err.detail);
      if (err instanceof RpcError) {
        throw new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          'billing_unavailable',
          'billing is unavailable right now; retry',
        );
      }
      throw err;
    }
    const error = (reply as { error?: BillingError }).error;
    if (error?.code) {
      const details =
        error.code === 'insufficient_funds'
          ? { missingKopecks: Number(error.missingKopecks), currency: 'RUB' }
          : undefined;
      throw new ApiError(STATUS[error.code] ?? HttpStatus.UNPROCESSABLE_ENTITY, error.code, error.message, details);
    }
    return reply;
  }
}
