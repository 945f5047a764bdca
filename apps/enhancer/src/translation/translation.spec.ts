import { DEBIAN_DICTIONARIES, Glossary, RuEnDictionary, RussianTranslator, detectLanguage, transliterate } from '.';
import { cleanPrompt } from '../prompt-rules';
import { guessLemmas } from './russian-stemmer';
import { containsTerm, hasCyrillicOutsideQuotes, scoreTranslation } from './translation-eval';
import { TRANSLATION_EVAL_SET, TRANSLATION_HELD_OUT_SET } from './translation-eval.data';

// The real Debian dictionaries (.ci/run installs mueller7-dict and dict-freedict-eng-rus).
const loaded = RuEnDictionary.load(DEBIAN_DICTIONARIES('/usr/share/dictd'));
const translator = new RussianTranslator(loaded.dictionary);

describe('built-in Russian → English translation', () => {
  it('indexes both installed dictionaries', () => {
    expect(loaded.loaded).toEqual(['mueller7', 'freedict-eng-rus']);
    expect(loaded.dictionary.size).toBeGreaterThan(20000);
    expect(loaded.dictionary.lookup('осени')?.english).toBe('autumn');
    expect(loaded.dictionary.lookup('платьев')?.english).toBe('dress');
    expect(loaded.dictionary.lookup('новая')?.english).toBe('new');
  });

  it('turns the seed requests into English, keeping numbers, prices and quoted names', () => {
    expect(translator.translate('баннер для кофейни, осень, скидка 20%').text).toBe(
      'banner for coffee shop, autumn, discount 20%',
    );
    const quoted = translator.translate('сторис для «Кофемания» -30% на всё, 1 990₽');
    expect(quoted.text).toBe('story for «Кофемания» -30% on everything, 1 990₽');
    expect(translator.translate('скидка 2+1 на Nike').text).toBe('discount 2+1 on Nike');
  });

  it('lets the glossary win over the dictionary and transliterates (and reports) unknown words', () => {
    expect(loaded.dictionary.lookup('скидка')?.english).not.toBe('discount off'); // dictionary has its own view
    const t = translator.translate('скидка в Пупырышкин');
    expect(t.words[0]).toEqual({ russian: 'скидка', english: 'discount', source: 'glossary' });
    expect(t.transliterated).toEqual(['Пупырышкин']);
    expect(t.text).toContain('Pupyryshkin');
  });

  it('guesses lemmas for case forms the stemmer splits from their dictionary form', () => {
    expect(guessLemmas('подарков')).toContain('подарок');
    expect(guessLemmas('белых')).toContain('белый');
    expect(guessLemmas('льна')).toContain('лен');
    expect(new Glossary().match(['белых'])?.entry.en).toBe('white');
  });

  it('transliterates names readably', () => {
    expect(transliterate('Кофемания')).toBe('Kofemaniya');
    expect(transliterate('ЦУМ')).toBe('TSUM');
    expect(transliterate('Щука и Ёж')).toBe('Shchuka i Ezh');
  });

  it('detects ru / en / mixed without counting quoted text or brand names', () => {
    const lexicon = translator.englishLexicon;
    expect(detectLanguage('баннер для Zara', lexicon).language).toBe('ru');
    expect(detectLanguage('insta пост', lexicon).language).toBe('mixed');
    expect(detectLanguage('autumn sale «Осень»', lexicon).language).toBe('en');
    expect(detectLanguage('20% 1990', lexicon).language).toBe('unknown');
  });

  it('scores the hand-labelled set: every Russian request ends with no Cyrillic outside quotes', () => {
    const tuned = scoreTranslation(translator, TRANSLATION_EVAL_SET);
    const heldOut = scoreTranslation(translator, TRANSLATION_HELD_OUT_SET);
    const glossaryOnly = scoreTranslation(new RussianTranslator(RuEnDictionary.empty()), TRANSLATION_HELD_OUT_SET);
    const dictionaryOnly = scoreTranslation(
      new RussianTranslator(loaded.dictionary, new Glossary([])),
      TRANSLATION_HELD_OUT_SET,
    );
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    console.log(
      [
        `translation eval (${tuned.phrases} phrases, glossary tuned on them): term recall ${pct(tuned.termRecall)}, language ${pct(tuned.languageAccuracy)}`,
        `held out (${heldOut.phrases} phrases): term recall ${pct(heldOut.termRecall)} (glossary only ${pct(glossaryOnly.termRecall)}, dictionary only ${pct(dictionaryOnly.termRecall)}), language ${pct(heldOut.languageAccuracy)}`,
        ...heldOut.misses.map((m) => `  miss ${m.missing.join('|')}: ${m.text} → ${m.output}`),
      ].join('\n'),
    );
    expect(tuned.cyrillicFree).toBe(1);
    expect(heldOut.cyrillicFree).toBe(1);
    expect(tuned.termRecall).toBeGreaterThan(0.95);
    expect(heldOut.termRecall).toBeGreaterThan(0.8);
    expect(heldOut.termRecall).toBeGreaterThan(glossaryOnly.termRecall);
    expect(tuned.languageAccuracy).toBeGreaterThan(0.95);
    expect(heldOut.languageAccuracy).toBeGreaterThan(0.9);
  });

  it('keeps every number of the input in the output', () => {
    for (const item of [...TRANSLATION_EVAL_SET, ...TRANSLATION_HELD_OUT_SET]) {
      const cleaned = cleanPrompt(item.text).text;
      const out = translator.translate(cleaned).text;
      for (const number of cleaned.match(/\d+(?:[.,]\d+)*%?/gu) ?? []) expect(out).toContain(number);
      expect(hasCyrillicOutsideQuotes(out)).toBe(false);
    }
    expect(containsTerm('new dresses', 'dress')).toBe(true);
    expect(containsTerm('address', 'dress')).toBe(false);
  });
});
