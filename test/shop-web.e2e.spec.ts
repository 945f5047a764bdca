import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { writeRecsReport } from '../scripts/eval/recs-report';
import { apiUser, freshIp, newEmail, PASSWORD } from './support/http-session';
import { followNavLink, launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';

const FASHION = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');
const PHONE = { width: 390, height: 844 };

interface Row {
  id: string;
  gender: string;
  masterCategory: string;
  subCategory: string;
  articleType: string;
  baseColour: string;
  season: string;
  year: string;
  usage: string;
  productDisplayName: string;
}

/**
 * A real slice of the Myntra catalogue: the first 150 products of styles.csv that have a 60x80 photo, with their
 * photos. styles.csv has no prices, so each product gets a fixed price derived from its id (some with kopecks).
 */
function catalogueSlice(count: number): Array<Record<string, unknown>> {
  const [header, ...lines] = readFileSync(join(FASHION, 'styles.csv'), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const out: Array<Record<string, unknown>> = [];
  for (const line of lines) {
    const cells = line.split(',');
    // Titles may contain commas: everything after the ninth column is the title.
    const row = Object.fromEntries(
      names.map((n, i) => [n, i === names.length - 1 ? cells.slice(i).join(',') : cells[i]]),
    ) as unknown as Row;
    const photo = join(FASHION, 'images_60x80', `${row.id}.jpg`);
    if (!existsSync(photo)) continue;
    const id = Number(row.id);
    out.push({
      externalId: row.id,
      title: row.productDisplayName,
      categoryPath: [row.masterCategory, row.subCategory, row.articleType],
      attributes: { gender: row.gender, baseColour: row.baseColour, season: row.season, usage: row.usage },
      price: 490 + (id % 40) * 100 + (id % 2 === 0 ? 0 : 0.5),
      currency: 'RUB',
      imageBase64: readFileSync(photo).toString('base64'),
    });
    if (out.length === count) break;
  }
  return out;
}

// Browser-side callbacks are typed structurally: the test project has no DOM lib.
type Img = { complete: boolean; naturalWidth: number; scrollIntoView(): void };

/** Waits until every matching image has decoded (polled: the page's CSP forbids waitForFunction's eval). */
async function imagesLoaded(page: Page, selector: string): Promise<number[]> {
  const widths = () =>
    page
      .locator(selector)
      .evaluateAll((imgs) =>
        imgs.map((i) => ((i as unknown as Img).complete ? (i as unknown as Img).naturalWidth : -1)),
      );
  await page.locator(selector).evaluateAll((imgs) => imgs.forEach((i) => (i as unknown as Img).scrollIntoView()));
  for (let i = 0; i < 100 && (await widths()).some((w) => w < 0); i++) await new Promise((r) => setTimeout(r, 100));
  return widths();
}

const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

/** The shop, "for you" and the recommender dashboard in real headless Chromium against gateway + recommender. */
describe('web shop (gateway → recommender)', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'atelier-models-'));
  const adminEmail = newEmail('admin');
  const mesh = new TestMesh({
    services: ['gateway', 'recommender'],
    env: {
      ADMIN_EMAILS: adminEmail,
      TRUST_PROXY_HOPS: '1',
      RECOMMENDER_REFRESH_INTERVAL_MS: '1000',
      RECOMMENDER_MODELS_DIR: modelsDir,
      // The imported photos are catalogue photos now, annotated for visual search on the same queue as item
      // indexing; this suite does not search by photo, so the cheapest extractor keeps indexing in time.
      VISUAL_EXTRACTORS: 'colour',
    },
    // As in production: the recommender only believes callers the gateway signed.
    serviceEnv: { recommender: { ALLOW_DEV_USER_HEADER: 'false' } },
  });
  const slice = catalogueSlice(150);
  let url: string;
  let browser: Browser;
  let admin: Awaited<ReturnType<typeof apiUser>>;

  beforeAll(async () => {
    await mesh.start();
    url = mesh.supervisor.url('gateway');
    browser = await launchChromium();
    admin = await apiUser(url, adminEmail);
    // The shop's catalogue goes in through the gateway as an admin, photos included.
    // As an import job (issue 17): answered at once, so a loaded machine cannot turn it into a 503 that succeeded.
    const started = await fetch(`${url}/v1/catalog/manage/import/jobs`, {
      method: 'POST',
      headers: { ...admin.auth, 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
      body: JSON.stringify({ format: 'json', text: JSON.stringify({ items: slice }), mode: 'all' }),
    });
    if (started.status !== 202) throw new Error(`import ${started.status}: ${await started.text()}`);
    const job = (await started.json()) as { id: string };
    await mesh.waitFor(
      async () => {
        const res = await fetch(`${url}/v1/catalog/manage/import/jobs/${job.id}`, { headers: admin.auth });
        const status = ((await res.json()) as { status: string }).status;
        if (status === 'failed') throw new Error('the import job failed');
        return status === 'succeeded' || undefined;
      },
      120000,
      'the import job',
    );
    // Every item has its features and is in the model's vector index.
    await mesh.waitFor(
      async () => {
        const res = await fetch(`${url}/v1/recommendations/health`, { headers: admin.auth });
        const health = (await res.json()) as { items: number; indexed: number };
        return health.items === slice.length && health.indexed === slice.length ? health : undefined;
      },
      // The same queue now also annotates the 150 item photos for visual search (issue 17).
      300000,
      'the recommender to index the catalogue',
    );
  }, 420000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  }, 60000);

  async function signUpAndLogIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    await page.goto(`${url}/register`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Пароль ещё раз').fill(PASSWORD);
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    // Registering signs you in.
    await page.waitForURL(/\/app$/);
    return page;
  }

  it('search with a typo → product → like → similar items → "for you" explained by the like, on a phone', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'ru-RU' });
    const email = newEmail('shopper');
    const page = await signUpAndLogIn(context, email);
    const [{ id: userId }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]);

    // Before any rating, "for you" is the cold start and says so.
    await followNavLink(page, 'Для вас');
    await page.waitForURL(/\/shop\/for-you$/);
    expect(await page.locator('[data-strategy]').getAttribute('data-strategy')).toBe('cold-start');
    expect(await page.getByRole('status').first().textContent()).toContain('популярные товары магазина');
    const coldIds = await page
      .locator('ol.products > li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-item')));
    expect(coldIds).toHaveLength(12);
    expect(await page.locator('ol.products .reasons').first().textContent()).toContain('популярно в магазине');

    // Search with a typo: "jeens" finds the jeans by similar spelling.
    await followNavLink(page, 'Магазин');
    await page.waitForURL(/\/shop$/);
    await page.getByLabel('Что ищете').fill('jeens');
    await page.getByRole('button', { name: 'Найти' }).click();
    await page.waitForURL(/\/shop\?q=jeens$/);
    const titles = await page.locator('.products .product-title').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles[0]).toMatch(/Jeans$/);
    const jeans = slice.find((i) => i.title === titles[0]) as { title: string; price: number; externalId: string };
    const first = page.locator('.products > li').first();
    expect(await first.locator('.category').textContent()).toBe('Одежда › Низ › Джинсы');
    expect(await first.locator('.match').textContent()).toContain('по похожему написанию');
    const price = new Intl.NumberFormat('ru-RU', {
      style: 'currency',
      currency: 'RUB',
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: Number.isInteger(jeans.price) ? 0 : 2,
    }).format(jeans.price);
    expect(await first.locator('.price').textContent()).toBe(price);
    expect((await imagesLoaded(page, '.products img')).every((w) => w === 60)).toBe(true);
    expect(await noSideScroll(page)).toBe(true);

    // Russian query, sorted by price through the filter form, paged by the server.
    await page.getByLabel('Что ищете').fill('джинсы');
    await page.getByRole('button', { name: 'Найти' }).click();
    await page.waitForURL(/\/shop\?q=/);
    await page.getByLabel('Сортировка').selectOption('price_asc');
    await page.getByRole('button', { name: 'Применить' }).click();
    await page.waitForURL(/sort=price_asc/);
    const sortedTitles = await page.locator('.products .product-title').allTextContents();
    expect(sortedTitles.length).toBeGreaterThan(0);
    const sortedPrices = sortedTitles.map((t) => (slice.find((i) => i.title === t) as { price: number }).price);
    expect(sortedPrices).toEqual([...sortedPrices].sort((a, b) => a - b));
    expect(await noSideScroll(page)).toBe(true);
    await page.goBack();
    await page.goBack();

    // The product page: photo, facts, buttons.
    await first.getByRole('link').click();
    await page.waitForURL(/\/shop\/items\/[0-9a-f-]{36}$/);
    const itemId = page.url().split('/').pop() ?? '';
    expect(await page.locator('h1').textContent()).toBe(jeans.title);
    expect(await imagesLoaded(page, '.item-photo img')).toEqual([60]);
    expect(await page.locator('dl.facts').textContent()).toContain(jeans.externalId);
    expect(await page.locator('dl.facts').textContent()).toContain('Одежда › Низ › Джинсы');

    // Like, enhanced by the script (no navigation), recorded through the recommender as this user.
    const like = page.getByRole('button', { name: /Нравится/ });
    expect(await like.getAttribute('aria-pressed')).toBe('false');
    await like.click();
    await page.waitForSelector('button.like[aria-pressed="true"]');
    expect(await page.locator('form[data-interaction] [role="status"]').textContent()).toContain('Отметили: нравится');
    expect(page.url()).toMatch(new RegExp(`/shop/items/${itemId}$`));
    const recorded = await mesh.query<{ user_id: string; kind: string }>(
      'SELECT user_id, kind FROM recommender.interactions WHERE item_id = $1',
      [itemId],
    );
    expect(recorded).toEqual([{ user_id: userId, kind: 'like' }]);

    // Similar items, each with why.
    const similar = page.locator('section[aria-labelledby="similar"] .products > li');
    expect(await similar.count()).toBeGreaterThan(0);
    expect(await similar.first().locator('.reasons').textContent()).toMatch(/похож/);
    await page.reload();
    expect(await page.getByRole('button', { name: /Нравится/ }).getAttribute('aria-pressed')).toBe('true');
    expect(await noSideScroll(page)).toBe(true);

    // "For you" now follows the like and names the liked item in its explanations.
    await followNavLink(page, 'Для вас');
    await page.waitForURL(/\/shop\/for-you$/);
    expect(await page.locator('[data-strategy]').getAttribute('data-strategy')).toBe('hybrid');
    const ids = await page
      .locator('ol.products > li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-item')));
    expect(ids).not.toContain(itemId);
    expect(ids).not.toEqual(coldIds);
    const reasons = await page.locator('ol.products .reasons').allTextContents();
    expect(reasons.some((r) => r.includes(`«${jeans.title}»`))).toBe(true);
    expect((await imagesLoaded(page, 'ol.products img')).every((w) => w === 60)).toBe(true);
    expect(await noSideScroll(page)).toBe(true);

    // The same explanations in English.
    await page.getByRole('link', { name: 'Switch to English' }).click();
    await page.waitForURL(/\/shop\/for-you$/);
    expect(await page.locator('h1').textContent()).toBe('For you');
    const english = await page.locator('ol.products .reasons').allTextContents();
    expect(english.some((r) => r.includes(`“${jeans.title}”`) && /similar|because you liked/.test(r))).toBe(true);
    await context.close();
  });

  it('without JavaScript the buttons are plain form posts that record the interaction', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB', javaScriptEnabled: false });
    const page = await signUpAndLogIn(context, newEmail('nojs'));
    const [{ id: itemId }] = await mesh.query<{ id: string }>(
      `SELECT id FROM recommender.items WHERE title ~* 'watch' ORDER BY external_id LIMIT 1`,
    );
    await page.goto(`${url}/shop/items/${itemId}`);
    // No cart button: atelier takes no orders (gateway README, "The cart").
    expect(await page.getByRole('button', { name: /В корзину/ }).count()).toBe(0);
    await page.getByRole('button', { name: /Нравится/ }).click();
    await page.waitForURL(new RegExp(`/shop/items/${itemId}\\?saved=like$`));
    expect(await page.getByRole('button', { name: /Нравится/ }).getAttribute('aria-pressed')).toBe('true');
    const kinds = await mesh.query<{ kind: string }>('SELECT kind FROM recommender.interactions WHERE item_id = $1', [
      itemId,
    ]);
    expect(kinds).toEqual([{ kind: 'like' }]);
    await context.close();
  });

  it('the dashboard is 404 for a customer; an admin sees index health and the latest offline metrics', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
    const customer = await signUpAndLogIn(context, newEmail('customer'));
    const denied = await customer.goto(`${url}/admin/recommender`);
    expect(denied?.status()).toBe(404);
    expect(await customer.locator('[data-health]').count()).toBe(0);
    await customer.goto(`${url}/shop`);
    expect(await customer.locator('a[href="/admin/recommender"]').count()).toBe(0);
    await context.close();

    const adminContext = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
    const page = await adminContext.newPage();
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    await page.goto(`${url}/login`);
    await page.getByLabel('E-mail').fill(adminEmail);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(/\/app$/);
    // Admins find the dashboard in the navigation.
    await followNavLink(page, 'Рекомендации: панель');
    const res = await page.reload();
    expect(res?.status()).toBe(200);
    const field = (name: string) => page.locator(`[data-health] [data-field="${name}"]`).textContent();
    expect(await field('model')).toBe('построена');
    expect(await field('items')).toBe(String(slice.length));
    expect(await field('indexed')).toBe(String(slice.length));
    expect(await field('index')).toBe('exact');
    // No offline report yet: the page says how to make one.
    expect(await page.locator('[data-metrics]').getAttribute('data-metrics')).toBe('none');
    expect(await page.locator('[data-no-report]').textContent()).toContain('npm run eval:recs');

    // eval:recs's report writer puts the table where the recommender reads it.
    const row = (recommender: string, x: number) => ({
      recommender,
      precision: 0.02 * x,
      recall: 0.03 * x,
      map: 0.01 * x,
      ndcg: 0.04 * x,
      coverage: 0.05 * x,
      users: 943,
    });
    const written = writeRecsReport(
      [
        {
          dataset: 'movielens-100k',
          users: 943,
          items: 1682,
          interactions: 100000,
          rows: [row('popularity', 1), row('ease', 2.5), row('hybrid', 3.25)],
        },
      ],
      { k: 10, holdout: 10, modelsDir },
    );
    expect(written).toBe(join(modelsDir, 'reports', 'recs-eval.json'));
    await page.reload();
    expect(await page.locator('[data-metrics]').getAttribute('data-metrics')).toBe('report');
    const ratios = await page
      .locator('table.metrics tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.getAttribute('data-recommender'), tr.querySelector('[data-ndcg-ratio]')?.textContent]),
      );
    expect(ratios).toEqual([
      ['popularity', '1.00×'],
      ['ease', '2.50×'],
      ['hybrid', '3.25×'],
    ]);
    expect(await page.locator('svg.chart rect').count()).toBe(3);
    expect(await noSideScroll(page)).toBe(true);
    await adminContext.close();
  });

  it('an unreachable recommender becomes the gateway’s 503 page with a helpful message', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
    const page = await signUpAndLogIn(context, newEmail('outage'));
    await mesh.supervisor.stop('recommender');
    const res = await page.goto(`${url}/shop?q=shirt`);
    expect(res?.status()).toBe(503);
    expect(await page.getByRole('alert').textContent()).toBe(
      'Каталог и рекомендации сейчас недоступны. Попробуйте через минуту.',
    );
    await context.close();
  });
});
