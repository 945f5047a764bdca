(function () {
  'use strict';
  function csrf() {
    var m = document.cookie.match(/(?:^|; )atelier_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : '';
  }
  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      body: JSON.stringify(body),
    });
  }
  // Access cookies are short-lived: on 401 rotate the refresh cookie once and retry.
  function postWithRefresh(url, body) {
    return post(url, body).then(function (res) {
      if (res.status !== 401) return res;
      return post('/v1/auth/refresh', {}).then(function (r) {
        return r.ok ? post(url, body) : res;
      });
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
      if (done) {
        done.hidden = false;
        done.focus();
      }
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
        hidden.type = 'hidden';
        hidden.name = 'verdict';
        hidden.value = button.value;
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
    postWithRefresh('/v1/interactions', { itemId: form.getAttribute('data-interaction'), kind: kind }).then(
      function (res) {
        if (!res.ok) {
          var hidden = document.createElement('input');
          hidden.type = 'hidden';
          hidden.name = 'kind';
          hidden.value = kind;
          form.appendChild(hidden);
          form.submit();
          return;
        }
        if (kind === 'add_to_cart') button.setAttribute('aria-pressed', 'true');
        else
          form.querySelectorAll('button.like, button.dislike').forEach(function (b) {
            b.setAttribute('aria-pressed', String(b === button));
          });
        var live = form.querySelector('[role="status"]');
        if (live) live.textContent = live.getAttribute('data-saved-' + kind) || '';
      },
    );
  });

  // Wide screens show the main menu inline; browsers without ::details-content need it opened.
  var navMenu = document.querySelector('[data-nav-menu]');
  if (navMenu && window.matchMedia && window.matchMedia('(min-width: 48rem)').matches) {
    var inline = window.CSS && CSS.supports && CSS.supports('selector(::details-content)');
    if (!inline) navMenu.open = true;
  }
})();
