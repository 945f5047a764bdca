import { catalogCategoryWords } from './attribute-words';
import { html, type SafeHtml } from './html';
import { formatMoney } from './format';
import { knownKey, type Lang, type Translate } from './i18n';
import { csrfField, layout, type PageContext } from './layout';
import { errorPage } from './pages';
import { explainReason, isVarietyReason, placementNote } from './recommendation-reasons';

// What the gateway reads from the recommender's answers (apps/recommender/README.md); only the fields shown here.

export interface CatalogItem {
  id: string;
  externalId?: string;
  title: string;
  description?: string;
  categoryPath: string[];
  attributes: Record<string, string | number | boolean>;
  /** In major units (roubles), null when the shop gave none. */
  price: number | null;
  currency: string;
  imageUrl: string | null;
}

/** A search hit. `matchedBy` / `semantic` are optional: older recommenders do not send them. */
export interface SearchHit extends CatalogItem {
  rank?: number | null;
  similarity?: number | null;
  matchedBy?: unknown;
  semantic?: unknown;
  imageSimilarity?: number | null;
}

export interface SearchAnswer {
  query: string | null;
  items: SearchHit[];
  /** Browse answers (filters, sort or page given): the page, its size and how many items match in all. */
  page?: number;
  limit?: number;
  total?: number;
  /** Whether the meaning of the query took part (contrastive search); words it could not use. */
  semantic?: unknown;
  ignoredTerms?: unknown;
}

/** One item of a recommendation or similar-items list, with the catalogue item when it could be read. */
export interface RecommendedItem {
  itemId: string;
  title: string;
  reasons: string[];
  /** 1-based place by relevance before diversification (hybrid lists only). */
  relevanceRank?: number;
  item?: CatalogItem;
}

export interface ForYouList {
  strategy: 'hybrid' | 'cold-start';
  items: RecommendedItem[];
  /** Items that entered the list only through diversification. */
  promoted?: number;
}

/**
 * What a visitor records from the web. There is no cart: atelier takes no orders (see apps/gateway/README.md,
 * "The cart"); `add_to_cart` stays an API interaction that shops' own storefronts report as a signal.
 */
export type InteractionKind = 'like' | 'dislike';
export const WEB_INTERACTIONS: readonly InteractionKind[] = ['like', 'dislike'];

/** The caller's standing with an item: the latest like/dislike and whether it went to the cart. */
export interface ItemStanding {
  verdict?: 'like' | 'dislike';
  inCart: boolean;
}

/** Roubles (or another currency) for the language, formatted like every other amount (format.ts). */
export function formatPrice(lang: Lang, price: number | null, currency: string, t: Translate): string {
  if (price === null || !Number.isFinite(price)) return t('shop.priceUnknown');
  return formatMoney(lang, price, currency);
}

const itemHref = (id: string) => `/shop/items/${encodeURIComponent(id)}`;
const imageSrc = (id: string) => `/v1/catalog/items/${encodeURIComponent(id)}/image`;

type MatchKind = 'text' | 'spelling' | 'semantic' | 'image';

/** Retriever names the recommender may send in `matchedBy` (the contrastive search sends `text` and `image`). */
const MATCHES: Record<string, MatchKind> = {
  text: 'text',
  fulltext: 'text',
  'full-text': 'text',
  words: 'text',
  lexical: 'text',
  trigram: 'spelling',
  typo: 'spelling',
  fuzzy: 'spelling',
  spelling: 'spelling',
  semantic: 'semantic',
  meaning: 'semantic',
  contrastive: 'semantic',
  embedding: 'semantic',
  image: 'image',
  photo: 'image',
  visual: 'image',
};

const score = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * How a hit matched, in words: from `matchedBy` (a name or a list of names), with its text rank / trigram similarity
 * telling words from similar spelling and `imageSimilarity` / a numeric `semantic` giving the closeness, when the
 * recommender sends them; without `matchedBy`, from the text rank (words matched) and trigram similarity alone.
 */
