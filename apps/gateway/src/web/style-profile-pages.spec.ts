import { join } from 'node:path';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';
import { STYLE_PROFILE_MIN_LIKES, styleProfilePage, type StyleProfileAnswer } from './style-profile-pages';
import { AssetManifest } from './asset-manifest';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));

const ctx = (lang: Lang): PageContext => ({
  lang,
  t: translator(lang),
  signedIn: true,
  assets,
  csrf: 'x',
  path: '/style-profile',
});

const ready: StyleProfileAnswer = {
  likes: 9,
  status: 'ready',
  k: 2,
  modes: [
    {
      mode: 1,
      share: 0.667,
      items: 6,
      dominant_attributes: [
        { name: 'gender', value: 'Men', share: 1 },
        { name: 'baseColour', value: 'Navy Blue', share: 0.67 },
        { name: 'fabric', value: 'Linen', share: 0.5 },
      ],
      example_item_ids: ['a', 'b', 'gone'],
    },
    { mode: 0, share: 0.333, items: 3, dominant_attributes: [], example_item_ids: ['c'] },
  ],
};

const items = {
  a: { title: 'Navy <Shirt> "Oxford"', imageUrl: '/v1/catalog/items/a/image' },
  b: { title: 'Navy chinos', imageUrl: '/v1/catalog/items/b/image' },
  c: { title: 'Sneakers without a photo', imageUrl: null },
};

describe('styleProfilePage', () => {
  it('draws one card per style mode, largest first, with its share as a number and a bar', () => {
    const page = styleProfilePage(ctx('en'), ready, items);
    const cards = page.match(/<li class="sp-mode" data-mode="(\d+)">/g) ?? [];
    expect(cards).toEqual(['<li class="sp-mode" data-mode="1">', '<li class="sp-mode" data-mode="0">']);
    expect(page).toContain('Liked items: 9. Styles: 2.');
    expect(page).toContain('Share: 67%');
    expect(page).toContain('Share: 33%');
    expect(page).toMatch(/<rect class="bar-fill" width="67" height="6"><\/rect>/);
    expect(page).toMatch(/<rect class="bar-fill" width="33" height="6"><\/rect>/);
  });

  it('puts dominant catalogue attributes into words of the page language, unknown ones as written', () => {
    const ru = styleProfilePage(ctx('ru'), ready, items);
    expect(ru).toMatch(/пол: <strong>мужской<\/strong>\s*<span class="status">\(100% товаров\)/);
    expect(ru).toMatch(/цвет: <strong>тёмно-синий<\/strong>\s*<span class="status">\(67% товаров\)/);
    expect(ru).toContain('fabric: <strong>Linen</strong>');
    expect(ru).toContain('Нет признака, общего для большинства товаров этого стиля.');
    const en = styleProfilePage(ctx('en'), ready, items);
    expect(en).toMatch(/gender: <strong>men<\/strong>/);
    expect(en).toMatch(/colour: <strong>navy blue<\/strong>/);
  });

  it('shows example item images with their (escaped) titles, and the title alone when there is no photo', () => {
    const page = styleProfilePage(ctx('en'), ready, items);
    expect(page).toContain(
      '<img src="/v1/catalog/items/a/image" alt="Navy &lt;Shirt&gt; &quot;Oxford&quot;" loading="lazy" width="60" height="80" />',
    );
    expect(page).toContain('<span class="sp-noimage">Sneakers without a photo</span>');
    // An item the catalogue could not return still has a described placeholder.
    expect(page).toContain('<span class="sp-noimage">Example of style 1</span>');
    expect(page).not.toMatch(/\sstyle=/);
    expect(page).toContain(`<link rel="stylesheet" href="${assets.path('visual.css')}" />`);
  });

  it('says how many likes are still needed when there are too few', () => {
    const page = styleProfilePage(ctx('ru'), { likes: 2, status: 'not_enough_likes', modes: [] });
    expect(page).toContain(
      `Профиль стиля появится, когда понравившихся товаров будет не меньше ${STYLE_PROFILE_MIN_LIKES}. Сейчас: 2, осталось: ${STYLE_PROFILE_MIN_LIKES - 2}.`,
    );
    expect(page).not.toContain('sp-mode');
    const en = styleProfilePage(ctx('en'), { likes: 0, status: 'not_enough_likes', modes: [] });
    expect(en).toContain(
      `liked at least ${STYLE_PROFILE_MIN_LIKES} items. So far: 0, ${STYLE_PROFILE_MIN_LIKES} to go.`,
    );
  });

  it('says so when the recommender cannot be reached', () => {
    expect(styleProfilePage(ctx('en'), undefined)).toMatch(
      /<p class="error" role="alert">The style profile is unavailable right now/,
    );
  });
});
