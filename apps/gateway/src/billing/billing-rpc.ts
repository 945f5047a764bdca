import { HttpStatus, Injectable } from '@nestjs/common';
import type { BillingError, RpcName, RpcReply } from '@atelier/contracts';
import { RpcClient, RpcError, type RpcRequestInit } from '@atelier/messaging';
import { ApiError } from '@atelier/service-kit';

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
};

/**
 * Calls billing by request/reply and turns its answers into the API's error shape: a refusal in the reply
 * becomes its HTTP status with the code (402 insufficient_funds carries missingKopecks), an unreachable or
 * silent billing becomes 503. Commands are safe to retry: billing makes each one idempotent.
 */
@Injectable()
export class BillingRpc {
  constructor(private readonly rpc: RpcClient) {}

  async call<N extends RpcName>(name: N, request: RpcRequestInit<N>, timeoutMs = 5000): Promise<RpcReply<N>> {
    let reply: RpcReply<N>;
    try {
      reply = await this.rpc.call(name, request, timeoutMs);
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
