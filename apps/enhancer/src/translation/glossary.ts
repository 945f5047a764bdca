import { GLOSSARY_ENTRIES, type GlossaryEntry } from '@atelier/ru-en';
import { foldRussian, guessLemmas, stemRussian } from './russian-stemmer';

export interface GlossaryMatch {
  /** How many word tokens the entry covered. */
  length: number;
  entry: GlossaryEntry;
}

/** Stem keys of the curated glossary: exact forms first, then stems, phrases longest first. */
export class Glossary {
  private readonly exact = new Map<string, GlossaryEntry>();
  private readonly stems = new Map<string, GlossaryEntry>();
  readonly maxPhraseWords: number;
  readonly englishWords: ReadonlySet<string>;

  constructor(entries: readonly GlossaryEntry[] = GLOSSARY_ENTRIES) {
    let maxWords = 1;
    const english = new Set<string>();
    for (const entry of entries) {
      const words = splitWords(entry.ru);
      maxWords = Math.max(maxWords, words.length);
      const exactKey = words.map(foldRussian).join(' ');
      const stemKey = words.map(stemRussian).join(' ');
      // First entry wins a shared key; categories are ordered so the shop's meaning comes first.
      if (!this.exact.has(exactKey)) this.exact.set(exactKey, entry);
      if (!this.stems.has(stemKey)) this.stems.set(stemKey, entry);
      for (const word of entry.en.toLowerCase().split(/\s+/u)) if (word) english.add(word);
    }
    this.maxPhraseWords = maxWords;
    this.englishWords = english;
  }

  /**
   * The longest entry starting at `words[0]`. Phrases match by exact forms or by stems of every word; a single
   * word by its exact form, then a guessed lemma ("белых" → белый, not белье, which shares the stem), then stem.
   */
  match(words: readonly string[]): GlossaryMatch | undefined {
    for (let length = Math.min(this.maxPhraseWords, words.length); length >= 2; length--) {
      const slice = words.slice(0, length);
      const entry =
        this.exact.get(slice.map(foldRussian).join(' ')) ?? this.stems.get(slice.map(stemRussian).join(' '));
      if (entry) return { length, entry };
    }
    const first = words[0];
    if (first === undefined) return undefined;
    const entry =
      this.exact.get(foldRussian(first)) ??
      guessLemmas(first)
        .map((lemma) => this.exact.get(lemma))
        .find((found) => found !== undefined) ??
      this.stems.get(stemRussian(first));
    return entry ? { length: 1, entry } : undefined;
  }
}

function splitWords(phrase: string): string[] {
  return phrase.split(/\s+/u).filter((w) => w.length > 0);
}
