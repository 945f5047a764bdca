import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newEmail, PASSWORD } from './support/http-session';
import { launchChromium } from './support/browser';
import { SmtpSink } from './support/smtp-sink';
import { TestMesh } from './support/test-mesh';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const NEW_PASSWORD = 'violet tram under the rain';
// Set to refresh the screenshots in docs/screenshots/ while the suite runs.
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;

/** Account recovery and security in Chromium over the whole mesh, with mail through a real SMTP sink (issue 17). */
describe('web account: reset, change password and e-mail, delete', () => {
  const sink = new SmtpSink();
  const gatewayEnv: Record<string, string> = {};
  // Small pools: the shared PostgreSQL serves several meshes at once.
  const mesh = new TestMesh({
    env: { TRUST_PROXY_HOPS: '1', DATABASE_POOL_SIZE: '4' },
    serviceEnv: { gateway: gatewayEnv },
  });
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    await sink.start();
    url = mesh.supervisor.url('gateway');
    Object.assign(gatewayEnv, sink.env, { PUBLIC_BASE_URL: url });
    await mesh.start();
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
    await sink.stop();
  }, 60000);

  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }
  const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

  async function context(viewport: typeof PHONE, lang: 'ru' | 'en' = 'ru'): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport, locale: lang === 'ru' ? 'ru-RU' : 'en-GB' });
    await ctx.addCookies([{ name: 'atelier_lang', value: lang, url }]);
    return ctx;
  }

  async function register(ctx: BrowserContext, email: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${url}/register`);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password2').fill(PASSWORD);
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  async function login(ctx: BrowserContext, email: string, password: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${url}/login`);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  /** Where a signed-in page sends this browser now: /app when the session lives, /login when it ended. */
  async function landsOn(page: Page): Promise<string> {
    await page.goto(`${url}/app`);
    return new URL(page.url()).pathname;
  }

  it('resets a forgotten password through the mailed link, once; the answer is the same for unknown addresses', async () => {
    const email = newEmail('reset-web');
    const signedIn = await register(await context(PHONE), email);

    const ctx = await context(PHONE);
    const page = await ctx.newPage();
    await page.goto(`${url}/login`);
    await page.getByRole('link', { name: 'Забыли пароль?' }).click();
    await page.waitForURL(/\/password\/forgot$/);
    expect(await page.title()).toBe('Сброс пароля · Ателье');
    await shot(page, 'forgot-phone-ru');
    await page.locator('#email').fill('not-an-address');
    await page.getByRole('button', { name: 'Прислать ссылку' }).click();
    expect(await page.locator('#email-error').textContent()).toContain('name@example.ru');

    const answer = async (address: string) => {
      await page.goto(`${url}/password/forgot`);
      await page.locator('#email').fill(address);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/password/forgot') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Прислать ссылку' }).click(),
      ]);
      const text = (await page.getByRole('status').textContent()) ?? '';
      return { status: response.status(), text: text.replace(address, '<e-mail>') };
    };
    const unknown = await answer(newEmail('nobody'));
    const known = await answer(email);
    expect(known).toEqual(unknown);
    expect(known.status).toBe(200);
    expect(known.text).toContain('Если аккаунт с адресом <e-mail> существует');
    await shot(page, 'forgot-sent-phone-ru');

    const mail = await sink.waitFor(email);
    expect(mail.subject).toBe('Ателье: сброс пароля');
    const link = SmtpSink.link(mail, `${url}/password/reset?token=`);
    await page.goto(link);
    expect(await page.title()).toBe('Новый пароль · Ателье');
    await page.locator('#password').fill('1234567890');
    await page.locator('#password2').fill('1234567890');
    await page.getByRole('button', { name: 'Сохранить пароль' }).click();
    expect(await page.locator('#password').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#form-errors').isVisible()).toBe(true);
    await shot(page, 'reset-errors-phone-ru');
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#password2').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Сохранить пароль' }).click();
    await page.waitForURL(/\/password\/reset\/done$/);
    expect(await page.getByRole('status').textContent()).toContain('Пароль изменён');
    expect(await noSideScroll(page)).toBe(true);

    // The link is spent, and every session of the account ended.
    const again = await page.goto(link);
    expect(again?.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('Ссылка недействительна');
    expect(await landsOn(signedIn)).toBe('/login');
    const fresh = await login(await context(PHONE), email, NEW_PASSWORD);
    expect(await landsOn(fresh)).toBe('/app');
  });

  it('changes the password (ending the other session, keeping this one) and the e-mail with a confirmation link', async () => {
    const email = newEmail('security-web');
    const page = await register(await context(DESKTOP), email);
    const other = await login(await context(PHONE), email, PASSWORD);

    await page.goto(`${url}/account/security`);
    expect(await page.title()).toBe('Безопасность · Ателье');
    expect(await page.locator('[data-email]').textContent()).toContain(email);
    await shot(page, 'security-desktop-ru');

    // Wrong current password: 403, the error next to its field, nothing changed.
    await page.locator('#current').fill('not my password');
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#password2').fill(NEW_PASSWORD);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/account/password')),
      page.getByRole('button', { name: 'Сменить пароль' }).click(),
    ]);
    expect(refused.status()).toBe(403);
    expect(await page.locator('#current-error').textContent()).toBe('Неверный пароль.');
    await page.locator('#current').fill(PASSWORD);
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#password2').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Сменить пароль' }).click();
    await page.waitForURL(/\/account\/security\?changed=password$/);
    expect(await page.getByRole('status').textContent()).toBe('Пароль изменён. Другие сеансы завершены.');
    expect(await landsOn(other)).toBe('/login');
    expect(await landsOn(page)).toBe('/app');

    // E-mail change: nothing changes until the link sent to the new address is confirmed.
    const next = newEmail('moved');
    await page.goto(`${url}/account/security`);
    await page.locator('#newEmail').fill(next);
    await page.locator('#emailPassword').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Сменить e-mail' }).click();
    expect(await page.getByRole('status').textContent()).toContain(`отправлено на ${next}`);
    const [{ email: stored }] = await mesh.query<{ email: string }>(
      'SELECT email FROM gateway.users WHERE email = $1',
      [email],
    );
    expect(stored).toBe(email);
    const mail = await sink.waitFor(next);
    expect(mail.subject).toBe('Ателье: подтвердите новый e-mail');
    await page.goto(SmtpSink.link(mail, `${url}/account/email/confirm?token=`));
    expect(await page.locator('main p').first().textContent()).toContain(next);
    await shot(page, 'email-confirm-desktop-ru');
    await page.getByRole('button', { name: 'Подтвердить' }).click();
    expect(await page.getByRole('status').textContent()).toContain(`теперь вы входите с адресом ${next}`);
    const notice = await sink.waitFor(email);
    expect(notice.subject).toBe('Ателье: e-mail аккаунта изменён');
    expect(await landsOn(await login(await context(PHONE), next, NEW_PASSWORD))).toBe('/app');
  });

  it('deletes the account: the old token dies and every service erases the user', async () => {
    const email = newEmail('delete-web');
    const ctx = await context(PHONE);
    const page = await register(ctx, email);
    const [{ id: userId }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]);
    // Data in every service: a generation (gateway, billing, enhancer, generator, judge) and a like (recommender).
    await page.getByLabel('Что нарисовать').fill('баннер для кофейни, осень');
    await page.getByRole('button', { name: 'Сгенерировать' }).click();
    await page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/);
    // The progress page opens the result by itself once it is ready.
    await page.waitForURL(/\/app\/requests\/[0-9a-f-]{36}$/, { timeout: 90000 });
    await page
      .locator('ol.gallery > li')
      .first()
      .getByRole('button', { name: /Нравится/ })
      .click();
    await page.waitForSelector('ol.gallery > li:first-child button.like[aria-pressed="true"]');
    const owned: Array<[string, string]> = [
      ['gateway.generations', 'user_id'],
      ['gateway.feedback', 'user_id'],
      ['billing.quota_usage', 'user_id'],
      ['enhancer.enhancements', 'user_id'],
      ['generator.generations', 'user_id'],
      ['judge.predictions', 'user_id'],
      ['judge.feedback', 'user_id'],
      ['recommender.studio_feedback', 'user_id'],
    ];
    const count = async (table: string, column: string) =>
      (await mesh.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [userId]))[0].n;
    for (const [table, column] of owned) {
      await mesh.waitFor(async () => ((await count(table, column)) > 0 ? true : undefined), 30000, `${table} row`);
    }
    const token = (await ctx.cookies(url)).find((c) => c.name === 'atelier_at')?.value ?? '';
    const me = () => fetch(`${url}/v1/account`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me()).status).toBe(200);

    await page.goto(`${url}/account/security`);
    await shot(page, 'security-phone-ru');
    await page.locator('#deletePassword').fill('not my password');
    await page.getByRole('button', { name: 'Удалить аккаунт' }).click();
    expect(await page.locator('#deletePassword-error').textContent()).toBe('Неверный пароль.');
    expect(await count('gateway.users', 'id')).toBe(1);
    await page.locator('#deletePassword').fill(PASSWORD);
    await page.getByRole('button', { name: 'Удалить аккаунт' }).click();
    await page.waitForURL(/\/account\/deleted$/);
    expect(await page.locator('h1').textContent()).toBe('Аккаунт удалён');
    await shot(page, 'deleted-phone-ru');

    expect((await me()).status).toBe(401);
    expect(await landsOn(page)).toBe('/login');
    expect(await count('gateway.users', 'id')).toBe(0);
    for (const [table, column] of [
      ...owned,
      ['billing.subscriptions', 'user_id'],
      ['enhancer.brand_profiles', 'user_id'],
    ] as Array<[string, string]>) {
      await mesh.waitFor(async () => ((await count(table, column)) === 0 ? true : undefined), 30000, `${table} erased`);
    }
    // Every service took the event through its inbox; nothing was dead-lettered.
    for (const service of ['billing', 'enhancer', 'generator', 'judge', 'recommender'] as const) {
      expect(await mesh.drainDeadLetters(service)).toEqual([]);
    }
  });

  it('every account page fits a phone and a desktop, in Russian and English', async () => {
    const titles = {
      ru: { forgot: 'Сброс пароля', reset: 'Новый пароль', deleted: 'Аккаунт удалён', security: 'Безопасность' },
      en: { forgot: 'Reset password', reset: 'New password', deleted: 'Account deleted', security: 'Security' },
    };
    const email = newEmail('layout');
    await register(await context(PHONE), email);
    for (const lang of ['ru', 'en'] as const) {
      for (const [device, viewport] of [
        ['phone', PHONE],
        ['desktop', DESKTOP],
      ] as const) {
        const ctx = await context(viewport, lang);
        const page = await ctx.newPage();
        const visit = async (path: string, page_: keyof (typeof titles)['ru'], status: number) => {
          const res = await page.goto(`${url}${path}`);
          expect(res?.status()).toBe(status);
          expect(await page.title()).toBe(`${titles[lang][page_]} · ${lang === 'ru' ? 'Ателье' : 'Atelier'}`);
          expect(await noSideScroll(page)).toBe(true);
          if (lang === 'ru') await shot(page, `${page_}${status === 400 ? '-invalid' : ''}-${device}-ru`);
        };
        await visit('/password/forgot', 'forgot', 200);
        // A garbled or spent link is a 400 page that offers a new one.
        await visit('/password/reset?token=nope', 'reset', 400);
        await visit('/account/deleted', 'deleted', 200);
        await page.goto(`${url}/login`);
        await page.locator('#email').fill(email);
        await page.locator('#password').fill(PASSWORD);
        await page.locator('form[action="/login"] button[type="submit"]').click();
        await page.waitForURL(/\/app$/);
        await visit('/account/security', 'security', 200);
        await ctx.close();
      }
    }
  });

  it('answers bad input with 4xx and changes nothing (no JavaScript, plain form posts)', async () => {
    const first = await fetch(`${url}/password/forgot`);
    const cookie = (first.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await first.text())?.[1] ?? '';
    expect(csrf).not.toBe('');
    const post = (path: string, body: string, withCsrf = true) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: withCsrf ? `_csrf=${encodeURIComponent(csrf)}&${body}` : body,
      });
    const before = sink.mails.length;
    expect((await post('/password/forgot', 'email=someone%40example.com', false)).status).toBe(403);
    expect((await post('/password/forgot', 'email=a%40example.com&email=b%40example.com')).status).toBe(400);
    expect((await post('/password/forgot', `email=${'x'.repeat(400)}%40example.com`)).status).toBe(400);
    expect((await post('/password/reset', 'token=garbage&password=x&password2=x')).status).toBe(400);
    const unknownToken = 'A'.repeat(43);
    const pw = encodeURIComponent(NEW_PASSWORD);
    expect((await post('/password/reset', `token=${unknownToken}&password=${pw}&password2=${pw}`)).status).toBe(400);
    expect((await post('/password/reset', `token=${unknownToken}&password=${pw}&password2=other`)).status).toBe(400);
    expect((await post('/account/email/confirm', 'token=%00%00')).status).toBe(400);
    expect((await fetch(`${url}/account/email/confirm?token[]=x`)).status).toBe(400);
    expect((await fetch(`${url}/password/reset?token=${unknownToken}`)).status).toBe(400);
    // Signed out, account changes go to the login form, nothing else.
    const del = await post('/account/delete', 'deletePassword=x');
    expect(del.status).toBe(303);
    expect(del.headers.get('location')).toMatch(/^\/login\?next=/);
    expect(sink.mails.length).toBe(before);
  });
});