export function matchNotes(hit: SearchHit, t: Translate): string[] {
  const notes: string[] = [];
  const add = (note: string) => {
    if (!notes.includes(note)) notes.push(note);
  };
  const rank = score(hit.rank);
  const similarity = score(hit.similarity);
  const textNote = () =>
    rank !== undefined && rank > 0
      ? t('match.words')
      : similarity !== undefined && similarity > 0
        ? t('match.spelling')
        : t('match.words');
  const named = Array.isArray(hit.matchedBy) ? hit.matchedBy : hit.matchedBy === undefined ? [] : [hit.matchedBy];
  for (const name of named) {
    if (typeof name !== 'string' || name.length === 0 || name.length > 40) continue;
    const kind = MATCHES[name.toLowerCase()];
    const closeness = kind === 'image' ? score(hit.imageSimilarity) : score(hit.semantic);
    if (kind === 'text') add(textNote());
    else if (kind === 'spelling') add(t('match.spelling'));
    else if (kind === 'image') {
      add(closeness !== undefined ? t('match.imageScore', { score: closeness.toFixed(2) }) : t('match.image'));
    } else if (kind === 'semantic') {
      add(closeness !== undefined ? t('match.semanticScore', { score: closeness.toFixed(2) }) : t('match.semantic'));
    } else add(name);
  }
  if (named.length === 0) {
    const semantic = score(hit.semantic);
    if (semantic !== undefined && semantic > 0) add(t('match.semanticScore', { score: semantic.toFixed(2) }));
    else if (hit.semantic === true) add(t('match.semantic'));
    else if ((rank !== undefined && rank > 0) || (similarity !== undefined && similarity > 0)) add(textNote());
  }
  return notes;
}

function photo(ctx: PageContext, id: string, item: CatalogItem | undefined, alt: string): SafeHtml {
  return item?.imageUrl
    ? html`<img src="${imageSrc(id)}" alt="${alt}" width="300" height="400" loading="lazy" />`
    : html`<span class="no-photo">${ctx.t('shop.noImage')}</span>`;
}

/** A product card: photo, linked title, price, category, then what the caller adds (match, reasons). */
function productCard(ctx: PageContext, id: string, title: string, item: CatalogItem | undefined, extra: SafeHtml) {
  return html`<li class="product" data-item="${id}">
    <a class="product-link" href="${itemHref(id)}">
      <span class="product-photo">${photo(ctx, id, item, '')}</span>
      <span class="product-title">${title}</span>
    </a>
    ${
      item
        ? html`<p class="price">${formatPrice(ctx.lang, item.price, item.currency, ctx.t)}</p>
            ${item.categoryPath.length ? html`<p class="category">${catalogCategoryWords(item.categoryPath, ctx.lang)}</p>` : ''}`
        : ''
    }
    ${extra}
  </li>`;
}

/** The /shop filters passed through to the recommender's browse (which rejects unknown values with a 400). */
export const SHOP_FILTERS = ['category', 'price_min', 'price_max', 'gender', 'colour', 'type', 'sort', 'page'] as const;
export type ShopFilters = Partial<Record<(typeof SHOP_FILTERS)[number], string>>;
const SORT_OPTIONS = ['relevance', 'price_asc', 'price_desc', 'newest'] as const;
const GENDERS = ['female', 'male'] as const;

function filterControls(ctx: PageContext, query: string, filters: ShopFilters): SafeHtml {
  const { t } = ctx;
  const option = (value: string, label: string, current: string | undefined): SafeHtml =>
    html`<option value="${value}" ${current === value ? html`selected` : ''}>${label}</option>`;
  // A form of its own: the plain search form submits only q, so a search URL stays /shop?q=…
  return html`<form class="filters" method="get" action="/shop" aria-label="${t('shop.filters')}">
    <input type="hidden" name="q" value="${query}" />
    <fieldset>
      <legend>${t('shop.filters')}</legend>
      <label>${t('shop.category')} <input name="category" value="${filters.category ?? ''}" maxlength="100" /></label>
      <label>${t('shop.type')} <input name="type" value="${filters.type ?? ''}" maxlength="60" /></label>
      <label>${t('shop.colour')} <input name="colour" value="${filters.colour ?? ''}" maxlength="60" /></label>
      <label
        >${t('shop.gender')}
        <select name="gender">
          ${option('', t('shop.any'), filters.gender ?? '')}
          ${GENDERS.map((g) => option(g, t(`shop.gender.${g}`), filters.gender))}
        </select></label
      >
      <label
        >${t('shop.priceMin')}
        <input name="price_min" type="number" min="0" step="1" value="${filters.price_min ?? ''}"
      /></label>
      <label
        >${t('shop.priceMax')}
        <input name="price_max" type="number" min="0" step="1" value="${filters.price_max ?? ''}"
      /></label>
      <label
        >${t('shop.sort')}
        <select name="sort">
          ${SORT_OPTIONS.map((o) => option(o, t(`shop.sort.${o}`), filters.sort ?? 'relevance'))}
        </select></label
      >
    </fieldset>
    <button type="submit">${t('shop.apply')}</button>
  </form>`;
}

