import { join } from 'node:path';
import { AssetManifest } from './asset-manifest';
import { adminPlanFormPage, adminTopUpsPage, adminUsersPage } from './admin-billing-pages';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));
const ctx = (lang: Lang): PageContext => ({
  lang,
  t: translator(lang),
  signedIn: true,
  admin: true,
  assets,
  csrf: 'x',
  path: '/admin',
});

describe('admin billing pages', () => {
  it('renders the plan form with its values, errors next to fields and when an allowance change applies', () => {
    const page = adminPlanFormPage(
      ctx('ru'),
      {},
      { code: 'Bad', monthlyImages: '100', maxImagesPerRequest: '4', active: 'on' },
      { code: ['плохой код'] },
    );
    expect(page).toMatch(/<input\s+id="monthlyImages"\s+name="monthlyImages"\s+value="100"/);
    expect(page).toContain('id="code-error"');
    expect(page).toContain('со следующего периода каждого подписчика');
    expect(page).toMatch(/name="active"\s+checked/);
  });

  it('offers role changes for others but not for oneself, and refunds only for paid top-ups with money left', () => {
    const users = adminUsersPage(
      ctx('en'),
      [
        { id: 'a', email: 'me@x.io', role: 'admin', createdAt: new Date(0) },
        { id: 'b', email: 'shop@x.io', role: 'user', createdAt: new Date(0) },
      ],
      'a',
      null,
    );
    expect(users).not.toContain('action="/admin/users/a/role"');
    expect(users).toContain('action="/admin/users/b/role"');
    const row = {
      userEmail: 'u@x.io',
      provider: 'sandbox',
      createdAt: new Date(0).toISOString(),
      providerPayment: 'p',
    };
    const topUps = adminTopUpsPage(
      ctx('en'),
      [
        { ...row, id: 'paid', amountKopecks: 100000, refundedKopecks: 40000, status: 'succeeded' },
        { ...row, id: 'gone', amountKopecks: 100000, refundedKopecks: 100000, status: 'succeeded' },
        { ...row, id: 'failed', amountKopecks: 100000, refundedKopecks: 0, status: 'failed' },
      ],
      '',
      null,
    );
    expect(topUps).toContain('action="/admin/top-ups/paid/refund"');
    expect(topUps).toMatch(/name="amount"\s+inputmode="decimal"\s+value="600"/);
    expect(topUps).not.toContain('/admin/top-ups/gone/refund');
    expect(topUps).not.toContain('/admin/top-ups/failed/refund');
  });
});
