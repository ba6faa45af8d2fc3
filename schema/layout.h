// schema/layout.h - what a generation is on disk: its folders, files and metadata keys.
//
// The writer (index/generation.h) creates generations and swaps CURRENT; the
// reader (query/searcher.cpp) follows CURRENT.  Both name the same paths
// through these constants.  The formats of the files inside are their own
// headers: column_format.h (columns.atlas), display_file.h (display/shard-K:
// each document's display_data.h), record.h (the catalog's records as JSON,
// compressed as compression.h says).
#pragma once

#include <string>
#include <string_view>

#include "atlas/error.h"

namespace atlas {

// Xapian metadata of every generation.
inline constexpr std::string_view kMetaSchemaVersion = "atlas.schema_version";
inline constexpr std::string_view kMetaVocabulary = "atlas.vocabulary";  // synonyms (vocabulary.h)
inline constexpr std::string_view kMetaBuiltAt = "atlas.built_at";
inline constexpr std::string_view kMetaSources = "atlas.sources";

// <index>/CURRENT -> gen-000007 (a symlink swapped by rename), and in each generation
// <gen>/catalog.sqlite, <gen>/xapian/, <gen>/columns.atlas (kColumnFile, column_format.h)
// and <gen>/panosc.jsonl (kPanoscFile, panosc_format.h).
inline constexpr std::string_view kCurrentLink = "CURRENT";
inline constexpr std::string_view kCatalogFile = "catalog.sqlite";
inline constexpr std::string_view kXapianDir = "xapian";

// The generation directory readers open: the target of <index_dir>/CURRENT.
// Errors: not_found (no index there).
Result<std::string> current_generation(const std::string& index_dir);

}  // namespace atlas
