import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freshIp, newEmail, PASSWORD } from './support/http-session';
import { launchChromium } from './support/browser';
import { TestMesh } from './support/test-mesh';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
// Set to refresh the screenshots (docs/screenshots/) while the suite runs.
const SHOTS = process.env.WEB_SCREENSHOTS_DIR;
const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/**
 * Issue 17's billing and admin flows in Chromium against the real gateway and billing (PostgreSQL, RabbitMQ):
 * subscribe with the proration shown first, top up through the sandbox provider's payer page (paid and declined),
 * receipts, over-quota caught before submit, and the admin pages (plans, roles, wallet, refunds).
 */
describe('web billing flows and admin pages in Chromium', () => {
  const adminEmail = newEmail('admin-web');
  const billingEnv: Record<string, string> = {};
  const mesh = new TestMesh({
    env: { ALLOW_DEV_USER_HEADER: 'false', TRUST_PROXY_HOPS: '1' },
    serviceEnv: { gateway: { ADMIN_EMAILS: adminEmail }, billing: billingEnv },
    services: ['gateway', 'billing'],
  });
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    url = mesh.supervisor.url('gateway');
    // The sandbox provider's confirmation URL is the gateway's payer page (not billing's JSON endpoint).
    billingEnv.SANDBOX_CONFIRMATION_URL = `${url}/pay/sandbox`;
    await mesh.start();
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 180000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  async function shot(page: Page, name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function context(viewport: typeof PHONE, lang: 'ru' | 'en', javaScriptEnabled = true) {
    const ctx = await browser.newContext({
      viewport,
      locale: lang === 'ru' ? 'ru-RU' : 'en-GB',
      javaScriptEnabled,
      extraHTTPHeaders: { 'x-forwarded-for': freshIp() },
    });
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
  const balance = async (email: string): Promise<number> => {
    const rows = await mesh.query<{ balance_kopecks: string }>(
      `SELECT a.balance_kopecks FROM billing.ledger_accounts a JOIN gateway.users u ON u.id = a.user_id
        WHERE a.kind = 'wallet' AND u.email = $1`,
      [email],
    );
    return Number(rows[0]?.balance_kopecks ?? 0);
  };

  it('subscribes with the proration shown first, tops up through the payer page (paid and declined), shows receipts (ru, phone, no JS)', async () => {
    const ctx = await context(PHONE, 'ru', false);
    const email = newEmail('flows');
    const page = await register(ctx, email, 'Создать аккаунт');

    // Pricing → choose Start: the confirm page says what is missing before anything is charged.
    await page.goto(`${url}/pricing`);
    await page.locator('.plan', { hasText: 'Старт' }).getByRole('button', { name: 'Перейти на «Старт»' }).click();
    await page.waitForURL(/\/account\/billing\/change\?plan=start$/);
    expect(await page.locator('h1').textContent()).toBe('Подключение тарифа «Старт»');
    expect(await text(page, '[data-charge]')).toBe('490 ₽');
    expect(await text(page, '[role=alert]')).toContain('Не хватает 490 ₽');
    expect(await page.getByRole('button', { name: /Подтвердить/ }).count()).toBe(0);
    expect(await noSideScroll(page)).toBe(true);
    await shot(page, 'change-short-phone-ru');

    // Top up: the missing amount is preselected as a custom amount; choose the 1 000 ₽ preset instead.
    await page.getByRole('link', { name: 'Пополнить на 490 ₽' }).click();
    await page.waitForURL(/\/account\/billing\/top-up\?amount=490&plan=start$/);
    expect(await page.locator('#custom').inputValue()).toBe('490');
    expect(await page.locator('input[name=amount][value=custom]').isChecked()).toBe(true);
    expect(await noSideScroll(page)).toBe(true);
    await shot(page, 'top-up-phone-ru');
    await page.getByLabel('1 000 ₽').check();
    await page.getByRole('button', { name: 'Перейти к оплате' }).click();

    // The sandbox's confirmation URL is a real payer page at the gateway, not JSON.
    await page.waitForURL(/\/pay\/sandbox\/sbx_[0-9a-f-]{36}$/);
    expect(await page.locator('h1').textContent()).toBe('Оплата (тестовая песочница)');
    expect(await text(page, '[data-amount]')).toBe('1 000 ₽');
    expect(await noSideScroll(page)).toBe(true);
    await shot(page, 'payer-phone-ru');
    const paidPayer = page.url();
    expect(paidPayer.startsWith(`${url}/pay/sandbox/`)).toBe(true);
    await page.getByRole('button', { name: 'Оплатить 1 000 ₽' }).click();
    await page.waitForURL(/\/account\/billing\?topUp=[0-9a-f-]{36}$/);
    expect(await text(page, '[role=status]')).toBe('Баланс пополнен на 1 000 ₽.');
    expect(await text(page, '[data-balance]')).toBe('1 000 ₽');

    // Paying twice is not possible: the payer page now says the payment is done.
    await page.goto(paidPayer);
    expect(await text(page, '[role=status]')).toBe('Этот платёж уже обработан: оплачен.');
    expect(await page.getByRole('button', { name: /Оплатить/ }).count()).toBe(0);

    // Declined: nothing credited, and the account says so.
    await page.goto(`${url}/account/billing/top-up`);
    await page.getByLabel('300 ₽').check();
    await page.getByRole('button', { name: 'Перейти к оплате' }).click();
    await page.waitForURL(/\/pay\/sandbox\//);
    await page.getByRole('button', { name: 'Отказаться от оплаты' }).click();
    await page.waitForURL(/\/account\/billing\?topUp=/);
    expect(await text(page, '[role=alert]')).toBe('Оплата на 300 ₽ не прошла — деньги не списаны.');
    expect(await text(page, '[data-balance]')).toBe('1 000 ₽');
    expect(await balance(email)).toBe(100000);

    // Now the subscription: the confirm page shows the charge and what is left; confirming charges exactly that.
    await page.goto(`${url}/account/billing/change?plan=start`);
    expect(await text(page, '[data-effective]')).toBe('сразу');
    await page.getByRole('button', { name: 'Подтвердить и оплатить 490 ₽' }).click();
    await page.waitForURL(/changed=purchased/);
    expect(await text(page, '[data-plan]')).toBe('Старт');
    expect(await text(page, '[data-balance]')).toBe('510 ₽');

    // An upgrade shows the credit for the unused days and the shortfall before anything happens.
    await page.goto(`${url}/account/billing/change?plan=pro`);
    expect(await page.locator('h1').textContent()).toBe('Повышение тарифа: «Старт» → «Про»');
    const credit = await text(page, '[data-credit]');
    expect(credit).toMatch(/^−4(89,\d\d|90) ₽$/);
    expect(Number(await page.locator('[data-missing]').getAttribute('data-missing'))).toBeGreaterThan(48000);
    await shot(page, 'change-upgrade-phone-ru');

    // The statement: top-up and charge, each with a printable receipt.
    await page.goto(`${url}/account/billing`);
    expect(await page.locator('table.ledger tbody th').allTextContents()).toEqual(['Оплата тарифа', 'Пополнение']);
    await page.getByRole('link', { name: 'Пополнение' }).click();
    await page.waitForURL(/\/account\/billing\/receipts\/[0-9a-f-]{36}$/);
    expect(await page.locator('h1').textContent()).toBe('Квитанция');
    expect(await text(page, '[data-amount]')).toBe('+1 000 ₽');
    expect(await text(page, 'dl.facts')).toContain('Тестовая оплата (песочница)');
    await shot(page, 'receipt-phone-ru');
    const receiptUrl = page.url();
    // Someone else's receipt is not found; a malformed id too.
    const other = await ctx.request.get(`${url}/account/billing/receipts/00000000-0000-4000-8000-000000000000`);
    expect(other.status()).toBe(404);
    expect((await ctx.request.get(`${url}/account/billing/receipts/x'`)).status()).toBe(404);

    // The same pages on a desktop (screenshots), and a payer page left pending.
    const wide = await context(DESKTOP, 'ru');
    await wide.addCookies(await ctx.cookies());
    const w = await wide.newPage();
    for (const [path, name] of [
      [`${url}/account/billing/change?plan=pro`, 'change-upgrade-desktop-ru'],
      [`${url}/account/billing/top-up`, 'top-up-desktop-ru'],
      [receiptUrl, 'receipt-desktop-ru'],
    ] as const) {
      await w.goto(path);
      await shot(w, name);
    }
    await w.goto(`${url}/account/billing/top-up`);
    await w.getByLabel('3 000 ₽').check();
    await w.getByRole('button', { name: 'Перейти к оплате' }).click();
    await w.waitForURL(/\/pay\/sandbox\//);
    await shot(w, 'payer-desktop-ru');
    await wide.close();
    await ctx.close();
  });

  it('refuses bad input with 4xx and changes nothing', async () => {
    const ctx = await context(DESKTOP, 'en');
    const email = newEmail('bad');
    const page = await register(ctx, email, 'Create account');
    await page.goto(`${url}/account/billing/top-up`);
    const csrf = (await ctx.cookies()).find((c) => c.name === 'atelier_csrf')?.value ?? '';
    const post = (path: string, form: Record<string, string>) =>
      ctx.request.post(`${url}${path}`, { form: { _csrf: csrf, ...form }, maxRedirects: 0 });

    // Top-ups: nonsense, zero, too small for billing, no key, no CSRF.
    const bad = await post('/account/billing/top-up', {
      amount: 'custom',
      custom: '12abc',
      idempotencyKey: 'k-000001',
    });
    expect(bad.status()).toBe(400);
    expect(await bad.text()).toContain('Enter an amount in roubles');
    expect((await post('/account/billing/top-up', { amount: '0', idempotencyKey: 'k-000002' })).status()).toBe(400);
    const small = await post('/account/billing/top-up', { amount: 'custom', custom: '5', idempotencyKey: 'k-000003' });
    expect(small.status()).toBe(422);
    expect(await small.text()).toMatch(/a top-up is ₽100 to ₽100,000/);
    expect((await post('/account/billing/top-up', { amount: '300' })).status()).toBe(400);
    const forged = await ctx.request.post(`${url}/account/billing/top-up`, {
      form: { amount: '300', idempotencyKey: 'k-000004' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    // A subscription without the confirmed charge is not charged; a bad plan code is 400.
    expect((await post('/account/billing/subscription', { plan: 'start' })).status()).toBe(409);
    expect((await post('/account/billing/subscription', { plan: '../x' })).status()).toBe(400);
    expect((await ctx.request.get(`${url}/account/billing/change?plan=nope`)).status()).toBe(404);
    // The payer page: someone else's or unknown payment is 404, a bad outcome 400.
    expect((await ctx.request.get(`${url}/pay/sandbox/sbx_unknown`)).status()).toBe(404);
    expect((await post('/pay/sandbox/sbx_unknown', { outcome: 'maybe' })).status()).toBe(400);
    expect((await post('/pay/sandbox/sbx_unknown', { outcome: 'succeeded' })).status()).toBe(404);
    const rows = await mesh.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM billing.top_ups t JOIN gateway.users u ON u.id = t.user_id WHERE u.email = $1`,
      [email],
    );
    expect(rows[0].n).toBe(0);
    expect(await balance(email)).toBe(0);
    const [{ plan_code }] = await mesh.query<{ plan_code: string }>(
      `SELECT COALESCE((SELECT s.plan_code FROM billing.subscriptions s JOIN gateway.users u ON u.id = s.user_id
                         WHERE u.email = $1), 'free') AS plan_code`,
      [email],
    );
    expect(plan_code).toBe('free');
    await ctx.close();
  });

  it('catches over-quota in the studio before submit, in the user’s language, with the ways forward', async () => {
    const ctx = await context(DESKTOP, 'en');
    const email = newEmail('quota');
    const page = await register(ctx, email, 'Create account');
    // Only 2 images left this period.
    const [{ id }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [email]);
    const period = new Date().toISOString().slice(0, 7);
    await mesh.query(
      `INSERT INTO billing.quota_usage (user_id, period, allowance, committed) VALUES ($1, $2, 100, 98)`,
      [id, period],
    );
    await page.goto(`${url}/app`);
    expect(await page.locator('#n option').allTextContents()).toEqual(['1', '2']);
    // A stale form (or a hand-made post) asking for 4 is refused before anything is submitted.
    const csrf = (await ctx.cookies()).find((c) => c.name === 'atelier_csrf')?.value ?? '';
    const over = await ctx.request.post(`${url}/app/requests`, {
      form: { _csrf: csrf, prompt: 'coffee poster', n: '4', idempotencyKey: 'over-quota-1' },
      maxRedirects: 0,
    });
    expect(over.status()).toBe(402);
    const body = await over.text();
    expect(body).toContain('Images left: 2, but 4 chosen');
    await mesh.query(`UPDATE billing.quota_usage SET allowance = 100, committed = 99 WHERE user_id = $1`, [id]);
    const two = await ctx.request.post(`${url}/app/requests`, {
      form: { _csrf: csrf, prompt: 'coffee poster', n: '2', idempotencyKey: 'over-quota-2' },
      maxRedirects: 0,
    });
    expect(two.status()).toBe(402);
    const twoBody = await two.text();
    expect(twoBody).toContain('Images left: 1, but 2 chosen');
    expect(twoBody).toContain('href="/account/billing/top-up"');
    expect(twoBody).toContain('href="/pricing"');
    const made = await mesh.query('SELECT 1 FROM gateway.generations WHERE user_id = $1', [id]);
    expect(made).toHaveLength(0);

    // Nothing left: the form offers nothing and says the ways forward in Russian.
    await mesh.query(`UPDATE billing.quota_usage SET committed = 100 WHERE user_id = $1`, [id]);
    await page.goto(`${url}/lang/ru?next=/app`);
    expect(await page.locator('#n').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Сгенерировать' }).isDisabled()).toBe(true);
    expect(await text(page, '[data-images-left="0"]')).toContain('Картинки этого периода закончились');
    expect(await page.locator('[data-images-left="0"] a[href="/account/billing/top-up"]').count()).toBe(1);
    await shot(page, 'studio-no-images-desktop-ru');
    await ctx.close();
  });

  it('lets an admin edit a plan, make a user a shop, adjust a wallet and refund a top-up; others get 403 or the login', async () => {
    // A customer with a paid top-up, to refund later.
    const userCtx = await context(PHONE, 'en');
    const userEmail = newEmail('shop-to-be');
    const user = await register(userCtx, userEmail, 'Create account');
    await user.goto(`${url}/account/billing/top-up`);
    await user.getByLabel('₽3,000').check();
    await user.getByRole('button', { name: 'Continue to payment' }).click();
    await user.waitForURL(/\/pay\/sandbox\//);
    await shot(user, 'payer-phone-en');
    await user.getByRole('button', { name: 'Pay ₽3,000' }).click();
    await user.waitForURL(/\/account\/billing\?topUp=/);
    expect(await text(user, '[role=status]')).toBe('Your balance was topped up with ₽3,000.');

    // Not an admin: 403 on every admin page; signed out: the login form.
    for (const path of ['/admin/plans', '/admin/users', '/admin/top-ups', '/admin/plans/new']) {
      const res = await user.goto(`${url}${path}`);
      expect(res?.status()).toBe(403);
    }
    const anon = await context(DESKTOP, 'ru');
    const anonPage = await anon.newPage();
    await anonPage.goto(`${url}/admin/plans`);
    expect(new URL(anonPage.url()).pathname).toBe('/login');
    expect(new URL(anonPage.url()).searchParams.get('next')).toBe('/admin/plans');
    await anon.close();

    const ctx = await context(DESKTOP, 'ru');
    const admin = await register(ctx, adminEmail, 'Создать аккаунт');
    // An expired admin session (access and refresh cookies gone) goes to the login form, not 404.
    const expired = await browser.newContext({ viewport: DESKTOP });
    const stale = await expired.newPage();
    await stale.goto(`${url}/admin/users`);
    expect(new URL(stale.url()).pathname).toBe('/login');
    await expired.close();

    // Plans editor: Start gets 400 images; the page says when that takes effect.
    await admin.goto(`${url}/admin/plans`);
    expect(await admin.locator('table[data-plans] tbody th').allTextContents()).toEqual([
      'Бесплатный',
      'Старт',
      'Про',
      'Бизнес',
    ]);
    await shot(admin, 'admin-plans-desktop-ru');
    await admin.getByRole('link', { name: 'Изменить Старт' }).click();
    await admin.waitForURL(/\/admin\/plans\/start$/);
    await admin.locator('#monthlyImages').fill('400');
    await shot(admin, 'admin-plan-edit-desktop-ru');
    await admin.getByRole('button', { name: 'Сохранить' }).click();
    await admin.waitForURL(/\/admin\/plans\?saved=start&from=300$/);
    const saved = await text(admin, '[role=status]');
    expect(saved).toContain('Тариф «Старт» сохранён.');
    expect(saved).toContain('было 300, стало 400');
    expect(saved).toContain('со следующего периода');
    expect(await text(admin, 'tr[data-plan=start] [data-images]')).toBe('400');
    const [plan] = await mesh.query<{ monthly_images: number; edited_by: string }>(
      `SELECT monthly_images, edited_by FROM billing.plans WHERE code = 'start'`,
    );
    const [{ id: adminId }] = await mesh.query<{ id: string }>('SELECT id FROM gateway.users WHERE email = $1', [
      adminEmail,
    ]);
    expect(plan).toEqual({ monthly_images: 400, edited_by: adminId });

    // A new plan; a bad one is refused next to its fields and nothing is written.
    await admin.goto(`${url}/admin/plans/new`);
    await admin.locator('#code').fill('Bad Code');
    await admin.locator('#name').fill('');
    await admin.locator('#price').fill('abc');
    await admin.getByRole('button', { name: 'Сохранить' }).click();
    await admin.waitForSelector('#form-errors');
    expect(await admin.locator('#form-errors li').count()).toBe(3);
    expect(await mesh.query(`SELECT 1 FROM billing.plans WHERE code NOT IN ('free','start','pro','business')`)).toEqual(
      [],
    );
    await shot(admin, 'admin-plan-errors-desktop-ru');
    await admin.locator('#code').fill('team');
    await admin.locator('#name').fill('Team');
    await admin.locator('#price').fill('2990');
    await admin.locator('#monthlyImages').fill('3000');
    await admin.getByRole('button', { name: 'Сохранить' }).click();
    await admin.waitForURL(/\/admin\/plans\?saved=team$/);
    expect(await text(admin, 'tr[data-plan=team] th')).toBe('Team');

    // Users: make the customer a shop.
    await admin.goto(`${url}/admin/users`);
    const row = admin.locator(`tr[data-user="${userEmail}"]`);
    await row.locator('select').selectOption('shop');
    await row.getByRole('button', { name: /Сменить роль/ }).click();
    expect(await text(admin, '[role=status]')).toBe(`Роль ${userEmail} теперь: магазин.`);
    const [{ role }] = await mesh.query<{ role: string }>('SELECT role FROM gateway.users WHERE email = $1', [
      userEmail,
    ]);
    expect(role).toBe('shop');
    expect(await admin.locator(`tr[data-user="${adminEmail}"] select`).count()).toBe(0);
    await shot(admin, 'admin-users-desktop-ru');

    // Wallet adjustment with a reason; without one nothing moves.
    await row.getByRole('link', { name: /Кошелёк/ }).click();
    await admin.waitForURL(/\/admin\/users\/[0-9a-f-]{36}\/wallet$/);
    expect(await text(admin, '[data-balance]')).toBe('3 000 ₽');
    await admin.locator('#amount').fill('-500');
    await admin.getByRole('button', { name: 'Провести корректировку' }).click();
    expect(await admin.locator('#reason-error').textContent()).toContain('Укажите причину');
    expect(await balance(userEmail)).toBe(300000);
    await admin.locator('#reason').fill('компенсация ошибки');
    await admin.locator('#amount').fill('250,50');
    await admin.getByRole('button', { name: 'Провести корректировку' }).click();
    expect(await text(admin, '[role=status]')).toBe('Корректировка проведена. Баланс: 3 250,50 ₽.');
    expect(await balance(userEmail)).toBe(325050);
    await shot(admin, 'admin-wallet-desktop-ru');

    // Top-ups and a partial refund.
    await admin.goto(`${url}/admin/top-ups?status=succeeded`);
    const topUp = admin.locator('tr[data-top-up]', { hasText: userEmail });
    expect(await topUp.count()).toBe(1);
    await topUp.locator('input[name=amount]').fill('1000');
    await topUp.locator('input[name=reason]').fill('возврат по заявке');
    await topUp.getByRole('button', { name: 'Вернуть' }).click();
    expect(await text(admin, '[role=status]')).toBe('Возврат 1 000 ₽ проведён. Баланс пользователя: 2 250,50 ₽.');
    expect(await text(admin, `tr[data-top-up]:has-text("${userEmail}") [data-refunded]`)).toBe('1 000 ₽');
    // More than is left to refund: refused, nothing moves.
    const again = admin.locator('tr[data-top-up]', { hasText: userEmail });
    await again.locator('input[name=amount]').fill('2500');
    await again.locator('input[name=reason]').fill('слишком много');
    await again.getByRole('button', { name: 'Вернуть' }).click();
    expect(await text(admin, '[role=alert]')).toBe('Вернуть можно не больше, чем оплачено и ещё не возвращено.');
    expect(await balance(userEmail)).toBe(225050);
    await shot(admin, 'admin-top-ups-desktop-ru');
    const audit = await mesh.query<{ total: string }>(
      'SELECT COALESCE(sum(amount_kopecks), 0)::text AS total FROM billing.ledger_entries',
    );
    expect(audit[0].total).toBe('0');

    // The customer sees the refund in the statement with its reason on the receipt.
    await user.goto(`${url}/account/billing`);
    expect(await user.locator('table.ledger tbody th').allTextContents()).toEqual(['Refund', 'Adjustment', 'Top-up']);
    await user.getByRole('link', { name: 'Refund' }).click();
    expect(await text(user, '[data-amount]')).toBe('-₽1,000');
    expect(await text(user, 'dl.facts')).toContain('возврат по заявке');
    expect(await noSideScroll(user)).toBe(true);
    await shot(user, 'receipt-phone-en');
    await userCtx.close();

    // Phone admin pages fit the screen.
    const phone = await context(PHONE, 'ru');
    await phone.addCookies(await ctx.cookies());
    const p = await phone.newPage();
    for (const [path, name] of [
      ['/admin/plans', 'admin-plans-phone-ru'],
      ['/admin/users', 'admin-users-phone-ru'],
      ['/admin/top-ups', 'admin-top-ups-phone-ru'],
    ] as const) {
      await p.goto(`${url}${path}`);
      expect(await noSideScroll(p)).toBe(true);
      await shot(p, name);
    }
    await phone.close();
    await ctx.close();
  });
});
