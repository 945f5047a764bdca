import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiUser, HttpSession, newEmail, PASSWORD } from './support/http-session';
import { launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';

const SHOTS = process.env.WEB_SCREENSHOTS_DIR;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };

/** The entries of a zip, read from its central directory (stored entries only: yazl writes them so here). */
function unzipStored(zip: Buffer): Array<{ name: string; method: number; data: Buffer }> {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: Array<{ name: string; method: number; data: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    entries.push({ name, method, data: zip.subarray(start, start + size) });
    at += 46 + skip;
  }
  return entries;
}

/** The gallery of issue 17 in real headless Chromium against a whole mesh. */
describe('gallery in Chromium', () => {
  const mesh = new TestMesh({ env: { ALLOW_DEV_USER_HEADER: 'false', TRUST_PROXY_HOPS: '1' } });
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    await mesh.start();
    url = mesh.supervisor.url('gateway');
    browser = await launchChromium();
  }, 120000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function register(ctx: BrowserContext, email = newEmail('gallery')): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${url}/register`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Пароль ещё раз').fill(PASSWORD);
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  const params = async (id: string) =>
    (
      await mesh.query<{ params: Record<string, unknown> }>('SELECT params FROM gateway.generations WHERE id = $1', [
        id,
      ])
    )[0]?.params;

  it('generate → result opens by itself → lightbox → downloads → zip → copy → variations → delete → 404', async () => {
    const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'ru-RU' });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const page = await register(ctx);
    const prompt = 'баннер для цветочной лавки, весна, скидка 15%';
    await page.getByLabel('Что нарисовать').fill(prompt);
    await page.getByLabel('Количество картинок').selectOption('3');
    await page.getByRole('button', { name: 'Сгенерировать' }).click();
    await page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() ?? '';
    await shot(page, 'gallery-progress-desktop-ru');
    // Nobody clicks: the progress page opens the result when the saga ends.
    await page.waitForURL(new RegExp(`/app/requests/${id}$`), { timeout: 120000 });
    expect(await page.locator('ol.gallery > li').count()).toBe(3);

    // Lightbox: opens on the image, keyboard moves through the images (wrapping), zoom, focus stays inside.
    const links = page.locator('a[data-lightbox]');
    expect(await links.first().getAttribute('aria-label')).toBe('Открыть картинку 1 крупно');
    await links.first().click();
    const dialog = page.locator('dialog[open]');
    await dialog.waitFor();
    const caption = dialog.locator('.lightbox-caption');
    const src = () => dialog.locator('[data-lb-img]').getAttribute('src');
    expect(await caption.textContent()).toBe('Картинка 1 из 3');
    expect(await src()).toBe(`/v1/generations/${id}/images/1`);
    expect(await dialog.getAttribute('aria-labelledby')).toBe('lightbox-caption');
    expect(
      await dialog
        .getByRole('button', { name: 'Закрыть просмотр' })
        .evaluate((b) => b === b.ownerDocument.activeElement),
    ).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(await caption.textContent()).toBe('Картинка 2 из 3');
    expect(await src()).toBe(`/v1/generations/${id}/images/2`);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await caption.textContent()).toBe('Картинка 3 из 3');
    await page.keyboard.press('+');
    expect(await dialog.locator('[data-lb-stage]').getAttribute('data-zoom')).toBe('1.5');
    await dialog.getByRole('button', { name: 'Увеличить' }).click();
    expect(await dialog.locator('[data-lb-stage]').getAttribute('data-zoom')).toBe('2');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    expect(await dialog.locator('[data-lb-stage]').getAttribute('data-zoom')).toBe('1');
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
      expect(await page.evaluate('document.activeElement.closest("dialog") !== null')).toBe(true);
    }
    await shot(page, 'gallery-lightbox-desktop-ru');
    await page.keyboard.press('Escape');
    expect(await page.locator('dialog[open]').count()).toBe(0);
    // Focus goes back to the image the viewer was opened from.
    expect(await page.evaluate('document.activeElement.getAttribute("data-lightbox")')).toBe('0');

    // Downloads: the links in the page, and the converted files are real JPEG / WebP of the full size.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Скачать картинку 1 в формате WebP' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`atelier-${id}-1.webp`);
    const webpFile = await readFile((await download.path()) ?? '');
    const webpMeta = await sharp(webpFile).metadata();
    expect(webpMeta.format).toBe('webp');
    const jpg = await ctx.request.get(`${url}/v1/generations/${id}/images/2/download?format=jpg`);
    expect(jpg.status()).toBe(200);
    expect(jpg.headers()['content-type']).toBe('image/jpeg');
    expect(jpg.headers()['content-disposition']).toBe(`attachment; filename="atelier-${id}-2.jpg"`);
    expect(jpg.headers()['cache-control']).toBe('private, max-age=3600');
    const jpgMeta = await sharp(await jpg.body()).metadata();
    expect(jpgMeta.format).toBe('jpeg');
    const png = await ctx.request.get(`${url}/v1/generations/${id}/images/2`);
    const pngMeta = await sharp(await png.body()).metadata();
    expect([jpgMeta.width, jpgMeta.height]).toEqual([pngMeta.width, pngMeta.height]);
    expect([webpMeta.width, webpMeta.height]).toEqual([pngMeta.width, pngMeta.height]);

    // Download all: one zip with the three images, each a JPEG.
    const zip = await ctx.request.get(`${url}/v1/generations/${id}/archive?format=jpg`);
    expect(zip.status()).toBe(200);
    expect(zip.headers()['content-type']).toBe('application/zip');
    const entries = unzipStored(await zip.body());
    expect(entries.map((e) => e.name)).toEqual([1, 2, 3].map((r) => `atelier-${id}-${r}.jpg`));
    for (const e of entries) expect((await sharp(e.data).metadata()).format).toBe('jpeg');
    const zipLinks = page.locator('.gallery-tools a[href*="/archive?format="]');
    expect(await zipLinks.count()).toBe(3);

    // History thumbnails: WebP, at most 256 px and 20 KB, kept in storage after the first request.
    const thumb = await ctx.request.get(`${url}/v1/generations/${id}/images/1/thumbnail`);
    expect(thumb.headers()['content-type']).toBe('image/webp');
    const thumbBytes = await thumb.body();
    expect(thumbBytes.length).toBeLessThanOrEqual(20 * 1024);
    const thumbMeta = await sharp(thumbBytes).metadata();
    expect(thumbMeta.format).toBe('webp');
    expect(Math.max(thumbMeta.width ?? 0, thumbMeta.height ?? 0)).toBeLessThanOrEqual(256);
    const [{ images }] = await mesh.query<{ images: Array<{ rank: number; storageKey: string }> }>(
      'SELECT images FROM gateway.generations WHERE id = $1',
      [id],
    );
    const key = images.find((i) => i.rank === 1)?.storageKey ?? '';
    expect(existsSync(join(mesh.storageDir, 'thumbnails', `${key}.webp`))).toBe(true);
    // Conversions are kept too (image keys are content hashes): the zip above made the JPEG of rank 1.
    expect(existsSync(join(mesh.storageDir, 'converted', `${key}.jpg`))).toBe(true);
    expect(
      (await (await ctx.request.get(`${url}/v1/generations/${id}/images/1/thumbnail`)).body()).equals(thumbBytes),
    ).toBe(true);
    await page.goto(`${url}/app`);
    expect(await page.locator('ul.history img').first().getAttribute('src')).toBe(
      `/v1/generations/${id}/images/1/thumbnail`,
    );
    await page.goto(`${url}/app/requests/${id}`);

    // Copy the prompt.
    await page.getByRole('button', { name: 'Копировать запрос' }).click();
    await page.locator('[data-copy-status]', { hasText: 'Запрос скопирован' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(prompt);
    await shot(page, 'gallery-result-desktop-ru');

    // A replayed variations form (same Idempotency-Key) makes one generation.
    const form = page.locator('form:has([data-again="variations"])');
    const formKey = (await form.locator('input[name="idempotencyKey"]').getAttribute('value')) ?? '';
    const csrf = (await form.locator('input[name="_csrf"]').getAttribute('value')) ?? '';
    const post = () =>
      ctx.request.post(`${url}/app/requests/${id}/again`, {
        form: { _csrf: csrf, idempotencyKey: formKey, mode: 'variations' },
        maxRedirects: 0,
      });
    const [a, b] = [await post(), await post()];
    expect(a.status()).toBe(303);
    expect(b.headers().location).toBe(a.headers().location);
    const replayed = (a.headers().location ?? '').split('/').pop() ?? '';

    // Variations through the page: a new generation with the same settings and another seed.
    await page.getByRole('button', { name: 'Варианты: те же настройки, новые сиды' }).click();
    await page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/);
    const variation = page.url().split('/').pop() ?? '';
    expect(variation).not.toBe(id);
    // The button sends that same form (same key): still the one generation.
    expect(variation).toBe(replayed);
    const [before, after] = [await params(id), await params(variation)];
    expect(after).toMatchObject({ prompt, n: 3, steps: before?.steps, guidance: before?.guidance });
    expect(after?.seed).not.toBe(before?.seed);
    await page.waitForURL(new RegExp(`/app/requests/${variation}$`), { timeout: 120000 });
    // "Again" keeps the seed.
    await page.getByRole('button', { name: 'Повторить с теми же настройками' }).click();
    await page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/);
    const again = page.url().split('/').pop() ?? '';
    expect((await params(again))?.seed).toBe(after?.seed);

    // Another user: 404 for the pages, images, downloads, zip, and deleting; nothing changes.
    const other = await apiUser(url);
    const s = new HttpSession(url, other.auth);
    for (const path of [
      `/v1/generations/${variation}`,
      `/v1/generations/${variation}/images/1/download?format=jpg`,
      `/v1/generations/${variation}/images/1/thumbnail`,
      `/v1/generations/${variation}/archive?format=png`,
      `/v1/generations/${variation}/repeat`,
    ]) {
      expect([path, (await s.get(path)).status]).toEqual([path, 404]);
    }
    expect((await s.request('DELETE', `/v1/generations/${variation}`)).status).toBe(404);
    expect((await ctx.request.get(`${url}/v1/generations/${variation}`)).status()).toBe(200);

    // Bad input: 4xx with a code, never 5xx.
    const bad: Array<[string, number, string | undefined]> = [
      [`/v1/generations/${id}/images/1/download?format=gif`, 400, 'invalid_format'],
      [`/v1/generations/${id}/images/abc/download?format=jpg`, 404, 'not_found'],
      [`/v1/generations/${id}/images/9/download?format=jpg`, 404, 'not_found'],
      [`/v1/generations/${id}/archive?format=tiff`, 400, 'invalid_format'],
      [`/v1/generations/${id}/archive?format=jpg&format=png`, 400, 'invalid_format'],
      [`/v1/generations/${id}/repeat?mode=twice`, 400, 'invalid_mode'],
      [`/v1/generations?status=bogus`, 400, 'invalid_history_query'],
      [`/v1/generations?from=2026-02-30`, 400, 'invalid_history_query'],
      [`/v1/generations?from=2026-05-02&to=2026-05-01`, 400, 'invalid_history_query'],
      [`/v1/generations?q=${'x'.repeat(201)}`, 400, 'invalid_history_query'],
      [`/v1/generations?platform=DROP%20TABLE`, 400, 'invalid_history_query'],
      [`/v1/generations/not-a-uuid/archive`, 404, 'not_found'],
    ];
    for (const [path, status, code] of bad) {
      const res = await ctx.request.get(`${url}${path}`);
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
      expect([path, res.status(), body.error?.code]).toEqual([path, status, code]);
    }
    expect((await ctx.request.get(`${url}/app/history?from=2026-13-01`)).status()).toBe(400);
    const badMode = await ctx.request.post(`${url}/app/requests/${id}/again`, {
      form: { _csrf: csrf, mode: 'twice' },
      maxRedirects: 0,
    });
    expect(badMode.status()).toBe(400);
    const noCsrf = await ctx.request.post(`${url}/app/requests/${id}/delete`, { form: {}, maxRedirects: 0 });
    expect(noCsrf.status()).toBe(403);
    expect((await ctx.request.get(`${url}/v1/generations/${id}`)).status()).toBe(200);

    // Delete, with a confirm step; afterwards the generation and its images are 404 for the owner too.
    await page.goto(`${url}/app/requests/${id}`);
    await page.getByRole('link', { name: 'Удалить запрос' }).click();
    await page.waitForURL(new RegExp(`/app/requests/${id}/delete$`));
    await shot(page, 'gallery-delete-desktop-ru');
    await page.getByRole('button', { name: 'Да, удалить' }).click();
    await page.waitForURL(/\/app\/history\?deleted=1$/);
    expect(await page.locator('.notice').textContent()).toBe('Запрос удалён.');
    expect(await page.locator(`[data-generation="${id}"]`).count()).toBe(0);
    expect(await page.locator(`[data-generation="${variation}"]`).count()).toBe(1);
    for (const path of [
      `/app/requests/${id}`,
      `/v1/generations/${id}`,
      `/v1/generations/${id}/images/1`,
      `/v1/generations/${id}/images/1/thumbnail`,
      `/v1/generations/${id}/images/1/download?format=png`,
      `/v1/generations/${id}/archive`,
    ]) {
      expect([path, (await ctx.request.get(`${url}${path}`)).status()]).toEqual([path, 404]);
    }
    const list = (await (await ctx.request.get(`${url}/v1/generations`)).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((g) => g.id)).not.toContain(id);
    expect(
      (await ctx.request.delete(`${url}/v1/generations/${id}`, { headers: { 'x-csrf-token': csrf } })).status(),
    ).toBe(404);
    await ctx.close();
  }, 300000);

  it('searches and filters the history page by page, and opens the result without JavaScript', async () => {
    const email = newEmail('history');
    const user = await apiUser(url, email);
    const s = new HttpSession(url, user.auth);
    const made: Record<string, string> = {};
    for (const [name, body] of [
      ['coffee', { prompt: 'кофейня осень латте', platform: 'instagram_post', width: 128, height: 128 }],
      ['shoes', { prompt: 'кроссовки marketplace card', platform: 'marketplace_card', width: 128, height: 128 }],
      ['tea', { prompt: 'чайная лавка 100% натуральный', platform: 'telegram_post', width: 128, height: 128 }],
    ] as const) {
      const res = await s.post('/v1/generations', { json: body });
      if (res.status === 202) made[name] = ((await res.json()) as { id: string }).id;
    }
    expect(Object.keys(made)).toEqual(['coffee', 'shoes', 'tea']);
    const ids = (q: string) =>
      s.get(`/v1/generations?${q}`).then(async (r) => {
        expect(r.status).toBe(200);
        return ((await r.json()) as { items: Array<{ id: string }> }).items.map((g) => g.id);
      });
    expect(await ids('q=латте')).toEqual([made.coffee]);
    // LIKE wildcards are literal text.
    expect(await ids('q=100%25')).toEqual([made.tea]);
    expect(await ids('q=%25')).toEqual([made.tea]);
    expect(await ids('platform=marketplace_card')).toEqual([made.shoes]);
    // Status groups: once the saga has finished them all, "completed" has them and "active" none.
    for (let i = 0; i < 300 && (await ids('status=completed')).length < 3; i++)
      await new Promise((r) => setTimeout(r, 200));
    expect((await ids('status=completed')).sort()).toEqual(Object.values(made).sort());
    expect(await ids('status=active')).toEqual([]);
    expect(await ids('platform=telegram_post&status=completed')).toEqual([made.tea]);
    expect(await ids('platform=telegram_post&status=failed')).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await ids(`from=${today}&to=${today}`)).length).toBeGreaterThanOrEqual(3);
    expect(await ids('to=2001-01-01')).toEqual([]);
    // Pages keep the filters.
    const first = (await (await s.get(`/v1/generations?limit=1&q=${encodeURIComponent('а')}`)).json()) as {
      items: Array<{ id: string }>;
      nextCursor: string;
    };
    const second = (await (
      await s.get(`/v1/generations?limit=1&q=${encodeURIComponent('а')}&cursor=${first.nextCursor}`)
    ).json()) as { items: Array<{ id: string }> };
    expect(second.items[0].id).not.toBe(first.items[0].id);

    // The page, with JavaScript switched off: search form, filters, thumbnails once completed.
    for (const [viewport, lang, name] of [
      [DESKTOP, 'en', 'gallery-history-desktop-en'],
      [PHONE, 'ru', 'gallery-history-phone-ru'],
    ] as const) {
      const ctx = await browser.newContext({ viewport, locale: lang, javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto(`${url}/lang/${lang}?next=/login`);
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel(lang === 'ru' ? 'Пароль' : 'Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: lang === 'ru' ? 'Войти' : 'Log in', exact: true }).click();
      await page.waitForURL(/\/app$/);
      await page.goto(`${url}/app/history`);
      expect(await page.locator('[data-generation]').count()).toBe((await ids('')).length);
      await page.getByLabel(lang === 'ru' ? 'Текст запроса' : 'Request text').fill('кроссовки');
      await page.getByRole('button', { name: lang === 'ru' ? 'Найти' : 'Search' }).click();
      await page.waitForURL(/\/app\/history\?q=/);
      expect(
        await page.locator('[data-generation]').evaluateAll((li) => li.map((l) => l.getAttribute('data-generation'))),
      ).toEqual([made.shoes]);
      await page.goto(`${url}/app/history?platform=telegram_post&status=completed`);
      expect(await page.locator('[data-generation]').getAttribute('data-generation')).toBe(made.tea);
      expect(await page.getByLabel(lang === 'ru' ? 'Площадка' : 'Platform').inputValue()).toBe('telegram_post');
      // The thumbnail is the small WebP.
      expect(await page.locator('[data-generation] img').getAttribute('src')).toBe(
        `/v1/generations/${made.tea}/images/1/thumbnail`,
      );
      await page.goto(`${url}/app/history?q=${encodeURIComponent('ничего такого нет')}`);
      expect(await page.locator('[data-history-empty]').count()).toBe(1);
      // A malformed date comes back next to its field, with 400.
      const res = await page.goto(`${url}/app/history?from=2026-02-30`);
      expect(res?.status()).toBe(400);
      expect(await page.locator('#from').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#from-error').count()).toBe(1);
      await page.goto(`${url}/app/history`);
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      await shot(page, name);
      if (lang === 'ru') {
        // Without JavaScript the progress page looks again by itself and lands on the result.
        await page.goto(`${url}/app`);
        await page.getByLabel('Что нарисовать').fill('открытка для кофейни');
        await page.getByLabel('Количество картинок').selectOption('1');
        await page.getByRole('button', { name: 'Сгенерировать' }).click();
        await page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/);
        const task = page.url().split('/').pop() ?? '';
        await page.waitForURL(new RegExp(`/app/requests/${task}$`), { timeout: 120000 });
        // …where the lightbox links still open the image itself.
        expect(await page.locator('a[data-lightbox]').first().getAttribute('href')).toBe(
          `/v1/generations/${task}/images/1`,
        );
        await shot(page, 'gallery-result-phone-ru');
      }
      await ctx.close();
    }
  }, 300000);

  it('shows the lightbox on a phone', async () => {
    const ctx = await browser.newContext({ viewport: PHONE, locale: 'ru-RU' });
    const page = await register(ctx);
    await page.getByLabel('Что нарисовать').fill('пост для пекарни, круассаны');
    await page.getByLabel('Количество картинок').selectOption('2');
    await page.getByRole('button', { name: 'Сгенерировать' }).click();
    await page.waitForURL(/\/app\/requests\/[0-9a-f-]{36}$/, { timeout: 120000 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.locator('a[data-lightbox]').first().click();
    await page.locator('dialog[open]').waitFor();
    await page.getByRole('button', { name: 'Следующая картинка' }).click();
    expect(await page.locator('dialog[open] .lightbox-caption').textContent()).toBe('Картинка 2 из 2');
    await shot(page, 'gallery-lightbox-phone-ru');
    await page.getByRole('button', { name: 'Закрыть просмотр' }).click();
    expect(await page.locator('dialog[open]').count()).toBe(0);
    await ctx.close();
  }, 180000);
});
