import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiError } from '@atelier/service-kit';
import { BillingRpc } from '../billing/billing-rpc';
import { planView } from '../billing/billing-views';
import { CsrfTokens } from '../identity/csrf-tokens';
import { Public, type Caller, type RequestWithCaller } from '../identity/caller';
import { billingPage, pricingPage, type BillingSummary, type LedgerLine } from './billing-pages';
import {
  changeConfirmPage,
  receiptPage,
  sandboxPayerPage,
  topUpHandoffPage,
  topUpPage,
  topUpResult,
  type ChangePreviewView,
  type TopUpView,
} from './billing-flow-pages';
import type { FieldErrors } from './form-errors';
import { parseRoublesInput } from './money-input';
import { IDEMPOTENCY_KEY } from '../http/idempotency-key';
import type { MessageShape, RpcReply, TopUpSchema } from '@atelier/contracts';
import { formatMoney } from './format';
import { knownKey } from './i18n';
import type { PageContext } from './layout';
import { errorPage } from './pages';
import { readForm, sendPage } from './web.controller';
import { redirectToLogin, WebSession } from './web-session';

const PLAN_CODE = /^[a-z][a-z0-9_-]{0,31}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAYMENT_ID = /^[\w-]{1,100}$/;
/** Billing's default smallest top-up (TOP_UP_MIN_KOPECKS): the "top up the missing amount" link never offers less. */
const MIN_TOP_UP_KOPECKS = 100_00;

