import { Bm25Vectorizer, itemTokens, stemTokens } from './text-vectorizer';

describe('text features', () => {
  it('stems Russian and English words and drops stop words', () => {
    expect(stemTokens('Синие платья и платье для лета')).toEqual(['син', 'плат', 'плат', 'лет']);
    expect(stemTokens('Running shoes for the Men')).toEqual(['run', 'shoe', 'men']);
    expect(stemTokens('Ёлочная игрушка 2024')).toEqual(['елочн', 'игрушк', '2024']);
  });

  it('adds exact category and attribute tokens', () => {
    const tokens = itemTokens({
      title: 'Navy Shirt',
      categoryPath: ['Apparel', 'Shirts'],
      attributes: { baseColour: 'Navy Blue', year: 2012 },
    });
    expect(tokens).toEqual(
      expect.arrayContaining(['navi', 'shirt', 'c:shirts', 'a:basecolour=navy blue', 'blue', 'a:year=2012']),
    );
  });

  it('weights rare tokens higher (BM25) and makes similar items closer than different ones', () => {
    const docs = [
      ['blue', 'shirt', 'men'],
      ['blue', 'jean', 'men'],
      ['red', 'shirt', 'women'],
      ['watch', 'men'],
    ];
    const bm25 = new Bm25Vectorizer({ dimensions: 512 }).fit(docs);
    expect(bm25.idf('watch')).toBeGreaterThan(bm25.idf('men'));
    const v = docs.map((d) => bm25.vector(d));
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
    expect(cos(v[0], v[0])).toBeCloseTo(1, 5);
    expect(cos(v[0], v[2])).toBeGreaterThan(cos(v[0], v[3]));
  });
});
