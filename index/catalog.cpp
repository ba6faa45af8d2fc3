// catalog.cpp - SQLite statements for the catalog.
#include "catalog.h"

#include <functional>

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstring>
#include <filesystem>

#include "schema/compression.h"
#include "schema/schema.h"

namespace atlas::detail {
namespace {

Error sql_error(sqlite3* db, std::string_view what, Errc code = Errc::io) {
    if (db == nullptr) return Error{code, fmt::format("catalog: {}: out of memory", what)};
    // An I/O error says which: "disk I/O error (File too large)".
    int os_error = sqlite3_system_errno(db);
    std::string cause = os_error != 0 && (sqlite3_extended_errcode(db) & 0xff) == SQLITE_IOERR
                            ? fmt::format(" ({})", std::strerror(os_error))
                            : "";
    return Error{code, fmt::format("catalog: {}: {}{}", what, sqlite3_errmsg(db), cause)};
}

constexpr const char* kCreate = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records(
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT,
    title TEXT NOT NULL,
    file TEXT NOT NULL,
    hash TEXT NOT NULL,
    carried_over INTEGER NOT NULL,
    record BLOB NOT NULL,
    docid INTEGER NOT NULL
);
CREATE TABLE dictionary(bytes BLOB NOT NULL);
CREATE TABLE edges(
    child TEXT NOT NULL,
    parent TEXT NOT NULL,
    relation TEXT NOT NULL,
    PRIMARY KEY(child, relation, parent)
) WITHOUT ROWID;
CREATE TABLE ingest_report(
    seq INTEGER PRIMARY KEY,
    severity TEXT NOT NULL,
    source TEXT NOT NULL,
    file TEXT NOT NULL,
    record TEXT NOT NULL,
    field TEXT NOT NULL,
    message TEXT NOT NULL,
    carried_over INTEGER NOT NULL
);
)sql";

constexpr const char* kIndexes = R"sql(
CREATE INDEX IF NOT EXISTS records_by_kind ON records(source, kind);
CREATE INDEX IF NOT EXISTS edges_by_parent ON edges(parent, relation);
)sql";

class Statement {
  public:
    Statement() = default;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(stmt_); }

    bool prepare(sqlite3* db, const char* sql) {
        return sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK;
    }
    sqlite3_stmt* get() const { return stmt_; }
    void text(int i, const std::string& s) {
        sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    void integer(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    // Runs a statement that returns no rows and resets it.
    bool run() {
        int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        return rc == SQLITE_DONE;
    }

  private:
    sqlite3_stmt* stmt_ = nullptr;
};

std::string column_text(sqlite3_stmt* s, int i) {
    const auto* p = sqlite3_column_text(s, i);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
}

std::string_view column_blob(sqlite3_stmt* s, int i) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
    return p == nullptr ? std::string_view()
                        : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
}

// The catalog's compression dictionary.  Errors: corrupt (no table, no row).
Result<std::string> read_dictionary(sqlite3* db) {
    Statement s;
    if (!s.prepare(db, "SELECT bytes FROM dictionary") || sqlite3_step(s.get()) != SQLITE_ROW) {
        return sql_error(db, "cannot read the records' dictionary", Errc::corrupt);
    }
    return std::string(column_blob(s.get(), 0));
}

// record_json(blob): the JSON of a stored record, NULL when it is damaged.
void record_json_function(sqlite3_context* context, int, sqlite3_value** args) {
    const auto* decompressor = static_cast<const Decompressor*>(sqlite3_user_data(context));
    const auto* p = static_cast<const char*>(sqlite3_value_blob(args[0]));
    auto n = static_cast<std::size_t>(sqlite3_value_bytes(args[0]));
    auto json = decompressor->decompress(std::string_view(p == nullptr ? "" : p, n));
    if (!json) {
        sqlite3_result_null(context);
        return;
    }
    sqlite3_result_text(context, json->data(), static_cast<int>(json->size()), SQLITE_TRANSIENT);
}

}  // namespace

Status add_record_json_function(sqlite3* db) {
    auto dictionary = read_dictionary(db);
    if (!dictionary.ok()) return dictionary.error();
    auto* decompressor = new Decompressor(dictionary.value());
    if (!decompressor->ok()) {
        delete decompressor;
        return Error{Errc::corrupt, "catalog: the records' dictionary is damaged"};
    }
    int rc = sqlite3_create_function_v2(
        db, "record_json", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, decompressor,
        record_json_function, nullptr, nullptr,
        [](void* p) { delete static_cast<Decompressor*>(p); });
    if (rc != SQLITE_OK) return sql_error(db, "cannot add record_json()", Errc::internal);
    return {};
}

// A record row, held until the dictionary its JSON is compressed with is trained.
struct HeldRow {
    std::string id, source, kind, parent, title, file, json;
    bool carried_over = false;
    std::uint32_t docid = 0;
};

