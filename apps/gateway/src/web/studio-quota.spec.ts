import { join } from 'node:path';
import { AssetManifest } from './asset-manifest';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';
import { studioPage } from './pages';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));
const ctx = (lang: Lang): PageContext => ({
  lang,
  t: translator(lang),
  signedIn: true,
  assets,
  csrf: 'x',
  path: '/app',
});
const empty = { items: [], nextCursor: null };
const counts = (page: string) => [...page.matchAll(/<option value="(\d)"/g)].map((m) => m[1]);

describe('studioPage and the quota', () => {
  it('never offers more images than are left or than a request may take', () => {
    expect(counts(studioPage(ctx('ru'), empty, {}, {}, { left: 2, maxPerRequest: 4 }))).toEqual(['1', '2']);
    expect(counts(studioPage(ctx('ru'), empty, {}, {}, { left: 50, maxPerRequest: 3 }))).toEqual(['1', '2', '3']);
    const page = studioPage(ctx('ru'), empty, { n: '4' }, {}, { left: 2, maxPerRequest: 4 });
    expect(page).toContain('<option value="2" selected>');
    expect(page).toContain('Осталось картинок в этом периоде: 2.');
  });

  it('says when nothing is left and shows the way forward, in the page language', () => {
    const page = studioPage(ctx('en'), empty, {}, {}, { left: 0, maxPerRequest: 4 });
    expect(page).toContain('This period’s images are used up');
    expect(page).toContain('href="/pricing"');
    expect(page).toContain('href="/account/billing"');
  });
});
