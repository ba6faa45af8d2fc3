// orama_peer.mjs - the Orama peer of atlas_bench (bench/orama_engine.h): the
// benchmark's records in an Orama database, and a bench request
// (bench/engine.h) answered with Orama's own search.
//
// One database, its schema made from the records:
//   title, body         'string': tokenized, English stemmer, BM25
//   group_key           'enum'  : the record's dataset, for grouping
//   f_<field>           'enum[]': the record's exact values of a keyword,
//                                 identifier or boolean field (every record
//                                 has every such property, [] when it has no
//                                 value: Orama's facet counting needs it)
//   n_<field>           'number[]': its numbers and dates (canonical SI)
// Orama's sorter is off (no sortBy is used; sorting title and body would cost
// memory and a locale sort).  The records are inserted in browse order
// (browse_key, then id): Orama orders equal scores by internal id, which is
// its insertion order, so a request without text comes back in browse order
// and ties of a text request in browse order, as engine.h asks.
//
// A request as Orama searches:
//   text     `term` (the words joined by spaces) on title and body, boost
//            title 6, tolerance 0, threshold 0 (Orama's "every term must
//            match"); exact is left false: in Orama 3.1 `exact: true` also
//            keeps only documents whose raw text contains every term as a
//            case-sensitive whole word, which defeats lower-cased, stemmed
//            words.  So each term matches as a prefix of an indexed token,
//            and threshold 0 wants all terms in one property (see README,
//            "Benchmark", for what that differs from engine.h).
//   prefix   the same search: Orama matches every term as a prefix.
//   phrase   the same search, then only the candidates whose title or body
//            has the words' tokens adjacent and in order (checked here, on
//            Orama's stored documents with Orama's tokenizer); the total,
//            page, groups and facets of a phrase request are counted here.
//   filters  where: f_<field> containsAny values (OR within), several
//            conditions combined with `and` (AND across); kinds likewise on
//            f_kind.  A field no record has matches nothing.
//   ranges   where: n_<field> between [lo, hi]; an exclusive bound moves to
//            the next representable double, so one value must lie in the
//            range (a gt and an lt could be met by two different values).
//   facets   Orama's `facets` on f_<field>: every value's count (Orama does
//            not sort or cut enum[] facets), sorted here by count desc, then
//            value asc, and cut to the facet's size.  A facet whose field is
//            filtered is counted by a search of its own without that filter
//            (disjunctive), limit 0.
//   group    `distinctOn: 'group_key'`: the page's groups in the order of
//            their best hit, offset and limit counting groups; the number of
//            groups is the distinct count of a `group_key` facet.
import { count, create, insertMultiple, search, components } from '@orama/orama';

export const INSERT_BATCH = 1000;  // insertMultiple's batch size
const CHUNK = 10000;               // records inserted between two memory checks
const TEXT_PROPERTIES = ['title', 'body'];
const BOOST = { title: 6 };
const EMPTY = Object.freeze([]);
const NOTHING = { group_key: { in: [] } };  // a where clause no record meets

export const facetProp = (field) => `f_${field}`;
export const numberProp = (field) => `n_${field}`;

// ---- load --------------------------------------------------------------------------

