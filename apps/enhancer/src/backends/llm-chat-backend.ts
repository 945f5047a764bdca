import { z } from 'zod';
import type { PromptOperation } from '../prompt-rules';
import { paletteNames } from '../templates/brand-style';
import { hasCyrillicOutsideQuotes } from '../translation/translation-eval';
import {
  FatalBackendError,
  TransientBackendError,
  type BackendInput,
  type BackendResult,
  type EnhancementBackend,
} from './enhancement-backend';
import { detectSubject, removeBanned } from './prompt-assembly';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface LlmOptions {
  url: string;
  model: string;
  timeoutMs: number;
  maxAttempts: number;
  /** First retry delay; doubles per attempt. */
  retryDelayMs?: number;
  apiKey?: string;
}

/** What the model must answer; anything else is a malformed answer (retried, then fallback). */
export const LLM_ANSWER = z
  .object({
    prompt: z.string().trim().min(3).max(1200),
    negative_prompt: z.string().trim().max(600).optional().default(''),
  })
  .refine((a) => !hasCyrillicOutsideQuotes(a.prompt), { message: 'prompt is not English' });

export function systemPrompt(input: BackendInput): string {
  const d = input.detection;
  const lines = [
    'You turn a short request from a shop or SMM manager, often in Russian or mixed Russian and English, into one',
    'detailed English prompt for a text-to-image model.',
    'Rules: write English only; keep text inside quotes exactly as written; keep numbers, prices, percentages and',
    'brand names unchanged; describe subject, composition, lighting, background and mood; at most 80 words;',
    'do not add text to render that the user did not ask for.',
    `Target: ${d.platform} with aspect ratio ${d.aspectRatio}; marketing goal: ${d.goal}.`,
  ];
  const b = input.brand;
  if (b) {
    const colours = paletteNames(b.palette);
    lines.push(
      `Brand "${b.name}": style ${b.styleShort || b.styleWords.join(', ')}` +
        (b.moodWords.length ? `; mood ${b.moodWords.join(', ')}` : '') +
        (colours.length ? `; palette ${colours.join(', ')} (${b.palette.join(', ')})` : '') +
        (b.composition ? `; preferred composition: ${b.composition}` : '') +
        '.',
    );
    if (b.bannedWords.length) lines.push(`Never use these words: ${b.bannedWords.join(', ')}.`);
  } else {
    lines.push('No brand profile: keep the style neutral and professional.');
  }
  if (input.fragments.length) {
    lines.push(`Include these phrases verbatim: ${input.fragments.map((f) => `"${f.phrase}"`).join(', ')}.`);
  }
  lines.push('Answer with a JSON object only: {"prompt": "...", "negative_prompt": "..."}');
  return lines.join('\n');
}

/**
 * Shared part of the chat-model backends: one system prompt carrying brand, platform, goal and the policy's
 * fragments; a per-attempt timeout; retries on transient failures with doubling delay; 401/403/404 (and
 * other 4xx) fatal at once; the answer validated against LLM_ANSWER before use.
 */
export abstract class LlmChatBackend implements EnhancementBackend {
  abstract readonly name: string;

  constructor(protected readonly options: LlmOptions) {}

  /** Sends the chat and returns the model's text content; throws the backend errors above. */
  protected abstract chat(messages: ChatMessage[], signal: AbortSignal): Promise<string>;

  async enhance(input: BackendInput): Promise<BackendResult> {
    const messages: ChatMessage[] = [
      { role: 'system', content: systemPrompt(input) },
      { role: 'user', content: input.cleaned },
    ];
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      try {
        const content = await this.chat(messages, signal);
        return this.accept(content, input, attempt);
      } catch (err) {
        lastError = signal.aborted
          ? new TransientBackendError(this.name, 'timeout', `no answer within ${this.options.timeoutMs} ms`)
          : this.classify(err);
        if (lastError instanceof FatalBackendError) throw lastError;
        if (attempt < this.options.maxAttempts) {
          await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 200) * 2 ** (attempt - 1)));
        }
      }
    }
    throw lastError;
  }

  private accept(content: string, input: BackendInput, attempt: number): BackendResult {
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      throw new TransientBackendError(this.name, 'malformed_answer', `answer is not JSON: ${content.slice(0, 80)}`);
    }
    const parsed = LLM_ANSWER.safeParse(json);
    if (!parsed.success) {
      throw new TransientBackendError(
        this.name,
        'malformed_answer',
        `answer failed the schema: ${parsed.error.message.slice(0, 160)}`,
      );
    }
    const operations: PromptOperation[] = [{ name: 'llm', detail: `${this.options.model}, attempt ${attempt}` }];
    let prompt = parsed.data.prompt;
    // The policy learns from its fragments, so they must really be in the prompt even if the model dropped them.
    const missing = input.fragments.filter((f) => !prompt.toLowerCase().includes(f.phrase.toLowerCase()));
    if (missing.length) {
      prompt = `${prompt.replace(/[.\s]+$/u, '')}, ${missing.map((f) => f.phrase).join(', ')}`;
      operations.push({
        name: 'policy_fragment',
        detail: `appended after the model: ${missing.map((f) => f.phrase).join(', ')}`,
      });
    }
    const banned = removeBanned(prompt, input.brand?.bannedWords ?? []);
    if (banned.removed.length) operations.push({ name: 'remove_banned', detail: banned.removed.join(', ') });
    const negative = [parsed.data.negative_prompt, ...(input.brand?.bannedWords ?? [])].filter(Boolean).join(', ');
    return {
      prompt: banned.prompt,
      negativePrompt: negative,
      operations,
      subject: detectSubject(banned.prompt) ?? '',
      transliterated: [],
    };
  }

  private classify(err: unknown): Error {
    if (err instanceof FatalBackendError || err instanceof TransientBackendError) return err;
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return new TransientBackendError(this.name, 'timeout', `no answer within ${this.options.timeoutMs} ms`);
    }
    return new TransientBackendError(this.name, 'unreachable', err instanceof Error ? err.message : String(err));
  }

  /** POSTs JSON and maps the status: 2xx → body, 408/425/429/5xx → transient, other 4xx → fatal. */
  protected async postJson(
    path: string,
    body: unknown,
    signal: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const res = await fetch(new URL(path, this.options.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    if (!res.ok) {
      const message = `HTTP ${res.status}: ${text.slice(0, 160)}`;
      if (res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500) {
        throw new TransientBackendError(this.name, `http_${res.status}`, message);
      }
      throw new FatalBackendError(this.name, res.status, message);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TransientBackendError(this.name, 'malformed_answer', `response body is not JSON: ${text.slice(0, 80)}`);
    }
  }
}
