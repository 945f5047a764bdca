import { DOMAIN_GLOSSARY, FUNCTION_WORDS, SLANG, type Domain, type DomainSense } from './data/domain-glossary';
import { GLOSSARY_ENTRIES } from './data/marketing-glossary';
import { DictionaryLexicon, spokenFrequencies, type EnglishPos, type Sense } from './lexicon';
import type { PartOfSpeech, RussianMorphology, WordAnalysis } from './morphology';
import { LruCache } from './lru';
import { transliterate } from './transliterate';
import { withinEdits } from './typos';

export type WordSource = 'glossary' | 'dictionary' | 'slang' | 'rule' | 'transliterated' | 'dropped';

export interface TranslatedWord {
  russian: string;
  english: string;
  source: WordSource;
  lemma?: string;
}

export interface Translation {
  text: string;
  words: TranslatedWord[];
  /** Names and brands written in Latin letters (never a word with a dictionary lemma). */
  transliterated: string[];
  /** Common words (with a lemma) that no dictionary could translate: left out rather than transliterated. */
  untranslated: string[];
  /** Typos repaired before lookup ("кросовки" → кроссовки). */
  repaired: Array<{ from: string; to: string }>;
}

interface Token {
  kind: 'word' | 'number' | 'space' | 'other' | 'literal' | 'latin';
  text: string;
}

/** A word after analysis: its chosen reading and its English rendering (empty = function word dropped). */
interface Unit {
  russian: string;
  english: string;
  source: WordSource;
  lemma: string;
  pos: PartOfSpeech | 'PHRASE_N' | 'PHRASE_A' | 'NUM' | 'LATIN' | 'PUNCT';
  case?: string;
  plural: boolean;
  /** The Russian noun is plural-only ("джинсы"): its English is already plural. */
  pluraleTantum: boolean;
  /** Some reading of the chosen lemma is genitive ("кроссовок": nominative singular or genitive plural). */
  genitive?: boolean;
  /** A phrase that opens with its own adjective ("новая коллекция" → new): compounds go after it. */
  lead?: string;
  capital: boolean;
}

const QUOTED = /«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|"[^"]*"/gu;
// Cyrillic words (abbreviation dot kept), numbers (a sign only where no word precedes: "-30%", "2+1"),
// Latin words with digits ("AUTUMN10", "iPhone"), spaces, the rest.
const TOKEN =
  /(\p{Script=Cyrillic}+(?:[-'’]\p{Script=Cyrillic}+)*\.?)|((?:(?<![\p{L}\p{N}])[-−+])?\p{N}+(?:[.,:]\p{N}+)*(?:[+×x]\p{N}+)*)|(\p{L}[\p{L}\p{M}\p{N}]*(?:['’-][\p{L}\p{M}\p{N}]+)*)|(\s+)|([^\p{L}\p{M}\p{N}\s]+)/gu;
const fold = (s: string): string => s.toLowerCase().replace(/ё/gu, 'е');

const MONTHS: Readonly<Record<string, string>> = {
  январь: 'January',
  февраль: 'February',
  март: 'March',
  апрель: 'April',
  май: 'May',
  июнь: 'June',
  июль: 'July',
  август: 'August',
  сентябрь: 'September',
  октябрь: 'October',
  ноябрь: 'November',
  декабрь: 'December',
};
const WEEKDAYS: Readonly<Record<string, string>> = {
  понедельник: 'Monday',
  вторник: 'Tuesday',
  среда: 'Wednesday',
  четверг: 'Thursday',
  пятница: 'Friday',
  суббота: 'Saturday',
  воскресенье: 'Sunday',
  воскресение: 'Sunday',
};
/** Units after a number: lemma → [singular, plural]. */
const UNITS: Readonly<Record<string, readonly [string, string]>> = {
  год: ['year', 'years'],
  лето: ['year', 'years'],
  месяц: ['month', 'months'],
  неделя: ['week', 'weeks'],
  день: ['day', 'days'],
  час: ['hour', 'hours'],
  минута: ['minute', 'minutes'],
  килограмм: ['kg', 'kg'],
  кг: ['kg', 'kg'],
  грамм: ['g', 'g'],
  литр: ['l', 'l'],
  мл: ['ml', 'ml'],
  сантиметр: ['cm', 'cm'],
  см: ['cm', 'cm'],
  метр: ['m', 'm'],
  штука: ['piece', 'pieces'],
  шт: ['pcs', 'pcs'],
  рубль: ['RUB', 'RUB'],
  руб: ['RUB', 'RUB'],
  р: ['RUB', 'RUB'],
  процент: ['%', '%'],
  человек: ['person', 'people'],
  место: ['seat', 'seats'],
  этаж: ['floor', 'floors'],
  комната: ['room', 'rooms'],
};
/** Street-type abbreviations and words → English, written after the transliterated name. */
const STREETS: Readonly<Record<string, string>> = {
  'ул.': 'Street',
  ул: 'Street',
  улица: 'Street',
  'пр.': 'Avenue',
  'просп.': 'Avenue',
  проспект: 'Avenue',
  'пер.': 'Lane',
  переулок: 'Lane',
  'бул.': 'Boulevard',
  бульвар: 'Boulevard',
  'пл.': 'Square',
  площадь: 'Square',
  'наб.': 'Embankment',
  набережная: 'Embankment',
  'ш.': 'Highway',
  шоссе: 'Highway',
};
/** Compound prefixes a word is split at when OpenCorpora lacks the whole ("термокружка" → thermo + кружка). */
const PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['термо', 'thermo'],
  ['эко', 'eco'],
  ['мини', 'mini'],
  ['макси', 'maxi'],
  ['фото', 'photo'],
  ['аква', 'aqua'],
  ['био', 'bio'],
  ['супер', 'super'],
  ['мега', 'mega'],
  ['авто', 'car'],
  ['вело', 'bike'],
  ['арт', 'art'],
  ['видео', 'video'],
  ['веган', 'vegan'],
  ['смарт', 'smart'],
];

