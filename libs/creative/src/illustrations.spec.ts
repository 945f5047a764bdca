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
