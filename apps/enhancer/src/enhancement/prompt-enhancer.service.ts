import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BackendInput, BackendResult, ChosenFragment } from '../backends/enhancement-backend';
import { EnhancementBackends } from '../backends/enhancement-backends';
import { BrandProfiles, toBrandKit, toBrandStyle } from '../brand-profiles/brand-profiles.service';
import { brandScope, PolicyStatsRepository, userScope } from '../policy/policy-stats.repository';
import { PromptPolicy } from '../policy/prompt-policy';
import { cleanPrompt, detectPlatformAndGoal, type Detection, type PromptOperation } from '../prompt-rules';
import { detectLanguage, PromptTranslator, type Language } from '../translation';
import { withDeliveredFormat } from '../formats/delivered-format';
import { removeBanned } from '../backends/prompt-assembly';

export interface Enhancement {
  cleaned: string;
  enhanced: string;
  negativePrompt: string;
  platform: string;
  goal: string;
  aspectRatio: string;
  /** 0..1; 1 when the user chose it. */
  platformConfidence: number;
  goalConfidence: number;
  /** The pixel size the platform wants. */
  targetWidth: number;
  targetHeight: number;
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
  /** The profile's palette, fonts, logo and banned words for the generator's text layer; absent without a profile. */
  brandKit?: ReturnType<typeof toBrandKit>;
}

export interface EnhanceOptions {
  userId: string;
  platformHint?: string;
  /** The user's explicit goal; wins over detection like the platform hint. */
  goalHint?: string;
  autoEnhance: boolean;
  brandProfileId?: string;
  /** The user chose no profile: not even the default one applies. */
  noBrandProfile?: boolean;
  /** The user's own image size: it wins over the platform's format. */
  size?: { width: number; height: number };
}

/** What the read phase gathered: the backend's input, and what the result records besides the backend's answer. */
interface EnhancementRequest {
  input: BackendInput;
  cleanedOperations: PromptOperation[];
  detection: Detection;
  language: Language;
  brandKit?: ReturnType<typeof toBrandKit>;
}

/** The model phase's answer: the backend that answered, or the built-in fallback with why. */
interface ModelAnswer {
  result: BackendResult;
  backend: string;
  fallbackFrom: string;
  fallbackReason: string;
}

/**
 * Cleans the request, detects language, platform and goal, loads the brand profile, lets the learned
 * policy pick modifiers, and asks the configured backend for the English prompt — falling back to the
 * built-in backend (recorded) when an LLM backend fails.
 *
 * It writes nothing and holds no transaction: the read phase runs each query on its own pooled connection
 * (autocommit) and releases it before the model phase, which may wait on an LLM for up to timeout × attempts.
 * Whoever stores the result does so in its own transaction afterwards (the quota.reserved handler's `handle`).
 */
@Injectable()
export class PromptEnhancer {
  private readonly logger = new Logger(PromptEnhancer.name);

  constructor(
    private readonly backends: EnhancementBackends,
    private readonly translator: PromptTranslator,
    private readonly brandProfiles: BrandProfiles,
    private readonly stats: PolicyStatsRepository,
    private readonly policy: PromptPolicy,
    private readonly dataSource: DataSource,
  ) {}

  async enhance(raw: string, opts: EnhanceOptions): Promise<Enhancement> {
    const started = performance.now();
    const request = await this.read(raw, opts);
    const answer = await this.askModel(request.input);
    return this.describe(request, answer, Math.round(performance.now() - started));
  }

  /** Read phase: rules on the text, then the brand profile and the policy's statistics, outside any transaction. */
  private async read(raw: string, opts: EnhanceOptions): Promise<EnhancementRequest> {
    const cleaned = cleanPrompt(raw);
    const detection = withDeliveredFormat(
      detectPlatformAndGoal(cleaned.text, {
        platform: opts.platformHint || undefined,
        goal: opts.goalHint || undefined,
      }),
      cleaned.text,
      opts.size,
    );
    const language = detectLanguage(cleaned.text, this.translator.englishLexicon);
    // The profile and the counts need no common snapshot: the counts are only the policy's prior.
    const m = this.dataSource.manager;
    const profile = opts.noBrandProfile
      ? undefined
      : await this.brandProfiles.forPrompt(m, opts.userId, opts.brandProfileId);
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
    // Banned words go before translation too: a Russian "дешёвый" would otherwise come back as an English "cheap".
    const source = brand ? removeBanned(cleaned.text, brand.bannedWords) : { prompt: cleaned.text, removed: [] };
    return {
      input: {
        cleaned: source.prompt,
        language: language.language,
        detection,
        brand,
        fragments,
        autoEnhance: opts.autoEnhance,
      },
      cleanedOperations: [
        ...cleaned.operations,
        ...(source.removed.length > 0 ? [{ name: 'remove_banned_source', detail: source.removed.join(', ') }] : []),
      ],
      detection,
      language: language.language,
      ...(profile ? { brandKit: toBrandKit(profile) } : {}),
    };
  }

  /** Model phase: the configured backend, or the built-in one (recorded) when it fails for any reason. */
  private async askModel(input: BackendInput): Promise<ModelAnswer> {
    const configured = this.backends.configured;
    try {
      return {
        result: await configured.enhance(input),
        backend: configured.name,
        fallbackFrom: '',
        fallbackReason: '',
      };
    } catch (err) {
      const fallbackReason = err instanceof Error ? err.message.slice(0, 300) : String(err);
      this.logger.warn(`${configured.name} failed, using ${this.backends.builtin.name}: ${fallbackReason}`);
      return {
        result: this.backends.builtin.enhanceSync(input),
        backend: this.backends.builtin.name,
        fallbackFrom: configured.name,
        fallbackReason,
      };
    }
  }

  private describe(request: EnhancementRequest, answer: ModelAnswer, latencyMs: number): Enhancement {
    const { input, detection, language } = request;
    const { result, backend, fallbackFrom, fallbackReason } = answer;
    const brand = input.brand;
    return {
      cleaned: input.cleaned,
      enhanced: result.prompt,
      negativePrompt: result.negativePrompt,
      platform: detection.platform,
      goal: detection.goal,
      aspectRatio: detection.aspectRatio,
      platformConfidence: detection.platformConfidence,
      goalConfidence: detection.goalConfidence,
      targetWidth: detection.width,
      targetHeight: detection.height,
      language,
      operations: [
        ...request.cleanedOperations,
        {
          name: 'detect',
          detail:
            `language=${language} platform=${detection.platform} (${detection.platformSource}, ${detection.platformConfidence}) ` +
            `goal=${detection.goal} (${detection.goalSource}, ${detection.goalConfidence}) ` +
            `${detection.aspectRatio} ${detection.width}x${detection.height} (${detection.matched.join(', ') || 'no rule matched'})`,
        },
        ...(brand ? [{ name: 'brand_profile', detail: brand.name }] : []),
        ...(fallbackFrom
          ? [{ name: 'backend_fallback', detail: `${fallbackFrom} → ${backend}: ${fallbackReason}` }]
          : []),
        ...result.operations,
        ...input.fragments.map((f) => ({ name: 'policy_reason', detail: f.reason })),
      ],
      enhancer: backend,
      backend,
      fallbackFrom,
      fallbackReason,
      brandProfileId: brand?.id ?? '',
      fragments: input.fragments,
      transliterated: result.transliterated,
      latencyMs,
      autoEnhanced: input.autoEnhance,
      ...(request.brandKit ? { brandKit: request.brandKit } : {}),
    };
  }
}
