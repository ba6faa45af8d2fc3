// explain.h - what --explain says about a hit beyond its scores.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "query_parser.h"

namespace atlas::detail {

// The fields of document `docid` in which words of `part` occur (a word of the
// same stem, as a fielded search finds it), in schema order, each with the
// weight a word there carries in the score ("title x6").  The index keeps no
// term lists: each field's postings are asked for the document.
std::vector<std::string> fields_with_words(const Xapian::Database& db, Xapian::docid docid,
                                           const QueryNode& part);

}  // namespace atlas::detail
