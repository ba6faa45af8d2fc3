// open_generation.h - one generation of an index, opened: what every stage of a search reads.
//
// searcher.cpp opens it (and a new one when atlas-index publishes one); the
// stages (request_check, match_set, ranking, ordering, hit_reader) read it.
// The evaluator and the spelling index refer to `db` and `columns`, so an
// OpenGeneration is never moved: it lives behind a unique_ptr and is replaced
// whole.  Not thread-safe, except as column_store.h says (facets beside the
// ranking) and `helper_db` (the helper thread's own handle).
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "bitmap_source.h"
#include "column_store.h"
#include "display_store.h"
#include "evaluator.h"
#include "schema/vocabulary.h"
#include "spelling.h"

namespace atlas::detail {

struct OpenGeneration {
    std::string dir;  // the generation directory: <index>/gen-000007
    Xapian::Database db;
    std::unique_ptr<Xapian::Database> helper_db;  // only with 2 threads; only the helper uses it
    std::shared_ptr<const ShardMap> shards;
    std::unique_ptr<ColumnStore> columns;
    std::unique_ptr<DisplayStore> display;  // what each hit shows
    Vocabulary vocabulary;           // the synonyms it was built with
    std::vector<std::string> kinds;  // the kinds it holds, sorted
    // After db and columns, which they refer to (and are destroyed before them).
    std::unique_ptr<Evaluator> evaluator;
    std::unique_ptr<Spelling> spelling;
};

// Opens generation directory `dir` of the index at `index_dir` (searcher.cpp).
// Errors: schema_mismatch (built by another version), corrupt (a file
// missing or of another size than the MANIFEST lists, or the column file and
// Xapian disagree), unavailable; Xapian's errors are thrown.
Result<std::unique_ptr<OpenGeneration>> open_generation(const std::string& index_dir,
                                                        const std::string& dir,
                                                        const SearcherOptions& options);

}  // namespace atlas::detail
