import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from '@atelier/messaging';
import { QuotaReservations } from './quota-reservations.service';

@Injectable()
@HandlesEvent('generation.requested')
export class GenerationRequestedHandler implements EventHandler<'generation.requested'> {
  constructor(private readonly quota: QuotaReservations) {}

  handle(event: EventPayload<'generation.requested'>, ctx: EventContext): Promise<void> {
    return this.quota.reserve(event, ctx);
  }

  async onGiveUp(event: EventPayload<'generation.requested'>, failure: GiveUpReason, ctx: EventContext): Promise<void> {
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'reserve',
      code: failure.code,
      reason: failure.message,
    });
  }
}

@Injectable()
@HandlesEvent('generation.completed')
export class GenerationCompletedHandler implements EventHandler<'generation.completed'> {
  constructor(private readonly quota: QuotaReservations) {}

  handle(event: EventPayload<'generation.completed'>, ctx: EventContext): Promise<void> {
    return this.quota.commit(ctx.manager, event.generationId, event.images.length);
  }
}

@Injectable()
@HandlesEvent('generation.failed')
export class GenerationFailedHandler implements EventHandler<'generation.failed'> {
  constructor(private readonly quota: QuotaReservations) {}

  handle(event: EventPayload<'generation.failed'>, ctx: EventContext): Promise<void> {
    return this.quota.release(ctx.manager, event.generationId, `${event.stage}: ${event.code}`);
  }
}
