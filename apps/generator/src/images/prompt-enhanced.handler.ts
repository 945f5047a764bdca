import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { FatalError, HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from '@atelier/messaging';
import { ObjectStorage } from '@atelier/storage';
import { ImageBackends } from '../backends/image-backends';
import { GeneratedImagesRepository, type StoredImage } from './generated-images.repository';

@Injectable()
@HandlesEvent('prompt.enhanced')
export class PromptEnhancedHandler implements EventHandler<'prompt.enhanced'> {
  constructor(
    private readonly backends: ImageBackends,
    private readonly storage: ObjectStorage,
    private readonly repo: GeneratedImagesRepository,
  ) {}

  async handle(event: EventPayload<'prompt.enhanced'>, ctx: EventContext): Promise<void> {
    const p = event.params;
    if (!p) throw new FatalError('prompt.enhanced without params', 'invalid_payload');
    const backend = this.backends.resolve(p.backend);
    const rendered = await backend.generate({
      prompt: event.enhancedPrompt,
      n: p.n,
      width: p.width,
      height: p.height,
      steps: p.steps,
      guidance: p.guidance,
      seed: p.seed,
      platform: event.platform,
    });
    // Bytes go to storage before the row commits; keys are deterministic, so a retry overwrites, never duplicates.
    const images: StoredImage[] = await Promise.all(
      rendered.map(async (img, index) => {
        const storageKey = `generations/${event.generationId}/${index}.png`;
        await this.storage.put(storageKey, img.png);
        return {
          index,
          storageKey,
          width: img.width,
          height: img.height,
          sha256: createHash('sha256').update(img.png).digest('hex'),
          seed: img.seed,
        };
      }),
    );
    const backendId = `${backend.name}@${backend.version}`;
    await this.repo.insert(
      ctx.manager,
      {
        generationId: event.generationId,
        userId: event.userId,
        backend: backendId,
        prompt: event.enhancedPrompt,
        params: {
          n: p.n,
          width: p.width,
          height: p.height,
          steps: p.steps,
          guidance: p.guidance,
          seed: p.seed.toString(),
        },
      },
      images,
    );
    await ctx.emit('images.generated', {
      generationId: event.generationId,
      userId: event.userId,
      prompt: event.enhancedPrompt,
      backend: backendId,
      images,
      originalPrompt: event.originalPrompt,
      params: p,
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
