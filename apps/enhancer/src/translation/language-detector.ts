export type Language = 'ru' | 'en' | 'mixed' | 'unknown';

export interface LanguageDetection {
  language: Language;
  /** Share of the deciding evidence, 0..1: 1 when every word is in one language. */
  confidence: number;
  cyrillicWords: number;
  englishWords: number;
  /** Latin words that are no English word (brand names such as "Zara", "iPhone"): they decide nothing. */
  names: number;
}

const QUOTED = /«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|"[^"]*"/gu;
const WORD = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

/** Latin words of SMM requests that no dictionary lists but that mark a request as (partly) English. */
const SOCIAL_ENGLISH: ReadonlySet<string> = new Set([
  'insta',
  'inst',
  'ig',
  'reels',
  'stories',
  'story',
  'promo',
  'sale',
  'post',
  'banner',
  'lookbook',
  'flatlay',
  'moodboard',
  'cashback',
  'giveaway',
  'hero',
  'feed',
  'ootd',
  'selfie',
  'merch',
  'brunch',
  'latte',
  'coffee',
  'vibe',
  'vibes',
  'aesthetic',
  'minimal',
  'minimalism',
  'cozy',
  'new',
  'collection',
  'drop',
  'off',
]);

/**
 * ru / en / mixed by script, measured on the labelled set in translation-eval.data.ts. Quoted text is what
 * the user wants written on the image, so it does not count. Latin words count as English only when a
 * lexicon knows them, so "баннер для Zara" stays Russian while "insta пост" is mixed.
 */
export function detectLanguage(text: string, englishLexicon: ReadonlySet<string>): LanguageDetection {
  const unquoted = text.replace(QUOTED, ' ');
  let cyrillicWords = 0;
  let englishWords = 0;
  let names = 0;
  for (const [word] of unquoted.matchAll(WORD)) {
    if (CYRILLIC.test(word)) {
      cyrillicWords++;
      continue;
    }
    if (!LATIN.test(word)) continue;
    const lower = word.toLowerCase();
    const brandLike = word !== lower && word !== word.toUpperCase() && /\p{Lu}/u.test(word.slice(1));
    if (!brandLike && (englishLexicon.has(lower) || SOCIAL_ENGLISH.has(lower))) englishWords++;
    else names++;
  }
  const total = cyrillicWords + englishWords;
  if (total === 0)
    return {
      language: names > 0 ? 'en' : 'unknown',
      confidence: names > 0 ? 0.5 : 0,
      cyrillicWords,
      englishWords,
      names,
    };
  const language: Language = cyrillicWords === 0 ? 'en' : englishWords === 0 ? 'ru' : 'mixed';
  const confidence = language === 'mixed' ? Math.min(cyrillicWords, englishWords) / total + 0.5 : 1;
  return { language, confidence: Math.min(1, confidence), cyrillicWords, englishWords, names };
}
