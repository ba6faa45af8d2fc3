// catalog.h - the SQLite catalog: the source of truth for records of one generation.
//
// Tables:
//   meta(key, value)                     schema version, build time, sources
//   records(id, source, kind, parent, title, file, hash, carried_over, record, docid)
//                                        record: the record's JSON compressed
//                                        (schema/compression.h) with the dictionary;
//                                        hash: content_hash of the JSON; docid: its
//                                        document in the generation's Xapian shards
//                                        and column file (what an update keeps)
//   dictionary(bytes)                    one row: the records' compression dictionary
//   edges(child, parent, relation)       the hierarchy ("parent")
//   ingest_report(seq, severity, source, file, record, field, message, carried_over)
// PRAGMA user_version holds kSchemaVersion.  The Xapian index can always be
// rebuilt from the records' JSON (atlas::record_from_json); SQL reads it with
// record_json(record) once add_record_json_function is called.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atlas/error.h"
#include "atlas/index.h"
#include "schema/record.h"

struct sqlite3;

namespace atlas::detail {

struct HeldRow;

// A record as the catalog knows it, for an update to compare with.
struct StoredRecord {
    std::string id;
    std::uint32_t docid = 0;
    std::string hash;  // content_hash of its JSON
    bool carried_over = false;
};

// Adds record_json(blob) to a connection to a catalog: the JSON of a stored
// record (NULL if damaged), for SQL over the records (json_each(record_json(
// r.record), '$.fields')).  Errors: corrupt (not a catalog with a dictionary).
Status add_record_json_function(sqlite3* db);

class Catalog {
  public:
    // Creates a new catalog at `path` (which must not exist) for a build:
    // one transaction, no journal (the generation is swapped in only when
    // complete, so a crash leaves nothing a reader sees).  Errors: io.
    static Result<Catalog> create(const std::string& path);
    // Opens an existing catalog read-only.  Errors: not_found, schema_mismatch, corrupt.
    static Result<Catalog> open_read(const std::string& path);
    // Opens `path`, a copy of the current generation's catalog, for an update:
    // one transaction, no journal, records compressed with its dictionary, the
    // ingest report emptied (the update's own replaces it).  Errors: as
    // open_read, io.
    static Result<Catalog> open_update(const std::string& path);

    // Stores a record.  The first kTrainingRecords are held (and their errors
    // reported) until the dictionary is trained on them, or until finish().
    Status put_record(const Record& record, const std::string& json, bool carried_over,
                      std::uint32_t docid);
    // An update's: removes record `id` and its edges.  Errors: io.
    Status remove_record(const std::string& id);
    // Calls `visit` with every record's id, docid, hash and carried_over.
    // Errors: corrupt.
    Status each_record(const std::function<void(const StoredRecord&)>& visit);
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
    Status start_compressing();
    Status insert(const HeldRow& row);
    std::unique_ptr<Impl> impl_;
};

}  // namespace atlas::detail
