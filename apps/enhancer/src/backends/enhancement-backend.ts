import type { Detection, PromptOperation } from '../prompt-rules';
import type { BrandStyle } from '../templates/brand-style';
import type { Language } from '../translation';

/** One phrase the prompt policy chose for a modifier group, with why (shown to the user). */
export interface ChosenFragment {
  group: string;
  phrase: string;
  reason: string;
}

export interface BackendInput {
  /** The cleaned request, in the user's language. */
  cleaned: string;
  language: Language;
  detection: Detection;
  brand?: BrandStyle;
  /** Policy choices the prompt must contain. */
  fragments: ChosenFragment[];
  /** The plan's auto_prompt_enhance: off means translate only, no styling. */
  autoEnhance: boolean;
}

export interface BackendResult {
  prompt: string;
  negativePrompt: string;
  operations: PromptOperation[];
  /** Subject detected in the English text (product, food, …) or "" */
  subject: string;
  /** Russian words written in Latin letters because nothing translated them. */
  transliterated: string[];
}

/** A way to turn a cleaned request into an English text-to-image prompt. */
export interface EnhancementBackend {
  readonly name: string;
  enhance(input: BackendInput): Promise<BackendResult>;
}

/** A backend failure that retrying cannot fix (401, 403, 404, other 4xx). */
export class FatalBackendError extends Error {
  constructor(
    readonly backend: string,
    readonly status: number,
    message: string,
  ) {
    super(`${backend}: ${message}`);
    this.name = 'FatalBackendError';
  }
}

/** A failure worth another attempt: timeouts, 408/425/429/5xx, refused connections, malformed answers. */
export class TransientBackendError extends Error {
  constructor(
    readonly backend: string,
    readonly code: string,
    message: string,
  ) {
    super(`${backend}: ${message}`);
    this.name = 'TransientBackendError';
  }
}
