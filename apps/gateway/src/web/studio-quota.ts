import { html, type SafeHtml } from './html';
import type { PageContext } from './layout';

/** What billing allows now (images left this period, images per request). */
export interface QuotaNow {
  left: number;
  maxPerRequest: number;
}

/** Why `n` images cannot be asked for now, in the user's language; undefined when they can. */
export function studioQuotaProblem(ctx: PageContext, n: number, quota: QuotaNow): string | undefined {
  if (quota.left <= 0) return ctx.t('quota.none');
  if (quota.maxPerRequest > 0 && n > quota.maxPerRequest)
    return ctx.t('quota.overRequest', { max: quota.maxPerRequest });
  if (n > quota.left) return ctx.t('quota.overLeft', { left: quota.left, n });
  return undefined;
}

/** The ways forward when images run short: a bigger plan, or a top-up to pay for one. */
export function quotaWays(ctx: PageContext): SafeHtml {
  return html`<p class="actions" data-quota-ways>
    <a class="button" href="/pricing">${ctx.t('quota.waysPricing')}</a>
    <a class="button secondary" href="/account/billing/top-up">${ctx.t('quota.waysTopUp')}</a>
  </p>`;
}

const QUOTA_CODES = ['quota_exceeded', 'too_many_images_for_plan'];

/** A failed request's reason for the person: billing's quota refusals in their language with the ways forward. */
export function failureMessage(ctx: PageContext, failure: { code?: string; reason: string }): SafeHtml {
  if (failure.code && QUOTA_CODES.includes(failure.code)) {
    return html`<div class="error" role="alert" data-failure="${failure.code}">
      <p>${ctx.t('quota.rejected')}</p>
      ${quotaWays(ctx)}
    </div>`;
  }
  return html`<p class="error">${ctx.t('request.failure')}: ${failure.reason}</p>`;
}
