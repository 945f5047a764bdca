import { dirname, join } from 'node:path';
import Az, { type AzParse } from 'az';

export type PartOfSpeech =
  | 'NOUN'
  | 'ADJF'
  | 'ADJS'
  | 'COMP'
  | 'VERB'
  | 'INFN'
  | 'PRTF'
  | 'PRTS'
  | 'GRND'
  | 'NUMR'
  | 'ADVB'
  | 'NPRO'
  | 'PRED'
  | 'PREP'
  | 'CONJ'
  | 'PRCL'
  | 'INTJ'
  | 'UNKN';

export type GrammaticalCase = 'nomn' | 'gent' | 'datv' | 'accs' | 'ablt' | 'loct' | 'voct' | 'gen2' | 'loc2' | 'acc2';

/** One reading of a word form: OpenCorpora lemma, part of speech and case (pymorphy2-style tags via Az.js). */
export interface WordAnalysis {
  lemma: string;
  pos: PartOfSpeech;
  case?: GrammaticalCase;
  plural: boolean;
  /** Proper-name grammemes: Name, Surn, Patr, Geox, Trad. */
  proper: boolean;
  /** True when the form is in the OpenCorpora dictionary; false when guessed from its ending. */
  known: boolean;
  /** Typos Az.js corrected to find the form (0 for an exact dictionary form). */
  typos: number;
  score: number;
}

// Not Orgn: OpenCorpora puts it on common nouns for kinds of organisation ("стоматология").
const PROPER = ['Name', 'Surn', 'Patr', 'Geox', 'Trad'];
const CACHE_LIMIT = 50_000;

function toAnalysis(parse: AzParse): WordAnalysis {
  const tag = parse.tag;
  const normal = parse.normalize();
  return {
    lemma: (normal.word ?? parse.word).toLowerCase().replace(/ё/gu, 'е'),
    pos: ((tag.POST as string | undefined) ?? 'UNKN') as PartOfSpeech,
    case: tag.CAse as GrammaticalCase | undefined,
    plural: tag.NMbr === 'plur',
    proper: PROPER.some((g) => Boolean(tag[g])),
    known: parse.parser === 'Dictionary',
    typos: parse.typosCnt ?? 0,
    score: parse.score,
  };
}

/**
 * Russian morphology over Az.js and its OpenCorpora dictionaries (DAWG files shipped inside the npm package,
 * so nothing is downloaded). Az.js keeps its dictionaries in module state: load once per process.
 * Analyses are cached per form; only exact dictionary readings are cheap, so typo search runs only on demand.
 */
export class RussianMorphology {
  private static loading: Promise<RussianMorphology> | undefined;
  private readonly cache = new Map<string, WordAnalysis[]>();

  private constructor() {}

  /** The dictionaries directory of the installed `az` package. */
  static dictionaryDir(): string {
    return join(dirname(require.resolve('az/package.json')), 'dicts');
  }

  static load(dir: string = RussianMorphology.dictionaryDir()): Promise<RussianMorphology> {
    RussianMorphology.loading ??= new Promise((resolve, reject) => {
      Az.Morph.init(dir, (err) => (err ? reject(err) : resolve(new RussianMorphology())));
    });
    return RussianMorphology.loading;
  }

  /**
   * Dictionary readings of the exact form (ё-insensitive), best first; empty when OpenCorpora lacks the form.
   * Case is kept: a capital letter is what lets "Ленина" read as a surname rather than as "ленин" (Lenin's).
   */
  analyse(word: string): WordAnalysis[] {
    const form = word;
    const cached = this.cache.get(form);
    if (cached) return cached;
    const result = Az.Morph(form, { parsers: ['Dictionary'], typos: 0 }).map(toAnalysis);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(form, result);
    return result;
  }

  /** Dictionary readings one typo away (Az.js keyboard-aware edits); empty for short words. */
  analyseWithTypos(word: string): WordAnalysis[] {
    if (word.length < 5) return [];
    return Az.Morph(word.toLowerCase(), { parsers: ['Dictionary'], typos: 1 })
      .map(toAnalysis)
      .filter((a) => a.typos > 0);
  }

  /** Readings guessed from the ending for a form the dictionary lacks (names, brands, new words). */
  guess(word: string): WordAnalysis[] {
    return Az.Morph(word.toLowerCase(), { parsers: ['SuffixKnown'], typos: 0 }).map(toAnalysis);
  }
}
