// engine.h - what every engine the benchmark compares implements, and the
// request each of them answers.
//
// One workload line (bench/workload.h) carries two forms of the same request:
// atlas's own SearchRequest (the query language, units and all) and this
// normalised BenchRequest, which a SQL engine can answer without our parser:
// exact values already in their stored exact form, ranges already in SI, text
// already split into words.  Semantics every engine follows, as close as each
// allows:
//   text       words (AND, each stemmed by the engine's own stemmer), a phrase,
//              or a prefix on the last word; none = every record
//   filters    AND across filters; OR within a filter's values; a value matches
//              when the record has that exact form (schema/schema.h exact_value)
//              for that field
//   ranges     a record matches when any of its values of the field lies in
//              the range (canonical SI units, as the catalog JSON "value"s)
//   kinds      OR
//   facets     each facet counted over the records matching text, ranges,
//              kinds and every filter except those on the facet's own field
//              (disjunctive); a record counts once per distinct exact value
//   order      text: the engine's relevance, descending; ties and no text:
//              browse order (BenchRecord::browse_key ascending)
//   group_by   "dataset": groups are the records' group keys
//              (BenchRecord::group_key); groups ordered by their best hit;
//              offset/limit count groups; group_total = distinct groups
// Totals are exact.  On the filter-only and exact-term scenarios every engine
// must return the same totals and facet counts; the harness reports any
// mismatch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "atlas/error.h"

namespace atlas::bench {

struct BenchText {
    enum class Mode { none, words, phrase, prefix };
    Mode mode = Mode::none;
    std::vector<std::string> words;  // lower-cased; prefix: the last one is the prefix
};

struct BenchFilter {
    std::string field;
    std::vector<std::string> values;  // exact forms (atlas::exact_value)
};

struct BenchRange {
    std::string field;
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_inclusive = true;
    bool hi_inclusive = true;
};

struct BenchFacet {
    std::string field;
    std::uint32_t size = 10;
};

struct BenchRequest {
    BenchText text;
    std::vector<BenchFilter> filters;
    std::vector<BenchRange> ranges;
    std::vector<std::string> kinds;
    std::vector<BenchFacet> facets;
    std::uint32_t offset = 0;
    std::uint32_t limit = 20;
    bool group_by_dataset = false;
    // The same request in the engine's own language, when it has one (atlas:
    // its request JSON, units and query language included).  Peers ignore it.
    std::string native;
};

struct FacetCounts {
    std::string field;
    std::vector<std::pair<std::string, std::uint64_t>> values;  // exact form, count; top `size`
                                                                // by count desc, then value asc
};

struct BenchResult {
    std::uint64_t total = 0;
    std::vector<std::string> ids;  // record ids of the page, in order (grouped: group ids)
    std::vector<FacetCounts> facets;
    std::uint64_t group_total = 0;
};

// One engine's connection: used from one thread at a time.  Each thread of a
// multi-threaded run gets its own session.
class Session {
  public:
    virtual ~Session() = default;
    virtual Result<BenchResult> run(const BenchRequest& request) = 0;
};

class Engine {
  public:
    virtual ~Engine() = default;
    virtual std::string name() const = 0;  // "atlas", "sqlite-fts5", "postgresql", "orama"
    // Builds the engine's index from the canonical records (*.jsonl under
    // `records_dir`, atlas/records_adapter.h) in `work_dir`.  Errors say why.
    virtual Status build(const std::filesystem::path& records_dir,
                         const std::filesystem::path& work_dir) = 0;
    virtual Result<std::unique_ptr<Session>> open_session() = 0;
    // Bytes the index takes on disk after build().
    virtual std::uint64_t index_bytes() const = 0;
    // What index_bytes() measures when it is not bytes on disk ("" when it is).
    virtual std::string index_note() const { return {}; }
};

// What a loader needs of a record, computed the same way for every engine
// from one canonical record (bench/bench_record.cpp).
struct BenchValue {
    std::string field;
    std::string exact;  // atlas::exact_value(spec, text) for keyword/identifier/boolean
    double number = 0;  // number and date fields: canonical
    bool is_number = false;
};

struct BenchRecord {
    std::string id;
    std::string kind;
    std::string source;
    std::string title;
    std::string body;        // free text: the values of every field atlas weighs in free text
    std::string browse_key;  // kind rank digit + folded id: atlas's browse order
    std::string group_key;   // the id of the record's dataset (first breadcrumb entry of kind
                             // "dataset"), else the record's own id
    std::vector<BenchValue> values;  // facet values (keyword, identifier, boolean) and numbers
};

// Parses one canonical record JSON line.  Errors: invalid_request.
Result<BenchRecord> bench_record_from_json(std::string_view line);

// Calls `each` for every record of every *.jsonl under `records_dir`, in path
// and line order.  Errors: not_found, invalid_request (a bad line, named).
Status for_each_record(const std::filesystem::path& records_dir,
                       const std::function<Status(const BenchRecord&)>& each);

}  // namespace atlas::bench
