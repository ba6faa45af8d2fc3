// atlas/index.h - building an index from the portals' metadata exports.
//
// The whole write side the operator and the tools need.  Xapian, SQLite and
// RapidJSON types never appear here.
//
// An index directory holds generations; CURRENT is a symlink to the one readers
// open.  A build writes a new generation beside the others and, only when it
// is complete and synced, swaps CURRENT to it in one rename, so readers never
// see a half-built index and a failed or killed build leaves the old one
// serving.  Bad input is reported per file and field, never silently dropped:
// a field that cannot be read is left out with a warning; a record that cannot
// be read is rejected with an error, and if the previous generation had it, that
// version is carried over so nothing already indexed is lost.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "atlas/error.h"

namespace atlas {

// One source to index: `name` is the adapter ("cryoet"), `path` its export.
struct SourceSpec {
    std::string name;
    std::string path;
};

// Parses "cryoet=/data/mirror".  Errors: invalid_request (no '=', unknown adapter).
Result<SourceSpec> parse_source_spec(const std::string& text);

// Reads a sources file, the nightly job's list of exports:
//   {"sources": [{"name": "cryoet", "path": "/data/cryoet-mirror"},
//                {"name": "htan", "path": "htan"}]}
// Relative paths are relative to the file's folder.  Errors: not_found (no
// such file), invalid_request (not that shape, an unknown source, a source
// listed twice; the message names the file and the entry).
Result<std::vector<SourceSpec>> read_sources_file(const std::string& path);

// The adapters this build knows, e.g. {"cryoet"}.
std::vector<std::string> known_sources();

enum class Severity {
    warning,  // a field was left out; the record is indexed
    error,    // the record was rejected
};

struct IngestIssue {
    Severity severity = Severity::warning;
    std::string source;         // cryoet
    std::string file;           // relative to the source root: 10011/dataset_metadata.json
    std::string record;         // the record id, when it is known
    std::string field;          // dates.release_date, or empty for whole-file problems
    std::string message;        // one line, quotes the offending value
    bool carried_over = false;  // error only: the previous generation's version was kept

