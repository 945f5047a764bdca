import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { RecommendationEngine } from './recommendation-engine';
import { RecommendationTaskRepository } from './recommendation-task.repository';

/** The worker side of asynchronous recommendation tasks: compute, store, announce — in one transaction. */
@Controller()
export class RecommendationRequestedHandler {
  constructor(
    private readonly engine: RecommendationEngine,
    private readonly tasks: RecommendationTaskRepository,
  ) {}

  @EventPattern<EventType>('recommendation.requested')
  async handle(
    @Payload() event: EventPayload<'recommendation.requested'>,
    @Ctx() ctx: MeshEventContext,
  ): Promise<void> {
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

  @EventPattern<EventType>('recommendation.requested', { phase: 'giveUp' })
  async onGiveUp(
    @Payload() event: EventPayload<'recommendation.requested'>,
    @Ctx() ctx: MeshEventContext,
  ): Promise<void> {
    const failure = ctx.failure;
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