const RUSSIAN_TO_ENGLISH_POS: Partial<Record<PartOfSpeech, EnglishPos>> = {
  NOUN: 'n',
  ADJF: 'a',
  ADJS: 'a',
  PRTF: 'a',
  COMP: 'a',
  VERB: 'v',
  INFN: 'v',
  ADVB: 'adv',
};

interface GlossaryValue {
  senses: readonly DomainSense[];
  pos?: 'n' | 'a';
  source: 'glossary';
}

const LOANWORD_ENDINGS = ['ами', 'ом', 'ов', 'ам', 'ах', 'а', 'у', 'е', 'ы', 'и'];
const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  child: 'children',
  person: 'people',
  man: 'men',
  woman: 'women',
  foot: 'feet',
  tooth: 'teeth',
  mouse: 'mice',
  leaf: 'leaves',
  knife: 'knives',
  shelf: 'shelves',
  wife: 'wives',
  fish: 'fish',
  sheep: 'sheep',
  furniture: 'furniture',
  equipment: 'equipment',
  jewelry: 'jewelry',
  clothing: 'clothing',
  makeup: 'makeup',
};
const REPAIR_CACHE_SIZE = 4096;
const PERSON_POSSESSIVE: Readonly<Record<string, string>> = {
  child: "children's",
  kid: "kids'",
  man: "men's",
  woman: "women's",
  girl: "girls'",
  boy: "boys'",
};
const NOUN_LIKE = new Set<Unit['pos']>(['NOUN', 'PHRASE_N']);
const ADJ_LIKE = new Set<Unit['pos']>(['ADJF', 'PRTF']);

export interface RuEnTranslatorOptions {
  morphology: RussianMorphology;
  lexicon?: DictionaryLexicon;
}

/**
 * Russian → English by lemma: OpenCorpora morphology (Az.js) gives lemma, part of speech and case; the domain
 * glossary, then the curated marketing glossary, then the dictd dictionaries give senses; a sense is chosen by
 * part of speech, by the domains the other words of the request share, and by English word frequency.
 * Noun phrases are reordered into English compounds ("набор кистей для макияжа" → "makeup brush set"); numbers
 * with units, dates, deadlines and streets have their own rules. Typos are repaired against the lemma lexicon
 * before lookup; only names and brands (words without a dictionary lemma, or tagged as names) are transliterated.
 */
export class RuEnTranslator {
  private readonly morphology: RussianMorphology;
  private readonly lexicon: DictionaryLexicon;
  private readonly glossary = new Map<string, GlossaryValue>();
  private readonly maxPhrase: number;
  /** Lemmas by length and first letter, and by length and second letter (a typo may hit either). */
  private readonly lemmaBuckets = new Map<string, string[]>();
  /** Typo repairs by form (null = none found): the edit-distance search is the enhancer's latency tail. */
  private readonly repairs = new LruCache<string, WordAnalysis[] | null>(REPAIR_CACHE_SIZE);
  /** Loanwords recovered as English words, by lemma ('' = none). */
  private readonly loanwords = new LruCache<string, string>(REPAIR_CACHE_SIZE);
  /** Common spoken English words by length and first letter, for loanword recovery. */
  private spokenBuckets: Map<string, string[]> | undefined;
  readonly englishWords: ReadonlySet<string>;

  constructor(options: RuEnTranslatorOptions) {
    this.morphology = options.morphology;
    this.lexicon = options.lexicon ?? DictionaryLexicon.empty();
    let maxPhrase = 1;
    for (const entry of DOMAIN_GLOSSARY) {
      const key = fold(entry.ru);
      const seen = this.glossary.get(key);
      // The same sense listed twice (two blocks name one word alike) stays one sense.
      const added = entry.senses.filter((s) => !seen?.senses.some((t) => t.en === s.en));
      this.glossary.set(key, {
        senses: seen ? [...seen.senses, ...added] : entry.senses,
        ...((entry.pos ?? seen?.pos) ? { pos: entry.pos ?? seen?.pos } : {}),
        source: 'glossary',
      });
      maxPhrase = Math.max(maxPhrase, key.split(' ').length);
    }
    // The older marketing glossary is keyed by forms: its keys are lemmatized once here.
    for (const entry of GLOSSARY_ENTRIES) {
      const words = fold(entry.ru).split(/\s+/u);
      if (words.some((w) => /\d/u.test(w))) continue;
      const key = words.map((w) => this.bestLemma(w)).join(' ');
      if (!this.glossary.has(key))
        this.glossary.set(key, { senses: [{ en: entry.en, domains: [] }], source: 'glossary' });
      const exact = words.join(' ');
      if (!this.glossary.has(exact))
        this.glossary.set(exact, { senses: [{ en: entry.en, domains: [] }], source: 'glossary' });
      maxPhrase = Math.max(maxPhrase, words.length);
    }
    this.maxPhrase = maxPhrase;
    const english = new Set<string>(this.lexicon.englishWords);
    for (const value of this.glossary.values()) {
      for (const s of value.senses) for (const w of s.en.toLowerCase().split(/\s+/u)) if (w) english.add(w);
    }
    this.englishWords = english;
    const lemmas = new Set<string>([...this.glossary.keys()].filter((k) => !k.includes(' ')));
    for (const lemma of this.lexicon.lemmas()) lemmas.add(lemma);
    for (const lemma of lemmas) {
      for (const key of [`${lemma.length}:0${lemma[0]}`, `${lemma.length}:1${lemma[1]}`]) {
        const list = this.lemmaBuckets.get(key) ?? [];
        list.push(lemma);
        this.lemmaBuckets.set(key, list);
      }
    }
    // Built here, not on the first loanword, so no request pays for it.
    this.loanwordBuckets();
  }

