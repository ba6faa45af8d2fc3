// records_adapter.h - canonical records as JSON lines: the format the catalog stores.
//
// The root is a directory; every `*.jsonl` file under it (sorted by path) holds
// one record per line, exactly as the catalog stores it (schema/record.h:
// to_json / record_from_json):
//   {"id":"cryoet:run:10000/TS_026","source":"cryoet","kind":"run",
//    "parent":"cryoet:dataset:10000","title":"TS_026","file":"...",
//    "aliases":[],"breadcrumb":[...],"fields":{"organism":[{"text":"...",
//    "origin":"inherited"}],...},"links":[{"rel":"s3","url":"..."}]}
// Records keep their own source and kind, so a file may hold any portal's
// records.  This is what bench/atlas_scale writes (real records recombined
// to 10^5..10^7), what the benchmark's peers load, and a way to index
// records made elsewhere.  Empty lines are skipped; a line that is not such a
// record, or names an unknown source or kind, is rejected with one error
// naming file and line, and the rest of the file is read.
#pragma once

#include <filesystem>
#include <memory>

#include "adapter.h"

namespace atlas::detail {

std::unique_ptr<Adapter> make_records_adapter(const std::filesystem::path& root);

}  // namespace atlas::detail
