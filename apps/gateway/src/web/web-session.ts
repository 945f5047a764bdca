import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { LoginSessions } from '../accounts/login-sessions.service';
import { AuthCookies, COOKIES } from '../identity/auth-cookies';
import type { Caller, RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { AssetManifest } from './asset-manifest';
import { DEFAULT_LANG, isLang, translator } from './i18n';
import type { PageContext } from './layout';

export interface WebRequestState {
  caller?: Caller;
  ctx: PageContext;
}

/**
 * The web's view of a request: the caller from the session cookie (silently refreshed with the refresh
 * cookie when the short-lived access cookie has expired), a CSRF token bound to that session, the language.
 */
@Injectable()
export class WebSession {
  constructor(
    private readonly sessions: LoginSessions,
    private readonly cookies: AuthCookies,
    private readonly csrf: CsrfTokens,
    private readonly assets: AssetManifest,
  ) {}

  async resolve(req: RequestWithCaller, res: Response): Promise<WebRequestState> {
    const jar = (req.cookies ?? {}) as Record<string, string | undefined>;
    let caller = req.caller;
    if (!caller && jar[COOKIES.refresh]) {
      try {
        const issued = await this.sessions.rotate(jar[COOKIES.refresh] ?? '');
        this.cookies.setSession(res, issued);
        caller = { userId: issued.userId, role: issued.role, sessionId: issued.sessionId, via: 'cookie' };
        req.caller = caller;
      } catch {
        this.cookies.clearSession(res);
      }
    }
    const binding = caller?.sessionId ?? '';
    let csrf = jar[COOKIES.csrf];
    if (!csrf || !this.csrf.isValid(csrf, binding)) {
      csrf = this.csrf.issue(binding);
      this.cookies.setCsrf(res, csrf);
      // Forms posted by this page compare against the cookie the browser will now hold.
      jar[COOKIES.csrf] = csrf;
    }
    const chosen = jar[COOKIES.lang];
    const lang = isLang(chosen) ? chosen : DEFAULT_LANG;
    return {
      caller,
      ctx: {
        lang,
        t: translator(lang),
        signedIn: caller !== undefined,
        admin: caller?.role === 'admin',
        shop: caller?.role === 'shop',
        csrf,
        path: req.originalUrl,
        assets: this.assets,
      },
    };
  }

  /** After login: a fresh CSRF token bound to the new session. */
  bindCsrf(res: Response, sessionId: string): void {
    this.cookies.setCsrf(res, this.csrf.issue(sessionId));
  }
}

/** Signed-out (or expired) visitors of a signed-in page go to the login form and come back afterwards. */
export function redirectToLogin(req: RequestWithCaller, res: Response): void {
  res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
}

/** A same-site path to return to; anything else (other hosts, `//evil`, `/\\evil`) becomes the fallback. */
export function safeNext(next: unknown, fallback = '/app'): string {
  return typeof next === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(next) && next.length < 300 ? next : fallback;
}