  private bestLemma(word: string): string {
    return this.morphology.analyse(word)[0]?.lemma ?? word;
  }

  /** Whether a lemma has an English sense anywhere (glossary, slang, function words, dictionaries). */
  knows(lemma: string): boolean {
    return this.glossary.has(lemma) || lemma in FUNCTION_WORDS || this.lexicon.has(lemma);
  }

  translate(text: string): Translation {
    const tokens = tokenize(text);
    const result: Translation = { text: '', words: [], transliterated: [], untranslated: [], repaired: [] };
    // Pass 1: readings for every word, so sense choice can look at the whole request's domains.
    const readings = tokens.map((t) => (t.kind === 'word' ? this.read(t.text, result) : undefined));
    const domains = this.requestDomains(readings);
    const units: Array<Unit | 'space'> = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as Token;
      if (token.kind === 'space') {
        units.push('space');
        continue;
      }
      if (token.kind !== 'word') {
        units.push(passThrough(token));
        continue;
      }
      const rule = this.rules(tokens, readings, i, result);
      if (rule) {
        units.push(rule.unit);
        i = rule.next - 1;
        continue;
      }
      const phrase = this.phrase(readings, tokens, i, domains);
      if (phrase) {
        units.push(phrase.unit);
        result.words.push({ russian: phrase.russian, english: phrase.unit.english, source: 'glossary' });
        i = phrase.next - 1;
        continue;
      }
      const prev = [...units].reverse().find((u): u is Unit => u !== 'space');
      const nextToken = tokens.slice(i + 1).find((t) => t.kind !== 'space');
      const ranked = preferLemma(
        fold(token.text),
        rerank(readings[i] ?? [], prev, nextToken?.kind === 'word' ? readings[tokens.indexOf(nextToken)] : undefined),
        prev,
      );
      units.push(this.word(token.text, ranked, domains, result, i > 0));
    }
    result.text = render(reorder(units.filter((u): u is Unit => u !== 'space')));
    return result;
  }

  /** Readings of one word: exact dictionary form, else typo repair, else prefix split or a guess. */
  private read(word: string, result: Translation): WordAnalysis[] {
    const form = fold(word.replace(/\.$/u, ''));
    const exactForm = this.morphology.analyse(/^\p{Lu}\p{Ll}/u.test(word) ? word.replace(/\.$/u, '') : form);
    if (form in SLANG || form in FUNCTION_WORDS || this.glossary.has(form)) {
      if (exactForm.length > 0) return exactForm;
      const pos: PartOfSpeech = this.glossary.get(form)?.pos === 'a' ? 'ADJF' : 'NOUN';
      return [{ lemma: form, pos, plural: false, proper: false, known: true, typos: 0, score: 1 }];
    }
    if (exactForm.length > 0) return exactForm;
    if (form.includes('-')) return [];
    // A compound OpenCorpora lacks but the glossary has as a lemma ("экокожи" → экокожа).
    const guessed = this.morphology.guess(form).filter((a) => this.glossary.has(a.lemma));
    if (guessed.length > 0) return guessed.map((a) => ({ ...a, known: true }));
    // Loanwords the glossary has but OpenCorpora lacks, inflected ("барбершопа" → барбершоп).
    for (const ending of LOANWORD_ENDINGS) {
      const stem = form.slice(0, -ending.length);
      if (form.endsWith(ending) && stem.length >= 4 && this.glossary.has(stem)) {
        const plural = /^(?:ы|ов|ам|ами|ах)$/u.test(ending);
        return [
          {
            lemma: stem,
            pos: 'NOUN',
            plural,
            proper: false,
            known: true,
            typos: 0,
            score: 1,
            ...(ending === 'а' || ending === 'ов' ? { case: 'gent' as const } : {}),
          },
        ];
      }
    }
    const repaired = this.repair(form);
    if (repaired) {
      result.repaired.push({ from: word, to: repaired[0]?.lemma ?? '' });
      return repaired;
    }
    return this.morphology.guess(form).map((a) => ({ ...a, known: false }));
  }

  /** Typo repair, remembered per form (a repeated typo such as "зделайте" is searched for once). */
  private repair(form: string): WordAnalysis[] | undefined {
    const cached = this.repairs.get(form);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.searchRepair(form);
    this.repairs.set(form, found ?? null);
    return found;
  }

  /** Typo repair before lookup: Az.js one-edit readings whose lemma we can translate, then the lemma lexicon. */
  private searchRepair(form: string): WordAnalysis[] | undefined {
    if (form.length < 5) return undefined;
    const typo = this.morphology.analyseWithTypos(form).filter((a) => this.knows(a.lemma));
    if (typo.length > 0) return typo;
    const guess = this.morphology.guess(form)[0];
    const guessed = guess?.lemma ?? form;
    const limit = guessed.length >= 8 ? 2 : 1;
    for (const candidate of [guessed, form]) {
      for (let len = candidate.length - limit; len <= candidate.length + limit; len++) {
        const bucket = [
          ...(this.lemmaBuckets.get(`${len}:0${candidate[0]}`) ?? []),
          ...(this.lemmaBuckets.get(`${len}:1${candidate[1]}`) ?? []),
        ];
        for (const lemma of bucket) {
          if (withinEdits(candidate, lemma, limit)) {
            const analysis = this.morphology.analyse(lemma)[0];
            return [
              {
                lemma,
                pos: analysis?.pos ?? 'NOUN',
                plural: false,
                proper: false,
                known: true,
                typos: 1,
                score: 1,
                ...(guess?.case ? { case: guess.case } : analysis?.case ? { case: analysis.case } : {}),
              },
            ];
          }
        }
      }
    }
    return undefined;
  }

  /**
   * The English word a Russian loanword was borrowed from, when its transliteration is that word or one edit
   * from it (two for long words) among commonly used English words (SUBTLEX-US): "супермаркет" → supermarket,
   * "маркетплейс" → marketplace. Only for words no dictionary translates, so native words never go this way.
   */
  private loanword(lemma: string): string | undefined {
    const cached = this.loanwords.get(lemma);
    if (cached !== undefined) return cached || undefined;
    const latin = transliterate(lemma).toLowerCase();
    let found = '';
    if (/^[a-z]{5,}$/u.test(latin)) {
      const spoken = spokenFrequencies();
      if ((spoken.get(latin) ?? 0) >= 3) found = latin;
      else {
        const buckets = this.loanwordBuckets();
        const limit = latin.length >= 9 ? 2 : 1;
        let best = 0;
        for (let len = latin.length - limit; len <= latin.length + limit; len++) {
          for (const word of buckets.get(`${len}:${latin[0]}`) ?? []) {
            const count = spoken.get(word) ?? 0;
            if (count > best && withinEdits(latin, word, limit)) {
              found = word;
              best = count;
            }
          }
        }
      }
    }
    this.loanwords.set(lemma, found);
    return found || undefined;
  }

  private loanwordBuckets(): Map<string, string[]> {
    if (this.spokenBuckets) return this.spokenBuckets;
    const buckets = new Map<string, string[]>();
    for (const [word, count] of spokenFrequencies()) {
      if (count < 20 || !/^[a-z]{4,}$/u.test(word)) continue;
      const key = `${word.length}:${word[0]}`;
      const list = buckets.get(key) ?? [];
      list.push(word);
      buckets.set(key, list);
    }
    this.spokenBuckets = buckets;
    return buckets;
  }

  /** Domains of the request: votes of every word whose glossary entry belongs to domains unambiguously. */
  private requestDomains(readings: ReadonlyArray<WordAnalysis[] | undefined>): Map<Domain, number> {
    const votes = new Map<Domain, number>();
    for (const list of readings) {
      const value = list?.[0] ? this.glossary.get(list[0].lemma) : undefined;
      if (!value || value.senses.length !== 1) continue;
      for (const d of value.senses[0]?.domains ?? []) votes.set(d, (votes.get(d) ?? 0) + 1);
    }
    return votes;
  }

  private chooseSense(senses: readonly DomainSense[], domains: ReadonlyMap<Domain, number>): string {
    let best = senses[0]?.en ?? '';
    let bestVotes = -1;
    for (const s of senses) {
      const v = s.domains.reduce((sum, d) => sum + (domains.get(d) ?? 0), 0);
      if (v > bestVotes) {
        best = s.en;
        bestVotes = v;
      }
    }
    return best;
  }

  /** Multi-word glossary phrases matched on lemmas ("главный экран", "ручной работы", "салон красоты"). */
  private phrase(
    readings: ReadonlyArray<WordAnalysis[] | undefined>,
    tokens: readonly Token[],
    start: number,
    domains: ReadonlyMap<Domain, number>,
  ): { unit: Unit; next: number; russian: string } | undefined {
    const wordIdx: number[] = [];
    for (let j = start; j < tokens.length && wordIdx.length < this.maxPhrase; j++) {
      const t = tokens[j] as Token;
      if (t.kind === 'word') wordIdx.push(j);
      else if (t.kind !== 'space') break;
    }
    for (let len = wordIdx.length; len >= 2; len--) {
      const idx = wordIdx.slice(0, len);
      const lemmaSets = idx.map((j) => [
        fold((tokens[j] as Token).text),
        ...new Set((readings[j] ?? []).map((a) => a.lemma)),
      ]);
      const key = findKey(lemmaSets, this.glossary);
      if (!key) continue;
      const value = this.glossary.get(key) as GlossaryValue;
      const last = readings[idx[len - 1] as number]?.[0];
      const russian = idx.map((j) => (tokens[j] as Token).text).join(' ');
      const english = this.chooseSense(value.senses, domains);
      const first = readings[start]?.[0];
      const firstSense = first && ADJ_LIKE.has(first.pos) ? this.glossary.get(first.lemma)?.senses[0]?.en : undefined;
      const lead = firstSense && english.startsWith(`${firstSense} `) ? firstSense : undefined;
      return {
        unit: {
          ...(lead ? { lead } : {}),
          russian,
          english,
          source: 'glossary',
          lemma: key,
          pos: value.pos === 'a' ? 'PHRASE_A' : 'PHRASE_N',
          ...(last?.case ? { case: last.case } : {}),
          plural: last?.plural ?? false,
          pluraleTantum: false,
          capital: false,
        },
        next: (idx[len - 1] as number) + 1,
        russian,
      };
    }
    return undefined;
  }

  /** Numbers with units and ages, dates, deadlines and streets. */
  private rules(
    tokens: readonly Token[],
    readings: ReadonlyArray<WordAnalysis[] | undefined>,
    i: number,
    result: Translation,
  ): { unit: Unit; next: number } | undefined {
    const token = tokens[i] as Token;
    const nextWord = (from: number): number => {
      let j = from + 1;
      while (tokens[j]?.kind === 'space') j++;
      return j;
    };
    const lemmas = (j: number): string[] => (readings[j] ?? []).map((a) => a.lemma);
    const make = (russian: string, english: string, next: number, pos: Unit['pos'] = 'PHRASE_N') => {
      result.words.push({ russian, english, source: 'rule' });
      return {
        unit: {
          russian,
          english,
          source: 'rule' as const,
          lemma: russian,
          pos,
          plural: false,
          pluraleTantum: false,
          capital: true,
        },
        next,
      };
    };
    const form = fold(token.text);
    // Streets: "ул. Ленина" → "Lenina Street" (the name as written, transliterated).
    const street = STREETS[form];
    if (street) {
      const j = nextWord(i);
      const name = tokens[j];
      if (name?.kind === 'word' && /^\p{Lu}/u.test(name.text)) {
        const latin = transliterate(name.text.replace(/\.$/u, ''));
        result.transliterated.push(name.text);
        return make(`${token.text} ${name.text}`, `${latin} ${street}`, j + 1);
      }
    }
    // Deadlines: "до воскресенья" → "until Sunday", "до 8 марта" → "until March 8".
    if (form === 'до' || form === 'к' || form === 'с' || form === 'по') {
      const j = nextWord(i);
      const weekday = lemmas(j)
        .map((l) => WEEKDAYS[l])
        .find(Boolean);
      const prep = form === 'до' || form === 'по' ? 'until' : form === 'к' ? 'by' : 'from';
      if (weekday) return make(`${token.text} ${tokens[j]?.text}`, `${prep} ${weekday}`, j + 1);
      if (tokens[j]?.kind === 'number') {
        const k = nextWord(j);
        const month = lemmas(k)
          .map((l) => MONTHS[l])
          .find(Boolean);
        if (month)
          return make(
            `${token.text} ${tokens[j]?.text} ${tokens[k]?.text}`,
            `${prep} ${month} ${tokens[j]?.text}`,
            k + 1,
          );
      }
    }
    return undefined;
  }

  private word(
    text: string,
    readings: readonly WordAnalysis[],
    domains: ReadonlyMap<Domain, number>,
    result: Translation,
    notFirst: boolean,
  ): Unit {
    const form = fold(text.replace(/\.$/u, ''));
    const capital = /^\p{Lu}/u.test(text);
    const best = readings[0];
    const base = {
      russian: text,
      lemma: best?.lemma ?? form,
      pos: (best?.pos ?? 'UNKN') as Unit['pos'],
      ...(best?.case ? { case: best.case } : {}),
      plural: best?.plural ?? false,
      pluraleTantum: false,
      capital,
    };
    const done = (english: string, source: WordSource, lemma = base.lemma): Unit => {
      result.words.push({ russian: text, english, source, lemma });
      return { ...base, english, source, lemma };
    };
    if (form in SLANG) return { ...done(SLANG[form] as string, 'slang'), pos: 'PHRASE_N' };
    if (form in FUNCTION_WORDS) {
      return { ...done(FUNCTION_WORDS[form] as string, 'glossary'), pos: 'PREP' };
    }
    // A proper name in the dictionary (a surname, a town) or a capitalized unknown word mid-sentence is a name.
    const properOnly =
      !form.includes('-') && ((best?.proper ?? false) || (capital && notFirst && readings.some((a) => a.proper)));
    const known = readings.filter((a) => a.known);
    if (
      properOnly ||
      (known.length === 0 &&
        !result.repaired.some((r) => r.from === text) &&
        !form.includes('-') &&
        (capital || readings.length === 0))
    ) {
      if (!(known.length === 0 && this.glossary.has(form))) {
        const latin = transliterate(text.replace(/\.$/u, ''));
        result.transliterated.push(text);
        return { ...done(latin, 'transliterated'), pos: 'LATIN' };
      }
    }
    // Every reading's lemma is tried, best-scored first, glossary before dictionary.
    const ordered = [...readings].sort((a, b) => Number(b.known) - Number(a.known) || b.score - a.score);
    const genitiveOf = (lemma: string): boolean =>
      readings.some((a) => a.lemma === lemma && (a.case === 'gent' || a.case === 'gen2'));
    for (const reading of ordered) {
      // A participle is filed under its verb ("увлажняющий" → увлажнять); its own dictionary form is tried first.
      const participle = reading.pos === 'PRTF' ? this.glossary.get(participleKey(form)) : undefined;
      const value = participle ?? this.glossary.get(reading.lemma) ?? this.glossary.get(form);
      if (value) {
        const unit = done(this.chooseSense(value.senses, domains), 'glossary', reading.lemma);
        return {
          ...unit,
          genitive: genitiveOf(reading.lemma),
          pos: reading.pos,
          plural: reading.plural,
          ...(reading.case ? { case: reading.case } : {}),
          pluraleTantum: reading.pos === 'NOUN' && isPluraleTantum(reading),
        };
      }
    }
    for (const reading of ordered) {
      const sense = pickDictionarySense(this.lexicon.lookup(reading.lemma), reading.pos);
      if (sense) {
        const unit = done(sense, 'dictionary', reading.lemma);
        return {
          ...unit,
          genitive: genitiveOf(reading.lemma),
          pos: reading.pos,
          plural: reading.plural,
          ...(reading.case ? { case: reading.case } : {}),
        };
      }
    }
    // Derived words whose base we know: "мебельный" → мебель (furniture), "котиками" → кот (cat).
    for (const reading of ordered) {
      for (const baseLemma of derivationBases(reading.lemma, reading.pos)) {
        const value = this.glossary.get(baseLemma);
        const english = value
          ? this.chooseSense(value.senses, domains)
          : pickDictionarySense(this.lexicon.lookup(baseLemma), 'NOUN');
        if (!english) continue;
        const unit = done(english, value ? 'glossary' : 'dictionary', baseLemma);
        return {
          ...unit,
          genitive: genitiveOf(reading.lemma),
          pos: reading.pos,
          plural: reading.plural,
          ...(reading.case ? { case: reading.case } : {}),
        };
      }
    }
    // A borrowed word whose English original reads through the transliteration: "супермаркет" → supermarket.
    for (const candidate of known.length > 0 ? ordered.map((r) => r.lemma) : capital ? [] : [form]) {
      const english = this.loanword(candidate);
      if (english) return done(english, 'dictionary', candidate);
    }
    // Compounds OpenCorpora lacks: "термокружка" → thermo + кружка.
    for (const [prefix, english] of PREFIXES) {
      if (!form.startsWith(prefix) || form.length - prefix.length < 3) continue;
      const rest = form.slice(prefix.length).replace(/^-/u, '');
      const inner = this.word(rest, this.morphology.analyse(rest), domains, scratch(), notFirst);
      if (inner.source === 'glossary' || inner.source === 'dictionary')
        return done(`${english} ${inner.english}`, 'rule');
    }
    // Hyphenated words: each part on its own ("повар-кондитер" if no phrase knew it).
    if (form.includes('-')) {
      const parts = form.split('-').map((p) => this.word(p, this.morphology.analyse(p), domains, scratch(), true));
      if (parts.every((p) => p.source !== 'transliterated' && p.english)) {
        return { ...done(parts.map((p) => p.english).join(' '), 'rule'), pos: parts.at(-1)?.pos ?? 'NOUN' };
      }
    }
    if (known.length > 0) {
      // A common word with a lemma but no English sense: left out, never transliterated.
      result.untranslated.push(text);
      return { ...done('', 'dropped'), pos: 'PREP' };
    }
    const latin = transliterate(text.replace(/\.$/u, ''));
    result.transliterated.push(text);
    return { ...done(latin, 'transliterated'), pos: 'LATIN' };
  }
}

