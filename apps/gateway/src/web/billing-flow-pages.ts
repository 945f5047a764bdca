import { randomUUID } from 'node:crypto';
import { errorSummary, fieldError, invalid, type FieldErrors } from './form-errors';
import { html } from './html';
import { formatDate, formatMoney } from './format';
import { knownKey, type MessageKey, type Translate } from './i18n';
import { csrfField, layout, type PageContext } from './layout';
import { roublesField } from './money-input';

export const rub = (ctx: PageContext, kopecks: number): string => formatMoney(ctx.lang, kopecks / 100, 'RUB');

/** A plan in words: the translation of a seeded code, else the name an admin gave it, else the code. */
export function planWords(t: Translate, code: string, name?: string): string {
  const key = knownKey(`plan.${code}`);
  return key ? t(key) : name || code;
}

/** What billing's preview says a plan change would do now (`billing.preview_subscription_change`). */
export interface ChangePreviewView {
  change: string;
  currentPlan: string;
  targetPlan: string;
  chargeKopecks: number;
  creditKopecks: number;
  targetPriceKopecks: number;
  walletBalanceKopecks: number;
  missingKopecks: number;
  effectiveAt: string;
  currentPeriodEnd: string | null;
  newPeriodEnd: string | null;
  currentMonthlyImages: number;
  targetMonthlyImages: number;
}

const CHANGES = ['purchased', 'upgraded', 'downgrade_scheduled', 'cancel_scheduled', 'resumed', 'unchanged'];

/**
 * `/account/billing/change?plan=…`: the proration billing computed, shown before anything is charged. Confirming
 * posts the charge seen here; the controller refuses to charge a different amount.
 */
