import { randomUUID } from 'node:crypto';
import { planWords, rub } from './billing-flow-pages';
import { errorSummary, fieldError, invalid, type FieldErrors } from './form-errors';
import { formatDate } from './format';
import { html, type SafeHtml } from './html';
import { codeWords, knownKey, type MessageKey } from './i18n';
import { csrfField, layout, type PageContext } from './layout';
import { roublesField } from './money-input';

type Section = 'plans' | 'users' | 'topUps';

function adminLayout(
  ctx: PageContext,
  section: Section,
  title: string,
  body: SafeHtml,
  message: { notice?: string; error?: string } = {},
) {
  const { t } = ctx;
  const link = (s: Section, href: string, key: MessageKey) =>
    html`<li><a href="${href}" ${s === section ? html`aria-current="page"` : ''}>${t(key)}</a></li>`;
  return layout(
    ctx,
    title,
    html`<nav aria-label="${t('admin.nav')}">
        <ul class="admin-nav">
          ${link('plans', '/admin/plans', 'admin.plans')} ${link('users', '/admin/users', 'admin.users')}
          ${link('topUps', '/admin/top-ups', 'admin.topUps')}
        </ul>
      </nav>
      <h1>${title}</h1>
      ${message.notice ? html`<p class="notice" role="status">${message.notice}</p>` : ''}
      ${message.error ? html`<p class="error" role="alert">${message.error}</p>` : ''} ${body}`,
    ['billing.css'],
  );
}

export interface AdminPlan {
  code: string;
  name: string;
  monthlyPriceKopecks: number;
  monthlyImages: number;
  maxImagesPerRequest: number;
  brandProfileLimit: number;
  loraLimit: number;
  priority: number;
  sortOrder: number;
  autoPromptEnhance: boolean;
  autoBestSelection: boolean;
  active: boolean;
}

