import { Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Response } from 'express';
import { AccountOverview } from '../account/account-overview.service';
import { LoginSessions } from '../accounts/login-sessions.service';
import { normalizeEmail } from '../accounts/email';
import { checkPassword } from '../accounts/password-policy';
import { UserAccounts } from '../accounts/user-accounts.service';
import { CreateGenerationDto } from '../generations/create-generation.dto';
import { GenerationFeedback } from '../generations/generation-feedback.service';
import { GenerationReadModelRepository, type GenerationRow } from '../generations/generation-read-model.repository';
import { GenerationRequests } from '../generations/generation-requests.service';
import { toPage, toView } from '../generations/generation-view';
import { ApiError } from '@atelier/service-kit';
import { AuthThrottlerGuard, RateGroup } from '../http/auth-throttler.guard';
import { IDEMPOTENCY_KEY } from '../http/idempotency-key';
import { decodeCursor } from '../http/pagination';
import { AuthCookies, COOKIES } from '../identity/auth-cookies';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import { isLang, knownKey, type MessageKey } from './i18n';
import type { PageContext } from './layout';
import {
  accountPage,
  errorPage,
  landingPage,
  loginPage,
  registerPage,
  requestPage,
  SIZES,
  studioPage,
  taskPage,
  type FieldErrors,
  type StudioForm,
  type StudioQuota,
} from './pages';
import { redirectToLogin, safeNext, WebSession } from './web-session';
import { studioQuotaProblem } from './studio-quota';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Pages are HTML with same-origin scripts, styles and images only. */
const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

export function sendPage(res: Response, status: number, page: string): void {
  res.status(status).set(PAGE_HEADERS).send(page);
}

/**
 * The named fields of a posted form as text; undefined when the form is malformed (not a form, a field
 * repeated or not text). Other fields (e.g. `_csrf`) are left to their readers.
 */
export function readForm<K extends string>(body: unknown, keys: readonly K[]): Partial<Record<K, string>> | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = (body as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return undefined;
    out[key] = value;
  }
  return out;
}

