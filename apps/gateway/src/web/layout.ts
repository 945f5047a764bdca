import type { AssetManifest, AssetName } from './asset-manifest';
import { html, type SafeHtml } from './html';
import { icon } from './icons';
import { shopManageTranslator } from './i18n-shop-manage';
import type { Lang, Translate } from './i18n';

export interface PageContext {
  lang: Lang;
  t: Translate;
  /** Signed in (shows studio/account/logout instead of login/register). */
  signedIn: boolean;
  /** Shows the admin pages in the navigation (the pages themselves check the role again). */
  admin?: boolean;
  /** Shows "my products" (catalogue management) to shops; admins see it too. */
  shop?: boolean;
  csrf: string;
  /** Current path with query, for the language switch to come back to. */
  path: string;
  /** Hashed asset paths from the build's manifest. */
  assets: AssetManifest;
}

export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}" />`;
}

/** `extra`: page-specific stylesheets and scripts (same-origin assets) after the shared ones. */
export function layout(ctx: PageContext, title: string, body: SafeHtml, extra: readonly AssetName[] = []): string {
  const { t } = ctx;
  const other: Lang = ctx.lang === 'ru' ? 'en' : 'ru';
  const links = ctx.signedIn
    ? html`<li><a href="/app">${t('nav.studio')}</a></li>
        <li><a href="/shop">${t('nav.shop')}</a></li>
        <li><a href="/shop/for-you">${t('nav.forYou')}</a></li>
        <li><a href="/visual-search">${t('nav.visualSearch')}</a></li>
        <li><a href="/style-profile">${t('nav.styleProfile')}</a></li>
        <li><a href="/dating/profile">${t('dating.nav')}</a></li>
        ${ctx.shop || ctx.admin ? html`<li><a href="/shop/manage">${shopManageTranslator(ctx.lang)('sm.title')}</a></li>` : ''}
        ${ctx.admin ? html`<li><a href="/admin/recommender">${t('nav.dashboard')}</a></li>` : ''}
        ${ctx.admin ? html`<li><a href="/admin/plans">${t('admin.nav')}</a></li>` : ''}`
    : html`<li><a href="/pricing">${t('nav.pricing')}</a></li>
        <li><a href="/login">${t('nav.login')}</a></li>
        <li><a href="/register">${t('nav.register')}</a></li>`;
  // <details> menus open without JavaScript; on wide screens CSS shows the main one inline.
  const account = ctx.signedIn
    ? html`<details class="menu account-menu">
        <summary>${t('nav.accountMenu')}</summary>
        <ul class="menu-panel">
          <li><a href="/account">${t('nav.account')}</a></li>
          <li><a href="/account/billing">${t('nav.billing')}</a></li>
          <li><a href="/account/security">${t('nav.security')}</a></li>
          <li><a href="/brand-profiles">${t('nav.brandKits')}</a></li>
          <li>
            <form method="post" action="/logout">
              ${csrfField(ctx)}<button type="submit" class="link">${t('nav.logout')}</button>
            </form>
          </li>
        </ul>
      </details>`
    : '';
  return `<!doctype html>${html`<html lang="${ctx.lang}">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · ${t('app.name')}</title>
      <link rel="icon" href="${ctx.assets.path('favicon.svg')}" type="image/svg+xml" />
      <link rel="stylesheet" href="${ctx.assets.path('studio.css')}" />
      <script src="${ctx.assets.path('studio.js')}" defer></script>
      ${extra.map((a) =>
        a.endsWith('.css')
          ? html`<link rel="stylesheet" href="${ctx.assets.path(a)}" />`
          : html`<script src="${ctx.assets.path(a)}" defer></script>`,
      )}
    </head>
    <body>
      <a class="skip" href="#main">${t('nav.skip')}</a>
      <header class="top">
        <a class="brand" href="/">${t('app.name')}</a>
        <details class="menu nav-menu" data-nav-menu>
          <summary>${icon('menu')}${t('nav.menu')}</summary>
          <nav aria-label="${t('nav.main')}">
            <ul class="menu-panel">
              ${links}
            </ul>
          </nav>
        </details>
        ${account}
        <a
          class="lang"
          href="/lang/${other}?next=${encodeURIComponent(ctx.path)}"
          lang="${other}"
          hreflang="${other}"
          aria-label="${t('lang.switchLabel')}"
          >${t('lang.switch')}</a
        >
      </header>
      <main id="main" tabindex="-1">${body}</main>
    </body>
  </html>`}`;
}
