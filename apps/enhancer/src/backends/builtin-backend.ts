import { extractSubject } from '../prompt-rules/subject-extractor';
import type { PromptTranslator } from '../translation';
import type { BackendInput, BackendResult, EnhancementBackend } from './enhancement-backend';
import { assemblePrompt, negativePrompt } from './prompt-assembly';

export const BUILTIN_BACKEND = 'builtin@1';

/**
 * No model: the channel/format/instruction words are taken out of the request (detection already used them),
 * the subject is translated (morphology, lemma dictionaries, phrase order), then templates, brand style and
 * policy fragments are added around it.
 */
export class BuiltinBackend implements EnhancementBackend {
  readonly name = BUILTIN_BACKEND;

  /** `extractSubject: false` is the pre-morphology pipeline, kept for the eval's same-run comparison. */
  constructor(
    private readonly translator: PromptTranslator,
    private readonly options: { extractSubject: boolean } = { extractSubject: true },
  ) {}

  async enhance(input: BackendInput): Promise<BackendResult> {
    return this.enhanceSync(input);
  }

  /** Synchronous core, used directly by the benchmark and as the fallback of every LLM backend. */
  enhanceSync(input: BackendInput): BackendResult {
    const operations: BackendResult['operations'] = [];
    const extracted = this.options.extractSubject
      ? extractSubject(input.cleaned)
      : { subject: input.cleaned, removed: [] };
    if (extracted.removed.length > 0)
      operations.push({ name: 'extract_subject', detail: extracted.removed.join(' | ') });
    let english = extracted.subject;
    let transliterated: string[] = [];
    if (input.language === 'ru' || input.language === 'mixed') {
      const translation = this.translator.translate(extracted.subject);
      english = translation.text;
      transliterated = translation.transliterated;
      const counts = new Map<string, number>();
      for (const w of translation.words) counts.set(w.source, (counts.get(w.source) ?? 0) + 1);
      operations.push({
        name: 'translate',
        detail: `ru→en: ${[...counts].map(([source, n]) => `${n} ${source}`).join(', ')}`,
      });
      if (transliterated.length > 0) operations.push({ name: 'transliterate', detail: transliterated.join(', ') });
      if (translation.repaired && translation.repaired.length > 0) {
        operations.push({
          name: 'repair_typo',
          detail: translation.repaired.map((r) => `${r.from}→${r.to}`).join(', '),
        });
      }
      if (translation.untranslated && translation.untranslated.length > 0) {
        operations.push({ name: 'untranslated', detail: translation.untranslated.join(', ') });
      }
    }
    const assembled = assemblePrompt(english, input);
    return {
      prompt: assembled.prompt,
      negativePrompt: input.autoEnhance ? negativePrompt(input.brand) : '',
      operations: [...operations, ...assembled.operations],
      subject: assembled.subject,
      transliterated,
    };
  }
}
