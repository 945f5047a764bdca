import { html, type SafeHtml } from './html';
import type { PageContext } from './layout';

/** Problems per form field; the page shows each next to its field and all of them in one summary. */
export type FieldErrors = Partial<Record<string, string[]>>;

export function errorSummary(ctx: PageContext, errors: FieldErrors, labels: Record<string, string>): SafeHtml {
  const entries = Object.entries(errors).flatMap(([field, list]) => (list ?? []).map((e) => [field, e] as const));
  if (!entries.length) return html``;
  return html`<div class="error" role="alert" tabindex="-1" id="form-errors">
    <p>${ctx.t('form.errorsSummary', { count: entries.length })}</p>
    <ul>
      ${entries.map(([field, e]) => html`<li><a href="#${field}">${labels[field] ?? field}: ${e}</a></li>`)}
    </ul>
  </div>`;
}

/** aria attributes tying a field to its error (and hint); empty when the field is fine. */
export function invalid(errors: FieldErrors, field: string, hint?: string): SafeHtml {
  const ids = [errors[field]?.length ? `${field}-error` : '', hint ?? ''].filter(Boolean).join(' ');
  return html`${errors[field]?.length ? html`aria-invalid="true"` : ''} ${ids ? html`aria-describedby="${ids}"` : ''}`;
}

export function fieldError(errors: FieldErrors, field: string): SafeHtml {
  const list = errors[field];
  return list?.length ? html`<p class="field-error" id="${field}-error">${list.join(' ')}</p>` : html``;
}
