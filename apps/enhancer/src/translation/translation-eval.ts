import { cleanPrompt } from '../prompt-rules';
import { detectLanguage } from './language-detector';
import type { RussianTranslator } from './russian-translator';
import type { LabelledRequest } from './translation-eval.data';

export interface TranslationScore {
  phrases: number;
  /** Expected English terms found in the translation, over all expected terms. */
  termRecall: number;
  /** Phrases with no Cyrillic left outside quoted text. */
  cyrillicFree: number;
  languageAccuracy: number;
  misses: Array<{ text: string; output: string; missing: string[] }>;
  languageErrors: Array<{ text: string; expected: string; got: string }>;
}

const QUOTED = /«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|"[^"]*"/gu;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** A term is present as whole words; the last word may carry an English plural ending. */
export function containsTerm(output: string, term: string): boolean {
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escape(term)}(?:s|es)?(?![\\p{L}\\p{N}])`, 'iu');
  return pattern.test(output);
}

export function hasCyrillicOutsideQuotes(text: string): boolean {
  return /\p{Script=Cyrillic}/u.test(text.replace(QUOTED, ' '));
}

/** Cleans, detects the language and translates every labelled request the way the built-in backend does. */
export function scoreTranslation(translator: RussianTranslator, set: readonly LabelledRequest[]): TranslationScore {
  let expected = 0;
  let found = 0;
  let cyrillicFree = 0;
  let languageRight = 0;
  const misses: TranslationScore['misses'] = [];
  const languageErrors: TranslationScore['languageErrors'] = [];
  for (const item of set) {
    const cleaned = cleanPrompt(item.text).text;
    const language = detectLanguage(cleaned, translator.englishLexicon).language;
    if (language === item.language) languageRight++;
    else languageErrors.push({ text: item.text, expected: item.language, got: language });
    const output = language === 'en' ? cleaned : translator.translate(cleaned).text;
    if (!hasCyrillicOutsideQuotes(output)) cyrillicFree++;
    const missing = item.expect.filter((term) => !containsTerm(output, term));
    expected += item.expect.length;
    found += item.expect.length - missing.length;
    if (missing.length > 0) misses.push({ text: item.text, output, missing });
  }
  return {
    phrases: set.length,
    termRecall: found / expected,
    cyrillicFree: cyrillicFree / set.length,
    languageAccuracy: languageRight / set.length,
    misses,
    languageErrors,
  };
}
