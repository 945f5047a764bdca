import type { RuEnTranslator } from '@atelier/ru-en';

export interface PromptTranslation {
  text: string;
  words: ReadonlyArray<{ russian: string; english: string; source: string }>;
  /** Names and brands written in Latin letters. */
  transliterated: string[];
  /** Common words no dictionary translated (left out); empty for the legacy translator. */
  untranslated?: string[];
  repaired?: ReadonlyArray<{ from: string; to: string }>;
}

/** What the built-in backend needs from a Russian → English translator (the injection token). */
export abstract class PromptTranslator {
  abstract translate(text: string): PromptTranslation;
  /** English words the translator's dictionaries know: the language detector's English evidence. */
  abstract get englishLexicon(): ReadonlySet<string>;
}

/** The morphology-based translator of `@atelier/ru-en` (lemma, part of speech, case, phrase order). */
export class MorphologyTranslator extends PromptTranslator {
  constructor(private readonly inner: RuEnTranslator) {
    super();
  }

  translate(text: string): PromptTranslation {
    return this.inner.translate(text);
  }

  get englishLexicon(): ReadonlySet<string> {
    return this.inner.englishWords;
  }
}
