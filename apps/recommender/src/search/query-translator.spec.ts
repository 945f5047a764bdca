import { AttributeSchema } from '../attributes/attribute-schema';
import { QueryTranslator } from './query-translator';

describe('QueryTranslator', () => {
  const translator = new QueryTranslator(new AttributeSchema());

  it('reads Russian colour, type and gender words as the English catalogue terms, inflected forms too', () => {
    expect(translator.translate('тёмно-синяя мужская футболка')).toEqual({
      stems: ['navi', 'blue', 'men', 'tshirt', 'tee'],
      translated: [
        { from: 'темн син', to: 'navy blue' },
        { from: 'мужск', to: 'male' },
        { from: 'футболк', to: 't-shirt' },
      ],
    });
    // The longer label wins: "тёмно-синие" is navy blue, "синие" alone is blue.
    expect(translator.translate('синие джинсы').stems).toEqual(['blue', 'jean', 'denim', 'jean']);
    expect(translator.translate('Женские кроссовки').stems).toEqual(['women', 'sneaker', 'sport', 'shoe']);
  });

  it('passes English and unknown words through unchanged', () => {
    expect(translator.translate('navy blue men tshirts')).toEqual({
      stems: ['navi', 'blue', 'men', 'tshirt'],
      translated: [],
    });
    expect(translator.translate('nike чёрные кеды')).toEqual({
      stems: ['nike', 'black', 'кед'],
      translated: [{ from: 'черн', to: 'black' }],
    });
  });
});
