import { QueryLanguageTranslator } from './russian-query';

let translator: QueryLanguageTranslator;
beforeAll(async () => {
  translator = await QueryLanguageTranslator.load();
}, 60_000);

describe('QueryLanguageTranslator', () => {
  it.each([
    ['синие джинсы', 'blue jeans'],
    ['платье', 'dress'],
    ['часы', 'watch'],
    ['кроссовки', 'shoes'],
    ['кросовки', 'shoes'],
    ['синяя рубашка', 'blue shirt'],
  ])('reads «%s» as "%s" in the catalogue’s English', (query, english) => {
    expect(translator.translate(query)).toEqual({ english, russian: [], translated: true });
  });

  it('passes English through and gives its Russian lemmas', () => {
    expect(translator.translate('blue jeans')).toEqual({
      english: 'blue jeans',
      russian: ['синий', 'джинсы'],
      translated: false,
    });
  });
});
