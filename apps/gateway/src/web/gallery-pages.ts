import { randomUUID } from 'node:crypto';
import type { GenerationSummaryDto, GenerationViewDto, RankedImageDto } from '../generations/generation.dto';
import { DOWNLOAD_FORMATS, type DownloadFormat } from '../gallery/image-formats';
import { filtersQuery, STATUS_GROUPS, type HistoryField, type HistoryFilters } from '../gallery/history-filters';
import { formatDate } from './format';
import { html, type SafeHtml } from './html';
import { codeWords, knownKey } from './i18n';
import { csrfField, layout, type PageContext } from './layout';
import { PLATFORMS } from './pages';

/** The gallery's own stylesheet and script, after the studio's (progressive enhancement only). */
export const GALLERY_ASSETS = ['gallery.css', 'gallery.js'] as const;

const FORMAT_LABEL: Record<DownloadFormat, string> = { png: 'PNG', jpg: 'JPG', webp: 'WebP' };

const statusText = (ctx: PageContext, status: string): string => ctx.t(knownKey(`status.${status}`) ?? 'status.queued');

/** The image, opening large in the lightbox with JavaScript and as the plain image file without. */
export function zoomableImage(ctx: PageContext, img: RankedImageDto, index: number, alt: string): SafeHtml {
  return html`<a
    class="zoom"
    href="${img.url}"
    data-lightbox="${index}"
    aria-label="${ctx.t('gallery.zoom', { rank: img.rank })}"
    ><img src="${img.url}" width="${img.width}" height="${img.height}" loading="lazy" alt="${alt}"
  /></a>`;
}

/** One image as PNG, JPG or WebP (converted by the gateway on request). */
export function imageDownloads(ctx: PageContext, g: GenerationViewDto, img: RankedImageDto): SafeHtml {
  return html`<p class="downloads">
    <span>${ctx.t('gallery.downloadAs')}</span>
    ${DOWNLOAD_FORMATS.map(
      (f) =>
        html`<a
          class="button secondary small"
          href="/v1/generations/${g.id}/images/${img.rank}/download?format=${f}"
          download
          aria-label="${ctx.t('gallery.downloadImage', { rank: img.rank, format: FORMAT_LABEL[f] })}"
          >${FORMAT_LABEL[f]}</a
        >`,
    )}
  </p>`;
}

/**
 * Copy the prompt, repeat (same seed or new seeds), download all, delete. The copy button is shown by the script
 * (without it the prompt above is plain selectable text); every other tool is a link or a form.
 */
export function resultTools(ctx: PageContext, g: GenerationViewDto): SafeHtml {
  const { t } = ctx;
  const again = (mode: 'same' | 'variations', label: string, primary: boolean) =>
    html`<form method="post" action="/app/requests/${g.id}/again">
      ${csrfField(ctx)}
      <!-- One key per render and button: a double submit makes one generation. -->
      <input type="hidden" name="idempotencyKey" value="${randomUUID()}" />
      <input type="hidden" name="mode" value="${mode}" />
      <button type="submit" class="${primary ? '' : 'secondary'}" data-again="${mode}">${label}</button>
    </form>`;
  return html`<section class="gallery-tools" aria-labelledby="gallery-tools">
    <h2 id="gallery-tools" class="visually-hidden">${t('gallery.tools')}</h2>
    <div class="actions" data-copy-row hidden>
      <button
        type="button"
        class="secondary"
        data-copy="prompt-text"
        data-copied="${t('gallery.copied')}"
        data-copy-failed="${t('gallery.copyFailed')}"
      >
        ${t('gallery.copyPrompt')}
      </button>
      <span role="status" class="status" data-copy-status></span>
    </div>
    <div class="actions">
      ${again('variations', t('gallery.variations'), true)} ${again('same', t('gallery.again'), false)}
    </div>
    <p class="hint">${t('gallery.againHint')}</p>
    ${
      g.status === 'completed' && g.images.length > 0
        ? html`<p class="downloads">
            <span>${t('gallery.downloadAll')}</span>
            ${DOWNLOAD_FORMATS.map(
              (f) =>
                html`<a
                  class="button secondary small"
                  href="/v1/generations/${g.id}/archive?format=${f}"
                  download
                  aria-label="${t('gallery.downloadAllAs', { format: FORMAT_LABEL[f] })}"
                  >${FORMAT_LABEL[f]}</a
                >`,
            )}
          </p>`
        : ''
    }
    <p><a class="danger" href="/app/requests/${g.id}/delete">${t('gallery.delete')}</a></p>
  </section>`;
}

/** The lightbox, rendered with the page so its labels are in the page's language; the script opens it. */
export function lightbox(ctx: PageContext, count: number): SafeHtml {
  const { t } = ctx;
  return html`<dialog
    class="lightbox"
    data-lightbox-dialog
    aria-labelledby="lightbox-caption"
    aria-describedby="lightbox-keys"
    data-position="${t('gallery.position', { index: '{index}', count })}"
  >
    <div class="lightbox-bar">
      <p id="lightbox-caption" class="lightbox-caption" aria-live="polite"></p>
      <button type="button" class="secondary" data-lb="zoom-out" aria-label="${t('gallery.zoomOut')}">−</button>
      <button type="button" class="secondary" data-lb="zoom-in" aria-label="${t('gallery.zoomIn')}">+</button>
      <button type="button" data-lb="close" aria-label="${t('gallery.close')}">×</button>
    </div>
    <div class="lightbox-stage" data-lb-stage data-zoom="1"><img data-lb-img alt="" /></div>
    <div class="lightbox-nav">
      <button type="button" class="secondary" data-lb="prev" aria-label="${t('gallery.prev')}">‹</button>
      <p id="lightbox-keys" class="hint">${t('gallery.keys')}</p>
      <button type="button" class="secondary" data-lb="next" aria-label="${t('gallery.next')}">›</button>
    </div>
  </dialog>`;
}