function scratch(): Translation {
  return { text: '', words: [], transliterated: [], untranslated: [], repaired: [] };
}

function isPluraleTantum(a: WordAnalysis): boolean {
  return a.plural && /(?:ы|и)$/u.test(a.lemma);
}

/** Best dictionary sense: same part of speech first (a noun for a noun), then the frequency-weighted score. */
function pickDictionarySense(senses: readonly Sense[], pos: PartOfSpeech): string | undefined {
  const wanted = RUSSIAN_TO_ENGLISH_POS[pos];
  let best: Sense | undefined;
  let bestScore = 0;
  for (const s of senses) {
    const factor = !wanted || s.pos === 'other' ? 0.6 : s.pos === wanted ? 1 : 0.25;
    if (s.score * factor > bestScore) {
      best = s;
      bestScore = s.score * factor;
    }
  }
  return best?.english;
}

/** The first glossary key spelled by one lemma (or the form) of every word in turn. */
function findKey(lemmaSets: readonly string[][], glossary: ReadonlyMap<string, unknown>): string | undefined {
  let keys = [''];
  for (const set of lemmaSets) {
    keys = keys.flatMap((k) => set.map((l) => (k ? `${k} ${l}` : l)));
    if (keys.length > 64) keys = keys.slice(0, 64);
  }
  return keys.find((k) => glossary.has(k));
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  const plain = (s: string): void => {
    for (const m of s.matchAll(TOKEN)) {
      const [all, cyr, num, lat, space] = m;
      if (cyr) {
        // "ул." keeps its dot (an abbreviation); any other word's trailing dot is sentence punctuation.
        if (cyr.endsWith('.') && !/^(?:ул|пр|просп|пер|бул|пл|наб|ш|г|д|руб|шт|см|кг|мл|р)\.$/iu.test(cyr)) {
          tokens.push({ kind: 'word', text: cyr.slice(0, -1) }, { kind: 'other', text: '.' });
        } else tokens.push({ kind: 'word', text: cyr });
      } else if (num) tokens.push({ kind: 'number', text: num });
      else if (lat) tokens.push({ kind: 'latin', text: lat });
      else if (space) tokens.push({ kind: 'space', text: ' ' });
      else tokens.push({ kind: 'other', text: all });
    }
  };
  for (const m of text.matchAll(QUOTED)) {
    plain(text.slice(last, m.index));
    tokens.push({ kind: 'literal', text: m[0] });
    last = m.index + m[0].length;
  }
  plain(text.slice(last));
  return tokens;
}

