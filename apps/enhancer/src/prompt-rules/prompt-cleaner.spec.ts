import { cleanPrompt, type PromptOperation } from './prompt-cleaner';

const names = (operations: readonly PromptOperation[]): string[] => operations.map((op) => op.name);
const op = (operations: readonly PromptOperation[], name: string): PromptOperation | undefined =>
  operations.find((o) => o.name === name);

describe('cleanPrompt', () => {
  describe('brief examples', () => {
    it('cleans a noisy Russian banner request: URL, emoji and hashtags go, the discount stays', () => {
      const result = cleanPrompt('баннер для кофейни, осень, скидка 20% 🍂 https://x.ru #осень #кофе');

      expect(result.text).toBe('баннер для кофейни, осень, скидка 20% осень кофе');
      expect(op(result.operations, 'strip_url')).toEqual({ name: 'strip_url', detail: 'https://x.ru' });
      expect(op(result.operations, 'strip_emoji')).toEqual({ name: 'strip_emoji', detail: '🍂' });
      expect(op(result.operations, 'expand_hashtag')).toEqual({ name: 'expand_hashtag', detail: '#осень #кофе' });
    });

    it('collapses shouted punctuation in a mixed-language request', () => {
      const result = cleanPrompt('insta пост новая коллекция платьев!!!');

      expect(result.text).toBe('insta пост новая коллекция платьев!');
      expect(result.operations).toEqual([{ name: 'collapse_punctuation', detail: '"!!!"→"!"' }]);
    });

    it('keeps the price in a marketplace request untouched', () => {
      const result = cleanPrompt('карточка товара для WB, крем для рук 990 ₽');

      expect(result.text).toBe('карточка товара для WB, крем для рук 990 ₽');
      expect(result.operations).toEqual([]);
    });

    it('handles a URL, a mention and a hashtag together', () => {
      const result = cleanPrompt('пост для @coffee_shop про #ОсеннийКофе, подробнее https://coffee.ru/menu?x=1');

      expect(result.text).toBe('пост для про Осенний Кофе, подробнее');
      expect(names(result.operations)).toEqual(['strip_url', 'strip_mention', 'expand_hashtag', 'collapse_whitespace']);
      expect(op(result.operations, 'strip_url')?.detail).toBe('https://coffee.ru/menu?x=1');
      expect(op(result.operations, 'strip_mention')?.detail).toBe('@coffee_shop');
      expect(op(result.operations, 'expand_hashtag')?.detail).toBe('#ОсеннийКофе');
    });
  });

  describe('unicode normalisation', () => {
    it('composes decomposed letters to NFC and records it', () => {
      const decomposed = 'кофе\u0438\u0306 cafe\u0301';
      const result = cleanPrompt(decomposed);

      expect(result.text).toBe('кофей café');
      expect(result.operations).toEqual([{ name: 'normalize_unicode', detail: 'NFC' }]);
    });

    it('records nothing for already-NFC text', () => {
      expect(cleanPrompt('кофе café').operations).toEqual([]);
    });
  });

  describe('URLs', () => {
    it.each([
      ['смотри https://x.ru/path?a=1&b=2 тут', 'смотри тут', 'https://x.ru/path?a=1&b=2'],
      ['смотри http://x.ru тут', 'смотри тут', 'http://x.ru'],
      ['смотри www.x.ru тут', 'смотри тут', 'www.x.ru'],
      ['смотри HTTPS://X.RU тут', 'смотри тут', 'HTTPS://X.RU'],
    ])('strips %p', (raw, text, detail) => {
      const result = cleanPrompt(raw);
      expect(result.text).toBe(text);
      expect(op(result.operations, 'strip_url')?.detail).toBe(detail);
    });

    it('hands sentence punctuation after a URL back to the text', () => {
      expect(cleanPrompt('кофе https://x.ru!').text).toBe('кофе!');
      expect(cleanPrompt('см. https://x.ru.').text).toBe('см.');
    });

    it('lists every removed URL in one operation', () => {
      const result = cleanPrompt('a https://x.ru b www.y.ru c');
      expect(result.text).toBe('a b c');
      expect(result.operations.filter((o) => o.name === 'strip_url')).toEqual([
        { name: 'strip_url', detail: 'https://x.ru www.y.ru' },
      ]);
    });

    it('drops separators left dangling by a removed URL', () => {
      expect(cleanPrompt('кофе, https://x.ru').text).toBe('кофе');
      expect(cleanPrompt('Подробнее: https://x.ru').text).toBe('Подробнее');
      expect(cleanPrompt('https://x.ru — кофе').text).toBe('кофе');
    });

    it('leaves bare domains and e-mail addresses alone', () => {
      expect(cleanPrompt('кофейня coffee.ru, пишите hello@coffee.ru').text).toBe(
        'кофейня coffee.ru, пишите hello@coffee.ru',
      );
    });
  });

  describe('mentions', () => {
    it('removes @mentions, including dotted handles', () => {
      const result = cleanPrompt('коллаб @coffee_shop и @brand.studio осенью');
      expect(result.text).toBe('коллаб и осенью');
      expect(op(result.operations, 'strip_mention')?.detail).toBe('@coffee_shop @brand.studio');
    });

    it('does not treat an e-mail address as a mention', () => {
      expect(cleanPrompt('почта a@b.ru').operations).toEqual([]);
    });
  });

  describe('hashtags', () => {
    it.each([
      ['#ОсеннийКофе', 'Осенний Кофе'],
      ['#coffee_time', 'coffee time'],
      ['#coffeeTime', 'coffee Time'],
      ['#осень#кофе', 'осень кофе'],
      ['#iPhone', 'iPhone'],
      ['#McDonalds', 'McDonalds'],
      ['#SALEToday', 'sale Today'],
      ['#скидки2024', 'скидки2024'],
    ])('turns %p into words', (raw, text) => {
      const result = cleanPrompt(raw);
      expect(result.text).toBe(text);
      expect(names(result.operations)).toContain('expand_hashtag');
    });

    it('leaves ranks, languages and HTML entities alone', () => {
      expect(cleanPrompt('кофе #1 в городе, курс C# и &#8381; за чашку').operations).toEqual([]);
    });
  });

  describe('emoji and pictographs', () => {
    it('removes emoji-only words but keeps the text around them', () => {
      const result = cleanPrompt('🍂🍂 осень 🍂 кофе🍂латте ☕️');
      expect(result.text).toBe('осень кофе латте');
      expect(op(result.operations, 'strip_emoji')?.detail).toBe('🍂 ☕️');
    });

    it('removes ZWJ sequences, skin tones, flags and variation selectors as whole emoji', () => {
      const result = cleanPrompt('команда 👨‍👩‍👧 привет 👋🏽 из 🇷🇺 с ❤️');
      expect(result.text).toBe('команда привет из с');
      expect(op(result.operations, 'strip_emoji')?.detail).toBe('👨‍👩‍👧 👋🏽 🇷🇺 ❤️');
    });

    it('removes stray joiners and selectors that lost their emoji', () => {
      expect(cleanPrompt('кофе\u200D\uFE0F латте').text).toBe('кофе латте');
    });

    it('keeps the digits of keycap emoji so numbers survive', () => {
      expect(cleanPrompt('скидка 5️⃣0️⃣%').text).toBe('скидка 50%');
    });

    it('does not invent words when the input is only emoji', () => {
      expect(cleanPrompt('🍂🔥☕️').text).toBe('');
    });
  });

  describe('punctuation', () => {
    it.each([
      ['ура!!!', 'ура!'],
      ['что???', 'что?'],
      ['как?!?!', 'как?!'],
      ['скоро...', 'скоро…'],
      ['скоро……', 'скоро…'],
      ['кофе,, чай', 'кофе, чай'],
      ['кофе ! !', 'кофе!'],
      ['кофе () чай', 'кофе чай'],
    ])('collapses %p', (raw, text) => {
      const result = cleanPrompt(raw);
      expect(result.text).toBe(text);
      expect(names(result.operations)).toContain('collapse_punctuation');
    });

    it('leaves single marks, an ellipsis character and decimals alone', () => {
      expect(cleanPrompt('Привет! Скоро… Цена 1.5 кг, ок?').operations).toEqual([]);
    });
  });

  describe('whitespace', () => {
    it('collapses runs of any whitespace and trims', () => {
      const result = cleanPrompt('  кофе\t\tи\n\nчай\u00A0\u00A0латте  ');
      expect(result.text).toBe('кофе и чай латте');
      expect(result.operations).toEqual([{ name: 'collapse_whitespace', detail: 'collapsed runs, trimmed' }]);
    });

    it('removes zero-width characters and spaces before punctuation', () => {
      expect(cleanPrompt('ко\u200Bфе , чай !').text).toBe('кофе, чай!');
    });
  });

  describe('shouting', () => {
    it('lowercases all-caps words of 4+ letters', () => {
      const result = cleanPrompt('СКИДКА на кофе, BIG SALE');
      expect(result.text).toBe('скидка на кофе, big sale');
      expect(op(result.operations, 'lowercase_shouting')?.detail).toBe('СКИДКА BIG SALE');
    });

    it('lowercases short function words only when the text is shouting', () => {
      expect(cleanPrompt('СКИДКА НА ВСЁ').text).toBe('скидка на всё');
      expect(cleanPrompt('ON AIR сегодня').text).toBe('ON AIR сегодня');
    });

    it('keeps acronyms, short caps, roman numerals, words with digits and mixed case', () => {
      const input = "NASA, IKEA, WI-FI, WB, ТЦ, СССР, XVIII век, COVID19, MP3, iPhone, McDonald's, YouTube";
      expect(cleanPrompt(input)).toEqual({ text: input, operations: [] });
    });

    it('keeps short acronyms even next to shouting', () => {
      expect(cleanPrompt('РАСПРОДАЖА В ТЦ И НА WB').text).toBe('распродажа в ТЦ и на WB');
    });

    it('treats hyphenated and apostrophe words as one token', () => {
      expect(cleanPrompt("ЖАР-ПТИЦА и MCDONALD'S").text).toBe("жар-птица и mcdonald's");
    });
  });

  describe('kept intact', () => {
    it.each([
      'крем 990 ₽',
      'кофе $15',
      'диван 1 500 руб',
      'цена €9.99 или 12,50 €',
      'скидка 20%',
      'скидка -30% до 31.10',
      "iPhone 15 Pro и McDonald's",
      'С 9:00 до 21:00, тел. 8-800-555-35-35',
    ])('%p', (input) => {
      expect(cleanPrompt(input)).toEqual({ text: input, operations: [] });
    });

    it('keeps quoted text literal while cleaning around it', () => {
      const result = cleanPrompt('афиша «ЛЕТНИЙ ДРАЙВ!!! 🔥» и "SUPER SALE..." ОЧЕНЬ ЯРКО!!! 🔥');
      expect(result.text).toBe('афиша «ЛЕТНИЙ ДРАЙВ!!! 🔥» и "SUPER SALE..." очень ярко!');
    });

    it('treats curly and low-high quotes as literal too', () => {
      const input = 'надпись “BLACK FRIDAY!!!” и „ОСЕНЬ…“';
      expect(cleanPrompt(input)).toEqual({ text: input, operations: [] });
    });

    it('collapses whitespace inside quotes without touching their words', () => {
      expect(cleanPrompt('надпись «ОСЕНЬ   2024»').text).toBe('надпись «ОСЕНЬ 2024»');
    });
  });

  describe('never empty when the input had words', () => {
    it('keeps URL hosts and mention handles when nothing else is left', () => {
      const result = cleanPrompt('https://www.coffee.ru/menu @coffee_shop');
      expect(result.text).toBe('coffee.ru coffee shop');
      expect(names(result.operations)).toEqual(['unwrap_mention', 'reduce_url_to_host', 'collapse_whitespace']);
    });

    it('salvages a lone mention', () => {
      expect(cleanPrompt('@ОсеннийКофе 🍂').text).toBe('Осенний Кофе');
    });

    it('salvages when only punctuation would be left', () => {
      expect(cleanPrompt('https://x.ru !!!').text).toBe('x.ru!');
    });

    it('keeps host-less URL debris rather than return nothing', () => {
      expect(cleanPrompt('www.')).toEqual({ text: 'www.', operations: [] });
      expect(cleanPrompt('кофе http://').text).toBe('кофе');
    });

    it('returns empty only for inputs without letters or digits', () => {
      expect(cleanPrompt('').text).toBe('');
      expect(cleanPrompt('   ').text).toBe('');
      expect(cleanPrompt('🍂 🔥').text).toBe('');
    });
  });

  describe('operation log', () => {
    it('records each kind at most once, in pipeline order, with a non-empty detail', () => {
      const result = cleanPrompt(
        'cafe\u0301 https://a.ru https://b.ru @a @b #ОдинДва #три 🍂 🔥 СУПЕР МЕГА!!! ??? ,,  ',
      );
      const kinds = names(result.operations);
      expect(kinds).toEqual([
        'normalize_unicode',
        'strip_url',
        'strip_mention',
        'strip_emoji',
        'expand_hashtag',
        'lowercase_shouting',
        'collapse_punctuation',
        'collapse_whitespace',
      ]);
      for (const operation of result.operations) expect(operation.detail.length).toBeGreaterThan(0);
    });

    it('merges notes from repeated passes into the same single operation', () => {
      // "()" hides the mention from the first pass; the second pass removes it.
      const result = cleanPrompt('кофе @()shop @coffee');
      expect(result.text).toBe('кофе');
      expect(op(result.operations, 'strip_mention')).toEqual({ name: 'strip_mention', detail: '@coffee @shop' });
    });

    it('records nothing for clean text', () => {
      expect(cleanPrompt('уютная кофейня осенью, тёплый свет').operations).toEqual([]);
    });
  });

  describe('idempotence', () => {
    const corpus = [
      'баннер для кофейни, осень, скидка 20% 🍂 https://x.ru #осень #кофе',
      'insta пост новая коллекция платьев!!!',
      'сторис для инсты',
      'карточка товара для WB, крем для рук 990 ₽',
      'СКИДКА НА ВСЁ -30%!!! Только до 1 сентября 🔥🔥🔥',
      'пост в вк @coffee_shop про #ОсеннийКофе #coffee_time 👩‍💻 смотри https://x.ru/a?b=1.',
      'афиша концерта «ЛЕТНИЙ ДРАЙВ!!!» 27 июня, вход $15',
      "розыгрыш в телеграм канале... iPhone 15 и McDonald's 🇷🇺",
      'https://x.ru @shop',
      'см. https://x.ru. Подробнее: https://y.ru',
      'кофе ! ! ? . , ; : — ',
      '(🔥) [ ] ,, ;; :: …. ?!?! NEW COLLECTION',
      'e\u0301 и\u0306 \u200B\uFEFF',
    ];

    it.each(corpus)('cleaning the cleaned %p changes nothing and records nothing', (raw) => {
      const once = cleanPrompt(raw);
      expect(cleanPrompt(once.text)).toEqual({ text: once.text, operations: [] });
    });

    it('holds for deterministic random mixes of noisy fragments', () => {
      // prettier-ignore
      const fragments = [
        'кофе', 'ОСЕНЬ', 'СКИДКА', 'НА', 'sale', '20%', '-30%', '990 ₽', '$15', '!!!', '...', '?', ',', ',,', ':', '—',
        '🍂', '👨‍👩‍👧', '🇷🇺', '❤️', '5️⃣', '#ОсеннийКофе', '#coffee_time', '#осень#кофе', '@shop', 'https://x.ru/a.',
        'www.y.ru,', '«ЯРКО!!!»', '"SALE..."', 'iPhone', 'McDonald\'s', '\t', '\n', '\u00A0', '\u200B', '()', 'e\u0301', '@a@b', 'ПРО\u200BДАЖА',
      ];
      // mulberry32: a tiny seeded PRNG so failures are reproducible.
      let seed = 0x5eed;
      const random = (): number => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      for (let i = 0; i < 500; i++) {
        const count = 1 + Math.floor(random() * 8);
        const parts = Array.from({ length: count }, () => fragments[Math.floor(random() * fragments.length)] ?? '');
        const raw = parts.join(random() < 0.5 ? ' ' : '');
        const once = cleanPrompt(raw);
        expect({ raw, again: cleanPrompt(once.text) }).toEqual({ raw, again: { text: once.text, operations: [] } });
        if (/[\p{L}\p{N}]/u.test(raw))
          expect({ raw, text: once.text }).toEqual({ raw, text: expect.stringMatching(/\S/u) });
      }
    });
  });
});
