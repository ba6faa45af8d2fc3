// query_builder.h - a parsed query tree -> Xapian::Query, following atlas/schema.h.
#pragma once

#include <xapian.h>

#include "query_parser.h"

namespace atlas::detail {

// Builds the Xapian query for `node`.  Fielded words are stemmed against the
// index's own terms (each field's words are stored unstemmed, see schema.h),
// so `db` is needed.  Throws only Xapian errors.
Xapian::Query build_query(const QueryNode& node, const Xapian::Database& db);

}  // namespace atlas::detail
