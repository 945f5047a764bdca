import { visualAttribute } from './attribute-words';
import { html, type SafeHtml } from './html';
import { shopManageTranslator } from './i18n-shop-manage';
import { csrfField, layout, type PageContext } from './layout';
import { formatPrice, type CatalogItem } from './shop-pages';

// Visual-search results rendered on the server (each match with its product), saved searches, liked examples.

export interface VisualQuery {
  positive_photo_ids?: string[];
  negative_photo_ids?: string[];
  positive_item_ids?: string[];
  negative_item_ids?: string[];
  filters?: Record<string, string[]>;
  k?: number;
  strategy?: 'average_vector' | 'best_score' | 'discriminative';
}

export interface VisualMatch {
  id: string;
  item: { id: string; title: string; price: number | null; currency: string; image_url: string | null } | null;
  match_score: number;
  explanation?: {
    en?: string;
    ru?: string;
    parts?: Array<{ attribute: string; value: string; relation: string; weight: number }>;
  };
}

export interface VisualAnswer {
  matched: VisualMatch[];
  threshold: number;
  no_good_match: boolean;
}

export interface SavedSearch {
  id: string;
  name: string;
  query: VisualQuery;
  created_at: string;
}

const CSS = ['visual.css', 'shop-manage.css'] as const;

/** The query as URL parameters of /visual-search/results (p, n, pi, ni, k, strategy, f=attribute:value). */
export function queryParams(q: VisualQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const id of q.positive_photo_ids ?? []) params.append('p', id);
  for (const id of q.negative_photo_ids ?? []) params.append('n', id);
  for (const id of q.positive_item_ids ?? []) params.append('pi', id);
  for (const id of q.negative_item_ids ?? []) params.append('ni', id);
  for (const [name, values] of Object.entries(q.filters ?? {}))
    for (const v of values) params.append('f', `${name}:${v}`);
  if (q.k) params.set('k', String(q.k));
  if (q.strategy) params.set('strategy', q.strategy);
  return params;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses the URL form of a query; undefined when it is malformed (the recommender checks the rest). */
export function parseQuery(params: URLSearchParams): VisualQuery | undefined {
  const ids = (name: string) => params.getAll(name).slice(0, 11);
  const p = ids('p');
  const n = ids('n');
  const pi = ids('pi');
  const ni = ids('ni');
  // The liked-items form names each item's role: role.<item id>=like|dislike (empty: not used).
  for (const [key, value] of params) {
    const m = /^role\.(.+)$/.exec(key);
    if (!m || value === '') continue;
    if (value === 'like') pi.push(m[1]);
    else if (value === 'dislike') ni.push(m[1]);
    else return undefined;
  }
  if ([...p, ...n, ...pi, ...ni].some((id) => !UUID.test(id))) return undefined;
  const filters: Record<string, string[]> = {};
  for (const f of params.getAll('f').slice(0, 40)) {
    const at = f.indexOf(':');
    if (at <= 0 || f.length > 100) return undefined;
    const name = f.slice(0, at);
    if (!/^[a-z_]{1,40}$/.test(name)) return undefined;
    (filters[name] ??= []).push(f.slice(at + 1));
  }
  const k = params.has('k') ? Number(params.get('k')) : undefined;
  if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > 100)) return undefined;
  const strategy = params.get('strategy') ?? undefined;
  if (
    strategy !== undefined &&
    strategy !== 'average_vector' &&
    strategy !== 'best_score' &&
    strategy !== 'discriminative'
  )
    return undefined;
  return {
    ...(p.length ? { positive_photo_ids: p } : {}),
    ...(n.length ? { negative_photo_ids: n } : {}),
    ...(pi.length ? { positive_item_ids: pi } : {}),
    ...(ni.length ? { negative_item_ids: ni } : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    ...(k ? { k } : {}),
    ...(strategy ? { strategy } : {}),
  };
}

function matchCard(ctx: PageContext, m: VisualMatch, rank: number): SafeHtml {
  const s = shopManageTranslator(ctx.lang);
  const item = m.item;
  const src = item?.image_url
    ? `/v1/catalog/items/${encodeURIComponent(item.id)}/image`
    : `/v1/photos/${encodeURIComponent(m.id)}/image`;
  const why = m.explanation?.[ctx.lang] ?? m.explanation?.en ?? '';
  const parts = (m.explanation?.parts ?? []).slice(0, 4).map((part) => {
    const words = visualAttribute(part.attribute);
    const name = words?.label[ctx.lang] ?? part.attribute;
    const value = words?.values.find((v) => v.value === part.value)?.label[ctx.lang] ?? part.value;
    return html`<li>${name}: ${value}</li>`;
  });
  const photo = html`<span class="product-photo"
    ><img src="${src}" alt="" width="300" height="400" loading="lazy"
  /></span>`;
  return html`<li class="product vsr-match" data-photo-id="${m.id}" ${item ? html`data-item="${item.id}"` : ''}>
    ${
      item
        ? html`<a class="product-link" href="/shop/items/${item.id}"
              >${photo}<span class="product-title">${item.title}</span></a
            >
            <p class="price">${formatPrice(ctx.lang, item.price, item.currency, ctx.t)}</p>`
        : html`${photo}
            <p class="hint">${s('vsr.noProduct')}</p>`
    }
    <p class="hint" data-score>${rank}. ${s('vsr.match', { score: m.match_score.toFixed(3) })}</p>
    ${why ? html`<p class="vsr-why"><strong>${s('vsr.why')}:</strong> ${why}</p>` : ''}
    ${
      why || parts.length === 0
        ? ''
        : html`<ul class="reasons">
            ${parts}
          </ul>`
    }
    ${
      item
        ? html`<form method="post" action="/shop/items/${item.id}/interactions">
            ${csrfField(ctx)}
            <button type="submit" name="kind" value="like" class="secondary">${ctx.t('item.like')}</button>
          </form>`
        : ''
    }
  </li>`;
}

