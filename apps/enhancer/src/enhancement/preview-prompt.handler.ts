import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type RpcRequest, type RpcName } from '@atelier/contracts';
import { FatalError, RpcClient, type RpcReplyInit } from '@atelier/messaging';
import { PromptEnhancer } from './prompt-enhancer.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/** `enhancer.preview_prompt`: the enhanced prompt and its explanation, without generating or storing. */
@Controller()
export class PreviewPromptHandler {
  constructor(
    private readonly enhancer: PromptEnhancer,
    private readonly rpc: RpcClient,
  ) {}

  @MessagePattern<RpcName>('enhancer.preview_prompt')
  async answer(@Payload() r: RpcRequest<'enhancer.preview_prompt'>): Promise<RpcReplyInit<'enhancer.preview_prompt'>> {
    if (!UUID.test(r.userId)) throw new FatalError('user_id must be a UUID', 'invalid_request');
    if (r.brandProfileId && !UUID.test(r.brandProfileId)) throw new FatalError('brand profile not found', 'not_found');
    if (!r.prompt.trim() || r.prompt.length > 2000)
      throw new FatalError('prompt: 1 to 2000 characters', 'invalid_request');
    // The preview shows what a generation would get, so it honours the same plan feature.
    const account = await this.rpc.call('billing.get_account', { userId: r.userId }).catch(() => undefined);
    const e = await this.enhancer.enhance(r.prompt, {
      userId: r.userId,
      platformHint: r.platform,
      goalHint: r.goal,
      autoEnhance: account?.features?.autoPromptEnhance ?? true,
      brandProfileId: r.brandProfileId || undefined,
    });
    if (r.brandProfileId && !e.brandProfileId) throw new FatalError('brand profile not found', 'not_found');
    return {
      originalPrompt: r.prompt,
      cleanedPrompt: e.cleaned,
      enhancedPrompt: e.enhanced,
      negativePrompt: e.negativePrompt,
      language: e.language,
      platform: e.platform,
      goal: e.goal,
      aspectRatio: e.aspectRatio,
      platformConfidence: e.platformConfidence,
      goalConfidence: e.goalConfidence,
      targetWidth: e.targetWidth,
      targetHeight: e.targetHeight,
      backend: e.backend,
      fallbackReason: e.fallbackReason,
      brandProfileId: e.brandProfileId,
      fragments: e.fragments,
      operations: e.operations,
      transliterated: e.transliterated,
    };
  }
}
