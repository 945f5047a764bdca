import { AttributeSchema } from '../attributes/attribute-schema';
import {
  agreeAdjective,
  buildLabelQueries,
  labelQueryText,
  meanScores,
  scoreRanking,
  titleContainsQuery,
  type FashionProduct,
} from './search-evaluation';

const product = (
  id: string,
  title: string,
  baseColour: string,
  gender: string,
  articleType: string,
): FashionProduct => ({
  id,
  title,
  gender,
  baseColour,
  articleType,
  masterCategory: 'Apparel',
  subCategory: 'Topwear',
});

describe('search evaluation', () => {
  const schema = new AttributeSchema();
  const products = [
    product('1', 'Nike Men Navy Blue Shirt', 'Navy Blue', 'Men', 'Shirts'),
    product('2', 'Turtle Men Check Shirt', 'Navy Blue', 'Men', 'Shirts'),
    product('3', 'Navy Blue Shirts for Men', 'Navy Blue', 'Men', 'Shirts'),
    product('4', 'Puma Men Navy Blue T-shirt', 'Navy Blue', 'Men', 'Tshirts'),
    product('5', 'Puma Men Blue T-shirt', 'Navy Blue', 'Men', 'Tshirts'),
    product('6', 'Puma Men Navy Blue Tshirt', 'Navy Blue', 'Men', 'Tshirts'),
    product('7', 'Lee Men Navy Blue Shirt', 'Navy Blue', 'Men', 'Shirts'),
    product('8', 'Lee Men Red Shirt', 'Red', 'Men', 'Shirts'),
    product('9', 'Lee Men Red Shirt', 'Red', 'Men', 'Shirts'),
    product('10', 'Lee Men Red Shirt', 'Red', 'Men', 'Shirts'),
  ];

  it('writes queries from labels in English and, through the schema, in Russian', () => {
    const labels = { baseColour: 'Navy Blue', gender: 'Men', articleType: 'Tshirts' };
    expect(labelQueryText(labels, 'en', schema)).toBe('navy blue men tshirts');
    expect(labelQueryText(labels, 'ru', schema)).toBe('тёмно-синяя мужская футболка');
    expect(labelQueryText({ baseColour: 'Black', gender: 'Women', articleType: 'Jeans' }, 'ru', schema)).toBe(
      'чёрные женские джинсы',
    );
    expect(labelQueryText({ baseColour: 'Blue', gender: 'Unisex', articleType: 'Casual Shoes' }, 'ru', schema)).toBe(
      'синие унисекс туфли',
    );
    expect(agreeAdjective('голубой', 'pl')).toBe('голубые');
    expect(agreeAdjective('белый', 'n')).toBe('белое');
    expect(labelQueryText({ ...labels, articleType: 'Night suits' }, 'ru', schema)).toBeUndefined();
  });

  it('judges literal titles by stemmed words', () => {
    expect(titleContainsQuery('Navy Blue Shirts for Men', 'navy blue men shirts')).toBe(true);
    expect(titleContainsQuery('Puma Men Navy Blue T-shirt', 'navy blue men tshirts')).toBe(false);
  });

  it('keeps label triples with enough items of which some titles miss a query word', () => {
    const queries = buildLabelQueries(products, 'en', schema, 3);
    // Red men shirts: every title has every word, so full text alone finds them — not kept.
    expect(queries.map((q) => q.text)).toEqual(['navy blue men shirts', 'navy blue men tshirts']);
    expect([...queries[0].relevant]).toEqual(['1', '2', '3', '7']);
    expect([...queries[0].literal]).toEqual(['1', '3', '7']);
    expect([...queries[1].literal]).toEqual(['6']);
    expect(buildLabelQueries(products, 'en', schema, 5)).toEqual([]);
  });

  it('scores precision, recall, non-literal recall and type precision at k', () => {
    const [shirts] = buildLabelQueries(products, 'en', schema, 3);
    const types = new Map(products.map((p) => [p.id, p.articleType]));
    const s = scoreRanking(['2', '4', '1', '8'], shirts, 4, types);
    expect(s).toEqual({ precision: 0.5, recall: 0.5, nonLiteralRecall: 1, typePrecision: 0.75, answered: true });
    const none = scoreRanking([], shirts, 4, types);
    expect(none).toMatchObject({ precision: 0, recall: 0, answered: false });
    expect(meanScores([s, none])).toMatchObject({ precision: 0.25, answered: 0.5 });
  });
});
