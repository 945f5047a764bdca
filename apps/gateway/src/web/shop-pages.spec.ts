import { join } from 'node:path';
import { AssetManifest } from './asset-manifest';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';
import {
  forYouPage,
  formatPrice,
  matchNotes,
  productPage,
  recommenderErrorPage,
  shopSearchPage,
  type CatalogItem,
  type SearchHit,
} from './shop-pages';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));

const ctx = (lang: Lang = 'en'): PageContext => ({
  lang,
  t: translator(lang),
  signedIn: true,
  assets,
  csrf: 'csrf-token',
  path: '/shop',
});

const ID = '0b7c1a9e-7c4f-4f5e-9a43-1d2b3c4d5e6f';
const OTHER = '1b7c1a9e-7c4f-4f5e-9a43-1d2b3c4d5e6f';

const item = (over: Partial<CatalogItem> = {}): CatalogItem => ({
  id: ID,
  externalId: '39386',
  title: 'Peter England Men Party Blue Jeans',
  description: '',
  categoryPath: ['Apparel', 'Bottomwear', 'Jeans'],
  attributes: { baseColour: 'Blue', gender: 'Men', year: 2012 },
  price: 2499.5,
  currency: 'RUB',
  imageUrl: `/v1/catalog/items/${ID}/image`,
  ...over,
});

describe('formatPrice', () => {
  it('formats roubles for the language, whole amounts without kopecks', () => {
    const nbsp = /[\u00a0\u202f]/g;
    expect(formatPrice('ru', 2499.5, 'RUB', translator('ru')).replace(nbsp, ' ')).toBe('2 499,50 ₽');
    expect(formatPrice('en', 2499.5, 'RUB', translator('en'))).toBe('₽2,499.50');
    expect(formatPrice('ru', 1299, 'RUB', translator('ru')).replace(nbsp, ' ')).toBe('1 299 ₽');
    expect(formatPrice('en', null, 'RUB', translator('en'))).toBe('No price');
    expect(formatPrice('en', 10, 'not a currency', translator('en'))).toBe('10 not a currency');
  });
});

describe('matchNotes', () => {
  const t = translator('en');
  const hit = (over: Partial<SearchHit>): SearchHit => ({ ...item(), ...over });

  it('reads the contrastive search’s matchedBy (text / image) with its rank, similarity and image closeness', () => {
    expect(matchNotes(hit({ matchedBy: ['text'], rank: 0, similarity: 0.41, imageSimilarity: null }), t)).toEqual([
      'by similar spelling',
    ]);
    expect(
      matchNotes(hit({ matchedBy: ['text', 'image'], rank: 0.08, similarity: 0.2, imageSimilarity: 0.314 }), t),
    ).toEqual(['by the words of the search', 'by the photo: closeness to the meaning of the search 0.31']);
    expect(matchNotes(hit({ matchedBy: ['image'], rank: null, similarity: null, imageSimilarity: null }), t)).toEqual([
      'by the photo: it is close to the meaning of the search',
    ]);
  });

  it('uses matchedBy and semantic when the recommender sends them', () => {
    expect(matchNotes(hit({ matchedBy: ['trigram', 'semantic'], semantic: 0.734 }), t)).toEqual([
      'by similar spelling',
      'meaning similarity 0.73',
    ]);
    expect(matchNotes(hit({ matchedBy: 'fulltext', rank: 0.2, similarity: 0 }), t)).toEqual([
      'by the words of the search',
    ]);
    expect(matchNotes(hit({ matchedBy: 'image-colour' }), t)).toEqual(['image-colour']);
    expect(matchNotes(hit({ semantic: true }), t)).toEqual(['by meaning']);
  });

  it('falls back to the text rank and trigram similarity of the current answer', () => {
    expect(matchNotes(hit({ rank: 0.06, similarity: 0.2 }), t)).toEqual(['by the words of the search']);
    expect(matchNotes(hit({ rank: 0, similarity: 0.45 }), t)).toEqual(['by similar spelling']);
    expect(matchNotes(hit({}), t)).toEqual([]);
  });
});

