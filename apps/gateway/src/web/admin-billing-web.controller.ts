import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { MessageShape, PlanSchema } from '@atelier/contracts';
import { ApiError } from '@atelier/service-kit';
import { UsersRepository } from '../accounts/users.repository';
import { BillingRpc } from '../billing/billing-rpc';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { IDEMPOTENCY_KEY } from '../http/idempotency-key';
import { Public, ROLES, type Caller, type RequestWithCaller, type Role } from '../identity/caller';
import { CsrfTokens } from '../identity/csrf-tokens';
import {
  adminPlanFormPage,
  adminPlansPage,
  adminTopUpsPage,
  adminUsersPage,
  adminWalletPage,
  PLAN_NUMBER_FIELDS,
  planToForm,
  type AdminPlan,
  type PlanForm,
} from './admin-billing-pages';
import { planWords, rub } from './billing-flow-pages';
import type { FieldErrors } from './form-errors';
import { codeWords, type MessageKey } from './i18n';
import type { PageContext } from './layout';
import { parseRoublesInput } from './money-input';
import { errorPage } from './pages';
import { readForm, sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PLAN_CODE = /^[a-z][a-z0-9_]{1,31}$/;
const PLAN_FIELDS = [
  'code',
  'name',
  'price',
  'monthlyImages',
  'maxImagesPerRequest',
  'brandProfileLimit',
  'loraLimit',
  'priority',
  'sortOrder',
  'autoPromptEnhance',
  'autoBestSelection',
  'active',
] as const;

const adminPlan = (p: MessageShape<typeof PlanSchema>): AdminPlan => ({
  code: p.code,
  name: p.name,
  monthlyPriceKopecks: Number(p.monthlyPriceKopecks),
  monthlyImages: p.limits?.monthlyImages ?? 0,
  maxImagesPerRequest: p.limits?.maxImagesPerRequest ?? 1,
  brandProfileLimit: p.limits?.brandProfileLimit ?? 0,
  loraLimit: p.limits?.loraLimit ?? 0,
  priority: p.limits?.priority ?? 0,
  sortOrder: p.sortOrder,
  autoPromptEnhance: p.features?.autoPromptEnhance ?? false,
  autoBestSelection: p.features?.autoBestSelection ?? false,
  active: p.active,
});

/** The first day of next month (UTC), when the Free plan's calendar-month period picks up a new allowance. */
const nextMonth = (lang: PageContext['lang']): string => {
  const now = new Date();
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  );
};

/**
 * Admin pages for billing and roles: plans editor, users with role changes, wallet adjustments, top-ups and
 * refunds. Billing's commands carry the admin as a signed caller (BillingRpc.callAs); roles are the gateway's own.
 * Signed out (or an expired session) → the login form; signed in without the admin role → 403.
 */
@ApiExcludeController()
@Public()
@Controller('admin')
export class AdminBillingWebController {
  constructor(
    private readonly web: WebSession,
    private readonly billing: BillingRpc,
    private readonly users: UsersRepository,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get('plans')
  async plans(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res);
    if (!a) return;
    const { ctx } = a;
    const q = req.query;
    let notice: string | undefined;
    const saved = typeof q.saved === 'string' && PLAN_CODE.test(q.saved) ? q.saved : undefined;
    await this.guard(ctx, res, async () => {
      const plans = (await this.billing.call('billing.list_plans', { includeInactive: true })).plans.map(adminPlan);
      if (saved) {
        const plan = plans.find((p) => p.code === saved);
        notice = ctx.t('admin.savedPlan', { plan: planWords(ctx.t, saved, plan?.name) });
        const from = Number(q.from);
        if (plan && typeof q.from === 'string' && /^\d{1,8}$/.test(q.from) && from !== plan.monthlyImages) {
          notice += ` ${ctx.t('admin.allowanceChanged', { from, to: plan.monthlyImages, month: nextMonth(ctx.lang) })}`;
        }
      }
      sendPage(res, 200, adminPlansPage(ctx, plans, notice));
    });
  }

