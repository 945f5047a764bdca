import { catalogCategoryWords } from './attribute-words';
import { html, type SafeHtml } from './html';
import { shopManageTranslator, type ShopManageTranslate } from './i18n-shop-manage';
import { csrfField, layout, type PageContext } from './layout';
import { formatPrice, type CatalogItem } from './shop-pages';

// Pages of catalogue management (/shop/manage…): list, edit, import with preview and job status, zip photos.

export interface ManagedItem extends CatalogItem {
  externalId: string;
  shopId: string;
}

export interface ManagedList {
  items: ManagedItem[];
  total: number;
  page: number;
  limit: number;
}

export const IMPORT_FIELDS = [
  'externalId',
  'title',
  'description',
  'price',
  'currency',
  'category',
  'attribute',
  'ignore',
] as const;

export interface RowError {
  row: number;
  field: string;
  problems: string[];
}

export interface ImportPreview {
  format: 'csv' | 'json';
  columns: string[];
  mapping: Record<string, string>;
  total: number;
  valid: number;
  invalidRows: number;
  errors: RowError[];
  sample: Array<{ row: number; item: { externalId: string; title: string; price?: number; currency?: string } }>;
}

export interface ImportJob {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  mode: 'all' | 'skip';
  total: number;
  processed: number;
  imported: number;
  created: number;
  skipped: number;
  errors: RowError[];
  failure: string | null;
}

const sm = (ctx: PageContext): ShopManageTranslate => shopManageTranslator(ctx.lang);
const CSS = ['shop-manage.css'] as const;
const imageSrc = (id: string) => `/v1/catalog/items/${encodeURIComponent(id)}/image`;

function notice(text: string | undefined, kind: 'notice' | 'error' = 'notice'): SafeHtml | string {
  if (!text) return '';
  return kind === 'error'
    ? html`<p class="error" role="alert">${text}</p>`
    : html`<p class="notice" role="status">${text}</p>`;
}

function manageNav(ctx: PageContext): SafeHtml {
  const s = sm(ctx);
  return html`<nav class="sm-actions" aria-label="${s('sm.title')}">
    <a class="button" href="/shop/manage/import">${s('sm.import')}</a>
    <a class="button secondary" href="/shop/manage/photos">${s('sm.photos')}</a>
    <a class="button secondary" href="/studio/products">${ctx.t('pc.nav')}</a>
  </nav>`;
}

/** `/shop/manage`: the shop's products (admins: all) with edit links, paged. */
export function manageListPage(ctx: PageContext, list: ManagedList, message?: string): string {
  const s = sm(ctx);
  const pages = Math.max(1, Math.ceil(list.total / list.limit));
  return layout(
    ctx,
    s('sm.title'),
    html`<h1>${s('sm.title')}</h1>
      <p>${ctx.admin ? s('sm.leadAdmin') : s('sm.lead')}</p>
      ${notice(message)} ${manageNav(ctx)}
      ${
        list.items.length === 0
          ? html`<p role="status">${s('sm.empty')}</p>`
          : html`<p>${s('sm.count', { count: list.total })}</p>
              <ul class="sm-list">
                ${list.items.map(
                  (item) =>
                    html`<li class="sm-item" data-item="${item.id}" data-external-id="${item.externalId}">
                      <span class="sm-thumb"
                        >${
                          item.imageUrl
                            ? html`<img src="${imageSrc(item.id)}" alt="" width="60" height="80" loading="lazy" />`
                            : html`<span class="no-photo">${s('sm.noPhoto')}</span>`
                        }</span
                      >
                      <span class="sm-main">
                        <a class="sm-title" href="/shop/manage/items/${item.id}">${item.title}</a>
                        <span class="hint">${item.externalId}</span>
                        ${
                          item.categoryPath.length
                            ? html`<span class="hint">${catalogCategoryWords(item.categoryPath, ctx.lang)}</span>`
                            : ''
                        }
                      </span>
                      <span class="price">${formatPrice(ctx.lang, item.price, item.currency, ctx.t)}</span>
                      <a
                        class="sm-edit"
                        href="/shop/manage/items/${item.id}"
                        aria-label="${s('sm.edit')}: ${item.title}"
                        >${s('sm.edit')}</a
                      >
                    </li>`,
                )}
              </ul>
              ${
                pages > 1
                  ? html`<nav class="pager" aria-label="${ctx.t('shop.pages')}">
                      ${list.page > 1 ? html`<a rel="prev" href="/shop/manage?page=${list.page - 1}">${ctx.t('shop.prev')}</a>` : ''}
                      <span>${ctx.t('shop.pageOf', { page: list.page, pages })}</span>
                      ${
                        list.page < pages
                          ? html`<a rel="next" href="/shop/manage?page=${list.page + 1}">${ctx.t('shop.next')}</a>`
                          : ''
                      }
                    </nav>`
                  : ''
              }`
      }`,
    CSS,
  );
}

