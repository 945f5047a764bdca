(function () {
  'use strict';

  // Progress page: open the result by itself once the live status (studio.js) says it is ready. A page that was
  // already finished when it loaded stays, so its steps can be read.
  var task = document.querySelector('[data-events-url]');
  if (task && !task.hasAttribute('data-final') && window.MutationObserver) {
    var watcher = new MutationObserver(function () {
      if (task.getAttribute('data-final') !== 'completed') return;
      watcher.disconnect();
      var link = task.querySelector('[data-done-link]');
      if (link) window.location.assign(link.getAttribute('href'));
    });
    watcher.observe(task, { attributes: true, attributeFilter: ['data-final'] });
  }

  // Copy the prompt; without JavaScript (or clipboard) the prompt stays selectable text.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    var status = button.parentNode.querySelector('[data-copy-status]');
    var row = button.closest('[data-copy-row]');
    if (!source) return;
    if (row) row.hidden = false;
    function say(text) {
      if (status) status.textContent = text;
    }
    function fallback(text) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      return ok;
    }
    button.addEventListener('click', function () {
      var text = source.textContent.trim();
      var copied = button.getAttribute('data-copied') || '';
      var failed = button.getAttribute('data-copy-failed') || '';
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(
          function () {
            say(copied);
          },
          function () {
            say(fallback(text) ? copied : failed);
          },
        );
      } else {
        say(fallback(text) ? copied : failed);
      }
    });
  });

  // Lightbox: the image links open the full image without JavaScript; with it, a modal viewer with zoom and keys.
  var dialog = document.querySelector('[data-lightbox-dialog]');
  var links = Array.prototype.slice.call(document.querySelectorAll('a[data-lightbox]'));
  if (!dialog || !links.length || typeof dialog.showModal !== 'function') return;
  var img = dialog.querySelector('[data-lb-img]');
  var stage = dialog.querySelector('[data-lb-stage]');
  var caption = dialog.querySelector('.lightbox-caption');
  var position = dialog.getAttribute('data-position') || '{index}';
  var ZOOMS = ['1', '1.5', '2', '3'];
  var current = 0;
  var zoom = 0;
  var opener = null;

  function setZoom(level) {
    zoom = Math.max(0, Math.min(ZOOMS.length - 1, level));
    stage.setAttribute('data-zoom', ZOOMS[zoom]);
    dialog.querySelector('[data-lb="zoom-out"]').disabled = zoom === 0;
    dialog.querySelector('[data-lb="zoom-in"]').disabled = zoom === ZOOMS.length - 1;
  }
  function show(index) {
    current = (index + links.length) % links.length;
    var link = links[current];
    var thumb = link.querySelector('img');
    img.src = link.getAttribute('href');
    img.alt = thumb ? thumb.alt : '';
    caption.textContent = position.replace('{index}', String(current + 1));
    setZoom(0);
    stage.scrollTop = 0;
    stage.scrollLeft = 0;
  }
  function open(index, from) {
    opener = from;
    show(index);
    dialog.showModal();
    dialog.querySelector('[data-lb="close"]').focus();
  }
  links.forEach(function (link, i) {
    link.addEventListener('click', function (e) {
      if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      open(i, link);
    });
  });
  dialog.addEventListener('close', function () {
    img.removeAttribute('src');
    if (opener) opener.focus();
  });
  dialog.addEventListener('click', function (e) {
    var action = e.target.closest ? e.target.closest('[data-lb]') : null;
    if (e.target === dialog) return dialog.close(); // the backdrop
    if (e.target === img) return setZoom(zoom === 0 ? 2 : 0);
    if (!action) return;
    var what = action.getAttribute('data-lb');
    if (what === 'close') dialog.close();
    else if (what === 'prev') show(current - 1);
    else if (what === 'next') show(current + 1);
    else if (what === 'zoom-in') setZoom(zoom + 1);
    else if (what === 'zoom-out') setZoom(zoom - 1);
  });
  dialog.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowLeft') {
      e.preventDefault();
      show(current - 1);
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      show(current + 1);
    } else if (e.key === '+' || e.key === '=') {
      e.preventDefault();
      setZoom(zoom + 1);
    } else if (e.key === '-' || e.key === '_') {
      e.preventDefault();
      setZoom(zoom - 1);
    } else if (e.key === 'Tab') {
      // Focus stays in the viewer (a modal dialog already makes the page inert; this keeps Tab from leaving
      // for the browser's own controls).
      var focusable = Array.prototype.filter.call(dialog.querySelectorAll('button'), function (b) {
        return !b.disabled;
      });
      if (!focusable.length) return;
      var first = focusable[0];
      var last = focusable[focusable.length - 1];
      var inside = focusable.indexOf(document.activeElement) !== -1;
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    }
  });
})();
