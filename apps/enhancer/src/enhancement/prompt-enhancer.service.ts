import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChosenFragment } from '../backends/enhancement-backend';
import { EnhancementBackends } from '../backends/enhancement-backends';
import { BrandProfiles, toBrandStyle } from '../brand-profiles/brand-profiles.service';
import { brandScope, PolicyStatsRepository, userScope } from '../policy/policy-stats.repository';
import { PromptPolicy } from '../policy/prompt-policy';
import { cleanPrompt, detectPlatformAndGoal, type PromptOperation } from '../prompt-rules';
import { detectLanguage, RussianTranslator, type Language } from '../translation';

export interface Enhancement {
  cleaned: string;
  enhanced: string;
  negativePrompt: string;
  platform: string;
  goal: string;
  aspectRatio: string;
  language: Language;
  operations: PromptOperation[];
  /** The backend that produced the prompt (kept as `enhancer` in prompt.enhanced for older consumers). */
  enhancer: string;
  backend: string;
  fallbackFrom: string;
  fallbackReason: string;
  brandProfileId: string;
  fragments: ChosenFragment[];
  transliterated: string[];
  latencyMs: number;
  autoEnhanced: boolean;
}

export interface EnhanceOptions {
  userId: string;
  platformHint?: string;
  autoEnhance: boolean;
  brandProfileId?: string;
}

/**
 * Cleans the request, detects language, platform and goal, loads the brand profile, lets the learned
 * policy pick modifiers, and asks the configured backend for the English prompt — falling back to the
 * built-in backend (recorded) when an LLM backend fails.
 */
@Injectable()
export class PromptEnhancer {
  private readonly logger = new Logger(PromptEnhancer.name);

  constructor(
    private readonly backends: EnhancementBackends,
    private readonly translator: RussianTranslator,
    private readonly brandProfiles: BrandProfiles,
    private readonly stats: PolicyStatsRepository,
    private readonly policy: PromptPolicy,
  ) {}

  async enhance(m: EntityManager, raw: string, opts: EnhanceOptions): Promise<Enhancement> {
    const started = performance.now();
    const cleaned = cleanPrompt(raw);
    const detection = detectPlatformAndGoal(cleaned.text, opts.platformHint || undefined);
    const language = detectLanguage(cleaned.text, this.translator.englishLexicon);
    const profile = await this.brandProfiles.forPrompt(m, opts.userId, opts.brandProfileId);
    const brand = profile ? toBrandStyle(profile) : undefined;
    const fragments = opts.autoEnhance
      ? this.policy.choose(
          await this.stats.load(
            m,
            brand ? brandScope(brand.id) : userScope(opts.userId),
            brand ? `brand ${brand.name}` : 'you',
          ),
        )
      : [];
    const input = {
      cleaned: cleaned.text,
      language: language.language,
      detection,
      brand,
      fragments,
      autoEnhance: opts.autoEnhance,
    };

    const configured = this.backends.configured;
    let fallbackFrom = '';
    let fallbackReason = '';
    let result;
    try {
      result = await configured.enhance(input);
    } catch (err) {
      fallbackFrom = configured.name;
      fallbackReason = err instanceof Error ? err.message.slice(0, 300) : String(err);
      this.logger.warn(`${configured.name} failed, using ${this.backends.builtin.name}: ${fallbackReason}`);
      result = this.backends.builtin.enhanceSync(input);
    }
    const backend = fallbackFrom ? this.backends.builtin.name : configured.name;
    return {
      cleaned: cleaned.text,
      enhanced: result.prompt,
      negativePrompt: result.negativePrompt,
      platform: detection.platform,
      goal: detection.goal,
      aspectRatio: detection.aspectRatio,
      language: language.language,
      operations: [
        ...cleaned.operations,
        {
          name: 'detect',
          detail: `language=${language.language} platform=${detection.platform} goal=${detection.goal} (${detection.matched.join(', ') || 'no rule matched'})`,
        },
        ...(brand ? [{ name: 'brand_profile', detail: brand.name }] : []),
        ...(fallbackFrom
          ? [{ name: 'backend_fallback', detail: `${fallbackFrom} → ${backend}: ${fallbackReason}` }]
          : []),
        ...result.operations,
        ...fragments.map((f) => ({ name: 'policy_reason', detail: f.reason })),
      ],
      enhancer: backend,
      backend,
      fallbackFrom,
      fallbackReason,
      brandProfileId: brand?.id ?? '',
      fragments,
      transliterated: result.transliterated,
      latencyMs: Math.round(performance.now() - started),
      autoEnhanced: opts.autoEnhance,
    };
  }
}
