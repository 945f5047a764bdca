import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { EnhancementRepository } from '../enhancement/enhancement.repository';
import { brandScope, GLOBAL_SCOPE, PolicyStatsRepository, userScope } from './policy-stats.repository';

/**
 * Teaches the prompt policy: a like or dislike of an image counts for every fragment its prompt used, in the
 * user's scope, the brand's scope (if a profile was applied) and globally. A changed verdict for the same
 * image moves the count; a repeated one changes nothing.
 */
@Controller()
export class FeedbackSubmittedHandler {
  private readonly logger = new Logger(FeedbackSubmittedHandler.name);

  constructor(
    private readonly enhancements: EnhancementRepository,
    private readonly stats: PolicyStatsRepository,
  ) {}

  @EventPattern<EventType>('feedback.submitted')
  async handle(@Payload() event: EventPayload<'feedback.submitted'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    if (event.verdict !== 'like' && event.verdict !== 'dislike') {
      this.logger.warn(`feedback ${event.feedbackId}: unknown verdict ${JSON.stringify(event.verdict)}, ignored`);
      return;
    }
    const enhancement = await this.enhancements.findForFeedback(ctx.manager, event.generationId);
    // Only the owner's feedback on a prompt this enhancer made can teach the policy.
    if (!enhancement || enhancement.user_id !== event.userId) return;
    const previous = await this.stats.upsertVerdict(
      ctx.manager,
      event.generationId,
      event.imageIndex,
      event.userId,
      event.verdict,
      event.feedbackId,
    );
    if (previous === event.verdict || enhancement.fragments.length === 0) return;
    const scopes = [GLOBAL_SCOPE, userScope(event.userId)];
    if (enhancement.brand_profile_id) scopes.push(brandScope(enhancement.brand_profile_id));
    if (previous) await this.stats.add(ctx.manager, scopes, enhancement.fragments, previous, -1);
    await this.stats.add(ctx.manager, scopes, enhancement.fragments, event.verdict, 1);
  }
}