/** The web studio, server-rendered; forms work without JavaScript, the script only enhances. */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  constructor(
    private readonly web: WebSession,
    private readonly accounts: UserAccounts,
    private readonly sessions: LoginSessions,
    private readonly cookies: AuthCookies,
    private readonly csrf: CsrfTokens,
    private readonly requests: GenerationRequests,
    private readonly readModel: GenerationReadModelRepository,
    private readonly feedback: GenerationFeedback,
    private readonly overview: AccountOverview,
  ) {}

  @Get()
  async landing(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { ctx } = await this.web.resolve(req, res);
    sendPage(res, 200, landingPage(ctx));
  }

  @Get('lang/:lang')
  language(@Param('lang') lang: string, @Query('next') next: unknown, @Res() res: Response): void {
    if (isLang(lang)) this.cookies.setLang(res, lang);
    res.redirect(303, safeNext(next, '/'));
  }

  @Get('login')
  async loginForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (caller) return res.redirect(303, '/app');
    const q = req.query;
    const notice =
      q.registered === '1' ? ctx.t('login.registered') : q.loggedOut === '1' ? ctx.t('login.loggedOut') : undefined;
    sendPage(res, 200, loginPage(ctx, { notice, next: typeof q.next === 'string' ? safeNext(q.next) : undefined }));
  }

  @Post('login')
  @UseGuards(AuthThrottlerGuard)
  @RateGroup('login')
  async login(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, ['email', 'password', 'next'] as const);
    const next = safeNext(form?.next);
    const email = form?.email ?? '';
    const password = form?.password ?? '';
    // A malformed form is not a login attempt: nothing is counted against the e-mail.
    if (!email.trim() || email.length > 320 || !password || password.length > 1024) {
      return sendPage(res, 400, loginPage(ctx, { email: email.slice(0, 320), next, error: ctx.t('login.invalid') }));
    }
    try {
      const user = await this.accounts.authenticate(email, password);
      const issued = await this.sessions.start(user, req.header('user-agent'));
      this.cookies.setSession(res, issued);
      this.web.bindCsrf(res, issued.sessionId);
      res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const status = err.getStatus();
      const retry = (err.body.error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      const error = status === 429 ? ctx.t('login.locked', { seconds: retry ?? 60 }) : ctx.t('login.invalid');
      sendPage(res, status, loginPage(ctx, { email, next, error }));
    }
  }

  @Get('register')
  async registerForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (caller) return res.redirect(303, '/app');
    sendPage(res, 200, registerPage(ctx, {}));
  }

  @Post('register')
  @UseGuards(AuthThrottlerGuard)
  @RateGroup('register')
  async register(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, ['email', 'displayName', 'password', 'password2'] as const);
    const email = form?.email?.slice(0, 320) ?? '';
    const displayName = form?.displayName?.slice(0, 80) || undefined;
    const password = form?.password ?? '';
    const fail = (errors: FieldErrors, status: number) =>
      sendPage(res, status, registerPage(ctx, { email, displayName, errors }));
    if (!form) return fail({ email: [ctx.t('register.emailInvalid')] }, 400);
    // Every problem at once, each next to its field.
    const errors: FieldErrors = {};
    const normalized = normalizeEmail(email);
    if (!email.trim()) errors.email = [ctx.t('register.emailMissing')];
    else if (!normalized) errors.email = [ctx.t('register.emailInvalid')];
    if (!password) errors.password = [ctx.t('register.passwordMissing')];
    else {
      const weak = checkPassword(password, normalized ?? email).map((p) => ctx.t(knownKey(p.code) ?? 'error.generic'));
      if (weak.length) errors.password = weak;
    }
    if (password && password !== form.password2) errors.password2 = [ctx.t('register.mismatch')];
    if (Object.keys(errors).length) return fail(errors, errors.password && !errors.email ? 422 : 400);
    try {
      const profile = await this.accounts.register({ email, password, displayName, locale: ctx.lang });
      // Registering signs you in.
      const issued = await this.sessions.start(profile, req.header('user-agent'));
      this.cookies.setSession(res, issued);
      this.web.bindCsrf(res, issued.sessionId);
      res.redirect(303, '/app');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, details } = err.body.error;
      if (code === 'weak_password') {
        const problems = (details as Array<{ code: string }>).map((p) => knownKey(p.code) ?? 'error.generic');
        return fail({ password: problems.map((k) => ctx.t(k)) }, 422);
      }
      if (code === 'email_taken') return fail({ email: [ctx.t('register.emailTaken')] }, 409);
      return fail({ email: [ctx.t('register.emailInvalid')] }, 400);
    }
  }

  @Post('logout')
  async logout(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    if (caller?.sessionId) await this.sessions.revoke(caller.sessionId);
    this.cookies.clearSession(res);
    res.clearCookie(COOKIES.csrf, { path: '/' });
    res.redirect(303, '/login?loggedOut=1');
  }

  @Get('app')
  async studio(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return this.toLogin(req, res);
    const raw = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    sendPage(res, 200, studioPage(ctx, await this.history(caller, raw), {}, {}, await this.quota(caller)));
  }

  @Post('app/requests')
  async create(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return this.toLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form: StudioForm | undefined = readForm(req.body, [
      'prompt',
      'platform',
      'n',
      'size',
      'steps',
      'guidance',
      'seed',
      'idempotencyKey',
    ] as const);
    if (!form || (form.size !== undefined && !SIZES.some((s) => s === form.size))) {
      const errors: FieldErrors = { size: [ctx.t('studio.invalidField', { field: ctx.t('studio.size') })] };
      return sendPage(
        res,
        400,
        studioPage(ctx, await this.history(caller, undefined), form ?? {}, errors, await this.quota(caller)),
      );
    }
    // Without a chosen size the platform's format decides (the user's own size wins when given).
    const size = form.size ?? 'auto';
    const [width, height] = size === 'auto' ? [undefined, undefined] : size.split('x').map(Number);
    // Plain decimal numbers only ("1e3", "0x10" and " 4 " are not what a number field sends).
    const num = (v: string | undefined) =>
      v === undefined || v === '' ? undefined : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
    const dto = plainToInstance(CreateGenerationDto, {
      prompt: form.prompt ?? '',
      n: num(form.n) ?? 1,
      ...(width !== undefined && height !== undefined ? { width, height } : {}),
      steps: num(form.steps) ?? 20,
      guidance: num(form.guidance) ?? 7,
      ...(num(form.seed) !== undefined ? { seed: num(form.seed) } : {}),
      ...(form.platform ? { platform: form.platform } : {}),
    });
    const problems = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (problems.length > 0) {
      const labels: Record<string, MessageKey> = {
        prompt: 'studio.prompt',
        platform: 'studio.platform',
        n: 'studio.count',
        steps: 'studio.steps',
        guidance: 'studio.guidance',
        seed: 'studio.seed',
      };
      const errors: FieldErrors = {};
      for (const p of problems) {
        const field = p.property in labels ? p.property : 'size';
        const message =
          field === 'prompt' && !(form.prompt ?? '').trim()
            ? ctx.t('studio.promptMissing')
            : ctx.t('studio.invalidField', { field: ctx.t(labels[field] ?? 'studio.size') });
        errors[field] = [...(errors[field] ?? []), message];
      }
      return sendPage(
        res,
        400,
        studioPage(ctx, await this.history(caller, undefined), form, errors, await this.quota(caller)),
      );
    }
    // Over quota is caught here, before anything is submitted, with the ways forward in the user's language.
    const quota = await this.quota(caller);
    const over = quota && studioQuotaProblem(ctx, dto.n, quota);
    if (over) {
      return sendPage(res, 402, studioPage(ctx, await this.history(caller, undefined), form, { n: [over] }, quota));
    }
    // A malformed key (never one this page renders) is dropped; the re-rendered form carries a fresh one.
    const key = form.idempotencyKey && IDEMPOTENCY_KEY.test(form.idempotencyKey) ? form.idempotencyKey : undefined;
    try {
      const { id } = await this.requests.submit(caller.userId, dto, key);
      res.redirect(303, `/app/tasks/${id}`);
    } catch (e) {
      if (!(e instanceof ApiError) || e.getStatus() !== 409) throw e;
      // The back button brought an already-sent form back and it was edited: ask for a fresh send.
      const fresh = { ...form, idempotencyKey: undefined };
      const errors: FieldErrors = { prompt: [ctx.t('studio.alreadySent')] };
      sendPage(
        res,
        409,
        studioPage(ctx, await this.history(caller, undefined), fresh, errors, await this.quota(caller)),
      );
    }
  }

  @Get('app/tasks/:id')
  async task(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return this.toLogin(req, res);
    const row = await this.owned(caller, id);
    if (!row) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    const cancel = req.query.cancel;
    const notice =
      cancel === 'too-late'
        ? ctx.t('cancel.tooLate')
        : cancel === 'requested' && row.status !== 'failed'
          ? ctx.t('cancel.requested')
          : undefined;
    sendPage(res, 200, taskPage(ctx, toView(row, await this.readModel.steps(id)), notice));
  }

  @Get('app/requests/:id')
  async result(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return this.toLogin(req, res);
    const row = await this.owned(caller, id);
    if (!row) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    const verdicts = await this.feedback.verdicts(caller.userId, id);
    const notice = req.query.saved === '1' ? ctx.t('request.saved') : undefined;
    sendPage(res, 200, requestPage(ctx, toView(row, await this.readModel.steps(id)), verdicts, notice));
  }

  /** The no-JavaScript path of like/dislike. */
  @Post('app/requests/:id/feedback')
  async rate(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return this.toLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const row = await this.owned(caller, id);
    if (!row) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    const form = readForm(req.body, ['rank', 'verdict'] as const);
    const rank = /^\d{1,2}$/.test(form?.rank ?? '') ? Number(form?.rank) : Number.NaN;
    const verdict = form?.verdict;
    if (!Number.isInteger(rank) || (verdict !== 'like' && verdict !== 'dislike')) {
      return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    }
    try {
      await this.feedback.submit(caller.userId, row, rank, verdict);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return sendPage(res, err.getStatus(), errorPage(ctx, ctx.t('error.generic')));
    }
    res.redirect(303, `/app/requests/${id}?saved=1`);
  }

  @Get('account')
  async account(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return this.toLogin(req, res);
    const [profile, billing] = await Promise.all([
      this.overview.profile(caller.userId),
      this.overview.billing(caller.userId),
    ]);
    sendPage(res, 200, accountPage(ctx, profile, billing));
  }

  private async history(caller: Caller, rawCursor: string | undefined) {
    let cursor;
    try {
      cursor = rawCursor ? decodeCursor(rawCursor) : undefined;
    } catch {
      cursor = undefined;
    }
    return toPage(await this.readModel.list(caller.userId, 21, cursor), 20);
  }

  /** Images left this period and the per-request cap; undefined while billing does not answer. */
  private async quota(caller: Caller): Promise<StudioQuota | undefined> {
    const b = await this.overview.billing(caller.userId);
    if (!b) return undefined;
    const left = Math.max(0, b.usage.monthlyImages - b.usage.committed - b.usage.reserved);
    return { left, maxPerRequest: b.maxImagesPerRequest };
  }

  private async owned(caller: Caller, id: string): Promise<GenerationRow | undefined> {
    return UUID.test(id) ? this.readModel.findOwned(id, caller.userId) : undefined;
  }

  private toLogin(req: RequestWithCaller, res: Response): void {
    redirectToLogin(req, res);
  }

  /** Cookie-authenticated (or anonymous) form posts must echo the page's CSRF token. */
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