function passThrough(token: Token): Unit {
  const pos: Unit['pos'] = token.kind === 'number' ? 'NUM' : token.kind === 'other' ? 'PUNCT' : 'LATIN';
  return {
    russian: token.text,
    english: token.text,
    source: 'rule',
    lemma: token.text,
    pos,
    plural: false,
    pluraleTantum: false,
    capital: false,
  };
}

function pluralize(english: string): string {
  const words = english.split(' ');
  const last = words.pop() ?? '';
  if (IRREGULAR_PLURALS[last]) return [...words, IRREGULAR_PLURALS[last]].join(' ');
  if (!/^[a-z]+$/u.test(last) || (/s$/u.test(last) && !/ss$/u.test(last))) return english;
  const plural = /(?:x|ch|sh|ss)$/u.test(last)
    ? `${last}es`
    : /[^aeiou]y$/u.test(last)
      ? `${last.slice(0, -1)}ies`
      : `${last}s`;
  return [...words, plural].join(' ');
}

/**
 * English phrase order. A noun phrase is adjectives + head noun, followed in Russian by genitive nouns and
 * "для"/"из" complements (each with its own adjectives) and postposed descriptive phrases ("ручной работы");
 * English puts all of those before the head as a compound: the last dependent first.
 * Numbers followed by a unit ("5 лет") become "5 years"; "8 марта" becomes "March 8".
 */
