import { html, type SafeHtml } from './html';
import { formatDate, formatMoney } from './format';
import { planWords } from './billing-flow-pages';
import { codeWords, knownKey, type Translate } from './i18n';
import { csrfField, layout, type PageContext } from './layout';

// What the billing pages show (the gateway's JSON views of billing's replies, billing-views.ts).
export interface PlanCard {
  code: string;
  name?: string;
  monthlyPriceKopecks: number;
  currency: string;
  features: { autoPromptEnhance: boolean; autoBestSelection: boolean };
  limits: { monthlyImages: number; maxImagesPerRequest: number; brandProfileLimit: number };
}

export interface BillingSummary {
  plan: string;
  balanceKopecks: number;
  currency: string;
  periodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  nextPlan: string | null;
  allowance: number;
  committed: number;
  reserved: number;
}

export interface LedgerLine {
  transactionId: string;
  kind: string;
  amountKopecks: number;
  balanceAfterKopecks: number;
  description: string;
  createdAt: string;
}

/** The statement row's name links to its printable receipt. */
const receiptLink = (t: Translate, e: LedgerLine) =>
  html`<a href="/account/billing/receipts/${e.transactionId}">${t(knownKey(`ledger.${e.kind}`) ?? 'ledger.other')}</a>`;

const money = (ctx: PageContext, kopecks: number, currency = 'RUB') => formatMoney(ctx.lang, kopecks / 100, currency);

/** `/pricing`: every active plan side by side; signed-in visitors choose one right there. */
export function pricingPage(ctx: PageContext, plans: PlanCard[], current?: string): string {
  const { t } = ctx;
  const yesNo = (v: boolean) => (v ? t('billing.yes') : t('billing.no'));
  return layout(
    ctx,
    t('pricing.title'),
    html`<h1>${t('pricing.title')}</h1>
      <p>${t('pricing.lead')}</p>
      <ul class="plans">
        ${plans.map(
          (p) =>
            html`<li class="plan ${p.code === current ? 'current' : ''}">
              <h2>${planWords(t, p.code, p.name)}</h2>
              <p class="price big">
                ${money(ctx, p.monthlyPriceKopecks, p.currency)} <span class="hint">${t('pricing.perMonth')}</span>
              </p>
              <dl class="facts">
                <dt>${t('pricing.images')}</dt>
                <dd>${p.limits.monthlyImages}</dd>
                <dt>${t('pricing.perRequest')}</dt>
                <dd>${p.limits.maxImagesPerRequest}</dd>
                <dt>${t('pricing.brandKits')}</dt>
                <dd>${p.limits.brandProfileLimit}</dd>
                <dt>${t('pricing.enhance')}</dt>
                <dd>${yesNo(p.features.autoPromptEnhance)}</dd>
                <dt>${t('pricing.bestPick')}</dt>
                <dd>${yesNo(p.features.autoBestSelection)}</dd>
              </dl>
              ${
                !ctx.signedIn
                  ? html`<a class="button secondary" href="/register">${t('landing.cta')}</a>`
                  : p.code === current
                    ? html`<p class="notice">${t('pricing.current')}</p>`
                    : // Choosing opens billing's proration preview; nothing is charged before confirming there.
                      html`<form method="get" action="/account/billing/change">
                        <input type="hidden" name="plan" value="${p.code}" />
                        <button type="submit">${t('pricing.choose', { plan: planWords(t, p.code, p.name) })}</button>
                      </form>`
              }
            </li>`,
        )}
      </ul>
      <p class="hint">${t('pricing.rules')}</p>`,
  );
}

/** `/account/billing`: balance, plan and period, this period's images, and the statement. */
export function billingPage(
  ctx: PageContext,
  s: BillingSummary,
  ledger: LedgerLine[],
  message: { notice?: string; error?: SafeHtml | string } = {},
): string {
  const { t } = ctx;
  const left = Math.max(0, s.allowance - s.committed - s.reserved);
  return layout(
    ctx,
    t('billing.title'),
    html`<h1>${t('billing.title')}</h1>
      ${message.notice ? html`<p class="notice" role="status">${message.notice}</p>` : ''}
      ${message.error ? html`<div class="error" role="alert">${message.error}</div>` : ''}
      <dl class="facts">
        <dt>${t('account.wallet')}</dt>
        <dd data-balance>${money(ctx, s.balanceKopecks, s.currency)}</dd>
        <dt>${t('account.plan')}</dt>
        <dd data-plan>${codeWords(t, 'plan', s.plan)}</dd>
        ${
          s.periodEnd
            ? html`<dt>${s.cancelAtPeriodEnd || s.nextPlan ? t('billing.endsOn') : t('billing.renewsOn')}</dt>
                <dd>
                  ${formatDate(ctx.lang, s.periodEnd)}
                  ${
                    s.cancelAtPeriodEnd || s.nextPlan
                      ? html`— ${t('billing.thenPlan', { plan: codeWords(t, 'plan', s.nextPlan ?? 'free') })}`
                      : ''
                  }
                </dd>`
            : ''
        }
        <dt>${t('billing.images')}</dt>
        <dd data-quota data-left="${left}" data-held="${s.reserved}" data-used="${s.committed}">
          ${t('billing.quota', { used: s.committed, held: s.reserved, left, allowance: s.allowance })}
        </dd>
      </dl>
      <p class="actions">
        <a class="button" href="/account/billing/top-up">${t('topup.button')}</a>
        <a class="button secondary" href="/pricing">${t('billing.changePlan')}</a>
        ${
          s.plan !== 'free' && !s.cancelAtPeriodEnd
            ? html`<form method="post" action="/account/billing/cancel">
                ${csrfField(ctx)}<button type="submit" class="secondary">${t('billing.cancel')}</button>
              </form>`
            : ''
        }
      </p>
      <section aria-labelledby="ledger">
        <h2 id="ledger">${t('billing.ledger')}</h2>
        ${
          ledger.length === 0
            ? html`<p>${t('billing.ledgerEmpty')}</p>`
            : html`<div class="table-scroll">
                <table class="metrics ledger">
                  <thead>
                    <tr>
                      <th scope="col">${t('billing.when')}</th>
                      <th scope="col">${t('billing.what')}</th>
                      <th scope="col">${t('billing.amount')}</th>
                      <th scope="col">${t('billing.after')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${ledger.map(
                      (e) =>
                        html`<tr>
                          <td>${formatDate(ctx.lang, e.createdAt)}</td>
                          <th scope="row">${receiptLink(t, e)}</th>
                          <td>${e.amountKopecks > 0 ? '+' : ''}${money(ctx, e.amountKopecks, s.currency)}</td>
                          <td>${money(ctx, e.balanceAfterKopecks, s.currency)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      </section>`,
  );
}
