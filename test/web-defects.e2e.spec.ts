import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newEmail, PASSWORD } from './support/http-session';
import { launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
// Set to refresh the README's screenshots (docs/screenshots/) while the suite runs.
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

/**
 * The ten defects of issue 17, each seen in real Chromium (ru and en, phone and desktop) against the gateway
 * and billing (no image pipeline: generations stay in progress, which is what the progress-page checks need).
 */
describe('web defects (issue 17) in Chromium', () => {
  const mesh = new TestMesh({
    env: { ALLOW_DEV_USER_HEADER: 'false', TRUST_PROXY_HOPS: '1' },
    services: ['gateway', 'billing'],
  });
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

  async function context(viewport: typeof PHONE, lang: 'ru' | 'en', javaScriptEnabled = true) {
    const ctx = await browser.newContext({ viewport, locale: lang === 'ru' ? 'ru-RU' : 'en-GB', javaScriptEnabled });
    await ctx.addCookies([{ name: 'atelier_lang', value: lang, url }]);
    return ctx;
  }

  /** Registers through the form; registering signs you in and lands in the studio. */
  async function register(ctx: BrowserContext, lang: 'ru' | 'en'): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${url}/register`);
    await page.locator('#email').fill(newEmail('defects'));
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password2').fill(PASSWORD);
    await page.getByRole('button', { name: lang === 'ru' ? 'Создать аккаунт' : 'Create account' }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

  it('registering signs you in; the studio does not scroll sideways with a long prompt in history (1)', async () => {
    const ctx = await context(PHONE, 'ru');
    const page = await register(ctx, 'ru');
    expect(await page.locator('h1').textContent()).toBe('Студия');
    const long = `${'очень длинное описание баннера для кофейни '.repeat(30)}конец`;
    await page.getByLabel('Что нарисовать').fill(long);
    await page.getByLabel('Количество картинок').selectOption('1');
    await page.getByRole('button', { name: 'Сгенерировать' }).click();
    await page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/);
    await page.goto(`${url}/app`);
    expect(await page.locator('ul.history li').count()).toBe(1);
    expect(await noSideScroll(page)).toBe(true);
    await shot(page, 'studio-phone-ru');
    await ctx.close();
  });

  it('hides «Смотреть результат» until the result is ready, and the no-JS refresh link has a name (2, 4)', async () => {
    const ctx = await context(PHONE, 'ru');
    const page = await register(ctx, 'ru');
    await page.getByLabel('Что нарисовать').fill('баннер для пекарни');
    await page.getByRole('button', { name: 'Сгенерировать' }).click();
    await page.waitForURL(/\/app\/tasks\/[0-9a-f-]{36}$/);
    const task = page.url();
    expect(await page.locator('[data-final]').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Смотреть результат' }).isVisible()).toBe(false);
    const cookies = await ctx.cookies();
    await ctx.close();

    const plain = await context(DESKTOP, 'ru', false);
    await plain.addCookies(cookies);
    const noJs = await plain.newPage();
    await noJs.goto(task);
    expect(await noJs.getByRole('link', { name: 'Смотреть результат' }).isVisible()).toBe(false);
    const refresh = noJs.getByRole('link', { name: 'Обновить' });
    expect(await refresh.getAttribute('href')).toBe(new URL(task).pathname);
    expect(await refresh.locator('svg').count()).toBe(1);
    await plain.close();
  });

  it('titles /login and /register for what they are, in both languages (3)', async () => {
    for (const [lang, login, signUp] of [
      ['ru', 'Вход · Ателье', 'Регистрация · Ателье'],
      ['en', 'Log in · Atelier', 'Sign up · Atelier'],
    ] as const) {
      const ctx = await context(DESKTOP, lang);
      const page = await ctx.newPage();
      await page.goto(`${url}/login`);
      expect(await page.title()).toBe(login);
      await page.goto(`${url}/register`);
      expect(await page.title()).toBe(signUp);
      await ctx.close();
    }
  });

  it('sends a signed-out visitor of an admin page to the login form, not to 404 (5)', async () => {
    const ctx = await context(DESKTOP, 'ru');
    const page = await ctx.newPage();
    const res = await page.goto(`${url}/admin/recommender`);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/admin/recommender');
    await ctx.close();
  });

  it('shows plan and role in words in Russian, and money in one format per language (6, 9)', async () => {
    const ru = await context(DESKTOP, 'ru');
    const page = await register(ru, 'ru');
    await page.goto(`${url}/account`);
    const facts = await page.locator('dl.facts').allTextContents();
    const text = facts.join(' ');
    expect(text).toContain('Бесплатный');
    expect(text).toContain('пользователь');
    expect(text).not.toMatch(/\bfree\b|\buser\b/);
    const rub = (await page.locator('dd', { hasText: '₽' }).first().textContent())?.replace(/\s/g, ' ');
    expect(rub?.trim()).toBe('0 ₽');
    await page.getByRole('link', { name: 'Switch to English' }).click();
    await page.waitForURL(/\/account$/);
    expect((await page.locator('dd', { hasText: '₽' }).first().textContent())?.trim()).toBe('₽0');
    expect(await page.locator('dl.facts').first().textContent()).toContain('user');
    await ru.close();
  });

  it('shows every form error at once, next to its field (7)', async () => {
    const ctx = await context(PHONE, 'ru');
    const page = await ctx.newPage();
    await page.goto(`${url}/register`);
    await page.locator('#email').fill('not-an-email');
    await page.locator('#password').fill('short');
    await page.locator('#password2').fill('other');
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    await page.waitForSelector('#form-errors');
    for (const field of ['email', 'password', 'password2']) {
      const input = page.locator(`#${field}`);
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      expect(await input.getAttribute('aria-describedby')).toContain(`${field}-error`);
      expect((await page.locator(`#${field}-error`).textContent())?.length).toBeGreaterThan(3);
    }
    expect(await page.locator('#form-errors li').count()).toBe(3);
    expect(await page.locator('#email').inputValue()).toBe('not-an-email');
    expect(await noSideScroll(page)).toBe(true);
    await shot(page, 'register-errors-phone-ru');

    // The studio: an empty prompt and an out-of-range step count, both reported.
    const studio = await register(ctx, 'ru');
    await studio.getByText('Дополнительно', { exact: true }).click();
    await studio.locator('#steps').fill('500');
    await studio.getByRole('button', { name: 'Сгенерировать' }).click();
    await studio.waitForSelector('#form-errors');
    expect(await studio.locator('#prompt').getAttribute('aria-invalid')).toBe('true');
    expect(await studio.locator('#steps').getAttribute('aria-invalid')).toBe('true');
    expect(await studio.locator('#prompt-error').textContent()).toContain('Опишите');
    expect(await studio.locator('#steps').isVisible()).toBe(true);
    await ctx.close();
  });

  it('puts the phone navigation behind a menu button and «Выйти» in an account menu (8)', async () => {
    const ctx = await context(PHONE, 'ru');
    const page = await register(ctx, 'ru');
    const header = page.locator('header.top');
    expect((await header.boundingBox())?.height).toBeLessThan(80);
    const shop = page.getByRole('link', { name: 'Магазин' });
    expect(await shop.isVisible()).toBe(false);
    await page.getByText('Меню', { exact: true }).click();
    expect(await shop.isVisible()).toBe(true);
    expect(await noSideScroll(page)).toBe(true);
    await shot(page, 'menu-phone-ru');
    // The first button in the header is a menu, not «Выйти»; logging out is in the account menu.
    const logout = page.getByRole('button', { name: 'Выйти' });
    expect(await logout.isVisible()).toBe(false);
    await page.locator('.account-menu > summary').click();
    await logout.click();
    await page.waitForURL(/\/login\?loggedOut=1$/);
    await ctx.close();

    const wide = await context(DESKTOP, 'en');
    const desk = await register(wide, 'en');
    // Desktop: the links are inline, no menu button.
    expect(await desk.getByRole('link', { name: 'Shop', exact: true }).isVisible()).toBe(true);
    expect(await desk.getByText('Menu', { exact: true }).isVisible()).toBe(false);
    expect((await desk.locator('header.top').boundingBox())?.height).toBeLessThan(80);
    await shot(desk, 'studio-desktop-en');
    await wide.close();
  });

  it('names platforms in words and has a favicon served from hashed, immutable assets (10)', async () => {
    const ctx = await context(DESKTOP, 'ru');
    const page = await register(ctx, 'ru');
    const options = await page.locator('#platform option').allTextContents();
    expect(options).toContain('Пост в Instagram');
    expect(options.join(' ')).not.toMatch(/instagram post|_/);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/^\/assets\/favicon\.[0-9a-f]{12}\.svg$/);
    const res = await fetch(`${url}${icon}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(res.headers.get('cache-control')).toContain('immutable');
    const css = await page.locator('link[rel="stylesheet"]').first().getAttribute('href');
    const style = await fetch(`${url}${css}`);
    expect(style.headers.get('content-type')).toContain('text/css');
    expect(style.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${url}/assets/studio.000000000000.css`)).status).toBe(404);
    // The page itself stays uncached under a strict same-origin policy.
    const html = await fetch(`${url}/login`);
    expect(html.headers.get('cache-control')).toBe('no-store');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    await ctx.close();
  });
});
