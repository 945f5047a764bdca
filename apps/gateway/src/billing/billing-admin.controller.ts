import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '../identity/caller';
import { requireIdempotencyKey } from '../http/idempotency-key';
import { BillingRpc } from './billing-rpc';
import { AdjustWalletDto, UpsertPlanDto } from './billing.dto';
import { planView } from './billing-views';
import { OwnIdempotency } from '../http/idempotent-posts.interceptor';

/** Admin operations on billing; other callers get 404 like every admin route. */
@Controller('v1/admin/billing')
@Roles('admin')
export class BillingAdminController {
  constructor(private readonly billing: BillingRpc) {}

  /** Credit (positive) or debit (negative) a wallet with a reason. Idempotency-Key required. */
  @Post('wallets/:userId/adjustments')
  @OwnIdempotency()
  async adjust(
    @CurrentCaller() admin: Caller,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: AdjustWalletDto,
  ): Promise<Record<string, unknown>> {
    const r = await this.billing.callAs(admin, 'billing.adjust_wallet', {
      adminId: admin.userId,
      userId: userId.toLowerCase(),
      amountKopecks: BigInt(body.amountKopecks),
      reason: body.reason,
      idempotencyKey: requireIdempotencyKey(key),
    });
    return { transactionId: r.transactionId, balanceKopecks: Number(r.balanceKopecks), created: r.created };
  }

  @Get('plans')
  async plans(): Promise<Record<string, unknown>> {
    const r = await this.billing.call('billing.list_plans', { includeInactive: true });
    return { plans: r.plans.map(planView) };
  }

  /** Create or replace a plan (price and allowance changes apply from each subscriber's next period). */
  @Put('plans/:code')
  async upsertPlan(
    @CurrentCaller() admin: Caller,
    @Param('code') code: string,
    @Body() b: UpsertPlanDto,
  ): Promise<Record<string, unknown>> {
    const r = await this.billing.callAs(admin, 'billing.upsert_plan', {
      adminId: admin.userId,
      plan: {
        code,
        name: b.name,
        monthlyPriceKopecks: BigInt(b.monthlyPriceKopecks),
        currency: 'RUB',
        features: { autoPromptEnhance: b.autoPromptEnhance, autoBestSelection: b.autoBestSelection },
        limits: {
          monthlyImages: b.monthlyImages,
          maxImagesPerRequest: b.maxImagesPerRequest,
          brandProfileLimit: b.brandProfileLimit,
          loraLimit: b.loraLimit,
          priority: b.priority,
        },
        active: b.active,
        sortOrder: b.sortOrder,
      },
    });
    return { plan: r.plan ? planView(r.plan) : null };
  }

  /** Proof that every cached balance equals its ledger entries and the ledger sums to zero. */
  @Get('ledger/audit')
  async audit(): Promise<Record<string, unknown>> {
    const r = await this.billing.call('billing.audit_ledger', {}, 30000);
    return {
      consistent: r.consistent,
      totalKopecks: Number(r.totalKopecks),
      accountsChecked: r.accountsChecked,
      mismatchedAccounts: r.mismatchedAccounts,
      unbalancedTransactions: r.unbalancedTransactions,
      negativeWallets: r.negativeWallets,
    };
  }
}
