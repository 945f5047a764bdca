import { ALLOWED_PARAMS, isBrowse, parseBrowseQuery } from './catalog-browse';

describe('parseBrowseQuery', () => {
  it('reads filters, sort and page, prices in major units', () => {
    expect(
      parseBrowseQuery({
        q: 'платье',
        category: 'Dresses',
        price_min: '10',
        price_max: '99.5',
        gender: 'Female',
        colour: 'blue',
        type: 'dress',
        sort: 'price_desc',
        page: '3',
        limit: '12',
      }),
    ).toEqual({
      q: 'платье',
      category: 'Dresses',
      priceMin: 1000,
      priceMax: 9950,
      attributes: { gender: 'female', colour: 'blue', product_type: 'dress' },
      sort: 'price_desc',
      page: 3,
      limit: 12,
    });
  });

  it('answers an unknown filter with 400 unknown_filter listing the allowed ones', () => {
    try {
      parseBrowseQuery({ q: 'x', size: 'M' });
      throw new Error('accepted');
    } catch (err) {
      const body = (err as { body?: { error: { code: string; details: { allowed: string[]; unknown: string[] } } } })
        .body;
      expect(body?.error.code).toBe('unknown_filter');
      expect(body?.error.details).toEqual({ unknown: ['size'], allowed: ALLOWED_PARAMS });
      expect((err as { getStatus(): number }).getStatus()).toBe(400);
    }
  });

  it.each([
    [{ sort: 'cheapest' }],
    [{ page: '0' }],
    [{ price_min: '-1' }],
    [{ price_min: '50', price_max: '10' }],
    [{ q: ['a', 'b'] }],
  ])('rejects %p', (params) => {
    expect(() => parseBrowseQuery(params)).toThrow();
  });

  it('tells a browse from a ranked search', () => {
    expect(isBrowse({ q: 'jeans' })).toBe(false);
    expect(isBrowse({ category: 'Jeans' })).toBe(true);
    expect(isBrowse({ q: 'jeans', sort: 'price_asc' })).toBe(true);
  });
});
