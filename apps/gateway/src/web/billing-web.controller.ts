import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { BillingRpc } from '../billing/billing-rpc';
import { planView } from '../billing/billing-views';
import { CsrfTokens } from '../identity/csrf-tokens';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { billingPage, pricingPage, type BillingSummary, type LedgerLine } from './billing-pages';
import { formatMoney } from './format';
import { knownKey } from './i18n';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import { readForm, sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const PLAN_CODE = /^[a-z][a-z0-9_-]{0,31}$/;
const CHANGES = ['purchased', 'upgraded', 'downgrade_scheduled', 'cancel_scheduled', 'resumed', 'unchanged'];

/** `/pricing` and `/account/billing`: billing's own answers (request/reply), rendered; forms work without JS. */
@ApiExcludeController()
@Public()
@Controller()
export class BillingWebController {
  constructor(
    private readonly web: WebSession,
    private readonly billing: BillingRpc,
    private readonly csrf: CsrfTokens,
  ) {}

  @Get('pricing')
  async pricing(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    try {
      const [plans, current] = await Promise.all([
        this.billing.call('billing.list_plans', { includeInactive: false }),
        caller ? this.billing.call('billing.get_account', { userId: caller.userId }) : undefined,
      ]);
      sendPage(res, 200, pricingPage(ctx, plans.plans.map(planView), current?.plan));
    } catch (err) {
      this.unavailable(err, ctx, res);
    }
  }

  @Get('account/billing')
  async account(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const changed = typeof req.query.changed === 'string' ? req.query.changed : '';
    const charged = Number(req.query.charged);
    const key = CHANGES.includes(changed) ? knownKey(`billing.changed.${changed}`) : undefined;
    const notice = key
      ? ctx.t(key, { charged: formatMoney(ctx.lang, Number.isFinite(charged) ? charged / 100 : 0, 'RUB') })
      : undefined;
    await this.render(ctx, caller, res, 200, { notice });
  }

  /** Subscribe, upgrade (charged now, prorated by billing), downgrade or resume (at period end). */
  @Post('account/billing/subscription')
  async subscribe(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const plan = readForm(req.body, ['plan'] as const)?.plan ?? '';
    if (!PLAN_CODE.test(plan)) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    try {
      const r = await this.billing.callAs(
        caller,
        'billing.change_subscription',
        { userId: caller.userId, plan },
        10000,
      );
      res.redirect(303, `/account/billing?changed=${r.change}&charged=${Number(r.chargedKopecks)}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, details } = err.body.error;
      if (code === 'insufficient_funds') {
        const missing = (details as { missingKopecks?: number } | undefined)?.missingKopecks ?? 0;
        const text = ctx.t('billing.insufficient', { missing: formatMoney(ctx.lang, missing / 100, 'RUB') });
        return this.render(ctx, caller, res, 402, { error: text });
      }
      if (code === 'unknown_plan' || code === 'plan_unavailable') {
        return sendPage(res, err.getStatus(), errorPage(ctx, ctx.t('error.notFound')));
      }
      this.unavailable(err, ctx, res);
    }
  }

  /** Cancel at period end: the plan stays until then. */
  @Post('account/billing/cancel')
  async cancel(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    try {
      await this.billing.callAs(caller, 'billing.cancel_subscription', { userId: caller.userId }, 10000);
      res.redirect(303, '/account/billing?changed=cancel_scheduled');
    } catch (err) {
      if (err instanceof ApiError && err.body.error.code === 'not_subscribed') {
        return res.redirect(303, '/account/billing?changed=unchanged');
      }
      this.unavailable(err, ctx, res);
    }
  }

  private async render(
    ctx: PageContext,
    caller: Caller,
    res: Response,
    status: number,
    message: { notice?: string; error?: string },
  ): Promise<void> {
    try {
      const [a, l] = await Promise.all([
        this.billing.call('billing.get_account', { userId: caller.userId }),
        this.billing.call('billing.get_ledger', { userId: caller.userId, limit: 50, cursor: '' }),
      ]);
      const summary: BillingSummary = {
        plan: a.plan,
        balanceKopecks: Number(a.walletBalanceKopecks),
        currency: a.currency || 'RUB',
        periodEnd: a.periodEnd || null,
        cancelAtPeriodEnd: a.cancelAtPeriodEnd,
        nextPlan: a.nextPlan || null,
        allowance: a.monthlyImages,
        committed: a.imagesCommitted,
        reserved: a.imagesReserved,
      };
      const ledger: LedgerLine[] = l.entries.map((e) => ({
        kind: e.kind,
        amountKopecks: Number(e.amountKopecks),
        balanceAfterKopecks: Number(e.balanceAfterKopecks),
        description: e.description,
        createdAt: e.createdAt,
      }));
      sendPage(res, status, billingPage(ctx, summary, ledger, message));
    } catch (err) {
      this.unavailable(err, ctx, res);
    }
  }

  /** Billing down (or any other refusal here) is a page saying so, never a crash. */
  private unavailable(err: unknown, ctx: PageContext, res: Response): void {
    if (!(err instanceof ApiError)) throw err;
    sendPage(res, err.getStatus() >= 500 ? 503 : err.getStatus(), errorPage(ctx, ctx.t('billing.unavailable')));
  }

  private csrfOk(req: RequestWithCaller, caller: Caller, ctx: PageContext, res: Response): boolean {
    try {
      this.csrf.assert(req, caller.sessionId ?? '', true);
      return true;
    } catch {
      sendPage(res, 403, errorPage(ctx, ctx.t('error.csrf')));
      return false;
    }
  }
}
