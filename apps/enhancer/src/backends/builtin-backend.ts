import type { RussianTranslator } from '../translation';
import type { BackendInput, BackendResult, EnhancementBackend } from './enhancement-backend';
import { assemblePrompt, negativePrompt } from './prompt-assembly';

export const BUILTIN_BACKEND = 'builtin@1';

/** No model: dictionary + glossary translation, then templates, brand style and policy fragments. */
export class BuiltinBackend implements EnhancementBackend {
  readonly name = BUILTIN_BACKEND;

  constructor(private readonly translator: RussianTranslator) {}

  async enhance(input: BackendInput): Promise<BackendResult> {
    return this.enhanceSync(input);
  }

  /** Synchronous core, used directly by the benchmark and as the fallback of every LLM backend. */
  enhanceSync(input: BackendInput): BackendResult {
    const operations: BackendResult['operations'] = [];
    let english = input.cleaned;
    let transliterated: string[] = [];
    if (input.language === 'ru' || input.language === 'mixed') {
      const translation = this.translator.translate(input.cleaned);
      english = translation.text;
      transliterated = translation.transliterated;
      const counts = { glossary: 0, dictionary: 0, transliterated: 0 };
      for (const w of translation.words) counts[w.source]++;
      operations.push({
        name: 'translate',
        detail: `ru→en: ${counts.glossary} glossary, ${counts.dictionary} dictionary, ${counts.transliterated} transliterated`,
      });
      if (transliterated.length > 0) operations.push({ name: 'transliterate', detail: transliterated.join(', ') });
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