export interface EditForm {
  title: string;
  description: string;
  price: string;
  currency: string;
  category: string;
}

export type EditErrors = Partial<Record<keyof EditForm, string>>;

export const editFormOf = (item: ManagedItem): EditForm => ({
  title: item.title,
  description: item.description ?? '',
  price: item.price === null ? '' : String(item.price),
  currency: item.currency,
  category: item.categoryPath.join(' > '),
});

/** `/shop/manage/items/{id}`: the edit form, the photo upload and delete, each a plain form. */
export function manageItemPage(
  ctx: PageContext,
  item: ManagedItem,
  form: EditForm = editFormOf(item),
  errors: EditErrors = {},
  message?: string,
  failure?: string,
): string {
  const s = sm(ctx);
  const field = (name: keyof EditForm, label: string, input: SafeHtml) =>
    html`<div class="field">
      <label for="f-${name}">${label}</label>
      ${input} ${errors[name] ? html`<p class="field-error" id="f-${name}-error">${errors[name]}</p>` : ''}
    </div>`;
  const invalid = (name: keyof EditForm) =>
    errors[name] ? html`aria-invalid="true" aria-describedby="f-${name}-error"` : '';
  const action = `/shop/manage/items/${item.id}`;
  return layout(
    ctx,
    s('sm.editTitle', { title: item.title }),
    html`<p><a href="/shop/manage">← ${s('sm.back')}</a></p>
      <h1>${s('sm.editTitle', { title: item.title })}</h1>
      ${notice(message)} ${notice(failure, 'error')}
      <div class="sm-edit-grid">
        <section class="sm-photo" aria-labelledby="photo-h">
          <h2 id="photo-h">${s('sm.photo')}</h2>
          ${
            item.imageUrl
              ? html`<img src="${imageSrc(item.id)}" alt="${item.title}" loading="lazy" />`
              : html`<p class="no-photo">${s('sm.noPhoto')}</p>`
          }
          <form method="post" action="${action}/photo" enctype="multipart/form-data">
            ${csrfField(ctx)}
            <label for="photo-file">${s('sm.photoUpload')}</label>
            <input
              id="photo-file"
              name="file"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              required
              aria-describedby="photo-hint"
            />
            <p class="hint" id="photo-hint">${s('sm.photoHint')}</p>
            <button type="submit" class="secondary">${s('sm.photoUpload')}</button>
          </form>
        </section>
        <form class="sm-form" method="post" action="${action}" novalidate>
          ${csrfField(ctx)}
          <p class="hint">${s('sm.field.externalId')}: <strong>${item.externalId}</strong></p>
          ${field(
            'title',
            s('sm.field.title'),
            html`<input
              id="f-title"
              name="title"
              value="${form.title}"
              maxlength="500"
              required
              ${invalid('title')}
            />`,
          )}
          ${field(
            'description',
            s('sm.field.description'),
            html`<textarea id="f-description" name="description" rows="4" maxlength="5000">
${form.description}</textarea>`,
          )}
          <div class="row">
            ${field(
              'price',
              s('sm.field.price'),
              html`<input id="f-price" name="price" inputmode="decimal" value="${form.price}" ${invalid('price')} />`,
            )}
            ${field(
              'currency',
              s('sm.field.currency'),
              html`<input
                id="f-currency"
                name="currency"
                value="${form.currency}"
                maxlength="3"
                ${invalid('currency')}
              />`,
            )}
          </div>
          ${field(
            'category',
            s('sm.field.category'),
            html`<input id="f-category" name="category" value="${form.category}" maxlength="800" />`,
          )}
          <button type="submit">${s('sm.save')}</button>
        </form>
      </div>
      <section class="sm-danger" aria-labelledby="delete-h">
        <h2 id="delete-h">${s('sm.delete')}</h2>
        <p class="hint">${s('sm.deleteHint')}</p>
        <form method="post" action="${action}/delete">
          ${csrfField(ctx)}
          <button type="submit" class="danger">${s('sm.delete')}</button>
        </form>
      </section>`,
    CSS,
  );
}

