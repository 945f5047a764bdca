import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from '@atelier/messaging';
import { GeneratedImagesRepository } from './generated-images.repository';
import { ImageGeneration, type GenerationResult } from './image-generation.service';

@Injectable()
@HandlesEvent('prompt.enhanced')
export class PromptEnhancedHandler implements EventHandler<'prompt.enhanced', GenerationResult> {
  constructor(
    private readonly generation: ImageGeneration,
    private readonly repo: GeneratedImagesRepository,
  ) {}

  /**
   * Drawing (a remote backend, or local diffusion taking minutes) runs before the transaction opens, so no DB
   * connection waits on it. Bytes go to storage first; keys are content hashes, so a retry or a discarded duplicate
   * overwrites the same files, never adds rows.
   */
  prepare(event: EventPayload<'prompt.enhanced'>): Promise<GenerationResult> {
    return this.generation.run(event);
  }

  async handle(event: EventPayload<'prompt.enhanced'>, ctx: EventContext, result: GenerationResult): Promise<void> {
    const { record, images } = result;
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

  async onGiveUp(event: EventPayload<'prompt.enhanced'>, failure: GiveUpReason, ctx: EventContext): Promise<void> {
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'generate',
      code: failure.code,
      reason: failure.message,
    });
  }
}