  @Get('plans/:code')
  async planForm(@Param('code') code: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res);
    if (!a) return;
    const { ctx } = a;
    if (code === 'new') {
      const blank: PlanForm = {
        monthlyImages: '100',
        maxImagesPerRequest: '4',
        brandProfileLimit: '1',
        loraLimit: '0',
        priority: '0',
        sortOrder: '10',
        autoPromptEnhance: 'on',
        autoBestSelection: 'on',
        active: 'on',
      };
      return sendPage(res, 200, adminPlanFormPage(ctx, {}, blank));
    }
    await this.guard(ctx, res, async () => {
      const plan = await this.findPlan(code);
      if (!plan) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
      sendPage(res, 200, adminPlanFormPage(ctx, { code }, planToForm(plan)));
    });
  }

  /** Create (`/admin/plans/new`) or edit a plan through billing.upsert_plan with the admin as signed caller. */
  @Post('plans/:code')
  async savePlan(@Param('code') code: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res, true);
    if (!a) return;
    const { ctx, caller } = a;
    const form = readForm(req.body, PLAN_FIELDS);
    if (!form) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    const creating = code === 'new';
    await this.guard(ctx, res, async () => {
      const existing = creating ? undefined : await this.findPlan(code);
      if (!creating && !existing) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
      const planCode = creating ? (form.code ?? '').trim() : code;
      const errors: FieldErrors = {};
      const bad = (field: string, key: MessageKey) =>
        (errors[field] = [ctx.t('admin.fieldInvalid', { field: ctx.t(key) })]);
      if (creating && !PLAN_CODE.test(planCode)) errors.code = [ctx.t('admin.codeHint')];
      if (creating && PLAN_CODE.test(planCode) && (await this.findPlan(planCode)))
        errors.code = [ctx.t('admin.codeTaken')];
      const name = (form.name ?? '').trim();
      if (!name || name.length > 64) bad('name', 'admin.name');
      const price = parseRoublesInput(form.price);
      if (price === undefined) bad('price', 'admin.price');
      const numbers: Record<string, number> = {};
      for (const [field, key, min, max] of PLAN_NUMBER_FIELDS) {
        const raw = form[field] ?? '';
        const n = /^\d{1,8}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!(n >= min && n <= max)) bad(field, key);
        numbers[field] = n;
      }
      const again = (status: number, error?: string) =>
        sendPage(res, status, adminPlanFormPage(ctx, creating ? {} : { code }, form, errors, error));
      if (Object.keys(errors).length) return again(400);
      try {
        await this.billing.callAs(caller, 'billing.upsert_plan', {
          adminId: caller.userId,
          plan: {
            code: planCode,
            name,
            monthlyPriceKopecks: BigInt(price ?? 0),
            currency: 'RUB',
            features: { autoPromptEnhance: !!form.autoPromptEnhance, autoBestSelection: !!form.autoBestSelection },
            limits: {
              monthlyImages: numbers.monthlyImages,
              maxImagesPerRequest: numbers.maxImagesPerRequest,
              brandProfileLimit: numbers.brandProfileLimit,
              loraLimit: numbers.loraLimit,
              priority: numbers.priority,
            },
            active: !!form.active,
            sortOrder: numbers.sortOrder,
          },
        });
      } catch (err) {
        if (err instanceof ApiError && err.body.error.code === 'invalid_plan') {
          return again(422, ctx.t('admin.invalidPlan', { message: err.body.error.message }));
        }
        throw err;
      }
      const from = existing ? `&from=${existing.monthlyImages}` : '';
      res.redirect(303, `/admin/plans?saved=${planCode}${from}`);
    });
  }

  @Get('users')
  async usersPage(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res);
    if (!a) return;
    await this.renderUsers(a.ctx, a.caller, req, res, 200, {});
  }

  /** Makes an account a shop, an admin or a plain user (the gateway owns roles); never one's own. */
  @Post('users/:id/role')
  async setRole(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res, true);
    if (!a) return;
    const { ctx, caller } = a;
    const role = readForm(req.body, ['role'] as const)?.role;
    if (!UUID.test(id) || !ROLES.includes(role as Role)) {
      return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    }
    if (id === caller.userId) return this.renderUsers(ctx, caller, req, res, 409, { error: ctx.t('admin.ownRole') });
    const user = await this.users.setRole(id, role as Role);
    if (!user) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    const notice = ctx.t('admin.roleSaved', { email: user.email, role: codeWords(ctx.t, 'role', user.role) });
    await this.renderUsers(ctx, caller, req, res, 200, { notice });
  }

  @Get('users/:id/wallet')
  async wallet(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res);
    if (!a) return;
    const user = UUID.test(id) ? await this.users.findById(id) : undefined;
    if (!user) return sendPage(res, 404, errorPage(a.ctx, a.ctx.t('error.notFound')));
    sendPage(res, 200, adminWalletPage(a.ctx, user, await this.balance(id), {}));
  }

  /** Credit (positive) or debit (negative) with a reason, via billing.adjust_wallet as the signed admin. */
  @Post('users/:id/wallet')
  async adjust(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res, true);
    if (!a) return;
    const { ctx, caller } = a;
    const user = UUID.test(id) ? await this.users.findById(id) : undefined;
    if (!user) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    const form = readForm(req.body, ['amount', 'reason', 'idempotencyKey'] as const);
    if (!form) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    const errors: FieldErrors = {};
    const amount = parseRoublesInput(form.amount, true);
    if (!amount) errors.amount = [ctx.t('admin.adjustInvalid')];
    const reason = (form.reason ?? '').trim();
    if (reason.length < 3 || reason.length > 500) errors.reason = [ctx.t('admin.reasonMissing')];
    const key = form.idempotencyKey && IDEMPOTENCY_KEY.test(form.idempotencyKey) ? form.idempotencyKey : undefined;
    const again = async (status: number) =>
      sendPage(
        res,
        status,
        adminWalletPage(ctx, user, await this.balance(id), { ...form, idempotencyKey: undefined }, errors),
      );
    if (!amount || !key || Object.keys(errors).length) {
      if (!key && !Object.keys(errors).length) errors.amount = [ctx.t('error.csrf')];
      return again(400);
    }
    await this.guard(ctx, res, async () => {
      try {
        const r = await this.billing.callAs(caller, 'billing.adjust_wallet', {
          adminId: caller.userId,
          userId: id,
          amountKopecks: BigInt(amount),
          reason,
          idempotencyKey: `web:${key}`,
        });
        sendPage(
          res,
          200,
          adminWalletPage(
            ctx,
            user,
            Number(r.balanceKopecks),
            {},
            {},
            ctx.t('admin.adjusted', { balance: rub(ctx, Number(r.balanceKopecks)) }),
          ),
        );
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const { code, details } = err.body.error;
        if (code === 'insufficient_funds') {
          const missing = (details as { missingKopecks?: number } | undefined)?.missingKopecks ?? 0;
          errors.amount = [ctx.t('admin.debitTooBig', { missing: rub(ctx, missing) })];
          return again(402);
        }
        if (code === 'invalid_reason') {
          errors.reason = [ctx.t('admin.reasonMissing')];
          return again(422);
        }
        throw err;
      }
    });
  }

  @Get('top-ups')
  async topUps(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res);
    if (!a) return;
    await this.renderTopUps(a.ctx, a.caller, req, res, 200, {});
  }

  /** Refunds (part of) a paid top-up via billing.refund_top_up as the signed admin. */
  @Post('top-ups/:id/refund')
  async refund(@Param('id') id: string, @Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const a = await this.admin(req, res, true);
    if (!a) return;
    const { ctx, caller } = a;
    const form = readForm(req.body, ['amount', 'reason', 'idempotencyKey'] as const);
    const amount = parseRoublesInput(form?.amount);
    const reason = (form?.reason ?? '').trim();
    const key = form?.idempotencyKey && IDEMPOTENCY_KEY.test(form.idempotencyKey) ? form.idempotencyKey : undefined;
    if (!UUID.test(id) || !form || !key) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    if (!amount) return this.renderTopUps(ctx, caller, req, res, 400, { error: ctx.t('topup.invalid') });
    if (reason.length < 3 || reason.length > 500) {
      return this.renderTopUps(ctx, caller, req, res, 400, { error: ctx.t('admin.reasonMissing') });
    }
    try {
      const r = await this.billing.callAs(caller, 'billing.refund_top_up', {
        adminId: caller.userId,
        topUpId: id,
        amountKopecks: BigInt(amount),
        reason,
        idempotencyKey: `web:${key}`,
      });
      const notice = ctx.t('admin.refundDone', {
        amount: rub(ctx, amount),
        balance: rub(ctx, Number(r.balanceKopecks)),
      });
      await this.renderTopUps(ctx, caller, req, res, 200, { notice });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, details } = err.body.error;
      const errorKey: Partial<Record<string, MessageKey>> = {
        refund_exceeds_payment: 'admin.refundTooBig',
        not_refundable: 'admin.refundNotPossible',
        not_found: 'error.notFound',
      };
      if (code === 'insufficient_funds') {
        const missing = (details as { missingKopecks?: number } | undefined)?.missingKopecks ?? 0;
        return this.renderTopUps(ctx, caller, req, res, 402, {
          error: ctx.t('admin.debitTooBig', { missing: rub(ctx, missing) }),
        });
      }
      const k = errorKey[code];
      if (k) return this.renderTopUps(ctx, caller, req, res, err.getStatus(), { error: ctx.t(k) });
      this.unavailable(err, ctx, res);
    }
  }

  private async renderUsers(
    ctx: PageContext,
    caller: Caller,
    req: RequestWithCaller,
    res: Response,
    status: number,
    message: { notice?: string; error?: string },
  ): Promise<void> {
    const raw = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    let cursor;
    try {
      cursor = raw ? decodeCursor(raw) : undefined;
    } catch {
      return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    }
    const rows = await this.users.list(51, cursor);
    const page = rows.slice(0, 50);
    const last = page.at(-1);
    const next = rows.length > 50 && last ? encodeCursor({ createdUs: last.created_us, id: last.id }) : null;
    const users = page.map((u) => ({ id: u.id, email: u.email, role: u.role, createdAt: u.created_at }));
    sendPage(res, status, adminUsersPage(ctx, users, caller.userId, next, message));
  }

  private async renderTopUps(
    ctx: PageContext,
    caller: Caller,
    req: RequestWithCaller,
    res: Response,
    status: number,
    message: { notice?: string; error?: string },
  ): Promise<void> {
    const q = req.query;
    const filter =
      typeof q.status === 'string' && ['pending', 'succeeded', 'failed'].includes(q.status) ? q.status : '';
    const cursor = typeof q.cursor === 'string' && q.cursor.length < 200 ? q.cursor : '';
    await this.guard(ctx, res, async () => {
      const r = await this.billing.callAs(caller, 'billing.admin_list_top_ups', { limit: 50, cursor, status: filter });
      const emails = new Map<string, string>();
      for (const id of new Set(r.topUps.map((t) => t.userId))) {
        emails.set(id, (await this.users.findById(id))?.email ?? id);
      }
      const rows = r.topUps.map((t) => ({
        id: t.topUp?.id ?? '',
        userEmail: emails.get(t.userId) ?? t.userId,
        provider: t.topUp?.provider ?? '',
        amountKopecks: Number(t.topUp?.amountKopecks ?? 0n),
        refundedKopecks: Number(t.refundedKopecks),
        status: t.topUp?.status ?? '',
        createdAt: t.topUp?.createdAt ?? '',
        providerPayment: t.providerPayment,
      }));
      sendPage(res, status, adminTopUpsPage(ctx, rows, filter, r.nextCursor || null, message));
    });
  }

  private async findPlan(code: string): Promise<AdminPlan | undefined> {
    if (!PLAN_CODE.test(code)) return undefined;
    const r = await this.billing.call('billing.list_plans', { includeInactive: true });
    const p = r.plans.find((x) => x.code === code);
    return p ? adminPlan(p) : undefined;
  }

  private async balance(userId: string): Promise<number | undefined> {
    try {
      return Number((await this.billing.call('billing.get_account', { userId })).walletBalanceKopecks);
    } catch (err) {
      if (err instanceof ApiError) return undefined;
      throw err;
    }
  }

  /** The admin behind this request, or undefined after answering: login for the signed out, 403 for others. */
  private async admin(
    req: RequestWithCaller,
    res: Response,
    post = false,
  ): Promise<{ caller: Caller; ctx: PageContext } | undefined> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) {
      redirectToLogin(req, res);
      return undefined;
    }
    if (caller.role !== 'admin') {
      sendPage(res, 403, errorPage(ctx, ctx.t('admin.forbidden')));
      return undefined;
    }
    if (post) {
      try {
        this.csrf.assert(req, caller.sessionId ?? '', true);
      } catch {
        sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
        return undefined;
      }
    }
    return { caller, ctx };
  }

  /** Billing unreachable (or refusing) is a page saying so, never a crash. */
  private async guard(ctx: PageContext, res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.unavailable(err, ctx, res);
    }
  }

  private unavailable(err: unknown, ctx: PageContext, res: Response): void {
    if (!(err instanceof ApiError)) throw err;
    sendPage(res, err.getStatus() >= 500 ? 503 : err.getStatus(), errorPage(ctx, ctx.t('billing.unavailable')));
  }
}