export function changeConfirmPage(
  ctx: PageContext,
  p: ChangePreviewView,
  names: Record<string, string>,
  minTopUpKopecks: number,
  notice?: string,
): string {
  const { t } = ctx;
  const change = CHANGES.includes(p.change) ? p.change : 'unchanged';
  const key = (prefix: string) => knownKey(`${prefix}.${change}`) as MessageKey;
  const plan = planWords(t, p.targetPlan, names[p.targetPlan]);
  const from = planWords(t, p.currentPlan, names[p.currentPlan]);
  const title = t(key('change.title'), { plan, from });
  const immediate = change === 'purchased' || change === 'upgraded';
  const date = formatDate(ctx.lang, p.effectiveAt);
  const explain = t(key('change.explain'), {
    charge: rub(ctx, p.chargeKopecks),
    credit: rub(ctx, p.creditKopecks),
    price: rub(ctx, p.targetPriceKopecks),
    end: p.newPeriodEnd ? formatDate(ctx.lang, p.newPeriodEnd) : '',
    date,
  });
  const topUp = Math.max(p.missingKopecks, minTopUpKopecks);
  const canConfirm = change !== 'unchanged' && p.missingKopecks === 0;
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
      ${notice ? html`<p class="error" role="alert">${notice}</p>` : ''}
      <p data-explain>${explain}</p>
      <dl class="facts" data-preview>
        <dt>${t('change.current')}</dt>
        <dd>${t('change.currentLine', { plan: from, images: p.currentMonthlyImages })}</dd>
        <dt>${t('change.target')}</dt>
        <dd>${t('change.planLine', { plan, price: rub(ctx, p.targetPriceKopecks), images: p.targetMonthlyImages })}</dd>
        ${
          immediate
            ? html`<dt>${t('change.price')}</dt>
                <dd>${rub(ctx, p.targetPriceKopecks)}</dd>
                ${
                  p.creditKopecks > 0
                    ? html`<dt>${t('change.credit')}</dt>
                        <dd data-credit>−${rub(ctx, p.creditKopecks)}</dd>`
                    : ''
                }`
            : ''
        }
        <dt>${t('change.charge')}</dt>
        <dd data-charge><strong>${rub(ctx, p.chargeKopecks)}</strong></dd>
        <dt>${t('change.balance')}</dt>
        <dd>${rub(ctx, p.walletBalanceKopecks)}</dd>
        ${
          p.missingKopecks === 0 && p.chargeKopecks > 0
            ? html`<dt>${t('change.balanceAfter')}</dt>
                <dd>${rub(ctx, p.walletBalanceKopecks - p.chargeKopecks)}</dd>`
            : ''
        }
        <dt>${t('change.effective')}</dt>
        <dd data-effective>${immediate ? t('change.now') : date}</dd>
        ${
          p.newPeriodEnd
            ? html`<dt>${t('change.periodEnd')}</dt>
                <dd>${formatDate(ctx.lang, p.newPeriodEnd)}</dd>`
            : ''
        }
      </dl>
      ${
        p.missingKopecks > 0
          ? html`<div class="error" role="alert" data-missing="${p.missingKopecks}">
              <p>${t('change.short', { missing: rub(ctx, p.missingKopecks) })}</p>
              <p class="actions">
                <a class="button" href="/account/billing/top-up?amount=${roublesField(topUp)}&amp;plan=${p.targetPlan}"
                  >${t('change.topUpMissing', { amount: rub(ctx, topUp) })}</a
                >
              </p>
            </div>`
          : ''
      }
      <div class="actions">
        ${
          canConfirm
            ? html`<form method="post" action="/account/billing/subscription">
                ${csrfField(ctx)}<input type="hidden" name="plan" value="${p.targetPlan}" />
                <input type="hidden" name="expectedCharge" value="${p.chargeKopecks}" />
                <button type="submit">
                  ${
                    p.chargeKopecks > 0
                      ? t('change.confirmPay', { charge: rub(ctx, p.chargeKopecks) })
                      : t('change.confirm')
                  }
                </button>
              </form>`
            : ''
        }
        <a class="button secondary" href="/pricing">${t('change.back')}</a>
      </div>`,
    ['billing.css'],
  );
}

export const TOP_UP_PRESETS = [30000, 100000, 300000] as const;

/** `/account/billing/top-up`: presets or a custom amount; one idempotency key per render (a double submit pays once). */
export function topUpPage(
  ctx: PageContext,
  form: { amount?: string; custom?: string; plan?: string; idempotencyKey?: string },
  balanceKopecks: number | undefined,
  errors: FieldErrors = {},
): string {
  const { t } = ctx;
  const chosen = form.amount ?? String(TOP_UP_PRESETS[1] / 100);
  const presetValues = TOP_UP_PRESETS.map((k) => String(k / 100));
  const custom = !presetValues.includes(chosen) && chosen !== '';
  const customValue = form.custom ?? (custom && chosen !== 'custom' ? chosen : '');
  return layout(
    ctx,
    t('topup.title'),
    html`<h1>${t('topup.title')}</h1>
      <p>${t('topup.lead')}</p>
      ${
        balanceKopecks !== undefined
          ? html`<dl class="facts">
              <dt>${t('change.balance')}</dt>
              <dd data-balance>${rub(ctx, balanceKopecks)}</dd>
            </dl>`
          : ''
      }
      ${errorSummary(ctx, errors, { amount: t('topup.amount'), custom: t('topup.customLabel') })}
      <form class="stack top-up" method="post" action="/account/billing/top-up" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="idempotencyKey" value="${form.idempotencyKey ?? randomUUID()}" />
        ${form.plan ? html`<input type="hidden" name="plan" value="${form.plan}" />` : ''}
        <fieldset class="presets" ${invalid(errors, 'amount')}>
          <legend id="amount">${t('topup.amount')}</legend>
          ${TOP_UP_PRESETS.map(
            (k) =>
              html`<label class="preset">
                <input
                  type="radio"
                  name="amount"
                  value="${k / 100}"
                  ${chosen === String(k / 100) ? html`checked` : ''}
                />
                <span>${rub(ctx, k)}</span>
              </label>`,
          )}
          <label class="preset">
            <input type="radio" name="amount" value="custom" ${custom ? html`checked` : ''} />
            <span>${t('topup.custom')}</span>
          </label>
          ${fieldError(errors, 'amount')}
        </fieldset>
        <div>
          <label for="custom">${t('topup.customLabel')}</label>
          <input
            id="custom"
            name="custom"
            inputmode="decimal"
            autocomplete="off"
            value="${customValue}"
            ${invalid(errors, 'custom', 'custom-hint')}
          />
          <p class="hint" id="custom-hint">${t('topup.customHint')}</p>
          ${fieldError(errors, 'custom')}
        </div>
        <button type="submit">${t('topup.submit')}</button>
      </form>`,
    ['billing.css'],
  );
}

export interface TopUpView {
  id: string;
  provider: string;
  amountKopecks: number;
  status: string;
  confirmationUrl: string | null;
  providerPayment?: string;
}

/** The hand-off to an external provider's page (a form may not redirect off-site under `form-action 'self'`). */
export function topUpHandoffPage(ctx: PageContext, topUp: TopUpView): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('topup.handoffTitle'),
    html`<h1>${t('topup.handoffTitle')}</h1>
      <p>${t('topup.handoff', { amount: rub(ctx, topUp.amountKopecks) })}</p>
      <p class="actions">
        <a class="button" href="${topUp.confirmationUrl ?? '/account/billing'}" rel="noreferrer"
          >${t('topup.handoffLink')}</a
        >
      </p>`,
  );
}

const statusWords = (t: Translate, status: string): string =>
  t((knownKey(`topupStatus.${status}`) ?? 'topupStatus.pending') as MessageKey);

/** The sandbox provider's payer page, served by the gateway: pay or decline, then back to the balance. */
export function sandboxPayerPage(ctx: PageContext, paymentId: string, topUp: TopUpView): string {
  const { t } = ctx;
  const amount = rub(ctx, topUp.amountKopecks);
  return layout(
    ctx,
    t('pay.title'),
    html`<h1>${t('pay.title')}</h1>
      <p class="notice">${t('pay.sandbox')}</p>
      <dl class="facts">
        <dt>${t('pay.merchant')}</dt>
        <dd>${t('app.name')}</dd>
        <dt>${t('pay.amount')}</dt>
        <dd data-amount><strong>${amount}</strong></dd>
        <dt>${t('pay.payment')}</dt>
        <dd class="mono">${paymentId}</dd>
      </dl>
      ${
        topUp.status === 'pending'
          ? html`<div class="actions">
              <form method="post" action="/pay/sandbox/${paymentId}">
                ${csrfField(ctx)}<input type="hidden" name="outcome" value="succeeded" />
                <button type="submit">${t('pay.confirm', { amount })}</button>
              </form>
              <form method="post" action="/pay/sandbox/${paymentId}">
                ${csrfField(ctx)}<input type="hidden" name="outcome" value="canceled" />
                <button type="submit" class="secondary">${t('pay.decline')}</button>
              </form>
            </div>`
          : html`<p class="notice" role="status">${t('pay.done', { status: statusWords(t, topUp.status) })}</p>
              <p><a class="button secondary" href="/account/billing?topUp=${topUp.id}">${t('pay.back')}</a></p>`
      }`,
    ['billing.css'],
  );
}

/** The notice on /account/billing after coming back from a payment: the top-up's real status, not the URL's. */
export function topUpResult(ctx: PageContext, topUp: TopUpView): { notice?: string; error?: string } {
  const amount = rub(ctx, topUp.amountKopecks);
  if (topUp.status === 'succeeded') return { notice: ctx.t('topup.result.succeeded', { amount }) };
  if (topUp.status === 'failed') return { error: ctx.t('topup.result.failed', { amount }) };
  return { notice: ctx.t('topup.result.pending', { amount }) };
}

export interface ReceiptView {
  transactionId: string;
  kind: string;
  description: string;
  createdAt: string;
  amountKopecks: number;
  balanceAfterKopecks: number;
  provider: string;
  providerPayment: string;
}

/** `/account/billing/receipts/:id`: one transaction of the wallet, laid out to print on one page. */
export function receiptPage(ctx: PageContext, r: ReceiptView): string {
  const { t } = ctx;
  const kind = t((knownKey(`ledger.${r.kind}`) ?? 'ledger.other') as MessageKey);
  // Billing words adjustments and refunds as "<kind>: <reason>"; the reason is the admin's own text.
  const reason = /^(adjustment|refund): /.test(r.description) ? r.description.replace(/^\w+: /, '') : '';
  const provider = r.provider ? t((knownKey(`provider.${r.provider}`) ?? 'ledger.other') as MessageKey) : '';
  return layout(
    ctx,
    `${t('receipt.title')} ${r.transactionId.slice(0, 8)}`,
    html`<article class="receipt">
      <h1>${t('receipt.title')}</h1>
      <p>${t('receipt.payee')}</p>
      <dl class="facts">
        <dt>${t('receipt.number')}</dt>
        <dd class="mono" data-transaction>${r.transactionId}</dd>
        <dt>${t('receipt.date')}</dt>
        <dd>${formatDate(ctx.lang, r.createdAt)}</dd>
        <dt>${t('receipt.kind')}</dt>
        <dd data-kind>${kind}</dd>
        ${
          reason
            ? html`<dt>${t('receipt.reason')}</dt>
                <dd>${reason}</dd>`
            : ''
        }
        <dt>${t('receipt.amount')}</dt>
        <dd data-amount><strong>${r.amountKopecks > 0 ? '+' : ''}${rub(ctx, r.amountKopecks)}</strong></dd>
        <dt>${t('receipt.balanceAfter')}</dt>
        <dd>${rub(ctx, r.balanceAfterKopecks)}</dd>
        ${
          provider
            ? html`<dt>${t('receipt.method')}</dt>
                <dd>${provider}</dd>`
            : ''
        }
        ${
          r.providerPayment
            ? html`<dt>${t('receipt.providerPayment')}</dt>
                <dd class="mono">${r.providerPayment}</dd>`
            : ''
        }
      </dl>
      <p class="hint no-print">${t('receipt.print')}</p>
      <p class="no-print"><a href="/account/billing">${t('pay.back')}</a></p>
    </article>`,
    ['billing.css'],
  );
}
