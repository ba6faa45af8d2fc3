// catalog.h - the SQLite catalog: the source of truth for records of one generation.
//
// Tables:
//   meta(key, value)                     schema version, build time, sources
//   records(id, source, kind, parent, title, file, hash, carried_over, json)
//   edges(child, parent, relation)       the hierarchy ("parent")
//   ingest_report(seq, severity, source, file, record, field, message, carried_over)
// PRAGMA user_version holds kSchemaVersion.  The Xapian index can always be
// rebuilt from records.json (atlas::record_from_json).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atlas/error.h"
#include "atlas/index.h"
#include "schema/record.h"

namespace atlas::detail {

class Catalog {
  public:
    // Creates a new catalog at `path` (which must not exist) for a build:
    // one transaction, no journal (the generation is swapped in only when
    // complete, so a crash leaves nothing a reader sees).  Errors: io.
    static Result<Catalog> create(const std::string& path);
    // Opens an existing catalog read-only.  Errors: not_found, schema_mismatch, corrupt.
    static Result<Catalog> open_read(const std::string& path);

    Status put_record(const Record& record, const std::string& json, bool carried_over);
    Status put_issue(const IngestIssue& issue);
    Status set_meta(const std::string& key, const std::string& value);
    // Builds the indexes and commits.  Errors: io.
    Status finish();

    // The stored JSON of record `id`, or nullopt.  Errors: corrupt.
    Result<std::optional<std::string>> record_json(const std::string& id);
    // Ids of the records of `source` read from `file`, sorted.  Errors: corrupt.
    Result<std::vector<std::string>> ids_from_file(const std::string& source,
                                                   const std::string& file);
    // Ids of the records of `source` read from files under `folder` (no
    // trailing '/'; "" is the whole source), sorted.  Errors: corrupt.
    Result<std::vector<std::string>> ids_under(const std::string& source,
                                               const std::string& folder);
    Result<std::map<std::string, std::uint64_t>> count_by(const std::string& column);
    // Records per source, then per kind.  Errors: corrupt.
    Result<std::map<std::string, std::map<std::string, std::uint64_t>>> count_by_source_kind();
    Result<std::vector<IngestIssue>> issues();
    Result<std::string> meta(const std::string& key);

    Catalog(Catalog&&) noexcept;
    Catalog& operator=(Catalog&&) noexcept;
    ~Catalog();

  private:
    struct Impl;
    explicit Catalog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace atlas::detail
