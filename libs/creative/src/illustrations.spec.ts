import { iconKeywords, matchIllustrations, prepareIllustrations } from './illustrations';

// Real CLDR annotations (emojibase-data), real Fluent Emoji icons and the real OpenCorpora morphology.
beforeAll(async () => {
  await prepareIllustrations();
}, 60_000);

const names = (text: string): string[] => matchIllustrations(text).map((i) => i.name);

describe('matchIllustrations on lemmas', () => {
  it('draws the noun, not the adjective before it', () => {
    expect(names('детский рюкзак')).toEqual(['backpack']);
    expect(names('чёрная пятница, скидки на сумки')[0]).toBe('handbag');
  });

  it('finds a word through its lemma where stems differ (fleeting vowels: "кошек" is кошка)', () => {
    expect(names('выставка кошек')).toContain('cat');
  });

  it('reads shop senses of ambiguous words: "часы" is a watch, "шары" are balloons', () => {
    expect(names('часы наручные мужские')[0]).toBe('watch');
    expect(names('шары на выпускной')[0]).toBe('balloon');
  });

  it('scores an icon by the word that names it best', () => {
    const [toothbrush] = matchIllustrations('зубная щетка');
    expect(toothbrush).toMatchObject({ name: 'toothbrush', word: 'щетка' });
    expect(toothbrush?.score).toBeGreaterThanOrEqual(2);
  });

  it('draws what the labelled subject words say for common shop requests', () => {
    const cases: Array<[string, string]> = [
      ['щенки лабрадора ищут дом', 'dog'],
      ['спектакль для детей в воскресенье', 'performing'],
      ['доставка воды 19 л', 'droplet'],
    ];
    for (const [text, keyword] of cases) {
      const icons = names(text);
      expect(icons.some((n) => iconKeywords(n).includes(keyword))).toBe(true);
    }
  });
});

describe('matchIllustrations beyond CLDR words (issue 14)', () => {
  it('reads pluralia tantum as themselves', () => {
    expect(names('джинсы скинни')[0]).toBe('jeans');
    expect(names('ножницы для ткани')[0]).toBe('scissors');
    expect(names('наушники беспроводные')[0]).toBe('headphone');
  });

  it('finds the base word of a diminutive and the head of a compound', () => {
    expect(names('котики в добрые руки')).toContain('cat');
    expect(names('электросамокат для города')[0]).toBe('kick-scooter');
    expect(names('автомойка на Ленина')[0]).toBe('automobile');
  });

  it('falls back to the kind of thing CLDR has no icon for', () => {
    expect(names('щенок бигля')).toContain('dog');
    expect(names('профитроли и эклеры')[0]).toBe('shortcake');
    expect(names('гортензии в горшках')[0]).toBe('bouquet');
    expect(names('ботильоны замшевые')[0]).toBe('womans-boot');
  });

  it('never draws offer, colour, time or promo-code words', () => {
    expect(names('скидка 20% акция неделя')).toEqual([]);
    expect(names('белые кеды')).toEqual(['running-shoe']);
    expect(names('промокод WATCH20 на платье')).toEqual(['dress']);
  });

  it('draws both subjects of a two-subject request', () => {
    expect(names('кружка с котиком')).toEqual(expect.arrayContaining(['hot-beverage', 'cat']));
    expect(names('пицца и суши')).toEqual(expect.arrayContaining(['pizza', 'sushi']));
  });

  it('lets two neighbours that name one icon together outweigh either alone', () => {
    expect(names('очки солнцезащитные')[0]).toBe('sunglasses');
  });
});

describe('matchIllustrations: collisions and word sense', () => {
  it('does not meet a gloss and an icon keyword of another sense ("заказ" → order, a lion\'s zodiac keyword)', () => {
    expect(names('оформите заказ сегодня')).not.toContain('lion');
    expect(names('заказ')).toEqual([]);
  });

  it('does not match short Russian stems across words ("пару": пар, "паром": a ferry)', () => {
    expect(names('купите пару кроссовок')).toEqual(['running-shoe']);
  });

  it('matches hand-written stems as prefixes only for words the dictionary lacks ("кроссовер" is no sneaker)', () => {
    expect(names('новый кроссовер в салоне')).not.toContain('running-shoe');
    expect(names('кроссовок белые')).toContain('running-shoe');
  });

  it('takes the sense of an ambiguous word from the other words of the request', () => {
    expect(names('профитроли с кремом')).toEqual(['shortcake']);
    expect(names('крем для рук')).toContain('lotion-bottle');
  });
});
