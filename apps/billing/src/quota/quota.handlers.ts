import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
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
  constructor(private readonly quota: QuotaReservations) {}

  @EventPattern<EventType>('generation.completed')
  handle(@Payload() event: EventPayload<'generation.completed'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    return this.quota.commit(ctx.manager, event.generationId, event.images.length);
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