struct Catalog::Impl {
    sqlite3* db = nullptr;
    std::vector<HeldRow> held;              // the first kTrainingRecords records
    std::unique_ptr<Compressor> compressor;  // once trained
    std::unique_ptr<Decompressor> decompressor;  // reading: once asked for a record
    Statement insert_record;
    Statement insert_edge;
    Statement insert_issue;
    Statement insert_meta;
    Statement delete_record;  // an update's
    Statement delete_edges;

    // close_v2 defers the close until the statements (members, destroyed after
    // this body) are finalized.
    ~Impl() { sqlite3_close_v2(db); }

    bool exec(const char* sql) {
        return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    }

    bool prepare() {
        return insert_record.prepare(db,
                                     "INSERT INTO records(id, source, kind, parent, title, file, "
                                     "hash, carried_over, record, docid) "
                                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)") &&
               insert_edge.prepare(
                   db, "INSERT OR IGNORE INTO edges(child, parent, relation) VALUES(?1, ?2, ?3)") &&
               insert_issue.prepare(db,
                                    "INSERT INTO ingest_report(severity, source, file, record, "
                                    "field, message, carried_over) "
                                    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)") &&
               insert_meta.prepare(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)") &&
               delete_record.prepare(db, "DELETE FROM records WHERE id = ?1") &&
               delete_edges.prepare(db, "DELETE FROM edges WHERE child = ?1");
    }
};

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;
Catalog::~Catalog() = default;

Result<Catalog> Catalog::create(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    if (sqlite3_open_v2(path.c_str(), &impl->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        return sql_error(impl->db, fmt::format("cannot create '{}'", path));
    }
    std::string setup = fmt::format(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA user_version={};"
        "BEGIN;",
        kSchemaVersion);
    if (!impl->exec(setup.c_str()) || !impl->exec(kCreate)) {
        return sql_error(impl->db, "cannot create tables");
    }
    if (!impl->prepare()) return sql_error(impl->db, "cannot prepare statements");
    return Catalog(std::move(impl));
}

Result<Catalog> Catalog::open_update(const std::string& path) {
    {  // the version, the tables, the dictionary; closed before it is opened for writing
        auto checked = open_read(path);
        if (!checked.ok()) return checked.error();
    }
    auto impl = std::make_unique<Impl>();
    if (sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        return sql_error(impl->db, fmt::format("cannot open '{}'", path));
    }
    // The ingest report is this build's, as a full build's would be.
    if (!impl->exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
                    "DELETE FROM ingest_report;")) {
        return sql_error(impl->db, fmt::format("cannot update '{}'", path));
    }
    if (!impl->prepare()) return sql_error(impl->db, "cannot prepare statements");
    auto dictionary = read_dictionary(impl->db);
    if (!dictionary.ok()) return dictionary.error();
    impl->compressor = std::make_unique<Compressor>(dictionary.value());
    return Catalog(std::move(impl));
}

Status Catalog::each_record(const std::function<void(const StoredRecord&)>& visit) {
    Statement s;
    if (!s.prepare(impl_->db, "SELECT id, docid, hash, carried_over FROM records")) {
        return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    }
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        visit(StoredRecord{column_text(s.get(), 0),
                           static_cast<std::uint32_t>(sqlite3_column_int64(s.get(), 1)),
                           column_text(s.get(), 2), sqlite3_column_int(s.get(), 3) != 0});
    }
    if (rc != SQLITE_DONE) return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    return {};
}

Status Catalog::remove_record(const std::string& id) {
    impl_->delete_record.text(1, id);
    impl_->delete_edges.text(1, id);
    if (!impl_->delete_record.run() || !impl_->delete_edges.run()) {
        return sql_error(impl_->db, fmt::format("cannot remove record '{}'", id));
    }
    return {};
}

Result<Catalog> Catalog::open_read(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return Error{Errc::not_found, fmt::format("catalog '{}' does not exist", path)};
    }
    auto impl = std::make_unique<Impl>();
    if (sqlite3_open_v2(path.c_str(), &impl->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        return sql_error(impl->db, fmt::format("cannot open '{}'", path), Errc::corrupt);
    }
    Statement version;
    if (!version.prepare(impl->db, "PRAGMA user_version") ||
        sqlite3_step(version.get()) != SQLITE_ROW) {
        return sql_error(impl->db, fmt::format("'{}' is not a catalog", path), Errc::corrupt);
    }
    int v = sqlite3_column_int(version.get(), 0);
    // An empty or foreign SQLite file reads as version 0: that is damage, not
    // an older schema.
    Statement tables;
    if (!tables.prepare(impl->db,
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                        "('records', 'meta', 'edges', 'ingest_report')") ||
        sqlite3_step(tables.get()) != SQLITE_ROW || sqlite3_column_int(tables.get(), 0) != 4) {
        return Error{Errc::corrupt, fmt::format("'{}' is not an atlas catalog", path)};
    }
    if (v != kSchemaVersion) {
        return Error{Errc::schema_mismatch,
                     fmt::format("catalog '{}' has schema version {}, this build reads version "
                                 "{}; rebuild it with atlas-index build",
                                 path, v, kSchemaVersion)};
    }
    // Without its dictionary no record can be read: damage, found now rather
    // than as one warning per record kept.
    auto dictionary = read_dictionary(impl->db);
    if (!dictionary.ok()) {
        return Error{Errc::corrupt, fmt::format("catalog '{}': {}", path, dictionary.error().message)};
    }
    return Catalog(std::move(impl));
}

