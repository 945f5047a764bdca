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
