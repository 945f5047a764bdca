import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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

interface LayoutRecord {
  fonts: string[];
  colours: string[];
  logo?: { x: number; y: number; w: number; h: number };
  safe: { top: number; right: number; bottom: number; left: number };
  texts: Array<{ field: string; text: string; contrast: number; box: { x: number; y: number; w: number; h: number } }>;
}

/** Brand kits end to end: the API and its logo checks, a generation wearing the kit, and the pages in Chromium. */
describe('brand kits', () => {
  const mesh = new TestMesh({ env: { JUDGE_BACKEND: 'statistics' }, services: [] });
  let url: string;
  let browser: Browser;
  let logoPng: Buffer;

  beforeAll(async () => {
    await mesh.start();
    for (const service of ['gateway', 'billing', 'enhancer', 'generator', 'judge'] as const) {
      await mesh.supervisor.start(service);
    }
    url = mesh.supervisor.url('gateway');
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
    // A logo: a red roundel with a white bar, on transparency.
    logoPng = await sharp(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240"><circle cx="120" cy="120" r="110" fill="#d62839"/><rect x="50" y="100" width="140" height="40" fill="#fff"/></svg>',
      ),
    )
      .png()
      .toBuffer();
  }, 400000);
  afterAll(async () => {
    await browser?.close();
    await mesh.stop();
  }, 60000);

  const logos = (): string[] => {
    const dir = join(mesh.storageDir, 'brand-logos');
    return existsSync(dir)
      ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.png'))
      : [];
  };

  async function api(
    user: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { 'x-user-id': user, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function putLogo(
    user: string,
    id: string,
    bytes: Buffer,
    type: string,
  ): Promise<{ status: number; code?: string }> {
    const form = new FormData();
    form.append('logo', new Blob([new Uint8Array(bytes)], { type }), 'logo');
    const res = await fetch(`${url}/v1/brand-profiles/${id}/logo`, {
      method: 'PUT',
      headers: { 'x-user-id': user },
      body: form,
    });
    const json = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: json.error?.code };
  }

  it('API: unknown font → 400, bad logos → 4xx and nothing stored, a good logo re-encoded and only for its owner', async () => {
    const user = mesh.newUser();
    const unknown = await api(user, 'POST', '/v1/brand-profiles', { name: 'Зерно', fonts: ['Comic Sans MS'] });
    expect([unknown.status, (unknown.json.error as { code: string }).code]).toEqual([400, 'unknown_font']);
    expect(((await api(user, 'GET', '/v1/brand-profiles')).json.items as unknown[]).length).toBe(0);

    const created = await api(user, 'POST', '/v1/brand-profiles', {
      name: 'Зерно',
      palette: ['#1E5A32', '#F5EBD7'],
      fonts: ['DejaVu Serif', 'DejaVu Sans'],
      moodWords: ['тёплый'],
      bannedWords: ['дешёвый'],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ fonts: ['DejaVu Serif', 'DejaVu Sans'], logo: null });
    const id = created.json.id as string;

    const big = await sharp({ create: { width: 2000, height: 300, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await putLogo(user, id, Buffer.from('%PDF-1.4 not an image'), 'image/png')).toEqual({
      status: 415,
      code: 'logo_not_image',
    });
    expect(await putLogo(user, id, big, 'image/png')).toEqual({ status: 422, code: 'logo_dimensions' });
    expect(await putLogo(user, id, Buffer.alloc(1024 * 1024 + 10, 7), 'image/png')).toEqual({
      status: 413,
      code: 'logo_too_large',
    });
    expect(logos()).toEqual([]);
    expect((await api(user, 'GET', '/v1/brand-profiles')).json.items).toEqual([
      expect.objectContaining({ logo: null }),
    ]);

    const jpeg = await sharp(logoPng).flatten({ background: '#ffffff' }).jpeg().toBuffer();
    expect((await putLogo(user, id, jpeg, 'image/jpeg')).status).toBe(200);
    expect(logos()).toHaveLength(1);
    const own = await fetch(`${url}/v1/brand-profiles/${id}/logo`, { headers: { 'x-user-id': user } });
    expect([own.status, (await sharp(Buffer.from(await own.arrayBuffer())).metadata()).format]).toEqual([200, 'png']);
    const other = await fetch(`${url}/v1/brand-profiles/${id}/logo`, { headers: { 'x-user-id': mesh.newUser() } });
    expect(other.status).toBe(404);
    // Another user's profile cannot be pointed at (its id is not theirs): 404, nothing stored.
    expect((await putLogo(mesh.newUser(), id, logoPng, 'image/png')).status).toBe(404);
    expect(logos()).toHaveLength(1);
    // Replacing the logo removes the old file.
    expect((await putLogo(user, id, logoPng, 'image/png')).status).toBe(200);
    expect(logos()).toHaveLength(1);
  }, 120000);

  it('a generation with a brand kit: the layout uses its font, colours and logo, banned words are gone, the judge checks the design', async () => {
    const user = mesh.newUser();
    const created = await api(user, 'POST', '/v1/brand-profiles', {
      name: 'Зерно',
      palette: ['#1E5A32', '#F5EBD7'],
      fonts: ['DejaVu Serif', 'DejaVu Sans'],
      bannedWords: ['дешёвый'],
    });
    const id = created.json.id as string;
    expect((await putLogo(user, id, logoPng, 'image/png')).status).toBe(200);

    const sent = await mesh.client.submit(user, {
      prompt: 'Дешёвый кофе и круассаны, скидка 20%, 190 ₽',
      platform: 'instagram_post',
      brandProfileId: id,
      n: 2,
      seed: 11,
    });
    expect(sent.status).toBe(202);
    const done = await mesh.client.waitForTerminal(user, sent.body.id ?? '', 180000);
    expect(done.status).toBe('completed');

    const rows = await mesh.query<{ prompt: string; params: { layout: LayoutRecord } }>(
      'SELECT g.prompt, i.params FROM generator.images i JOIN generator.generations g USING (generation_id) WHERE generation_id = $1',
      [done.id],
    );
    expect(rows).toHaveLength(2);
    for (const { prompt, params } of rows) {
      const layout = params.layout;
      expect(layout.fonts).toContain('DejaVu Serif');
      expect(layout.fonts).not.toContain('Roboto');
      expect(layout.colours.map((c) => c.toLowerCase())).toEqual(expect.arrayContaining(['#1e5a32']));
      expect(layout.logo).toBeDefined();
      for (const t of layout.texts) expect(t.text.toLowerCase()).not.toContain('дешёв');
      expect(prompt.toLowerCase()).not.toMatch(/cheap|дешёв/u);
    }

    const view = (await mesh.client.get(user, done.id)).body;
    for (const img of view.images) {
      expect(img.metrics).toMatchObject({ reason_textLegible: 1, reason_logoClear: 1, reason_textInSafeZone: 1 });
      expect(img.metrics.design_brand_delta_e).toBeLessThan(12);
      expect(img.metrics.reason_brandColours).toBe(1);
      expect(img.metrics.design_adjust).toBeGreaterThan(0);
    }
    const best = await mesh.client.image(user, done.id, 1);
    if (SHOTS) writeFileSync(join(SHOTS, 'creative-brand-kit.png'), best.bytes);
    // The logo's red is in the delivered pixels, where the record says the logo is.
    const logo = rows[0].params.layout.logo as NonNullable<LayoutRecord['logo']>;
    const raw = await sharp(best.bytes).raw().toBuffer({ resolveWithObject: true });
    let red = 0;
    for (let y = Math.round(logo.y); y < logo.y + logo.h; y += 4) {
      for (let x = Math.round(logo.x); x < logo.x + logo.w; x += 4) {
        const at = (y * raw.info.width + x) * raw.info.channels;
        if (raw.data[at] > 180 && raw.data[at + 1] < 90 && raw.data[at + 2] < 100) red++;
      }
    }
    expect(red).toBeGreaterThan(50);
  }, 300000);

  async function context(viewport: typeof PHONE, lang: 'ru' | 'en'): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport, locale: lang === 'ru' ? 'ru-RU' : 'en-GB' });
    await ctx.addCookies([{ name: 'atelier_lang', value: lang, url }]);
    return ctx;
  }

  async function register(ctx: BrowserContext, submit: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${url}/register`);
    await page.locator('#email').fill(newEmail('brand'));
    await page.locator('#password').fill(PASSWORD);
    await page.locator('#password2').fill(PASSWORD);
    await page.getByRole('button', { name: submit }).click();
    await page.waitForURL(/\/app$/);
    return page;
  }

  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const noSideScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
  const postTo = (page: Page, path: RegExp) =>
    page.waitForResponse((r) => r.request().method() === 'POST' && path.test(new URL(r.url()).pathname));

  for (const [lang, viewport, name] of [
    ['ru', PHONE, 'phone'],
    ['en', DESKTOP, 'desktop'],
  ] as const) {
    it(`pages (${lang}, ${name}): create with a logo, bad logo and unknown font refused with nothing stored, the studio offers the kit, delete`, async () => {
      const ctx = await context(viewport, lang);
      const ru = lang === 'ru';
      const page = await register(ctx, ru ? 'Создать аккаунт' : 'Create account');
      await page.goto(`${url}/brand-profiles`);
      expect(await page.title()).toBe(ru ? 'Бренд-профили · Ателье' : 'Brand kits · Atelier');
      expect(await page.locator('[data-limit]').textContent()).toBe(
        ru ? 'Профилей: 0 из 1 по вашему тарифу.' : 'Profiles: 0 of 1 on your plan.',
      );
      await shot(page, `brand-kits-empty-${name}-${lang}`);
      await page.getByRole('link', { name: ru ? 'Новый профиль' : 'New profile' }).click();
      await page.waitForURL(/\/brand-profiles\/new$/);

      // A non-image "logo": 415 on the form, the error next to the field, nothing stored.
      const before = logos().length;
      await page.locator('#name').fill('Зерно');
      await page.locator('#palette').fill('#1E5A32, #F5EBD7, #D62839');
      await page.locator('#headlineFont').selectOption('DejaVu Serif');
      await page
        .locator('#logo')
        .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
      const [bad] = await Promise.all([
        postTo(page, /^\/brand-profiles$/),
        page.getByRole('button', { name: ru ? 'Сохранить' : 'Save' }).click(),
      ]);
      expect(bad.status()).toBe(415);
      expect(await page.locator('#logo-error').textContent()).toBe(
        ru ? 'Это не картинка PNG, JPEG или WebP.' : 'This is not a PNG, JPEG or WebP image.',
      );
      expect(await page.locator('#name').inputValue()).toBe('Зерно');
      await shot(page, `brand-kit-form-error-${name}-${lang}`);

      // A font not on the list (a tampered form): 400 next to the font field, nothing stored.
      await page.evaluate(
        "(() => { const s = document.querySelector('#headlineFont'); s.add(new Option('Comic Sans MS', 'Comic Sans MS')); s.value = 'Comic Sans MS'; })()",
      );
      await page.locator('#logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logoPng });
      const [font] = await Promise.all([
        postTo(page, /^\/brand-profiles$/),
        page.getByRole('button', { name: ru ? 'Сохранить' : 'Save' }).click(),
      ]);
      expect(font.status()).toBe(400);
      expect(await page.locator('#headlineFont-error').textContent()).toBe(
        ru ? 'Такого шрифта нет в списке.' : 'This font is not on the list.',
      );
      expect(logos().length).toBe(before);

      // The real thing: created with its logo.
      await page.locator('#headlineFont').selectOption('DejaVu Serif');
      await page.locator('#bodyFont').selectOption('DejaVu Sans');
      await page.locator('#toneWords').fill(ru ? 'тёплый, дружелюбный' : 'warm, friendly');
      await page.locator('#bannedWords').fill(ru ? 'дешёвый' : 'cheap');
      await page.locator('#logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logoPng });
      await page.getByRole('button', { name: ru ? 'Сохранить' : 'Save' }).click();
      await page.waitForURL(/\/brand-profiles\?done=saved$/);
      expect(logos().length).toBe(before + 1);
      expect(await page.locator('.notice').textContent()).toBe(ru ? 'Профиль сохранён.' : 'Profile saved.');
      const logo = page.locator('.brand-kit-logo img');
      await logo.waitFor();
      await page.waitForFunction("document.querySelector('.brand-kit-logo img').naturalWidth > 0");
      expect(
        await page.evaluate(
          "(() => { const i = document.querySelector('.brand-kit-logo img'); return i.complete && i.naturalWidth; })()",
        ),
      ).toBe(240);
      expect(await page.locator('.brand-kit h2').textContent()).toContain('Зерно');
      expect(await page.locator('[data-limit]').textContent()).toBe(
        ru ? 'Профилей: 1 из 1 по вашему тарифу.' : 'Profiles: 1 of 1 on your plan.',
      );
      expect(await noSideScroll(page)).toBe(true);
      await shot(page, `brand-kits-${name}-${lang}`);

      // Edit: the form comes back filled in.
      await page.getByRole('link', { name: ru ? 'Изменить' : 'Edit' }).click();
      expect(await page.locator('#palette').inputValue()).toBe('#1E5A32, #F5EBD7, #D62839');
      expect(await page.locator('#headlineFont').inputValue()).toBe('DejaVu Serif');
      expect(await noSideScroll(page)).toBe(true);
      await shot(page, `brand-kit-edit-${name}-${lang}`);
      await page.locator('#name').fill('Зерно и Ко');
      await page.getByRole('button', { name: ru ? 'Сохранить' : 'Save' }).click();
      await page.waitForURL(/done=saved/);
      expect(logos().length).toBe(before + 1);

      // The studio's brand select offers the kit, preselected (it is the default).
      await page.goto(`${url}/app`);
      const options = await page.locator('#brand option').allTextContents();
      expect(options).toEqual(['Зерно и Ко', ru ? 'Без профиля' : 'No profile']);
      expect(await page.locator('#brand option:checked').textContent()).toBe('Зерно и Ко');

      // Delete: gone, logo file removed.
      await page.goto(`${url}/brand-profiles`);
      await page
        .getByRole('button', { name: ru ? 'Удалить профиль «Зерно и Ко»' : 'Delete profile “Зерно и Ко”' })
        .click();
      await page.waitForURL(/done=deleted/);
      expect(await page.locator('.brand-kit').count()).toBe(0);
      expect(logos().length).toBe(before);
      await ctx.close();
    }, 120000);
  }
});
