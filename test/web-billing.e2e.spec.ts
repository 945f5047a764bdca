import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newEmail, PASSWORD } from './support/http-session';
import { launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
// Set to refresh the README's screenshots (docs/screenshots/) while the suite runs.
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;

/** /pricing and /account/billing in Chromium against the gateway and billing (issue 17). */
describe('web billing pages in Chromium', () => {
  const mesh = new TestMesh({
    // The admin wallet adjustment below uses the development role header.
    env: { ALLOW_DEV_USER_HEADER: 'true', TRUST_PROXY_HOPS: '1' },
    services: ['gateway', 'billing'],
  });
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    await mesh.start();
    url = mesh.supervisor.url('gateway');
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 120000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function context(viewport: typeof PHONE, lang: 'ru' | 'en'): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport, locale: lang === 'ru' ? 'ru-RU' : 'en-GB' });
    await ctx.addCookies([{ name: 'atelier_lang', value: lang, url }]);
    return ctx;
  }

  async function register(ctx: BrowserContext, email: string, submit: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${url}/register`);
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password2').fill(PASSWORD);
    await page.getByRole('button', { name: submit }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

  async function fund(email: string, kopecks: number): Promise<void> {
    const [{ id }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]);
    const res = await fetch(`${url}/v1/admin/billing/wallets/${id}/adjustments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-user-id': randomUUID(),
        'x-user-role': 'admin',
        'idempotency-key': `fund-${randomUUID()}`,
      },
      body: JSON.stringify({ amountKopecks: kopecks, reason: 'web e2e funding' }),
    });
    expect(res.status).toBe(201);
  }

  it('compares plans, refuses a plan the balance cannot pay with the shortfall, subscribes, cancels at period end (ru, phone)', async () => {
    const ctx = await context(PHONE, 'ru');
    const email = newEmail('billing-web');
    const page = await register(ctx, email, 'Создать аккаунт');

    await page.goto(`${url}/pricing`);
    expect(await page.title()).toBe('Тарифы · Ателье');
    expect(await page.locator('.plan h2').allTextContents()).toEqual(['Бесплатный', 'Старт', 'Про', 'Бизнес']);
    expect(await page.locator('.plan.current h2').textContent()).toBe('Бесплатный');
    const start = page.locator('.plan', { hasText: 'Старт' });
    expect((await start.locator('.price').textContent())?.replace(/\s+/g, ' ')).toContain('490 ₽');
    expect(await noSideScroll(page)).toBe(true);
    await shot(page, 'pricing-phone-ru');

    // Nothing on the balance: the answer says how much is missing, in roubles.
    // Choosing opens billing's preview first: nothing is charged, the shortfall is named.
    await start.getByRole('button', { name: 'Перейти на «Старт»' }).click();
    await page.waitForURL(/\/account\/billing\/change\?plan=start$/);
    expect((await page.getByRole('alert').textContent())?.replace(/\s+/g, ' ')).toContain('Не хватает 490 ₽');
    await page.goto(`${url}/account/billing`);
    expect(await page.locator('[data-plan]').textContent()).toBe('Бесплатный');

    // The studio says how many images are left and offers no more than a request may take.
    await page.goto(`${url}/app`);
    expect(await page.locator('[data-images-left]').getAttribute('data-images-left')).toBe('100');
    expect(await page.locator('#n option').allTextContents()).toEqual(['1', '2', '3', '4']);
    await page.goto(`${url}/account/billing`);

    await fund(email, 100000);
    await page.goto(`${url}/pricing`);
    await page.getByRole('button', { name: 'Перейти на «Старт»' }).click();
    await page.waitForURL(/\/account\/billing\/change\?plan=start$/);
    await page.getByRole('button', { name: 'Подтвердить и оплатить 490 ₽' }).click();
    await page.waitForURL(/\/account\/billing\?changed=purchased/);
    expect(await page.getByRole('status').textContent()).toBe('Тариф подключён.');
    expect(await page.locator('[data-plan]').textContent()).toBe('Старт');
    expect((await page.locator('[data-balance]').textContent())?.replace(/\s+/g, ' ')).toBe('510 ₽');
    expect(await page.locator('[data-quota]').textContent()).toContain('осталось 300 из 300');
    await page.goto(`${url}/app`);
    expect(await page.locator('[data-images-left]').textContent()).toContain('Осталось картинок в этом периоде: 300.');
    await page.goto(`${url}/account/billing`);
    const ledger = await page.locator('table.ledger tbody th').allTextContents();
    expect(ledger).toEqual(['Оплата тарифа', 'Корректировка']);
    expect(await noSideScroll(page)).toBe(true);

    await page.getByRole('button', { name: 'Отменить подписку в конце периода' }).click();
    await page.waitForURL(/changed=cancel_scheduled/);
    expect(await page.getByRole('status').textContent()).toBe('Подписка закончится в конце периода.');
    expect(await page.locator('dl.facts').textContent()).toContain('затем «Бесплатный»');
    expect(await page.getByRole('button', { name: 'Отменить подписку в конце периода' }).count()).toBe(0);
    await shot(page, 'billing-phone-ru');
    await ctx.close();
  });

  it('shows prices to visitors and the statement in English on a desktop', async () => {
    const visitor = await context(DESKTOP, 'en');
    const page = await visitor.newPage();
    await page.goto(`${url}/pricing`);
    expect(await page.locator('.plan h2').allTextContents()).toEqual(['Free', 'Start', 'Pro', 'Business']);
    expect(await page.getByRole('link', { name: 'Start for free' }).count()).toBe(4);
    expect(
      (
        await page
          .locator('.plan')
          .filter({ has: page.locator('h2', { hasText: /^Pro$/ }) })
          .locator('.price')
          .textContent()
      )?.trim(),
    ).toMatch(/^₽1,490\s+per month$/);
    await shot(page, 'pricing-desktop-en');
    await visitor.close();

    const ctx = await context(DESKTOP, 'en');
    const email = newEmail('billing-web-en');
    const signed = await register(ctx, email, 'Create account');
    await fund(email, 250050);
    await signed.goto(`${url}/account/billing`);
    expect(await signed.locator('[data-balance]').textContent()).toBe('₽2,500.50');
    expect(await signed.locator('table.ledger tbody th').allTextContents()).toEqual(['Adjustment']);
    // A forged form (no CSRF token) changes nothing.
    const forged = await signed.request.post(`${url}/account/billing/subscription`, { form: { plan: 'pro' } });
    expect(forged.status()).toBe(403);
    const bad = await signed.request.post(`${url}/account/billing/subscription`, {
      form: { plan: '../../x', _csrf: 'nope' },
    });
    expect(bad.status()).toBeGreaterThanOrEqual(400);
    expect(bad.status()).toBeLessThan(500);
    await signed.reload();
    expect(await signed.locator('[data-plan]').textContent()).toBe('Free');
    await shot(signed, 'billing-desktop-en');
    await ctx.close();
  });
});
