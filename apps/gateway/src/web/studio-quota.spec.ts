import { join } from 'node:path';
import { AssetManifest } from './asset-manifest';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';
import { studioPage } from './pages';
import { failureMessage, studioQuotaProblem } from './studio-quota';

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
    expect(page).toContain('href="/account/billing/top-up"');
    // Nothing left: no image is offered and the form cannot be sent.
    expect(page).toMatch(/<select id="n" name="n"\s+disabled>/);
    expect(page).toMatch(/<button type="submit" disabled>/);
  });

  it('names what limits a request before it is submitted, with the ways forward', () => {
    const ru = ctx('ru');
    expect(studioQuotaProblem(ru, 2, { left: 5, maxPerRequest: 4 })).toBeUndefined();
    expect(studioQuotaProblem(ru, 3, { left: 2, maxPerRequest: 4 })).toBe(
      'Осталось картинок: 2, а выбрано 3. Выберите меньше картинок, перейдите на тариф побольше или пополните баланс для смены тарифа.',
    );
    expect(studioQuotaProblem(ctx('en'), 4, { left: 50, maxPerRequest: 3 })).toBe(
      'Your plan allows at most 3 images per request. Choose fewer.',
    );
    expect(studioQuotaProblem(ru, 1, { left: 0, maxPerRequest: 4 })).toContain('закончились');
    const page = studioPage(ru, empty, { n: '3' }, { n: ['x'] }, { left: 2, maxPerRequest: 4 });
    expect(page).toContain('data-quota-ways');
  });

  it('words a quota refusal of the saga in the page language instead of billing’s English', () => {
    const text = failureMessage(ctx('ru'), { code: 'quota_exceeded', reason: 'allowance of 3 … (0 used)' }).value;
    expect(text).toContain('Картинок в тарифе не хватило');
    expect(text).not.toContain('0 used');
    expect(failureMessage(ctx('en'), { code: 'generator_down', reason: 'boom' }).value).toContain('boom');
  });
});