describe('shopSearchPage', () => {
  it('renders hits with photo, linked title, price, category and how they matched, escaping shop text', () => {
    const page = shopSearchPage(ctx('ru'), 'jeens', {
      query: 'jeens',
      items: [
        { ...item(), rank: 0, similarity: 0.4 },
        { ...item({ id: OTHER, title: '<b>Evil</b> jeans', imageUrl: null, price: null }), rank: 0.1 },
      ],
    });
    expect(page).toContain('value="jeens"');
    expect(page).toContain('По запросу «jeens» найдено: 2');
    expect(page).toContain(`<img src="/v1/catalog/items/${ID}/image"`);
    expect(page).toContain(`href="/shop/items/${ID}"`);
    expect(page).toMatch(/2[\u00a0\u202f ]499,50[\u00a0 ]₽/);
    // Category path segments in the page's language (issue 17, defect 6); unknown ones as the shop wrote them.
    expect(page).toContain('Одежда › Низ › Джинсы');
    expect(page).toContain('Найдено: по похожему написанию');
    expect(page).toContain('Найдено: по словам запроса');
    expect(page).toContain('&lt;b&gt;Evil&lt;/b&gt; jeans');
    expect(page).not.toContain('<b>Evil</b>');
    expect(page).toContain('Нет фото');
    expect(page).toContain('Цена не указана');
    expect(page).toContain('href="/shop/for-you"');
  });

  it('says when the meaning of the query took part and which words it could not use', () => {
    const page = shopSearchPage(ctx(), 'blue qwzx', {
      query: 'blue qwzx',
      semantic: true,
      ignoredTerms: ['qwzx', 42],
      items: [{ ...item(), matchedBy: ['image'], imageSimilarity: 0.3 }],
    });
    expect(page).toContain('The search also uses the meaning of your words');
    expect(page).toContain('(the model does not know them): qwzx.');
    expect(shopSearchPage(ctx(), 'x', { query: 'x', semantic: false, items: [item()] })).not.toContain('data-semantic');
  });

  it('says when nothing matched, and asks again for an empty or too long query', () => {
    expect(shopSearchPage(ctx(), 'zzz', { query: 'zzz', items: [] })).toContain('Nothing found for “zzz”');
    const invalid = shopSearchPage(ctx(), '', undefined, true);
    expect(invalid).toContain('Enter a search of 1 to 200 characters.');
    expect(invalid).toContain('aria-invalid="true"');
    expect(shopSearchPage(ctx(), '')).not.toContain('class="products"');
  });
});

describe('productPage', () => {
  it('shows facts, the caller’s standing on the buttons and similar items with translated reasons', () => {
    const page = productPage(ctx('ru'), {
      item: item(),
      standing: { verdict: 'like', inCart: false },
      similar: [
        {
          itemId: OTHER,
          title: 'Blue Denim',
          reasons: ['similar colour and type to', 'often chosen together'],
          item: item({ id: OTHER, title: 'Blue Denim' }),
        },
      ],
      saved: 'like',
    });
    expect(page).toContain('<h1>Peter England Men Party Blue Jeans</h1>');
    expect(page).toContain('alt="Фото товара: Peter England Men Party Blue Jeans"');
    expect(page).toContain(`action="/shop/items/${ID}/interactions"`);
    expect(page).toContain(`data-interaction="${ID}"`);
    expect(page).toContain('name="_csrf" value="csrf-token"');
    expect(page).toMatch(/value="like"\s+class="secondary like"\s+aria-pressed="true"/);
    expect(page).toMatch(/value="dislike"\s+class="secondary dislike"\s+aria-pressed="false"/);
    // No cart: atelier takes no orders (gateway README, "The cart").
    expect(page).not.toContain('add_to_cart');
    expect(page).toMatch(/<dt>Цвет<\/dt>\s*<dd>Blue<\/dd>/);
    expect(page).toMatch(/<dt>Год<\/dt>\s*<dd>2012<\/dd>/);
    expect(page).toContain('<dd>39386</dd>');
    expect(page).toContain('Отметили: нравится.');
    expect(page).toContain('похож цветом и типом');
    expect(page).toContain('часто выбирают вместе');
    expect(page).toContain(`href="/shop/items/${OTHER}"`);
  });

  it('says similar items are still coming when the item is not indexed yet', () => {
    const page = productPage(ctx(), {
      item: item({ attributes: { fabricWeight: 'light' } }),
      standing: { inCart: true },
    });
    expect(page).toContain('No similar items yet');
    expect(page).toContain('<dt>fabric weight</dt>');
    expect(page).not.toContain('class="secondary cart"');
  });
});

