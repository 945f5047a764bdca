import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import { sagaWorkSkipped } from '@atelier/observability';
import { ClosedGenerationsRepository } from '../closed-generations/closed-generations.repository';
import { GeneratedImagesRepository } from './generated-images.repository';
import { ImageGeneration, type GenerationResult } from './image-generation.service';

/** Where a closed generation's work stopped. */
type Checkpoint = 'before_draw' | 'before_store';
type Prepared = GenerationResult | { skipped: Checkpoint; why: string };

@Controller()
export class PromptEnhancedHandler {
  private readonly logger = new Logger('PromptEnhancedHandler');

  constructor(
    private readonly generation: ImageGeneration,
    private readonly repo: GeneratedImagesRepository,
    private readonly closed: ClosedGenerationsRepository,
  ) {}

  /**
   * Drawing (a remote backend, or local diffusion taking minutes) runs before the transaction opens, so no DB
   * connection waits on it. Bytes go to storage first; keys are content hashes, so a retry or a discarded duplicate
   * overwrites the same files, never adds rows.
   */
  @EventPattern<EventType>('prompt.enhanced', { phase: 'prepare' })
  async prepare(@Payload() event: EventPayload<'prompt.enhanced'>): Promise<Prepared> {
    // A generation that already failed (cancelled, timed out) is not drawn; nor stored if it fails while drawing.
    const before = await this.closed.closed(event.generationId);
    if (before) return { skipped: 'before_draw', why: before };
    let why = '';
    const result = await this.generation.run(event, async () => {
      why = (await this.closed.closed(event.generationId)) ?? '';
      return why === '';
    });
    return result ?? { skipped: 'before_store', why };
  }

  @EventPattern<EventType>('prompt.enhanced')
  async handle(
    @Payload() event: EventPayload<'prompt.enhanced'>,
    @Ctx() ctx: MeshEventContext<Prepared>,
  ): Promise<void> {
    const prepared = ctx.prepared;
    if ('skipped' in prepared) return this.skip(event.generationId, prepared.skipped, prepared.why, ctx);
    // Checked once more in the transaction: the failure may have arrived while the images were being stored.
    const closedNow = await this.closed.closed(event.generationId, ctx.manager);
    if (closedNow) return this.skip(event.generationId, 'before_store', closedNow, ctx);
    const { record, images } = prepared;
    await this.repo.insert(ctx.manager, record, images);
    await ctx.emit('images.generated', {
      generationId: event.generationId,
      userId: event.userId,
      prompt: event.enhancedPrompt,
      backend: record.backend,
      images: images.map((i) => ({
        index: i.index,
        storageKey: i.storageKey,
        width: i.width,
        height: i.height,
        sha256: i.sha256,
        // 0 when the backend does not honour seeds (proto3 has no absent scalar); the generator row keeps NULL.
        seed: i.seed ?? 0n,
        nsfwFlagged: i.nsfw?.flagged ?? false,
      })),
      originalPrompt: event.originalPrompt,
      params: event.params,
      features: event.features,
    });
  }

  /** Acked with nothing stored and nothing published: the saga already ended. */
  private skip(generationId: string, checkpoint: Checkpoint, why: string, ctx: MeshEventContext): void {
    this.logger.log(`generation ${generationId} is closed (${why}); skipped ${checkpoint}`);
    ctx.afterCommit(() => sagaWorkSkipped.inc({ step: 'generate', checkpoint }));
  }

  @EventPattern<EventType>('prompt.enhanced', { phase: 'giveUp' })
  async onGiveUp(@Payload() event: EventPayload<'prompt.enhanced'>, @Ctx() ctx: MeshEventContext): Promise<void> {
    const failure = ctx.failure;
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'generate',
      code: failure.code,
      reason: failure.message,
    });
  }
}