    // One line naming file, field and record: "warning: 10011/dataset_metadata.json:
    // dates.release_date: '2023-XX-XX' is not a date (expected YYYY-MM-DD); left out
    // [cryoet:dataset:10011]".
    std::string to_line() const;
};

struct BuildProgress {
    std::string source;
    std::uint64_t done = 0;   // records read so far (all sources)
    std::uint64_t total = 0;  // estimate of all records (a scan of the files), 0 if unknown;
                              // the exact total in the last call
    double elapsed_seconds = 0;
};

struct BuildOptions {
    std::vector<SourceSpec> sources;
    std::string out_dir;  // created if missing
    // Called from the building thread about every 100 ms and once at the end.
    std::function<void(const BuildProgress&)> on_progress;
    // Refuse to swap in a generation with fewer than half the records of the
    // current one for any source (a broken export is not a deletion).
    bool allow_shrink = false;
    // Ignore the current generation: no carry-over, no shrink check.  For
    // recovering from a current catalog that cannot be read.
    bool fresh = false;
    // Write the new generation from scratch even when few records changed
    // (atlas-index build --full).  Otherwise a build over a current
    // generation of the same schema updates it (DESIGN.md "Incremental
    // builds"): unchanged records are copied, not written again.
    bool full = false;
    // An update that changes (adds, changes, removes) more than this share of
    // the current records gives way to a full build.
    double update_max_changed = 0.10;
    // Top lists for ranking huge match sets fast (index/top_lists.h): every
    // term in at least top_list_min_freq records keeps its top_list_length
    // best documents of each kind.  0 turns them off (readers then score
    // every match).
    std::uint32_t top_list_min_freq = 16384;
    std::uint32_t top_list_length = 2048;
};

// Where a build's time went (atlas-index build --timings), in the order the
// stages first ran.  A stage that runs beside others (the shard threads
// turning records into Xapian documents while the main thread reads, shards
// compacted at once) is `concurrent`: its seconds are the sum of its
// `threads`' times and overlap the rest; the others' add up to the build.
struct BuildStage {
    std::string name;    // "catalog rows (JSON, SQLite)", "Xapian: compaction", ...
    double seconds = 0;  // wall time, or thread-seconds when concurrent
    unsigned threads = 1;
    bool concurrent = false;
};

// What an update did (BuildReport::update).  A full build: updated false,
// and `full_reason` says why it was not an update.
struct UpdateSummary {
    bool updated = false;
    // "--full", "--fresh", "no current generation", "the update was given up at 80,000
    // changed, ...", "the current generation cannot be updated (...)"
    std::string full_reason;
    std::uint64_t unchanged = 0;  // records kept at their docids, not written again
    std::uint64_t changed = 0;    // written again at new docids
    std::uint64_t added = 0;      // new ids
    std::uint64_t removed = 0;    // ids the sources no longer hold
    std::uint32_t docids_before = 0;   // the previous generation's docids
    std::uint64_t deleted_before = 0;  // of those, deleted by earlier updates
    std::uint64_t deleted = 0;         // deleted docids in the new generation
};

struct BuildReport {
    std::string index_dir;
    std::string generation;  // directory name of the new generation, e.g. gen-000003
    std::map<std::string, std::uint64_t> records_per_kind;  // "dataset" -> 370 (all sources)
    // Per source, then per kind: "hoa" -> {"dataset" -> 298}.
    std::map<std::string, std::map<std::string, std::uint64_t>> records_per_source;
    std::uint64_t records = 0;
    std::uint64_t rejected = 0;      // records rejected (errors)
    std::uint64_t carried_over = 0;  // of those, kept from the previous generation
    std::uint64_t warnings = 0;
    std::vector<IngestIssue> issues;  // all of them, in the order found
    double seconds = 0;
    std::uint64_t index_bytes = 0;  // size of the new generation on disk
    std::uint64_t top_lists = 0;    // (term, kind) top lists written (BuildOptions)
    std::vector<BuildStage> stages;  // where `seconds` went, stage by stage
    UpdateSummary update;            // an update's counts, or why the build was full
    // Things the operator should know that concern no one record ("the current
    // index has schema version 0; built from scratch, nothing carried over").
    std::vector<std::string> notes;
};

// Builds a new generation in options.out_dir and makes it current.
// Errors: invalid_request (no sources, unknown adapter), not_found (a source
// path does not exist), unavailable (another build holds the lock), io,
// corrupt (the current generation's catalog cannot be read), invalid_request
// (a source produced no records, or shrank by half without allow_shrink).
// The current generation is untouched on any error.  Cost: reads every source
// file once; memory is bounded by the largest dataset, not the corpus.
Result<BuildReport> build_index(const BuildOptions& options);

// The report as one JSON object: {"index_dir","generation","records","rejected",
// "carried_over","warnings","seconds","index_bytes","top_lists","update":{"updated",
// "full_reason","unchanged","changed","added","removed","docids_before","deleted_before",
// "deleted"},"stages":[{"name","seconds",
// "threads","concurrent"}],"records_per_kind":{..},
// "records_per_source":{source:{kind:n}},"issues":[{"severity","source","file","record",
// "field","message","carried_over","line"}],"notes":[..]}.
std::string to_json(const BuildReport& report);

// Counts per kind and the ingest report of the current generation, read from
// its catalog.  Errors: not_found, schema_mismatch, corrupt.
struct IndexStats {
    std::string generation;
    int schema_version = 0;
    std::string built_at;
    std::map<std::string, std::uint64_t> records_per_kind;
    std::map<std::string, std::map<std::string, std::uint64_t>> records_per_source;
    std::vector<IngestIssue> issues;
};
Result<IndexStats> read_index_stats(const std::string& index_dir);

// What `atlas-index verify` found in a generation: every file its MANIFEST
// lists read back against its size and CRC-32, files it does not list, and
// Xapian's own check of each shard (`xapian-check`, Debian's xapian-tools).
struct VerifyReport {
    std::string generation;     // directory name, e.g. gen-000003
    std::uint64_t files = 0;    // files the manifest lists
    std::uint64_t bytes = 0;    // their total size
    std::uint64_t shards = 0;   // Xapian shards xapian-check checked
    std::vector<std::string> problems;  // one line each ("xapian/shard-0/position.glass: missing"); none: intact
    std::vector<std::string> notes;     // what could not be checked (no xapian-check installed)
};

// Verifies the current generation of `index_dir`, or the generation named
// `generation` in it.  A damaged generation is a report with problems, not an
// error.  Errors: not_found (no index, no such generation).  Cost: reads every
// file of the generation once, and xapian-check walks every Xapian table.
Result<VerifyReport> verify_index(const std::string& index_dir, const std::string& generation = "");

}  // namespace atlas
