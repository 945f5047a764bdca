import { visualAttribute, visualWordsFor, VISUAL_FILTERS } from './attribute-words';
import { html, type SafeHtml } from './html';
import type { MessageKey } from './i18n';
import { shopManageTranslator } from './i18n-shop-manage';
import { layout, type PageContext } from './layout';

/** Photos per drop zone (the recommender takes up to 20 of each; a handful describes a taste best). */
export const PHOTOS_PER_ZONE = 8;
export const RESULT_COUNTS = [5, 10, 20] as const;
/** The first is checked by default; `discriminative` (learned from likes vs dislikes) is offered, not the default. */
export const STRATEGIES = ['average_vector', 'best_score', 'discriminative'] as const;

/** Messages the browser script shows (uploads, statuses, errors, results), in the page's language. */
const SCRIPT_MESSAGES: MessageKey[] = [
  'vs.empty',
  'vs.remove',
  'vs.removeLabel',
  'vs.state.uploading',
  'vs.state.pending',
  'vs.state.annotated',
  'vs.state.failed',
  'vs.state.error',
  'vs.state.slow',
  'vs.tooMany',
  'vs.err.unsupported_media_type',
  'vs.err.invalid_image',
  'vs.err.image_too_large',
  'vs.err.payload_too_large',
  'vs.err.rate_limited',
  'vs.err.unauthenticated',
  'vs.err.csrf_failed',
  'vs.err.recommender_unavailable',
  'vs.err.photo_not_annotated',
  'vs.err.not_found',
  'vs.err.validation_failed',
  'vs.err.generic',
  'vs.needPositive',
  'vs.waiting',
  'vs.ready',
  'vs.searching',
  'vs.found',
  'vs.usedStrategy',
  'vs.usedStrategy.discriminative',
  'vs.usedStrategy.average_vector',
  'vs.usedStrategy.best_score',
  'vs.noGoodMatch',
  'vs.nothing',
  'vs.match',
  'vs.score',
  'vs.why',
  'vs.relation.like_positives',
  'vs.relation.unlike_negatives',
  'vs.weight',
  'vs.look',
  'vs.matchAlt',
];

function zone(ctx: PageContext, kind: 'positive' | 'negative'): SafeHtml {
  const { t } = ctx;
  const title = kind === 'positive' ? t('vs.positive') : t('vs.negative');
  const hint =
    kind === 'positive'
      ? t('vs.positiveHint', { max: PHOTOS_PER_ZONE })
      : t('vs.negativeHint', { max: PHOTOS_PER_ZONE });
  return html`<section class="vs-zone" data-zone="${kind}" aria-labelledby="zone-${kind}">
    <h2 id="zone-${kind}">${title}</h2>
    <p class="hint" id="zone-${kind}-hint">${hint}</p>
    <div class="vs-drop" data-drop="${kind}">
      <input
        type="file"
        id="photos-${kind}"
        class="vs-file"
        accept="image/jpeg,image/png,image/webp"
        multiple
        aria-describedby="zone-${kind}-hint"
      />
      <label for="photos-${kind}" class="button secondary"
        >${kind === 'positive' ? t('vs.choosePositive') : t('vs.chooseNegative')}</label
      >
      <span class="vs-drop-text">${t('vs.dropHere')}</span>
    </div>
    <p class="vs-zone-note" role="status" data-zone-note></p>
    <ul class="vs-photos" data-list="${kind}" aria-label="${title}"></ul>
    <p class="hint" data-empty>${t('vs.empty')}</p>
  </section>`;
}

function filterControl(ctx: PageContext, name: string, control: 'choice' | 'several'): SafeHtml {
  const words = visualAttribute(name);
  if (!words) return html``;
  const label = words.label[ctx.lang].charAt(0).toUpperCase() + words.label[ctx.lang].slice(1);
  if (control === 'several') {
    return html`<fieldset class="vs-several">
      <legend>${label}</legend>
      ${words.values.map(
        (v) =>
          html`<label class="vs-check"
            ><input type="checkbox" name="filter-${name}" value="${v.value}" data-filter="${name}" />
            ${v.label[ctx.lang]}</label
          >`,
      )}
    </fieldset>`;
  }
  return html`<div>
    <label for="filter-${name}">${label}</label>
    <select id="filter-${name}" name="filter-${name}" data-filter="${name}">
      <option value="">${ctx.t('vs.any')}</option>
      ${words.values.map((v) => html`<option value="${v.value}">${v.label[ctx.lang]}</option>`)}
    </select>
  </div>`;
}

/**
 * Visual search: two drop zones (liked / disliked photos) with a plain file input each, filters and strategy,
 * results filled in by the page's script from the JSON API. Without JavaScript only the explanation shows.
 */
export function visualSearchPage(ctx: PageContext, fromLikes: SafeHtml | string = ''): string {
  const { t } = ctx;
  const labels = Object.fromEntries(SCRIPT_MESSAGES.map((k) => [k, t(k)]));
  return layout(
    ctx,
    t('vs.title'),
    html`<h1>${t('vs.title')}</h1>
      <p>${t('vs.lead')}</p>
      <noscript><p class="notice" data-noscript>${t('vs.noscript')}</p></noscript>
      ${fromLikes}
      <div
        class="vs"
        data-visual-search
        data-lang="${ctx.lang}"
        data-per-zone="${PHOTOS_PER_ZONE}"
        data-labels="${JSON.stringify(labels)}"
        data-words="${JSON.stringify(visualWordsFor(ctx.lang))}"
        hidden
      >
        <div class="vs-zones">${zone(ctx, 'positive')} ${zone(ctx, 'negative')}</div>
        <form class="vs-options" data-search-form novalidate>
          <h2>${t('vs.options')}</h2>
          <fieldset>
            <legend>${t('vs.filters')}</legend>
            <p class="hint">${t('vs.filtersHint')}</p>
            <div class="row">
              ${VISUAL_FILTERS.filter((f) => f.control === 'choice').map((f) => filterControl(ctx, f.name, f.control))}
            </div>
            ${VISUAL_FILTERS.filter((f) => f.control === 'several').map((f) => filterControl(ctx, f.name, f.control))}
          </fieldset>
          <fieldset>
            <legend>${t('vs.strategy')}</legend>
            ${STRATEGIES.map(
              (s, i) =>
                html`<label class="vs-check"
                  ><input type="radio" name="strategy" value="${s}" ${i === 0 ? html`checked` : ''} />
                  ${t(`vs.strategy.${s}`)}</label
                >`,
            )}
          </fieldset>
          <div class="vs-k">
            <label for="vs-k">${t('vs.k')}</label>
            <select id="vs-k" name="k">
              ${RESULT_COUNTS.map((k) => html`<option value="${k}" ${k === 10 ? html`selected` : ''}>${k}</option>`)}
            </select>
          </div>
          <div class="actions">
            <button type="submit" data-search disabled>${t('vs.search')}</button>
          </div>
          <p role="status" class="status" data-search-status>${t('vs.needPositive')}</p>
        </form>
        <section class="vs-results" aria-labelledby="vs-results" data-results hidden>
          <h2 id="vs-results" tabindex="-1">${t('vs.results')}</h2>
          <div data-results-message></div>
          <ol class="vs-matches" data-matches></ol>
          <p>
            <a data-as-page hidden href="/visual-search/results">${shopManageTranslator(ctx.lang)('vsr.asPage')}</a>
          </p>
        </section>
      </div>`,
    ['visual.css', 'shop-manage.css', 'visual-search.js'],
  );
}