describe('forYouPage', () => {
  it('explains each item in plain words with where diversification put it', () => {
    const page = forYouPage(ctx('en'), {
      strategy: 'hybrid',
      promoted: 1,
      items: [
        { itemId: ID, title: 'A', reasons: ['because you liked “Blue Jeans”'], relevanceRank: 1, item: item() },
        {
          itemId: OTHER,
          title: 'B',
          reasons: ['similar colour to “Blue Jeans”', 'adds variety: unlike the items ranked above it'],
          relevanceRank: 7,
        },
      ],
    });
    expect(page).toContain('data-strategy="hybrid"');
    expect(page).toContain('because you liked “Blue Jeans”');
    expect(page).toContain('similar in colour to “Blue Jeans”');
    expect(page).toContain('Picked for variety: by relevance alone it would be no. 7.');
    // The recommender's own variety phrase is not repeated next to the note.
    expect(page).not.toContain('adds variety');
    expect(page).toContain('1 of these were picked for being different');
    expect(page).toContain('No. 2');
  });

  it('says a cold-start list is the shop’s popular items, and an empty catalogue is empty', () => {
    const cold = forYouPage(ctx('ru'), {
      strategy: 'cold-start',
      items: [{ itemId: ID, title: 'A', reasons: ['popular in the shop'], relevanceRank: 1, item: item() }],
    });
    expect(cold).toContain('data-strategy="cold-start"');
    expect(cold).toContain('здесь популярные товары магазина');
    expect(cold).toContain('популярно в магазине');
    expect(forYouPage(ctx('en'), { strategy: 'cold-start', items: [] })).toContain('The catalogue has no items yet.');
  });
});

describe('recommenderErrorPage', () => {
  it('turns the recommender’s answer into the gateway’s page with a helpful message', () => {
    const down = recommenderErrorPage(ctx(), 503, 'recommender_unavailable', 'connect ECONNREFUSED');
    expect(down.status).toBe(503);
    expect(down.page).toContain('unavailable right now. Try again in a minute.');
    expect(down.page).not.toContain('ECONNREFUSED');
    expect(recommenderErrorPage(ctx(), 404, 'not_found', 'item not found').status).toBe(404);
    const bad = recommenderErrorPage(ctx(), 400, 'validation_failed', 'q must be 1-200 characters');
    expect(bad).toMatchObject({ status: 400 });
    expect(bad.page).toContain('q must be 1-200 characters');
    const broken = recommenderErrorPage(ctx(), 502, 'recommender_failed', 'status 500');
    expect(broken.status).toBe(502);
    expect(broken.page).toContain('(recommender_failed)');
    expect(broken.page).not.toContain('unavailable right now');
  });
});

describe('shopSearchPage filters, sort and pages', () => {
  it('keeps the chosen filters in the form and links the pages with them (ru and en)', () => {
    const filters = { gender: 'male', sort: 'price_asc', price_max: '3000', page: '2' };
    const answer = { query: 'джинсы', items: [item()], page: 2, limit: 20, total: 45 };
    const en = shopSearchPage(ctx('en'), 'джинсы', answer, false, filters);
    expect(en).toContain('<option value="male" selected>men</option>');
    expect(en).toContain('<option value="price_asc" selected>price, low to high</option>');
    expect(en).toContain('value="3000"');
    expect(en).toContain('Page 2 of 3');
    expect(en).toMatch(
      /rel="prev" href="\/shop\?q=[^"]*&amp;gender=male&amp;sort=price_asc&amp;price_max=3000&amp;page=1"/u,
    );
    expect(en).toMatch(/rel="next" href="[^"]*page=3"/u);
    const ru = shopSearchPage(ctx('ru'), 'джинсы', answer, false, filters);
    expect(ru).toContain('Страница 2 из 3');
    expect(ru).toContain('сначала дешёвые');
  });

  it('shows no pager for a plain ranked search', () => {
    expect(shopSearchPage(ctx('en'), 'jeans', { query: 'jeans', items: [item()] })).not.toContain('class="pager"');
  });
});