Status Catalog::put_record(const Record& record, const std::string& json, bool carried_over,
                           std::uint32_t docid) {
    HeldRow row{record.id, record.source, record.kind, record.parent, record.title, record.file,
                json, carried_over, docid};
    if (impl_->compressor != nullptr) return insert(row);
    impl_->held.push_back(std::move(row));
    if (impl_->held.size() < kTrainingRecords) return {};
    return start_compressing();
}

// Trains the dictionary on the records held, stores it, and inserts them.
Status Catalog::start_compressing() {
    std::vector<std::string> samples;
    for (const auto& row : impl_->held) samples.push_back(row.json);
    std::string dictionary = train_dictionary(samples);
    Statement s;
    if (!s.prepare(impl_->db, "INSERT INTO dictionary(bytes) VALUES(?1)")) {
        return sql_error(impl_->db, "cannot store the dictionary");
    }
    sqlite3_bind_blob(s.get(), 1, dictionary.data(), static_cast<int>(dictionary.size()),
                      SQLITE_TRANSIENT);
    if (!s.run()) return sql_error(impl_->db, "cannot store the dictionary");
    impl_->compressor = std::make_unique<Compressor>(dictionary);
    std::vector<HeldRow> held = std::move(impl_->held);
    impl_->held.clear();
    for (const auto& row : held) {
        if (auto status = insert(row); !status.ok()) return status;
    }
    return {};
}

Status Catalog::insert(const HeldRow& row) {
    auto& s = impl_->insert_record;
    s.text(1, row.id);
    s.text(2, row.source);
    s.text(3, row.kind);
    if (row.parent.empty()) {
        sqlite3_bind_null(s.get(), 4);
    } else {
        s.text(4, row.parent);
    }
    s.text(5, row.title);
    s.text(6, row.file);
    s.text(7, content_hash(row.json));
    s.integer(8, row.carried_over ? 1 : 0);
    std::string frame = impl_->compressor->compress(row.json);
    sqlite3_bind_blob(s.get(), 9, frame.data(), static_cast<int>(frame.size()), SQLITE_TRANSIENT);
    s.integer(10, row.docid);
    if (!s.run()) return sql_error(impl_->db, fmt::format("cannot store record '{}'", row.id));
    if (!row.parent.empty()) {
        auto& e = impl_->insert_edge;
        e.text(1, row.id);
        e.text(2, row.parent);
        e.text(3, "parent");
        if (!e.run()) return sql_error(impl_->db, fmt::format("cannot store edge of '{}'", row.id));
    }
    return {};
}

Status Catalog::put_issue(const IngestIssue& issue) {
    auto& s = impl_->insert_issue;
    s.text(1, issue.severity == Severity::error ? "error" : "warning");
    s.text(2, issue.source);
    s.text(3, issue.file);
    s.text(4, issue.record);
    s.text(5, issue.field);
    s.text(6, issue.message);
    s.integer(7, issue.carried_over ? 1 : 0);
    if (!s.run()) return sql_error(impl_->db, "cannot store an ingest issue");
    return {};
}

Status Catalog::set_meta(const std::string& key, const std::string& value) {
    auto& s = impl_->insert_meta;
    s.text(1, key);
    s.text(2, value);
    if (!s.run()) return sql_error(impl_->db, fmt::format("cannot store meta '{}'", key));
    return {};
}

Status Catalog::finish() {
    if (impl_->compressor == nullptr) {
        if (auto status = start_compressing(); !status.ok()) return status;
    }
    if (!impl_->exec(kIndexes) || !impl_->exec("COMMIT")) {
        return sql_error(impl_->db, "cannot commit");
    }
    return {};
}

