import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { HandlesEvent, type EventContext, type EventHandler } from '@atelier/messaging';
import { JudgePreferences } from './judge-preferences';

/** A like or dislike: stored and learned from, in the inbox transaction. */
@Injectable()
@HandlesEvent('feedback.submitted')
export class FeedbackSubmittedHandler implements EventHandler<'feedback.submitted'> {
  constructor(private readonly preferences: JudgePreferences) {}

  async handle(event: EventPayload<'feedback.submitted'>, ctx: EventContext): Promise<void> {
    await this.preferences.learn(ctx.manager, event);
  }
}
