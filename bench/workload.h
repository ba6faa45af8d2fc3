// workload.h - the benchmark's workload file: what each engine is asked, in two forms.
//
// One JSON object per line (bench/queries/README.md):
//   {"scenario": "keyword_filters",
//    "request": {"query": "ribosome", "filters": [{"field": "organism",
//                "values": ["Schizosaccharomyces pombe"]}], "offset": 0, "limit": 20},
//    "bench": {"text": {"mode": "words", "words": ["ribosome"]},
//              "filters": [{"field": "organism", "values": ["schizosaccharomycespombe"]}],
//              "offset": 0, "limit": 20}}
// "request" is atlas's own request (atlas::request_from_json reads it: the
// query language, units and display values); "bench" is the same request
// normalised for engines without our parser (engine.h BenchRequest: words
// lower-cased, exact forms, ranges in canonical SI units).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"
#include "engine.h"

namespace atlas::bench {

struct WorkloadItem {
    std::string scenario;
    std::string request_json;  // the "request" object as compact JSON text
    BenchRequest bench;
};

// The BenchRequest as one compact JSON object:
//   {"text": {"mode": "none|words|phrase|prefix", "words": [...]},
//    "filters": [{"field", "values": [...]}],
//    "ranges": [{"field", "lo", "hi", "lo_inclusive", "hi_inclusive"}],
//    "kinds": [...], "facets": [{"field", "size"}],
//    "offset", "limit", "group_by_dataset"}
// Empty lists and a false group_by_dataset are left out; an infinite range
// end is left out (JSON has no infinity).  Numbers are written so that they
// read back to the same double.
std::string bench_request_to_json(const BenchRequest& request);

// Parses what bench_request_to_json writes; missing members take their
// defaults.  Errors: invalid_request (not JSON, a member of the wrong type,
// an unknown member or text mode), naming the member.
Result<BenchRequest> bench_request_from_json(std::string_view json);

// One workload line as JSON (no newline).
std::string workload_item_to_json(const WorkloadItem& item);

// Parses one workload line.  Errors: invalid_request.
Result<WorkloadItem> workload_item_from_json(std::string_view line);

// Reads a workload file; empty lines are skipped.  Errors: not_found,
// invalid_request (a bad line: the message names its number).
Result<std::vector<WorkloadItem>> read_workload(const std::filesystem::path& path);

}  // namespace atlas::bench
