import { html, type SafeHtml } from './html';
import { csrfField, layout, type PageContext } from './layout';
import { errorSummary, fieldError, invalid, messages, type FieldErrors } from './pages';

/** A password input with its label, hint and errors. */
function passwordField(
  ctx: PageContext,
  errors: FieldErrors,
  id: string,
  label: string,
  autocomplete: 'current-password' | 'new-password',
  hint?: string,
): SafeHtml {
  return html`<div>
    <label for="${id}">${label}</label>
    <input
      id="${id}"
      name="${id}"
      type="password"
      autocomplete="${autocomplete}"
      required
      maxlength="1024"
      ${invalid(errors, id, hint ? `${id}-hint` : undefined)}
    />
    ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''} ${fieldError(errors, id)}
  </div>`;
}

export interface ForgotForm {
  email?: string;
  errors?: FieldErrors;
  /** Shown after a request: the same words whether or not the address has an account. */
  sent?: { email: string; minutes: number };
  error?: string;
}

export function forgotPasswordPage(ctx: PageContext, form: ForgotForm): string {
  const { t } = ctx;
  const errors = form.errors ?? {};
  return layout(
    ctx,
    t('forgot.title'),
    html`<h1>${t('forgot.title')}</h1>
      ${form.sent ? messages(ctx, t('forgot.sent', form.sent)) : messages(ctx, undefined, form.error ? [form.error] : [])}
      ${errorSummary(ctx, errors, { email: t('field.email') })}
      <p>${t('forgot.lead')}</p>
      <form class="stack" method="post" action="/password/forgot" novalidate>
        ${csrfField(ctx)}
        <div>
          <label for="email">${t('field.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            maxlength="320"
            value="${form.email ?? ''}"
            ${invalid(errors, 'email')}
          />
          ${fieldError(errors, 'email')}
        </div>
        <div><button type="submit">${t('forgot.submit')}</button></div>
      </form>
      <p><a href="/login">${t('nav.login')}</a></p>`,
  );
}

export function resetPasswordPage(ctx: PageContext, token: string | undefined, errors: FieldErrors = {}): string {
  const { t } = ctx;
  if (!token) {
    return layout(
      ctx,
      t('reset.title'),
      html`<h1>${t('reset.title')}</h1>
        ${messages(ctx, undefined, [t('reset.invalid')])}
        <p><a class="button" href="/password/forgot">${t('reset.again')}</a></p>`,
    );
  }
  const labels = { password: t('field.newPassword'), password2: t('field.newPassword2') };
  return layout(
    ctx,
    t('reset.title'),
    html`<h1>${t('reset.title')}</h1>
      ${errorSummary(ctx, errors, labels)}
      <form class="stack" method="post" action="/password/reset" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="token" value="${token}" />
        ${passwordField(ctx, errors, 'password', labels.password, 'new-password', t('register.passwordHint'))}
        ${passwordField(ctx, errors, 'password2', labels.password2, 'new-password')}
        <div><button type="submit">${t('reset.submit')}</button></div>
      </form>`,
  );
}

export function noticePage(ctx: PageContext, title: string, notice: string, link?: { href: string; label: string }) {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
      ${messages(ctx, notice)} ${link ? html`<p><a class="button" href="${link.href}">${link.label}</a></p>` : ''}`,
  );
}

export interface SecurityState {
  email: string;
  notice?: string;
  /** Which form the errors belong to. */
  errors?: { form: 'password' | 'email' | 'delete'; fields: FieldErrors; newEmail?: string };
}

export function securityPage(ctx: PageContext, s: SecurityState): string {
  const { t } = ctx;
  const errs = (form: 'password' | 'email' | 'delete'): FieldErrors => (s.errors?.form === form ? s.errors.fields : {});
  const pw = errs('password');
  const em = errs('email');
  const del = errs('delete');
  const labels = {
    current: t('field.currentPassword'),
    password: t('field.newPassword'),
    password2: t('field.newPassword2'),
    newEmail: t('field.newEmail'),
    emailPassword: t('field.currentPassword'),
    deletePassword: t('field.currentPassword'),
  };
  return layout(
    ctx,
    t('security.title'),
    html`<h1>${t('security.title')}</h1>
      ${messages(ctx, s.notice)} ${errorSummary(ctx, { ...pw, ...em, ...del }, labels)}
      <section aria-labelledby="password-h">
        <h2 id="password-h">${t('security.password')}</h2>
        <p>${t('security.passwordLead')}</p>
        <form class="stack" method="post" action="/account/password" novalidate>
          ${csrfField(ctx)} ${passwordField(ctx, pw, 'current', labels.current, 'current-password')}
          ${passwordField(ctx, pw, 'password', labels.password, 'new-password', t('register.passwordHint'))}
          ${passwordField(ctx, pw, 'password2', labels.password2, 'new-password')}
          <div><button type="submit">${t('security.passwordSubmit')}</button></div>
        </form>
      </section>
      <section aria-labelledby="email-h">
        <h2 id="email-h">${t('security.email')}</h2>
        <p data-email>${t('security.emailCurrent', { email: s.email })}</p>
        <p>${t('security.emailLead')}</p>
        <form class="stack" method="post" action="/account/email" novalidate>
          ${csrfField(ctx)}
          <div>
            <label for="newEmail">${labels.newEmail}</label>
            <input
              id="newEmail"
              name="newEmail"
              type="email"
              autocomplete="email"
              required
              maxlength="320"
              value="${s.errors?.newEmail ?? ''}"
              ${invalid(em, 'newEmail')}
            />
            ${fieldError(em, 'newEmail')}
          </div>
          ${passwordField(ctx, em, 'emailPassword', labels.emailPassword, 'current-password')}
          <div><button type="submit">${t('security.emailSubmit')}</button></div>
        </form>
      </section>
      <section aria-labelledby="delete-h">
        <h2 id="delete-h">${t('security.delete')}</h2>
        <p>${t('security.deleteLead')}</p>
        <form class="stack" method="post" action="/account/delete" novalidate>
          ${csrfField(ctx)} ${passwordField(ctx, del, 'deletePassword', labels.deletePassword, 'current-password')}
          <div><button type="submit" class="secondary">${t('security.deleteSubmit')}</button></div>
        </form>
      </section>`,
  );
}

export function emailConfirmPage(ctx: PageContext, token: string | undefined, email?: string): string {
  const { t } = ctx;
  if (!token || !email) {
    return layout(
      ctx,
      t('emailConfirm.title'),
      html`<h1>${t('emailConfirm.title')}</h1>
        ${messages(ctx, undefined, [t('emailConfirm.invalid')])}`,
    );
  }
  // A button, not the link itself: mail scanners that open links must not confirm anything.
  return layout(
    ctx,
    t('emailConfirm.title'),
    html`<h1>${t('emailConfirm.title')}</h1>
      <p>${t('emailConfirm.lead', { email })}</p>
      <form method="post" action="/account/email/confirm">
        ${csrfField(ctx)}
        <input type="hidden" name="token" value="${token}" />
        <button type="submit">${t('emailConfirm.submit')}</button>
      </form>`,
  );
}
