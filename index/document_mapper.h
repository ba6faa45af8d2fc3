// document_mapper.h - a record as a Xapian document: terms, values and display data.
#pragma once

#include <xapian.h>

#include <string>

#include "schema/record.h"

namespace atlas::detail {

// The Xapian document for `record`, following the term and slot conventions of
// atlas/schema.h.  Values whose field is not in the schema are skipped (an
// adapter bug the adapter tests catch).  Throws only Xapian errors.
Xapian::Document make_document(const Record& record);

// The record's value in kSlotRankTie (schema.h), the order of equal relevance
// scores: ground truth, curator recommended, best quality, then browse order.
std::string rank_tie_key(const Record& record);

// The display data stored with the document: what a hit shows, as compact JSON
// {"id","kind","source","title","breadcrumb":[{"id","kind","label"}],
//  "fields":{"name":[values]},"more":{"name":count},"links":{"rel":[urls]}}.
// Numbers are in their field's display unit.  A field shows its first
// kMaxDisplayValues values; "more" counts the rest (absent when none).  Links
// are all kept: download manifests are made from them.
inline constexpr std::size_t kMaxDisplayValues = 100;
std::string display_json(const Record& record);

}  // namespace atlas::detail
