import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readDictd, type DictdEntry } from '@atelier/ru-en';
import { foldRussian, guessLemmas, stemRussian } from './russian-stemmer';

/** One English rendering of a Russian word, with the evidence that ranks it. */
export interface DictionaryCandidate {
  english: string;
  /** The Russian lemma as the dictionary wrote it ("платье"). */
  russian: string;
  /** Higher is better: early senses, first-listed translations, common English words. */
  score: number;
  source: string;
}

export interface DictionarySource {
  name: string;
  index: string;
  dict: string;
  format: 'mueller' | 'freedict';
}

/** The Debian packages the built-in backend reads (`apt-get install mueller7-dict dict-freedict-eng-rus`). */
export const DEBIAN_DICTIONARIES = (dir: string): DictionarySource[] => [
  {
    name: 'mueller7',
    index: join(dir, 'mueller7.index'),
    dict: join(dir, 'mueller7.dict.dz'),
    format: 'mueller',
  },
  {
    name: 'freedict-eng-rus',
    index: join(dir, 'freedict-eng-rus.index'),
    dict: join(dir, 'freedict-eng-rus.dict.dz'),
    format: 'freedict',
  },
];

// Senses marked with these labels are rarely what a shop means (obsolete, slang, military, finance …).
const MARGINAL_LABEL =
  /_(?:уст|ист|арх|жарг|воен|фин|перен|редк|диал|шотл|ам|амер|австрал|вульг|груб|поэт|библ|церк|мор|тех|спец|мед|юр|бот|зоол|хим|физ|мат|ж\.-д|горн|геол|полит|эк|ирон|шутл|презр|неодобр|сл|школ|амер\.|уст\.)\.?/u;
const CYRILLIC_WORD = /^[а-яё]+(?:-[а-яё]+)?$/u;
const ENGLISH_HEADWORD = /^[a-z]+(?:[ -][a-z]+)?$/u;

interface RawTranslation {
  russian: string;
  senseIndex: number;
  position: number;
  marginal: boolean;
}

/**
 * Splits a Mueller entry into its numbered senses and pulls the plain Russian equivalents out of each:
 * the pieces before the first English example, without labels, parentheses or multi-word glosses.
 */
export function muellerTranslations(body: string): RawTranslation[] {
  const text = body
    .replace(/\[[^\]]*\]/gu, ' ') // transcription
    .replace(/\s+/gu, ' ');
  // A sense starts at "1)"; a part-of-speech group at "1." and its header's labels ("_уст.") cover its senses.
  const parts = text.split(/(?:^|\s)(\d+[.)])\s/u);
  const out: RawTranslation[] = [];
  let groupMarginal = false;
  let senseIndex = -1;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (/^\d+[.)]$/u.test(part)) continue;
    const marker = parts[i - 1] ?? '';
    const isGroupHeader = marker.endsWith('.');
    if (isGroupHeader || i === 0) groupMarginal = MARGINAL_LABEL.test(part.slice(0, 32));
    if (!/[а-яё]/iu.test(part)) continue;
    senseIndex++;
    const marginalSense = groupMarginal || MARGINAL_LABEL.test(part.slice(0, 24));
    let position = 0;
    for (const piece of part.split(';')) {
      // An English example ("white coffee кофе с молоком") ends the plain translations of this piece.
      if (/[a-z]/iu.test(piece.replace(/_[^\s.]+\.?/gu, ''))) continue;
      const marginal = marginalSense || MARGINAL_LABEL.test(piece);
      const cleaned = piece
        .replace(/_[^\s.]+\.?/gu, ' ')
        .replace(/\([^)]*\)/gu, ' ')
        .replace(/[«»"]/gu, ' ');
      for (const candidate of cleaned.split(',')) {
        const word = foldRussian(candidate.trim());
        if (!CYRILLIC_WORD.test(word)) continue;
        out.push({ russian: word, senseIndex, position: position++, marginal });
      }
    }
  }
  return out;
}

/** FreeDict eng-rus bodies: "headword /ipa/" then numbered or plain comma-separated translations. */
export function freedictTranslations(body: string): RawTranslation[] {
  const lines = body.split('\n').slice(1);
  const out: RawTranslation[] = [];
  lines.forEach((line, senseIndex) => {
    let position = 0;
    for (const part of line.replace(/^\s*\d+\.\s*/u, '').split(/[,;]/u)) {
      const word = foldRussian(part.replace(/\([^)]*\)/gu, ' ').trim());
      if (CYRILLIC_WORD.test(word)) out.push({ russian: word, senseIndex, position: position++, marginal: false });
    }
  });
  return out;
}

