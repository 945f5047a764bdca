import { createHash } from 'node:crypto';
import { VISUAL_ASSETS } from './visual-assets';

// Served from the gateway itself (no CDN): one stylesheet and one small script for progressive enhancement.

const CSS = `
:root { --fg:#1a1a1a; --muted:#555; --bg:#fff; --accent:#0b57d0; --accent-fg:#fff; --ok:#0a6b2d; --bad:#a50e0e;
  --line:#ccc; --card:#f6f7f9; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin:0; color:var(--fg); background:var(--bg); line-height:1.5; font-size:1rem; }
a { color:var(--accent); }
:focus-visible { outline:3px solid #f4b400; outline-offset:2px; }
.skip { position:absolute; left:-999px; top:0; background:var(--bg); padding:.5rem; }
.skip:focus { left:.5rem; z-index:10; }
header.top { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; justify-content:space-between;
  padding:.75rem 1rem; border-bottom:1px solid var(--line); }
header.top .brand { font-weight:700; font-size:1.15rem; text-decoration:none; color:var(--fg); }
nav ul { list-style:none; display:flex; flex-wrap:wrap; gap:.25rem 1rem; margin:0; padding:0; align-items:center; }
main { max-width:60rem; margin:0 auto; padding:1rem; }
h1 { font-size:1.6rem; margin:.5rem 0 1rem; }
h2 { font-size:1.25rem; margin:1.5rem 0 .75rem; }
form.stack { display:grid; gap:.9rem; max-width:32rem; }
label { display:block; font-weight:600; margin-bottom:.25rem; }
.hint { color:var(--muted); font-size:.9rem; margin:.25rem 0 0; }
input, select, textarea { width:100%; font:inherit; padding:.6rem; border:1px solid #767676; border-radius:6px;
  background:#fff; color:var(--fg); }
textarea { min-height:6rem; resize:vertical; }
.row { display:grid; gap:.9rem; grid-template-columns:repeat(auto-fit, minmax(9rem, 1fr)); }
button, .button { display:inline-block; font:inherit; font-weight:600; padding:.6rem 1.1rem; border-radius:6px;
  border:2px solid var(--accent); background:var(--accent); color:var(--accent-fg); cursor:pointer; text-decoration:none; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.link { background:none; border:none; color:var(--accent); padding:0; text-decoration:underline; font-weight:400; }
button[aria-pressed="true"] { background:var(--ok); border-color:var(--ok); color:#fff; }
button.dislike[aria-pressed="true"] { background:var(--bad); border-color:var(--bad); }
.notice { padding:.75rem 1rem; border-radius:6px; background:#e8f0fe; border:1px solid #9ab8f0; }
.error { padding:.75rem 1rem; border-radius:6px; background:#fdecea; border:1px solid #e6a19b; color:#5f0b05; }
.error ul { margin:.25rem 0 0; padding-left:1.25rem; }
ol.steps { list-style:none; padding:0; display:grid; gap:.5rem; }
ol.steps li { padding:.6rem .8rem; border:1px solid var(--line); border-radius:6px; background:var(--card); }
ol.steps li[data-done="true"]::before { content:"✓ "; color:var(--ok); font-weight:700; }
ol.steps li.failed::before { content:"✗ "; color:var(--bad); font-weight:700; }
.history { list-style:none; padding:0; display:grid; gap:.5rem; }
.history li { display:flex; gap:.75rem; align-items:center; padding:.5rem; border:1px solid var(--line); border-radius:6px; }
.history img { width:56px; height:56px; object-fit:cover; border-radius:4px; background:var(--card); }
.history .meta { flex:1; min-width:0; }
.history .prompt { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.status { font-size:.85rem; color:var(--muted); }
.gallery { list-style:none; padding:0; display:grid; gap:1rem; grid-template-columns:repeat(auto-fill, minmax(15rem, 1fr)); }
.gallery li { border:1px solid var(--line); border-radius:8px; padding:.75rem; background:var(--card); }
.gallery img { width:100%; height:auto; border-radius:6px; display:block; background:#fff; }
.actions { display:flex; flex-wrap:wrap; gap:.5rem; margin-top:.5rem; }
.actions form { margin:0; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.25rem 1rem; }
dl.facts dt { font-weight:600; }
dl.facts dd { margin:0; }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); white-space:nowrap; }
details summary { cursor:pointer; font-weight:600; }
@media (max-width: 30rem) { h1 { font-size:1.35rem; } main { padding:.75rem; } }
/* Shop, "for you" and the recommender dashboard. */
form.search { max-width:40rem; }
.search-row { display:flex; gap:.5rem; }
.search-row input { flex:1; min-width:0; }
.products { list-style:none; padding:0; display:grid; gap:1rem; grid-template-columns:repeat(auto-fill, minmax(10.5rem, 1fr)); }
.product { border:1px solid var(--line); border-radius:8px; padding:.6rem; background:var(--card); min-width:0; }
.product-link { display:block; text-decoration:none; color:var(--fg); }
.product-photo { display:flex; align-items:center; justify-content:center; aspect-ratio:3/4; background:#fff;
  border-radius:6px; overflow:hidden; }
.product-photo img, .item-photo img { width:100%; height:100%; object-fit:contain; display:block; }
.product-title { display:block; font-weight:600; margin-top:.4rem; overflow-wrap:anywhere; }
.product-link:hover .product-title { text-decoration:underline; }
.product p { margin:.25rem 0 0; }
.price { font-weight:700; }
.price.big { font-size:1.4rem; margin:.25rem 0 .75rem; }
.category, .match, .place, .no-photo { font-size:.85rem; color:var(--muted); }
.why { font-size:.9rem; margin-top:.4rem; }
.why-label { font-weight:600; }
.reasons { margin:.15rem 0 0; padding-left:1.1rem; }
.reasons .placement { color:var(--muted); }
.item-page { display:grid; gap:1rem 1.5rem; grid-template-columns:minmax(0, 18rem) minmax(0, 1fr); align-items:start; }
.item-photo { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.5rem; aspect-ratio:3/4;
  display:flex; align-items:center; justify-content:center; }
.item-info { min-width:0; }
.item-info h1 { margin-top:0; overflow-wrap:anywhere; }
.table-scroll { overflow-x:auto; max-width:100%; }
table.metrics { border-collapse:collapse; font-size:.9rem; min-width:100%; }
table.metrics th, table.metrics td { padding:.35rem .6rem; border-bottom:1px solid var(--line); text-align:right;
  white-space:nowrap; }
table.metrics thead th { white-space:normal; vertical-align:bottom; min-width:4.5rem; }
table.metrics th[scope="row"], table.metrics thead th:first-child { text-align:left; }
svg.chart { width:100%; max-width:36rem; height:auto; display:block; margin:1rem 0; }
svg.chart text { fill:var(--fg); }
svg.chart .bar { fill:var(--accent); }
svg.chart .bar.base { fill:#8a8a8a; }
svg.chart .baseline { stroke:var(--bad); stroke-width:2; stroke-dasharray:4 3; }
dl.facts dd { min-width:0; overflow-wrap:anywhere; }
@media (max-width: 36rem) { .item-page { grid-template-columns:1fr; } .item-photo { max-width:16rem; } }
`;

