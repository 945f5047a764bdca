import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type EventPayload, type EventType } from '@atelier/contracts';
import { FatalError, MeshEventContext } from '@atelier/messaging';
import { EnhancementRepository } from './enhancement.repository';
import { PromptEnhancer, type Enhancement } from './prompt-enhancer.service';

type QuotaReserved = EventPayload<'quota.reserved'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

function paramsOf(event: QuotaReserved): NonNullable<QuotaReserved['params']> {
  if (!event.params) throw new FatalError('quota.reserved without params', 'invalid_payload');
  return event.params;
}

/**
 * Enhances a reserved request in two steps, so no DB connection waits on an LLM:
 * - `prepare` (no transaction open): reads the brand profile and the policy's counts, then asks the backend;
 * - `handle` (the inbox transaction): writes the enhancement row (with the policy's choice) and prompt.enhanced.
 *
 * A brand profile edited or deleted between the two is not re-checked: the row and the event describe the profile
 * the prompt was actually built from, as if the edit had come just after the enhancement (the old in-transaction
 * read, under READ COMMITTED without a row lock, gave no stronger guarantee). Refusing and retrying would pay for
 * another LLM call and could starve under repeated edits; feedback then counts for the profile that was used.
 */
@Controller()
export class QuotaReservedHandler {
  constructor(
    private readonly enhancer: PromptEnhancer,
    private readonly repo: EnhancementRepository,
  ) {}

  @EventPattern<EventType>('quota.reserved', { phase: 'prepare' })
  async prepare(@Payload() event: QuotaReserved): Promise<Enhancement> {
    const params = paramsOf(event);
    return this.enhancer.enhance(params.prompt, {
      userId: event.userId,
      platformHint: params.platform,
      goalHint: params.goal,
      size: params.explicitSize ? { width: params.width, height: params.height } : undefined,
      // The plan decides: without the feature the prompt is cleaned and translated, never styled (absent: old producer).
      autoEnhance: event.features?.autoPromptEnhance ?? true,
      // The gateway sends a UUID; anything else (another producer) is ignored rather than queried.
      brandProfileId: UUID.test(params.brandProfileId) ? params.brandProfileId : undefined,
      noBrandProfile: params.noBrandProfile,
    });
  }

  @EventPattern<EventType>('quota.reserved')
  async handle(@Payload() event: QuotaReserved, @Ctx() ctx: MeshEventContext<Enhancement>): Promise<void> {
    const result = ctx.prepared;
    const params = paramsOf(event);
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
      platformConfidence: result.platformConfidence,
      goalConfidence: result.goalConfidence,
      targetWidth: result.targetWidth,
      targetHeight: result.targetHeight,
      autoEnhanced: result.autoEnhanced,
      features: event.features,
      ...(result.brandKit ? { brandKit: result.brandKit } : {}),
    });
  }

  @EventPattern<EventType>('quota.reserved', { phase: 'giveUp' })
  async onGiveUp(@Payload() event: QuotaReserved, @Ctx() ctx: MeshEventContext): Promise<void> {
    const failure = ctx.failure;
    await ctx.emit('generation.failed', {
      generationId: event.generationId,
      userId: event.userId,
      stage: 'enhance',
      code: failure.code,
      reason: failure.message,
    });
  }
}