export function deleteConfirmPage(ctx: PageContext, g: GenerationViewDto): string {
  const { t } = ctx;
  return layout(
    ctx,
    t('gallery.deleteTitle'),
    html`<h1>${t('gallery.deleteTitle')}</h1>
      <p class="quote">${g.prompt}</p>
      <p>${t('gallery.deleteLead')}</p>
      <p class="hint">${t('gallery.deleteQuota')}</p>
      <form class="actions" method="post" action="/app/requests/${g.id}/delete">
        ${csrfField(ctx)}
        <button type="submit" class="danger">${t('gallery.deleteConfirm')}</button>
        <a class="button secondary" href="/app/requests/${g.id}">${t('gallery.deleteCancel')}</a>
      </form>`,
    GALLERY_ASSETS,
  );
}

/** What the search form shows: the raw values as typed (also when invalid) and each field's problem. */
export interface HistorySearch {
  raw: Partial<Record<HistoryField, string>>;
  filters: HistoryFilters;
  errors: Partial<Record<HistoryField, string>>;
}

export function historyPage(
  ctx: PageContext,
  page: { items: GenerationSummaryDto[]; nextCursor: string | null },
  search: HistorySearch,
  notice?: string,
): string {
  const { t } = ctx;
  const { raw, errors } = search;
  const labels: Record<HistoryField, string> = {
    q: t('gallery.q'),
    platform: t('studio.platform'),
    status: t('gallery.status'),
    from: t('gallery.from'),
    to: t('gallery.to'),
  };
  const invalid = (f: HistoryField, hint?: string) => {
    const ids = [errors[f] ? `${f}-error` : '', hint ?? ''].filter(Boolean).join(' ');
    return html`${errors[f] ? html`aria-invalid="true"` : ''} ${ids ? html`aria-describedby="${ids}"` : ''}`;
  };
  const fieldError = (f: HistoryField) =>
    errors[f] ? html`<p class="field-error" id="${f}-error">${errors[f]}</p>` : '';
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
  const problems = Object.entries(errors) as Array<[HistoryField, string]>;
  const searching = Object.keys(search.filters).length > 0;
  const more = page.nextCursor
    ? `/app/history?${[filtersQuery(search.filters), `cursor=${encodeURIComponent(page.nextCursor)}`]
        .filter(Boolean)
        .join('&')}`
    : undefined;
  return layout(
    ctx,
    t('gallery.historyTitle'),
    html`<h1>${t('gallery.historyTitle')}</h1>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      ${
        problems.length
          ? html`<div class="error" role="alert" tabindex="-1" id="form-errors">
              <p>${t('form.errorsSummary', { count: problems.length })}</p>
              <ul>
                ${problems.map(([f, e]) => html`<li><a href="#${f}">${labels[f]}: ${e}</a></li>`)}
              </ul>
            </div>`
          : ''
      }
      <form class="history-search" method="get" action="/app/history" role="search" novalidate>
        <fieldset>
          <legend>${t('gallery.searchLegend')}</legend>
          <div class="search-grid">
            <div class="wide">
              <label for="q">${labels.q}</label>
              <input id="q" name="q" type="search" maxlength="200" value="${raw.q ?? ''}" ${invalid('q', 'q-hint')} />
              <p class="hint" id="q-hint">${t('gallery.qHint')}</p>
              ${fieldError('q')}
            </div>
            <div>
              <label for="platform">${labels.platform}</label>
              <select id="platform" name="platform" ${invalid('platform')}>
                ${option('', t('gallery.platformAny'), !raw.platform)}
                ${PLATFORMS.map((p) => option(p, codeWords(t, 'platform', p), raw.platform === p))}
              </select>
              ${fieldError('platform')}
            </div>
            <div>
              <label for="status">${labels.status}</label>
              <select id="status" name="status" ${invalid('status')}>
                ${option('', t('gallery.statusAny'), !raw.status)}
                ${STATUS_GROUPS.map((s) => option(s, t(`gallery.status.${s}`), raw.status === s))}
              </select>
              ${fieldError('status')}
            </div>
            <div>
              <label for="from">${labels.from}</label>
              <input id="from" name="from" type="date" value="${raw.from ?? ''}" ${invalid('from')} />
              ${fieldError('from')}
            </div>
            <div>
              <label for="to">${labels.to}</label>
              <input id="to" name="to" type="date" value="${raw.to ?? ''}" ${invalid('to')} />
              ${fieldError('to')}
            </div>
          </div>
          <div class="actions">
            <button type="submit">${t('gallery.apply')}</button>
            ${searching || problems.length ? html`<a class="button secondary" href="/app/history">${t('gallery.reset')}</a>` : ''}
          </div>
        </fieldset>
      </form>
      ${
        page.items.length === 0
          ? html`<p data-history-empty>${searching ? t('gallery.none') : t('gallery.empty')}</p>
              <p><a class="button" href="/app">${t('gallery.newRequest')}</a></p>`
          : html`<ul class="history history-grid">
              ${page.items.map(
                (g) =>
                  html`<li data-generation="${g.id}">
                    ${
                      g.thumbnailUrl
                        ? html`<img src="${g.thumbnailUrl}" alt="" loading="lazy" width="64" height="64" />`
                        : html`<span class="no-thumb" aria-hidden="true"></span>`
                    }
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
      ${more ? html`<p><a class="button secondary" href="${more}" rel="next">${t('gallery.more')}</a></p>` : ''}`,
    GALLERY_ASSETS,
  );
}
