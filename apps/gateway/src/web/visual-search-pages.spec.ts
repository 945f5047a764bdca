import { join } from 'node:path';
import { VISUAL_FILTERS } from './attribute-words';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';
import { AssetManifest } from './asset-manifest';
import { PHOTOS_PER_ZONE, visualSearchPage } from './visual-search-pages';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));

const ctx = (lang: Lang): PageContext => ({
  lang,
  t: translator(lang),
  signedIn: true,
  assets,
  csrf: 'token"<',
  path: '/visual-search',
});

const attribute = (page: string, name: string): string => {
  const m = page.match(new RegExp(`${name}="([^"]*)"`));
  if (!m) throw new Error(`no ${name}`);
  return m[1]
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
};

describe('visualSearchPage', () => {
  it('has a labelled file input and a drop zone for liked and for disliked photos', () => {
    const page = visualSearchPage(ctx('ru'));
    for (const kind of ['positive', 'negative']) {
      expect(page).toContain(`data-drop="${kind}"`);
      expect(page).toMatch(
        new RegExp(
          `<input\\s+type="file"\\s+id="photos-${kind}"[^>]*accept="image/jpeg,image/png,image/webp"\\s+multiple`,
        ),
      );
      expect(page).toContain(`<label for="photos-${kind}"`);
      expect(page).toContain(`data-list="${kind}"`);
    }
    expect(page).toContain('Добавить понравившиеся фото');
    expect(page).toContain('Добавить непонравившиеся фото');
    expect(page).toContain(`не больше ${PHOTOS_PER_ZONE}`);
  });

  it('explains in a noscript note that it needs JavaScript and hides the controls until the script runs', () => {
    const page = visualSearchPage(ctx('en'));
    expect(page).toMatch(/<noscript><p class="notice" data-noscript>This page needs JavaScript/);
    expect(page).toMatch(/<div\s+class="vs"\s+data-visual-search[^>]*\shidden\s*>/);
  });

  it('offers the recommender filters with their values in the page language, strategies and k', () => {
    const ru = visualSearchPage(ctx('ru'));
    for (const f of VISUAL_FILTERS) expect(ru).toContain(`data-filter="${f.name}"`);
    expect(ru).toContain('<option value="female">женский</option>');
    expect(ru).toContain('<option value="dress">платье</option>');
    expect(ru).toMatch(/type="checkbox" name="filter-age_group" value="18-29"/);
    expect(ru).toMatch(/type="radio" name="strategy" value="average_vector" checked/);
    expect(ru).toMatch(/type="radio" name="strategy" value="best_score"/);
    expect(ru).toContain('<option value="10" selected>10</option>');
    const en = visualSearchPage(ctx('en'));
    expect(en).toContain('<option value="female">female</option>');
    expect(en).toContain('<legend>Age</legend>');
    expect(ru).toContain('<label for="filter-product_type">Тип товара</label>');
  });

  it('hands the script its messages and attribute words as JSON in the page language', () => {
    const labels = JSON.parse(attribute(visualSearchPage(ctx('ru')), 'data-labels')) as Record<string, string>;
    expect(labels['vs.err.unsupported_media_type']).toBe('Это не изображение JPEG, PNG или WebP.');
    expect(labels['vs.err.image_too_large']).toContain('Слишком большое изображение');
    expect(labels['vs.noGoodMatch']).toContain('Хорошего совпадения нет');
    const words = JSON.parse(attribute(visualSearchPage(ctx('en')), 'data-words')) as Record<
      string,
      { label: string; values: Record<string, string> }
    >;
    expect(words.expression).toEqual(expect.objectContaining({ label: 'expression' }));
    expect(words.expression.values.happy).toBe('smiling');
    expect(attribute(visualSearchPage(ctx('en')), 'data-lang')).toBe('en');
  });

  it('loads its own stylesheet and script from /assets and has no inline code or styles (CSP)', () => {
    const page = visualSearchPage(ctx('ru'));
    expect(page).toContain(`<link rel="stylesheet" href="${assets.path('visual.css')}" />`);
    expect(page).toContain(`<script src="${assets.path('visual-search.js')}" defer></script>`);
    expect(page).not.toMatch(/\sstyle=/);
    expect(page).not.toMatch(/\son[a-z]+=/);
    expect(page.match(/<script[^>]*>/g)?.every((tag) => / src="\/assets\//.test(tag))).toBe(true);
  });

  it('links the new pages from the signed-in navigation', () => {
    const page = visualSearchPage(ctx('en'));
    expect(page).toContain('<a href="/visual-search">Visual search</a>');
    expect(page).toContain('<a href="/style-profile">My style</a>');
  });
});
