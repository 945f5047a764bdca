import { randomUUID } from 'node:crypto';
import type { BillingAccount } from '../account/account-overview.service';
import type { UserProfile } from '../accounts/user-accounts.service';
import type { GenerationSummaryDto, GenerationViewDto } from '../generations/generation.dto';
import { html, type SafeHtml } from './html';
import { formatDate, formatMoney } from './format';
import { icon } from './icons';
import { codeWords, knownKey, type MessageKey } from './i18n';
import { failureMessage, quotaWays } from './studio-quota';
import { errorSummary, fieldError, invalid, type FieldErrors } from './form-errors';
import { csrfField, layout, type PageContext } from './layout';
import { explainScore, judgeReasons, verdictText } from './why';
import { GALLERY_ASSETS, imageDownloads, lightbox, resultTools, zoomableImage } from './gallery-pages';

export const PLATFORMS = [
  'instagram_post',
  'instagram_story',
  'vk_post',
  'telegram_post',
  'banner',
  'marketplace_card',
  'poster',
] as const;
/** `auto`: the platform's own format (Instagram 1080×1080, story 1080×1920, Ozon card 900×1200 …), chosen by the enhancer. */
export const SIZES = ['auto', '512x512', '768x768', '1024x1024', '1024x768', '768x1024', '1080x1350'] as const;

const statusText = (ctx: PageContext, status: string): string => ctx.t(knownKey(`status.${status}`) ?? 'status.queued');

