import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { newEmail, PASSWORD } from './support/http-session';
import { TestMesh } from './support/test-mesh';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
// Set to refresh the screenshots in docs/screenshots/ while the suite runs.
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;

/** Issue 14: the product-cards pages in Chromium: choose a shop's items, follow the batch, download the zip. */
describe('product cards pages', () => {
  const mesh = new TestMesh({
    env: { JUDGE_BACKEND: 'statistics', RECOMMENDER_IMAGE_FEATURES: 'off' },
    serviceEnv: { recommender: { VISUAL_EXTRACTORS: 'colour' } },
    services: [],
  });
  let url: string;
  let rec: string;
  let browser: Browser;

  beforeAll(async () => {
    await mesh.start();
    for (const s of ['gateway', 'billing', 'enhancer', 'generator', 'judge', 'recommender'] as const) {
      await mesh.supervisor.start(s);
    }
    url = mesh.supervisor.url('gateway');
    rec = mesh.supervisor.url('recommender');
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 400000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

  /** A registered account made a shop, signed in again so its session carries the role; its catalogue seeded. */
  async function shop(ctx: BrowserContext, ru: boolean): Promise<{ page: Page; items: string[] }> {
    const page = await ctx.newPage();
    const email = newEmail('cards');
    await page.goto(`${url}/register`);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password2').fill(PASSWORD);
    await page.getByRole('button', { name: ru ? 'Создать аккаунт' : 'Create account' }).click();
    await page.waitForURL(/\/app$/);
    const [{ id }] = await mesh.query<{ id: string }>(
      `UPDATE gateway.users SET role = 'shop' WHERE email = $1 RETURNING id`,
      [email],
    );
    await ctx.clearCookies();
    await ctx.addCookies([{ name: 'atelier_lang', value: ru ? 'ru' : 'en', url }]);
    await page.goto(`${url}/login`);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: ru ? 'Войти' : 'Log in' }).click();
    await page.waitForURL(/\/app$/);
    const items: string[] = [];
    const catalogue: Array<[string, number, string | null]> = [
      ['Кружка керамическая', 790, '#c8157a'],
      ['Термос синий', 1990, '#1a4fd6'],
      ['Чайник без фото', 2490, null],
    ];
    for (const [i, [title, price, colour]] of catalogue.entries()) {
      const made = await fetch(`${rec}/v1/catalog/items`, {
        method: 'POST',
        headers: { 'x-user-id': id, 'x-user-role': 'shop', 'content-type': 'application/json' },
        body: JSON.stringify({ externalId: `sku-${i}`, title, price, currency: 'RUB' }),
      });
      const item = (await made.json()) as { id: string };
      items.push(item.id);
      if (!colour) continue;
      const png = await sharp(
        Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="500"><rect width="400" height="500" fill="#fff"/>
          <rect x="120" y="100" width="160" height="300" rx="30" fill="${colour}"/></svg>`),
      )
        .png()
        .toBuffer();
      const up = await fetch(`${rec}/v1/catalog/manage/items/${item.id}/image`, {
        method: 'POST',
        headers: { 'x-user-id': id, 'x-user-role': 'shop', 'content-type': 'image/png' },
        body: new Uint8Array(png),
      });
      expect(up.status).toBeLessThan(300);
    }
    return { page, items };
  }

  for (const [lang, viewport, name] of [
    ['ru', PHONE, 'phone'],
    ['en', DESKTOP, 'desktop'],
    ['en', PHONE, 'phone'],
    ['ru', DESKTOP, 'desktop'],
  ] as const) {
    it(`choose products, batch progress, zip (${lang}, ${name})`, async () => {
      const ru = lang === 'ru';
      const ctx = await browser.newContext({ viewport, locale: ru ? 'ru-RU' : 'en-GB', acceptDownloads: true });
      await ctx.addCookies([{ name: 'atelier_lang', value: lang, url }]);
      const { page, items } = await shop(ctx, ru);
      await page.goto(`${url}/shop/manage`);
      await page.getByRole('link', { name: ru ? 'Карточки товаров' : 'Product cards' }).click();
      await page.waitForURL(/\/studio\/products$/);
      expect(await page.title()).toBe(ru ? 'Карточки для товаров · Ателье' : 'Cards for your products · Atelier');
      expect(await page.locator('.pc-item').count()).toBe(3);
      // The item without a photo cannot be ticked.
      expect(await page.locator(`#pc-${items[2]}`).isDisabled()).toBe(true);
      expect(await noSideScroll(page)).toBe(true);
      await shot(page, `product-cards-choose-${name}-${lang}`);

      // Nothing ticked: 400 with the reason, nothing started.
      const [empty] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: ru ? 'Сделать карточки' : 'Make the cards' }).click(),
      ]);
      expect(empty.status()).toBe(400);
      expect(await page.locator('[data-error]').textContent()).toBe(
        ru ? 'Выберите хотя бы один товар.' : 'Choose at least one product.',
      );

      // Search narrows the list.
      await page.locator('#pc-q').fill(ru ? 'термос' : 'Термос');
      await page.getByRole('button', { name: ru ? 'Найти' : 'Search' }).click();
      await page.waitForURL(/\?q=/);
      expect(await page.locator('.pc-item').count()).toBe(1);
      await page.goto(`${url}/studio/products`);

      await page.locator(`label[for="pc-${items[0]}"]`).click();
      await page.locator(`label[for="pc-${items[1]}"]`).click();
      await page.locator('#pc-prompt').fill(ru ? 'карточки для маркетплейса' : 'marketplace cards');
      await page.getByRole('button', { name: ru ? 'Сделать карточки' : 'Make the cards' }).click();
      await page.waitForURL(/\/studio\/batches\/[0-9a-f-]{36}$/);
      // The page refreshes itself (meta refresh) while running: wait for it to show the end.
      await page.locator('[data-batch-status]:not([data-batch-status="running"])').waitFor({ timeout: 180000 });
      const status = await page.locator('[data-batch-status]').getAttribute('data-batch-status');
      expect(status).toBe('completed');
      expect(await page.locator('.pc-result[data-status="completed"]').count()).toBe(2);
      expect(await page.locator('.pc-result img').count()).toBe(2);
      expect(await page.locator('progress').getAttribute('value')).toBe('2');
      expect(await noSideScroll(page)).toBe(true);
      await page.waitForFunction(
        '[...document.querySelectorAll(".pc-result img")].every((i) => i.complete && i.naturalWidth > 0)',
      );
      await shot(page, `product-cards-batch-${name}-${lang}`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-zip]').click()]);
      const path = await download.path();
      const bytes = (await import('node:fs')).readFileSync(path);
      expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
      expect(bytes.readUInt16LE(bytes.length - 12)).toBe(2);
      await ctx.close();
    }, 300000);
  }
});