/** `/admin/plans`: every plan, on sale or not. */
export function adminPlansPage(ctx: PageContext, plans: AdminPlan[], notice?: string): string {
  const { t } = ctx;
  return adminLayout(
    ctx,
    'plans',
    t('admin.plans'),
    html`<p class="hint">${t('admin.allowanceRule')}</p>
      <p><a class="button" href="/admin/plans/new">${t('admin.newPlan')}</a></p>
      <div class="table-scroll">
        <table class="metrics admin" data-plans>
          <thead>
            <tr>
              <th scope="col">${t('admin.name')}</th>
              <th scope="col">${t('admin.code')}</th>
              <th scope="col">${t('admin.price')}</th>
              <th scope="col">${t('admin.images')}</th>
              <th scope="col">${t('admin.perRequest')}</th>
              <th scope="col">${t('admin.active')}</th>
              <th scope="col"><span class="visually-hidden">${t('admin.edit')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${plans.map(
              (p) =>
                html`<tr data-plan="${p.code}">
                  <th scope="row">${planWords(t, p.code, p.name)}</th>
                  <td data-label="${t('admin.code')}" class="mono">${p.code}</td>
                  <td data-label="${t('admin.price')}">${rub(ctx, p.monthlyPriceKopecks)}</td>
                  <td data-label="${t('admin.images')}" data-images>${p.monthlyImages}</td>
                  <td data-label="${t('admin.perRequest')}">${p.maxImagesPerRequest}</td>
                  <td data-label="${t('admin.active')}">${p.active ? t('billing.yes') : t('admin.inactive')}</td>
                  <td>
                    <a href="/admin/plans/${p.code}"
                      >${t('admin.edit')}<span class="visually-hidden"> ${planWords(t, p.code, p.name)}</span></a
                    >
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`,
    { notice },
  );
}

export type PlanForm = Partial<
  Record<
    | 'code'
    | 'name'
    | 'price'
    | 'monthlyImages'
    | 'maxImagesPerRequest'
    | 'brandProfileLimit'
    | 'loraLimit'
    | 'priority'
    | 'sortOrder'
    | 'autoPromptEnhance'
    | 'autoBestSelection'
    | 'active',
    string
  >
>;

export const planToForm = (p: AdminPlan): PlanForm => ({
  code: p.code,
  name: p.name,
  price: roublesField(p.monthlyPriceKopecks),
  monthlyImages: String(p.monthlyImages),
  maxImagesPerRequest: String(p.maxImagesPerRequest),
  brandProfileLimit: String(p.brandProfileLimit),
  loraLimit: String(p.loraLimit),
  priority: String(p.priority),
  sortOrder: String(p.sortOrder),
  autoPromptEnhance: p.autoPromptEnhance ? 'on' : undefined,
  autoBestSelection: p.autoBestSelection ? 'on' : undefined,
  active: p.active ? 'on' : undefined,
});

export const PLAN_NUMBER_FIELDS = [
  ['monthlyImages', 'admin.images', 0, 10_000_000],
  ['maxImagesPerRequest', 'admin.perRequest', 1, 16],
  ['brandProfileLimit', 'admin.brandKits', 0, 10_000],
  ['loraLimit', 'admin.loras', 0, 10_000],
  ['priority', 'admin.priority', 0, 100],
  ['sortOrder', 'admin.sortOrder', 0, 1000],
] as const;

/** `/admin/plans/new` and `/admin/plans/:code`: create or edit; says when an allowance change takes effect. */
export function adminPlanFormPage(
  ctx: PageContext,
  mode: { code?: string },
  form: PlanForm,
  errors: FieldErrors = {},
  error?: string,
): string {
  const { t } = ctx;
  const labels: Record<string, string> = {
    code: t('admin.code'),
    name: t('admin.name'),
    price: t('admin.price'),
    ...Object.fromEntries(PLAN_NUMBER_FIELDS.map(([f, k]) => [f, t(k)])),
  };
  const input = (field: keyof PlanForm, attrs: SafeHtml = html``, hint?: string) =>
    html`<div>
      <label for="${field}">${labels[field]}</label>
      <input id="${field}" name="${field}" value="${form[field] ?? ''}" ${attrs} ${invalid(errors, field, hint)} />
      ${hint ? html`<p class="hint" id="${hint}">${hint === 'code-hint' ? t('admin.codeHint') : t('admin.allowanceRule')}</p>` : ''}
      ${fieldError(errors, field)}
    </div>`;
  const check = (field: keyof PlanForm, key: MessageKey) =>
    html`<label><input type="checkbox" name="${field}" ${form[field] ? html`checked` : ''} /> ${t(key)}</label>`;
  const title = mode.code ? `${t('admin.edit')}: ${planWords(t, mode.code, form.name)}` : t('admin.newPlan');
  return adminLayout(
    ctx,
    'plans',
    title,
    html`${errorSummary(ctx, errors, labels)}
      <form class="stack" method="post" action="/admin/plans/${mode.code ?? 'new'}" novalidate>
        ${csrfField(ctx)}
        ${
          mode.code
            ? html`<p>${t('admin.code')}: <span class="mono">${mode.code}</span></p>`
            : input('code', html`autocomplete="off" maxlength="32"`, 'code-hint')
        }
        ${input('name', html`maxlength="64"`)} ${input('price', html`inputmode="decimal"`)}
        ${input('monthlyImages', html`inputmode="numeric"`, 'allowance-hint')}
        <div class="row">
          ${input('maxImagesPerRequest', html`inputmode="numeric"`)}
          ${input('brandProfileLimit', html`inputmode="numeric"`)}
        </div>
        <div class="row">
          ${input('loraLimit', html`inputmode="numeric"`)} ${input('priority', html`inputmode="numeric"`)}
          ${input('sortOrder', html`inputmode="numeric"`)}
        </div>
        <div class="checks">
          ${check('autoPromptEnhance', 'admin.enhance')} ${check('autoBestSelection', 'admin.bestPick')}
          ${check('active', 'admin.active')}
        </div>
        <button type="submit">${t('admin.save')}</button>
      </form>`,
    { error },
  );
}

export interface AdminUserRow {
  id: string;
  email: string;
  role: string;
  createdAt: Date;
}

/** `/admin/users`: newest first, with role changes (make a shop) and a link to each wallet. */
export function adminUsersPage(
  ctx: PageContext,
  users: AdminUserRow[],
  self: string,
  nextCursor: string | null,
  message: { notice?: string; error?: string } = {},
): string {
  const { t } = ctx;
  return adminLayout(
    ctx,
    'users',
    t('admin.users'),
    html`<div class="table-scroll">
        <table class="metrics admin" data-users>
          <thead>
            <tr>
              <th scope="col">${t('admin.email')}</th>
              <th scope="col">${t('admin.role')}</th>
              <th scope="col">${t('admin.since')}</th>
              <th scope="col">${t('admin.wallet')}</th>
            </tr>
          </thead>
          <tbody>
            ${users.map(
              (u) =>
                html`<tr data-user="${u.email}">
                  <th scope="row">${u.email}</th>
                  <td data-label="${t('admin.role')}">
                    ${
                      u.id === self
                        ? codeWords(t, 'role', u.role)
                        : html`<form method="post" action="/admin/users/${u.id}/role">
                            ${csrfField(ctx)}
                            <label class="visually-hidden" for="role-${u.id}">${t('admin.role')} ${u.email}</label>
                            <select id="role-${u.id}" name="role">
                              ${['user', 'shop', 'admin'].map(
                                (r) =>
                                  html`<option value="${r}" ${r === u.role ? html`selected` : ''}>
                                    ${codeWords(t, 'role', r)}
                                  </option>`,
                              )}
                            </select>
                            <button type="submit" class="secondary">
                              ${t('admin.setRole')}<span class="visually-hidden"> ${u.email}</span>
                            </button>
                          </form>`
                    }
                  </td>
                  <td data-label="${t('admin.since')}">${formatDate(ctx.lang, u.createdAt)}</td>
                  <td>
                    <a href="/admin/users/${u.id}/wallet"
                      >${t('admin.wallet')}<span class="visually-hidden"> ${u.email}</span></a
                    >
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${
        nextCursor
          ? html`<p><a href="/admin/users?cursor=${encodeURIComponent(nextCursor)}">${t('admin.more')}</a></p>`
          : ''
      }`,
    message,
  );
}

/** `/admin/users/:id/wallet`: the balance and a credit/debit with a reason (billing.adjust_wallet). */
export function adminWalletPage(
  ctx: PageContext,
  user: { id: string; email: string },
  balanceKopecks: number | undefined,
  form: { amount?: string; reason?: string; idempotencyKey?: string },
  errors: FieldErrors = {},
  notice?: string,
): string {
  const { t } = ctx;
  const labels = { amount: t('admin.adjustAmount'), reason: t('admin.adjustReason') };
  return adminLayout(
    ctx,
    'users',
    t('admin.walletTitle', { email: user.email }),
    html`${
        balanceKopecks !== undefined
          ? html`<dl class="facts">
              <dt>${t('change.balance')}</dt>
              <dd data-balance>${rub(ctx, balanceKopecks)}</dd>
            </dl>`
          : html`<p>${t('billing.unavailable')}</p>`
      }
      ${errorSummary(ctx, errors, labels)}
      <form class="stack" method="post" action="/admin/users/${user.id}/wallet" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="idempotencyKey" value="${form.idempotencyKey ?? randomUUID()}" />
        <div>
          <label for="amount">${labels.amount}</label>
          <input
            id="amount"
            name="amount"
            inputmode="decimal"
            value="${form.amount ?? ''}"
            ${invalid(errors, 'amount')}
          />
          ${fieldError(errors, 'amount')}
        </div>
        <div>
          <label for="reason">${labels.reason}</label>
          <input
            id="reason"
            name="reason"
            maxlength="500"
            value="${form.reason ?? ''}"
            ${invalid(errors, 'reason', 'reason-hint')}
          />
          <p class="hint" id="reason-hint">${t('admin.adjustReasonHint')}</p>
          ${fieldError(errors, 'reason')}
        </div>
        <button type="submit">${t('admin.adjust')}</button>
      </form>
      <p><a href="/admin/users">${t('admin.users')}</a></p>`,
    { notice },
  );
}

export interface AdminTopUpRow {
  id: string;
  userEmail: string;
  provider: string;
  amountKopecks: number;
  refundedKopecks: number;
  status: string;
  createdAt: string;
  providerPayment: string;
}

/** `/admin/top-ups`: every user's payments, filterable by status, with refunds of paid ones. */
export function adminTopUpsPage(
  ctx: PageContext,
  topUps: AdminTopUpRow[],
  status: string,
  nextCursor: string | null,
  message: { notice?: string; error?: string } = {},
): string {
  const { t } = ctx;
  const statusWord = (s: string) => t((knownKey(`topupStatus.${s}`) ?? 'topupStatus.pending') as MessageKey);
  return adminLayout(
    ctx,
    'topUps',
    t('admin.topUps'),
    html`<p class="hint">${t('admin.refundRule')}</p>
      <form class="actions" method="get" action="/admin/top-ups">
        <label for="status">${t('admin.status')}</label>
        <select id="status" name="status">
          ${['', 'pending', 'succeeded', 'failed'].map(
            (s) =>
              html`<option value="${s}" ${s === status ? html`selected` : ''}>
                ${s ? statusWord(s) : t('admin.all')}
              </option>`,
          )}
        </select>
        <button type="submit" class="secondary">${t('admin.filter')}</button>
      </form>
      ${
        topUps.length === 0
          ? html`<p>${t('admin.none')}</p>`
          : html`<div class="table-scroll">
              <table class="metrics admin" data-top-ups>
                <thead>
                  <tr>
                    <th scope="col">${t('admin.user')}</th>
                    <th scope="col">${t('receipt.amount')}</th>
                    <th scope="col">${t('admin.status')}</th>
                    <th scope="col">${t('receipt.date')}</th>
                    <th scope="col">${t('admin.refunded')}</th>
                    <th scope="col">${t('admin.refund')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${topUps.map((u) => {
                    const left = u.amountKopecks - u.refundedKopecks;
                    return html`<tr data-top-up="${u.id}">
                      <th scope="row">${u.userEmail}</th>
                      <td data-label="${t('receipt.amount')}">${rub(ctx, u.amountKopecks)}</td>
                      <td data-label="${t('admin.status')}" data-status="${u.status}">${statusWord(u.status)}</td>
                      <td data-label="${t('receipt.date')}">${formatDate(ctx.lang, u.createdAt)}</td>
                      <td data-label="${t('admin.refunded')}" data-refunded>${rub(ctx, u.refundedKopecks)}</td>
                      <td>
                        ${
                          u.status === 'succeeded' && left > 0
                            ? html`<form method="post" action="/admin/top-ups/${u.id}/refund">
                                ${csrfField(ctx)}<input type="hidden" name="idempotencyKey" value="${randomUUID()}" />
                                <label class="visually-hidden" for="amount-${u.id}">${t('admin.refundAmount')}</label>
                                <input
                                  id="amount-${u.id}"
                                  name="amount"
                                  inputmode="decimal"
                                  value="${roublesField(left)}"
                                  size="7"
                                />
                                <label class="visually-hidden" for="reason-${u.id}">${t('admin.refundReason')}</label>
                                <input
                                  id="reason-${u.id}"
                                  name="reason"
                                  maxlength="500"
                                  placeholder="${t('admin.refundReason')}"
                                />
                                <button type="submit" class="secondary">${t('admin.refund')}</button>
                              </form>`
                            : ''
                        }
                      </td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
      }
      ${
        nextCursor
          ? html`<p>
              <a href="/admin/top-ups?status=${status}&amp;cursor=${encodeURIComponent(nextCursor)}"
                >${t('admin.more')}</a
              >
            </p>`
          : ''
      }`,
    message,
  );
}
