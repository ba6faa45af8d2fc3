// evaluator.h - a parsed query -> the exact set of records it matches, as a bitmap.
//
// Counting and facets need every match, not the best twenty; Xapian would
// have to visit each one.  The evaluator answers from posting lists and the
// columns instead: a term's documents (cached when it is frequent), a facet
// value's or a range's bitmap, and AND / OR / NOT as bitmap operations.  It
// matches what build_query() matches, leaf by leaf (the same terms, from
// query_builder.h); a phrase, which needs positions, is asked of Xapian.
// One Evaluator per Searcher: not thread-safe (its cache).
#pragma once

#include <xapian.h>

#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "bitmap.h"
#include "column_store.h"
#include "query_parser.h"

namespace atlas::detail {

class Evaluator {
  public:
    Evaluator(const Xapian::Database& db, ColumnStore& columns);

    // The records `node` matches.  Throws Xapian errors (WildcardError for
    // an id prefix with too many values).
    Bitmap eval(const QueryNode& node);

    // The live documents of one term (cached when frequent): Xapian's
    // postings less the documents an update deleted (ColumnStore::deleted).
    const Bitmap& term_docs(const std::string& term);

    // The documents of a range node.
    const Bitmap& range_docs(const QueryNode& range);

    // Documents an update deleted (ColumnStore::deleted), which Xapian's
    // statistics still count.
    std::uint64_t deleted_count() const { return columns_.deleted().size(); }

    // Forgets cached postings beyond `max_bytes` (call between requests).
    void trim_cache(std::size_t max_bytes);

  private:
    Bitmap union_of_terms(const std::vector<std::string>& terms);
    Bitmap by_xapian(const QueryNode& node);

    const Xapian::Database& db_;
    ColumnStore& columns_;
    std::unordered_map<std::string, Bitmap> terms_;  // cached postings of frequent terms
    std::size_t terms_bytes_ = 0;
    Bitmap scratch_;  // returned for uncached terms; valid until the next call
};

}  // namespace atlas::detail
