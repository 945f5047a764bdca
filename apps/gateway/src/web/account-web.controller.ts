import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { AccountSecurity } from '../accounts/account-security.service';
import { TOKEN_PATTERN } from '../accounts/account-tokens.repository';
import { normalizeEmail } from '../accounts/email';
import { UserAccounts } from '../accounts/user-accounts.service';
import { AuthCookies, COOKIES } from '../identity/auth-cookies';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import {
  emailConfirmPage,
  forgotPasswordPage,
  noticePage,
  resetPasswordPage,
  securityPage,
  type SecurityState,
} from './account-pages';
import { knownKey } from './i18n';
import type { PageContext } from './layout';
import { errorPage, type FieldErrors } from './pages';
import { readForm, sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const token = (v: unknown): string | undefined => (typeof v === 'string' && TOKEN_PATTERN.test(v) ? v : undefined);

/**
 * Account recovery and security pages (issue 17): forgotten password by mailed link, password and e-mail change,
 * account deletion. Server-rendered forms that work without JavaScript; every post carries the CSRF token.
 */
@ApiExcludeController()
@Public()
@Controller()
export class AccountWebController {
  constructor(
    private readonly web: WebSession,
    private readonly security: AccountSecurity,
    private readonly accounts: UserAccounts,
    private readonly cookies: AuthCookies,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get('password/forgot')
  async forgotForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { ctx } = await this.web.resolve(req, res);
    sendPage(res, 200, forgotPasswordPage(ctx, {}));
  }

  @Post('password/forgot')
  async forgot(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const email =
      readForm(req.body, ['email'] as const)
        ?.email?.trim()
        .slice(0, 320) ?? '';
    if (!normalizeEmail(email)) {
      return sendPage(res, 400, forgotPasswordPage(ctx, { email, errors: { email: [ctx.t('forgot.emailInvalid')] } }));
    }
    try {
      await this.security.requestPasswordReset(email, req.ip ?? 'unknown');
    } catch (err) {
      if (!(err instanceof ApiError) || err.getStatus() !== 429) throw err;
      const seconds = (err.body.error.details as { retryAfterSeconds: number }).retryAfterSeconds;
      res.set('Retry-After', String(seconds));
      const error = ctx.t('forgot.limited', { minutes: Math.ceil(seconds / 60) });
      return sendPage(res, 429, forgotPasswordPage(ctx, { email, error }));
    }
    const minutes = Math.round(this.security.resetTtlSeconds / 60);
    sendPage(res, 200, forgotPasswordPage(ctx, { sent: { email, minutes } }));
  }

  @Get('password/reset')
  async resetForm(@Query('token') raw: unknown, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { ctx } = await this.web.resolve(req, res);
    const t = token(raw);
    const usable = t !== undefined && (await this.security.resetTokenUsable(t));
    sendPage(res, usable ? 200 : 400, resetPasswordPage(ctx, usable ? t : undefined));
  }

  @Post('password/reset')
  async reset(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, ['token', 'password', 'password2'] as const);
    const t = token(form?.token);
    if (!t) return sendPage(res, 400, resetPasswordPage(ctx, undefined));
    const password = form?.password ?? '';
    const errors: FieldErrors = {};
    if (!password) errors.password = [ctx.t('register.passwordMissing')];
    else if (password !== form?.password2) errors.password2 = [ctx.t('register.mismatch')];
    if (Object.keys(errors).length) return sendPage(res, 400, resetPasswordPage(ctx, t, errors));
    try {
      await this.security.resetPassword(t, password);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, details } = err.body.error;
      if (code === 'weak_password') {
        const words = (details as Array<{ code: string }>).map((p) => ctx.t(knownKey(p.code) ?? 'error.generic'));
        return sendPage(res, 422, resetPasswordPage(ctx, t, { password: words }));
      }
      return sendPage(res, err.getStatus(), resetPasswordPage(ctx, undefined));
    }
    // Every session ended, this browser's too.
    this.cookies.clearSession(res);
    res.redirect(303, '/password/reset/done');
  }

  @Get('password/reset/done')
  async resetDone(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { ctx } = await this.web.resolve(req, res);
    sendPage(
      res,
      200,
      noticePage(ctx, ctx.t('reset.title'), ctx.t('reset.done'), { href: '/login', label: ctx.t('nav.login') }),
    );
  }

  @Get('account/security')
  async securityForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const changed = req.query.changed;
    const notice =
      changed === 'password'
        ? ctx.t('security.passwordChanged')
        : changed === 'email'
          ? ctx.t('emailConfirm.done', { email: (await this.email(caller)) ?? '' })
          : undefined;
    await this.render(res, 200, ctx, caller, { notice });
  }

  @Post('account/password')
  async changePassword(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, ['current', 'password', 'password2'] as const);
    const fields: FieldErrors = {};
    if (!form?.current) fields.current = [ctx.t('security.passwordMissing')];
    if (!form?.password) fields.password = [ctx.t('register.passwordMissing')];
    else if (form.password !== form.password2) fields.password2 = [ctx.t('register.mismatch')];
    const fail = (status: number, f: FieldErrors) =>
      this.render(res, status, ctx, caller, { errors: { form: 'password', fields: f } });
    if (Object.keys(fields).length || !form?.current || !form.password) return fail(400, fields);
    try {
      await this.security.changePassword(caller.userId, caller.sessionId ?? '', form.current, form.password);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, details } = err.body.error;
      if (code === 'weak_password') {
        const words = (details as Array<{ code: string }>).map((p) => ctx.t(knownKey(p.code) ?? 'error.generic'));
        return fail(422, { password: words });
      }
      return fail(err.getStatus(), { current: [this.passwordError(ctx, err)] });
    }
    res.redirect(303, '/account/security?changed=password');
  }

  @Post('account/email')
  async changeEmail(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, ['newEmail', 'emailPassword'] as const);
    const newEmail = form?.newEmail?.trim().slice(0, 320) ?? '';
    const fields: FieldErrors = {};
    if (!normalizeEmail(newEmail)) fields.newEmail = [ctx.t('forgot.emailInvalid')];
    if (!form?.emailPassword) fields.emailPassword = [ctx.t('security.passwordMissing')];
    const fail = (status: number, f: FieldErrors) =>
      this.render(res, status, ctx, caller, { errors: { form: 'email', fields: f, newEmail } });
    if (Object.keys(fields).length || !form?.emailPassword) return fail(400, fields);
    try {
      const sentTo = await this.security.requestEmailChange(caller.userId, form.emailPassword, newEmail, ctx.lang);
      await this.render(res, 200, ctx, caller, { notice: ctx.t('security.emailSent', { email: sentTo }) });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const code = err.body.error.code;
      const f: FieldErrors =
        code === 'invalid_credentials' || code === 'too_many_attempts'
          ? { emailPassword: [this.passwordError(ctx, err)] }
          : code === 'same_email'
            ? { newEmail: [ctx.t('security.emailSame')] }
            : code === 'email_taken'
              ? { newEmail: [ctx.t('security.emailTaken')] }
              : code === 'mail_unavailable'
                ? { newEmail: [ctx.t('security.mailUnavailable')] }
                : { newEmail: [ctx.t('forgot.emailInvalid')] };
      return fail(err.getStatus(), f);
    }
  }

  @Get('account/email/confirm')
  async confirmForm(@Query('token') raw: unknown, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { ctx } = await this.web.resolve(req, res);
    const t = token(raw);
    const email = t ? await this.security.emailTokenTarget(t) : undefined;
    sendPage(res, email ? 200 : 400, emailConfirmPage(ctx, email ? t : undefined, email));
  }

  @Post('account/email/confirm')
  async confirm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const t = token(readForm(req.body, ['token'] as const)?.token);
    if (!t) return sendPage(res, 400, emailConfirmPage(ctx, undefined));
    try {
      const { email } = await this.security.confirmEmailChange(t);
      sendPage(res, 200, noticePage(ctx, ctx.t('emailConfirm.title'), ctx.t('emailConfirm.done', { email })));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const message = err.body.error.code === 'email_taken' ? ctx.t('security.emailTaken') : undefined;
      if (message) return sendPage(res, err.getStatus(), errorPage(ctx, message));
      sendPage(res, err.getStatus(), emailConfirmPage(ctx, undefined));
    }
  }

  @Post('account/delete')
  async delete(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const password = readForm(req.body, ['deletePassword'] as const)?.deletePassword ?? '';
    const fail = (status: number, f: FieldErrors) =>
      this.render(res, status, ctx, caller, { errors: { form: 'delete', fields: f } });
    if (!password) return fail(400, { deletePassword: [ctx.t('security.passwordMissing')] });
    try {
      await this.security.deleteAccount(caller.userId, password);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return fail(err.getStatus(), { deletePassword: [this.passwordError(ctx, err)] });
    }
    this.cookies.clearSession(res);
    res.clearCookie(COOKIES.csrf, { path: '/' });
    res.redirect(303, '/account/deleted');
  }

  @Get('account/deleted')
  async deleted(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { ctx } = await this.web.resolve(req, res);
    sendPage(
      res,
      200,
      noticePage(ctx, ctx.t('deleted.title'), ctx.t('deleted.lead'), { href: '/', label: ctx.t('error.home') }),
    );
  }

  /** A wrong current password, or the lockout it ran into (with the wait). */
  private passwordError(ctx: PageContext, err: ApiError): string {
    if (err.getStatus() !== 429) return ctx.t('security.wrongPassword');
    const seconds = (err.body.error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
    return ctx.t('login.locked', { seconds });
  }

  private async email(caller: Caller): Promise<string | undefined> {
    return (await this.accounts.profile(caller.userId))?.email;
  }

  private async render(
    res: Response,
    status: number,
    ctx: PageContext,
    caller: Caller,
    state: Omit<SecurityState, 'email'>,
  ): Promise<void> {
    const email = await this.email(caller);
    if (email === undefined) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    sendPage(res, status, securityPage(ctx, { ...state, email }));
  }

  private csrfOk(req: RequestWithCaller, caller: Caller | undefined, ctx: PageContext, res: Response): boolean {
    try {
      this.csrf.assert(req, caller?.sessionId ?? '', true);
      return true;
    } catch {
      sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
      return false;
    }
  }
}
