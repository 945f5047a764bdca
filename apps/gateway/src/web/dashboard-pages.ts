import { html, type SafeHtml } from './html';
import type { MessageKey } from './i18n';
import { layout, type PageContext } from './layout';

/** `GET /v1/recommendations/health` as the dashboard reads it; unknown scalar fields are shown by name. */
export type RecommenderHealth = Record<string, unknown>;

export interface MetricRow {
  recommender: string;
  precision: number;
  recall: number;
  map: number;
  ndcg: number;
  coverage: number;
}

export interface DatasetMetrics {
  dataset: string;
  users: number;
  items: number;
  interactions: number;
  rows: MetricRow[];
}

/** The latest offline evaluation (`npm run eval:recs`), as `GET /v1/recommendations/metrics` serves it. */
export interface RecsEvalReport {
  generatedAt: string;
  k: number;
  datasets: DatasetMetrics[];
}

export const EVAL_COMMAND = 'npm run eval:recs';

const HEALTH_LABELS: Record<string, MessageKey> = {
  index: 'dash.index',
  items: 'dash.items',
  indexed: 'dash.vectors',
  collaborative: 'dash.collaborative',
  version: 'dash.version',
};

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Rows whose metrics are all numbers (a hand-edited or older report must not break the page). */
function validRows(rows: unknown): MetricRow[] {
  if (!Array.isArray(rows)) return [];
  return rows.filter(
    (r): r is MetricRow =>
      typeof r === 'object' &&
      r !== null &&
      typeof (r as MetricRow).recommender === 'string' &&
      ['precision', 'recall', 'map', 'ndcg', 'coverage'].every((m) => finite((r as Record<string, unknown>)[m])),
  );
}

function healthFacts(ctx: PageContext, health: RecommenderHealth): SafeHtml {
  const { t } = ctx;
  const items = health.items;
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  const known = Object.keys(HEALTH_LABELS).filter((k) => scalar(health[k]));
  const others = Object.keys(health).filter((k) => !(k in HEALTH_LABELS) && scalar(health[k]));
  return html`<dl class="facts" data-health>
    <dt>${t('dash.model')}</dt>
    <dd data-field="model">${finite(items) && items > 0 ? t('dash.modelReady') : t('dash.modelEmpty')}</dd>
    ${known.map(
      (k) =>
        html`<dt>${t(HEALTH_LABELS[k])}</dt>
          <dd data-field="${k}">${String(health[k])}</dd>`,
    )}
    ${others.map(
      (k) =>
        html`<dt>${k}</dt>
          <dd data-field="${k}">${String(health[k])}</dd>`,
    )}
  </dl>`;
}

const ratio = (v: number, base: number | undefined) => (base && base > 0 ? v / base : undefined);
const times = (r: number | undefined) => (r === undefined ? '–' : `${r.toFixed(2)}×`);

/**
 * Horizontal bars of NDCG@k relative to popularity, drawn with SVG attributes only (the CSP allows no inline
 * style); a line marks popularity = 1×. The table beside it carries the same numbers for screen readers.
 */
export function ratioChart(id: string, title: string, rows: MetricRow[]): SafeHtml {
  const pop = rows.find((r) => r.recommender === 'popularity');
  const bars = rows.map((r) => ({ name: r.recommender, value: ratio(r.ndcg, pop?.ndcg) ?? 0 }));
  const max = Math.max(1, ...bars.map((b) => b.value));
  const label = 110;
  const width = 230;
  const rowHeight = 28;
  const height = bars.length * rowHeight + 24;
  const x = (v: number) => label + (v / max) * width;
  return html`<svg
    class="chart"
    viewBox="0 0 ${label + width + 60} ${height}"
    role="img"
    aria-labelledby="${id}"
    preserveAspectRatio="xMinYMin meet"
  >
    <title id="${id}">${title}</title>
    ${bars.map(
      (b, i) =>
        html`<g data-bar="${b.name}">
          <text x="${label - 8}" y="${i * rowHeight + 18}" text-anchor="end" font-size="14">${b.name}</text>
          <rect
            class="bar${b.name === 'popularity' ? ' base' : ''}"
            x="${label}"
            y="${i * rowHeight + 4}"
            width="${(x(b.value) - label).toFixed(1)}"
            height="${rowHeight - 8}"
            rx="3"
          ></rect>
          <text x="${x(b.value) + 6}" y="${i * rowHeight + 18}" font-size="14">${times(b.value)}</text>
        </g>`,
    )}
    <line class="baseline" x1="${x(1)}" x2="${x(1)}" y1="0" y2="${height - 20}"></line>
    <text x="${x(1)}" y="${height - 6}" text-anchor="middle" font-size="12">1×</text>
  </svg>`;
}

