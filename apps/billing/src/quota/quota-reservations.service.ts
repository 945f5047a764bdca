import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { EventPayload } from '@atelier/contracts';
import type { EventContext } from '@atelier/messaging';
import { planFeatures, planLimits } from '../plans/plan';
import { Subscriptions } from '../subscriptions/subscriptions.service';
import { billingPeriod } from './quota-policy';
import { QuotaReservationRepository } from './quota-reservation.repository';

/** Holds, commits and releases image quota for generation requests, per plan and billing period. */
@Injectable()
export class QuotaReservations {
  private readonly logger = new Logger('QuotaReservations');
  private readonly ttlSeconds: number;

  constructor(
    private readonly repo: QuotaReservationRepository,
    private readonly subscriptions: Subscriptions,
    @Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>,
  ) {
    this.ttlSeconds = config.env.RESERVATION_TTL_SECONDS;
  }

  async reserve(request: EventPayload<'generation.requested'>, ctx: EventContext): Promise<void> {
    const m = ctx.manager;
    const { generationId, userId } = request;
    const n = request.params?.n ?? 0;
    const { plan, periodKey } = await this.subscriptions.effectivePlan(m, userId);
    const period = periodKey ?? billingPeriod(new Date());
    const reject = async (code: string, reason: string, allowance: number, used: number): Promise<void> => {
      await this.repo.recordRejection(m, generationId, userId, code, n);
      await ctx.emit('quota.rejected', { generationId, userId, code, reason, allowance, used, requested: n });
    };

    if (n < 1 || n > plan.maxImagesPerRequest) {
      return reject(
        'too_many_images_for_plan',
        `the ${plan.name} plan allows 1 to ${plan.maxImagesPerRequest} images per request`,
        plan.monthlyImages,
        0,
      );
    }
    const reservation = { generationId, userId, period, requested: n, ttlSeconds: this.ttlSeconds };
    let reserved = await this.repo.reserveAndRecord(m, reservation);
    if (!reserved) {
      // Maybe the period's row did not exist yet. Open it (or wait for a concurrent request that is opening it)
      // and try once more: the second UPDATE sees the committed row.
      await this.repo.ensureUsage(m, userId, period, plan.monthlyImages);
      reserved = await this.repo.reserveAndRecord(m, reservation);
    }
    if (reserved) {
      await ctx.emit('quota.reserved', {
        generationId,
        userId,
        params: request.params,
        reservedImages: n,
        period,
        plan: plan.code,
        features: planFeatures(plan),
        limits: planLimits(plan),
      });
      return;
    }
    const usage = await this.repo.usage(m, userId, period);
    const used = (usage?.reserved ?? 0) + (usage?.committed ?? 0);
    const allowance = usage?.allowance ?? plan.monthlyImages;
    return reject('quota_exceeded', quotaExceededReason(plan.name, n, allowance, usage), allowance, used);
  }

  /** Charges the images actually delivered (never more than reserved) and frees the rest. */
  async commit(m: EntityManager, generationId: string, delivered: number): Promise<void> {
    const r = await this.repo.findForUpdate(m, generationId);
    if (!r || r.status !== 'reserved') {
      this.logger.warn(`completion for ${generationId} but reservation is ${r?.status ?? 'missing'}; nothing charged`);
      return;
    }
    await this.repo.settle(m, r, 'committed', Math.min(delivered, r.requested), null);
  }

  async release(m: EntityManager, generationId: string, reason: string): Promise<void> {
    const r = await this.repo.findForUpdate(m, generationId);
    if (!r || r.status !== 'reserved') return;
    await this.repo.settle(m, r, 'released', 0, reason);
  }

  /** Expires reservations whose saga went silent and fails the generation so it still ends. */
  async expireOverdue(m: EntityManager, limit: number): Promise<Array<{ generationId: string; userId: string }>> {
    const overdue = await this.repo.lockExpired(m, limit);
    for (const r of overdue) await this.repo.settle(m, r, 'expired', 0, 'saga_timeout');
    return overdue.map((r) => ({ generationId: r.generation_id, userId: r.user_id }));
  }
}

/**
 * Says what actually limits the request: more images asked than the whole period allows (nothing used yet
 * reads "asked 4, the plan allows 3 per period", not "allowance reached, 0 used"), or more than are left.
 */
export function quotaExceededReason(
  planName: string,
  requested: number,
  allowance: number,
  usage: { reserved: number; committed: number } | undefined,
): string {
  const committed = usage?.committed ?? 0;
  const reserved = usage?.reserved ?? 0;
  const left = Math.max(0, allowance - committed - reserved);
  if (committed + reserved === 0) {
    return `${requested} images requested, but the ${planName} plan allows only ${allowance} per period`;
  }
  const held = reserved > 0 ? `, ${reserved} in progress` : '';
  return `${requested} images requested, but only ${left} of the ${planName} plan's ${allowance} are left this period (${committed} used${held})`;
}