function reorder(units: readonly Unit[]): Unit[] {
  const out: Unit[] = [];
  let i = 0;
  const takeNp = (from: number): { english: string[]; next: number } | undefined => {
    let j = from;
    const adjs: string[] = [];
    while (units[j] && ADJ_LIKE.has(units[j]!.pos)) adjs.push(units[j++]!.english);
    const head = units[j];
    if (!head || !NOUN_LIKE.has(head.pos)) return undefined;
    return { english: [...adjs.filter(Boolean), head.english].filter(Boolean), next: j + 1 };
  };
  while (i < units.length) {
    const u = units[i] as Unit;
    // Numbers: units, dates.
    if (u.pos === 'NUM') {
      const next = units[i + 1];
      const month = next ? MONTHS[next.lemma] : undefined;
      if (next && month) {
        out.push({ ...u, english: `${month} ${u.english}`, pos: 'PHRASE_N' });
        i += 2;
        continue;
      }
      const unit = next ? (UNITS[next.lemma] ?? UNITS[fold(next.russian).replace(/\.$/u, '')]) : undefined;
      if (next && unit) {
        const n = Number(u.english.replace(',', '.'));
        out.push({
          ...u,
          english: unit[0] === '%' ? `${u.english}%` : `${u.english} ${n === 1 ? unit[0] : unit[1]}`,
          pos: 'PHRASE_N',
        });
        i += 2;
        continue;
      }
    }
    const np = takeNp(i);
    if (!np) {
      out.push(u);
      i++;
      continue;
    }
    const head = units[np.next - 1] as Unit;
    const dependents: string[][] = [];
    let j = np.next;
    for (;;) {
      const d = units[j];
      if (!d) break;
      if (d.pos === 'PHRASE_A') {
        dependents.push([d.english]);
        j++;
        continue;
      }
      if ((d.lemma === 'для' || d.lemma === 'из') && units[j + 1]) {
        const sub = takeNp(j + 1);
        const subHead = units[(sub?.next ?? 0) - 1];
        if (sub && subHead && genitive(subHead)) {
          // "для детей" → children's, "для мужчин" → men's: people in a compound keep their plural.
          const possessive = d.lemma === 'для' && subHead.plural ? PERSON_POSSESSIVE[sub.english.at(-1) ?? ''] : '';
          if (possessive) sub.english[sub.english.length - 1] = possessive;
          dependents.push(sub.english);
          j = sub.next;
          continue;
        }
        break;
      }
      const sub = takeNp(j);
      if (sub && genitive(units[sub.next - 1] as Unit) && units[sub.next - 1]!.pos === 'NOUN') {
        dependents.push(sub.english);
        j = sub.next;
        continue;
      }
      break;
    }
    const adjectives = np.english.slice(0, -1);
    let headEnglish = np.english.at(-1) ?? '';
    if (head.lead && dependents.length > 0) {
      adjectives.push(head.lead);
      headEnglish = headEnglish.slice(head.lead.length + 1);
    }
    if (head.plural && !head.pluraleTantum && head.pos === 'NOUN') headEnglish = pluralize(headEnglish);
    const english = [...adjectives, ...dependents.reverse().flat(), headEnglish].filter(Boolean).join(' ');
    out.push({ ...head, english, pos: 'PHRASE_N' });
    i = j;
  }
  return out;
}

