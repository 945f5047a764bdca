import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { JudgePreferences } from './judge-preferences';

/** A like or dislike: stored and learned from, in the inbox transaction. */
@Controller()
export class FeedbackSubmittedHandler {
  constructor(private readonly preferences: JudgePreferences) {}

  @EventPattern<EventType>('feedback.submitted')
  async handle(@Payload() event: EventPayload<'feedback.submitted'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    await this.preferences.learn(ctx.manager, event);
  }
}