function datasetSection(ctx: PageContext, report: RecsEvalReport, ds: DatasetMetrics, index: number): SafeHtml {
  const { t } = ctx;
  const rows = validRows(ds.rows);
  const pop = rows.find((r) => r.recommender === 'popularity');
  const k = report.k;
  const count = (n: number) => new Intl.NumberFormat(ctx.lang === 'ru' ? 'ru-RU' : 'en-GB').format(n);
  const heading = t('dash.dataset', {
    name: ds.dataset,
    users: count(ds.users),
    items: count(ds.items),
    interactions: count(ds.interactions),
  });
  return html`<section class="dataset" aria-labelledby="dataset-${index}" data-dataset="${ds.dataset}">
    <h3 id="dataset-${index}">${heading}</h3>
    <div class="table-scroll">
      <table class="metrics">
        <thead>
          <tr>
            <th scope="col">${t('dash.recommender')}</th>
            <th scope="col">P@${k}</th>
            <th scope="col">R@${k}</th>
            <th scope="col">MAP@${k}</th>
            <th scope="col">NDCG@${k}</th>
            <th scope="col">${t('dash.coverage')}</th>
            <th scope="col">${t('dash.vsPop', { metric: `P@${k}` })}</th>
            <th scope="col">${t('dash.vsPop', { metric: `MAP@${k}` })}</th>
            <th scope="col">${t('dash.vsPop', { metric: `NDCG@${k}` })}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr data-recommender="${r.recommender}">
                <th scope="row">${r.recommender}</th>
                <td>${r.precision.toFixed(4)}</td>
                <td>${r.recall.toFixed(4)}</td>
                <td>${r.map.toFixed(4)}</td>
                <td>${r.ndcg.toFixed(4)}</td>
                <td>${r.coverage.toFixed(3)}</td>
                <td>${times(ratio(r.precision, pop?.precision))}</td>
                <td>${times(ratio(r.map, pop?.map))}</td>
                <td data-ndcg-ratio>${times(ratio(r.ndcg, pop?.ndcg))}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${pop ? ratioChart(`chart-${index}`, t('dash.chart', { k }), rows) : ''}
  </section>`;
}

/** `/admin/recommender`: index health and the latest offline metrics (or how to produce them). */
export function recommenderDashboardPage(
  ctx: PageContext,
  health: RecommenderHealth,
  report: RecsEvalReport | undefined,
): string {
  const { t } = ctx;
  const date = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime())
      ? iso
      : new Intl.DateTimeFormat(ctx.lang === 'ru' ? 'ru-RU' : 'en-GB', {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: 'UTC',
        }).format(d) + ' UTC';
  };
  const datasets = Array.isArray(report?.datasets) ? report.datasets : [];
  return layout(
    ctx,
    t('dash.title'),
    html`<h1>${t('dash.title')}</h1>
      <section aria-labelledby="health">
        <h2 id="health">${t('dash.health')}</h2>
        ${healthFacts(ctx, health)}
      </section>
      <section aria-labelledby="metrics" data-metrics="${report ? 'report' : 'none'}">
        <h2 id="metrics">${t('dash.metrics')}</h2>
        ${
          report
            ? html`<p>${t('dash.generated', { date: date(report.generatedAt), k: report.k })}</p>
                ${datasets.map((ds, i) => datasetSection(ctx, report, ds, i))}`
            : html`<p class="notice" data-no-report>${t('dash.noReport', { command: EVAL_COMMAND })}</p>`
        }
      </section>`,
  );
}
