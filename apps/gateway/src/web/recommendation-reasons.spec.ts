import { translator } from './i18n';
import { explainReason, isVarietyReason, placementNote } from './recommendation-reasons';

describe('explainReason', () => {
  const ru = translator('ru');
  const en = translator('en');

  it('puts the recommender’s history phrases in plain words in both languages, keeping the item’s title', () => {
    expect(explainReason('because you liked “Nike Men Black T-shirt”', en)).toBe(
      'because you liked “Nike Men Black T-shirt”',
    );
    expect(explainReason('because you liked “Nike Men Black T-shirt”', ru)).toBe(
      'потому что вам понравилось «Nike Men Black T-shirt»',
    );
    expect(explainReason('because you added to cart “Blue Jeans”', en)).toBe(
      'because you added “Blue Jeans” to your cart',
    );
    expect(explainReason('because you bought “Blue Jeans”', ru)).toBe('потому что вы купили «Blue Jeans»');
  });

  it('names which parts are similar, also without an anchor title (similar items of a product)', () => {
    expect(explainReason('similar colour and type to “Red Dress”', en)).toBe(
      'similar in colour and type to “Red Dress”',
    );
    expect(explainReason('similar colour and type to “Red Dress”', ru)).toBe('похож цветом и типом на «Red Dress»');
    expect(explainReason('similar to “Red Dress”', ru)).toBe('похож на «Red Dress»');
    expect(explainReason('similar look to', en)).toBe('similar in look');
    expect(explainReason('similar to', ru)).toBe('похож на этот товар');
  });

  it('translates the fixed phrases and leaves phrases it does not know as they came', () => {
    expect(explainReason('popular in the shop', ru)).toBe('популярно в магазине');
    expect(explainReason('often chosen together', ru)).toBe('часто выбирают вместе');
    expect(explainReason('liked by people with similar taste', ru)).toBe('нравится людям с похожим вкусом');
    expect(explainReason('trending this week', ru)).toBe('trending this week');
    expect(explainReason('similar smell to “X”', ru)).toBe('similar smell to “X”');
    expect(isVarietyReason('adds variety: unlike the items ranked above it')).toBe(true);
    expect(isVarietyReason('popular in the shop')).toBe(false);
  });
});

describe('placementNote', () => {
  const en = translator('en');

  it('says when diversification brought an item in or moved it, and nothing when relevance put it there', () => {
    expect(placementNote(3, 3, 12, en)).toBeUndefined();
    expect(placementNote(3, undefined, 12, en)).toBeUndefined();
    expect(placementNote(5, 17, 12, en)).toBe('Picked for variety: by relevance alone it would be no. 17.');
    expect(placementNote(5, 4, 12, en)).toBe('By relevance alone it would be no. 4; moved for variety.');
    expect(placementNote(5, 17, 12, translator('ru'))).toBe(
      'Выбран ради разнообразия: по одной релевантности был бы № 17.',
    );
  });
});