function genitive(u: Unit): boolean {
  return u.case === 'gent' || u.case === 'gen2' || u.genitive === true;
}

/**
 * Context decides between readings Az.js scores alike: after a noun a genitive is likelier; at the start of a
 * phrase (after punctuation, a number or nothing) a nominative; a word that ends the phrase is a noun rather than
 * an adjective ("со льдом и мятой": мята, not мятый).
 */
function rerank(
  readings: readonly WordAnalysis[],
  prev: Unit | undefined,
  next: WordAnalysis[] | undefined,
): WordAnalysis[] {
  if (readings.length < 2) return [...readings];
  const wantCase = prev && NOUN_LIKE.has(prev.pos) ? 'gent' : !prev || prev.pos === 'PUNCT' ? 'nomn' : undefined;
  const nextIsNoun = next?.some((a) => a.pos === 'NOUN') ?? false;
  // After an adjective, the reading that agrees with it in number and case ("серебряные серьги": plural).
  const agree = prev && ADJ_LIKE.has(prev.pos) ? prev : undefined;
  const value = (a: WordAnalysis): number =>
    a.score +
    (a.known ? 2 : 0) +
    (agree && a.pos === 'NOUN' && a.plural === agree.plural ? 0.8 : 0) +
    (agree && a.pos === 'NOUN' && agree.case !== undefined && a.case === agree.case ? 0.3 : 0) +
    (wantCase && a.case === wantCase ? 0.5 : 0) +
    (!nextIsNoun && a.pos === 'NOUN' && readings.some((b) => ADJ_LIKE.has(b.pos as Unit['pos'])) ? 0.6 : 0);
  return [...readings].sort((a, b) => value(b) - value(a));
}

