/* The site's search box: search without diacritics, in the browser, from search-index.js.
 *
 * cdsctl/site/search.py writes search-index.js, which sets window.cdsSearchIndex (its shape
 * is described there).  This file loads it on the first focus or input of #q by adding a
 * <script> element (not fetch: the pages open from file:// too), then on each input shows up
 * to 50 hits in #hits: entries whose text holds every word of the query, an entry whose id
 * is the query first.  Hits are built with the DOM and textContent, never as HTML.  Enter
 * opens the first hit, the arrow keys move between the box and the hits, Escape clears.
 * Without an index (not built, not found) every query shows #hits' data-none text.
 *
 * Plain ES2017, no library.  window.cdsSearch = {fold, find} is for the tests.
 */
(function () {
  'use strict';

  var LIMIT = 50;

  /* ---- fold: gives what cdsctl.site.search.fold gives (tests/test_site_search.py) ---- */
  var MARKS = markPattern();
  // what Python's str.split() splits on: Unicode white space and \x1c-\x1f, \x85
  var SPACES = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

  function markPattern() {
    try {
      return new RegExp('\\p{M}', 'gu');
    } catch (e) { // a browser without Unicode property escapes: the combining diacritics
      return /[\u0300-\u036f]/g;
    }
  }

  function fold(text) {
    var bare = String(text).normalize('NFD').replace(MARKS, '');
    bare = bare.replace(/[\u0111\u0110]/g, 'd').toLowerCase();
    return bare.replace(SPACES, ' ').replace(/^ | $/g, '');
  }
  /* ---- end of fold ---- */

  /* What each entry is found by (cdsctl.site.search.haystack), folded once per index: in
     slices after the index loads (prepare), so that the browser stays responsive and the
     first search need not fold 100,000 titles; a search folds what is still left. */
  var folded = {index: null, stacks: []};

  function foldSome(index, count) {
    if (folded.index !== index) folded = {index: index, stacks: []};
    var stacks = folded.stacks;
    var end = Math.min(index.entries.length, stacks.length + count);
    for (var i = stacks.length; i < end; i++) {
      var entry = index.entries[i];
      var own = fold(entry[2] + ' ' + entry[1]);
      var extra = entry.length > 4 ? index.extra[entry[4]] : '';
      stacks.push(extra ? own + ' ' + extra : own);
    }
    return stacks.length === index.entries.length;
  }

  function prepare(index) {
    if (index && !foldSome(index, 2000)) setTimeout(prepare, 0, index);
  }

  function haystacks(index) {
    foldSome(index, Infinity);
    return folded.stacks;
  }

  function holdsAll(text, words) {
    for (var i = 0; i < words.length; i++) {
      if (text.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  function hit(index, at) {
    var entry = index.entries[at];
    var kind = index.kinds[entry[0]];
    var url = typeof entry[3] === 'string' ? entry[3] : kind[1] + entry[1] + kind[2];
    return {kind: kind[0], id: entry[1], title: entry[2], url: url};
  }

  /* The first `limit` entries that hold every word of `query`, in the index's order, but an
     entry whose id is the query (folded) first. */
  function find(index, query, limit) {
    var whole = fold(query);
    var words = whole ? whole.split(' ') : [];
    if (!words.length) return [];
    var stacks = haystacks(index);
    var exact = [];
    var rest = [];
    for (var i = 0; i < stacks.length; i++) {
      if (!holdsAll(stacks[i], words)) continue;
      if (fold(index.entries[i][1]) === whole) exact.push(i);
      else if (rest.length < limit) rest.push(i);
    }
    return exact.concat(rest).slice(0, limit).map(function (at) { return hit(index, at); });
  }

  window.cdsSearch = {fold: fold, find: find};

  /* ---- the page ---- */

  function show(list, hits, root) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (hits === null) return;
    if (!hits.length) {
      var none = document.createElement('li');
      none.className = 'none';
      none.textContent = list.getAttribute('data-none') || '';
      list.appendChild(none);
      return;
    }
    hits.forEach(function (found) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.setAttribute('href', root + found.url);
      link.textContent = found.title;
      var small = document.createElement('small');
      small.textContent = found.kind + ' \u00b7 ' + found.id;
      item.appendChild(link);
      item.appendChild(document.createTextNode(' '));
      item.appendChild(small);
      list.appendChild(item);
    });
  }

  function links(list) {
    return Array.prototype.slice.call(list.querySelectorAll('a'));
  }

  function start() {
    var input = document.getElementById('q');
    var list = document.getElementById('hits');
    if (!input || !list) return;
    var root = document.body.getAttribute('data-root') || '';
    var state = {requested: false, ready: false, go: false};

    function load() {
      if (state.requested) return;
      state.requested = true;
      var script = document.createElement('script');
      script.src = root + 'search-index.js';
      script.charset = 'utf-8';
      script.onload = script.onerror = function () {
        state.ready = true;
        prepare(window.cdsSearchIndex);
        update();
      };
      document.head.appendChild(script);
    }

    function update() {
      if (!state.ready) return;
      var index = window.cdsSearchIndex;
      var query = input.value;
      show(list, fold(query) ? (index ? find(index, query, LIMIT) : []) : null, root);
      if (state.go) {
        state.go = false;
        openFirst();
      }
    }

    function openFirst() {
      var first = links(list)[0];
      if (first) window.location.href = first.href;
    }

    function onKey(event) {
      if (event.key === 'Enter') {
        event.preventDefault();
        if (state.ready) openFirst();
        else state.go = true;
      } else if (event.key === 'ArrowDown' && links(list).length) {
        event.preventDefault();
        links(list)[0].focus();
      } else if (event.key === 'Escape') {
        input.value = '';
        show(list, null, root);
      }
    }

    function onListKey(event) {
      var all = links(list);
      var at = all.indexOf(document.activeElement);
      if (at < 0) return;
      if (event.key === 'ArrowDown' && at + 1 < all.length) all[at + 1].focus();
      else if (event.key === 'ArrowUp') (at > 0 ? all[at - 1] : input).focus();
      else if (event.key === 'Escape') input.focus();
      else return;
      event.preventDefault();
    }

    input.addEventListener('focus', load);
    input.addEventListener('input', function () {
      load();
      update();
    });
    input.addEventListener('keydown', onKey);
    list.addEventListener('keydown', onListKey);
    if (input.form) {
      input.form.addEventListener('submit', function (event) { event.preventDefault(); });
    }
    if (input.value) load(); // text the browser kept when the page came back
  }

  if (typeof document === 'undefined') return;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
