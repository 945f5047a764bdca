import { Controller, Get, HttpStatus, UseGuards } from '@nestjs/common';
import { RpcClient, RpcError } from '@atelier/messaging';
import { ApiError } from '../http/api-error';
import { CurrentCaller, DevUserGuard, type Caller } from '../identity/dev-user.guard';

@Controller('v1/account')
@UseGuards(DevUserGuard)
export class AccountController {
  constructor(private readonly rpc: RpcClient) {}

  /** The caller's plan and usage, asked from billing (which owns them) by request/reply. */
  @Get()
  async get(@CurrentCaller() caller: Caller): Promise<Record<string, unknown>> {
    try {
      const a = await this.rpc.call('billing.get_account', { userId: caller.userId });
      return {
        userId: caller.userId,
        plan: a.plan,
        period: a.period,
        usage: { monthlyImages: a.monthlyImages, committed: a.imagesCommitted, reserved: a.imagesReserved },
        maxImagesPerRequest: a.maxImagesPerRequest,
        features: a.features ?? {},
        wallet: { balanceKopecks: Number(a.walletBalanceKopecks), currency: a.currency },
      };
    } catch (err) {
      if (err instanceof RpcError) {
        throw new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          'billing_unavailable',
          'account details are unavailable right now',
        );
      }
      throw err;
    }
  }
}
