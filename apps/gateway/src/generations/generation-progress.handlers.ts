import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventPayload, EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { GenerationStepsFeed } from './generation-steps-feed';
import { assertSagaEventFits } from './saga-event-trust';
import {
  GenerationReadModelRepository,
  type GenerationPatch,
  type GenerationStatus,
} from './generation-read-model.repository';

type SagaEvent = Parameters<typeof assertSagaEventFits>[0];

/** Maps each saga event onto the read model: which status it means and what it adds to the view. */
@Controller()
export class GenerationProgressHandlers {
  constructor(
    private readonly readModel: GenerationReadModelRepository,
    private readonly feed: GenerationStepsFeed,
  ) {}

  private async advance(
    event: SagaEvent,
    status: GenerationStatus,
    patch: GenerationPatch,
    ctx: MeshEventContext,
  ): Promise<void> {
    const id = event.generationId;
    assertSagaEventFits(event, await this.readModel.ownerOf(ctx.manager, id));
    const { recorded } = await this.readModel.advance(
      ctx.manager,
      id,
      status,
      { eventId: ctx.envelope.eventId, eventType: ctx.envelope.type },
      patch,
    );
    // After commit: a NOTIFY inside the transaction would serialise every commit of the database on its queue lock.
    if (recorded) ctx.afterCommit(() => this.feed.announce(id));
  }

  @EventPattern<EventType>('quota.reserved')
  quotaReservedProgress(@Payload() e: EventPayload<'quota.reserved'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const patch: GenerationPatch = {};
    return this.advance(e, 'reserved', patch, ctx);
  }

  @EventPattern<EventType>('quota.rejected')
  quotaRejectedProgress(@Payload() e: EventPayload<'quota.rejected'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const patch: GenerationPatch = {
      failure: { stage: 'reserve', code: e.code, reason: e.reason },
    };
    return this.advance(e, 'rejected', patch, ctx);
  }

  @EventPattern<EventType>('prompt.enhanced')
  promptEnhancedProgress(@Payload() e: EventPayload<'prompt.enhanced'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const patch: GenerationPatch = {
      cleaned_prompt: e.cleanedPrompt,
      enhanced_prompt: e.enhancedPrompt,
      enhancement: {
        platform: e.platform,
        goal: e.goal,
        enhancer: e.enhancer,
        operations: e.operations.map((o) => ({ name: o.name, detail: o.detail })),
      },
    };
    return this.advance(e, 'generating', patch, ctx);
  }

  @EventPattern<EventType>('images.generated')
  imagesGeneratedProgress(@Payload() e: EventPayload<'images.generated'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const patch: GenerationPatch = { backend: e.backend };
    return this.advance(e, 'judging', patch, ctx);
  }

  @EventPattern<EventType>('generation.completed')
  generationCompletedProgress(
    @Payload() e: EventPayload<'generation.completed'>,
    @Ctx() ctx: MeshEventContext,
  ): Promise<void> {
    const patch: GenerationPatch = {
      backend: e.backend,
      scorer: { name: e.scorer?.name ?? 'unknown', version: e.scorer?.version ?? '' },
      images: [...e.images]
        .sort((a, b) => a.rank - b.rank)
        .map((i) => ({
          rank: i.rank,
          index: i.index,
          storageKey: i.storageKey,
          width: i.width,
          height: i.height,
          score: i.score,
          metrics: { ...i.metrics },
          best: i.best,
          validation: i.validation && {
            consistency: i.validation.consistency,
            outlierScore: i.validation.outlierScore,
            outlier: i.validation.outlier,
            rejected: i.validation.rejected,
            reasons: [...i.validation.reasons],
          },
          diversityOrder: i.diversityOrder,
        })),
      judging: {
        validationSummary: e.validationSummary,
        weights: { fidelity: e.weightFidelity, aesthetic: e.weightAesthetic },
        diversity: e.diversity
          ? {
              order: [...e.diversity.order],
              diversity: [...e.diversity.diversity],
              coverage: [...e.diversity.coverage],
              method: e.diversity.method,
            }
          : null,
      },
    };
    return this.advance(e, 'completed', patch, ctx);
  }

  @EventPattern<EventType>('generation.failed')
  generationFailedProgress(
    @Payload() e: EventPayload<'generation.failed'>,
    @Ctx() ctx: MeshEventContext,
  ): Promise<void> {
    const patch: GenerationPatch = {
      failure: { stage: e.stage, code: e.code, reason: e.reason },
    };
    return this.advance(e, 'failed', patch, ctx);
  }
}

export const GENERATION_PROGRESS_HANDLERS = [GenerationProgressHandlers];