const topUpView = (t: MessageShape<typeof TopUpSchema>): TopUpView => ({
  id: t.id,
  provider: t.provider,
  amountKopecks: Number(t.amountKopecks),
  status: t.status,
  confirmationUrl: t.confirmationUrl || null,
});
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
    let message: { notice?: string; error?: string } = {
      notice: key
        ? ctx.t(key, { charged: formatMoney(ctx.lang, Number.isFinite(charged) ? charged / 100 : 0, 'RUB') })
        : undefined,
    };
    // Back from a payment page: say what billing knows about that top-up (never what the URL claims).
    const topUpId = typeof req.query.topUp === 'string' ? req.query.topUp : '';
    if (UUID.test(topUpId)) {
      try {
        const r = await this.billing.call('billing.get_top_up', {
          userId: caller.userId,
          topUpId,
          providerPayment: '',
        });
        if (r.topUp) message = topUpResult(ctx, topUpView(r.topUp));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      }
    }
    await this.render(ctx, caller, res, 200, message);
  }

  /** The proration preview: what choosing this plan does and costs now, before anything is charged. */
  @Get('account/billing/change')
  async preview(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const plan = typeof req.query.plan === 'string' ? req.query.plan : '';
    if (!PLAN_CODE.test(plan)) return sendPage(res, 400, errorPage(ctx, ctx.t('error.notFound')));
    await this.renderPreview(ctx, caller, res, plan, 200);
  }

  /** Subscribe, upgrade (charged now, prorated by billing), downgrade or resume (at period end). */
  @Post('account/billing/subscription')
  async subscribe(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, ['plan', 'expectedCharge'] as const);
    const plan = form?.plan ?? '';
    if (!PLAN_CODE.test(plan)) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    const expected = /^\d{1,15}$/.test(form?.expectedCharge ?? '') ? Number(form?.expectedCharge) : undefined;
    try {
      const r = await this.billing.callAs(
        caller,
        'billing.change_subscription',
        // Billing charges at most what the confirm page showed (a form without it is refused below).
        { userId: caller.userId, plan, quotedChargeKopecks: BigInt(expected ?? -1) },
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
      // The charge moved since the preview (or none was confirmed): show the new calculation, charge nothing.
      if (code === 'quote_expired') {
        const now = await this.billing.call('billing.preview_subscription_change', { userId: caller.userId, plan });
        const names = await this.planNames();
        return sendPage(
          res,
          409,
          changeConfirmPage(ctx, previewView(now), names, MIN_TOP_UP_KOPECKS, ctx.t('change.priceMoved')),
        );
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

  /** Amount presets (300 / 1 000 / 3 000 ₽) or a custom amount; `?amount=` preselects one (e.g. what is missing). */
  @Get('account/billing/top-up')
  async topUpForm(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    const q = req.query;
    const amount = typeof q.amount === 'string' && parseRoublesInput(q.amount) ? q.amount : undefined;
    const plan = typeof q.plan === 'string' && PLAN_CODE.test(q.plan) ? q.plan : undefined;
    sendPage(res, 200, topUpPage(ctx, { amount, plan }, await this.balance(caller)));
  }

  /** Starts the payment at billing, then sends the payer to the provider's page (the sandbox's is ours). */
  @Post('account/billing/top-up')
  async topUp(@Req() req: RequestWithCaller, @Res() res: Response): Promise<void> {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const form = readForm(req.body, ['amount', 'custom', 'plan', 'idempotencyKey'] as const);
    if (!form) return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    const plan = form.plan && PLAN_CODE.test(form.plan) ? form.plan : undefined;
    const key = form.idempotencyKey && IDEMPOTENCY_KEY.test(form.idempotencyKey) ? form.idempotencyKey : undefined;
    const again = (status: number, errors: FieldErrors) =>
      this.balance(caller).then((b) =>
        sendPage(res, status, topUpPage(ctx, { amount: form.amount, custom: form.custom, plan }, b, errors)),
      );
    const errors: FieldErrors = {};
    let kopecks: number | undefined;
    if (!form.amount) errors.amount = [ctx.t('topup.choose')];
    else if (form.amount === 'custom') {
      kopecks = parseRoublesInput(form.custom);
      if (!kopecks) errors.custom = [ctx.t('topup.invalid')];
    } else {
      kopecks = parseRoublesInput(form.amount);
      if (!kopecks) errors.amount = [ctx.t('topup.invalid')];
    }
    if (!kopecks || !key) return again(400, Object.keys(errors).length ? errors : { amount: [ctx.t('topup.invalid')] });
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    try {
      const r = await this.billing.callAs(
        caller,
        'billing.create_top_up',
        {
          userId: caller.userId,
          amountKopecks: BigInt(kopecks),
          provider: '',
          idempotencyKey: `web:${key}`,
          // Billing puts the top-up's id in place of {top_up_id}: the provider returns the payer to its result.
          returnUrl: `${origin}/account/billing?topUp={top_up_id}`,
        },
        15000,
      );
      const topUp = r.topUp ? topUpView(r.topUp) : undefined;
      if (!topUp?.confirmationUrl) return this.unavailable(new ApiError(503, 'billing_unavailable', ''), ctx, res);
      // A form may only lead to this site (CSP form-action 'self'): another origin gets a hand-off page.
      const target = new URL(topUp.confirmationUrl, origin);
      if (target.origin === origin) return res.redirect(303, target.pathname + target.search);
      sendPage(res, 200, topUpHandoffPage(ctx, topUp));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { code, message } = err.body.error;
      if (code === 'invalid_amount') {
        // Billing words its limits as "a top-up is 100.00–100000.00 RUB".
        const [min, max] = (message.match(/\d+(?:\.\d+)?/g) ?? []).map((v) => formatMoney(ctx.lang, Number(v), 'RUB'));
        const text = min && max ? ctx.t('topup.outOfRange', { min, max }) : ctx.t('topup.invalid');
        return again(422, form.amount === 'custom' ? { custom: [text] } : { amount: [text] });
      }
      this.unavailable(err, ctx, res);
    }
  }

  /** The sandbox provider's payer page (its confirmation URL points here): only the payer sees it. */
  @Get('pay/sandbox/:paymentId')
  async payer(@Param('paymentId') paymentId: string, @Req() req: RequestWithCaller, @Res() res: Response) {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!PAYMENT_ID.test(paymentId)) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    try {
      const r = await this.billing.call('billing.get_top_up', {
        userId: caller.userId,
        topUpId: '',
        providerPayment: paymentId,
      });
      if (!r.topUp || r.topUp.provider !== 'sandbox') {
        return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
      }
      sendPage(res, 200, sandboxPayerPage(ctx, paymentId, topUpView(r.topUp)));
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() === 404) {
        return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
      }
      this.unavailable(err, ctx, res);
    }
  }

  /** Pay or decline: billing signs the provider's notification and settles it; then back to the balance. */
  @Post('pay/sandbox/:paymentId')
  async pay(@Param('paymentId') paymentId: string, @Req() req: RequestWithCaller, @Res() res: Response) {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!this.csrfOk(req, caller, ctx, res)) return;
    const outcome = readForm(req.body, ['outcome'] as const)?.outcome;
    if (!PAYMENT_ID.test(paymentId) || (outcome !== 'succeeded' && outcome !== 'canceled')) {
      return sendPage(res, 400, errorPage(ctx, ctx.t('error.generic')));
    }
    try {
      const r = await this.billing.callAs(caller, 'billing.settle_sandbox_payment', {
        userId: caller.userId,
        providerPayment: paymentId,
        outcome,
      });
      res.redirect(303, `/account/billing?topUp=${r.topUp?.id ?? ''}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const code = err.body.error.code;
      if (code === 'not_found') return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
      // Already paid or declined (a second tab, the back button): show the payment as it is.
      if (code === 'not_pending') return res.redirect(303, `/pay/sandbox/${paymentId}`);
      this.unavailable(err, ctx, res);
    }
  }

  /** A printable receipt for one transaction of the caller's own wallet. */
  @Get('account/billing/receipts/:transactionId')
  async receipt(@Param('transactionId') id: string, @Req() req: RequestWithCaller, @Res() res: Response) {
    const { caller, ctx } = await this.web.resolve(req, res);
    if (!caller) return redirectToLogin(req, res);
    if (!UUID.test(id)) return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
    try {
      const r = await this.billing.call('billing.get_receipt', { userId: caller.userId, transactionId: id });
      sendPage(
        res,
        200,
        receiptPage(ctx, {
          transactionId: r.transactionId,
          kind: r.kind,
          description: r.description,
          createdAt: r.createdAt,
          amountKopecks: Number(r.amountKopecks),
          balanceAfterKopecks: Number(r.balanceAfterKopecks),
          provider: r.provider,
          providerPayment: r.providerPayment,
        }),
      );
    } catch (err) {
      if (err instanceof ApiError && err.getStatus() === 404) {
        return sendPage(res, 404, errorPage(ctx, ctx.t('error.notFound')));
      }
      this.unavailable(err, ctx, res);
    }
  }

  private async renderPreview(ctx: PageContext, caller: Caller, res: Response, plan: string, status: number) {
    try {
      const [p, names] = await Promise.all([
        this.billing.call('billing.preview_subscription_change', { userId: caller.userId, plan }),
        this.planNames(),
      ]);
      sendPage(res, status, changeConfirmPage(ctx, previewView(p), names, MIN_TOP_UP_KOPECKS));
    } catch (err) {
      if (err instanceof ApiError && ['unknown_plan', 'plan_unavailable'].includes(err.body.error.code)) {
        return sendPage(res, err.getStatus(), errorPage(ctx, ctx.t('error.notFound')));
      }
      this.unavailable(err, ctx, res);
    }
  }

  /** Names of every plan, for plans an admin created (the seeded ones have translations). */
  private async planNames(): Promise<Record<string, string>> {
    const r = await this.billing.call('billing.list_plans', { includeInactive: true });
    return Object.fromEntries(r.plans.map((p) => [p.code, p.name]));
  }

  private async balance(caller: Caller): Promise<number | undefined> {
    try {
      const a = await this.billing.call('billing.get_account', { userId: caller.userId });
      return Number(a.walletBalanceKopecks);
    } catch (err) {
      if (err instanceof ApiError) return undefined;
      throw err;
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
        transactionId: e.transactionId,
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

const previewView = (p: RpcReply<'billing.preview_subscription_change'>): ChangePreviewView => ({
  change: p.change,
  currentPlan: p.currentPlan,
  targetPlan: p.targetPlan,
  chargeKopecks: Number(p.chargeKopecks),
  creditKopecks: Number(p.creditKopecks),
  targetPriceKopecks: Number(p.targetPriceKopecks),
  walletBalanceKopecks: Number(p.walletBalanceKopecks),
  missingKopecks: Number(p.missingKopecks),
  effectiveAt: p.effectiveAt,
  currentPeriodEnd: p.currentPeriodEnd || null,
  newPeriodEnd: p.newPeriodEnd || null,
  currentMonthlyImages: p.currentMonthlyImages,
  targetMonthlyImages: p.targetMonthlyImages,
});
