import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Put, Query, UseGuards } from '@nestjs/common';
import { CurrentCaller, DevUserGuard, type Caller } from '../identity/dev-user.guard';
import { Public } from '../identity/caller';
import { BillingRpc } from './billing-rpc';
import { ChangeSubscriptionDto, CreateTopUpDto, PageQueryDto } from './billing.dto';
import { planView, subscriptionView, topUpView } from './billing-views';
import { requireIdempotencyKey } from '../http/idempotency-key';
import { OwnIdempotency } from '../http/idempotent-posts.interceptor';

/** The caller's wallet, statement, top-ups and subscription. Billing owns all of it; asked by request/reply. */
@Controller('v1/account')
@UseGuards(DevUserGuard)
export class BillingAccountController {
  constructor(private readonly billing: BillingRpc) {}

  /** Balance, plan, period, usage, features and limits: everything the /account page shows at the top. */
  @Get('billing')
  async summary(@CurrentCaller() caller: Caller): Promise<Record<string, unknown>> {
    const a = await this.billing.call('billing.get_account', { userId: caller.userId });
    return {
      wallet: { balanceKopecks: Number(a.walletBalanceKopecks), currency: a.currency },
      plan: {
        code: a.plan,
        name: a.planName,
        monthlyPriceKopecks: Number(a.monthlyPriceKopecks),
        features: {
          autoPromptEnhance: a.features?.autoPromptEnhance ?? false,
          autoBestSelection: a.features?.autoBestSelection ?? false,
        },
        limits: {
          monthlyImages: a.limits?.monthlyImages ?? a.monthlyImages,
          maxImagesPerRequest: a.limits?.maxImagesPerRequest ?? a.maxImagesPerRequest,
          brandProfileLimit: a.limits?.brandProfileLimit ?? 0,
          loraLimit: a.limits?.loraLimit ?? 0,
          priority: a.limits?.priority ?? 0,
        },
      },
      subscription: {
        periodStart: a.periodStart || null,
        periodEnd: a.periodEnd || null,
        cancelAtPeriodEnd: a.cancelAtPeriodEnd,
        nextPlan: a.nextPlan || null,
      },
      usage: {
        period: a.period,
        allowance: a.monthlyImages,
        committed: a.imagesCommitted,
        reserved: a.imagesReserved,
        remaining: Math.max(0, a.monthlyImages - a.imagesCommitted - a.imagesReserved),
      },
    };
  }

  @Get('ledger')
  async ledger(@CurrentCaller() caller: Caller, @Query() q: PageQueryDto): Promise<Record<string, unknown>> {
    const r = await this.billing.call('billing.get_ledger', {
      userId: caller.userId,
      limit: q.limit,
      cursor: q.cursor ?? '',
    });
    return {
      balanceKopecks: Number(r.balanceKopecks),
      currency: r.currency,
      entries: r.entries.map((e) => ({
        id: e.entryId,
        transactionId: e.transactionId,
        kind: e.kind,
        amountKopecks: Number(e.amountKopecks),
        balanceAfterKopecks: Number(e.balanceAfterKopecks),
        description: e.description,
        createdAt: e.createdAt,
      })),
      nextCursor: r.nextCursor || null,
    };
  }

  /** Starts a top-up; answers where the payer confirms it. Idempotency-Key required (a retry returns the same). */
  @Post('top-ups')
  @OwnIdempotency()
  async createTopUp(
    @CurrentCaller() caller: Caller,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CreateTopUpDto,
  ): Promise<Record<string, unknown>> {
    const r = await this.billing.callAs(
      caller,
      'billing.create_top_up',
      {
        userId: caller.userId,
        amountKopecks: BigInt(body.amountKopecks),
        provider: body.provider ?? '',
        idempotencyKey: requireIdempotencyKey(key),
        returnUrl: body.returnUrl ?? '',
      },
      15000,
    );
    return { topUp: topUpView(r.topUp), created: r.created };
  }

  @Get('top-ups')
  async topUps(@CurrentCaller() caller: Caller, @Query() q: PageQueryDto): Promise<Record<string, unknown>> {
    const r = await this.billing.call('billing.list_top_ups', {
      userId: caller.userId,
      limit: q.limit,
      cursor: q.cursor ?? '',
    });
    return { topUps: r.topUps.map(topUpView), nextCursor: r.nextCursor || null };
  }

  /** Buy, upgrade (prorated, immediate), downgrade (at period end) or resume. 402 insufficient_funds with missingKopecks. */
  @Put('subscription')
  async change(@CurrentCaller() caller: Caller, @Body() body: ChangeSubscriptionDto): Promise<Record<string, unknown>> {
    const r = await this.billing.callAs(
      caller,
      'billing.change_subscription',
      {
        userId: caller.userId,
        plan: body.plan,
        ...(body.quotedChargeKopecks !== undefined ? { quotedChargeKopecks: BigInt(body.quotedChargeKopecks) } : {}),
      },
      10000,
    );
    return {
      change: r.change,
      subscription: subscriptionView(r.subscription),
      chargedKopecks: Number(r.chargedKopecks),
      creditedKopecks: Number(r.creditedKopecks),
      wallet: { balanceKopecks: Number(r.walletBalanceKopecks), currency: 'RUB' },
    };
  }

  /** What `PUT subscription {plan}` would do and charge now (billing's proration), nothing written. */
  @Get('subscription/preview')
  async preview(@CurrentCaller() caller: Caller, @Query() q: ChangeSubscriptionDto): Promise<Record<string, unknown>> {
    const r = await this.billing.call('billing.preview_subscription_change', { userId: caller.userId, plan: q.plan });
    return {
      change: r.change,
      currentPlan: r.currentPlan,
      targetPlan: r.targetPlan,
      chargeKopecks: Number(r.chargeKopecks),
      creditKopecks: Number(r.creditKopecks),
      targetPriceKopecks: Number(r.targetPriceKopecks),
      walletBalanceKopecks: Number(r.walletBalanceKopecks),
      missingKopecks: Number(r.missingKopecks),
      effectiveAt: r.effectiveAt,
      currentPeriodEnd: r.currentPeriodEnd || null,
      newPeriodEnd: r.newPeriodEnd || null,
    };
  }

  /** Cancel at period end: the plan stays until then, then falls back to Free. */
  @Delete('subscription')
  @HttpCode(200)
  async cancel(@CurrentCaller() caller: Caller): Promise<Record<string, unknown>> {
    const r = await this.billing.callAs(caller, 'billing.cancel_subscription', { userId: caller.userId }, 10000);
    return { subscription: subscriptionView(r.subscription) };
  }
}

/** The public plan catalogue: anyone may see prices before registering. */
@Public()
@Controller('v1/plans')
export class PlansController {
  constructor(private readonly billing: BillingRpc) {}

  @Get()
  async list(): Promise<Record<string, unknown>> {
    const r = await this.billing.call('billing.list_plans', { includeInactive: false });
    return { plans: r.plans.map(planView) };
  }
}
