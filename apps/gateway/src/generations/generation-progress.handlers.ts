import { Injectable } from '@nestjs/common';
import type { EventPayload, EventType } from '@atelier/contracts';
import { HandlesEvent, type EventContext, type EventHandler } from '@atelier/messaging';
import { GenerationStepsFeed } from './generation-steps-feed';
import {
  GenerationReadModelRepository,
  type GenerationPatch,
  type GenerationStatus,
} from './generation-read-model.repository';

/** Maps a saga event onto the read model: which status it means and what it adds to the view. */
@Injectable()
abstract class ProgressHandler<T extends EventType> implements EventHandler<T> {
  protected abstract readonly status: GenerationStatus;
  constructor(
    private readonly readModel: GenerationReadModelRepository,
    private readonly feed: GenerationStepsFeed,
  ) {}

  protected abstract patch(event: EventPayload<T>): GenerationPatch;
  protected abstract generationId(event: EventPayload<T>): string;

  async handle(event: EventPayload<T>, ctx: EventContext): Promise<void> {
    const id = this.generationId(event);
    const { recorded } = await this.readModel.advance(
      ctx.manager,
      id,
      this.status,
      { eventId: ctx.envelope.eventId, eventType: ctx.envelope.type },
      this.patch(event),
    );
    // After commit: a NOTIFY inside the transaction would serialise every commit of the database on its queue lock.
    if (recorded) ctx.afterCommit(() => this.feed.announce(id));
  }
}

@Injectable()
@HandlesEvent('quota.reserved')
export class QuotaReservedProgress extends ProgressHandler<'quota.reserved'> {
  protected readonly status = 'reserved';
  protected generationId = (e: EventPayload<'quota.reserved'>) => e.generationId;
  protected patch = (): GenerationPatch => ({});
}

@Injectable()
@HandlesEvent('quota.rejected')
export class QuotaRejectedProgress extends ProgressHandler<'quota.rejected'> {
  protected readonly status = 'rejected';
  protected generationId = (e: EventPayload<'quota.rejected'>) => e.generationId;
  protected patch = (e: EventPayload<'quota.rejected'>): GenerationPatch => ({
    failure: { stage: 'reserve', code: e.code, reason: e.reason },
  });
}

@Injectable()
@HandlesEvent('prompt.enhanced')
export class PromptEnhancedProgress extends ProgressHandler<'prompt.enhanced'> {
  protected readonly status = 'generating';
  protected generationId = (e: EventPayload<'prompt.enhanced'>) => e.generationId;
  protected patch = (e: EventPayload<'prompt.enhanced'>): GenerationPatch => ({
    cleaned_prompt: e.cleanedPrompt,
    enhanced_prompt: e.enhancedPrompt,
    enhancement: {
      platform: e.platform,
      goal: e.goal,
      enhancer: e.enhancer,
      operations: e.operations.map((o) => ({ name: o.name, detail: o.detail })),
    },
  });
}

@Injectable()
@HandlesEvent('images.generated')
export class ImagesGeneratedProgress extends ProgressHandler<'images.generated'> {
  protected readonly status = 'judging';
  protected generationId = (e: EventPayload<'images.generated'>) => e.generationId;
  protected patch = (e: EventPayload<'images.generated'>): GenerationPatch => ({ backend: e.backend });
}

@Injectable()
@HandlesEvent('generation.completed')
export class GenerationCompletedProgress extends ProgressHandler<'generation.completed'> {
  protected readonly status = 'completed';
  protected generationId = (e: EventPayload<'generation.completed'>) => e.generationId;
  protected patch = (e: EventPayload<'generation.completed'>): GenerationPatch => ({
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
  });
}

@Injectable()
@HandlesEvent('generation.failed')
export class GenerationFailedProgress extends ProgressHandler<'generation.failed'> {
  protected readonly status = 'failed';
  protected generationId = (e: EventPayload<'generation.failed'>) => e.generationId;
  protected patch = (e: EventPayload<'generation.failed'>): GenerationPatch => ({
    failure: { stage: e.stage, code: e.code, reason: e.reason },
  });
}

export const GENERATION_PROGRESS_HANDLERS = [
  QuotaReservedProgress,
  QuotaRejectedProgress,
  PromptEnhancedProgress,
  ImagesGeneratedProgress,
  GenerationCompletedProgress,
  GenerationFailedProgress,
];
