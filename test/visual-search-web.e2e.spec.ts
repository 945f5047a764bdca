import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiUser, newEmail, PASSWORD } from './support/http-session';
import { followNavLink, launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';

const FASHION = resolve(__dirname, '..', '..', 'shared', 'data', 'fashion-product-images');
const IMAGES = join(FASHION, 'images_60x80');

interface Product {
  id: string;
  gender: string;
  articleType: string;
  baseColour: string;
  season: string;
  usage: string;
  title: string;
  file: string;
}

/** fashion-product-images rows that have a small photo (the title is the last column and may hold commas). */
function products(): Product[] {
  const [, ...lines] = readFileSync(join(FASHION, 'styles.csv'), 'utf8').trim().split('\n');
  return lines
    .map((line) => {
      const f = line.split(',');
      const title = f.slice(9).join(',').trim();
      return {
        id: f[0],
        gender: f[1],
        articleType: f[4],
        baseColour: f[5],
        season: f[6],
        usage: f[8],
        title,
        file: join(IMAGES, `${f[0]}.jpg`),
      };
    })
    .filter((p) => p.title && existsSync(p.file));
}

type Photo = { state: string | null; id: string | null; text: string };
// Browser-side callbacks are typed structurally: the test project has no DOM lib.
type El = { getAttribute(name: string): string | null; textContent: string | null };
type Img = { complete: boolean; naturalWidth: number; scrollIntoView(): void };

/**
 * The web studio's visual search and style profile in real headless Chromium against the gateway and the
 * recommender: uploads through the file inputs and a drop, live annotation status, upload errors, ranked matches
 * with explanations, filters and strategy, the no-JavaScript note, and style modes after likes.
 */
describe('web: visual search and style profile', () => {
  const mesh = new TestMesh({
    services: ['gateway', 'recommender'],
    env: { VISUAL_EXTRACTORS: 'colour,pattern', RECOMMENDER_IMAGE_FEATURES: 'off' },
  });
  const gw = () => mesh.supervisor.url('gateway');
  const recommender = () => mesh.supervisor.url('recommender');
  const shop = randomUUID();
  const all = products();
  const black = all.filter((p) => p.baseColour === 'Black' && p.articleType === 'Tshirts');
  const red = all.filter((p) => p.baseColour === 'Red');
  const blue = all.filter((p) => p.baseColour === 'Blue');
  const white = all.filter((p) => p.baseColour === 'White');
  // Query photos are never in the catalogue: the first few of each colour are kept for uploads.
  const positives = black.slice(0, 4);
  const negatives = red.slice(0, 2);
  const catalog = [...black.slice(4, 24), ...red.slice(2, 17), ...blue.slice(0, 15), ...white.slice(0, 10)];
  const catalogIds = new Set<string>();
  let browser: Browser;

  beforeAll(async () => {
    await mesh.start();
    browser = await launchChromium();
    // Catalogue photos straight on the recommender as a shop (its development identity is on in tests).
    for (const p of catalog) {
      const res = await fetch(`${recommender()}/v1/photos?purpose=catalog`, {
        method: 'POST',
        headers: { 'x-user-id': shop, 'x-user-role': 'shop', 'content-type': 'image/jpeg' },
        body: readFileSync(p.file),
      });
      expect(res.status).toBe(202);
      catalogIds.add(((await res.json()) as { id: string }).id);
    }
    await mesh.waitFor(
      async () => {
        const rows = await mesh.query(
          `SELECT 1 FROM recommender.photos WHERE purpose = 'catalog' AND status <> 'pending'`,
        );
        return rows.length === catalog.length || undefined;
      },
      120000,
      'catalogue photos annotated',
    );
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  async function signUpAndIn(context: BrowserContext, email = newEmail('visual')): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${gw()}/register`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Пароль ещё раз').fill(PASSWORD);
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    // Registering signs you in.
    await page.waitForURL(/\/app$/);
    return page;
  }

  async function logIn(page: Page, email: string): Promise<Page> {
    await page.goto(`${gw()}/login`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  const photos = (page: Page): Promise<Photo[]> =>
    page.locator('.vs-photo').evaluateAll((lis) =>
      lis.map((li) => ({
        state: (li as unknown as El).getAttribute('data-state'),
        id: (li as unknown as El).getAttribute('data-photo-id'),
        text: ((li as unknown as El).textContent ?? '').replace(/\s+/g, ' ').trim(),
      })),
    );

  /** Polled from the test (the page's CSP forbids the string evaluation waitForFunction would need). */
  async function until<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 60000): Promise<T> {
    for (const end = Date.now() + ms; Date.now() < end;) {
      const v = await probe();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`timed out: ${what}`);
  }

  async function imagesLoaded(page: Page, selector: string): Promise<number[]> {
    await page.locator(selector).evaluateAll((imgs) => imgs.forEach((i) => (i as unknown as Img).scrollIntoView()));
    const widths = () =>
      page
        .locator(selector)
        .evaluateAll((imgs) =>
          imgs.map((i) => ((i as unknown as Img).complete ? (i as unknown as Img).naturalWidth : -1)),
        );
    await until(async () => (await widths()).every((w) => w >= 0), `${selector} loaded`, 20000);
    return widths();
  }

  const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

  /** A drop of a real file on a zone, as the browser dispatches it (DataTransfer with a File). */
  async function dropFile(page: Page, zone: 'positive' | 'negative', name: string, bytes: Buffer): Promise<void> {
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(bytes.toString('base64'))}), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], ${JSON.stringify(name)}, { type: 'image/jpeg' }));
      const target = document.querySelector('[data-drop="${zone}"]');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    })()`);
  }

  it('uploads liked and disliked photos (file input and drop), shows errors, searches and explains matches', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const email = newEmail('visual');
    const page = await signUpAndIn(context, email);
    const [{ id: userId }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]);
    const scriptErrors: string[] = [];
    page.on('pageerror', (e) => scriptErrors.push(e.message));
    const searches: Array<Record<string, unknown>> = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/v1/search/visual')) searches.push(r.postDataJSON());
    });

    await followNavLink(page, 'Поиск по фото');
    await page.waitForURL(/\/visual-search$/);
    expect(await page.locator('h1').textContent()).toBe('Поиск по фото');
    expect(await page.locator('[data-visual-search]').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Найти похожие' }).isDisabled()).toBe(true);
    // The file input is the keyboard path (visually hidden, focusable, its label outlined when focused).
    await page.getByLabel('Добавить понравившиеся фото').focus();
    expect(await page.evaluate('document.activeElement.id')).toBe('photos-positive');
    expect(
      await page.evaluate(`getComputedStyle(document.querySelector('label[for="photos-positive"]')).outlineWidth`),
    ).toBe('3px');

    // Two liked photos through the file input, a third dropped on the zone; one more to remove again later.
    await page.getByLabel('Добавить понравившиеся фото').setInputFiles([positives[0].file, positives[1].file]);
    await dropFile(page, 'positive', 'dropped.jpg', readFileSync(positives[2].file));
    await page.getByLabel('Добавить понравившиеся фото').setInputFiles([negatives[0].file]);
    // Disliked photos, a text file posing as a JPEG, a cut-off JPEG, a plain text file and a 50-megapixel PNG.
    const jpeg = readFileSync(negatives[1].file);
    const huge = await sharp({ create: { width: 10_000, height: 5_000, channels: 3, background: '#fff' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await page.getByLabel('Добавить непонравившиеся фото').setInputFiles([
      { name: 'disliked.jpg', mimeType: 'image/jpeg', buffer: readFileSync(negatives[1].file) },
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are my shopping notes') },
      { name: 'cut.jpg', mimeType: 'image/jpeg', buffer: jpeg.subarray(0, Math.floor(jpeg.length / 2)) },
      { name: 'list.txt', mimeType: 'text/plain', buffer: Buffer.from('socks, scarf') },
      { name: 'huge.png', mimeType: 'image/png', buffer: huge },
    ]);
    // Thumbnails appear at once, then move from pending to annotated.
    expect((await photos(page)).length).toBe(9);
    const settled = await until(async () => {
      const list = await photos(page);
      return list.every((p) => p.state === 'annotated' || p.state === 'error' || p.state === 'failed') && list;
    }, 'uploads annotated or refused');
    const byName = (name: string) => settled.find((p) => p.text.includes(name)) as Photo;
    expect(settled.filter((p) => p.state === 'annotated')).toHaveLength(5);
    expect(byName('notes.jpg')).toMatchObject({ state: 'error', id: null });
    expect(byName('notes.jpg').text).toContain('Это не изображение JPEG, PNG или WebP.');
    expect(byName('list.txt').text).toContain('Это не изображение JPEG, PNG или WebP.');
    expect(byName('cut.jpg').text).toContain('Файл повреждён или обрезан');
    expect(byName('huge.png').text).toContain('Слишком большое изображение: уменьшите его разрешение.');
    expect(byName('dropped.jpg').state).toBe('annotated');
    // Annotated photos show what was read on them, in words.
    expect(settled.some((p) => /(цвет|узор): \S+/.test(p.text))).toBe(true);
    // The refused files stored nothing: exactly the five good uploads are the user's query photos.
    const stored = await mesh.query<{ id: string }>(
      `SELECT id FROM recommender.photos WHERE owner_id = $1 AND purpose = 'query'`,
      [userId],
    );
    expect(stored.map((r) => r.id).sort()).toEqual(
      settled
        .filter((p) => p.state === 'annotated')
        .map((p) => p.id)
        .sort(),
    );
    // Thumbnails are local previews (data: URLs, allowed by the CSP) and all decoded.
    expect((await imagesLoaded(page, '.vs-photo[data-state="annotated"] img')).every((w) => w > 0)).toBe(true);

    // Remove the refused files and the red photo that slipped into the liked ones.
    for (const name of ['notes.jpg', 'cut.jpg', 'list.txt', 'huge.png', `${negatives[0].id}.jpg`]) {
      await page.getByRole('button', { name: `Убрать «${name}»` }).click();
    }
    const kept = await photos(page);
    expect(kept.map((p) => p.state)).toEqual(['annotated', 'annotated', 'annotated', 'annotated']);
    const liked = await page
      .locator('[data-list="positive"] .vs-photo')
      .evaluateAll((lis) => lis.map((li) => (li as unknown as El).getAttribute('data-photo-id') ?? ''));
    const disliked = await page
      .locator('[data-list="negative"] .vs-photo')
      .evaluateAll((lis) => lis.map((li) => (li as unknown as El).getAttribute('data-photo-id') ?? ''));
    expect([liked.length, disliked.length]).toEqual([3, 1]);
    expect(await page.locator('[data-search-status]').textContent()).toBe('Можно искать.');

    // Default strategy: the overall look.
    await page.getByRole('button', { name: 'Найти похожие' }).click();
    await page.waitForSelector('[data-results]:not([hidden]) [data-results-message] p');
    expect(searches[0]).toEqual({
      positive_photo_ids: liked,
      negative_photo_ids: disliked,
      k: 10,
      strategy: 'average_vector',
    });
    const matches = page.locator('.vs-match');
    const n = await matches.count();
    expect(n).toBeGreaterThan(0);
    expect(await page.locator('[data-results-message]').textContent()).toContain(`Найдено: ${n}.`);
    const ids = await matches.evaluateAll((lis) =>
      lis.map((li) => (li as unknown as El).getAttribute('data-photo-id')),
    );
    for (const id of ids) expect(catalogIds.has(String(id))).toBe(true);
    expect((await imagesLoaded(page, '.vs-match img')).every((w) => w > 0)).toBe(true);
    // What the liked photos share, in the page's words, is what the explanations name.
    const rows = await mesh.query<{ attributes: Array<{ name: string; value: string; confidence: number }> }>(
      `SELECT attributes FROM recommender.photos WHERE id = ANY($1::uuid[])`,
      [liked],
    );
    const seen = rows.map(
      (r) => new Set(r.attributes.filter((a) => a.confidence >= 0.3).map((a) => `${a.name}=${a.value}`)),
    );
    const shared = [...seen[0]].filter((key) => seen.every((s) => s.has(key)));
    expect(shared.length).toBeGreaterThan(0);
    const words = JSON.parse((await page.locator('[data-visual-search]').getAttribute('data-words')) ?? '{}') as Record<
      string,
      { label: string; values: Record<string, string> }
    >;
    const phrases = shared.map((key) => {
      const [name, value] = key.split('=');
      return `${words[name].label} (${words[name].values[value]})`;
    });
    const whys = await page.locator('.vs-match [data-why]').allTextContents();
    expect(whys).toHaveLength(n);
    for (const why of whys) expect(why).toMatch(/^Почему: \S/);
    expect(whys.some((why) => phrases.some((p) => why.includes(p)))).toBe(true);
    // The per-attribute parts carry words and weights.
    const parts = await page.locator('.vs-parts li').allTextContents();
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.some((p) => /вес \d\.\d\d/.test(p))).toBe(true);
    expect(await noSideScroll(page)).toBe(true);

    // Best single match, only solid patterns: every match was read as solid.
    await page.getByLabel('С лучшим совпадением', { exact: false }).check();
    await page.getByLabel('Узор').selectOption('solid');
    await page.getByRole('button', { name: 'Найти похожие' }).click();
    await until(async () => searches.length === 2, 'second search');
    expect(searches[1]).toMatchObject({ strategy: 'best_score', filters: { pattern: ['solid'] } });
    await page.waitForSelector('[data-results]:not([aria-busy]) [data-results-message] p');
    const filtered = await page
      .locator('.vs-match')
      .evaluateAll((lis) => lis.map((li) => (li as unknown as El).getAttribute('data-photo-id') ?? ''));
    const solid = await mesh.query<{ id: string }>(
      `SELECT id FROM recommender.photos WHERE id = ANY($1::uuid[])
         AND attributes @> '[{"name": "pattern", "value": "solid"}]'`,
      [filtered],
    );
    expect(solid).toHaveLength(filtered.length);
    expect(scriptErrors).toEqual([]);
    await context.close();
  }, 180000);

  it('shows "no good match" as such when nothing allowed stands out from the rest', async () => {
    // Twelve identical teal squares are the only teal photos: under a teal filter every candidate scores the same,
    // so none clears the background's median by the recommender's margin.
    const square = await sharp({ create: { width: 60, height: 80, channels: 3, background: '#008080' } })
      .jpeg()
      .toBuffer();
    const squares: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${recommender()}/v1/photos?purpose=catalog`, {
        method: 'POST',
        headers: { 'x-user-id': shop, 'x-user-role': 'shop', 'content-type': 'image/jpeg' },
        body: square,
      });
      squares.push(((await res.json()) as { id: string }).id);
    }
    await mesh.waitFor(
      async () =>
        (
          await mesh.query(`SELECT 1 FROM recommender.photos WHERE id = ANY($1::uuid[]) AND status = 'annotated'`, [
            squares,
          ])
        ).length === squares.length || undefined,
      60000,
      'teal squares annotated',
    );
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await signUpAndIn(context);
    await page.getByRole('link', { name: 'Switch to English' }).click();
    await followNavLink(page, 'Visual search');
    await page.waitForURL(/\/visual-search$/);
    await page.getByLabel('Add photos I like').setInputFiles([positives[3].file]);
    await until(async () => (await photos(page))[0]?.state === 'annotated', 'liked photo annotated');
    await page.getByLabel('Colour', { exact: true }).selectOption({ label: 'teal' });
    await page.getByRole('button', { name: 'Find similar' }).click();
    await page.waitForSelector('[data-results]:not([aria-busy]) [data-results-message] p');
    expect(await page.locator('[data-no-good-match]').textContent()).toMatch(
      /^No good match: nothing in the catalogue is close enough to your examples \(threshold 0\.\d\d\)/,
    );
    expect(await page.locator('.vs-match').count()).toBe(0);
    await context.close();
  }, 120000);

  it('explains without JavaScript that the page needs it, and hides the controls', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'ru-RU' });
    const page = await signUpAndIn(context);
    await page.goto(`${gw()}/visual-search`);
    expect(await page.locator('[data-noscript]').textContent()).toContain('Для этой страницы нужен JavaScript');
    expect(await page.locator('[data-noscript]').isVisible()).toBe(true);
    expect(await page.locator('[data-visual-search]').isVisible()).toBe(false);
    await context.close();
  }, 60000);

  it('draws the style profile: how many likes are missing, then modes with shares, words and example photos', async () => {
    // Twelve items in three looks, liked through the gateway's API by the user who then opens the page.
    const looks = [black.slice(24, 28), red.slice(17, 21), blue.slice(15, 19)];
    const itemIds: string[] = [];
    for (const p of looks.flat()) {
      const res = await fetch(`${recommender()}/v1/catalog/items`, {
        method: 'POST',
        headers: { 'x-user-id': shop, 'x-user-role': 'shop', 'content-type': 'application/json' },
        body: JSON.stringify({
          externalId: `fp-${p.id}`,
          title: p.title,
          categoryPath: ['Apparel', p.articleType],
          attributes: { gender: p.gender, baseColour: p.baseColour, season: p.season, usage: p.usage },
          imageBase64: readFileSync(p.file).toString('base64'),
        }),
      });
      expect(res.status).toBe(201);
      itemIds.push(((await res.json()) as { id: string }).id);
    }
    await mesh.waitFor(
      async () => {
        const rows = await mesh.query('SELECT 1 FROM recommender.item_features WHERE item_id = ANY($1::uuid[])', [
          itemIds,
        ]);
        return rows.length === itemIds.length || undefined;
      },
      60000,
      'item features',
    );
    const user = await apiUser(gw());
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ru-RU' });
    const page = await logIn(await context.newPage(), user.email);

    await followNavLink(page, 'Мой стиль');
    await page.waitForURL(/\/style-profile$/);
    expect(await page.locator('[data-empty-profile]').textContent()).toContain('не меньше 6. Сейчас: 0, осталось: 6.');
    for (const itemId of itemIds) {
      const res = await fetch(`${gw()}/v1/interactions`, {
        method: 'POST',
        headers: { ...user.auth, 'content-type': 'application/json' },
        body: JSON.stringify({ itemId, kind: 'like' }),
      });
      expect(res.status).toBe(201);
    }
    await page.reload();
    const cards = page.locator('.sp-mode');
    const k = await cards.count();
    expect(k).toBeGreaterThanOrEqual(2);
    expect(await page.locator('main > p').nth(1).textContent()).toBe(`Понравившихся товаров: 12. Стилей: ${k}.`);
    const shares = (await page.locator('.sp-mode [data-share]').allTextContents()).map((s) =>
      Number(/(\d+)%/.exec(s)?.[1]),
    );
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    const bars = await page
      .locator('.sp-mode .bar-fill')
      .evaluateAll((rects) => rects.map((r) => Number((r as unknown as El).getAttribute('width'))));
    expect(bars).toEqual(shares);
    // Dominant attributes in Russian words (the catalogue says "Black", "Men", "Summer").
    const traits = (await page.locator('.sp-traits').allTextContents()).join(' ').replace(/\s+/g, ' ');
    expect(traits).toMatch(/цвет: (чёрный|красный|синий)/);
    expect(traits).not.toMatch(/baseColour|Black|Red|Blue/);
    const examples = page.locator('.sp-examples img');
    expect(await examples.count()).toBeGreaterThan(0);
    const titles = await examples.evaluateAll((imgs) => imgs.map((i) => (i as unknown as El).getAttribute('alt')));
    for (const t of titles) expect(looks.flat().map((p) => p.title)).toContain(t);
    expect((await imagesLoaded(page, '.sp-examples img')).every((w) => w > 0)).toBe(true);
    expect(await noSideScroll(page)).toBe(true);

    await page.getByRole('link', { name: 'Switch to English' }).click();
    await page.waitForURL(/\/style-profile$/);
    expect(await page.locator('.sp-mode h2').first().textContent()).toBe('Style 1');
    expect((await page.locator('.sp-traits').allTextContents()).join(' ')).toMatch(/colour: (black|red|blue)/);
    await context.close();
  }, 180000);
});
