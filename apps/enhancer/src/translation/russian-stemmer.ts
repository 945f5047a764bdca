import { newStemmer } from 'snowball-stemmers';

const stemmer = newStemmer('russian');

/** Lower-cased with ё folded to е: dictionaries and users spell it both ways. */
export function foldRussian(word: string): string {
  return word.toLowerCase().replace(/ё/gu, 'е');
}

/** Snowball (Porter-family) Russian stem of a word, after folding: "кофейни" and "кофейня" → "кофейн". */
export function stemRussian(word: string): string {
  return stemmer.stem(foldRussian(word));
}

// Case endings with the dictionary-form endings they come from. Snowball stems are not lemmas ("стакан"
// stems to "стака", "стакане" to "стакан"), so dictionary lookups first try these guessed lemmas.
const ADJECTIVE_ENDINGS = [
  'ого',
  'его',
  'ому',
  'ему',
  'ыми',
  'ими',
  'ая',
  'яя',
  'ую',
  'юю',
  'ое',
  'ее',
  'ые',
  'ие',
  'ых',
  'их',
  'ым',
  'им',
  'ой',
  'ей',
  'ый',
  'ий',
];
const ADJECTIVE_LEMMA = ['ый', 'ий', 'ой'];
const NOUN_ENDINGS = [
  'ями',
  'ами',
  'иях',
  'ях',
  'ах',
  'ям',
  'ам',
  'ом',
  'ем',
  'ов',
  'ев',
  'ей',
  'ью',
  'ой',
  'а',
  'я',
  'у',
  'ю',
  'е',
  'ы',
  'и',
  'ь',
  'о',
  '',
];
const NOUN_LEMMA = ['', 'а', 'я', 'ь', 'о', 'е', 'и', 'ы', 'ие', 'ия', 'ий'];

/**
 * Dictionary forms a Russian word may come from, most likely first: "белых" → белый, "подарков" → подарок
 * (fleeting vowel), "льна" → лен, "кроссовок" → кроссовки. Candidates are only guesses; callers keep the
 * first one their lexicon knows.
 */
export function guessLemmas(word: string): string[] {
  const form = foldRussian(word);
  const out = new Set<string>();
  const add = (candidate: string): void => {
    if (candidate.length >= 2 && candidate !== form) out.add(candidate);
  };
  for (const ending of ADJECTIVE_ENDINGS) {
    if (form.endsWith(ending) && form.length - ending.length >= 2) {
      for (const lemma of ADJECTIVE_LEMMA) add(form.slice(0, form.length - ending.length) + lemma);
    }
  }
  // Relational adjectives come from nouns: "мебельного" → мебель, "осенний" → осень, "кожаная" → кожа.
  for (const ending of ADJECTIVE_ENDINGS) {
    const base = form.slice(0, form.length - ending.length);
    if (form.endsWith(ending) && /[^н]н{1,2}$/u.test(base) && base.length >= 4) {
      const noun = base.replace(/н{1,2}$/u, '');
      for (const lemma of ['ь', 'а', '', 'о', 'я']) add(noun + lemma);
    }
  }
  for (const ending of NOUN_ENDINGS) {
    if (!form.endsWith(ending) || form.length - ending.length < 2) continue;
    const base = form.slice(0, form.length - ending.length);
    for (const lemma of NOUN_LEMMA) add(base + lemma);
    // Fleeting vowels: подарк-ов → подарок, льн-а → лен, and back: кроссовок → кроссовк-и.
    const consonant = base.at(-1) ?? '';
    if (/[бвгджзклмнпрстфхцчшщ]/u.test(consonant) && base.length >= 3) {
      const stem = base.slice(0, -1);
      if (stem.endsWith('ь')) add(`${stem.slice(0, -1)}е${consonant}`);
      else if (/[бвгджзклмнпрстфхцчшщ]$/u.test(stem)) {
        add(`${stem}о${consonant}`);
        add(`${stem}е${consonant}`);
      }
      const dropped = /^(.*[бвгджзклмнпрстфхцчшщ])[оеё]([бвгджзклмнпрстфхцчшщ])$/u.exec(base);
      if (dropped) for (const lemma of ['и', 'ы', 'а', 'я']) add(`${dropped[1]}${dropped[2]}${lemma}`);
    }
  }
  return [...out];
}
