import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { FatalError, MeshEventContext } from '@atelier/messaging';
import { StudioFeedbackRepository } from './studio-feedback.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The studio's likes and dislikes (feedback.submitted from the gateway): stored in the inbox transaction, so a
 * redelivered event is a no-op, and read by the engine as a weak content signal (the prompt's text vector).
 */
@Controller()
export class FeedbackSubmittedHandler {
  constructor(private readonly feedback: StudioFeedbackRepository) {}

  @EventPattern<EventType>('feedback.submitted')
  async handle(@Payload() event: EventPayload<'feedback.submitted'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    if (event.verdict !== 'like' && event.verdict !== 'dislike') {
      throw new FatalError(`unknown verdict ${JSON.stringify(event.verdict)}`, 'invalid_verdict');
    }
    for (const [name, id] of [
      ['userId', event.userId],
      ['generationId', event.generationId],
      ['feedbackId', event.feedbackId],
    ] as const) {
      if (!UUID.test(id)) throw new FatalError(`${name} ${JSON.stringify(id)} is not a UUID`, 'invalid_id');
    }
    const occurred = Date.parse(ctx.envelope.occurredAt);
    await this.feedback.upsert(ctx.manager, {
      userId: event.userId,
      generationId: event.generationId,
      imageIndex: event.imageIndex,
      feedbackId: event.feedbackId,
      verdict: event.verdict,
      originalPrompt: event.originalPrompt,
      enhancedPrompt: event.enhancedPrompt,
      occurredAt: new Date(Number.isFinite(occurred) ? occurred : Date.now()).toISOString(),
      eventId: ctx.envelope.eventId,
    });
  }
}
