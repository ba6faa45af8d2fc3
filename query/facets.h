// facets.h - counting a field's values over a set of records, exactly.
//
// Keyword, identifier and boolean fields count each distinct value once per
// record that has it; numbers and dates count per bucket (a rating scale's
// levels, calendar years, or round-number intervals over the field's range).
// The cost depends on the set, not the index: a field with few values asks
// each value's bitmap how many of the set it shares (a few word operations
// per 65,536 records); a field with many walks its (record, value) pairs once
// against a plain bit per record of the set; the whole index reads the counts
// the column file stores.
#pragma once

#include "atlas/search.h"
#include "bitmap.h"
#include "column_store.h"
#include "match_set.h"
#include "request_check.h"
#include "schema/schema.h"

namespace atlas::detail {

// Counts `request.field` (described by `spec`, a field request_check.h lets
// facet) over `base`.
FacetResult count_facet(ColumnStore& columns, const FieldSpec& spec, const Bitmap& base,
                        const FacetRequest& request);

// Every facet `checked` asks for, in its order, each over `matches` without
// the conditions on its own field (disjunctive).  Safe on a thread beside the
// ranking (column_store.h).
std::vector<FacetResult> count_facets(const CheckedRequest& checked, const MatchSet& matches,
                                      ColumnStore& columns);

}  // namespace atlas::detail
