// server/page/app.js - the behaviour of the search page (server/page/index.html).
//
// Plain JavaScript, no framework, no build step, nothing fetched from another
// host.  Everything it shows comes from the server's JSON API:
//   GET  /v1/fields               fields (labels, units, types) and each portal's key fields
//   POST /v1/search               the structured request (README "The structured request")
//   GET  /v1/facets/{field}       a facet panel's search box (?prefix=&q=&filter=&size=)
//   POST /v1/manifest?format=F    the Download dialog: s3 / drs / doi / https manifests
//
// The search state lives in the URL, so a search can be shared and back/forward
// work:  ?q=ribosome&source=cryoet&kind=annotation&filter=organism=A,B
//        &filter=voxel_spacing=10..20&sort=release_date:desc&page=2&size=10&exact=1
// `filter` is repeated, one field each, in atlas-search's --filter form
// (FIELD=V1,V2 any of, FIELD!=V none of, FIELD=* has one, FIELD!=* has none;
// a comma inside a value is written "\,").  Portals and kinds are sent as
// filters on `source` and `kind`, so their counts are disjunctive like every
// other facet's.
//
// Safety: the only server text inserted as HTML is a hit's `snippet` (the
// server escapes the text and adds <mark>); every other string is inserted as
// text, and only http(s) URLs become links.
(function () {
  'use strict';

  const PAGE_SIZES = [10, 20, 50];
  const DEFAULT_SIZE = 20;
  const MAX_WINDOW = 10000;          // the server's offset + limit limit
  const TYPE_DEBOUNCE_MS = 250;
  const FACET_SEARCH_DEBOUNCE_MS = 200;
  const FACET_SIZE = 8;
  const SHOWN_MANIFEST_LINES = 2000;
  // Fields that come first in the facet column whatever the portal.
  const LEADING_FACETS = ['kind'];
  const TRAILING_FACETS = ['release_date'];
  const FORMAT_HELP = {
    s3: 'Commands for the AWS CLI; no account is needed (--no-sign-request). Save them and run with sh.',
    drs: 'A name,drs_uri CSV: import it into the Cancer Genomics Cloud (Data → Import from a DRS manifest).',
    doi: 'One DOI per line: the publications and datasets to cite or resolve at doi.org.',
    https: 'One URL per line: fetch them with curl or wget.',
  };
  const FORMAT_FILE = { s3: 'download.sh', drs: 'manifest-drs.csv', doi: 'dois.txt', https: 'urls.txt' };
  const LINK_NAMES = {
    s3: 'S3', gcs: 'GCS', drs: 'DRS', portal: 'Portal', https: 'HTTPS', doi: 'DOI', neuroglancer: 'Neuroglancer',
    viewer: 'Viewer', synapse: 'Synapse', pubmed: 'PubMed', mrc: 'MRC', zarr: 'Zarr', related: 'Related',
  };
  const LINK_ORDER = ['portal', 'https', 'drs', 'gcs', 'doi', 'neuroglancer', 'viewer', 'synapse', 'pubmed', 'zarr', 'mrc', 'related'];

  const $ = (id) => document.getElementById(id);
  const els = {
    form: $('search-form'), q: $('q'), tabs: $('source-tabs'), panels: $('facet-panels'),
    clear: $('clear-filters'), status: $('status'), sort: $('sort'), size: $('page-size'),
    download: $('download-button'), error: $('error'), messages: $('messages'), hits: $('hits'),
    pager: $('pager'), results: $('results'),
    dialog: $('download-dialog'), dialogClose: $('download-close'), summary: $('download-summary'),
    formatTabs: $('format-tabs'), manifestHelp: $('manifest-help'), manifestStatus: $('manifest-status'),
    manifestText: $('manifest-text'), manifestCopy: $('manifest-copy'), manifestLink: $('manifest-link'),
  };

  // ---------------------------------------------------------------- state & URL

  let state = emptyState();
  let schema = { fields: new Map(), sources: [], kinds: [] };
  let lastResponse = null;

  function emptyState() {
    return { q: '', sources: [], kinds: [], filters: [], sort: 'relevance', page: 1, size: DEFAULT_SIZE, exact: false };
  }

  function splitList(values) {
    const out = [];
    for (const v of values) for (const part of v.split(',')) if (part.trim()) out.push(part.trim());
    return [...new Set(out)];
  }

  // FIELD=V1,V2 | FIELD!=V | FIELD=* | FIELD!=*  ->  {field, mode, values}
  function parseFilter(text) {
    const eq = text.indexOf('=');
    if (eq <= 0) return null;
    const negated = text[eq - 1] === '!';
    const field = text.slice(0, negated ? eq - 1 : eq).trim();
    if (!field) return null;
    const rest = text.slice(eq + 1);
    if (rest === '*') return { field, mode: negated ? 'missing' : 'exists', values: [] };
    const values = [];
    let value = '';
    for (let i = 0; i < rest.length; ++i) {
      if (rest[i] === '\\' && rest[i + 1] === ',') { value += ','; ++i; }
      else if (rest[i] === ',') { if (value) values.push(value); value = ''; }
      else value += rest[i];
    }
    if (value) values.push(value);
    if (!values.length) return null;
    return { field, mode: negated ? 'none' : 'any', values };
  }

  function formatFilter(f) {
    if (f.mode === 'exists') return f.field + '=*';
    if (f.mode === 'missing') return f.field + '!=*';
    return f.field + (f.mode === 'none' ? '!=' : '=') + f.values.map((v) => v.replace(/,/g, '\\,')).join(',');
  }

  function stateFromUrl(search) {
    const p = new URLSearchParams(search);
    const s = emptyState();
    s.q = p.get('q') || '';
    s.sources = splitList(p.getAll('source'));
    s.kinds = splitList(p.getAll('kind'));
    for (const text of p.getAll('filter')) {
      const f = parseFilter(text);
      if (!f) continue;
      if (f.field === 'source' && f.mode === 'any') { s.sources = [...new Set([...s.sources, ...f.values])]; continue; }
      if (f.field === 'kind' && f.mode === 'any') { s.kinds = [...new Set([...s.kinds, ...f.values])]; continue; }
      const same = s.filters.find((g) => g.field === f.field && g.mode === f.mode);
      if (same) same.values = [...new Set([...same.values, ...f.values])];
      else s.filters.push(f);
    }
    s.sort = p.get('sort') || 'relevance';
    const size = parseInt(p.get('size') || '', 10);
    s.size = PAGE_SIZES.includes(size) ? size : DEFAULT_SIZE;
    // A link to a page past the deepest the server pages to opens that one.
    const page = parseInt(p.get('page') || '1', 10);
    s.page = Number.isFinite(page) && page >= 1 ? Math.min(page, Math.floor(MAX_WINDOW / s.size)) : 1;
    s.exact = p.get('exact') === '1';
    return s;
  }

  function urlFromState(s) {
    const p = new URLSearchParams();
    if (s.q) p.set('q', s.q);
    if (s.sources.length) p.set('source', s.sources.join(','));
    if (s.kinds.length) p.set('kind', s.kinds.join(','));
    for (const f of s.filters) p.append('filter', formatFilter(f));
    if (s.sort && s.sort !== 'relevance') p.set('sort', s.sort);
    if (s.page > 1) p.set('page', String(s.page));
    if (s.size !== DEFAULT_SIZE) p.set('size', String(s.size));
    if (s.exact) p.set('exact', '1');
    const text = p.toString();
    return location.pathname + (text ? '?' + text : '');
  }

  // How the last URL change was made: typing replaces its own entry, so one
  // typed query is one history entry, not one per keystroke.
  let lastCommit = '';
  function commit(how) {
    const url = urlFromState(state);
    const current = location.pathname + location.search;
    if (url !== current) {
      if (how === 'type' && lastCommit === 'type') history.replaceState(null, '', url);
      else history.pushState(null, '', url);
    }
    lastCommit = how;
    syncControls();
    runSearch();
  }

  // --------------------------------------------------------------- the request

  function allFilters(s, exceptField) {
    const out = [];
    if (s.sources.length && exceptField !== 'source') out.push({ field: 'source', values: s.sources.slice() });
    if (s.kinds.length && exceptField !== 'kind') out.push({ field: 'kind', values: s.kinds.slice() });
    for (const f of s.filters) {
      if (f.field === exceptField) continue;
      const g = { field: f.field, mode: f.mode };
      if (f.mode === 'any' || f.mode === 'none') g.values = f.values.slice();
      out.push(g);
    }
    return out;
  }

  function facetFields(s) {
    const names = s.sources.length ? s.sources : schema.sources.map((p) => p.name);
    const wanted = [...LEADING_FACETS];
    for (const p of schema.sources) {
      if (!names.includes(p.name)) continue;
      for (const f of p.key_fields || []) if (!wanted.includes(f)) wanted.push(f);
    }
    for (const f of TRAILING_FACETS) if (!wanted.includes(f)) wanted.push(f);
    // Fields with a filter stay visible, so a tick can be taken back.
    for (const f of s.filters) if (!wanted.includes(f.field)) wanted.push(f.field);
    return wanted.filter((f) => !schema.fields.size || (schema.fields.get(f) || {}).facet);
  }

  function isRange(field) {
    const info = schema.fields.get(field);
    return !!info && info.range && (info.type === 'number' || info.type === 'date');
  }

  function searchRequest(s) {
    const facets = [{ field: 'source', size: 10 }];
    for (const f of facetFields(s)) facets.push({ field: f, size: f === 'kind' ? 30 : isRange(f) ? 20 : FACET_SIZE });
    const req = {
      query: s.q,
      filters: allFilters(s),
      facets,
      sort: s.sort || 'relevance',
      offset: (s.page - 1) * s.size,
      limit: s.size,
      // Near-identical siblings (one annotation in each of 16 runs) once, with
      // "and N more like it", as the terminal shows them; totals count them all.
      collapse: true,
    };
    if (s.exact) req.typo_tolerance = false;
    return req;
  }

  function manifestRequest(s) {
    const req = { query: s.q, filters: allFilters(s), sort: s.sort || 'relevance' };
    if (s.exact) req.typo_tolerance = false;
    return req;
  }

  async function fetchJson(url, options) {
    let response;
    try {
      response = await fetch(url, options);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new Error('Could not reach the search server (' + e.message + ').');
    }
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!response.ok) {
      const message = body && body.error && body.error.message ? body.error.message
        : 'The server answered ' + response.status + ' ' + response.statusText + '.';
      const err = new Error(message);
      err.status = response.status;
      throw err;
    }
    if (body === null) throw new Error('The server sent something that is not JSON.');
    return body;
  }

  // ------------------------------------------------------------------ search

  let searchSeq = 0;
  let searchAbort = null;
  let typeTimer = 0;
  let staleAnswers = 0;

  async function runSearch() {
    const seq = ++searchSeq;
    if (searchAbort) searchAbort.abort();
    searchAbort = new AbortController();
    const request = searchRequest(state);
    els.results.setAttribute('aria-busy', 'true');
    try {
      const body = await fetchJson('/v1/search', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request), signal: searchAbort.signal,
      });
      if (seq !== searchSeq) {   // a newer search was started: this answer is stale
        document.body.dataset.staleAnswers = String(++staleAnswers);
        return;
      }
      showError('');
      lastResponse = body;
      render(body);
    } catch (e) {
      if (e.name === 'AbortError' || seq !== searchSeq) return;
      lastResponse = null;
      showError(e.message);
      renderEmpty();
    } finally {
      if (seq === searchSeq) {
        els.results.removeAttribute('aria-busy');
        document.body.dataset.searchSeq = String(seq);   // tests wait for this
        document.body.dataset.state = lastResponse ? 'ready' : 'error';
      }
    }
  }

  function showError(message) {
    els.error.textContent = '';
    if (!message) { els.error.hidden = true; return; }
    const strong = document.createElement('strong');
    strong.textContent = 'Search failed: ';
    els.error.append(strong, document.createTextNode(message));
    els.error.hidden = false;
  }

  // ----------------------------------------------------------------- helpers

  const numberFormat = new Intl.NumberFormat('en-US');
  function fmtInt(n) { return numberFormat.format(n); }
  function fmtNum(n) {
    if (typeof n !== 'number') return String(n);
    return Number.isInteger(n) ? numberFormat.format(n) : String(Math.round(n * 1000) / 1000);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.startsWith('data-')) node.setAttribute(k, v);
        else if (k in node && typeof v !== 'string') node[k] = v;
        else node.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
    return node;
  }

  function safeHref(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
  }

  function doiHref(doi) {
    if (typeof doi !== 'string') return null;
    if (/^https?:\/\//i.test(doi)) return doi;
    const bare = doi.replace(/^doi:/i, '');
    return /^10\.\d+\//.test(bare) ? 'https://doi.org/' + bare : null;
  }

  function fieldLabel(name) {
    const info = schema.fields.get(name);
    if (info && info.label) return info.label;
    return name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
  }

  function fieldUnit(name, totals) {
    if (totals && totals.unit) return totals.unit;
    const info = schema.fields.get(name);
    return info && info.unit ? info.unit : '';
  }

  function kindLabel(kind) {
    return kind === 'tiltseries' ? 'Tilt series' : kind.charAt(0).toUpperCase() + kind.slice(1);
  }

  function sourceTitle(name) {
    const p = schema.sources.find((x) => x.name === name);
    return p && p.title ? p.title : name;
  }

  function fmtValue(v) {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) return v.map(fmtValue).join(', ');
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    if (typeof v === 'number') return fmtNum(v);
    if (typeof v === 'object') {
      if ('value' in v && 'label' in v) return fmtNum(v.value) + ' (' + v.label + ')';
      if ('value' in v && 'unit' in v) return fmtNum(v.value) + ' ' + v.unit;
      if ('value' in v) return fmtValue(v.value);
      return JSON.stringify(v);
    }
    return String(v);
  }

  function fmtFieldValue(v, more) {
    if (Array.isArray(v) && v.length > 5) {
      const extra = v.length - 5 + (more || 0);
      return fmtValue(v.slice(0, 5)) + ' and ' + fmtInt(extra) + ' more';
    }
    return fmtValue(v) + (more ? ' and ' + fmtInt(more) + ' more' : '');
  }

  // Keeps keyboard focus on "the same" control across a re-render.
  function focusKey() {
    const a = document.activeElement;
    return a && a.dataset ? a.dataset.focusKey || '' : '';
  }
  function restoreFocus(key) {
    if (!key) return;
    const a = document.activeElement;
    if (a && a.dataset && a.dataset.focusKey === key) return;
    for (const node of document.querySelectorAll('[data-focus-key]')) {
      if (node.dataset.focusKey === key) { node.focus(); return; }
    }
  }

  // ------------------------------------------------------------------ render

  function render(body) {
    const key = focusKey();
    renderStatus(body);
    renderMessages(body);
    renderHits(body);
    renderPager(body);
    renderTabs(body);
    renderFacets(body);
    renderChips();
    els.download.disabled = !body.total;
    document.title = (state.q ? state.q + ' – ' : '') + 'Atlas search';
    restoreFocus(key);
  }

  function renderEmpty() {
    els.status.textContent = 'No results.';
    els.messages.textContent = '';
    els.hits.textContent = '';
    els.pager.textContent = '';
    els.download.disabled = true;
  }

  function renderStatus(body) {
    els.status.textContent = '';
    const total = body.total || 0;
    if (!total) {
      els.status.append(document.createTextNode(state.q ? 'No results for “' + state.q + '”.' : 'No results.'));
      return;
    }
    const shown = body.hits ? body.hits.length : 0;
    const from = (body.offset || 0) + 1;
    const to = (body.offset || 0) + shown;
    const range = el('span', { id: 'result-range', class: 'range', text: shown ? fmtInt(from) + '–' + fmtInt(to) + ' of ' + fmtInt(total) : fmtInt(total) + ' results (none on this page)' });
    els.status.append(range, document.createTextNode(total === 1 ? ' result' : ' results'));
    if (state.q) els.status.append(document.createTextNode(' for “' + (body.did_you_mean || state.q) + '”'));
    if (typeof body.took_ms === 'number') els.status.append(el('span', { class: 'took', text: ' (' + body.took_ms.toFixed(1) + ' ms)' }));
  }

  function renderMessages(body) {
    els.messages.textContent = '';
    if (body.did_you_mean) {
      const p = el('p', { class: 'notice', id: 'did-you-mean' });
      p.append('Showing results for ', el('strong', { text: body.did_you_mean }), '. ');
      const corrections = Array.isArray(body.corrections) ? body.corrections : [];
      if (corrections.length) {
        p.append('(' + corrections.map((c) => c.from + ' → ' + c.to).join(', ') + ') ');
      }
      const again = el('button', { type: 'button', class: 'linkish', id: 'search-exact', text: 'Search instead for “' + state.q + '”' });
      again.addEventListener('click', () => { state.exact = true; state.page = 1; commit('exact'); });
      p.append(again);
      els.messages.append(p);
    }
    if (Array.isArray(body.understood) && body.understood.length) {
      const read = body.understood.filter((u) => u.what !== 'optional').map((u) => u.words + ' → ' + u.as);
      if (read.length) els.messages.append(el('p', { class: 'notice subtle', id: 'understood', text: 'Read as: ' + read.join(' · ') }));
    }
    if (body.relaxed && body.relaxed.message) {
      els.messages.append(el('p', { class: 'notice', id: 'relaxed', text: body.relaxed.message }));
    }
    if (state.exact) {
      const p = el('p', { class: 'notice subtle', id: 'exact-note' });
      p.append('Words searched exactly as typed. ');
      const back = el('button', { type: 'button', class: 'linkish', text: 'Correct spelling mistakes again' });
      back.addEventListener('click', () => { state.exact = false; state.page = 1; commit('exact'); });
      p.append(back);
      els.messages.append(p);
    }
  }

  function renderHits(body) {
    els.hits.textContent = '';
    const hits = body.hits || [];
    els.hits.start = (body.offset || 0) + 1;
    for (const hit of hits) els.hits.append(renderHit(hit));
  }

  function renderHit(hit) {
    const li = el('li', { class: 'hit', 'data-id': hit.id });
    const head = el('div', { class: 'hit-head' });
    head.append(el('span', { class: 'badge kind', text: kindLabel(hit.kind || '') }));
    head.append(el('span', { class: 'badge source', text: sourceTitle(hit.source || ''), title: hit.source }));
    const titleHref = safeHref(hit.links && hit.links.portal);
    const h3 = el('h3', { class: 'hit-title' });
    if (titleHref) h3.append(el('a', { href: titleHref, rel: 'noopener', target: '_blank', text: hit.title || hit.id }));
    else h3.append(document.createTextNode(hit.title || hit.id));
    head.append(h3);
    li.append(head);

    if (Array.isArray(hit.breadcrumb) && hit.breadcrumb.length > 1) {
      const ol = el('ol');
      for (const b of hit.breadcrumb) {
        ol.append(el('li', { text: b.label || b.id, title: kindLabel(b.kind || '') + ' ' + b.id }));
      }
      li.append(el('nav', { class: 'breadcrumb', 'aria-label': 'Where it is' }, ol));
    }
    li.append(el('div', { class: 'hit-id', text: hit.id }));
    if (hit.snippet) {
      const p = el('p', { class: 'snippet' });
      p.innerHTML = hit.snippet;   // server-escaped HTML with <mark>: the one HTML insertion
      li.append(p);
    }
    const keys = keyFields(hit);
    if (keys.length) {
      const dl = el('dl', { class: 'key-fields' });
      for (const [name, value] of keys) {
        dl.append(el('div', null, el('dt', { text: fieldLabel(name) }),
          el('dd', { text: fmtFieldValue(value, hit.fields_more && hit.fields_more[name]) })));
      }
      li.append(dl);
    }
    const links = renderLinks(hit.links || {});
    if (links) li.append(links);
    if (hit.similar) li.append(el('p', { class: 'similar', text: 'and ' + fmtInt(hit.similar) + ' more like it in this dataset' }));
    return li;
  }

  function keyFields(hit) {
    const portal = schema.sources.find((p) => p.name === hit.source);
    const names = portal ? portal.key_fields || [] : [];
    const out = [];
    const fields = hit.fields || {};
    for (const name of names) {
      const v = fields[name];
      if (v === undefined || v === null || (Array.isArray(v) && !v.length) || v === '') continue;
      out.push([name, v]);
    }
    return out;
  }

  // Where to get a hit: its main storage URI shown whole with a Copy button
  // (S3, else Google Cloud Storage, else DRS), then the other links: http(s)
  // ones as links, s3:// gs:// drs:// ones as Copy buttons.
  function renderLinks(links) {
    const box = el('div', { class: 'links' });
    const first = (v) => (Array.isArray(v) ? v[0] : v);
    const copyable = (label, value, shown) => {
      const wrap = el('span', { class: shown ? 'copyable main' : 'copyable' });
      wrap.append(el('span', { class: 'link-label', text: label }));
      if (shown) wrap.append(el('code', { text: value }));
      const b = el('button', { type: 'button', class: 'copy', text: shown ? 'Copy' : 'Copy URI', title: value, 'aria-label': 'Copy ' + label + ' ' + value });
      b.addEventListener('click', () => copyText(value, b));
      wrap.append(b);
      return wrap;
    };
    const main = ['s3', 'gcs', 'drs'].find((rel) => typeof first(links[rel]) === 'string');
    if (main) box.append(copyable(LINK_NAMES[main], first(links[main]), true));
    for (const rel of LINK_ORDER) {
      if (rel === main || links[rel] === undefined || links[rel] === null) continue;
      const list = Array.isArray(links[rel]) ? links[rel] : [links[rel]];
      const label = LINK_NAMES[rel] || rel;
      list.slice(0, 3).forEach((v, i) => {
        if (typeof v !== 'string') return;
        const text = list.length > 1 ? label + ' ' + (i + 1) : label;
        const href = rel === 'doi' ? doiHref(v) : safeHref(v);
        if (href) box.append(el('a', { href, rel: 'noopener', target: '_blank', class: 'link', text, title: v }));
        else if (/^(s3|gs|drs):\/\//.test(v)) box.append(copyable(text, v, false));
      });
    }
    return box.childNodes.length ? box : null;
  }

  async function copyText(text, button) {
    try {
      await navigator.clipboard.writeText(text);
      const old = button.textContent;
      button.textContent = 'Copied';
      setTimeout(() => { button.textContent = old; }, 1200);
    } catch (e) {
      button.textContent = 'Select and copy';
    }
  }

  function renderPager(body) {
    els.pager.textContent = '';
    const total = body.total || 0;
    const size = state.size;
    const pages = Math.min(Math.ceil(total / size), Math.floor(MAX_WINDOW / size));
    if (pages <= 1) return;
    const current = Math.min(state.page, pages);
    const ul = el('ul');
    const go = (page, label, attrs) => {
      const b = el('button', Object.assign({ type: 'button', text: label, 'data-page': String(page), 'data-focus-key': 'page|' + label }, attrs || {}));
      b.addEventListener('click', () => { state.page = page; commit('page'); els.results.focus({ preventScroll: true }); window.scrollTo(0, 0); });
      return el('li', null, b);
    };
    ul.append(go(current - 1, 'Previous', { disabled: current <= 1, 'aria-label': 'Previous page' }));
    const shown = new Set([1, pages, current - 2, current - 1, current, current + 1, current + 2]);
    let last = 0;
    for (let p = 1; p <= pages; ++p) {
      if (!shown.has(p)) continue;
      if (p > last + 1) ul.append(el('li', { class: 'gap', 'aria-hidden': 'true', text: '…' }));
      ul.append(go(p, String(p), { 'aria-label': 'Page ' + p, 'aria-current': p === current ? 'page' : null }));
      last = p;
    }
    ul.append(go(current + 1, 'Next', { disabled: current >= pages, 'aria-label': 'Next page' }));
    els.pager.append(ul);
  }

  // Portal tabs: "All" and one per portal, with the (disjunctive) source counts.
  function renderTabs(body) {
    const counts = new Map(((body.facets || {}).source || []).map((v) => [v.key || v.value, v.count]));
    const allTotal = [...counts.values()].reduce((a, b) => a + b, 0);
    const key = focusKey();
    els.tabs.textContent = '';
    const selected = state.sources.length === 1 ? state.sources[0] : state.sources.length ? null : '';
    const tab = (name, label, count) => {
      const b = el('button', {
        type: 'button', role: 'tab', class: 'tab', id: 'tab-' + (name || 'all'),
        'aria-selected': selected === name ? 'true' : 'false', tabindex: selected === name ? '0' : '-1',
        'data-source': name, 'data-focus-key': 'tab|' + name, 'aria-controls': 'results',
      }, el('span', { text: label }), el('span', { class: 'count', text: count === undefined ? '' : fmtInt(count) }));
      b.addEventListener('click', () => {
        state.sources = name ? [name] : [];
        state.kinds = state.kinds.filter((k) => !name || (schema.sources.find((p) => p.name === name) || { kinds: [k] }).kinds.includes(k));
        state.page = 1;
        commit('source');
      });
      return b;
    };
    els.tabs.append(tab('', 'All portals', allTotal));
    for (const p of schema.sources) els.tabs.append(tab(p.name, p.title || p.name, counts.get(p.name) || 0));
    if (selected === null) els.tabs.firstChild.tabIndex = 0;
    restoreFocus(key);
  }

  // ------------------------------------------------------------------ facets

  const panels = new Map();   // field -> {section, list, search, prefix, seq, timer, range...}
  const ratedLabels = new Map();  // field -> Map(value -> label), kept across answers

  function filterFor(field) { return state.filters.find((f) => f.field === field && f.mode === 'any'); }

  function selectedValues(field) {
    if (field === 'kind') return state.kinds;
    if (field === 'source') return state.sources;
    const f = filterFor(field);
    return f ? f.values : [];
  }

  function toggleValue(field, value, on) {
    if (field === 'kind') {
      state.kinds = on ? [...new Set([...state.kinds, value])] : state.kinds.filter((v) => v !== value);
    } else {
      let f = filterFor(field);
      if (!f && on) { f = { field, mode: 'any', values: [] }; state.filters.push(f); }
      if (f) {
        f.values = on ? [...new Set([...f.values, value])] : f.values.filter((v) => v !== value);
        if (!f.values.length) state.filters = state.filters.filter((g) => g !== f);
      }
    }
    state.page = 1;
    commit('facet');
  }

  function setRange(field, value) {
    state.filters = state.filters.filter((f) => f.field !== field);
    if (value) state.filters.push({ field, mode: 'any', values: [value] });
    state.page = 1;
    commit('range');
  }

  function renderFacets(body) {
    const facets = body.facets || {};
    const totals = body.facet_totals || {};
    const wanted = facetFields(state).filter((f) => f in facets || selectedValues(f).length);
    for (const [field, panel] of panels) {
      if (!wanted.includes(field)) { panel.section.remove(); panels.delete(field); }
    }
    let previous = null;
    for (const field of wanted) {
      const values = facets[field] || [];
      const total = totals[field] || {};
      let panel = panels.get(field);
      if (!panel) {
        panel = isRange(field) ? makeRangePanel(field, total) : makeListPanel(field, total);
        panels.set(field, panel);
      }
      // Keep the panels in the order asked for.
      const anchor = previous ? previous.nextSibling : els.panels.firstChild;
      if (anchor !== panel.section) els.panels.insertBefore(panel.section, anchor);
      previous = panel.section;
      panel.update(values, total);
    }
    els.clear.hidden = !(state.filters.length || state.kinds.length || state.sources.length);
  }

  function panelHeading(field, total) {
    const unit = fieldUnit(field, total);
    const label = (total.label || fieldLabel(field)) + (unit && isRange(field) ? ' (' + unit + ')' : '');
    return el('h3', { id: 'facet-' + field + '-label', text: label });
  }

  function makeListPanel(field, total) {
    const section = el('section', { class: 'facet', id: 'facet-' + field, 'data-field': field, 'aria-labelledby': 'facet-' + field + '-label' });
    const heading = panelHeading(field, total);
    const searchBox = el('input', {
      type: 'search', class: 'facet-search', id: 'facet-' + field + '-search', hidden: true,
      placeholder: 'Find a value…', 'aria-label': 'Find a value of ' + (total.label || fieldLabel(field)),
      'data-focus-key': 'fsearch|' + field, autocomplete: 'off', spellcheck: 'false',
    });
    const list = el('ul', { class: 'facet-values', 'aria-labelledby': 'facet-' + field + '-label' });
    const more = el('p', { class: 'facet-more' });
    section.append(heading, searchBox, list, more);
    const panel = { section, list, more, searchBox, prefix: '', seq: 0, timer: 0, found: null, lastValues: [], lastTotal: total };
    searchBox.addEventListener('input', () => {
      clearTimeout(panel.timer);
      panel.timer = setTimeout(() => facetSearch(field, panel, searchBox.value.trim()), FACET_SEARCH_DEBOUNCE_MS);
    });
    searchBox.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && searchBox.value) { e.preventDefault(); searchBox.value = ''; facetSearch(field, panel, ''); }
    });
    panel.update = (values, t) => {
      panel.lastValues = values;
      panel.lastTotal = t;
      const long = (t.other || 0) > 0 || (t.distinct || 0) > values.length || panel.prefix;
      searchBox.hidden = !long;
      if (panel.prefix) facetSearch(field, panel, panel.prefix);   // counts follow the new search
      else drawList(field, panel, values, t);
    };
    return panel;
  }

  async function facetSearch(field, panel, prefix) {
    panel.prefix = prefix;
    const seq = ++panel.seq;
    if (!prefix) { panel.found = null; drawList(field, panel, panel.lastValues, panel.lastTotal); return; }
    const p = new URLSearchParams();
    p.set('prefix', prefix);
    if (state.q) p.set('q', state.q);
    for (const f of allFilters(state, field)) p.append('filter', formatFilter(f));
    p.set('size', '20');
    try {
      const body = await fetchJson('/v1/facets/' + encodeURIComponent(field) + '?' + p.toString());
      if (seq !== panel.seq) return;
      panel.found = body;
      drawList(field, panel, body.values || [], body, prefix);
    } catch (e) {
      if (seq !== panel.seq) return;
      panel.list.textContent = '';
      panel.more.textContent = 'Could not search the values: ' + e.message;
    }
  }

  function drawList(field, panel, values, total, prefix) {
    const key = focusKey();
    const chosen = selectedValues(field);
    const seen = new Set();
    panel.list.textContent = '';
    let i = 0;
    const item = (value, label, count) => {
      const id = 'f-' + field + '-' + (i++);
      const box = el('input', {
        type: 'checkbox', id, value, 'data-field': field, 'data-value': value,
        'data-focus-key': 'cb|' + field + '|' + value,
      });
      box.checked = chosen.includes(value);
      box.addEventListener('change', () => toggleValue(field, value, box.checked));
      const lab = el('label', { for: id }, el('span', { class: 'name', text: label }),
        el('span', { class: 'count', 'data-count': count === undefined ? '' : String(count), text: count === undefined ? '' : fmtInt(count) }));
      panel.list.append(el('li', null, box, lab));
    };
    const shownLabel = (v) => {
      if (field === 'kind') return kindLabel(v.value);
      if (field === 'source') return sourceTitle(v.value);
      if (typeof v.label === 'string' && v.label && v.label !== v.value) return v.value + ' · ' + v.label;
      return v.value === 'true' ? 'yes' : v.value === 'false' ? 'no' : v.value;
    };
    for (const v of values) {
      const value = v.key || v.value;
      seen.add(value);
      item(value, shownLabel(v), v.count);
    }
    // A ticked value outside the top list stays visible, so it can be unticked.
    for (const value of chosen) if (!seen.has(value)) item(value, value, undefined);
    if (prefix && !values.length) panel.more.textContent = 'No value starts with “' + prefix + '”.';
    else if (!prefix && total.other) panel.more.textContent = fmtInt((total.distinct || 0) - values.length > 0 ? total.distinct - values.length : 0) + ' more values: find one above.';
    else panel.more.textContent = '';
    panel.more.hidden = !panel.more.textContent;
    restoreFocus(key);
  }

  // Numbers and dates: min and max inputs in the field's unit, plus the
  // buckets with their counts (a bucket sets both bounds).
  function makeRangePanel(field, total) {
    const section = el('section', { class: 'facet range', id: 'facet-' + field, 'data-field': field, 'aria-labelledby': 'facet-' + field + '-label' });
    const heading = panelHeading(field, total);
    const form = el('form', { class: 'range-form', 'aria-labelledby': 'facet-' + field + '-label' });
    const info = schema.fields.get(field) || {};
    const isDate = info.type === 'date';
    const mkInput = (bound) => el('input', {
      type: isDate ? 'text' : 'number', step: 'any', inputmode: 'decimal', id: 'range-' + field + '-' + bound,
      'data-field': field, 'data-bound': bound, placeholder: isDate ? (bound === 'min' ? 'YYYY' : 'YYYY') : bound,
      'data-focus-key': 'range|' + field + '|' + bound,
    });
    const mkSelect = (bound) => el('select', { id: 'range-' + field + '-' + bound + '-select', 'data-field': field, 'data-bound': bound, hidden: true, 'data-focus-key': 'rsel|' + field + '|' + bound });
    const min = mkInput('min'); const max = mkInput('max');
    const minSel = mkSelect('min'); const maxSel = mkSelect('max');
    const unit = fieldUnit(field, total);
    const apply = el('button', { type: 'submit', class: 'apply', text: 'Apply' });
    const clear = el('button', { type: 'button', class: 'linkish clear-range', text: 'Clear', hidden: true });
    form.append(
      el('label', { for: 'range-' + field + '-min', class: 'visually-hidden', text: 'Minimum ' + fieldLabel(field) + (unit ? ' in ' + unit : '') }),
      el('label', { for: 'range-' + field + '-min-select', class: 'visually-hidden', text: 'Minimum ' + fieldLabel(field) }),
      min, minSel, el('span', { class: 'dash', 'aria-hidden': 'true', text: '–' }),
      el('label', { for: 'range-' + field + '-max', class: 'visually-hidden', text: 'Maximum ' + fieldLabel(field) + (unit ? ' in ' + unit : '') }),
      el('label', { for: 'range-' + field + '-max-select', class: 'visually-hidden', text: 'Maximum ' + fieldLabel(field) }),
      max, maxSel, ...(unit ? [el('span', { class: 'unit', text: unit })] : []), apply, clear);
    const buckets = el('ul', { class: 'buckets' });
    section.append(heading, form, buckets);
    const panel = { section, form, min, max, minSel, maxSel, buckets, rated: false };

    const current = () => {
      const rated = panel.rated;
      const lo = (rated ? minSel.value : min.value).trim();
      const hi = (rated ? maxSel.value : max.value).trim();
      if (!lo && !hi) return '';
      return lo + '..' + hi;
    };
    form.addEventListener('submit', (e) => { e.preventDefault(); setRange(field, current()); });
    for (const input of [min, max, minSel, maxSel]) {
      input.addEventListener('change', () => {
        const value = current();
        const f = filterFor(field);
        if ((f ? f.values.join(',') : '') !== value) setRange(field, value);
      });
    }
    clear.addEventListener('click', () => setRange(field, ''));

    panel.update = (values, t) => {
      // Rated fields (quality) carry labels: choose bounds by name.
      const labels = ratedLabels.get(field) || new Map();
      for (const v of values) if (typeof v.label === 'string' && v.label) labels.set(String(v.value), v.label);
      if (labels.size) ratedLabels.set(field, labels);
      panel.rated = labels.size > 0;
      min.hidden = max.hidden = panel.rated;
      minSel.hidden = maxSel.hidden = !panel.rated;
      if (panel.rated) {
        const options = [...labels.entries()].sort((a, b) => Number(a[0]) - Number(b[0]));
        for (const [sel, word] of [[minSel, 'Any'], [maxSel, 'Any']]) {
          const keep = sel.value;
          sel.textContent = '';
          sel.append(el('option', { value: '', text: word }));
          for (const [v, label] of options) sel.append(el('option', { value: v, text: v + ' · ' + label }));
          sel.value = keep;
        }
      }
      // Inputs show the filter in force (from the URL, a bucket or typing).
      const f = filterFor(field);
      const [lo, hi] = f && f.values.length === 1 ? boundsOf(f.values[0]) : ['', ''];
      if (document.activeElement !== min) min.value = lo;
      if (document.activeElement !== max) max.value = hi;
      minSel.value = lo; maxSel.value = hi;
      clear.hidden = !f;
      buckets.textContent = '';
      const top = Math.max(1, ...values.map((v) => v.count || 0));
      for (const v of values) {
        const text = (typeof v.label === 'string' && v.label ? v.value + ' · ' + v.label : v.value.replace('..', '–')) + (unit && !panel.rated ? ' ' + unit : '');
        const b = el('button', { type: 'button', class: 'bucket', 'data-value': v.key || v.value, 'data-focus-key': 'bucket|' + field + '|' + v.value,
          'aria-label': text + ': ' + fmtInt(v.count) + ' records' },
        el('span', { class: 'bar', style: 'width:' + Math.round(100 * (v.count || 0) / top) + '%' }),
        el('span', { class: 'name', text }), el('span', { class: 'count', text: fmtInt(v.count) }));
        b.addEventListener('click', () => setRange(field, v.key || v.value));
        buckets.append(el('li', null, b));
      }
    };
    return panel;
  }

  function boundsOf(value) {
    const m = /^(.*?)\.\.(.*)$/.exec(value);
    if (m) return [m[1], m[2]];
    let k = /^>=?(.+)$/.exec(value);
    if (k) return [k[1], ''];
    k = /^<=?(.+)$/.exec(value);
    if (k) return ['', k[1]];
    return [value, value];
  }

  // Active filters as removable chips above the hits.
  function renderChips() {
    let box = $('chips');
    if (!box) {
      box = el('ul', { id: 'chips', class: 'chips', 'aria-label': 'Active filters' });
      els.messages.before(box);
    }
    box.textContent = '';
    const chip = (label, remove) => {
      const b = el('button', { type: 'button', class: 'chip', 'aria-label': 'Remove filter ' + label }, el('span', { text: label }), el('span', { 'aria-hidden': 'true', text: ' ×' }));
      b.addEventListener('click', () => { remove(); state.page = 1; commit('facet'); });
      box.append(el('li', null, b));
    };
    for (const s of state.sources) chip('Portal: ' + sourceTitle(s), () => { state.sources = state.sources.filter((x) => x !== s); });
    for (const k of state.kinds) chip('Kind: ' + kindLabel(k), () => { state.kinds = state.kinds.filter((x) => x !== k); });
    for (const f of state.filters) {
      const what = f.mode === 'exists' ? 'any value' : f.mode === 'missing' ? 'no value'
        : (f.mode === 'none' ? 'not ' : '') + f.values.join(' or ');
      chip(fieldLabel(f.field) + ': ' + what, () => { state.filters = state.filters.filter((g) => g !== f); });
    }
    box.hidden = !box.childNodes.length;
  }

  // ------------------------------------------------------------------ controls

  function syncControls() {
    if (els.q.value !== state.q && document.activeElement !== els.q) els.q.value = state.q;
    if (![...els.sort.options].some((o) => o.value === state.sort)) {
      els.sort.append(el('option', { value: state.sort, text: 'Sorted by ' + state.sort }));
    }
    els.sort.value = state.sort;
    els.size.value = String(state.size);
  }

  els.q.addEventListener('input', () => {
    clearTimeout(typeTimer);
    typeTimer = setTimeout(() => {
      if (els.q.value === state.q) return;
      state.q = els.q.value; state.page = 1; state.exact = false;
      commit('type');
    }, TYPE_DEBOUNCE_MS);
  });
  els.form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(typeTimer);
    const changed = els.q.value !== state.q;
    state.q = els.q.value;
    if (changed) { state.page = 1; state.exact = false; }
    commit('submit');
  });
  els.q.addEventListener('blur', () => { if (lastCommit === 'type') lastCommit = 'typed'; });
  els.sort.addEventListener('change', () => { state.sort = els.sort.value; state.page = 1; commit('sort'); });
  els.size.addEventListener('change', () => {
    const first = (state.page - 1) * state.size;
    state.size = parseInt(els.size.value, 10) || DEFAULT_SIZE;
    state.page = Math.floor(first / state.size) + 1;
    commit('size');
  });
  els.clear.addEventListener('click', () => {
    state.filters = []; state.kinds = []; state.sources = []; state.page = 1;
    for (const panel of panels.values()) if (panel.searchBox) { panel.searchBox.value = ''; panel.prefix = ''; }
    commit('facet');
  });
  window.addEventListener('popstate', () => {
    state = stateFromUrl(location.search);
    lastCommit = 'pop';
    els.q.value = state.q;
    syncControls();
    runSearch();
  });

  // Arrow keys move between tabs of a tablist (Enter or Space chooses one).
  function arrowTabs(list) {
    list.addEventListener('keydown', (e) => {
      if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
      const tabs = [...list.querySelectorAll('[role=tab]')];
      const i = tabs.indexOf(document.activeElement);
      if (i < 0) return;
      e.preventDefault();
      const next = e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1
        : (i + (e.key === 'ArrowRight' ? 1 : -1) + tabs.length) % tabs.length;
      tabs.forEach((t, j) => { t.tabIndex = j === next ? 0 : -1; });
      tabs[next].focus();
    });
  }
  arrowTabs(els.tabs);
  arrowTabs(els.formatTabs);

  // ------------------------------------------------------------ download dialog

  let manifestSeq = 0;
  let manifestUrl = '';
  let manifestFormat = 's3';

  function openDownload() {
    const total = lastResponse ? lastResponse.total : 0;
    els.summary.textContent = fmtInt(total) + (total === 1 ? ' record' : ' records') +
      (state.q ? ' matching “' + state.q + '”' : '') + ', every page. Choose what to download:';
    const only = state.sources.length === 1 ? state.sources[0] : '';
    const format = only === 'htan' ? 'drs' : only === 'minerva' || only === 'panosc' ? 'doi' : 's3';
    if (typeof els.dialog.showModal === 'function') els.dialog.showModal();
    else els.dialog.setAttribute('open', '');
    loadManifest(format);
    $('format-' + format).focus();
  }

  function closeDownload() {
    if (els.dialog.open) {
      if (typeof els.dialog.close === 'function') els.dialog.close();
      else els.dialog.removeAttribute('open');
    }
  }

  async function loadManifest(format) {
    manifestFormat = format;
    const seq = ++manifestSeq;
    for (const b of els.formatTabs.querySelectorAll('[role=tab]')) {
      const on = b.dataset.format === format;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    }
    els.manifestHelp.textContent = FORMAT_HELP[format] || '';
    els.manifestStatus.textContent = 'Preparing the manifest…';
    els.manifestText.textContent = '';
    els.manifestLink.hidden = true;
    els.manifestCopy.disabled = true;
    els.dialog.dataset.format = format;
    els.dialog.dataset.loaded = '';
    let text;
    let headers = new Headers();
    try {
      const response = await fetch('/v1/manifest?format=' + encodeURIComponent(format), {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(manifestRequest(state)),
      });
      text = await response.text();
      headers = response.headers;
      if (!response.ok) {
        let message = 'The server answered ' + response.status + '.';
        try { const body = JSON.parse(text); if (body.error && body.error.message) message = body.error.message; } catch (e) { /* not JSON */ }
        throw new Error(message);
      }
    } catch (e) {
      if (seq !== manifestSeq) return;
      els.manifestStatus.textContent = 'Could not make the manifest: ' + e.message;
      els.dialog.dataset.loaded = 'error';
      return;
    }
    if (seq !== manifestSeq) return;
    const lines = text.split('\n').filter((l) => l.length);
    // The server counts records with a route and without (X-Atlas-Records,
    // X-Atlas-Skipped); without those headers, count the lines.
    const withRoute = parseInt(headers.get('X-Atlas-Records') || '', 10);
    const skipped = parseInt(headers.get('X-Atlas-Skipped') || '', 10);
    if (Number.isFinite(withRoute) && Number.isFinite(skipped)) {
      els.manifestStatus.textContent = fmtInt(withRoute) + (withRoute === 1 ? ' record' : ' records') + ' with a ' + format + ' route' +
        (skipped ? '; ' + fmtInt(skipped) + ' without one, listed with # and the reason' : '') + '.';
    } else {
      const missing = lines.filter((l) => l.startsWith('#')).length;
      const routes = lines.length - missing;
      els.manifestStatus.textContent = fmtInt(routes) + (routes === 1 ? ' line' : ' lines') +
        (missing ? '; ' + fmtInt(missing) + ' lines starting with # (records without a ' + format + ' route)' : '') + '.';
    }
    const shown = lines.length > SHOWN_MANIFEST_LINES
      ? lines.slice(0, SHOWN_MANIFEST_LINES).join('\n') + '\n… ' + fmtInt(lines.length - SHOWN_MANIFEST_LINES) + ' more lines in the file'
      : lines.join('\n');
    els.manifestText.textContent = shown;
    if (manifestUrl) URL.revokeObjectURL(manifestUrl);
    manifestUrl = URL.createObjectURL(new Blob([text], { type: format === 'drs' ? 'text/csv' : 'text/plain' }));
    els.manifestLink.href = manifestUrl;
    els.manifestLink.download = FORMAT_FILE[format] || 'manifest.txt';
    els.manifestLink.textContent = 'Download ' + (FORMAT_FILE[format] || 'manifest.txt');
    els.manifestLink.hidden = false;
    els.manifestCopy.disabled = !lines.length;
    els.dialog.dataset.loaded = 'yes';
  }

  els.download.addEventListener('click', openDownload);
  els.dialogClose.addEventListener('click', closeDownload);
  els.dialog.addEventListener('close', () => els.download.focus());
  els.dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); closeDownload(); }
  });
  els.dialog.addEventListener('click', (e) => { if (e.target === els.dialog) closeDownload(); });   // the backdrop
  for (const b of els.formatTabs.querySelectorAll('[role=tab]')) {
    b.addEventListener('click', () => loadManifest(b.dataset.format));
  }
  els.manifestCopy.addEventListener('click', () => copyText(els.manifestText.textContent, els.manifestCopy));

  // ------------------------------------------------------------------ start

  async function loadSchema() {
    try {
      const body = await fetchJson('/v1/fields');
      schema = {
        fields: new Map((body.fields || []).map((f) => [f.name, f])),
        sources: body.sources || [],
        kinds: body.kinds || [],
      };
    } catch (e) {
      showError('Could not read the fields: ' + e.message);
    }
  }

  async function start() {
    state = stateFromUrl(location.search);
    els.q.value = state.q;
    syncControls();
    history.replaceState(null, '', urlFromState(state));
    await loadSchema();
    runSearch();
  }
  start();
}());
