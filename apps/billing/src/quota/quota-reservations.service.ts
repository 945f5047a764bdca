import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { EventPayload } from '@atelier/contracts';
import type { EventContext } from '@atelier/messaging';
import { planFeatures, planLimits } from '../plans/plan';
import { Subscriptions } from '../subscriptions/subscriptions.service';
import { billingPeriod } from './quota-policy';
import { QuotaReservationRepository, type SagaStep } from './quota-reservation.repository';

/** What became of a completion: charged, or refused because its reservation had already ended. */
export type CompletionOutcome = 'committed' | 'late' | 'missing';

/** Holds, commits and releases image quota for generation requests, per plan and billing period. */
@Injectable()
export class QuotaReservations {
  private readonly logger = new Logger('QuotaReservations');
  /** Inactivity limit of each saga step, in seconds (config; unset steps get RESERVATION_TTL_SECONDS). */
  readonly inactivityLimits: Readonly<Record<SagaStep, number>>;
  /**
   * When this process began (and so began consuming). After an outage the queue holds the renewals and completions
   * sent meanwhile; the sweep gives every saga one full step limit from here before expiring it, so they are read
   * first. A test without a backlog may set it into the past.
   */
  consumingSince = new Date();

  constructor(
    private readonly repo: QuotaReservationRepository,
    private readonly subscriptions: Subscriptions,
    @Inject(SERVICE_CONFIG) config: ServiceConfig<'billing'>,
  ) {
    const env = config.env;
    this.inactivityLimits = {
      enhance: env.SAGA_INACTIVITY_ENHANCE_SECONDS ?? env.RESERVATION_TTL_SECONDS,
      generate: env.SAGA_INACTIVITY_GENERATE_SECONDS ?? env.RESERVATION_TTL_SECONDS,
      judge: env.SAGA_INACTIVITY_JUDGE_SECONDS ?? env.RESERVATION_TTL_SECONDS,
    };
  }

  async reserve(request: EventPayload<'generation.requested'>, ctx: EventContext): Promise<void> {
    const m = ctx.manager;
    const { generationId, userId } = request;
    const n = request.params?.n ?? 0;
    // Cancelled before billing saw the request: the failure is already published, nothing is held.
    if ((await this.repo.rejectionCode(m, generationId)) === 'cancelled') {
      this.logger.log(`generation ${generationId} was cancelled before its reservation; nothing held`);
      return;
    }
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
    // The first deadline is the enhancer's: the reservation's own event starts its step.
    const reservation = { generationId, userId, period, requested: n, ttlSeconds: this.inactivityLimits.enhance };
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

  /**
   * Charges the images actually delivered (never more than reserved) and frees the rest.
   *
   * The late-completion rule: a completion is charged only while its reservation is held. One that arrives after
   * the reservation expired (or was released by a cancel or a failure) is not charged and changes nothing: the
   * generation has already failed for everyone (`generation.failed` was published and the gateway's read model
   * keeps the first terminal state), so its images are never shown and never paid for. The sweep cannot expire a
   * reservation whose completion has been seen (`markCompletionSeen`), so this only happens when the completion
   * arrived after the deadline had already been acted on.
   */
  async commit(m: EntityManager, generationId: string, delivered: number): Promise<CompletionOutcome> {
    const r = await this.repo.findForUpdate(m, generationId);
    if (!r) {
      this.logger.warn(`completion for ${generationId} without a reservation; nothing charged`);
      return 'missing';
    }
    if (r.status !== 'reserved') {
      this.logger.warn(
        `late completion for ${generationId}: reservation already ${r.status} (${r.reason ?? 'no reason'}); ` +
          'not charged, the generation stays failed',
      );
      return 'late';
    }
    await this.repo.settle(m, r, 'committed', Math.min(delivered, r.requested), null);
    return 'committed';
  }

  async release(m: EntityManager, generationId: string, reason: string): Promise<void> {
    const r = await this.repo.findForUpdate(m, generationId);
    if (!r || r.status !== 'reserved') return;
    await this.repo.settle(m, r, 'released', 0, reason);
  }

  /** A step's event: the saga is alive and now waits on `step`, so its deadline moves to now + that step's limit. */
  renew(m: EntityManager, generationId: string, step: SagaStep): Promise<boolean> {
    return this.repo.renew(m, generationId, step, this.inactivityLimits[step]);
  }

  /**
   * The owner's cancel: a held reservation is released and the generation failed (`cancel`/`cancelled`) in the
   * same transaction; a request billing has not reserved yet is recorded as cancelled, so its reservation never
   * happens. A saga that already ended (or another user's generation) changes nothing.
   */
  async cancel(request: EventPayload<'generation.cancel_requested'>, ctx: EventContext): Promise<boolean> {
    const m = ctx.manager;
    const { generationId, userId } = request;
    const r = await this.repo.findForUpdate(m, generationId);
    if (r && r.user_id !== userId) {
      this.logger.warn(`cancel of ${generationId} by a user who does not own it; ignored`);
      return false;
    }
    if (r && r.status !== 'reserved') return false;
    if (r) await this.repo.settle(m, r, 'released', 0, 'cancelled');
    else if (!(await this.repo.recordRejection(m, generationId, userId, 'cancelled', 0))) return false;
    await ctx.emit('generation.failed', {
      generationId,
      userId,
      stage: 'cancel',
      code: 'cancelled',
      reason: 'cancelled by its owner',
    });
    return true;
  }

  /** Expires reservations whose saga went silent and fails the generation so it still ends. */
  async expireOverdue(
    m: EntityManager,
    limit: number,
  ): Promise<Array<{ generationId: string; userId: string; step: SagaStep; limitSeconds: number }>> {
    const overdue = await this.repo.lockExpired(m, limit, {
      since: this.consumingSince,
      limits: this.inactivityLimits,
    });
    for (const r of overdue) await this.repo.settle(m, r, 'expired', 0, 'saga_timeout');
    return overdue.map((r) => ({
      generationId: r.generation_id,
      userId: r.user_id,
      step: r.step,
      limitSeconds: this.inactivityLimits[r.step],
    }));
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
