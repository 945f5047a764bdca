import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { type RpcRequest, type RpcName } from '@atelier/contracts';
import { type RpcReplyInit } from '@atelier/messaging';
import { Ledger } from '../ledger/ledger.service';
import { CURRENCY } from '../ledger/money';
import { planFeatures, planLimits } from '../plans/plan';
import { Subscriptions } from '../subscriptions/subscriptions.service';
import { billingPeriod } from './quota-policy';
import { QuotaReservationRepository } from './quota-reservation.repository';

/** Answers `billing.get_account`: plan, period, usage, features, limits and wallet balance. */
@Controller()
export class AccountSummaryHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: QuotaReservationRepository,
    private readonly subscriptions: Subscriptions,
    private readonly ledger: Ledger,
  ) {}

  @MessagePattern<RpcName>('billing.get_account')
  async answer(@Payload() request: RpcRequest<'billing.get_account'>): Promise<RpcReplyInit<'billing.get_account'>> {
    // One snapshot, so balance, plan and usage agree with each other.
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const { userId } = request;
      const { plan, periodKey } = await this.subscriptions.effectivePlan(m, userId);
      const sub = await this.subscriptions.find(m, userId);
      const period = periodKey ?? billingPeriod(new Date());
      const usage = await this.repo.usage(m, userId, period);
      return {
        userId,
        plan: plan.code,
        planName: plan.name,
        period,
        periodStart: sub?.period_start?.toISOString() ?? '',
        periodEnd: sub?.period_end?.toISOString() ?? '',
        cancelAtPeriodEnd: sub?.cancel_at_period_end ?? false,
        nextPlan: sub?.next_plan_code ?? '',
        monthlyImages: usage?.allowance ?? plan.monthlyImages,
        imagesCommitted: usage?.committed ?? 0,
        imagesReserved: usage?.reserved ?? 0,
        maxImagesPerRequest: plan.maxImagesPerRequest,
        features: planFeatures(plan),
        limits: planLimits(plan),
        maxBrandProfiles: plan.brandProfileLimit,
        monthlyPriceKopecks: plan.monthlyPriceKopecks,
        walletBalanceKopecks: await this.ledger.balance(m, userId),
        currency: CURRENCY,
      };
    });
  }
}

/** Answers `billing.get_limits`: what the caller's plan allows (brand profiles, LoRAs, images per request). */
@Controller()
export class LimitsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subscriptions: Subscriptions,
  ) {}

  @MessagePattern<RpcName>('billing.get_limits')
  async answer(@Payload() request: RpcRequest<'billing.get_limits'>): Promise<RpcReplyInit<'billing.get_limits'>> {
    const { plan } = await this.subscriptions.effectivePlan(this.dataSource.manager, request.userId);
    return { userId: request.userId, plan: plan.code, features: planFeatures(plan), limits: planLimits(plan) };
  }
}
