import { DEBIAN_DICTIONARIES, DictionaryLexicon, EnTranslator, RuEnTranslator, RussianMorphology } from './index';
import { participleKey } from './translator';
import { spokenFrequencies } from './lexicon';
import { LruCache } from './lru';

// Real OpenCorpora morphology (from the az package) and the real dictd dictionaries when installed.
let translator: RuEnTranslator;
let glossaryOnly: RuEnTranslator;

beforeAll(async () => {
  const morphology = await RussianMorphology.load();
  translator = new RuEnTranslator({
    morphology,
    lexicon: DictionaryLexicon.load(DEBIAN_DICTIONARIES('/usr/share/dictd')).lexicon,
  });
  glossaryOnly = new RuEnTranslator({ morphology });
}, 60_000);

const en = (text: string): string => translator.translate(text).text;

describe('RussianMorphology', () => {
  it('gives lemma, part of speech and case', async () => {
    const morphology = await RussianMorphology.load();
    const [best] = morphology.analyse('кистей');
    expect(best).toMatchObject({ lemma: 'кисть', pos: 'NOUN', case: 'gent', plural: true, known: true });
    expect(morphology.analyse('Ленина').some((a) => a.proper)).toBe(true);
    expect(morphology.analyse('вокансия')).toEqual([]);
  });
});

describe('RuEnTranslator', () => {
  it('reorders genitive chains and для/из complements into English compounds', () => {
    expect(en('набор кистей для макияжа')).toBe('makeup brush set');
    expect(en('чехол из экокожи')).toBe('faux leather case');
    expect(en('новая коллекция платьев')).toBe('new dress collection');
    expect(en('мыло ручной работы')).toBe('handmade soap');
    expect(en('главный экран приложения')).toBe('app home screen');
  });

  it('chooses senses by part of speech, frequency and the other words of the request', () => {
    expect(en('коровы на лугу')).toMatch(/^cows\b/u);
    expect(en('бокалы для вина')).toBe('wine glasses');
    expect(en('кисти винограда')).toContain('bunch');
    expect(en('кисти для макияжа')).toContain('brush');
    expect(en('тёмно-синий свитер')).toBe('navy sweater');
  });

  it('renders numbers with units, dates, deadlines and streets', () => {
    expect(en('ребенку 5 лет')).toContain('5 years');
    expect(en('к 8 марта')).toContain('March 8');
    expect(en('скидка до воскресенья')).toBe('discount until Sunday');
    expect(en('кофейня на ул. Ленина')).toBe('coffee shop on Lenina Street');
  });

  it('knows SMM and shop slang', () => {
    expect(en('пост в инсту про предзаказ')).toBe('post in Instagram about pre-order');
    expect(en('вб')).toBe('Wildberries');
    expect(en('ДР кофейни')).toContain('birthday');
  });

  it('repairs typos against the lemma lexicon before lookup and never transliterates a common word', () => {
    const typo = translator.translate('вокансия кросовки колекцию');
    expect(typo.text).toBe('job opening sneakers collection');
    expect(typo.transliterated).toEqual([]);
    expect(typo.repaired.map((r) => r.to)).toEqual(['вакансия', 'кроссовок', 'коллекция']);
  });

  it('transliterates names and brands only, and keeps quoted text as written', () => {
    const r = translator.translate('кофейня «Кофемания» и студия Маши');
    expect(r.text).toContain('«Кофемания»');
    expect(r.transliterated).toEqual(['Маши']);
  });

  it('works from the glossaries alone when no dictd dictionary is installed', () => {
    expect(glossaryOnly.translate('синие джинсы').text).toBe('blue jeans');
    expect(glossaryOnly.translate('кросовки').text).toBe('sneakers');
  });
});

describe('RuEnTranslator: issue 15 development-set fixes', () => {
  it('makes an adjective and its noun agree in number ("серебряные серьги" are earrings)', () => {
    expect(en('серебряные серьги с жемчугом')).toBe('silver earrings with pearl');
  });

  it('reads "цветов" as flowers unless an adjective makes it colours', () => {
    expect(en('доставка цветов')).toBe('flower delivery');
    expect(en('платье ярких цветов')).toContain('color');
  });

  it('keeps people plural in a для-compound and a postposed colour as an adjective', () => {
    expect(en('одежда для детей')).toBe("children's clothing");
    expect(en('сумка красного цвета')).toBe('red bag');
  });

  it('recovers a loanword nobody translates from its transliteration ("супермаркет" → supermarket)', () => {
    expect(en('кассир в супермаркет')).toBe('cashier in supermarket');
    expect(glossaryOnly.translate('логистика').text).toBe('logistics');
    const r = translator.translate('кассир в супермаркет');
    expect(r.untranslated).toEqual([]);
    expect(r.transliterated).toEqual([]);
  });

  it('knows everyday shop, café and marketplace words through lemmas', () => {
    expect(en('термос из нержавейки')).toBe('stainless steel thermos');
    expect(en('беспроводные наушники')).toBe('wireless headphones');
    expect(en('счастливые часы в баре')).toBe('happy hour in bar');
    expect(en('мед в сотах')).toBe('honey in honeycomb');
  });

  it('prefers the English word people use: SUBTLEX frequencies rank the dictionary senses', () => {
    const spoken = spokenFrequencies();
    expect(spoken.get('lake') ?? 0).toBeGreaterThan(spoken.get('loch') ?? 0);
    const lexicon = DictionaryLexicon.load(DEBIAN_DICTIONARIES('/usr/share/dictd')).lexicon;
    if (lexicon.size > 0) expect(lexicon.lookup('озеро')[0]?.english).toBe('lake');
  });

  it('remembers typo repairs: a repeated typo is reported the same way and searched once', () => {
    const first = translator.translate('расродажа платьев');
    const second = translator.translate('расродажа платьев');
    expect(first.repaired).toEqual([{ from: 'расродажа', to: 'распродажа' }]);
    expect(second.repaired).toEqual(first.repaired);
    expect(second.text).toBe(first.text);
  });
});

describe('wider glossary and participles', () => {
  it('files a participle under its own dictionary form, not its verb', () => {
    expect(participleKey('увлажняющую')).toBe('увлажняющий');
    expect(participleKey('подержанных')).toBe('подержанный');
    expect(participleKey('удаленная')).toBe('удаленный');
    expect(en('увлажняющую маску для волос')).toBe('moisturizing hair mask');
    expect(en('подержанный автомобиль')).toBe('used car');
    // Without the dictionaries too: the glossary alone knows these fields.
    expect(glossaryOnly.translate('светоотражающий поводок').text).toBe('reflective leash');
  });

  it('covers auto, medicine, education, pets, sport and kids vocabulary, with the sense the context votes for', () => {
    expect(en('ремонт квартиры')).toBe('apartment renovation');
    expect(en('ремонт телефонов')).toBe('phone repair');
    expect(en('урок гитары для подростков')).toBe('teenager guitar lesson');
    expect(en('открылся новый автосервис')).toBe('opening new car service');
    expect(glossaryOnly.translate('детская кроватка').text).toBe('crib');
    expect(glossaryOnly.translate('щенок в корзинке').text).toBe('puppy in basket');
    expect(glossaryOnly.translate('гантели и коврик для йоги').text).toBe('dumbbells and yoga mat');
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry and refreshes an entry on a hit', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});

describe('EnTranslator', () => {
  it('reads the glossaries backwards', () => {
    expect(new EnTranslator().translate('blue jeans')).toEqual(['синий', 'джинсы']);
  });
});
