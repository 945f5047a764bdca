import { Injectable } from '@nestjs/common';
import { RpcClient, RpcError } from '@atelier/messaging';
import { UserAccounts, type UserProfile } from '../accounts/user-accounts.service';

/** Billing's view of the account (plan, usage, wallet). */
export interface BillingAccount {
  plan: string;
  period: string;
  usage: { monthlyImages: number; committed: number; reserved: number };
  maxImagesPerRequest: number;
  features: Record<string, unknown>;
  wallet: { balanceKopecks: number; currency: string };
}

/** My account: the profile the gateway owns plus what billing owns, asked by request/reply. */
@Injectable()
export class AccountOverview {
  constructor(
    private readonly rpc: RpcClient,
    private readonly accounts: UserAccounts,
  ) {}

  profile(userId: string): Promise<UserProfile | undefined> {
    return this.accounts.profile(userId);
  }

  /** Undefined when billing does not answer (timeout, not running). */
  async billing(userId: string): Promise<BillingAccount | undefined> {
    try {
      const a = await this.rpc.call('billing.get_account', { userId });
      return {
        plan: a.plan,
        period: a.period,
        usage: { monthlyImages: a.monthlyImages, committed: a.imagesCommitted, reserved: a.imagesReserved },
        maxImagesPerRequest: a.maxImagesPerRequest,
        features: a.features ?? {},
        wallet: { balanceKopecks: Number(a.walletBalanceKopecks), currency: a.currency },
      };
    } catch (err) {
      if (err instanceof RpcError) return undefined;
      throw err;
    }
  }
}
