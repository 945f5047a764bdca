import { catalogAttributeWords } from './attribute-words';
import { html, type SafeHtml } from './html';
import { layout, type PageContext } from './layout';

/**
 * Likes the recommender needs before it fits a profile (its MIN_LIKES; test/visual-attribute-words.spec.ts
 * keeps the two equal). Used when the answer does not say.
 */
export const STYLE_PROFILE_MIN_LIKES = 6;

/** GET /v1/style-profile as the recommender answers it (the fields the page shows). */
export interface StyleProfileAnswer {
  likes: number;
  status: 'ready' | 'not_enough_likes';
  k?: number;
  modes: StyleModeAnswer[];
}

export interface StyleModeAnswer {
  mode: number;
  share: number;
  items: number;
  dominant_attributes: Array<{ name: string; value: string; share: number }>;
  example_item_ids: string[];
}

/** A catalogue item shown as an example (from GET /v1/catalog/items/{id}); absent when it could not be read. */
export interface ExampleItem {
  title: string;
  imageUrl: string | null;
}

const percent = (share: number) => Math.round(Math.max(0, Math.min(1, share)) * 100);

/** A horizontal bar as SVG attributes (the CSP forbids inline styles); the number is always written beside it. */
export function shareBar(share: number): SafeHtml {
  return html`<svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true" focusable="false">
    <rect class="bar-track" width="100" height="6"></rect>
    <rect class="bar-fill" width="${percent(share)}" height="6"></rect>
  </svg>`;
}

function modeCard(ctx: PageContext, mode: StyleModeAnswer, n: number, items: Record<string, ExampleItem>): SafeHtml {
  const { t } = ctx;
  return html`<li class="sp-mode" data-mode="${mode.mode}">
    <h2 id="mode-${n}">${t('sp.mode', { n })}</h2>
    <p class="sp-share">
      <strong data-share>${t('sp.share', { percent: percent(mode.share) })}</strong>
      <span class="status">${t('sp.items', { count: mode.items })}</span>
    </p>
    ${shareBar(mode.share)}
    <h3>${t('sp.dominant')}</h3>
    ${
      mode.dominant_attributes.length
        ? html`<ul class="sp-traits" data-traits>
            ${mode.dominant_attributes.map((a) => {
              const words = catalogAttributeWords(a.name, a.value, ctx.lang);
              return html`<li>
                ${words.name}: <strong>${words.value}</strong>
                <span class="status">(${t('sp.dominantShare', { percent: percent(a.share) })})</span>
              </li>`;
            })}
          </ul>`
        : html`<p class="hint">${t('sp.noDominant')}</p>`
    }
    ${
      mode.example_item_ids.length
        ? html`<h3>${t('sp.examples')}</h3>
            <ul class="sp-examples">
              ${mode.example_item_ids.map((id) => {
                const item = items[id];
                const alt = item?.title || t('sp.exampleAlt', { n });
                return html`<li>
                  ${
                    item?.imageUrl
                      ? html`<img src="${item.imageUrl}" alt="${alt}" loading="lazy" width="60" height="80" />`
                      : html`<span class="sp-noimage">${alt}</span>`
                  }
                </li>`;
              })}
            </ul>`
        : ''
    }
  </li>`;
}

/**
 * The style profile as a picture: one card per style mode (share as a bar, dominant attributes in words,
 * example items), or how many likes are still missing. `profile` undefined: the recommender is unavailable.
 */
export function styleProfilePage(
  ctx: PageContext,
  profile: StyleProfileAnswer | undefined,
  items: Record<string, ExampleItem> = {},
): string {
  const { t } = ctx;
  let body: SafeHtml;
  if (!profile) {
    body = html`<p class="error" role="alert">${t('sp.unavailable')}</p>`;
  } else if (profile.status !== 'ready' || profile.modes.length === 0) {
    const min = STYLE_PROFILE_MIN_LIKES;
    body = html`<p class="notice" data-empty-profile>
      ${t('sp.notEnough', { min, likes: profile.likes, more: Math.max(1, min - profile.likes) })}
    </p>`;
  } else {
    body = html`<p>${t('sp.summary', { likes: profile.likes, k: profile.modes.length })}</p>
      <ol class="sp-modes">
        ${profile.modes.map((m, i) => modeCard(ctx, m, i + 1, items))}
      </ol>`;
  }
  return layout(
    ctx,
    t('sp.title'),
    html`<h1>${t('sp.title')}</h1>
      <p>${t('sp.lead')}</p>
      ${body}`,
    ['visual.css'],
  );
}
