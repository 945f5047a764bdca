import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import sharp from 'sharp';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiUser, freshIp, newEmail, PASSWORD } from './support/http-session';
import { launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';
import { writeZip } from './support/zip-writer';

const FASHION = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');
const IMAGES = join(FASHION, 'images_60x80');
const SHOTS = resolve(__dirname, '..', 'docs', 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };

interface Product {
  id: string;
  articleType: string;
  baseColour: string;
  title: string;
  file: string;
}

function products(): Product[] {
  const [, ...lines] = readFileSync(join(FASHION, 'styles.csv'), 'utf8').trim().split('\n');
  return lines
    .map((line) => {
      const f = line.split(',');
      return {
        id: f[0],
        articleType: f[4],
        baseColour: f[5],
        title: f.slice(9).join(',').trim(),
        file: join(IMAGES, `${f[0]}.jpg`),
      };
    })
    .filter((p) => p.title && !p.title.includes('"') && existsSync(p.file));
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const priceOf = (p: Product) => 500 + (Number(p.id) % 30) * 100;

/**
 * Issue 17, catalogue management in real Chromium against gateway + recommender: a shop imports a CSV with bad
 * rows (row numbers shown; all-or-nothing refuses, skip-bad-rows runs as a job with a status page), uploads a zip
 * of photos matched by externalId, edits; another shop gets 403 and changes nothing; bad zips are 4xx and store
 * nothing; a customer's visual search from a liked item finds the shop's products with title, price and link, and
 * saves, reruns and deletes the search.
 */
describe('web: shop catalogue management and visual search results', () => {
  const ADMIN = newEmail('admin');
  const mesh = new TestMesh({
    services: ['gateway', 'recommender'],
    env: {
      TRUST_PROXY_HOPS: '1',
      ADMIN_EMAILS: ADMIN,
      RECOMMENDER_IMAGE_FEATURES: 'off',
      VISUAL_EXTRACTORS: 'colour,pattern',
      UPLOAD_MAX_BYTES: String(2 * 1024 * 1024),
      PHOTO_MAX_BYTES: String(300 * 1024),
    },
  });
  const gw = () => mesh.supervisor.url('gateway');
  const all = products();
  const black = all.filter((p) => p.baseColour === 'Black' && p.articleType === 'Tshirts').slice(0, 14);
  const red = all.filter((p) => p.baseColour === 'Red').slice(0, 8);
  const white = all.filter((p) => p.baseColour === 'White').slice(0, 8);
  const catalogue = [...black, ...red, ...white];
  let browser: Browser;
  let admin: Awaited<ReturnType<typeof apiUser>>;
  let shopA: { email: string; id: string };
  let shopB: { email: string; id: string };

  const makeShop = async () => {
    const u = await apiUser(gw());
    const id = String(jwt.decode(u.accessToken, { json: true })?.sub);
    const res = await fetch(`${gw()}/v1/admin/users/${id}/role`, {
      method: 'PUT',
      headers: { ...admin.auth, 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body: JSON.stringify({ role: 'shop' }),
    });
    expect(res.status).toBe(200);
    return { email: u.email, id };
  };

  async function logIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    await page.goto(`${gw()}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  /** A multipart post with the context's cookies and CSRF token, as the browser's form would send it. */
  async function postFile(
    context: BrowserContext,
    path: string,
    file: { name: string; mimeType: string; buffer: Buffer },
  ) {
    const csrf = (await context.cookies()).find((c) => c.name === 'atelier_csrf')?.value ?? '';
    return context.request.post(`${gw()}${path}`, {
      multipart: { _csrf: csrf, file },
      headers: { 'x-forwarded-for': freshIp() },
      maxRedirects: 0,
    });
  }

  async function shoot(page: Page, name: string): Promise<void> {
    for (const [label, size] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(SHOTS, `shop-${name}-${label}.png`), fullPage: true });
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    }
    await page.setViewportSize(PHONE);
  }

  const itemsOf = (shop: string) =>
    mesh.query<{ id: string; external_id: string; title: string; price_minor: string; image_key: string | null }>(
      'SELECT id, external_id, title, price_minor, image_key FROM recommender.items WHERE shop_id = $1 ORDER BY external_id',
      [shop],
    );
  const photoCount = async () =>
    Number((await mesh.query<{ n: string }>('SELECT count(*) AS n FROM recommender.photos'))[0].n);

  beforeAll(async () => {
    await mesh.start();
    browser = await launchChromium();
    admin = await apiUser(gw(), ADMIN);
    shopA = await makeShop();
    shopB = await makeShop();
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  it('imports a CSV with bad rows named by number, as a job with a status page; photos by zip; edits', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'ru-RU' });
    const page = await logIn(context, shopA.email);
    await page.goto(`${gw()}/shop/manage`);
    expect(await page.locator('h1').textContent()).toBe('Мои товары');
    expect(await page.getByRole('status').first().textContent()).toContain('Товаров пока нет');

    // Rows 4 and 7 are bad: a price that is not a number, and a row with one column too many.
    const lines = ['Артикул,Название,Цена,Категория,colour'];
    catalogue.forEach((p, i) => {
      lines.push([p.id, csvCell(p.title), String(priceOf(p)), `Apparel > ${p.articleType}`, p.baseColour].join(','));
      if (i === 1) lines.push('bad-1,Broken price,abc,,');
      if (i === 3) lines.push('bad-2,Too many,100,,Black,extra');
    });
    const csv = Buffer.from(lines.join('\n') + '\n');
    await page.getByRole('link', { name: 'Импорт CSV или JSON' }).click();
    await page.waitForURL(/\/shop\/manage\/import$/);
    await page
      .getByLabel('Файл CSV или JSON')
      .setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: 'Показать предпросмотр' }).click();
    await page.waitForURL(/\/shop\/manage\/import\/preview$/);
    expect(await page.locator('[data-summary]').textContent()).toContain(
      `Строк: ${catalogue.length + 2}; готовы к импорту: ${catalogue.length}; с ошибками: 2`,
    );
    expect(
      await page.locator('table.sm-errors tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row'))),
    ).toEqual(['4', '7']);
    expect(await page.locator('tr[data-row="4"]').textContent()).toContain('price');
    expect(await page.locator('tr[data-row="7"]').textContent()).toContain('6 columns, the header has 5');
    expect(await page.locator('select[data-column="Цена"]').inputValue()).toBe('price');
    expect(await page.locator('select[data-column="colour"]').inputValue()).toBe('attribute');
    await shoot(page, 'import-preview');

    // All or nothing refuses while rows are bad, and stores nothing.
    await page.getByLabel('Всё или ничего').check();
    await page.getByRole('button', { name: 'Начать импорт' }).click();
    await page.waitForURL(/\/shop\/manage\/import\/start$/);
    expect(await page.getByRole('alert').textContent()).toContain('пока есть ошибки: 2');
    expect(await itemsOf(shopA.id)).toEqual([]);

    // Skip the bad rows: a job, its status page, then the products.
    await page.getByLabel('Пропустить строки с ошибками').check();
    await page.getByRole('button', { name: 'Начать импорт' }).click();
    await page.waitForURL(/\/shop\/manage\/import\/jobs\/[0-9a-f-]{36}$/);
    await page.locator('[data-status="succeeded"]').waitFor({ timeout: 60000 });
    expect(await page.locator('[data-done]').textContent()).toContain(
      `Импортировано: ${catalogue.length} (новых: ${catalogue.length}), пропущено строк: 2.`,
    );
    expect(await page.locator('table.sm-errors tbody tr').count()).toBeGreaterThanOrEqual(2);
    await shoot(page, 'import-job');
    const stored = await itemsOf(shopA.id);
    expect(stored.map((r) => r.external_id).sort()).toEqual(catalogue.map((p) => p.id).sort());
    expect(stored.every((r) => r.image_key === null)).toBe(true);

    // Photos by zip, named by externalId; each becomes a catalogue photo linked to its item and is annotated.
    const zip = writeZip(catalogue.map((p) => ({ name: `photos/${p.id}.jpg`, bytes: readFileSync(p.file) })));
    await page.goto(`${gw()}/shop/manage/photos`);
    await page.getByLabel('Zip-архив').setInputFiles({ name: 'photos.zip', mimeType: 'application/zip', buffer: zip });
    await page.getByRole('button', { name: 'Загрузить архив' }).click();
    expect(await page.getByRole('status').first().textContent()).toContain(
      `Фото добавлены к товарам: ${catalogue.length}`,
    );
    await shoot(page, 'zip');
    await mesh.waitFor(
      async () => {
        const rows = await mesh.query<{ n: string }>(
          `SELECT count(*) AS n FROM recommender.photos p JOIN recommender.items i ON i.id = p.item_id
            WHERE i.shop_id = $1 AND p.status = 'annotated' AND p.purpose = 'catalog' AND p.owner_id = $1`,
          [shopA.id],
        );
        return Number(rows[0].n) === catalogue.length || undefined;
      },
      120000,
      'the zip photos annotated for visual search',
    );
    // Re-encoded: the stored bytes decode and are not the uploaded file.
    const [first] = await itemsOf(shopA.id);
    expect(first.image_key).toMatch(/^catalog\//);

    // The list shows them; editing reports every field's problem at once, then saves.
    await page.goto(`${gw()}/shop/manage`);
    expect(await page.locator('.sm-item').count()).toBe(Math.min(24, catalogue.length));
    await shoot(page, 'list');
    const target = stored[0];
    await page.goto(`${gw()}/shop/manage/items/${target.id}`);
    await page.getByLabel('Название').fill('');
    await page.getByLabel('Цена').fill('-5');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    expect(await page.locator('.field-error').allTextContents()).toEqual([
      'Укажите название.',
      'Цена — неотрицательное число, не больше двух знаков после запятой.',
    ]);
    await page.getByLabel('Название').fill('Renamed black tee');
    await page.getByLabel('Цена').fill('1234.5');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.waitForURL(new RegExp(`/shop/manage/items/${target.id}\\?saved=1$`));
    await shoot(page, 'edit');
    const [edited] = await mesh.query<{ title: string; price_minor: string }>(
      'SELECT title, price_minor FROM recommender.items WHERE id = $1',
      [target.id],
    );
    expect(edited).toEqual({ title: 'Renamed black tee', price_minor: '123450' });
    await context.close();
  }, 300000);

  it('another shop can neither edit nor delete them; bad zips are 4xx and store nothing', async () => {
    const items = await itemsOf(shopA.id);
    expect(items.length).toBe(catalogue.length);
    const victim = items[1];
    const context = await browser.newContext({ viewport: PHONE, locale: 'ru-RU' });
    const page = await logIn(context, shopB.email);
    await page.goto(`${gw()}/shop/manage`);
    expect(await page.locator('.sm-item').count()).toBe(0);
    expect((await page.goto(`${gw()}/shop/manage/items/${victim.id}`))?.status()).toBe(403);
    const csrf = (await context.cookies()).find((c) => c.name === 'atelier_csrf')?.value ?? '';
    const edit = await context.request.post(`${gw()}/shop/manage/items/${victim.id}`, {
      form: { _csrf: csrf, title: 'Stolen', price: '1', currency: 'RUB', description: '', category: '' },
      maxRedirects: 0,
    });
    expect(edit.status()).toBe(403);
    const del = await context.request.post(`${gw()}/shop/manage/items/${victim.id}/delete`, {
      form: { _csrf: csrf },
      maxRedirects: 0,
    });
    expect(del.status()).toBe(403);
    const photo = await postFile(context, `/shop/manage/items/${victim.id}/photo`, {
      name: 'x.jpg',
      mimeType: 'image/jpeg',
      buffer: readFileSync(red[0].file),
    });
    expect(photo.status()).toBe(403);
    // Shop B's zip names A's externalIds: they are not B's items.
    const stolen = await postFile(context, '/shop/manage/photos', {
      name: 'p.zip',
      mimeType: 'application/zip',
      buffer: writeZip([{ name: `${victim.external_id}.jpg`, bytes: readFileSync(red[0].file) }]),
    });
    expect(stolen.status()).toBe(422);
    expect(await itemsOf(shopA.id)).toEqual(items);
    await context.close();

    // Shop A's own bad uploads: nothing stored for any of them.
    const own = await browser.newContext({ viewport: PHONE, locale: 'ru-RU' });
    await logIn(own, shopA.email);
    const photosBefore = await photoCount();
    const jpg = readFileSync(black[0].file);
    const big = await sharp({
      create: {
        width: 1200,
        height: 1200,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(300 * 1024);
    const cases: Array<[string, Buffer, number]> = [
      ['not a zip', Buffer.from('this is not a zip file at all'), 400],
      [
        'a text file inside',
        writeZip([
          { name: `${black[0].id}.jpg`, bytes: jpg },
          { name: `${black[1].id}.txt`, bytes: Buffer.from('hello') },
        ]),
        415,
      ],
      ['an image over the photo limit', writeZip([{ name: `${black[0].id}.png`, bytes: big }]), 413],
      [
        'a zip over the upload limit',
        Buffer.concat([writeZip([{ name: 'a.jpg', bytes: jpg }]), Buffer.alloc(2 * 1024 * 1024 + 10)]),
        413,
      ],
    ];
    for (const [what, buffer, status] of cases) {
      const res = await postFile(own, '/shop/manage/photos', { name: 'p.zip', mimeType: 'application/zip', buffer });
      expect([what, res.status()]).toEqual([what, status]);
    }
    expect(await photoCount()).toBe(photosBefore);
    expect(await itemsOf(shopA.id)).toEqual(items);

    // The owner deletes one (a white one, not used below): gone, and its photo leaves visual search.
    const gone = items.find((i) => i.external_id === white[white.length - 1].id) as (typeof items)[number];
    const ownPage = await own.newPage();
    await ownPage.goto(`${gw()}/shop/manage/items/${gone.id}`);
    await ownPage.getByRole('button', { name: 'Удалить товар' }).click();
    await ownPage.waitForURL(/\/shop\/manage\?deleted=1$/);
    expect(await ownPage.getByRole('status').first().textContent()).toBe('Товар удалён.');
    expect((await itemsOf(shopA.id)).map((i) => i.id)).not.toContain(gone.id);
    const retired = await mesh.query<{ status: string; item_id: string | null }>(
      `SELECT status, item_id FROM recommender.photos WHERE failure->>'code' = 'item_deleted'`,
    );
    expect(retired).toEqual([{ status: 'failed', item_id: null }]);
    await own.close();
  }, 180000);

  it('a customer’s visual search from a liked item finds the shop’s products with title, price and link; saved', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    await page.goto(`${gw()}/register`);
    await page.getByLabel('E-mail').fill(newEmail('customer'));
    await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Пароль ещё раз').fill(PASSWORD);
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.waitForURL(/\/app$/);
    const items = await itemsOf(shopA.id);
    const liked = items.find((i) => i.external_id === black[2].id);
    if (!liked) throw new Error('the liked item was not imported');
    await page.goto(`${gw()}/shop/items/${liked.id}`);
    await page.getByRole('button', { name: /Нравится/ }).click();
    // The script records it through the API and presses the button.
    await page.locator('button.like[aria-pressed="true"]').waitFor();

    await page.goto(`${gw()}/visual-search`);
    const likes = page.locator('.vsr-from-likes');
    expect(await likes.locator('li[data-item]').evaluateAll((l) => l.map((e) => e.getAttribute('data-item')))).toEqual([
      liked.id,
    ]);
    await shoot(page, 'visual-search-likes');
    await likes.getByRole('button', { name: 'Найти похожие' }).click();
    await page.waitForURL(/\/visual-search\/results\?/);
    const cards = page.locator('[data-matches] > li');
    expect(await cards.count()).toBeGreaterThan(0);
    const byId = new Map(items.map((i) => [i.id, i]));
    const firstId = (await cards.first().getAttribute('data-item')) ?? '';
    const top = byId.get(firstId);
    if (!top) throw new Error(`the first match ${firstId} is not one of the shop's items`);
    expect(firstId).not.toBe(liked.id);
    // Liked a black T-shirt: the best match is black too.
    expect(black.map((p) => p.id)).toContain(top.external_id);
    expect(await cards.first().locator('.product-title').textContent()).toBe(top.title);
    expect(await cards.first().locator('a.product-link').getAttribute('href')).toBe(`/shop/items/${firstId}`);
    const price = new Intl.NumberFormat('ru-RU', {
      style: 'currency',
      currency: 'RUB',
      currencyDisplay: 'narrowSymbol',
      maximumFractionDigits: 2,
      minimumFractionDigits: Number(top.price_minor) % 100 === 0 ? 0 : 2,
    }).format(Number(top.price_minor) / 100);
    expect(await cards.first().locator('.price').textContent()).toBe(price);
    expect(await cards.first().locator('.vsr-why').textContent()).toMatch(/Почему:/);
    await shoot(page, 'visual-results');

    // Save, list, rerun, delete.
    await page.getByLabel('Название поиска').fill('Чёрные футболки');
    await page.getByRole('button', { name: 'Сохранить поиск' }).click();
    await page.waitForURL(/\/visual-search\/saved\?saved=1$/);
    expect(await page.locator('.vsr-saved li span').allTextContents()).toEqual(['Чёрные футболки']);
    await shoot(page, 'saved-searches');
    await page.getByRole('link', { name: 'Повторить' }).click();
    expect(await page.locator('h1').textContent()).toBe('Чёрные футболки');
    expect(await page.locator('[data-matches] > li').first().getAttribute('data-item')).toBe(firstId);
    await page.goto(`${gw()}/visual-search/saved`);
    await page.getByRole('button', { name: 'Удалить: Чёрные футболки' }).click();
    await page.waitForURL(/deleted=1$/);
    expect(await page.locator('.vsr-saved li').count()).toBe(0);
    await context.close();
  }, 180000);
});
