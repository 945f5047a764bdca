import type { BillingAccount } from '../account/account-overview.service';
import type { UserProfile } from '../accounts/user-accounts.service';
import type { GenerationSummaryDto, GenerationViewDto } from '../generations/generation.dto';
import { html, type SafeHtml } from './html';
import { knownKey, type MessageKey } from './i18n';
import { csrfField, layout, type PageContext } from './layout';
import { explainScore } from './why';

export const PLATFORMS = [
  'instagram_post',
  'instagram_story',
  'vk_post',
  'telegram_post',
  'banner',
  'marketplace_card',
  'poster',
] as const;
export const SIZES = ['512x512', '768x768', '1024x1024', '1024x768', '768x1024', '1080x1350'] as const;

const statusText = (ctx: PageContext, status: string): string => ctx.t(knownKey(`status.${status}`) ?? 'status.queued');

function messages(ctx: PageContext, notice?: string, errors: string[] = []): SafeHtml {
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
      <p>${t('login.noAccount')} <a href="/register">${t('nav.register')}</a></p>`,
  );
}

export interface RegisterForm {
  email?: string;
  displayName?: string;
  errors?: string[];
}

export function registerPage(ctx: PageContext, form: RegisterForm): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('register.title'),
    html`<h1>${t('register.title')}</h1>
      ${messages(ctx, undefined, form.errors)}
      <form class="stack" method="post" action="/register" novalidate>
        ${csrfField(ctx)}
        <div>
          <label for="email">${t('field.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            maxlength="320"
            value="${form.email ?? ''}"
          />
        </div>
        <div>
          <label for="displayName">${t('field.displayName')}</label>
          <input
            id="displayName"
            name="displayName"
            autocomplete="name"
            maxlength="80"
            value="${form.displayName ?? ''}"
          />
        </div>
        <div>
          <label for="password">${t('field.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            minlength="10"
            maxlength="128"
            aria-describedby="password-hint"
          />
          <p class="hint" id="password-hint">${t('register.passwordHint')}</p>
        </div>
        <div>
          <label for="password2">${t('field.password2')}</label>
          <input id="password2" name="password2" type="password" autocomplete="new-password" required maxlength="128" />
        </div>
        <div><button type="submit">${t('register.submit')}</button></div>
      </form>
      <p>${t('register.haveAccount')} <a href="/login">${t('nav.login')}</a></p>`,
  );
}

export type StudioForm = Partial<Record<'prompt' | 'platform' | 'n' | 'size' | 'steps' | 'guidance' | 'seed', string>>;

export function studioPage(
  ctx: PageContext,
  history: { items: GenerationSummaryDto[]; nextCursor: string | null },
  form: StudioForm = {},
  errors: string[] = [],
): string {
  const { t } = ctx;
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
  const n = form.n ?? '4';
  const size = form.size ?? '512x512';
  return layout(
    ctx,
    t('studio.title'),
    html`<h1>${t('studio.title')}</h1>
      <section aria-labelledby="new-request">
        <h2 id="new-request">${t('studio.new')}</h2>
        ${messages(ctx, undefined, errors.length ? [t('studio.errors'), ...errors] : [])}
        <form class="stack" method="post" action="/app/requests">
          ${csrfField(ctx)}
          <div>
            <label for="prompt">${t('studio.prompt')}</label>
            <textarea id="prompt" name="prompt" required maxlength="2000" aria-describedby="prompt-hint">
${form.prompt ?? ''}</textarea>
            <p class="hint" id="prompt-hint">${t('studio.promptHint')}</p>
          </div>
          <div class="row">
            <div>
              <label for="platform">${t('studio.platform')}</label>
              <select id="platform" name="platform">
                ${option('', t('studio.platformAuto'), !form.platform)}
                ${PLATFORMS.map((p) => option(p, p.replace('_', ' '), form.platform === p))}
              </select>
            </div>
            <div>
              <label for="brand">${t('studio.brand')}</label>
              <select id="brand" name="brandProfile">
                ${option('', t('studio.brandNone'), true)}
              </select>
            </div>
          </div>
          <div class="row">
            <div>
              <label for="n">${t('studio.count')}</label>
              <select id="n" name="n">
                ${['1', '2', '3', '4'].map((v) => option(v, v, v === n))}
              </select>
            </div>
            <div>
              <label for="size">${t('studio.size')}</label>
              <select id="size" name="size">
                ${SIZES.map((s) => option(s, s.replace('x', '×'), s === size))}
              </select>
            </div>
          </div>
          <details ${errors.length ? html`open` : ''}>
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
                />
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
                />
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
                  aria-describedby="seed-hint"
                />
                <p class="hint" id="seed-hint">${t('studio.seedHint')}</p>
              </div>
            </div>
          </details>
          <div><button type="submit">${t('studio.submit')}</button></div>
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
                        <div class="status">${statusText(ctx, g.status)} · ${formatDate(ctx, g.createdAt)}</div>
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
      </section>`,
  );
}

const STEP_KEYS: MessageKey[] = [
  'step.quota.reserved',
  'step.prompt.enhanced',
  'step.images.generated',
  'step.generation.completed',
];

export function taskPage(ctx: PageContext, g: GenerationViewDto): string {
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
      ${g.failure ? html`<p class="error">${t('request.failure')}: ${g.failure.reason}</p>` : ''}
      <p>
        <a class="button" href="/app/requests/${g.id}" data-done-link ${terminal ? '' : html`hidden`}>
          ${t('task.openResult')}</a
        >
      </p>
      <noscript
        ><p><a href="/app/tasks/${g.id}">↻</a></p></noscript
      >
    </div>`,
  );
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
          ${g.failure ? html`<p class="error">${t('request.failure')}: ${g.failure.reason}</p>` : ''}`
      : html`<ol class="gallery">
          ${g.images.map(
            (img) =>
              html`<li>
                <h2>${t('request.rank', { rank: img.rank })}</h2>
                <img
                  src="${img.url}"
                  width="${img.width}"
                  height="${img.height}"
                  loading="lazy"
                  alt="${t('request.imageAlt', { rank: img.rank, count, prompt: g.prompt.slice(0, 120) })}"
                />
                <dl class="facts">
                  <dt>${t('request.score')}</dt>
                  <dd data-score>${img.score.toFixed(3)}</dd>
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
                    👍 ${t('request.like')}
                  </button>
                  <button
                    type="submit"
                    name="verdict"
                    value="dislike"
                    class="secondary dislike"
                    aria-pressed="${verdicts[img.rank] === 'dislike' ? 'true' : 'false'}"
                  >
                    👎 ${t('request.dislike')}
                  </button>
                  <a class="button secondary" href="${img.url}?download=1" download>${t('request.download')}</a>
                  <span role="status" class="status" data-saved="${t('request.saved')}"></span>
                </form>
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
        <dd>${g.prompt}</dd>
        ${
          g.enhancedPrompt
            ? html`<dt>${t('request.enhanced')}</dt>
                <dd>${g.enhancedPrompt}</dd>`
            : ''
        }
      </dl>
      ${body}`,
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
                <dd>${profile.role}</dd>
                <dt>${t('account.since')}</dt>
                <dd>${formatDate(ctx, profile.createdAt)}</dd>
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
                <dd>${billing.plan}</dd>
                <dt>${t('account.usage')}</dt>
                <dd>
                  ${t('account.usageValue', {
                    used: billing.usage.committed,
                    limit: billing.usage.monthlyImages,
                    reserved: billing.usage.reserved,
                  })}
                </dd>
                <dt>${t('account.wallet')}</dt>
                <dd>${formatMoney(ctx, billing.wallet.balanceKopecks, billing.wallet.currency)}</dd>
              </dl>`
            : html`<p>${t('account.billingUnavailable')}</p>`
        }
      </section>
      <section aria-labelledby="brands">
        <h2 id="brands">${t('account.brandProfiles')}</h2>
        <p>${t('account.brandProfilesSoon')}</p>
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

function formatDate(ctx: PageContext, d: Date | string): string {
  return new Intl.DateTimeFormat(ctx.lang === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(d));
}

function formatMoney(ctx: PageContext, kopecks: number, currency: string): string {
  try {
    return new Intl.NumberFormat(ctx.lang === 'ru' ? 'ru-RU' : 'en-GB', {
      style: 'currency',
      currency: currency || 'RUB',
    }).format(kopecks / 100);
  } catch {
    return `${(kopecks / 100).toFixed(2)} ${currency}`;
  }
}