/** Previous / next links keeping the query and every filter. */
function pager(ctx: PageContext, query: string, filters: ShopFilters, answer: SearchAnswer): SafeHtml | string {
  const { page, limit, total } = answer;
  if (page === undefined || limit === undefined || total === undefined) return '';
  const pages = Math.max(1, Math.ceil(total / limit));
  const link = (n: number): string => {
    const params = new URLSearchParams();
    if (query) params.set('q', query);
    for (const [k, v] of Object.entries(filters)) if (v && k !== 'page') params.set(k, v);
    params.set('page', String(n));
    return `/shop?${params.toString()}`;
  };
  return html`<nav class="pager" aria-label="${ctx.t('shop.pages')}">
    ${page > 1 ? html`<a rel="prev" href="${link(page - 1)}">${ctx.t('shop.prev')}</a>` : ''}
    <span>${ctx.t('shop.pageOf', { page, pages })}</span>
    ${page < pages ? html`<a rel="next" href="${link(page + 1)}">${ctx.t('shop.next')}</a>` : ''}
  </nav>`;
}

function searchForm(ctx: PageContext, query: string, invalid: boolean, filters: ShopFilters = {}): SafeHtml {
  const { t } = ctx;
  return html`<form class="search" method="get" action="/shop" role="search">
      <label for="q">${t('shop.query')}</label>
      <div class="search-row">
        <input
          id="q"
          name="q"
          type="search"
          value="${query}"
          maxlength="200"
          autocomplete="off"
          aria-describedby="q-hint"
          ${invalid ? html`aria-invalid="true"` : ''}
        />
        <button type="submit">${t('shop.submit')}</button>
      </div>
      <p class="hint" id="q-hint">${t('shop.queryHint')}</p>
    </form>
    ${filterControls(ctx, query, filters)}`;
}

/** `/shop?q=&category=&…`: the search form with filters and, for a query or a browse, its hits and pages. */
export function shopSearchPage(
  ctx: PageContext,
  query: string,
  answer?: SearchAnswer,
  invalid = false,
  filters: ShopFilters = {},
): string {
  const { t } = ctx;
  let results: SafeHtml | string = '';
  if (invalid) results = html`<p class="error" role="alert">${t('shop.queryInvalid')}</p>`;
  else if (answer && answer.items.length === 0) {
    results = html`<p role="status">${t('shop.noResults', { q: answer.query ?? '' })}</p>`;
  } else if (answer) {
    const ignored = Array.isArray(answer.ignoredTerms)
      ? answer.ignoredTerms.filter((w): w is string => typeof w === 'string' && w.length > 0).slice(0, 20)
      : [];
    results = html`<h2 id="results" role="status">
        ${t('shop.results', { q: answer.query ?? '', count: answer.total ?? answer.items.length })}
      </h2>
      ${answer.semantic === true ? html`<p class="hint" data-semantic>${t('shop.semantic')}</p>` : ''}
      ${ignored.length ? html`<p class="hint">${t('shop.ignored', { words: ignored.join(', ') })}</p>` : ''}
      <ul class="products" aria-labelledby="results">
        ${answer.items.map((hit) => {
          const notes = matchNotes(hit, t);
          return productCard(
            ctx,
            hit.id,
            hit.title,
            hit,
            notes.length ? html`<p class="match">${t('shop.matched')}: ${notes.join(', ')}</p>` : html``,
          );
        })}
      </ul>
      ${pager(ctx, query, filters, answer)}`;
  }
  return layout(
    ctx,
    answer?.query ? `${answer.query} · ${t('shop.title')}` : t('shop.title'),
    html`<h1>${t('shop.title')}</h1>
      <section aria-label="${t('shop.search')}">${searchForm(ctx, query, invalid, filters)}</section>
      ${results}`,
  );
}

function reasonList(ctx: PageContext, rec: RecommendedItem, position?: number, listLength?: number): SafeHtml {
  const note =
    position !== undefined && listLength !== undefined
      ? placementNote(position, rec.relevanceRank, listLength, ctx.t)
      : undefined;
  // The note says "picked for variety" with the rank; the recommender's own phrase would repeat it.
  const reasons = rec.reasons
    .filter((r) => !(note && isVarietyReason(r)))
    .map((r) => explainReason(r, ctx.t))
    .filter((r, i, all) => r.length > 0 && all.indexOf(r) === i);
  if (reasons.length === 0 && !note) return html``;
  return html`<div class="why">
    <span class="why-label">${ctx.t('forYou.why')}:</span>
    <ul class="reasons">
      ${reasons.map((r) => html`<li>${r}</li>`)} ${note ? html`<li class="placement">${note}</li>` : ''}
    </ul>
  </div>`;
}

export interface ProductPageData {
  item: CatalogItem;
  standing: ItemStanding;
  /** Undefined when the recommender has not indexed the item yet. */
  similar?: RecommendedItem[];
  saved?: InteractionKind;
}

