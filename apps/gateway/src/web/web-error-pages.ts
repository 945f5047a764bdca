import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorPages } from '@atelier/service-kit';
import { COOKIES } from '../identity/auth-cookies';
import { AssetManifest } from './asset-manifest';
import { DEFAULT_LANG, isLang, translator } from './i18n';
import { errorPage } from './pages';

const API_PREFIXES = ['/v1/', '/docs', '/health', '/metrics', '/assets/'];

/** Errors on web paths (a 404 page, a throttled login form) answer HTML in the visitor's language. */
@Injectable()
export class WebErrorPages extends ErrorPages {
  constructor(private readonly assets: AssetManifest) {
    super();
  }

  render(req: Request, status: number): string | undefined {
    if (API_PREFIXES.some((p) => req.path.startsWith(p)) || !req.accepts('html')) return undefined;
    const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[COOKIES.lang];
    const lang = isLang(cookie) ? cookie : DEFAULT_LANG;
    const t = translator(lang);
    const key =
      status === 404
        ? 'error.notFound'
        : status === 403
          ? 'error.csrf'
          : status === 429
            ? 'error.rateLimited'
            : 'error.generic';
    return errorPage({ lang, t, signedIn: false, csrf: '', assets: this.assets, path: req.originalUrl }, t(key));
  }
}
