import { join } from 'node:path';
import { AssetManifest } from './asset-manifest';
import { recommenderDashboardPage, ratioChart, type MetricRow, type RecsEvalReport } from './dashboard-pages';
import { translator, type Lang } from './i18n';
import type { PageContext } from './layout';

const assets = AssetManifest.fromSources(join(__dirname, 'public'));

const ctx = (lang: Lang = 'en'): PageContext => ({
  lang,
  t: translator(lang),
  signedIn: true,
  assets,
  csrf: 'c',
  path: '/admin/recommender',
});

const row = (recommender: string, scale: number): MetricRow => ({
  recommender,
  precision: 0.05 * scale,
  recall: 0.04 * scale,
  map: 0.02 * scale,
  ndcg: 0.06 * scale,
  coverage: 0.1 * scale,
});

const report: RecsEvalReport = {
  generatedAt: '2025-11-21T10:00:00.000Z',
  k: 10,
  datasets: [
    {
      dataset: 'movielens-100k',
      users: 943,
      items: 1682,
      interactions: 100000,
      rows: [row('popularity', 1), row('ease', 2.5), row('hybrid', 3)],
    },
  ],
};

const HEALTH = { items: 120, indexed: 120, index: 'exact', collaborative: 'ease', version: '120:7', contrastive: true };

describe('recommenderDashboardPage', () => {
  it('shows index health and the metrics table with ratios to popularity', () => {
    const page = recommenderDashboardPage(ctx(), HEALTH, report);
    expect(page).toContain('<dd data-field="model">built</dd>');
    expect(page).toMatch(/<dt>Index kind<\/dt>\s*<dd data-field="index">exact<\/dd>/);
    expect(page).toMatch(/<dt>Vectors in the index<\/dt>\s*<dd data-field="indexed">120<\/dd>/);
    expect(page).toMatch(/<dt>contrastive<\/dt>\s*<dd data-field="contrastive">true<\/dd>/);
    expect(page).toContain('movielens-100k: 943 users, 1,682 items, 100,000 interactions');
    expect(page).toContain('21 Nov 2025, 10:00 UTC');
    expect(page).toMatch(/<tr data-recommender="hybrid">\s*<th scope="row">hybrid<\/th>\s*<td>0\.1500<\/td>/);
    expect(page).toMatch(/data-recommender="ease"[\s\S]*?<td data-ndcg-ratio>2\.50×<\/td>/);
    expect(page).toMatch(/data-recommender="popularity"[\s\S]*?<td data-ndcg-ratio>1\.00×<\/td>/);
    expect(page).toContain('NDCG@10 / popularity');
    // The chart is SVG with attributes only: the page's CSP forbids inline style.
    expect(page).toContain('<svg');
    expect(page).not.toMatch(/style=/);
  });

  it('says how to produce a report when there is none, and that an empty model is not built', () => {
    const page = recommenderDashboardPage(ctx('ru'), { items: 0, indexed: 0, index: 'none' }, undefined);
    expect(page).toContain('data-metrics="none"');
    expect(page).toContain('npm run eval:recs');
    expect(page).toContain('не построена: каталог пуст');
  });

  it('skips malformed rows instead of failing', () => {
    const bad = {
      ...report,
      datasets: [{ ...report.datasets[0], rows: [row('popularity', 1), { recommender: 'x', precision: 'high' }] }],
    } as unknown as RecsEvalReport;
    const page = recommenderDashboardPage(ctx(), HEALTH, bad);
    expect(page).toContain('data-recommender="popularity"');
    expect(page).not.toContain('data-recommender="x"');
  });
});

describe('ratioChart', () => {
  it('draws bars proportional to NDCG relative to popularity, with a 1× line', () => {
    const svg = ratioChart('c', 'chart', [row('popularity', 1), row('ease', 2), row('hybrid', 4)]).value;
    const widths = [...svg.matchAll(/<rect[^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(3);
    expect(widths[1] / widths[0]).toBeCloseTo(2, 2);
    expect(widths[2] / widths[0]).toBeCloseTo(4, 2);
    expect(svg).toContain('4.00×');
    expect(svg).toContain('class="bar base"');
    expect(svg).toMatch(/<title id="c">chart<\/title>/);
  });
});
