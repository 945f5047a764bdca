import { Inject, Injectable } from '@nestjs/common';
import type { CookieOptions, Response } from 'express';
import { SERVICE_CONFIG, type ServiceConfig } from '@atelier/config';

export const COOKIES = {
  access: 'atelier_at',
  refresh: 'atelier_rt',
  csrf: 'atelier_csrf',
  lang: 'atelier_lang',
} as const;

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  refreshExpiresAt: Date;
}

/** The web's session lives in HttpOnly, SameSite=Lax cookies (Secure when COOKIE_SECURE). */
@Injectable()
export class AuthCookies {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig<'gateway'>) {}

  private base(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.env.COOKIE_SECURE, path: '/' };
  }

  setSession(res: Response, tokens: SessionTokens): void {
    res.cookie(COOKIES.access, tokens.accessToken, { ...this.base(), maxAge: tokens.expiresIn * 1000 });
    res.cookie(COOKIES.refresh, tokens.refreshToken, { ...this.base(), expires: tokens.refreshExpiresAt });
  }

  clearSession(res: Response): void {
    res.clearCookie(COOKIES.access, this.base());
    res.clearCookie(COOKIES.refresh, this.base());
  }

  /** Readable by the page's script, which echoes it in x-csrf-token (double submit). */
  setCsrf(res: Response, token: string): void {
    res.cookie(COOKIES.csrf, token, { ...this.base(), httpOnly: false });
  }

  setLang(res: Response, lang: string): void {
    res.cookie(COOKIES.lang, lang, { ...this.base(), httpOnly: false, maxAge: 365 * 86400 * 1000 });
  }
}
