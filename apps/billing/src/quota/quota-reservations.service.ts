import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { EventPayload } from '@atelier/contracts';
import type { EventContext } from '@atelier/messaging';
import { billingPeriod, freePlanFrom, type FreePlan } from './quota-policy';
import { QuotaReservationRepository } from './quota-reservation.repository';

/** Holds, commits and releases image quota for generation requests. */
@Injectable()
export class QuotaReservations {
  private readonly logger = new Logger('QuotaReservations');
  readonly plan: FreePlan;

  constructor(
    private readonly repo: QuotaReservationRepository,
    @Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>,
  ) {
    this.plan = freePlanFrom(config);
  }

  async reserve(request: EventPayload<'generation.requested'>, ctx: EventContext): Promise<void> {
    const m = ctx.manager;
    const { generationId, userId } = request;
    const n = request.params?.n ?? 0;
    const period = billingPeriod(new Date());
    const reject = async (code: string, reason: string, used: number): Promise<void> => {
      await this.repo.recordRejection(m, generationId, userId, code, n);
      await ctx.emit('quota.rejected', {
        generationId,
        userId,
        code,
        reason,
        allowance: this.plan.monthlyImages,
        used,
        requested: n,
      });
    };

    if (n < 1 || n > this.plan.maxImagesPerRequest) {
      return reject(
        'too_many_images_for_plan',
        `the ${this.plan.name} plan allows 1 to ${this.plan.maxImagesPerRequest} images per request`,
        0,
      );
    }
    await this.repo.ensureUsage(m, userId, period, this.plan.monthlyImages);
    if (!(await this.repo.tryReserve(m, userId, period, n))) {
      const usage = await this.repo.usage(m, userId, period);
      const used = (usage?.reserved ?? 0) + (usage?.committed ?? 0);
      return reject(
        'quota_exceeded',
        `monthly allowance of ${this.plan.monthlyImages} images reached (${used} used or held)`,
        used,
      );
    }
    await this.repo.insertReservation(m, {
      generationId,
      userId,
      period,
      requested: n,
      ttlSeconds: this.plan.reservationTtlSeconds,
    });
    await ctx.emit('quota.reserved', {
      generationId,
      userId,
      params: request.params,
      reservedImages: n,
      period,
      plan: this.plan.name,
      features: this.plan.features,
    });
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