export function messages(ctx: PageContext, notice?: string, errors: string[] = []): SafeHtml {
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
  ${
    errors.length
      ? html`<div class="error" role="alert" tabindex="-1" id="form-errors">
          ${
            errors.length === 1
              ? errors[0]
              : html`<ul>
                  ${errors.map((e) => html`<li>${e}</li>`)}
                </ul>`
          }
        </div>`
      : ''
  }`;
}

export { errorSummary, fieldError, invalid, type FieldErrors } from './form-errors';

export function landingPage(ctx: PageContext): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('landing.title'),
    html`<h1>${t('landing.title')}</h1>
      <p>${t('app.tagline')}</p>
      <p>${t('landing.lead')}</p>
      <ol>
        <li>${t('landing.step1')}</li>
        <li>${t('landing.step2')}</li>
        <li>${t('landing.step3')}</li>
      </ol>
      <p>
        ${
          ctx.signedIn
            ? html`<a class="button" href="/app">${t('landing.open')}</a>`
            : html`<a class="button" href="/register">${t('landing.cta')}</a>
                <a class="button secondary" href="/login">${t('nav.login')}</a>`
        }
      </p>`,
  );
}

export interface LoginForm {
  email?: string;
  next?: string;
  notice?: string;
  error?: string;
}

export function loginPage(ctx: PageContext, form: LoginForm): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('login.title'),
    html`<h1>${t('login.title')}</h1>
      ${messages(ctx, form.notice, form.error ? [form.error] : [])}
      <form class="stack" method="post" action="/login" novalidate>
        ${csrfField(ctx)} ${form.next ? html`<input type="hidden" name="next" value="${form.next}" />` : ''}
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
          />
        </div>
        <div>
          <label for="password">${t('field.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength="1024"
          />
        </div>
        <div><button type="submit">${t('login.submit')}</button></div>
      </form>
      <p><a href="/password/forgot">${t('login.forgot')}</a></p>
      <p>${t('login.noAccount')} <a href="/register">${t('nav.register')}</a></p>`,
  );
}

export interface RegisterForm {
  email?: string;
  displayName?: string;
  errors?: FieldErrors;
}

export function registerPage(ctx: PageContext, form: RegisterForm): string {
  const { t } = ctx;
  const errors = form.errors ?? {};
  const labels = {
    email: t('field.email'),
    displayName: t('field.displayName'),
    password: t('field.password'),
    password2: t('field.password2'),
  };
  return layout(
    ctx,
    t('register.title'),
    html`<h1>${t('register.title')}</h1>
      ${errorSummary(ctx, errors, labels)}
      <form class="stack" method="post" action="/register" novalidate>
        ${csrfField(ctx)}
        <div>
          <label for="email">${labels.email}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            maxlength="320"
            value="${form.email ?? ''}"
            ${invalid(errors, 'email')}
          />
          ${fieldError(errors, 'email')}
        </div>
        <div>
          <label for="displayName">${labels.displayName}</label>
          <input
            id="displayName"
            name="displayName"
            autocomplete="name"
            maxlength="80"
            value="${form.displayName ?? ''}"
          />
        </div>
        <div>
          <label for="password">${labels.password}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            minlength="10"
            maxlength="128"
            ${invalid(errors, 'password', 'password-hint')}
          />
          <p class="hint" id="password-hint">${t('register.passwordHint')}</p>
          ${fieldError(errors, 'password')}
        </div>
        <div>
          <label for="password2">${labels.password2}</label>
          <input
            id="password2"
            name="password2"
            type="password"
            autocomplete="new-password"
            required
            maxlength="128"
            ${invalid(errors, 'password2')}
          />
          ${fieldError(errors, 'password2')}
        </div>
        <div><button type="submit">${t('register.submit')}</button></div>
      </form>
      <p>${t('register.haveAccount')} <a href="/login">${t('nav.login')}</a></p>`,
  );
}

export type StudioForm = Partial<
  Record<
    'prompt' | 'platform' | 'n' | 'size' | 'steps' | 'guidance' | 'seed' | 'idempotencyKey' | 'brandProfile',
    string
  >
>;

/** The user's brand kits for the studio's select; the default one is preselected. */
export interface StudioBrand {
  id: string;
  name: string;
  isDefault: boolean;
}

/** What billing allows now: the count select never offers more than this. */
export interface StudioQuota {
  left: number;
  maxPerRequest: number;
}

export function studioPage(
  ctx: PageContext,
  history: { items: GenerationSummaryDto[]; nextCursor: string | null },
  form: StudioForm = {},
  errors: FieldErrors = {},
  quota?: StudioQuota,
  brands: readonly StudioBrand[] = [],
): string {
  const { t } = ctx;
  // Sent back after an error: the user's choice; fresh: the default profile (or none when there is none).
  const brandChoice = form.brandProfile ?? brands.find((b) => b.isDefault)?.id ?? 'none';
  const labels: Record<string, string> = {
    prompt: t('studio.prompt'),
    platform: t('studio.platform'),
    n: t('studio.count'),
    size: t('studio.size'),
    steps: t('studio.steps'),
    guidance: t('studio.guidance'),
    seed: t('studio.seed'),
  };
  const advancedInvalid = ['steps', 'guidance', 'seed'].some((f) => errors[f]?.length);
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
  const cap = quota ? Math.min(4, quota.maxPerRequest || 4, quota.left) : 4;
  const counts = ['1', '2', '3', '4'].slice(0, Math.max(1, cap));
  const n = form.n && counts.includes(form.n) ? form.n : counts[counts.length - 1];
  // Nothing left: the form offers no image at all (the server refuses too, with the ways forward).
  const noneLeft = quota !== undefined && quota.left <= 0;
  const size = form.size ?? 'auto';
  return layout(
    ctx,
    t('studio.title'),
    html`<h1>${t('studio.title')}</h1>
      <section aria-labelledby="new-request">
        <h2 id="new-request">${t('studio.new')}</h2>
        ${errorSummary(ctx, errors, labels)}
        ${
          quota
            ? quota.left > 0
              ? html`<p class="notice" data-images-left="${quota.left}">
                  ${t('studio.imagesLeft', { left: quota.left })}
                </p>`
              : html`<div class="error" role="alert" data-images-left="0">
                  <p>${t('quota.none')}</p>
                  ${quotaWays(ctx)}
                </div>`
            : ''
        }
        <form class="stack" method="post" action="/app/requests" novalidate>
          ${csrfField(ctx)}
          <!-- One key per render: a double submit or a browser retry of this form makes one generation. -->
          <input type="hidden" name="idempotencyKey" value="${form.idempotencyKey ?? randomUUID()}" />
          <div>
            <label for="prompt">${t('studio.prompt')}</label>
            <textarea id="prompt" name="prompt" required maxlength="2000" ${invalid(errors, 'prompt', 'prompt-hint')}>
${form.prompt ?? ''}</textarea>
            <p class="hint" id="prompt-hint">${t('studio.promptHint')}</p>
            ${fieldError(errors, 'prompt')}
          </div>
          <div class="row">
            <div>
              <label for="platform">${t('studio.platform')}</label>
              <select id="platform" name="platform" ${invalid(errors, 'platform')}>
                ${option('', t('studio.platformAuto'), !form.platform)}
                ${PLATFORMS.map((p) => option(p, codeWords(t, 'platform', p), form.platform === p))}
              </select>
              ${fieldError(errors, 'platform')}
            </div>
            <div>
              <label for="brand">${t('studio.brand')}</label>
              <select id="brand" name="brandProfile">
                ${brands.map((b) => option(b.id, b.name, brandChoice === b.id))}
                ${option('none', t('studio.brandNone'), brandChoice === 'none')}
              </select>
              <p class="hint"><a href="/brand-profiles">${t('nav.brandKits')}</a></p>
            </div>
          </div>
          <div class="row">
            <div>
              <label for="n">${t('studio.count')}</label>
              <select id="n" name="n" ${invalid(errors, 'n')} ${noneLeft ? html`disabled` : ''}>
                ${counts.map((v) => option(v, v, v === n))}
              </select>
              ${fieldError(errors, 'n')} ${errors.n?.length && !noneLeft ? quotaWays(ctx) : ''}
            </div>
            <div>
              <label for="size">${t('studio.size')}</label>
              <select id="size" name="size" ${invalid(errors, 'size')}>
                ${SIZES.map((s) => option(s, s === 'auto' ? t('studio.sizeAuto') : s.replace('x', '×'), s === size))}
              </select>
              ${fieldError(errors, 'size')}
            </div>
          </div>
          <details ${advancedInvalid ? html`open` : ''}>
            <summary>${t('studio.advanced')}</summary>
            <div class="row">
              <div>
                <label for="steps">${t('studio.steps')}</label>
                <input
                  id="steps"
                  name="steps"
                  type="number"
                  inputmode="numeric"
                  min="1"
                  max="150"
                  value="${form.steps ?? '20'}"
                  ${invalid(errors, 'steps')}
                />
                ${fieldError(errors, 'steps')}
              </div>
              <div>
                <label for="guidance">${t('studio.guidance')}</label>
                <input
                  id="guidance"
                  name="guidance"
                  type="number"
                  inputmode="decimal"
                  min="0"
                  max="30"
                  step="0.5"
                  value="${form.guidance ?? '7'}"
                  ${invalid(errors, 'guidance')}
                />
                ${fieldError(errors, 'guidance')}
              </div>
              <div>
                <label for="seed">${t('studio.seed')}</label>
                <input
                  id="seed"
                  name="seed"
                  type="number"
                  inputmode="numeric"
                  min="0"
                  value="${form.seed ?? ''}"
                  ${invalid(errors, 'seed', 'seed-hint')}
                />
                <p class="hint" id="seed-hint">${t('studio.seedHint')}</p>
                ${fieldError(errors, 'seed')}
              </div>
            </div>
          </details>
          <div><button type="submit" ${noneLeft ? html`disabled` : ''}>${t('studio.submit')}</button></div>
        </form>
      </section>
      <section aria-labelledby="history">
        <h2 id="history">${t('studio.history')}</h2>
        ${
          history.items.length === 0
            ? html`<p>${t('studio.empty')}</p>`
            : html`<ul class="history">
                ${history.items.map(
                  (g) =>
                    html`<li>
                      ${g.thumbnailUrl ? html`<img src="${g.thumbnailUrl}" alt="" loading="lazy" width="56" height="56" />` : ''}
                      <div class="meta">
                        <div class="prompt">${g.prompt}</div>
                        <div class="status">${statusText(ctx, g.status)} · ${formatDate(ctx.lang, g.createdAt)}</div>
                      </div>
                      <a
                        href="${g.status === 'completed' ? `/app/requests/${g.id}` : `/app/tasks/${g.id}`}"
                        aria-label="${t('studio.open')}: ${g.prompt.slice(0, 60)}"
                        >${t('studio.open')}</a
                      >
                    </li>`,
                )}
              </ul>`
        }
        ${
          history.nextCursor
            ? html`<p><a href="/app?cursor=${encodeURIComponent(history.nextCursor)}">${t('studio.more')}</a></p>`
            : ''
        }
        <p><a href="/app/history">${t('gallery.allHistory')}</a></p>
      </section>`,
  );
}

const STEP_KEYS: MessageKey[] = [
  'step.quota.reserved',
  'step.prompt.enhanced',
  'step.images.generated',
  'step.generation.completed',
];

export function taskPage(ctx: PageContext, g: GenerationViewDto, notice?: string): string {
  const { t } = ctx;
  const seen = new Set(g.steps.map((s) => `step.${s.event}`));
  const failedStep = g.steps.find((s) => s.status === 'failed' || s.status === 'rejected');
  const expected = [...STEP_KEYS.filter((k) => !failedStep || seen.has(k))];
  if (failedStep) expected.push(knownKey(`step.${failedStep.event}`) ?? 'step.generation.failed');
  const labels: Record<string, string> = {};
  for (const key of [...STEP_KEYS, 'step.quota.rejected', 'step.generation.failed'] as MessageKey[])
    labels[key] = t(key);
  for (const s of ['queued', 'reserved', 'enhancing', 'generating', 'judging', 'completed', 'failed', 'rejected']) {
    labels[`status.${s}`] = statusText(ctx, s);
  }
  const terminal = ['completed', 'failed', 'rejected'].includes(g.status);
  return layout(
    ctx,
    t('task.title'),
    html`<div
      data-events-url="/v1/generations/${g.id}/events"
      data-labels="${JSON.stringify(labels)}"
      ${terminal ? html`data-final="${g.status}"` : ''}
    >
      <h1>${t('task.title')}</h1>
      ${messages(ctx, notice)}
      <p><strong>${t('request.prompt')}:</strong> ${g.prompt}</p>
      <p>${t('task.live')}</p>
      <p role="status" aria-live="polite"><strong data-status="${g.status}">${statusText(ctx, g.status)}</strong></p>
      <ol class="steps">
        ${expected.map((key) => {
          const event = key.slice('step.'.length);
          const done = seen.has(key);
          const failed = done && failedStep && `step.${failedStep.event}` === key;
          return html`<li
            data-event="${event}"
            data-done="${done ? 'true' : 'false'}"
            class="${failed ? 'failed' : ''}"
          >
            ${t(key)}
          </li>`;
        })}
      </ol>
      ${
        g.failure?.code === 'cancelled'
          ? html`<p class="notice">${t('cancel.done')}</p>`
          : g.failure
            ? failureMessage(ctx, g.failure)
            : ''
      }
      ${terminal ? '' : cancelForm(ctx, g.id)}
      <p>
        <a class="button" href="/app/requests/${g.id}" data-done-link ${terminal ? '' : html`hidden`}>
          ${t('task.openResult')}</a
        >
      </p>
      <noscript
        ><p>
          <a href="/app/tasks/${g.id}">${icon('refresh')}${t('task.refresh')}</a>
        </p></noscript
      >
      ${
        terminal
          ? ''
          : html`<p class="hint" data-auto-open>${t('gallery.autoOpen')}</p>
              <!-- Without JavaScript: look again every 5 s; /next opens the result once it is there. -->
              <noscript><meta http-equiv="refresh" content="5; url=/app/tasks/${g.id}/next" /></noscript>`
      }
    </div>`,
    GALLERY_ASSETS,
  );
}

/** A plain form post (works without JavaScript); hidden by CSS once the live stream marks the task final. */
function cancelForm(ctx: PageContext, id: string): SafeHtml {
  return html`<form class="cancel-form" method="post" action="/app/tasks/${id}/cancel" data-cancel-form>
    ${csrfField(ctx)}
    <p class="hint">${ctx.t('cancel.hint')}</p>
    <button type="submit" class="secondary">${ctx.t('cancel.button')}</button>
  </form>`;
}

export function requestPage(
  ctx: PageContext,
  g: GenerationViewDto,
  verdicts: Record<number, 'like' | 'dislike'>,
  notice?: string,
): string {
  const { t } = ctx;
  const count = g.images.length;
  const body =
    g.status !== 'completed'
      ? html`<p>${t('request.notReady')} <a href="/app/tasks/${g.id}">${t('request.watch')}</a></p>
          ${g.failure ? failureMessage(ctx, g.failure) : ''}`
      : html`<ol class="gallery">
          ${g.images.map(
            (img, i) =>
              html`<li>
                <h2>${t('request.rank', { rank: img.rank })}</h2>
                ${zoomableImage(
                  ctx,
                  img,
                  i,
                  t('request.imageAlt', { rank: img.rank, count, prompt: g.prompt.slice(0, 120) }),
                )}
                <dl class="facts">
                  <dt>${t('request.score')}</dt>
                  <dd data-score>${img.score.toFixed(3)}</dd>
                  ${
                    verdictText(img.metrics, t)
                      ? html`<dt>${t('request.verdict')}</dt>
                          <dd data-verdict>${verdictText(img.metrics, t)}</dd>`
                      : ''
                  }
                  ${
                    judgeReasons(img.metrics, t)
                      ? html`<dt>${t('request.reasons')}</dt>
                          <dd data-reasons>${judgeReasons(img.metrics, t)}</dd>`
                      : ''
                  }
                  <dt>${t('request.why')}</dt>
                  <dd>${explainScore(img.metrics, t)}</dd>
                </dl>
                <form
                  class="actions"
                  method="post"
                  action="/app/requests/${g.id}/feedback"
                  data-feedback="/v1/generations/${g.id}/feedback"
                  data-rank="${img.rank}"
                >
                  ${csrfField(ctx)}
                  <input type="hidden" name="rank" value="${img.rank}" />
                  <button
                    type="submit"
                    name="verdict"
                    value="like"
                    class="secondary like"
                    aria-pressed="${verdicts[img.rank] === 'like' ? 'true' : 'false'}"
                  >
                    ${icon('like')}${t('request.like')}
                  </button>
                  <button
                    type="submit"
                    name="verdict"
                    value="dislike"
                    class="secondary dislike"
                    aria-pressed="${verdicts[img.rank] === 'dislike' ? 'true' : 'false'}"
                  >
                    ${icon('dislike')}${t('request.dislike')}
                  </button>
                  <span role="status" class="status" data-saved="${t('request.saved')}"></span>
                </form>
                ${imageDownloads(ctx, g, img)}
              </li>`,
          )}
        </ol>`;
  return layout(
    ctx,
    t('request.title'),
    html`<h1>${t('request.title')}</h1>
      ${messages(ctx, notice)}
      <dl class="facts">
        <dt>${t('request.prompt')}</dt>
        <dd id="prompt-text">${g.prompt}</dd>
        ${
          g.enhancedPrompt
            ? html`<dt>${t('request.enhanced')}</dt>
                <dd>${g.enhancedPrompt}</dd>`
            : ''
        }
      </dl>
      ${resultTools(ctx, g)} ${body} ${g.status === 'completed' ? lightbox(ctx, count) : ''}`,
    GALLERY_ASSETS,
  );
}

export function accountPage(
  ctx: PageContext,
  profile: UserProfile | undefined,
  billing: BillingAccount | undefined,
): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('account.title'),
    html`<h1>${t('account.title')}</h1>
      <section aria-labelledby="profile">
        <h2 id="profile">${t('account.profile')}</h2>
        ${
          profile
            ? html`<dl class="facts">
                <dt>${t('field.email')}</dt>
                <dd>${profile.email}</dd>
                ${
                  profile.displayName
                    ? html`<dt>${t('field.displayName')}</dt>
                        <dd>${profile.displayName}</dd>`
                    : ''
                }
                <dt>${t('account.role')}</dt>
                <dd>${codeWords(t, 'role', profile.role)}</dd>
                <dt>${t('account.since')}</dt>
                <dd>${formatDate(ctx.lang, profile.createdAt)}</dd>
              </dl>`
            : html`<p>${t('account.devIdentity')}</p>`
        }
      </section>
      <section aria-labelledby="plan">
        <h2 id="plan">${t('account.plan')}</h2>
        ${
          billing
            ? html`<dl class="facts">
                <dt>${t('account.plan')}</dt>
                <dd>${codeWords(t, 'plan', billing.plan)}</dd>
                <dt>${t('account.usage')}</dt>
                <dd>
                  ${t('account.usageValue', {
                    used: billing.usage.committed,
                    limit: billing.usage.monthlyImages,
                    reserved: billing.usage.reserved,
                  })}
                </dd>
                <dt>${t('account.wallet')}</dt>
                <dd>${formatMoney(ctx.lang, billing.wallet.balanceKopecks / 100, billing.wallet.currency)}</dd>
              </dl>`
            : html`<p>${t('account.billingUnavailable')}</p>`
        }
      </section>
      <section aria-labelledby="brands">
        <h2 id="brands">${t('account.brandProfiles')}</h2>
        <p><a href="/brand-profiles">${t('nav.brandKits')}</a></p>
      </section>`,
  );
}

export function errorPage(ctx: PageContext, message: string): string {
  return layout(
    ctx,
    ctx.t('error.title'),
    html`<h1>${ctx.t('error.title')}</h1>
      <p class="error" role="alert">${message}</p>
      <p><a href="/">${ctx.t('error.home')}</a></p>`,
  );
}