/**
 * Forms shared by two lemmas where shop and SMM text almost always means one of them: "цветов" is the genitive
 * plural of цветок (flowers: "доставка цветов", "магазин цветов") and of цвет (colours: "ярких цветов"); an
 * adjective right before it keeps the colour reading.
 */
const PREFERRED_LEMMA: Readonly<Record<string, { lemma: string; unlessAfterAdjective: boolean }>> = {
  цветов: { lemma: 'цветок', unlessAfterAdjective: true },
  цветам: { lemma: 'цветок', unlessAfterAdjective: true },
  цветами: { lemma: 'цветок', unlessAfterAdjective: true },
  цветах: { lemma: 'цветок', unlessAfterAdjective: true },
};

function preferLemma(form: string, readings: WordAnalysis[], prev: Unit | undefined): WordAnalysis[] {
  const rule = PREFERRED_LEMMA[form];
  if (!rule || (rule.unlessAfterAdjective && prev && ADJ_LIKE.has(prev.pos))) return readings;
  return [...readings.filter((a) => a.lemma === rule.lemma), ...readings.filter((a) => a.lemma !== rule.lemma)];
}

const ADJECTIVE_SUFFIXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ьный', ['ь']],
  ['ный', ['', 'а', 'о', 'ь', 'я']],
  ['овый', ['', 'а']],
  ['евый', ['ь', 'я', '']],
  ['ский', ['', 'а']],
  ['ной', ['', 'а']],
  ['ний', ['', 'ь']],
];
const DIMINUTIVE_SUFFIXES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['ик', ['']],
  ['чик', ['']],
  ['ок', ['']],
  ['очка', ['а', 'ка']],
  ['ечка', ['а', 'я']],
  ['онька', ['а']],
  ['енька', ['а', 'я']],
  ['ушка', ['а']],
];

/**
 * The masculine nominative singular of a full participle form, the key the glossary files participles under
 * ("увлажняющую" → увлажняющий, "подержанных" → подержанный, "удалённая" → удаленный).
 */
export function participleKey(form: string): string {
  const m = /^(.+?)(ая|яя|ую|юю|ое|ее|ые|ие|ых|их|ым|им|ыми|ими|ого|его|ому|ему|ом|ем|ой|ей|ый|ий)$/u.exec(form);
  if (!m?.[1]) return form;
  return m[1] + (/[щшжчкгх]$/u.test(m[1]) ? 'ий' : 'ый');
}

/** Candidate base lemmas of a derived adjective or a diminutive noun (tried only when the word itself is unknown). */
function derivationBases(lemma: string, pos: string): string[] {
  const table = pos === 'NOUN' ? DIMINUTIVE_SUFFIXES : ADJ_LIKE.has(pos as Unit['pos']) ? ADJECTIVE_SUFFIXES : [];
  const out: string[] = [];
  for (const [suffix, endings] of table) {
    if (!lemma.endsWith(suffix) || lemma.length - suffix.length < 3) continue;
    const stem = lemma.slice(0, -suffix.length);
    for (const ending of endings) out.push(stem + ending);
  }
  return out;
}

function render(units: readonly Unit[]): string {
  let text = '';
  for (const u of units) {
    if (!u.english) continue;
    if (u.pos === 'PUNCT') {
      text += /^[(«"“„-]$/u.test(u.english) ? ` ${u.english}` : u.english;
      continue;
    }
    text += text.length === 0 || /[(«"“„]$/u.test(text) ? u.english : ` ${u.english}`;
  }
  return text
    .replace(/\s+/gu, ' ')
    .replace(/\s+([,.!?;:…)%])/gu, '$1')
    .replace(/^[\s,;:]+|[\s,;:]+$/gu, '')
    .replace(/([,;:])(?:\s*[,;:])+/gu, '$1')
    .trim();
}