// Orders load records (their browse_key and id) as the SQL peers' ORDER BY does.
function byBrowseOrder(a, b) {
  if (a.browse_key !== b.browse_key) return a.browse_key < b.browse_key ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

// The Orama schema for `records`, and the fields of each kind.
export function schemaOf(records) {
  const facetFields = new Set();
  const numberFields = new Set();
  for (const r of records) {
    for (const f of Object.keys(r.facets ?? {})) facetFields.add(f);
    for (const f of Object.keys(r.numbers ?? {})) numberFields.add(f);
  }
  const schema = { title: 'string', body: 'string', group_key: 'enum' };
  for (const f of facetFields) schema[facetProp(f)] = 'enum[]';
  for (const f of numberFields) schema[numberProp(f)] = 'number[]';
  return { schema, facetFields, numberFields };
}

// The Orama document of a load record: every document has the same properties.
function toDocument(r, facetFields, numberFields) {
  const doc = { id: r.id, title: r.title, body: r.body, group_key: r.group_key };
  for (const f of facetFields) doc[facetProp(f)] = r.facets?.[f] ?? EMPTY;
  for (const f of numberFields) doc[numberProp(f)] = r.numbers?.[f] ?? EMPTY;
  return doc;
}

// A new peer: an empty database for `records`' schema, and the tokenizer the
// phrase check uses (the database's settings, duplicates kept for positions).
function createPeer(records) {
  const { schema, facetFields, numberFields } = schemaOf(records);
  const tokenizer = { language: 'english', stemming: true };
  const db = create({ schema, components: { tokenizer }, sort: { enabled: false } });
  const positions = components.tokenizer.createTokenizer({ ...tokenizer, allowDuplicates: true });
  return { db, facetFields, numberFields, positions };
}

// Builds a peer from load records (consumed), inserting CHUNK records per
// insertMultiple call; `check(done, total)` runs after each call and may throw
// to stop the load (bench/orama/server.mjs: the memory limit).
export function buildPeer(records, check = () => {}) {
  records.sort(byBrowseOrder);
  const peer = createPeer(records);
  for (let i = 0; i < records.length; i += CHUNK) {
    const end = Math.min(i + CHUNK, records.length);
    const docs = [];
    for (let k = i; k < end; ++k) {
      docs.push(toDocument(records[k], peer.facetFields, peer.numberFields));
      records[k] = undefined;
    }
    insertMultiple(peer.db, docs, INSERT_BATCH);
    check(end, records.length);
  }
  return peer;
}

// ---- request -> Orama parameters ----------------------------------------------------------

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

// The next double after `x` towards +Infinity (`up`) or -Infinity.
export function nextAfter(x, up) {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += (x > 0) === up ? 1n : -1n;
  return f64[0];
}

// A bound as the C++ side writes it: a number, or "Infinity" / "-Infinity".
const bound = (v) => Number(v);

// The where clause of one range: a value of the field in [lo, hi].
export function rangeClause(peer, range) {
  if (!peer.numberFields.has(range.field)) return NOTHING;
  let lo = bound(range.lo);
  let hi = bound(range.hi);
  if (!range.lo_inclusive) lo = nextAfter(lo, true);
  if (!range.hi_inclusive) hi = nextAfter(hi, false);
  return { [numberProp(range.field)]: { between: [lo, hi] } };
}

function valuesClause(peer, field, values) {
  if (!peer.facetFields.has(field)) return NOTHING;
  return { [facetProp(field)]: { containsAny: values } };
}

// The where clause of `request`'s filters (but those on `skipField`), kinds
// and ranges; undefined when there are none.
export function whereOf(peer, request, skipField) {
  const clauses = [];
  for (const f of request.filters ?? []) {
    if (f.field !== skipField) clauses.push(valuesClause(peer, f.field, f.values));
  }
  if (request.kinds?.length) clauses.push(valuesClause(peer, 'kind', request.kinds));
  for (const r of request.ranges ?? []) clauses.push(rangeClause(peer, r));
  if (clauses.length === 0) return undefined;
  return clauses.length === 1 ? clauses[0] : { and: clauses };
}

// The full-text part of the search parameters ({} for no text).
export function textParams(text) {
  const words = (text?.words ?? []).filter((w) => w.length > 0);
  if (!text || text.mode === 'none' || words.length === 0) return {};
  return {
    term: words.join(' '),
    properties: TEXT_PROPERTIES,
    boost: BOOST,
    threshold: 0,
    tolerance: 0,
    exact: false,
  };
}

// ---- answers -----------------------------------------------------------------------------

// The top `size` of Orama's facet values ({value: count}), count desc then value asc.
export function topValues(values, size) {
  return Object.entries(values)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, size);
}

function run(peer, params) {
  const result = search(peer.db, params);
  if (typeof result?.then === 'function') throw new Error('orama: search returned a promise');
  return result;
}

function filtersField(request, field) {
  return (request.filters ?? []).some((f) => f.field === field);
}

