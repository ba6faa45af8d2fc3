// query_builder.h - a parsed query tree -> Xapian::Query, following schema/schema.h;
// and the terms each leaf stands for, shared with the bitmap evaluator
// (evaluator.h) so both answer the same query the same way.
#pragma once

#include <xapian.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bitmap.h"
#include "query_parser.h"

namespace atlas::detail {

// Range nodes become this query when given (a posting source over the
// columns' answer); otherwise a source over the number slots
// (MultiValueRangeSource).
using RangeDocs = std::function<Xapian::Query(const QueryNode& range)>;

// What an optional word (QueryNode::optional: a stopword, a kind word)
// weighs beside a required one: enough to order records that match the rest
// equally, not enough to lift a record above a better match of the rest
// ("the" is rare in metadata, so its full BM25 weight is large).
inline constexpr double kOptionalWeight = 0.02;

// Builds the Xapian query for `node`.  Fielded words are stemmed against the
// index's own terms (each field's words are stored unstemmed, see schema.h),
// so `db` is needed.  Throws only Xapian errors.
Xapian::Query build_query(const QueryNode& node, const Xapian::Database& db,
                          const RangeDocs& range_docs = {});

// The terms a one-word words node (not a phrase) matches, any of them: the
// word's stem alternatives in its field, its free-text stem, or a prefix's
// most frequent expansions.
std::vector<std::string> single_word_terms(const QueryNode& node, const Xapian::Database& db);

// The exact terms an exact prefix node (htan_id:HTA1*) expands to.  Throws
// Xapian::WildcardError when there are more than the limit.
std::vector<std::string> exact_prefix_terms(const QueryNode& node, const Xapian::Database& db);

}  // namespace atlas::detail
