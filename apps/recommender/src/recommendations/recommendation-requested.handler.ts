import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from '@atelier/messaging';
import { RecommendationEngine } from './recommendation-engine';
import { RecommendationTaskRepository } from './recommendation-task.repository';

/** The worker side of asynchronous recommendation tasks: compute, store, announce — in one transaction. */
@Injectable()
@HandlesEvent('recommendation.requested')
export class RecommendationRequestedHandler implements EventHandler<'recommendation.requested'> {
  constructor(
    private readonly engine: RecommendationEngine,
    private readonly tasks: RecommendationTaskRepository,
  ) {}

  async handle(event: EventPayload<'recommendation.requested'>, ctx: EventContext): Promise<void> {
    const task = await this.tasks.lockPending(ctx.manager, event.taskId);
    if (!task) return; // already done (or failed) by an earlier delivery
    const list = await this.engine.recommend(task.user_id, task.k);
    await this.tasks.complete(ctx.manager, task.id, list);
    await ctx.emit('recommendation.completed', {
      taskId: task.id,
      userId: task.user_id,
      items: list.items.map((i) => ({ itemId: i.itemId, score: i.score, reasons: i.reasons })),
    });
  }

  async onGiveUp(
    event: EventPayload<'recommendation.requested'>,
    failure: GiveUpReason,
    ctx: EventContext,
  ): Promise<void> {
    if (await this.tasks.fail(ctx.manager, event.taskId, { code: failure.code, reason: failure.message })) {
      await ctx.emit('recommendation.failed', {
        taskId: event.taskId,
        userId: event.userId,
        code: failure.code,
        reason: failure.message,
      });
    }
  }
}
