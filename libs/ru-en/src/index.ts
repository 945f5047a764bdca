export { RussianMorphology, type WordAnalysis, type PartOfSpeech, type GrammaticalCase } from './morphology';
export {
  DictionaryLexicon,
  DEBIAN_DICTIONARIES,
  muellerTranslations,
  freedictTranslations,
  type DictionarySource,
  type Sense,
  type EnglishPos,
} from './lexicon';
export { RuEnTranslator, type Translation, type TranslatedWord, type WordSource } from './translator';
export { EnTranslator } from './en-ru';
export { readDictd, decodeDictdNumber, type DictdEntry } from './dictd';
export { transliterate } from './transliterate';
export { withinEdits } from './typos';
export { DOMAIN_GLOSSARY, SLANG, FUNCTION_WORDS, DOMAINS, type Domain, type DomainEntry } from './data/domain-glossary';
export {
  GLOSSARY_ENTRIES,
  MARKETING_GLOSSARY,
  type GlossaryEntry,
  type GlossaryCategory,
} from './data/marketing-glossary';
