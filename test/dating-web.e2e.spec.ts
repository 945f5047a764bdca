import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { readCelebaFaces, readOutfits } from '../apps/recommender/src/profiles/profile-fixture';
import { newEmail, PASSWORD } from './support/http-session';
import { followNavLink, launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';

const DATA = resolve(__dirname, '..', '..', 'shared', 'data');
const SHOTS = resolve(__dirname, '..', 'docs', 'screenshots');

type Img = { complete: boolean; naturalWidth: number; scrollIntoView(): void };

/**
 * The dating pages in real headless Chromium against the gateway and the recommender: my profile (server-side
 * errors, save, photo uploads through the ordinary upload path, opt-in), find matches (liked/disliked own photos,
 * filters, scores and explanations, profile photos through the gateway), blocking from a result and the block
 * list; Russian on a phone, English on a desktop; screenshots in docs/screenshots/.
 */
describe('web: dating profiles and matches', () => {
  const mesh = new TestMesh({
    services: ['gateway', 'recommender'],
    env: { VISUAL_EXTRACTORS: 'colour,pattern', RECOMMENDER_IMAGE_FEATURES: 'off' },
  });
  const gw = () => mesh.supervisor.url('gateway');
  const recommender = () => mesh.supervisor.url('recommender');
  const faces = readCelebaFaces(DATA);
  const outfits = readOutfits(DATA);
  // Three other people in Kazan (opted in) and one in Kazan who is not.
  const others = Array.from({ length: 4 }, () => randomUUID());
  let browser: Browser;

  const asUser = async (user: string, method: string, path: string, body: Buffer | object, type: string) => {
    const res = await fetch(`${recommender()}${path}`, {
      method,
      headers: { 'x-user-id': user, 'x-user-role': 'customer', 'content-type': type },
      body: Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    return (await res.json()) as { id: string };
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await mesh.start();
    browser = await launchChromium();
    for (const [i, u] of others.entries()) {
      const photoIds = [
        (await asUser(u, 'POST', '/v1/photos', readFileSync(faces[i + 2].file), 'image/jpeg')).id,
        (await asUser(u, 'POST', '/v1/photos', readFileSync(outfits[i * 5].file), 'image/jpeg')).id,
      ];
      await asUser(
        u,
        'PUT',
        '/v1/profiles/me',
        {
          display_name: ['Sasha', 'Zhenya', 'Valya', 'Hidden Kim'][i],
          gender: faces[i + 2].gender,
          age: 25 + i,
          city: 'Kazan',
          seeking_genders: ['female', 'male'],
          photo_ids: photoIds,
          opted_in: i < 3,
        },
        'application/json',
      );
    }
    await mesh.waitFor(
      async () => {
        const rows = await mesh.query(`SELECT 1 FROM recommender.photos WHERE status = 'annotated'`);
        return rows.length === others.length * 2 || undefined;
      },
      120000,
      'profile photos annotated',
    );
  }, 240000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  async function signUp(context: BrowserContext): Promise<{ page: Page; userId: string }> {
    const email = newEmail('dating');
    const page = await context.newPage();
    await page.goto(`${gw()}/register`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Пароль ещё раз').fill(PASSWORD);
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.waitForURL(/\/app$/);
    const [{ id }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]);
    return { page, userId: id };
  }

  async function imagesLoaded(page: Page, selector: string): Promise<number[]> {
    await page.locator(selector).evaluateAll((imgs) => imgs.forEach((i) => (i as unknown as Img).scrollIntoView()));
    const widths = () =>
      page
        .locator(selector)
        .evaluateAll((imgs) =>
          imgs.map((i) => ((i as unknown as Img).complete ? (i as unknown as Img).naturalWidth : -1)),
        );
    for (const end = Date.now() + 20000; Date.now() < end;) {
      const w = await widths();
      if (w.every((x) => x >= 0)) return w;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`${selector} did not load`);
  }

  const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

  it('edits the profile, uploads photos, finds matches with explanations, blocks — ru phone, en desktop', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const { page, userId } = await signUp(phone);
    const scriptErrors: string[] = [];
    page.on('pageerror', (e) => scriptErrors.push(e.message));

    await followNavLink(page, 'Знакомства');
    await page.waitForURL(/\/dating\/profile$/);
    expect(await page.locator('h1').textContent()).toBe('Моя анкета');
    expect(await page.locator('[data-upload-form]').count()).toBe(0);

    // A server-side refusal (age 16) shows next to the form, keeps what was typed, stores nothing.
    await page.getByLabel('Имя в анкете').fill('Ника');
    await page.getByLabel('Пол', { exact: true }).selectOption('female');
    await page.getByLabel('Возраст', { exact: true }).fill('16');
    await page.getByLabel('Город').fill('Kazan');
    await page.getByLabel('мужской').check();
    await page.getByRole('button', { name: 'Сохранить анкету' }).click();
    expect(await page.locator('[data-error]').textContent()).toContain('от 18 до 99');
    expect(await page.getByLabel('Имя в анкете').inputValue()).toBe('Ника');
    expect(await mesh.query('SELECT 1 FROM recommender.dating_profiles WHERE user_id = $1', [userId])).toHaveLength(0);

    await page.getByLabel('Возраст', { exact: true }).fill('27');
    await page.getByLabel('женский').check();
    await page.getByLabel('Показывать анкету в поиске (согласие на публичную анкету)').check();
    await page.getByRole('button', { name: 'Сохранить анкету' }).click();
    await page.waitForURL(/done=saved/);
    expect(await page.locator('.notice').textContent()).toContain('Анкета сохранена');
    expect(await page.locator('[data-visibility]').textContent()).toContain('Анкету видно в поиске');

    // Two photos through the ordinary upload path (re-encoded, annotated by the worker).
    for (const file of [faces[0].file, outfits[1].file]) {
      await page.getByLabel('Добавить фото').setInputFiles(file);
      await page.getByRole('button', { name: 'Загрузить' }).click();
      await page.waitForURL(/done=photo|\/dating\/profile\/photos$/);
      expect(await page.locator('[data-error]').allTextContents()).toEqual([]);
      expect(page.url()).toMatch(/done=photo/);
    }
    expect(await page.locator('[data-photo]').count()).toBe(2);
    expect((await imagesLoaded(page, '[data-photo] img')).every((w) => w > 0)).toBe(true);
    expect(await noSideScroll(page)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/dating-profile-phone-ru.png`, fullPage: true });

    await mesh.waitFor(
      async () =>
        (await mesh.query(`SELECT 1 FROM recommender.photos WHERE owner_id = $1 AND status = 'annotated'`, [userId]))
          .length === 2 || undefined,
      60000,
      'own photos annotated',
    );

    // Find matches: like the face, dislike the outfit, city Kazan.
    await page.goto(`${gw()}/dating/matches`);
    expect(await page.locator('h1').textContent()).toBe('Найти пару');
    // Nothing liked → a clear message, not an error page.
    await page.getByRole('button', { name: 'Найти', exact: true }).click();
    expect(await page.locator('[data-error]').textContent()).toContain('хотя бы одно фото');
    const examples = page.locator('[data-example]');
    expect(await examples.count()).toBe(2);
    await examples.nth(0).getByLabel('Нравится', { exact: true }).check();
    await examples.nth(1).getByLabel('Не нравится', { exact: true }).check();
    await page.getByLabel('Город (пусто — любой)').fill('Kazan');
    await page.getByRole('button', { name: 'Найти', exact: true }).click();
    const cards = page.locator('[data-match]');
    expect(await cards.count()).toBe(3);
    const ids = await cards.evaluateAll((els) =>
      els.map((e) => (e as unknown as { getAttribute(n: string): string }).getAttribute('data-match')),
    );
    expect(new Set(ids)).toEqual(new Set(others.slice(0, 3)));
    expect(ids).not.toContain(userId);
    for (let i = 0; i < 3; i++) {
      expect(await cards.nth(i).locator('.dt-score').textContent()).toMatch(/Совпадение \d+%/);
      expect(((await cards.nth(i).locator('[data-why]').textContent()) ?? '').length).toBeGreaterThan(3);
    }
    expect((await imagesLoaded(page, '[data-match] img')).every((w) => w > 0)).toBe(true);
    expect(await noSideScroll(page)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/dating-matches-phone-ru.png`, fullPage: true });

    // Block the first result from its card: gone from matches, listed on the profile page.
    const blocked = ids[0];
    await cards.nth(0).getByRole('button', { name: 'Заблокировать' }).click();
    await page.waitForURL(/\/dating\/matches\?.*run=1/);
    const after = await page
      .locator('[data-match]')
      .evaluateAll((els) =>
        els.map((e) => (e as unknown as { getAttribute(n: string): string }).getAttribute('data-match')),
      );
    expect(after).not.toContain(blocked);
    expect(after).toHaveLength(2);
    await page.goto(`${gw()}/dating/profile`);
    expect(await page.locator(`[data-blocked="${blocked}"]`).count()).toBe(1);
    // Both ways: the blocked person does not find this profile either.
    const theirs = await fetch(`${recommender()}/v1/search/visual`, {
      method: 'POST',
      headers: { 'x-user-id': blocked, 'content-type': 'application/json' },
      body: JSON.stringify({
        target: 'profiles',
        positive_photo_ids: (
          await mesh.query<{ photo_id: string }>(
            'SELECT photo_id FROM recommender.dating_profile_photos WHERE user_id = $1',
            [blocked],
          )
        ).map((r) => r.photo_id),
        filters: { city: ['Kazan'] },
      }),
    });
    const found = ((await theirs.json()) as { matched_users: Array<{ user_id: string }> }).matched_users;
    expect(found.map((m) => m.user_id)).not.toContain(userId);
    expect(found.length).toBeGreaterThan(0);

    // English on a desktop: same pages, same person.
    const cookies = await phone.cookies();
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await desktop.addCookies(cookies);
    const d = await desktop.newPage();
    await d.goto(`${gw()}/lang/en?next=${encodeURIComponent('/dating/profile')}`);
    await d.waitForURL(/\/dating\/profile$/);
    expect(await d.locator('h1').textContent()).toBe('My profile');
    expect(await d.locator('[data-visibility]').textContent()).toContain('visible in search');
    await d.screenshot({ path: `${SHOTS}/dating-profile-desktop-en.png`, fullPage: true });
    await d.goto(`${gw()}/dating/matches`);
    await d.locator('[data-example]').nth(0).getByLabel('Like', { exact: true }).check();
    await d.getByLabel('female', { exact: true }).check();
    await d.getByLabel('male', { exact: true }).check();
    await d.getByRole('button', { name: 'Find', exact: true }).click();
    expect(await d.locator('[data-match]').count()).toBeGreaterThan(0);
    expect(await d.locator('[data-match] .dt-score').first().textContent()).toMatch(/\d+% match/);
    await imagesLoaded(d, '[data-match] img');
    await d.screenshot({ path: `${SHOTS}/dating-matches-desktop-en.png`, fullPage: true });

    // Hiding the profile on the page takes it out of the others' search at once.
    const other = others[1] === blocked ? others[2] : others[1];
    const searchAs = async (user: string) => {
      const res = await fetch(`${recommender()}/v1/search/visual`, {
        method: 'POST',
        headers: { 'x-user-id': user, 'content-type': 'application/json' },
        body: JSON.stringify({
          target: 'profiles',
          positive_photo_ids: (
            await mesh.query<{ photo_id: string }>(
              'SELECT photo_id FROM recommender.dating_profile_photos WHERE user_id = $1',
              [user],
            )
          ).map((r) => r.photo_id),
        }),
      });
      return ((await res.json()) as { matched_users: Array<{ user_id: string }> }).matched_users.map((m) => m.user_id);
    };
    expect(await searchAs(other)).toContain(userId);
    await d.goto(`${gw()}/dating/profile`);
    await d.getByLabel('Hide my profile for now').check();
    await d.getByRole('button', { name: 'Save profile' }).click();
    await d.waitForURL(/done=saved/);
    expect(await d.locator('[data-visibility]').textContent()).toContain('hidden');
    expect(await searchAs(other)).not.toContain(userId);
    expect(scriptErrors).toEqual([]);
    await phone.close();
    await desktop.close();
  }, 240000);
});
