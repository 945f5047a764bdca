import { MAX_BATCH_ITEMS } from '../generations/create-generation.dto';
import type { BatchView } from '../generation-batches/generation-batches.service';
import { html, type SafeHtml } from './html';
import { csrfField, layout, type PageContext } from './layout';
import { formatPrice } from './shop-pages';

const CSS = ['shop-manage.css'] as const;
const PLATFORMS = ['marketplace_card', 'instagram_post', 'instagram_story', 'vk_post', 'telegram_post'] as const;

/** One of the shop's catalogue items as the chooser shows it. */
export interface ChoosableItem {
  id: string;
  title: string;
  price: number | null;
  currency: string;
  imageUrl: string | null;
}

export interface ProductCardsForm {
  q?: string;
  prompt?: string;
  platform?: string;
  chosen?: readonly string[];
  idempotencyKey: string;
}

/** `/studio/products`: search the shop's catalogue, tick the products, one request for all, submit. */
export function productCardsPage(
  ctx: PageContext,
  items: readonly ChoosableItem[],
  form: ProductCardsForm,
  left: number | undefined,
  recent: ReadonlyArray<{ id: string; prompt: string; total: number }>,
  error?: string,
): string {
  const { t } = ctx;
  const chosen = new Set(form.chosen ?? []);
  return layout(
    ctx,
    t('pc.title'),
    html`<h1>${t('pc.title')}</h1>
      <p>${t('pc.lead')}</p>
      ${left === undefined ? '' : html`<p class="hint" data-quota-left="${left}">${t('pc.quota', { left })}</p>`}
      ${error ? html`<p class="error" role="alert" data-error>${error}</p>` : ''}
      <form class="pc-search" method="get" action="/studio/products" role="search">
        <label for="pc-q">${t('pc.search')}</label>
        <span class="row">
          <input id="pc-q" name="q" type="search" value="${form.q ?? ''}" maxlength="100" />
          <button type="submit" class="secondary">${t('pc.searchButton')}</button>
        </span>
      </form>
      <form class="sm-form" method="post" action="/studio/products" novalidate>
        ${csrfField(ctx)}
        <input type="hidden" name="idempotencyKey" value="${form.idempotencyKey}" />
        <fieldset>
          <legend>${t('pc.choose')}</legend>
          <p class="hint" id="pc-choose-hint">${t('pc.chooseHint', { max: MAX_BATCH_ITEMS })}</p>
          ${
            items.length === 0
              ? html`<p role="status">${t('pc.empty')}</p>`
              : html`<ul class="sm-list pc-list" aria-describedby="pc-choose-hint">
                  ${items.map(
                    (item) =>
                      html`<li class="sm-item pc-item" data-item="${item.id}">
                        <input
                          class="pc-check"
                          type="checkbox"
                          name="itemIds"
                          value="${item.id}"
                          id="pc-${item.id}"
                          ${chosen.has(item.id) ? html`checked` : ''}
                          ${item.imageUrl ? '' : html`disabled`}
                        />
                        <span class="sm-thumb"
                          >${
                            item.imageUrl
                              ? html`<img
                                  src="/v1/catalog/items/${item.id}/image"
                                  alt=""
                                  width="60"
                                  height="80"
                                  loading="lazy"
                                />`
                              : html`<span class="no-photo">${t('pc.noPhoto')}</span>`
                          }</span
                        >
                        <label class="sm-main sm-title" for="pc-${item.id}">${item.title}</label>
                        <span class="price">${formatPrice(ctx.lang, item.price, item.currency, t)}</span>
                      </li>`,
                  )}
                </ul>`
          }
        </fieldset>
        <div class="field">
          <label for="pc-prompt">${t('pc.prompt')}</label>
          <input
            id="pc-prompt"
            name="prompt"
            maxlength="2000"
            value="${form.prompt ?? ''}"
            aria-describedby="pc-prompt-hint"
          />
          <p class="hint" id="pc-prompt-hint">${t('pc.promptHint')}</p>
        </div>
        <div class="field">
          <label for="pc-platform">${t('pc.platform')}</label>
          <select id="pc-platform" name="platform">
            ${PLATFORMS.map(
              (p) =>
                html`<option value="${p}" ${(form.platform ?? 'marketplace_card') === p ? html`selected` : ''}>
                  ${t(`platform.${p}`)}
                </option>`,
            )}
          </select>
        </div>
        <button type="submit">${t('pc.submit')}</button>
      </form>
      ${
        recent.length
          ? html`<section aria-labelledby="pc-recent-h">
              <h2 id="pc-recent-h">${t('pc.recent')}</h2>
              <ul>
                ${recent.map(
                  (b) =>
                    html`<li>
                      <a href="/studio/batches/${b.id}">${b.prompt || t('pc.title')}</a>
                      <span class="hint">${t('pc.items', { n: b.total })}</span>
                    </li>`,
                )}
              </ul>
            </section>`
          : ''
      }`,
    CSS,
  );
}

const childWord = (
  status: string,
): 'pc.child.completed' | 'pc.child.failed' | 'pc.child.waiting' | 'pc.child.working' =>
  status === 'completed'
    ? 'pc.child.completed'
    : status === 'failed' || status === 'rejected'
      ? 'pc.child.failed'
      : status === 'queued'
        ? 'pc.child.waiting'
        : 'pc.child.working';

/** `/studio/batches/{id}`: progress (refreshes itself while running), each product's card, the zip. */
export function batchPage(ctx: PageContext, batch: BatchView): string {
  const { t } = ctx;
  const running = batch.status === 'running';
  const cards: SafeHtml = html`<ul class="sm-list pc-results">
    ${batch.items.map(
      (item) =>
        html`<li class="sm-item pc-result" data-child="${item.generationId}" data-status="${item.status}">
          <span class="sm-thumb"
            >${item.image ? html`<img src="${item.image}" alt="${item.title}" width="60" height="80" />` : ''}</span
          >
          <span class="sm-main">
            <span class="sm-title">${item.title}</span>
            <span class="hint">${t(childWord(item.status))}</span>
          </span>
          <a class="sm-edit" href="/app/tasks/${item.generationId}">${t('pc.open')}</a>
        </li>`,
    )}
  </ul>`;
  return layout(
    ctx,
    t('pc.batchTitle', { done: batch.done, total: batch.total }),
    html`${running ? html`<meta http-equiv="refresh" content="3" />` : ''}
      <h1>${t('pc.title')}</h1>
      <p role="status" data-batch-status="${batch.status}">${t(`pc.status.${batch.status}`)}</p>
      <p>
        <progress
          max="${batch.total}"
          value="${batch.done}"
          aria-label="${t('pc.progress', { done: batch.done, total: batch.total })}"
        ></progress>
        <span>${t('pc.progress', { done: batch.done, total: batch.total })}</span>
      </p>
      <p class="sm-actions">
        ${
          batch.completed > 0
            ? html`<a class="button" href="/v1/generation-batches/${batch.id}/zip" download data-zip
                >${running ? t('pc.zipSoFar') : t('pc.zip')}</a
              >`
            : ''
        }
        <a class="button secondary" href="/studio/products">${t('pc.back')}</a>
      </p>
      ${cards}`,
    CSS,
  );
}
