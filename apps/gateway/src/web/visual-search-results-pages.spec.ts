import { join } from 'node:path';
import { AssetManifest } from './asset-manifest';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';
import { parseQuery, queryParams, visualResultsPage, type VisualQuery } from './visual-search-results-pages';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));
const ctx = (lang: Lang): PageContext => ({ lang, t: translator(lang), signedIn: true, assets, csrf: 'c', path: '/' });
const A = '0b0c8f5e-1d2a-4c3b-9e8f-7a6b5c4d3e2f';
const B = '1b0c8f5e-1d2a-4c3b-9e8f-7a6b5c4d3e2f';
const ITEM = '2b0c8f5e-1d2a-4c3b-9e8f-7a6b5c4d3e2f';

describe('visual-search result pages', () => {
  it('round-trips a query through the URL, including the liked-items form’s roles', () => {
    const q: VisualQuery = {
      positive_photo_ids: [A],
      negative_item_ids: [B],
      filters: { colour: ['black', 'navy blue'] },
      k: 5,
      strategy: 'best_score',
    };
    expect(parseQuery(queryParams(q))).toEqual(q);
    expect(parseQuery(new URLSearchParams(`role.${A}=like&role.${B}=dislike&role.${ITEM}=&k=10`))).toEqual({
      positive_item_ids: [A],
      negative_item_ids: [B],
      k: 10,
    });
    for (const bad of ['p=not-a-uuid', `p=${A}&k=0`, `p=${A}&strategy=magic`, `p=${A}&f=nocolon`, `role.${A}=love`]) {
      expect(parseQuery(new URLSearchParams(bad))).toBeUndefined();
    }
  });

  it('shows each match as its product: linked title, price in the page’s language, reasons; no product says so', () => {
    const page = visualResultsPage(
      ctx('ru'),
      { positive_item_ids: [A] },
      {
        matched: [
          {
            id: B,
            item: { id: ITEM, title: 'Black <Tee>', price: 1290.5, currency: 'RUB', image_url: '/x' },
            match_score: 0.8123,
            explanation: { ru: 'похожий цвет', en: 'similar colour', parts: [] },
          },
          { id: A, item: null, match_score: 0.5, explanation: { en: 'e', ru: 'р' } },
        ],
        threshold: 0.3,
        no_good_match: false,
      },
    );
    expect(page).toContain(`href="/shop/items/${ITEM}"`);
    expect(page).toContain('Black &lt;Tee&gt;');
    expect(page).toContain('1290,50\u00a0₽'.replace('1290', '1\u00a0290'));
    expect(page).toContain('похожий цвет');
    expect(page).toContain('Фото без товара');
    expect(page).toContain(`name="pi" value="${A}"`);
  });
});
