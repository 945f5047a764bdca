import { catalogAttributeWords, VISUAL_ATTRIBUTES, VISUAL_FILTERS, visualWordsFor } from './attribute-words';

describe('attribute words', () => {
  it('names every filter attribute, with unique values', () => {
    for (const f of VISUAL_FILTERS) expect(VISUAL_ATTRIBUTES.some((a) => a.name === f.name)).toBe(true);
    for (const a of VISUAL_ATTRIBUTES) expect(new Set(a.values.map((v) => v.value)).size).toBe(a.values.length);
  });

  it('gives the script one language', () => {
    expect(visualWordsFor('ru').pattern).toEqual({
      label: 'узор',
      values: { solid: 'однотонный', striped: 'в полоску', checked: 'в клетку', printed: 'с принтом' },
    });
  });

  it('puts catalogue attributes into words, case-insensitively, and leaves unknown ones as written', () => {
    expect(catalogAttributeWords('baseColour', 'Navy Blue', 'ru')).toEqual({ name: 'цвет', value: 'тёмно-синий' });
    expect(catalogAttributeWords('season', 'Fall', 'en')).toEqual({ name: 'season', value: 'autumn' });
    expect(catalogAttributeWords('usage', 'Smart Casual', 'ru')).toEqual({ name: 'повод', value: 'смарт-кэжуал' });
    expect(catalogAttributeWords('fit', 'Slim', 'ru')).toEqual({ name: 'fit', value: 'Slim' });
  });
});
