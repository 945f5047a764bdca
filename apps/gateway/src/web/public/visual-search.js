(function () {
  'use strict';
  var root = document.querySelector('[data-visual-search]');
  if (!root) return;
  var L = JSON.parse(root.getAttribute('data-labels') || '{}');
  var WORDS = JSON.parse(root.getAttribute('data-words') || '{}');
  var LANG = root.getAttribute('data-lang') === 'en' ? 'en' : 'ru';
  var PER_ZONE = Number(root.getAttribute('data-per-zone')) || 8;
  var UPLOADS_AT_ONCE = 2;

  function t(key, vars) {
    return (L[key] || key).replace(/\{(\w+)\}/g, function (m, name) {
      return vars && name in vars ? String(vars[name]) : m;
    });
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )atelier_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : '';
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function bar(value) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'bar');
    svg.setAttribute('viewBox', '0 0 100 6');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var track = document.createElementNS(ns, 'rect');
    track.setAttribute('class', 'bar-track');
    track.setAttribute('width', '100');
    track.setAttribute('height', '6');
    var fill = document.createElementNS(ns, 'rect');
    fill.setAttribute('class', 'bar-fill');
    fill.setAttribute('width', String(Math.round(Math.max(0, Math.min(1, value)) * 100)));
    fill.setAttribute('height', '6');
    svg.appendChild(track);
    svg.appendChild(fill);
    return svg;
  }
  function word(name, value) {
    var w = WORDS[name];
    return { name: (w && w.label) || name, value: (w && w.values[value]) || value };
  }

  // Same-origin API calls with the CSRF header; a 401 (short-lived access cookie) rotates the session once.
  async function api(url, init, retried) {
    init = init || {};
    var headers = Object.assign({}, init.headers || {});
    if (init.method && init.method !== 'GET') headers['x-csrf-token'] = csrf();
    var res = await fetch(url, Object.assign({}, init, { headers: headers, credentials: 'same-origin' }));
    if (res.status === 401 && !retried) {
      var r = await fetch('/v1/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        body: '{}',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      });
      if (r.ok) return api(url, init, true);
    }
    return res;
  }
  async function errorCode(res) {
    try {
      var body = await res.json();
      return (body && body.error && body.error.code) || '';
    } catch (e) {
      return '';
    }
  }
  function errorText(code, status) {
    if (code && L['vs.err.' + code]) return t('vs.err.' + code);
    if (status === 413) return t('vs.err.payload_too_large');
    if (status === 415) return t('vs.err.unsupported_media_type');
    if (status === 429) return t('vs.err.rate_limited');
    if (status === 401) return t('vs.err.unauthenticated');
    if (status === 502 || status === 503 || status === 504) return t('vs.err.recommender_unavailable');
    return t('vs.err.generic');
  }

  var form = root.querySelector('[data-search-form]');
  var button = form.querySelector('[data-search]');
  var status = form.querySelector('[data-search-status]');
  var results = root.querySelector('[data-results]');
  var resultsHeading = results.querySelector('h2');
  var resultsMessage = results.querySelector('[data-results-message]');
  var matches = results.querySelector('[data-matches]');
  var asPage = results.querySelector('[data-as-page]');
  var lastRequest = null;
  var photos = [];
  var queue = [];
  var uploading = 0;
  var searching = false;
  var seq = 0;
  var zones = {};

  function hasFiles(e) {
    var types = e.dataTransfer ? Array.prototype.slice.call(e.dataTransfer.types || []) : [];
    return types.indexOf('Files') >= 0;
  }

  Array.prototype.forEach.call(root.querySelectorAll('[data-zone]'), function (section) {
    var kind = section.getAttribute('data-zone');
    var z = {
      section: section,
      input: section.querySelector('input[type="file"]'),
      list: section.querySelector('[data-list]'),
      note: section.querySelector('[data-zone-note]'),
      empty: section.querySelector('[data-empty]'),
    };
    zones[kind] = z;
    z.input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(z.input.files || []);
      z.input.value = '';
      addFiles(kind, files);
    });
    ['dragenter', 'dragover'].forEach(function (type) {
      section.addEventListener(type, function (e) {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        section.classList.add('vs-dragging');
      });
    });
    section.addEventListener('dragleave', function (e) {
      if (!e.relatedTarget || !section.contains(e.relatedTarget)) section.classList.remove('vs-dragging');
    });
    section.addEventListener('drop', function (e) {
      e.preventDefault();
      section.classList.remove('vs-dragging');
      addFiles(kind, Array.prototype.slice.call((e.dataTransfer && e.dataTransfer.files) || []));
    });
  });
  // A file dropped beside a zone must not navigate away from the page.
  ['dragover', 'drop'].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (hasFiles(e)) e.preventDefault();
    });
  });

  function addFiles(kind, files) {
    var z = zones[kind];
    var room =
      PER_ZONE -
      photos.filter(function (p) {
        return p.zone === kind;
      }).length;
    z.note.textContent = '';
    files.forEach(function (file) {
      if (room <= 0) {
        z.note.textContent = t('vs.tooMany', { max: PER_ZONE });
        return;
      }
      room--;
      var p = { key: ++seq, zone: kind, file: file, name: file.name || 'photo', state: 'uploading', attributes: [] };
      photos.push(p);
      renderPhoto(p);
      preview(p);
      queue.push(p);
    });
    pump();
    refresh();
  }

  function renderPhoto(p) {
    var li = el('li', 'vs-photo');
    li.setAttribute('data-key', String(p.key));
    var thumb = el('div', 'vs-thumb', '🖼');
    thumb.setAttribute('aria-hidden', 'true');
    var meta = el('div', 'vs-meta');
    meta.appendChild(el('span', 'vs-name', p.name));
    var state = el('span', 'vs-state');
    state.setAttribute('data-photo-state', '');
    meta.appendChild(state);
    meta.appendChild(el('span', 'vs-attrs'));
    var error = el('span', 'vs-error');
    error.setAttribute('data-photo-error', '');
    meta.appendChild(error);
    var remove = el('button', 'link vs-remove', t('vs.remove'));
    remove.type = 'button';
    remove.setAttribute('aria-label', t('vs.removeLabel', { name: p.name }));
    remove.addEventListener('click', function () {
      removePhoto(p);
    });
    li.appendChild(thumb);
    li.appendChild(meta);
    li.appendChild(remove);
    p.li = li;
    zones[p.zone].list.appendChild(li);
    setState(p, p.state);
  }

  // A small local preview (data: URL; the CSP allows no blob: images). Undecodable files keep the placeholder.
  async function preview(p) {
    if (!window.createImageBitmap || !/^image\//.test(p.file.type)) return;
    try {
      var bitmap;
      try {
        bitmap = await createImageBitmap(p.file, { resizeWidth: 128, resizeQuality: 'medium' });
      } catch (e) {
        bitmap = await createImageBitmap(p.file);
      }
      var scale = Math.min(1, 128 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      if (p.removed) return;
      var img = el('img');
      img.alt = '';
      img.src = canvas.toDataURL('image/jpeg', 0.85);
      var thumb = p.li.querySelector('.vs-thumb');
      thumb.textContent = '';
      thumb.appendChild(img);
    } catch (e) {
      /* not a decodable image: the server will say why */
    }
  }

  function setState(p, state, error) {
    p.state = state;
    p.li.setAttribute('data-state', state);
    if (p.id) p.li.setAttribute('data-photo-id', p.id);
    p.li.querySelector('[data-photo-state]').textContent = t('vs.state.' + state);
    p.li.querySelector('[data-photo-error]').textContent = error || '';
    if (error) zones[p.zone].note.textContent = p.name + ': ' + error;
    if (state === 'annotated') {
      p.li.querySelector('.vs-attrs').textContent = p.attributes
        .filter(function (a) {
          return a.confidence === undefined || a.confidence >= 0.5;
        })
        .slice(0, 4)
        .map(function (a) {
          var w = word(a.name, a.value);
          return w.name + ': ' + w.value;
        })
        .join(' · ');
    }
    refresh();
  }

  function pump() {
    while (uploading < UPLOADS_AT_ONCE && queue.length) {
      var p = queue.shift();
      if (p.removed) continue;
      uploading++;
      upload(p).then(done, done);
    }
    function done() {
      uploading--;
      pump();
    }
  }

  async function upload(p) {
    try {
      var res = await api('/v1/photos?purpose=query', {
        method: 'POST',
        headers: { 'content-type': p.file.type || 'application/octet-stream' },
        body: p.file,
      });
      if (p.removed) return;
      if (!res.ok) {
        setState(p, 'error', errorText(await errorCode(res), res.status));
        return;
      }
      var body = await res.json();
      p.id = body.id;
      p.attributes = body.attributes || [];
      setState(p, body.status === 'annotated' ? 'annotated' : body.status === 'failed' ? 'failed' : 'pending');
      if (p.state === 'pending') poll(p, 0);
    } catch (e) {
      if (!p.removed) setState(p, 'error', t('vs.err.generic'));
    }
  }

  // Annotation is asynchronous: poll the photo until it is annotated or failed.
  function poll(p, attempt) {
    p.timer = setTimeout(
      async function () {
        if (p.removed) return;
        try {
          var res = await api('/v1/photos/' + encodeURIComponent(p.id));
          if (p.removed) return;
          if (res.ok) {
            var body = await res.json();
            if (body.status === 'annotated' || body.status === 'failed') {
              p.attributes = body.attributes || [];
              setState(p, body.status);
              return;
            }
          } else if (res.status === 404) {
            setState(p, 'error', t('vs.err.not_found'));
            return;
          }
        } catch (e) {
          /* a network blip: try again */
        }
        if (attempt === 60) p.li.querySelector('[data-photo-state]').textContent = t('vs.state.slow');
        if (attempt < 600) poll(p, attempt + 1);
      },
      Math.min(2000, 300 + attempt * 150),
    );
  }

  function removePhoto(p) {
    p.removed = true;
    clearTimeout(p.timer);
    var next = p.li.nextElementSibling || p.li.previousElementSibling;
    p.li.remove();
    photos = photos.filter(function (q) {
      return q !== p;
    });
    zones[p.zone].note.textContent = '';
    (next ? next.querySelector('button') : zones[p.zone].input).focus();
    refresh();
  }

  function ids(kind) {
    return photos
      .filter(function (p) {
        return p.zone === kind && p.state === 'annotated';
      })
      .map(function (p) {
        return p.id;
      });
  }

  function refresh() {
    Object.keys(zones).forEach(function (kind) {
      zones[kind].empty.hidden = photos.some(function (p) {
        return p.zone === kind;
      });
    });
    var busy = photos.filter(function (p) {
      return p.state === 'uploading' || p.state === 'pending';
    }).length;
    var ready = ids('positive').length;
    button.disabled = searching || busy > 0 || ready === 0;
    if (searching) return;
    status.textContent = busy > 0 ? t('vs.waiting', { count: busy }) : ready > 0 ? t('vs.ready') : t('vs.needPositive');
  }

  function filters() {
    var out = {};
    Array.prototype.forEach.call(form.querySelectorAll('[data-filter]'), function (input) {
      var name = input.getAttribute('data-filter');
      var value = input.type === 'checkbox' ? (input.checked ? input.value : '') : input.value;
      if (!value) return;
      (out[name] = out[name] || []).push(value);
    });
    return out;
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    if (button.disabled) return;
    var strategy = form.querySelector('input[name="strategy"]:checked');
    var request = {
      positive_photo_ids: ids('positive'),
      negative_photo_ids: ids('negative'),
      k: Number(form.elements.namedItem('k').value) || 10,
      strategy: strategy ? strategy.value : 'average_vector',
    };
    var chosen = filters();
    if (Object.keys(chosen).length) request.filters = chosen;
    searching = true;
    refresh();
    status.textContent = t('vs.searching');
    results.setAttribute('aria-busy', 'true');
    try {
      var res = await api('/v1/search/visual', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      lastRequest = request;
      if (res.ok) showResults(await res.json());
      else showMessage('error', errorText(await errorCode(res), res.status));
    } catch (err) {
      showMessage('error', t('vs.err.generic'));
    } finally {
      searching = false;
      results.removeAttribute('aria-busy');
      refresh();
    }
  });

  function showMessage(kind, text, attribute) {
    results.hidden = false;
    matches.textContent = '';
    resultsMessage.textContent = '';
    var p = el('p', kind === 'error' ? 'error' : 'notice', text);
    if (kind === 'error') p.setAttribute('role', 'alert');
    if (attribute) p.setAttribute(attribute, '');
    resultsMessage.appendChild(p);
    resultsHeading.focus();
  }

  function showResults(r) {
    var list = r.matched || [];
    if (r.no_good_match) {
      showMessage(
        'notice',
        t('vs.noGoodMatch', { threshold: Number(r.threshold || 0).toFixed(2) }),
        'data-no-good-match',
      );
    } else if (!list.length) {
      showMessage('notice', t('vs.nothing'), 'data-nothing');
    } else {
      showMessage('notice', t('vs.found', { count: list.length }));
    }
    // Which strategy ranked them (the recommender answers with the one it used).
    if (r.strategy && L['vs.usedStrategy.' + r.strategy]) {
      var used = el('p', 'hint', t('vs.usedStrategy', { strategy: t('vs.usedStrategy.' + r.strategy) }));
      used.setAttribute('data-strategy-used', r.strategy);
      resultsMessage.appendChild(used);
    }
    list.forEach(function (m, i) {
      matches.appendChild(matchItem(m, i + 1));
    });
    // The same query as a server-rendered page, where it can be saved.
    if (asPage && lastRequest) {
      var q = new URLSearchParams();
      lastRequest.positive_photo_ids.forEach(function (id) {
        q.append('p', id);
      });
      lastRequest.negative_photo_ids.forEach(function (id) {
        q.append('n', id);
      });
      Object.keys(lastRequest.filters || {}).forEach(function (name) {
        lastRequest.filters[name].forEach(function (v) {
          q.append('f', name + ':' + v);
        });
      });
      q.set('k', String(lastRequest.k));
      q.set('strategy', lastRequest.strategy);
      asPage.href = '/visual-search/results?' + q.toString();
      asPage.hidden = false;
    }
  }

  function money(price, currency) {
    if (price === null || price === undefined) return '';
    try {
      return new Intl.NumberFormat(LANG === 'en' ? 'en-GB' : 'ru-RU', {
        style: 'currency',
        currency: currency || 'RUB',
        currencyDisplay: 'narrowSymbol',
        minimumFractionDigits: Number.isInteger(price) ? 0 : 2,
        maximumFractionDigits: 2,
      }).format(price);
    } catch (e) {
      return price + ' ' + currency;
    }
  }

  function matchItem(m, rank) {
    var li = el('li', 'vs-match');
    li.setAttribute('data-photo-id', m.id);
    var img = el('img');
    img.src = '/v1/photos/' + encodeURIComponent(m.id) + '/image';
    img.alt = t('vs.matchAlt', { rank: rank });
    img.loading = 'lazy';
    if (m.item) {
      // The match is a product: photo and title link to it, with its price.
      li.setAttribute('data-item', m.item.id);
      var link = el('a', 'vs-product');
      link.href = '/shop/items/' + encodeURIComponent(m.item.id);
      img.alt = '';
      link.appendChild(img);
      link.appendChild(el('h3', '', m.item.title));
      li.appendChild(link);
      li.appendChild(el('p', 'price', money(m.item.price, m.item.currency)));
    } else {
      li.appendChild(img);
      li.appendChild(el('h3', '', t('vs.match', { rank: rank })));
    }
    var score = el('p', 'vs-score');
    score.appendChild(el('span', '', t('vs.score')));
    var value = el('strong', '', Number(m.match_score).toFixed(3));
    value.setAttribute('data-score', '');
    score.appendChild(value);
    li.appendChild(score);
    li.appendChild(bar(m.match_score));
    var explanation = m.explanation || {};
    var why = el('p', 'vs-why');
    why.appendChild(el('strong', '', t('vs.why') + ': '));
    why.appendChild(document.createTextNode(explanation[LANG] || explanation.en || ''));
    why.setAttribute('data-why', '');
    li.appendChild(why);
    var parts = explanation.parts || [];
    if (parts.length) {
      var ul = el('ul', 'vs-parts');
      parts.forEach(function (part) {
        var w = word(part.attribute, part.value);
        var item = el('li');
        item.setAttribute('data-attribute', part.attribute);
        item.appendChild(el('span', '', w.name + ': ' + w.value));
        var relation = t('vs.relation.' + part.relation);
        if (part.disliked) relation += ' (' + word(part.attribute, part.disliked).value + ')';
        item.appendChild(
          el('p', 'hint', relation + ' · ' + t('vs.weight', { weight: Number(part.weight).toFixed(2) })),
        );
        item.appendChild(bar(part.weight));
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    li.appendChild(
      el(
        'p',
        'hint',
        t('vs.look', {
          look: Number(m.embedding_score).toFixed(2),
          attributes: Number(m.attribute_score).toFixed(2),
        }),
      ),
    );
    return li;
  }

  root.hidden = false;
  refresh();
})();
