import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import type { EventPayload } from '@atelier/contracts';
import { HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from '@atelier/messaging';
import { seedFromString } from '@atelier/ml-runtime';
import { ObjectStorage } from '@atelier/storage';
import { scoreGeneration } from '../scoring/generation-scoring';
import { JudgeBackends } from '../scoring/judge-backends';
import { PredictionsRepository } from './predictions.repository';

@Injectable()
@HandlesEvent('images.generated')
export class ImagesGeneratedHandler implements EventHandler<'images.generated'> {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly repo: PredictionsRepository,
    private readonly backends: JudgeBackends,
    @Inject(SERVICE_CONFIG) private readonly cfg: ServiceConfig<'judge'>,
  ) {}

  async handle(event: EventPayload<'images.generated'>, ctx: EventContext): Promise<void> {
    const images = await Promise.all(
      event.images.map(async (img) => {
        const bytes = await this.storage.get(img.storageKey);
        // Storage may lag behind the event on eventually consistent stores: transient, retried.
        if (!bytes) throw new Error(`image ${img.storageKey} not found in storage`);
        return { index: img.index, bytes };
      }),
    );
    const backend = await this.backends.get();
    const started = Date.now();
    const judgements = await backend.judge({
      prompt: event.prompt,
      originalPrompt: event.originalPrompt,
      images,
    });
    const weights = { fidelity: this.cfg.env.JUDGE_WEIGHT_FIDELITY, aesthetic: this.cfg.env.JUDGE_WEIGHT_AESTHETIC };
    const markBest = event.features?.autoBestSelection ?? false;
    const scored = scoreGeneration(judgements, weights, {
      markBest,
      seed: seedFromString(event.generationId),
      validation: {
        minConsistency: this.cfg.env.JUDGE_MIN_CONSISTENCY,
        outlierThreshold: this.cfg.env.JUDGE_OUTLIER_THRESHOLD,
        minBatchForOutliers: 3,
      },
    });
    const scorer = { name: backend.name, version: backend.version };
    const judgeInfo = {
      name: backend.name,
      version: backend.version,
      ...backend.info(),
      ...(this.backends.fallback ? { fallback: this.backends.fallback } : {}),
      weights,
      autoBestSelection: markBest,
      elapsedMs: Date.now() - started,
    };
    const p = event.params;
    const generation = {
      prompt: event.prompt,
      originalPrompt: event.originalPrompt,
      params: p && {
        n: p.n,
        width: p.width,
        height: p.height,
        steps: p.steps,
        guidance: p.guidance,
        seed: p.seed.toString(),
        platform: p.platform,
      },
    };
    const byIndex = new Map(event.images.map((i) => [i.index, i]));
    const rows = scored.images.map((s) => {
      const img = byIndex.get(s.index);
      if (!img) throw new Error(`judged unknown image ${s.index}`);
      const metrics: Record<string, number> = {
        ...s.judgement.components,
        fidelity: s.judgement.fidelity,
        aesthetic: s.judgement.aesthetic,
        final: s.final,
      };
      const validation = {
        consistency: s.validation.consistency,
        outlierScore: s.validation.outlierScore,
        outlier: s.validation.outlier,
        rejected: s.validation.rejected,
        reasons: s.validation.reasons,
      };
      return { img, s, metrics, validation };
    });
    await this.repo.insertAll(
      ctx.manager,
      { generationId: event.generationId, userId: event.userId, scorer },
      rows.map(({ img, s, metrics, validation }) => ({
        index: s.index,
        storageKey: img.storageKey,
        rank: s.rank,
        score: s.final,
        metrics,
        best: s.best,
        validation,
        diversityOrder: s.diversityOrder,
        genMeta: {
          generation,
          backend: event.backend,
          seed: img.seed.toString(),
          judge: judgeInfo,
          ...metrics,
          details: s.judgement.details,
        },
      })),
      {
        accepted: scored.validation.accepted,
        rejected: scored.validation.rejected,
        summary: scored.validation.summary,
        method: scored.validation.method,
        diversity: scored.diversity,
      },
    );
    await ctx.emit('generation.completed', {
      generationId: event.generationId,
      userId: event.userId,
      prompt: event.prompt,
      backend: event.backend,
      scorer,
      images: rows.map(({ img, s, metrics, validation }) => ({
        index: s.index,
        storageKey: img.storageKey,
        width: img.width,
        height: img.height,
        rank: s.rank,
        score: s.final,
        metrics,
        best: s.best,
        validation,
        diversityOrder: s.diversityOrder,
      })),
      validationSummary: scored.validation.summary,
      diversity: scored.diversity,
      weightFidelity: weights.fidelity,
      weightAesthetic: weights.aesthetic,
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
