export {
  RuEnDictionary,
  DEBIAN_DICTIONARIES,
  type DictionaryCandidate,
  type DictionarySource,
} from './ru-en-dictionary';
export { RussianTranslator, type Translation, type TranslatedWord, type WordSource } from './russian-translator';
export { Glossary } from './glossary';
export { detectLanguage, type Language, type LanguageDetection } from './language-detector';
export { transliterate } from '@atelier/ru-en';
export { stemRussian, foldRussian } from './russian-stemmer';
export { PromptTranslator, MorphologyTranslator, type PromptTranslation } from './prompt-translator';
