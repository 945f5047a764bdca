import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from '@atelier/messaging';
import { ObjectStorage } from '@atelier/storage';
import { STATISTICS_SCORER, measureImage, rankByScore, scoreMeasurements } from '../image-statistics/image-statistics';
import { PredictionsRepository } from './predictions.repository';

@Injectable()
@HandlesEvent('images.generated')
export class ImagesGeneratedHandler implements EventHandler<'images.generated'> {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly repo: PredictionsRepository,
  ) {}

  async handle(event: EventPayload<'images.generated'>, ctx: EventContext): Promise<void> {
    const scored = await Promise.all(
      event.images.map(async (img) => {
        const bytes = await this.storage.get(img.storageKey);
        // Storage may lag behind the event on eventually consistent stores: transient, retried.
        if (!bytes) throw new Error(`image ${img.storageKey} not found in storage`);
        const { score, metrics } = scoreMeasurements(await measureImage(bytes));
        return { ...img, score, metrics };
      }),
    );
    const ranked = rankByScore(scored);
    const scorer = { name: STATISTICS_SCORER.name, version: STATISTICS_SCORER.version };
    await this.repo.insertAll(
      ctx.manager,
      {
        generationId: event.generationId,
        userId: event.userId,
        scorer,
        genMeta: { backend: event.backend, prompt: event.prompt, seeds: event.images.map((i) => i.seed.toString()) },
      },
      ranked.map((r) => ({
        index: r.index,
        storageKey: r.storageKey,
        rank: r.rank,
        score: r.score,
        metrics: r.metrics,
      })),
    );
    await ctx.emit('generation.completed', {
      generationId: event.generationId,
      userId: event.userId,
      prompt: event.prompt,
      backend: event.backend,
      scorer,
      images: ranked.map((r) => ({
        index: r.index,
        storageKey: r.storageKey,
        width: r.width,
        height: r.height,
        rank: r.rank,
        score: r.score,
        metrics: r.metrics,
      })),
    });
  }

  async onGiveUp(event: EventPayload<'images.generated'>, failure: GiveUpReason, ctx: EventContext): Promise<void> {
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'judge',
      code: failure.code,
      reason: failure.message,
    });
  }
}
