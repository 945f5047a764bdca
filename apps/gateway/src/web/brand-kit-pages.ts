import type { BrandProfile } from '@atelier/contracts';
import { BRAND_FONTS } from '@atelier/creative';
import { html, type SafeHtml } from './html';
import { csrfField, layout, type PageContext } from './layout';
import type { FieldErrors } from './pages';

/** What the brand-kit form holds (as typed: lists as comma-separated text). */
export interface BrandKitForm {
  name?: string;
  palette?: string;
  headlineFont?: string;
  bodyFont?: string;
  toneWords?: string;
  bannedWords?: string;
  isDefault?: string;
  removeLogo?: string;
}

export function formOf(p: BrandProfile): BrandKitForm {
  return {
    name: p.name,
    palette: p.palette.join(', '),
    headlineFont: p.fonts[0] ?? '',
    bodyFont: p.fonts[1] ?? '',
    toneWords: p.moodWords.join(', '),
    bannedWords: p.bannedWords.join(', '),
    isDefault: p.isDefault ? 'on' : undefined,
  };
}

/** Colour chips as SVG fills (the page's CSP allows no inline styles). */
const swatches = (palette: readonly string[]): SafeHtml => {
  const colours = palette.filter((c) => /^#[0-9a-fA-F]{6}$/u.test(c));
  return html`<svg
    class="swatches"
    aria-hidden="true"
    width="${colours.length * 32}"
    height="28"
    viewBox="0 0 ${colours.length * 32} 28"
  >
    ${colours.map((c, i) => html`<rect x="${i * 32 + 1}" y="1" width="28" height="26" rx="5" fill="${c}" stroke="#767676" />`)}
  </svg>`;
};

function fieldErrorOf(errors: FieldErrors, field: string): SafeHtml {
  const list = errors[field];
  return list?.length ? html`<p class="field-error" id="${field}-error">${list.join(' ')}</p>` : html``;
}

const described = (errors: FieldErrors, field: string, hint?: string): SafeHtml => {
  const ids = [errors[field]?.length ? `${field}-error` : '', hint ?? ''].filter(Boolean).join(' ');
  return html`${errors[field]?.length ? html`aria-invalid="true"` : ''} ${ids ? html`aria-describedby="${ids}"` : ''}`;
};

/** `/brand-profiles`: the user's kits with their colours, fonts and logo, the plan's limit, edit and delete. */
export function brandKitListPage(
  ctx: PageContext,
  profiles: readonly BrandProfile[],
  limit: number,
  notice?: string,
  error?: string,
): string {
  const { t } = ctx;
  const full = profiles.length >= limit;
  return layout(
    ctx,
    t('brand.title'),
    html`<h1>${t('brand.title')}</h1>
      <p>${t('brand.lead')}</p>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      ${error ? html`<div class="error" role="alert">${error}</div>` : ''}
      <p data-limit>${t('brand.limit', { count: profiles.length, limit })}</p>
      ${
        full
          ? html`<p class="hint">${t('brand.limitReached')}</p>`
          : html`<p><a class="button" href="/brand-profiles/new">${t('brand.new')}</a></p>`
      }
      ${
        profiles.length === 0
          ? html`<p>${t('brand.empty')}</p>`
          : html`<ul class="brand-kits">
              ${profiles.map(
                (p) =>
                  html`<li class="brand-kit" data-profile="${p.id}">
                    <div class="brand-kit-logo">
                      ${
                        p.logoKey
                          ? html`<img
                              src="/brand-profiles/${p.id}/logo"
                              alt="${t('brand.logo')}: ${p.name}"
                              width="64"
                              height="64"
                            />`
                          : html`<span class="hint">${t('brand.logoNone')}</span>`
                      }
                    </div>
                    <div class="brand-kit-body">
                      <h2>${p.name} ${p.isDefault ? html`<span class="badge">${t('brand.default')}</span>` : ''}</h2>
                      ${swatches(p.palette)}
                      <p class="hint">${p.palette.join(' · ')}</p>
                      <p class="hint">${t('brand.fonts')}: ${p.fonts.length ? p.fonts.join(' / ') : 'Roboto'}</p>
                      ${p.moodWords.length ? html`<p class="hint">${t('brand.toneWords')}: ${p.moodWords.join(', ')}</p>` : ''}
                      <div class="actions">
                        <a class="button secondary" href="/brand-profiles/${p.id}/edit">${t('brand.edit')}</a>
                        <form method="post" action="/brand-profiles/${p.id}/delete">
                          ${csrfField(ctx)}
                          <button
                            type="submit"
                            class="secondary"
                            aria-label="${t('brand.deleteLabel', { name: p.name })}"
                          >
                            ${t('brand.delete')}
                          </button>
                        </form>
                      </div>
                    </div>
                  </li>`,
              )}
            </ul>`
      }`,
  );
}

/** The create/edit form: multipart (the logo), works without JavaScript; every problem next to its field. */
export function brandKitFormPage(
  ctx: PageContext,
  form: BrandKitForm,
  errors: FieldErrors,
  existing?: BrandProfile,
  status?: string,
): string {
  const { t } = ctx;
  const title = existing ? t('brand.editTitle', { name: existing.name }) : t('brand.new');
  const fontSelect = (id: 'headlineFont' | 'bodyFont', label: string) =>
    html`<div>
      <label for="${id}">${label}</label>
      <select id="${id}" name="${id}" ${described(errors, id)}>
        <option value="" ${form[id] ? '' : html`selected`}>${t('brand.fontDefault')}</option>
        ${Object.keys(BRAND_FONTS).map(
          (f) => html`<option value="${f}" ${form[id] === f ? html`selected` : ''}>${f}</option>`,
        )}
      </select>
      ${fieldErrorOf(errors, id)}
    </div>`;
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
      ${status ? html`<div class="error" role="alert" id="form-errors">${status}</div>` : ''}
      <form
        class="stack"
        method="post"
        action="${existing ? `/brand-profiles/${existing.id}` : '/brand-profiles'}"
        enctype="multipart/form-data"
      >
        ${csrfField(ctx)}
        <div>
          <label for="name">${t('brand.name')}</label>
          <input
            id="name"
            name="name"
            required
            maxlength="80"
            value="${form.name ?? ''}"
            ${described(errors, 'name')}
          />
          ${fieldErrorOf(errors, 'name')}
        </div>
        <div>
          <label for="palette">${t('brand.palette')}</label>
          <input
            id="palette"
            name="palette"
            value="${form.palette ?? ''}"
            placeholder="#1E5A32, #F5EBD7"
            ${described(errors, 'palette', 'palette-hint')}
          />
          <p class="hint" id="palette-hint">${t('brand.paletteHint')}</p>
          ${fieldErrorOf(errors, 'palette')}
        </div>
        <div class="row">
          ${fontSelect('headlineFont', t('brand.headlineFont'))} ${fontSelect('bodyFont', t('brand.bodyFont'))}
        </div>
        <div>
          <label for="logo">${t('brand.logo')}</label>
          ${
            existing?.logoKey
              ? html`<p class="brand-kit-logo">
                    <img
                      src="/brand-profiles/${existing.id}/logo"
                      alt="${t('brand.logoCurrent')}"
                      width="64"
                      height="64"
                    />
                  </p>
                  <label class="check"
                    ><input type="checkbox" name="removeLogo" value="on" /> ${t('brand.logoRemove')}</label
                  >`
              : ''
          }
          <input
            id="logo"
            name="logo"
            type="file"
            accept="image/png,image/jpeg,image/webp"
            ${described(errors, 'logo', 'logo-hint')}
          />
          <p class="hint" id="logo-hint">${t('brand.logoHint')}</p>
          ${fieldErrorOf(errors, 'logo')}
        </div>
        <div>
          <label for="toneWords">${t('brand.toneWords')}</label>
          <input
            id="toneWords"
            name="toneWords"
            value="${form.toneWords ?? ''}"
            ${described(errors, 'toneWords', 'tone-hint')}
          />
          <p class="hint" id="tone-hint">${t('brand.toneHint')}</p>
          ${fieldErrorOf(errors, 'toneWords')}
        </div>
        <div>
          <label for="bannedWords">${t('brand.bannedWords')}</label>
          <input
            id="bannedWords"
            name="bannedWords"
            value="${form.bannedWords ?? ''}"
            ${described(errors, 'bannedWords', 'banned-hint')}
          />
          <p class="hint" id="banned-hint">${t('brand.bannedHint')}</p>
          ${fieldErrorOf(errors, 'bannedWords')}
        </div>
        <label class="check"
          ><input type="checkbox" name="isDefault" value="on" ${form.isDefault ? html`checked` : ''} />
          ${t('brand.isDefault')}</label
        >
        <div class="actions">
          <button type="submit">${t('brand.save')}</button>
          <a class="button secondary" href="/brand-profiles">${t('brand.cancel')}</a>
        </div>
      </form>`,
  );
}
