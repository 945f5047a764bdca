import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@atelier/contracts';
import { FatalError, HandlesEvent, type EventContext, type EventHandler, type GiveUpReason } from '@atelier/messaging';
import { EnhancementRepository } from './enhancement.repository';
import { PromptEnhancer } from './prompt-enhancer.service';

@Injectable()
@HandlesEvent('quota.reserved')
export class QuotaReservedHandler implements EventHandler<'quota.reserved'> {
  constructor(
    private readonly enhancer: PromptEnhancer,
    private readonly repo: EnhancementRepository,
  ) {}

  async handle(event: EventPayload<'quota.reserved'>, ctx: EventContext): Promise<void> {
    const params = event.params;
    if (!params) throw new FatalError('quota.reserved without params', 'invalid_payload');
    const result = await this.enhancer.enhance(ctx.manager, params.prompt, {
      userId: event.userId,
      platformHint: params.platform,
      // The plan decides: without the feature the prompt is cleaned and translated, never styled (absent: old producer).
      autoEnhance: event.features?.autoPromptEnhance ?? true,
    });
    await this.repo.insert(ctx.manager, event.generationId, event.userId, params.prompt, result);
    await ctx.emit('prompt.enhanced', {
      generationId: event.generationId,
      userId: event.userId,
      params,
      originalPrompt: params.prompt,
      cleanedPrompt: result.cleaned,
      enhancedPrompt: result.enhanced,
      platform: result.platform,
      goal: result.goal,
      operations: result.operations,
      enhancer: result.enhancer,
      language: result.language,
      backend: result.backend,
      fallbackFrom: result.fallbackFrom,
      fallbackReason: result.fallbackReason,
      negativePrompt: result.negativePrompt,
      brandProfileId: result.brandProfileId,
      fragments: result.fragments,
      latencyMs: result.latencyMs,
      transliterated: result.transliterated,
      aspectRatio: result.aspectRatio,
      autoEnhanced: result.autoEnhanced,
      features: event.features,
    });
  }

  async onGiveUp(event: EventPayload<'quota.reserved'>, failure: GiveUpReason, ctx: EventContext): Promise<void> {
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'enhance',
      code: failure.code,
      reason: failure.message,
    });
  }
}
