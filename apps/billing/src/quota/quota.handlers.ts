import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { lateCompletions } from '@atelier/observability';
import { QuotaReservationRepository } from './quota-reservation.repository';
import { QuotaReservations } from './quota-reservations.service';

@Controller()
export class GenerationRequestedHandler {
  constructor(private readonly quota: QuotaReservations) {}

  @EventPattern<EventType>('generation.requested')
  handle(@Payload() event: EventPayload<'generation.requested'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    return this.quota.reserve(event, ctx);
  }

  @EventPattern<EventType>('generation.requested', { phase: 'giveUp' })
  async onGiveUp(@Payload() event: EventPayload<'generation.requested'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const failure = ctx.failure;
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'reserve',
      code: failure.code,
      reason: failure.message,
    });
  }
}

@Controller()
export class GenerationCompletedHandler {
  constructor(
    private readonly quota: QuotaReservations,
    private readonly repo: QuotaReservationRepository,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Marks the completion as seen the moment it is delivered, in its own autocommit, before the commit transaction:
   * from then on the expiry sweep leaves the reservation to this completion, also while it waits in a retry queue.
   */
  @EventPattern<EventType>('generation.completed', { phase: 'prepare' })
  async markSeen(@Payload() event: EventPayload<'generation.completed'>): Promise<void> {
    await this.repo.markCompletionSeen(this.dataSource.manager, event.generationId);
  }

  @EventPattern<EventType>('generation.completed')
  async handle(@Payload() event: EventPayload<'generation.completed'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const outcome = await this.quota.commit(ctx.manager, event.generationId, event.images.length);
    if (outcome === 'late') ctx.afterCommit(() => lateCompletions.inc());
  }

  /** Dead-lettered: the completion will not settle the reservation, so its deadline applies again. */
  @EventPattern<EventType>('generation.completed', { phase: 'giveUp' })
  onGiveUp(@Payload() event: EventPayload<'generation.completed'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    return this.repo.clearCompletionSeen(ctx.manager, event.generationId);
  }
}

/** Each step's event is progress: it renews the reservation's deadline for the step that runs next. */
@Controller()
export class SagaProgressHandlers {
  constructor(private readonly quota: QuotaReservations) {}

  @EventPattern<EventType>('prompt.enhanced')
  async promptEnhanced(@Payload() event: EventPayload<'prompt.enhanced'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    await this.quota.renew(ctx.manager, event.generationId, 'generate');
  }

  @EventPattern<EventType>('images.generated')
  async imagesGenerated(
    @Payload() event: EventPayload<'images.generated'>,
    @Ctx() ctx: MeshEventContext,
  ): Promise<void> {
    await this.quota.renew(ctx.manager, event.generationId, 'judge');
  }
}

/** The owner's cancel, published by the gateway; billing owns reservations and decides what it means. */
@Controller()
export class GenerationCancelRequestedHandler {
  constructor(private readonly quota: QuotaReservations) {}

  @EventPattern<EventType>('generation.cancel_requested')
  async handle(
    @Payload() event: EventPayload<'generation.cancel_requested'>,
    @Ctx() ctx: MeshEventContext,
  ): Promise<void> {
    await this.quota.cancel(event, ctx);
  }
}

@Controller()
export class GenerationFailedHandler {
  constructor(private readonly quota: QuotaReservations) {}

  @EventPattern<EventType>('generation.failed')
  handle(@Payload() event: EventPayload<'generation.failed'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    return this.quota.release(ctx.manager, event.generationId, `${event.stage}: ${event.code}`);
  }
}