/** How often an English word appears in the dictionary's own usage examples: a free proxy for how common it is. */
function exampleFrequencies(entries: readonly DictdEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { body } of entries) {
    for (const word of body.toLowerCase().match(/(?<![\p{L}_])[a-z]{2,}(?![\p{L}])/gu) ?? []) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

/** Evidence one listing gives: first senses and first-listed translations count most. */
function weight(t: RawTranslation): number {
  return (t.marginal ? 0.15 : 1) / ((1 + t.senseIndex) * (1 + 0.7 * t.position));
}

/**
 * Final rank of an English rendering: evidence summed over every listing (so two dictionaries, or two
 * senses, agreeing beat one), scaled gently by how common the English word is in the examples.
 */
function rank(evidence: number, english: string, frequency: number): number {
  const multiword = english.includes(' ') || english.includes('-');
  return evidence * (1 + 0.25 * Math.log2(1 + frequency)) * (multiword ? 0.5 : 1);
}

/**
 * Russian → English, inverted from English → Russian dictionaries. Lookup is by exact (folded) form first,
 * then by Snowball stem; among lemmas sharing a stem the one sharing the longest prefix with the word wins
 * ("платьев" → "платье", not "плата").
 */
export class RuEnDictionary {
  private readonly byForm = new Map<string, DictionaryCandidate>();
  private readonly byStem = new Map<string, string[]>();
  readonly englishWords: ReadonlySet<string>;

  private constructor(candidates: Iterable<DictionaryCandidate>, englishWords: ReadonlySet<string>) {
    for (const c of candidates) {
      const best = this.byForm.get(c.russian);
      if (!best || c.score > best.score) this.byForm.set(c.russian, c);
    }
    for (const russian of this.byForm.keys()) {
      const stem = stemRussian(russian);
      const list = this.byStem.get(stem) ?? [];
      list.push(russian);
      this.byStem.set(stem, list);
    }
    this.englishWords = englishWords;
  }

  static empty(): RuEnDictionary {
    return new RuEnDictionary([], new Set());
  }

  /** Builds the index from installed dictd files; sources whose files are missing are skipped (see `loaded`). */
  static load(sources: readonly DictionarySource[]): {
    dictionary: RuEnDictionary;
    loaded: string[];
    missing: string[];
  } {
    const loaded: string[] = [];
    const missing: string[] = [];
    const evidence = new Map<string, { weight: number; sources: string[] }>();
    const frequency = new Map<string, number>();
    const englishWords = new Set<string>();
    for (const source of sources) {
      if (!existsSync(source.index) || !existsSync(source.dict)) {
        missing.push(source.name);
        continue;
      }
      const entries = readDictd(source.index, source.dict);
      for (const [word, count] of exampleFrequencies(entries)) frequency.set(word, (frequency.get(word) ?? 0) + count);
      for (const entry of entries) {
        const english = entry.headword.trim();
        if (!ENGLISH_HEADWORD.test(english)) continue;
        englishWords.add(english);
        const raw = source.format === 'mueller' ? muellerTranslations(entry.body) : freedictTranslations(entry.body);
        for (const t of raw) {
          const key = `${t.russian}\t${english}`;
          const seen = evidence.get(key);
          evidence.set(key, {
            weight: (seen?.weight ?? 0) + weight(t),
            sources: seen && !seen.sources.includes(source.name) ? [...seen.sources, source.name] : [source.name],
          });
        }
      }
      loaded.push(source.name);
    }
    const candidates: DictionaryCandidate[] = [];
    for (const [key, { weight: w, sources: from }] of evidence) {
      const [russian = '', english = ''] = key.split('\t');
      candidates.push({
        russian,
        english,
        score: rank(w, english, frequency.get(english) ?? 0),
        source: from.join('+'),
      });
    }
    return { dictionary: new RuEnDictionary(candidates, englishWords), loaded, missing };
  }

  static fromPairs(pairs: ReadonlyArray<readonly [string, string]>): RuEnDictionary {
    return new RuEnDictionary(
      pairs.map(([russian, english], i) => ({ russian: foldRussian(russian), english, score: -i, source: 'pairs' })),
      new Set(pairs.map(([, english]) => english)),
    );
  }

  get size(): number {
    return this.byForm.size;
  }

  lookup(word: string): DictionaryCandidate | undefined {
    const form = foldRussian(word);
    const exact = this.byForm.get(form);
    // A guessed lemma that the dictionary knows beats a stem sibling ("стакане" → стакан, "белых" → белый).
    let guessed: DictionaryCandidate | undefined;
    for (const lemma of guessLemmas(form)) {
      const candidate = this.byForm.get(lemma);
      if (candidate && (!guessed || candidate.score > guessed.score)) guessed = candidate;
    }
    if (exact && (!guessed || exact.score * 1.5 >= guessed.score)) return exact;
    if (guessed) return guessed;
    let best: DictionaryCandidate | undefined;
    let bestValue = 0;
    for (const sibling of this.byStem.get(stemRussian(form)) ?? []) {
      const candidate = this.byForm.get(sibling);
      if (!candidate) continue;
      // Among lemmas sharing the stem, sharing more of the word decides ("платьев": платье, not плата).
      const value = candidate.score * (commonPrefix(sibling, form) / form.length) ** 3;
      if (value > bestValue) {
        best = candidate;
        bestValue = value;
      }
    }
    return best;
  }
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