/** `/visual-search/results?…` and a saved search's rerun: the matches with their products, and "save". */
export function visualResultsPage(
  ctx: PageContext,
  query: VisualQuery,
  answer: VisualAnswer,
  saved?: SavedSearch,
): string {
  const s = shopManageTranslator(ctx.lang);
  const message = answer.no_good_match
    ? html`<p class="notice" role="status" data-no-good-match>
        ${s('vsr.noGood', { threshold: answer.threshold.toFixed(2) })}
      </p>`
    : answer.matched.length === 0
      ? html`<p class="notice" role="status">${s('vsr.none')}</p>`
      : '';
  const hidden = [...queryParams(query)].map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`);
  return layout(
    ctx,
    saved ? saved.name : s('vsr.title'),
    html`<p>
        <a href="/visual-search">← ${ctx.t('vs.title')}</a> · <a href="/visual-search/saved">${s('vsr.savedList')}</a>
      </p>
      <h1>${saved ? saved.name : s('vsr.title')}</h1>
      ${message}
      <ol class="products vs-results-list" data-matches>
        ${answer.matched.map((m, i) => matchCard(ctx, m, i + 1))}
      </ol>
      ${
        saved
          ? ''
          : html`<form class="sm-form" method="post" action="/visual-search/saved">
              ${csrfField(ctx)} ${hidden}
              <label for="save-name">${s('vsr.saveName')}</label>
              <input id="save-name" name="name" maxlength="100" required />
              <button type="submit" class="secondary">${s('vsr.save')}</button>
            </form>`
      }`,
    CSS,
  );
}

/** `/visual-search/saved`: the caller's saved searches with rerun and delete. */
export function savedSearchesPage(ctx: PageContext, items: SavedSearch[], message?: string): string {
  const s = shopManageTranslator(ctx.lang);
  return layout(
    ctx,
    s('vsr.savedList'),
    html`<p><a href="/visual-search">← ${ctx.t('vs.title')}</a></p>
      <h1>${s('vsr.savedList')}</h1>
      ${message ? html`<p class="notice" role="status">${message}</p>` : ''}
      ${
        items.length === 0
          ? html`<p>${s('vsr.savedEmpty')}</p>`
          : html`<ul class="vsr-saved">
              ${items.map(
                (item) =>
                  html`<li data-saved="${item.id}">
                    <span>${item.name}</span>
                    <a class="button secondary" href="/visual-search/saved/${item.id}">${s('vsr.rerun')}</a>
                    <form method="post" action="/visual-search/saved/${item.id}/delete">
                      ${csrfField(ctx)}
                      <button type="submit" class="link" aria-label="${s('vsr.delete')}: ${item.name}">
                        ${s('vsr.delete')}
                      </button>
                    </form>
                  </li>`,
              )}
            </ul>`
      }`,
    CSS,
  );
}

/** The visual-search page's server-rendered part: liked shop items as examples, a plain GET form. */
export function likedExamples(ctx: PageContext, items: CatalogItem[]): SafeHtml {
  const s = shopManageTranslator(ctx.lang);
  return html`<section class="vsr-from-likes" aria-labelledby="from-likes">
    <h2 id="from-likes">${s('vsr.fromLikes')}</h2>
    <p><a href="/visual-search/saved">${s('vsr.savedList')}</a></p>
    ${
      items.length === 0
        ? html`<p class="hint">${s('vsr.noLikes')}</p>`
        : html`<p class="hint">${s('vsr.fromLikesHint')}</p>
            <form method="get" action="/visual-search/results">
              <ul class="vsr-likes">
                ${items.map(
                  (item) =>
                    html`<li data-item="${item.id}">
                      ${
                        item.imageUrl
                          ? html`<img
                              src="/v1/catalog/items/${item.id}/image"
                              alt=""
                              width="90"
                              height="120"
                              loading="lazy"
                            />`
                          : ''
                      }
                      <label for="role-${item.id}">${item.title}</label>
                      <select id="role-${item.id}" name="role.${item.id}">
                        <option value="">${s('vsr.role.skip')}</option>
                        <option value="like" selected>${s('vsr.role.like')}</option>
                        <option value="dislike">${s('vsr.role.dislike')}</option>
                      </select>
                    </li>`,
                )}
              </ul>
              <label for="likes-k">${s('vsr.k')}</label>
              <select id="likes-k" name="k">
                ${[5, 10, 20].map((k) => html`<option value="${k}" ${k === 10 ? html`selected` : ''}>${k}</option>`)}
              </select>
              <button type="submit">${s('vsr.find')}</button>
            </form>`
    }
  </section>`;
}
