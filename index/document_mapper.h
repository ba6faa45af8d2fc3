// document_mapper.h - a record as a Xapian document: terms and values.
#pragma once

#include <xapian.h>

#include <string>

#include "schema/record.h"

namespace atlas::detail {

// The Xapian document for `record`, following the term and slot conventions of
// schema/schema.h; it has no data (the display data is in the shard's display
// file, schema/display_file.h).  Values whose field is not in the schema are skipped (an adapter bug
// the adapter tests catch).  Throws only Xapian errors.
Xapian::Document make_document(const Record& record);

// The record's value in kSlotRankTie (schema.h), the order of equal relevance
// scores: ground truth, curator recommended, best quality, then browse order.
std::string rank_tie_key(const Record& record);

}  // namespace atlas::detail
