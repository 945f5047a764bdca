import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { MeshEventContext } from '@atelier/messaging';
import type { CreativeRecord } from '@atelier/creative';
import { layoutMessage } from '../creative/brand-kit';
import { GeneratedImagesRepository } from './generated-images.repository';
import { ImageGeneration, type GenerationResult } from './image-generation.service';

@Controller()
export class PromptEnhancedHandler {
  constructor(
    private readonly generation: ImageGeneration,
    private readonly repo: GeneratedImagesRepository,
  ) {}

  /**
   * Drawing (a remote backend, or local diffusion taking minutes) runs before the transaction opens, so no DB
   * connection waits on it. Bytes go to storage first; keys are content hashes, so a retry or a discarded duplicate
   * overwrites the same files, never adds rows.
   */
  @EventPattern<EventType>('prompt.enhanced', { phase: 'prepare' })
  prepare(@Payload() event: EventPayload<'prompt.enhanced'>): Promise<GenerationResult> {
    return this.generation.run(event);
  }

  @EventPattern<EventType>('prompt.enhanced')
  async handle(
    @Payload() event: EventPayload<'prompt.enhanced'>,
    @Ctx() ctx: MeshEventContext<GenerationResult>,
  ): Promise<void> {
    const result = ctx.prepared;
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
        // The judge's designer checks read the text layer's record (boxes, colours, contrast, subject, logo).
        ...(i.params.layout ? { layout: layoutMessage(i.params.layout as CreativeRecord) } : {}),
      })),
      originalPrompt: event.originalPrompt,
      params: event.params,
      features: event.features,
      ...(event.brandKit ? { brandKit: event.brandKit } : {}),
    });
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
