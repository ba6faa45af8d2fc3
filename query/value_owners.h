// value_owners.h - the records that hold, themselves, the values a query's words name.
//
// "ground truth membrane segmentations": "membrane" is a whole value of the
// annotated-object field.  The annotation whose object is "membrane" is the
// record those words name; "membrane-enclosed lumen" only contains the word,
// and the run rolling the object up holds a copy.  BM25 cannot tell them
// apart (a short title outscores an exact one).  So a run of the query's
// plain words (one word, or adjacent ones: "cytosolic ribosome") that is a
// whole value of a keyword facet that names what a record is (free-text
// weight 2 or more: organism, object, organ, assay, ...) names that value,
// and the records owning every value the query names (schema.h own_term: not
// inherited, not rolled up) come first within each tier (tiers.h
// first_within): Meilisearch's "exactness" rule, with the owner instead of
// any holder.  A free word that is part of no such value (or an OR group, a
// prefix) turns it off: the words then name more than values.  Synonyms
// count as typed, not by their expansions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bitmap.h"
#include "column_store.h"
#include "evaluator.h"
#include "query_parser.h"

namespace atlas::detail {

// Runs of adjacent words longer than this are not looked up.
inline constexpr std::size_t kMaxValueWords = 4;

struct NamedValue {
    std::string field;  // "object", or "organ or tissue" when several hold it
    std::string words;  // as the first of them shows it: "membrane", "H&E"
};

struct ValueOwners {
    std::vector<NamedValue> values;  // each run's value once, for the label
    Bitmap docs;                     // the records owning a value of every run
};

// The values `tree`'s plain words name, longest runs first, left to right,
// and their owners; nullopt when no run is a whole value or no record owns
// one of each.
std::optional<ValueOwners> value_owners(const QueryNode& tree, const ColumnStore& columns,
                                        Evaluator& evaluator);

// How the tier reads: `object "membrane" itself`.
std::string describe(const ValueOwners& owners);

}  // namespace atlas::detail
