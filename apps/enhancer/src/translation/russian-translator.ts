import { Glossary } from './glossary';
import { RuEnDictionary } from './ru-en-dictionary';
import { PromptTranslator } from './prompt-translator';
import { transliterate } from '@atelier/ru-en';

export type WordSource = 'glossary' | 'dictionary' | 'transliterated';

export interface TranslatedWord {
  russian: string;
  english: string;
  source: WordSource;
}

export interface Translation {
  text: string;
  words: TranslatedWord[];
  /** Russian words neither the glossary nor the dictionary knew: written in Latin letters instead. */
  transliterated: string[];
}

interface Token {
  kind: 'word' | 'space' | 'other' | 'literal';
  text: string;
}

const QUOTED = /«[^«»]*»|“[^“”]*”|„[^„“”]*[“”]|"[^"]*"/gu;
// Words (letters with inner hyphens/apostrophes) and numbers ("20", "1.990", "3,5"); the rest is kept as is.
const TOKEN = /([\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*|\p{N}+(?:[.,]\p{N}+)*)|(\s+)|([^\p{L}\p{M}\p{N}\s]+)/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  const pushPlain = (plain: string): void => {
    for (const m of plain.matchAll(TOKEN)) {
      tokens.push({ kind: m[1] ? 'word' : m[2] ? 'space' : 'other', text: m[0] });
    }
  };
  for (const m of text.matchAll(QUOTED)) {
    pushPlain(text.slice(last, m.index));
    tokens.push({ kind: 'literal', text: m[0] });
    last = m.index + m[0].length;
  }
  pushPlain(text.slice(last));
  return tokens;
}

/**
 * The legacy path (kept callable so the translation eval can compare against it in the same run).
 * Russian → English word by word: curated glossary phrases and words first (by Snowball stem), then the
 * inverted dictionaries, then transliteration (reported). Latin words, numbers, prices, percentages,
 * punctuation and quoted text pass through untouched, so "скидка 20%" keeps its "20%" and «Кофемания» stays
 * exactly as the customer wrote it.
 */
export class RussianTranslator extends PromptTranslator {
  constructor(
    private readonly dictionary: RuEnDictionary,
    private readonly glossary: Glossary = new Glossary(),
  ) {
    super();
  }

  get englishLexicon(): ReadonlySet<string> {
    return this.dictionary.englishWords.size > 0 ? this.dictionary.englishWords : this.glossary.englishWords;
  }

  translate(text: string): Translation {
    const tokens = tokenize(text);
    const out: string[] = [];
    const words: TranslatedWord[] = [];
    const transliterated: string[] = [];
    let i = 0;
    while (i < tokens.length) {
      const token = tokens[i] as Token;
      const cyrillic = token.kind === 'word' && CYRILLIC.test(token.text);
      // Numbers may open a glossary phrase ("8 марта"), never a single-word match.
      const numberPhrase = token.kind === 'word' && /^\p{N}+$/u.test(token.text);
      if (!cyrillic && !numberPhrase) {
        out.push(token.kind === 'space' ? ' ' : token.text);
        i++;
        continue;
      }
      // Collect the run of words separated only by spaces for phrase matching.
      const run: number[] = [];
      for (let j = i; j < tokens.length && run.length < 6; j++) {
        const t = tokens[j] as Token;
        if (t.kind === 'word') run.push(j);
        else if (t.kind !== 'space') break;
      }
      const match = this.glossary.match(run.map((j) => (tokens[j] as Token).text));
      if (numberPhrase && (match?.length ?? 0) < 2) {
        out.push(token.text);
        i++;
        continue;
      }
      if (match) {
        const last = run[match.length - 1] ?? i;
        const russian = tokens
          .slice(i, last + 1)
          .map((t) => t.text)
          .join('');
        out.push(match.entry.en);
        words.push({ russian, english: match.entry.en, source: 'glossary' });
        i = last + 1;
        continue;
      }
      const found = this.dictionary.lookup(token.text);
      if (found) {
        out.push(found.english);
        words.push({ russian: token.text, english: found.english, source: 'dictionary' });
      } else {
        const latin = transliterate(token.text);
        out.push(latin);
        words.push({ russian: token.text, english: latin, source: 'transliterated' });
        transliterated.push(token.text);
      }
      i++;
    }
    return { text: tidy(out.join('')), words, transliterated };
  }
}

/** Dropped words (glossary "" entries) leave double spaces and spaces before punctuation behind. */
function tidy(text: string): string {
  return text
    .replace(/\s+/gu, ' ')
    .replace(/\s+([,.!?;:…)])/gu, '$1')
    .replace(/^[\s,;:]+|[\s,;:]+$/gu, '')
    .replace(/([,;:])(?:\s*[,;:])+/gu, '$1');
}