const JS = `
(function () {
  'use strict';
  function csrf() {
    var m = document.cookie.match(/(?:^|; )atelier_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : '';
  }
  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      body: JSON.stringify(body)
    });
  }
  // Access cookies are short-lived: on 401 rotate the refresh cookie once and retry.
  function postWithRefresh(url, body) {
    return post(url, body).then(function (res) {
      if (res.status !== 401) return res;
      return post('/v1/auth/refresh', {}).then(function (r) { return r.ok ? post(url, body) : res; });
    });
  }

  // Live status from the server-sent event stream.
  var task = document.querySelector('[data-events-url]');
  if (task && window.EventSource) {
    var labels = JSON.parse(task.getAttribute('data-labels') || '{}');
    var list = task.querySelector('ol.steps');
    var status = task.querySelector('[data-status]');
    var done = task.querySelector('[data-done-link]');
    var source = new EventSource(task.getAttribute('data-events-url'));
    source.addEventListener('step', function (e) {
      var step = JSON.parse(e.data);
      var li = list.querySelector('li[data-event="' + step.event + '"]');
      if (!li) {
        li = document.createElement('li');
        li.setAttribute('data-event', step.event);
        li.textContent = labels['step.' + step.event] || step.event;
        list.appendChild(li);
      }
      li.setAttribute('data-done', 'true');
      if (step.status === 'failed' || step.status === 'rejected') li.className = 'failed';
      status.textContent = labels['status.' + step.status] || step.status;
      status.setAttribute('data-status', step.status);
    });
    source.addEventListener('end', function (e) {
      source.close();
      var end = JSON.parse(e.data);
      status.textContent = labels['status.' + end.status] || end.status;
      status.setAttribute('data-status', end.status);
      task.setAttribute('data-final', end.status);
      if (done) { done.hidden = false; done.focus(); }
    });
  }

  // Like / dislike without leaving the page; the forms still work without JavaScript.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.matches || !form.matches('form[data-feedback]')) return;
    var button = e.submitter;
    if (!button || !button.value) return;
    e.preventDefault();
    var rank = Number(form.getAttribute('data-rank'));
    postWithRefresh(form.getAttribute('data-feedback'), { rank: rank, verdict: button.value }).then(function (res) {
      if (!res.ok) {
        // Fall back to the plain form post (which re-renders the page with the outcome).
        var hidden = document.createElement('input');
        hidden.type = 'hidden'; hidden.name = 'verdict'; hidden.value = button.value;
        form.appendChild(hidden);
        form.submit();
        return;
      }
      form.querySelectorAll('button[name="verdict"]').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b === button));
      });
      var live = form.querySelector('[role="status"]');
      if (live) live.textContent = live.getAttribute('data-saved') || '';
    });
  });

  // Shop: like / dislike / add to cart through the JSON API; the forms still post without JavaScript.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.matches || !form.matches('form[data-interaction]')) return;
    var button = e.submitter;
    if (!button || !button.value) return;
    e.preventDefault();
    var kind = button.value;
    postWithRefresh('/v1/interactions', { itemId: form.getAttribute('data-interaction'), kind: kind }).then(function (res) {
      if (!res.ok) {
        var hidden = document.createElement('input');
        hidden.type = 'hidden'; hidden.name = 'kind'; hidden.value = kind;
        form.appendChild(hidden);
        form.submit();
        return;
      }
      if (kind === 'add_to_cart') button.setAttribute('aria-pressed', 'true');
      else form.querySelectorAll('button.like, button.dislike').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b === button));
      });
      var live = form.querySelector('[role="status"]');
      if (live) live.textContent = live.getAttribute('data-saved-' + kind) || '';
    });
  });
})();
`;

const version = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

export interface Asset {
  path: string;
  body: string;
  type: string;
}

/** Content-addressed paths, cached for a year. */
export const ASSETS = {
  css: { path: `/assets/studio.${version(CSS)}.css`, body: CSS, type: 'text/css; charset=utf-8' },
  js: { path: `/assets/studio.${version(JS)}.js`, body: JS, type: 'text/javascript; charset=utf-8' },
  // Visual search and style profile pages (visual-assets.ts).
  visualCss: VISUAL_ASSETS.css,
  visualJs: VISUAL_ASSETS.js,
} as const satisfies Record<string, Asset>;
