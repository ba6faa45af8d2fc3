// orama_peer.test.mjs - the bench request -> Orama translation (orama_peer.mjs),
// on its own and on a four-record database.  Run: node --test bench/orama/
// (needs `npm ci --prefix bench/orama`).  The C++ side's test runs the SQL
// peers' whole table of expectations through the real process
// (tests/bench/peers_test.cpp).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { answer, buildPeer, hasSequence, nextAfter, textParams, topValues, whereOf } from
  './orama_peer.mjs';

const peerFields = {
  facetFields: new Set(['kind', 'organism']),
  numberFields: new Set(['binning']),
};

test('an exclusive bound moves to the neighbouring double', () => {
  assert.equal(nextAfter(1, true), 1 + Number.EPSILON);
  assert.equal(nextAfter(1, false), 1 - Number.EPSILON / 2);
  assert.equal(nextAfter(-2, true), -2 + Number.EPSILON);
  assert.equal(nextAfter(0, true), Number.MIN_VALUE);
  assert.equal(nextAfter(Infinity, false), Infinity);
  assert.equal(nextAfter(-Infinity, true), -Infinity);
});

test('filters, kinds and ranges become one where clause', () => {
  const request = {
    filters: [{ field: 'organism', values: ['homo sapiens', 'mus musculus'] }],
    kinds: ['dataset'],
    ranges: [{ field: 'binning', lo: 2, hi: 'Infinity', lo_inclusive: false, hi_inclusive: true }],
  };
  assert.deepEqual(whereOf(peerFields, request), {
    and: [
      { f_organism: { containsAny: ['homo sapiens', 'mus musculus'] } },
      { f_kind: { containsAny: ['dataset'] } },
      { n_binning: { between: [2 + 2 * Number.EPSILON, Infinity] } },
    ],
  });
  // A facet's own filter is left out (disjunctive facets); one clause stays bare.
  assert.deepEqual(whereOf(peerFields, { ...request, kinds: [], ranges: [] }, 'organism'),
                   undefined);
  assert.deepEqual(whereOf(peerFields, { kinds: ['run'] }), { f_kind: { containsAny: ['run'] } });
  // A field no record has matches nothing.
  assert.deepEqual(whereOf(peerFields, { filters: [{ field: 'tissue', values: ['x'] }] }),
                   { group_key: { in: [] } });
});

test('text is one term on title and body, every word required, title boosted 6', () => {
  assert.deepEqual(textParams({ mode: 'none', words: [] }), {});
  assert.deepEqual(textParams({ mode: 'words', words: [] }), {});
  assert.deepEqual(textParams({ mode: 'words', words: ['cryo', 'ribosome'] }), {
    term: 'cryo ribosome', properties: ['title', 'body'], boost: { title: 6 },
    threshold: 0, tolerance: 0, exact: false,
  });
});

test('facet values: count desc, then value asc, cut to size', () => {
  assert.deepEqual(topValues({ b: 2, c: 5, a: 2, d: 1 }, 3), [['c', 5], ['a', 2], ['b', 2]]);
});

test('a phrase is consecutive tokens', () => {
  assert.ok(hasSequence(['a', 'b', 'c'], ['b', 'c']));
  assert.ok(!hasSequence(['a', 'b', 'c'], ['a', 'c']));
  assert.ok(!hasSequence(['a'], ['a', 'b']));
});

function records() {
  const r = (id, browse, group, title, organisms, binning) => ({
    id, kind: 'dataset', source: 'cryoet', title, body: '', browse_key: browse, group_key: group,
    facets: { kind: [id.startsWith('d') ? 'dataset' : 'run'], organism: organisms },
    numbers: binning.length ? { binning } : {},
  });
  return [
    r('r1', '5r1', 'd1', 'Cytosolic ribosome run', ['human'], [4]),
    r('d2', '1d2', 'd2', 'Mitochondria of mice', ['mouse'], [1, 8]),
    r('d1', '1d1', 'd1', 'Ribosome tomography', ['human', 'yeast'], [2]),
    r('r2', '5r2', 'd2', 'Ribosome cytosolic', ['mouse'], []),
  ];
}

test('a small database answers in browse order with exact counts', () => {
  const peer = buildPeer(records());
  const all = answer(peer, { facets: [{ field: 'organism', size: 10 }] });
  assert.equal(all.total, 4);
  assert.deepEqual(all.ids, ['d1', 'd2', 'r1', 'r2']);
  assert.deepEqual(all.facets, [{ field: 'organism',
                                  values: [['human', 2], ['mouse', 2], ['yeast', 1]] }]);
  // Disjunctive: the organism facet ignores the organism filter, kind does not.
  const human = answer(peer, { filters: [{ field: 'organism', values: ['human'] }],
                               facets: [{ field: 'organism', size: 10 },
                                        { field: 'kind', size: 10 }] });
  assert.deepEqual(human.ids, ['d1', 'r1']);
  assert.deepEqual(human.facets[0].values, [['human', 2], ['mouse', 2], ['yeast', 1]]);
  assert.deepEqual(human.facets[1].values, [['dataset', 1], ['run', 1]]);
  const ranged = answer(peer, { ranges: [{ field: 'binning', lo: 2, hi: 8, lo_inclusive: false,
                                           hi_inclusive: false }] });
  assert.deepEqual(ranged.ids, ['r1']);
  const grouped = answer(peer, { group: true, offset: 1, limit: 5 });
  assert.deepEqual([grouped.total, grouped.group_total, grouped.ids], [4, 2, ['d2']]);
});

test('text: stemmed words; phrases checked for adjacency', () => {
  const peer = buildPeer(records());
  assert.equal(answer(peer, { text: { mode: 'words', words: ['ribosomes'] } }).total, 3);
  const phrase = answer(peer, { text: { mode: 'phrase', words: ['cytosolic', 'ribosome'] },
                                group: true });
  assert.deepEqual([phrase.total, phrase.ids, phrase.group_total], [1, ['d1'], 1]);
  const words = answer(peer, { text: { mode: 'words', words: ['cytosolic', 'ribosome'] } });
  assert.deepEqual(words.ids.sort(), ['r1', 'r2']);
});