Result<std::optional<std::string>> Catalog::record_json(const std::string& id) {
    if (impl_->decompressor == nullptr) {
        auto dictionary = read_dictionary(impl_->db);
        if (!dictionary.ok()) return dictionary.error();
        impl_->decompressor = std::make_unique<Decompressor>(dictionary.value());
        if (!impl_->decompressor->ok()) {
            impl_->decompressor.reset();
            return Error{Errc::corrupt, "catalog: the records' dictionary is damaged"};
        }
    }
    Statement s;
    if (!s.prepare(impl_->db, "SELECT record FROM records WHERE id = ?1")) {
        return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    }
    s.text(1, id);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    if (rc != SQLITE_ROW) return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    auto json = impl_->decompressor->decompress(column_blob(s.get(), 0));
    if (!json) {
        return Error{Errc::corrupt, fmt::format("catalog: record '{}' is damaged", id)};
    }
    return std::optional<std::string>(std::move(*json));
}

Result<std::vector<std::string>> Catalog::ids_from_file(const std::string& source,
                                                        const std::string& file) {
    Statement s;
    if (!s.prepare(impl_->db, "SELECT id FROM records WHERE source = ?1 AND file = ?2 ORDER BY id")) {
        return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    }
    s.text(1, source);
    s.text(2, file);
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(column_text(s.get(), 0));
    if (rc != SQLITE_DONE) return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    return out;
}

Result<std::vector<std::string>> Catalog::ids_under(const std::string& source,
                                                    const std::string& folder) {
    // A byte range, not LIKE or GLOB: folder names may hold '%', '_' or '*'.
    // Every file under "a/b" sorts in ["a/b/", "a/b0"): '0' follows '/'.
    Statement s;
    if (!s.prepare(impl_->db, "SELECT id FROM records WHERE source = ?1 AND file >= ?2 AND "
                              "(?3 = '' OR file < ?3) ORDER BY id")) {
        return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    }
    s.text(1, source);
    s.text(2, folder.empty() ? "" : folder + "/");
    s.text(3, folder.empty() ? "" : folder + "0");
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(column_text(s.get(), 0));
    if (rc != SQLITE_DONE) return sql_error(impl_->db, "cannot read records", Errc::corrupt);
    return out;
}

Result<std::map<std::string, std::uint64_t>> Catalog::count_by(const std::string& column) {
    if (column != "kind" && column != "source") {
        return Error{Errc::internal, fmt::format("cannot count by '{}'", column)};
    }
    Statement s;
    std::string sql = fmt::format("SELECT {0}, count(*) FROM records GROUP BY {0}", column);
    if (!s.prepare(impl_->db, sql.c_str())) {
        return sql_error(impl_->db, "cannot count records", Errc::corrupt);
    }
    std::map<std::string, std::uint64_t> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        out[column_text(s.get(), 0)] = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 1));
    }
    if (rc != SQLITE_DONE) return sql_error(impl_->db, "cannot count records", Errc::corrupt);
    return out;
}

Result<std::map<std::string, std::map<std::string, std::uint64_t>>>
Catalog::count_by_source_kind() {
    Statement s;
    if (!s.prepare(impl_->db, "SELECT source, kind, count(*) FROM records GROUP BY source, kind")) {
        return sql_error(impl_->db, "cannot count records", Errc::corrupt);
    }
    std::map<std::string, std::map<std::string, std::uint64_t>> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        out[column_text(s.get(), 0)][column_text(s.get(), 1)] =
            static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 2));
    }
    if (rc != SQLITE_DONE) return sql_error(impl_->db, "cannot count records", Errc::corrupt);
    return out;
}

Result<std::vector<IngestIssue>> Catalog::issues() {
    Statement s;
    if (!s.prepare(impl_->db,
                   "SELECT severity, source, file, record, field, message, carried_over "
                   "FROM ingest_report ORDER BY seq")) {
        return sql_error(impl_->db, "cannot read the ingest report", Errc::corrupt);
    }
    std::vector<IngestIssue> out;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        IngestIssue i;
        i.severity = column_text(s.get(), 0) == "error" ? Severity::error : Severity::warning;
        i.source = column_text(s.get(), 1);
        i.file = column_text(s.get(), 2);
        i.record = column_text(s.get(), 3);
        i.field = column_text(s.get(), 4);
        i.message = column_text(s.get(), 5);
        i.carried_over = sqlite3_column_int(s.get(), 6) != 0;
        out.push_back(std::move(i));
    }
    if (rc != SQLITE_DONE)
        return sql_error(impl_->db, "cannot read the ingest report", Errc::corrupt);
    return out;
}

Result<std::string> Catalog::meta(const std::string& key) {
    Statement s;
    if (!s.prepare(impl_->db, "SELECT value FROM meta WHERE key = ?1")) {
        return sql_error(impl_->db, "cannot read meta", Errc::corrupt);
    }
    s.text(1, key);
    if (sqlite3_step(s.get()) == SQLITE_ROW) return column_text(s.get(), 0);
    return std::string();
}

}  // namespace atlas::detail