// The facets of `request` counted on `count(where)` searches: those of fields
// without a filter of their own from `main`'s, the others from their own.
function facetsOf(peer, request, main, countFor) {
  return (request.facets ?? []).map(({ field, size }) => {
    if (!peer.facetFields.has(field)) return { field, values: [] };
    const own = filtersField(request, field) ? countFor(field) : main;
    return { field, values: topValues(own[facetProp(field)].values, size) };
  });
}

// The answer to a request without a phrase: Orama's search, plus one per facet
// whose field the request filters.
function answerNative(peer, request) {
  const text = textParams(request.text);
  const own = {};
  for (const { field } of request.facets ?? []) {
    if (peer.facetFields.has(field) && !filtersField(request, field)) own[facetProp(field)] = {};
  }
  if (request.group) own.group_key = {};
  const params = { ...text, where: whereOf(peer, request), offset: request.offset,
                   limit: request.limit, facets: own };
  if (request.group) params.distinctOn = 'group_key';
  const main = run(peer, params);
  const countFor = (field) => run(peer, { ...text, where: whereOf(peer, request, field), limit: 0,
                                          facets: { [facetProp(field)]: {} } }).facets;
  return {
    total: main.count,
    ids: main.hits.map((h) => (request.group ? h.document.group_key : h.id)),
    facets: facetsOf(peer, request, main.facets ?? {}, countFor),
    group_total: request.group ? main.facets.group_key.count : 0,
  };
}

// ---- phrases -------------------------------------------------------------------------------

// Whether `tokens` holds `phrase` as consecutive tokens.
export function hasSequence(tokens, phrase) {
  for (let i = 0; i + phrase.length <= tokens.length; ++i) {
    let j = 0;
    while (j < phrase.length && tokens[i + j] === phrase[j]) ++j;
    if (j === phrase.length) return true;
  }
  return false;
}

function hasPhrase(peer, doc, phrase) {
  return TEXT_PROPERTIES.some((prop) =>
    hasSequence(peer.positions.tokenize(doc[prop] ?? '', 'english', prop), phrase));
}

// Orama's matches for the words of a phrase request (`where` as given), in
// order, kept when they hold the phrase.
function phraseMatches(peer, request, where, phrase) {
  const params = { ...textParams(request.text), where, limit: count(peer.db) };
  return run(peer, params).hits.filter((h) => hasPhrase(peer, h.document, phrase));
}

// Counts of `field`'s values over `hits` (a record counts once per value).
function countValues(hits, field) {
  const values = {};
  for (const h of hits) {
    for (const v of h.document[facetProp(field)]) values[v] = (values[v] ?? 0) + 1;
  }
  return { values };
}

function groupPage(hits, offset, limit) {
  const groups = [...new Set(hits.map((h) => h.document.group_key))];
  return { ids: groups.slice(offset, offset + limit), group_total: groups.length };
}

function answerPhrase(peer, request, phrase) {
  const hits = phraseMatches(peer, request, whereOf(peer, request), phrase);
  const main = {};
  for (const { field } of request.facets ?? []) {
    if (peer.facetFields.has(field)) main[facetProp(field)] = countValues(hits, field);
  }
  const countFor = (field) => ({
    [facetProp(field)]: countValues(phraseMatches(peer, request, whereOf(peer, request, field),
                                                  phrase), field),
  });
  const { offset, limit } = request;
  const page = request.group ? groupPage(hits, offset, limit)
                             : { ids: hits.slice(offset, offset + limit).map((h) => h.id),
                                 group_total: 0 };
  return { total: hits.length, ids: page.ids, facets: facetsOf(peer, request, main, countFor),
           group_total: page.group_total };
}

// The answer to one bench request: {total, ids, facets: [{field, values:
// [[value, count]...]}], group_total}.
export function answer(peer, request) {
  request.offset ??= 0;
  request.limit ??= 20;
  if (request.text?.mode === 'phrase' && textParams(request.text).term) {
    const phrase = peer.positions.tokenize(request.text.words.join(' '), 'english');
    if (phrase.length > 0) return answerPhrase(peer, request, phrase);
  }
  return answerNative(peer, request);
}