/** `/shop/manage/import`: the upload form; after a preview, the mapping, errors, sample and the start button. */
export function importPage(
  ctx: PageContext,
  state: { preview?: ImportPreview; text?: string; failure?: string; mode?: 'all' | 'skip' } = {},
): string {
  const s = sm(ctx);
  const { preview } = state;
  const upload = html`<form
    class="sm-form"
    method="post"
    action="/shop/manage/import/preview"
    enctype="multipart/form-data"
  >
    ${csrfField(ctx)}
    <label for="import-file">${s('imp.file')}</label>
    <input id="import-file" name="file" type="file" accept=".csv,.json,text/csv,application/json" required />
    <button type="submit">${s('imp.preview')}</button>
  </form>`;
  let body: SafeHtml | string = '';
  if (preview && state.text !== undefined) {
    const mode = state.mode ?? 'all';
    body = html`<section aria-labelledby="preview-h">
      <h2 id="preview-h">${s('imp.previewTitle')}</h2>
      <p role="status" data-summary>
        ${s('imp.summary', { total: preview.total, valid: preview.valid, invalid: preview.invalidRows })}
      </p>
      <form class="sm-form" method="post" action="/shop/manage/import/start" enctype="multipart/form-data">
        ${csrfField(ctx)}
        <input type="hidden" name="format" value="${preview.format}" />
        <textarea name="text" hidden aria-hidden="true">${state.text}</textarea>
        ${
          preview.columns.length
            ? html`<fieldset>
                <legend>${s('imp.mapping')}</legend>
                <p class="hint">${s('imp.mappingHint')}</p>
                <div class="sm-mapping">
                  ${preview.columns.map(
                    (column, i) =>
                      html`<label
                        >${column}
                        <select name="map.${i}" data-column="${column}">
                          ${IMPORT_FIELDS.map(
                            (f) =>
                              html`<option value="${f}" ${preview.mapping[column] === f ? html`selected` : ''}>
                                ${s(`imp.field.${f}`)}
                              </option>`,
                          )}
                        </select></label
                      >`,
                  )}
                </div>
                <button type="submit" class="secondary" formaction="/shop/manage/import/preview">
                  ${s('imp.apply')}
                </button>
              </fieldset>`
            : ''
        }
        ${
          preview.errors.length
            ? html`<h3>${s('imp.errors')}</h3>
                <div class="table-scroll">
                  <table class="sm-errors" data-row-errors>
                    <thead>
                      <tr>
                        <th scope="col">${s('imp.row')}</th>
                        <th scope="col">${s('imp.fieldName')}</th>
                        <th scope="col">${s('imp.problem')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${preview.errors.map(
                        (e) =>
                          html`<tr data-row="${e.row}">
                            <td>${e.row}</td>
                            <td>${e.field}</td>
                            <td>${e.problems.join('; ')}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>
                ${preview.errors.length >= 200 ? html`<p class="hint">${s('imp.moreErrors', { shown: 200 })}</p>` : ''}`
            : ''
        }
        ${
          preview.sample.length
            ? html`<h3>${s('imp.sample')}</h3>
                <div class="table-scroll">
                  <table class="sm-sample">
                    <thead>
                      <tr>
                        <th scope="col">${s('imp.row')}</th>
                        <th scope="col">${s('imp.field.externalId')}</th>
                        <th scope="col">${s('imp.field.title')}</th>
                        <th scope="col">${s('imp.field.price')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${preview.sample.map(
                        (r) =>
                          html`<tr>
                            <td>${r.row}</td>
                            <td>${r.item.externalId}</td>
                            <td>${r.item.title}</td>
                            <td>
                              ${
                                r.item.price === undefined
                                  ? ''
                                  : formatPrice(ctx.lang, r.item.price, r.item.currency ?? 'RUB', ctx.t)
                              }
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
            : ''
        }
        <fieldset>
          <legend>${s('imp.mode')}</legend>
          ${(['all', 'skip'] as const).map(
            (m) =>
              html`<label class="sm-radio"
                ><input type="radio" name="mode" value="${m}" ${mode === m ? html`checked` : ''} />
                ${s(`imp.mode.${m}`)}</label
              >`,
          )}
        </fieldset>
        <button type="submit">${s('imp.start')}</button>
      </form>
    </section>`;
  }
  return layout(
    ctx,
    s('imp.title'),
    html`<p><a href="/shop/manage">← ${s('sm.back')}</a></p>
      <h1>${s('imp.title')}</h1>
      <p>${s('imp.lead')}</p>
      ${notice(state.failure, 'error')} ${upload} ${body}`,
    CSS,
  );
}

/** `/shop/manage/import/jobs/{id}`: status and progress; refreshes itself (no script) until the job ends. */
export function importJobPage(ctx: PageContext, job: ImportJob): string {
  const s = sm(ctx);
  const active = job.status === 'queued' || job.status === 'running';
  const page = layout(
    ctx,
    s('job.title'),
    html`<h1>${s('job.title')}</h1>
      <p class="sm-status" data-status="${job.status}" role="status">
        <strong>${s(`job.status.${job.status}`)}</strong>
        ${active ? html` · ${s('job.progress', { processed: job.processed, total: job.total })}` : ''}
      </p>
      <progress
        max="${Math.max(1, job.total)}"
        value="${job.status === 'succeeded' ? job.total : job.processed}"
        aria-label="${s('job.progress', { processed: job.processed, total: job.total })}"
      ></progress>
      ${
        job.status === 'succeeded'
          ? html`<p class="notice" data-done>
              ${s('job.done', { imported: job.imported, created: job.created, skipped: job.skipped })}
            </p>`
          : ''
      }
      ${job.status === 'failed' ? html`<p class="error" role="alert">${s('job.failed', { failure: job.failure ?? '' })}</p>` : ''}
      ${active ? html`<p class="hint">${s('job.refresh')} <a href="">${s('job.reload')}</a></p>` : ''}
      ${
        job.errors.length
          ? html`<h2>${s('job.skippedRows')}</h2>
              <div class="table-scroll">
                <table class="sm-errors" data-row-errors>
                  <thead>
                    <tr>
                      <th scope="col">${s('imp.row')}</th>
                      <th scope="col">${s('imp.fieldName')}</th>
                      <th scope="col">${s('imp.problem')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${job.errors.map(
                      (e) =>
                        html`<tr data-row="${e.row}">
                          <td>${e.row}</td>
                          <td>${e.field}</td>
                          <td>${e.problems.join('; ')}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
          : ''
      }
      <p><a class="button secondary" href="/shop/manage">${s('job.toItems')}</a></p>`,
    CSS,
  );
  // A meta refresh keeps the progress moving without any script (the page's CSP allows no inline code).
  return active
    ? page.replace('<meta charset="utf-8" />', '<meta charset="utf-8" /><meta http-equiv="refresh" content="2" />')
    : page;
}

/** `/shop/manage/photos`: the zip upload, and after it the count of products that got a photo. */
export function zipPage(ctx: PageContext, state: { matched?: number; failure?: string } = {}): string {
  const s = sm(ctx);
  return layout(
    ctx,
    s('zip.title'),
    html`<p><a href="/shop/manage">← ${s('sm.back')}</a></p>
      <h1>${s('zip.title')}</h1>
      <p>${s('zip.lead')}</p>
      ${state.matched !== undefined ? notice(s('zip.done', { count: state.matched })) : ''}
      ${notice(state.failure, 'error')}
      <form class="sm-form" method="post" action="/shop/manage/photos" enctype="multipart/form-data">
        ${csrfField(ctx)}
        <label for="zip-file">${s('zip.file')}</label>
        <input
          id="zip-file"
          name="file"
          type="file"
          accept=".zip,application/zip"
          required
          aria-describedby="zip-rules"
        />
        <p class="hint" id="zip-rules">${s('zip.rules')}</p>
        <button type="submit">${s('zip.upload')}</button>
      </form>`,
    CSS,
  );
}
