import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { ClosedGenerationsRepository } from './closed-generations.repository';

/** A failed generation (cancelled, timed out, failed at any step) is closed: its queued work will be skipped. */
@Controller()
export class GenerationFailedHandler {
  constructor(private readonly closed: ClosedGenerationsRepository) {}

  @EventPattern<EventType>('generation.failed')
  handle(@Payload() event: EventPayload<'generation.failed'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    return this.closed.close(ctx.manager, { generationId: event.generationId, stage: event.stage, code: event.code });
  }
}
