import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { type EventInit, MeshEventContext } from '@atelier/messaging';
import { seedFromString } from '@atelier/ml-runtime';
import { sagaWorkSkipped } from '@atelier/observability';
import { ObjectStorage } from '@atelier/storage';
import { designLayout, pictureColours, placedSubjects } from '../design/design-layout';
import { designerChecks } from '../design/designer-checks';
import { ClosedGenerationsRepository } from '../closed-generations/closed-generations.repository';
import { normalisedWeights } from '../preferences/preference-model';
import { JudgePreferences } from '../preferences/judge-preferences';
import { scoreGeneration } from '../scoring/generation-scoring';
import { JudgeBackends } from '../scoring/judge-backends';
import { PredictionsRepository, type BatchValidationRow, type Prediction } from './predictions.repository';

/** Everything the transaction writes, computed before it opens. */
export interface JudgedGeneration {
  predictions: Prediction[];
  batch: BatchValidationRow;
  scorer: { name: string; version: string };
  completed: EventInit<'generation.completed'>;
}

/** A generation that had already failed when its images arrived: not scored. */
interface SkippedGeneration {
  skipped: string;
}

/**
 * Judges a generation's images. Scoring (storage reads, model inference in the worker pool, validation,
 * DPP) runs in `prepare`, before the transaction opens, so no DB connection waits on the models; the
 * transaction then only inserts the inbox row, the predictions and the outbox event. A redelivery is
 * skipped by the read-only inbox check, or discarded when its inbox insert conflicts.
 */
@Controller()
export class ImagesGeneratedHandler {
  private readonly logger = new Logger('ImagesGeneratedHandler');

  constructor(
    private readonly closed: ClosedGenerationsRepository,
    private readonly storage: ObjectStorage,
    private readonly repo: PredictionsRepository,
    private readonly backends: JudgeBackends,
    private readonly preferences: JudgePreferences,
    @Inject(SERVICE_CONFIG) private readonly cfg: ServiceConfig<'judge'>,
  ) {}

  @EventPattern<EventType>('images.generated', { phase: 'prepare' })
  async prepare(@Payload() event: EventPayload<'images.generated'>): Promise<JudgedGeneration | SkippedGeneration> {
    // A generation that already failed (cancelled, timed out) is not scored.
    const closed = await this.closed.closed(event.generationId);
    if (closed) return { skipped: closed };
    const images = await Promise.all(
      event.images.map(async (img) => {
        const bytes = await this.storage.get(img.storageKey);
        // Storage may lag behind the event on eventually consistent stores: transient, retried.
        if (!bytes) throw new Error(`image ${img.storageKey} not found in storage`);
        return { index: img.index, bytes, placedSubjects: placedSubjects(img.layout) };
      }),
    );
    const backend = await this.backends.get();
    const started = Date.now();
    const judged = await backend.judge({
      prompt: event.prompt,
      originalPrompt: event.originalPrompt,
      images,
    });
    // Designer checks on the generator's layout record: reasons and a small penalty/bonus per image.
    const adjust = new Map<number, number>();
    const layouts = new Map(event.images.map((i) => [i.index, i.layout]));
    const bytesOf = new Map(images.map((i) => [i.index, i.bytes]));
    const judgements = await Promise.all(
      judged.map(async (j) => {
        const layout = layouts.get(j.index);
        const png = bytesOf.get(j.index);
        if (!layout || !png) return j;
        const brand =
          event.brandKit && event.brandKit.palette.length > 0 ? { palette: event.brandKit.palette } : undefined;
        const design = designerChecks(designLayout(layout), brand, brand ? await pictureColours(png) : []);
        adjust.set(j.index, design.adjustment);
        return {
          ...j,
          components: { ...j.components, ...design.metrics },
          reasons: [...(j.reasons ?? []), ...design.reasons],
          details: { ...j.details, design: design.checks },
        };
      }),
    );
    const fixed = { fidelity: this.cfg.env.JUDGE_WEIGHT_FIDELITY, aesthetic: this.cfg.env.JUDGE_WEIGHT_AESTHETIC };
    // Weights learned from this user's likes (else everyone's), when there are enough of them.
    const preference = await this.preferences.forUser(event.userId);
    const learned = preference && {
      source: preference.source,
      pairs: preference.model.pairs,
      weights: normalisedWeights(preference.model),
    };
    // What the event reports: the coefficients actually applied to fidelity and aesthetic.
    const weights = learned
      ? { fidelity: learned.weights.fidelity ?? 0, aesthetic: learned.weights.aesthetic ?? 0 }
      : fixed;
    const markBest = event.features?.autoBestSelection ?? false;
    const scored = scoreGeneration(judgements, fixed, {
      preference: preference?.model,
      adjust,
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
      weights: fixed,
      ...(learned ? { learnedWeights: learned } : {}),
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
    return {
      scorer,
      predictions: rows.map(({ img, s, metrics, validation }) => ({
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
      batch: {
        accepted: scored.validation.accepted,
        rejected: scored.validation.rejected,
        summary: scored.validation.summary,
        method: scored.validation.method,
        diversity: scored.diversity,
      },
      completed: {
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
      },
    };
  }

  @EventPattern<EventType>('images.generated')
  async handle(
    @Payload() event: EventPayload<'images.generated'>,
    @Ctx() ctx: MeshEventContext<JudgedGeneration | SkippedGeneration>,
  ): Promise<void> {
    const judged = ctx.prepared;
    if ('skipped' in judged) return this.skip(event.generationId, 'before_score', judged.skipped, ctx);
    // Checked again in the transaction: the failure may have arrived while the images were being scored.
    const closedNow = await this.closed.closed(event.generationId, ctx.manager);
    if (closedNow) return this.skip(event.generationId, 'before_store', closedNow, ctx);
    await this.repo.insertAll(
      ctx.manager,
      { generationId: event.generationId, userId: event.userId, scorer: judged.scorer },
      judged.predictions,
      judged.batch,
    );
    await ctx.emit('generation.completed', judged.completed);
  }

  /** Acked with nothing stored and nothing published: the saga already ended. */
  private skip(generationId: string, checkpoint: string, why: string, ctx: MeshEventContext): void {
    this.logger.log(`generation ${generationId} is closed (${why}); skipped ${checkpoint}`);
    ctx.afterCommit(() => sagaWorkSkipped.inc({ step: 'judge', checkpoint }));
  }

  @EventPattern<EventType>('images.generated', { phase: 'giveUp' })
  async onGiveUp(@Payload() event: EventPayload<'images.generated'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const failure = ctx.failure;
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'judge',
      code: failure.code,
      reason: failure.message,
    });
  }
}