function attributeLabel(t: Translate, name: string): string {
  const key = knownKey(`attr.${name}`);
  return key ? t(key) : name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** `/shop/items/{id}`: photo, facts, like / dislike, similar items with their reasons. */
export function productPage(ctx: PageContext, data: ProductPageData): string {
  const { t } = ctx;
  const { item, standing } = data;
  const pressed = (on: boolean) => (on ? 'true' : 'false');
  const attributes = Object.entries(item.attributes).filter(
    ([, v]) => typeof v !== 'string' || (v.length > 0 && v.length <= 200),
  );
  const similar = data.similar ?? [];
  return layout(
    ctx,
    item.title,
    html`<article class="item-page">
        <div class="item-photo">${photo(ctx, item.id, item, t('item.photoAlt', { title: item.title }))}</div>
        <div class="item-info">
          <h1>${item.title}</h1>
          <p class="price big">${formatPrice(ctx.lang, item.price, item.currency, t)}</p>
          ${data.saved ? html`<p class="notice" role="status">${t(`item.saved.${data.saved}`)}</p>` : ''}
          <form
            class="actions"
            method="post"
            action="${itemHref(item.id)}/interactions"
            data-interaction="${item.id}"
            aria-label="${t('item.rate')}"
          >
            ${csrfField(ctx)}
            <button
              type="submit"
              name="kind"
              value="like"
              class="secondary like"
              aria-pressed="${pressed(standing.verdict === 'like')}"
            >
              👍 ${t('item.like')}
            </button>
            <button
              type="submit"
              name="kind"
              value="dislike"
              class="secondary dislike"
              aria-pressed="${pressed(standing.verdict === 'dislike')}"
            >
              👎 ${t('item.dislike')}
            </button>
            <span
              role="status"
              class="status"
              data-saved-like="${t('item.saved.like')}"
              data-saved-dislike="${t('item.saved.dislike')}"
            ></span>
          </form>
          <dl class="facts">
            ${
              item.categoryPath.length
                ? html`<dt>${t('shop.category')}</dt>
                    <dd>${catalogCategoryWords(item.categoryPath, ctx.lang)}</dd>`
                : ''
            }
            ${attributes.map(
              ([k, v]) =>
                html`<dt>${attributeLabel(t, k)}</dt>
                  <dd>${String(v)}</dd>`,
            )}
            ${
              item.externalId
                ? html`<dt>${t('item.article')}</dt>
                    <dd>${item.externalId}</dd>`
                : ''
            }
          </dl>
          ${
            item.description
              ? html`<h2>${t('item.description')}</h2>
                  <p class="description">${item.description}</p>`
              : ''
          }
        </div>
      </article>
      <section aria-labelledby="similar">
        <h2 id="similar">${t('item.similar')}</h2>
        ${
          similar.length === 0
            ? html`<p>${t('item.similarNone')}</p>`
            : html`<ul class="products">
                ${similar.map((rec) => productCard(ctx, rec.itemId, rec.title, rec.item, reasonList(ctx, rec)))}
              </ul>`
        }
      </section>`,
  );
}

/** `/shop/for-you`: the caller's recommendations, each with why it is there; cold start says it is popular. */
export function forYouPage(ctx: PageContext, list: ForYouList): string {
  const { t } = ctx;
  const intro =
    list.items.length === 0
      ? html`<p role="status">${t('forYou.empty')}</p>`
      : list.strategy === 'cold-start'
        ? html`<p class="notice" role="status" data-strategy="cold-start">${t('forYou.coldStart')}</p>`
        : html`<p data-strategy="hybrid">${t('forYou.lead')}</p>
            ${list.promoted ? html`<p class="hint">${t('forYou.variety', { promoted: list.promoted })}</p>` : ''}`;
  return layout(
    ctx,
    t('forYou.title'),
    html`<h1>${t('forYou.title')}</h1>
      ${intro}
      <ol class="products">
        ${list.items.map((rec, i) =>
          productCard(
            ctx,
            rec.itemId,
            rec.title,
            rec.item,
            html`<p class="place">${t('forYou.place', { n: i + 1 })}</p>
              ${reasonList(ctx, rec, i + 1, list.items.length)}`,
          ),
        )}
      </ol>`,
  );
}

/**
 * The recommender's error as a page: unreachable → 503 with a "try again", not found → 404, rejected input → its
 * status and message, its own failures (502 `recommender_failed` from the client) → 502 with the code.
 */
export function recommenderErrorPage(
  ctx: PageContext,
  status: number,
  code: string,
  message: string,
): { status: number; page: string } {
  const { t } = ctx;
  if (status === 503 || code === 'recommender_unavailable') {
    return { status: 503, page: errorPage(ctx, t('shop.unavailable')) };
  }
  if (status === 404) return { status: 404, page: errorPage(ctx, t('shop.notFound')) };
  if (status >= 400 && status < 500) {
    return { status, page: errorPage(ctx, t('shop.rejected', { message: message.slice(0, 200) })) };
  }
  return { status: 502, page: errorPage(ctx, t('shop.failed', { code: code.slice(0, 60) })) };
}
