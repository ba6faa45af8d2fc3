// sqlite_engine.cpp - the SQLite FTS5 peer: load, and one request as SQL.
//
// Tables (docs.id is the load order, 1..n, and every other table's `doc`):
//   docs(id, rid, kind, source, browse_key, group_key, title, body)
//        (the short columns first: reading them never walks the body's overflow pages)
//   fts      FTS5 over docs(title, body), external content, porter stemmer
//   facets(doc, field, value)   one row per distinct exact value of a record;
//        indexed (field, value, doc) for filters and (doc, field, value) for
//        facet counts, both covering, so neither reads the table
//   numbers(doc, field, value)  one row per number or date value
// A request becomes 2 + facets statements: the exact count (and the distinct
// group count), the page, and one GROUP BY per facet.  Every filter, range,
// kind and text is an `id IN (subquery)` condition (on d.id, or directly on
// f.doc in a facet query), so the count, the page and the facets share one set
// of conditions and cannot disagree.
#include "sqlite_engine.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>
#include <variant>

#include "schema/schema.h"
#include "sql_conditions.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDbFile = "sqlite-fts5.db";
// bm25 column weights: title 6, body 1, as atlas weighs the title field.
constexpr std::string_view kScore = "bm25(fts, 6.0, 1.0)";

Error sqlite_error(sqlite3* db, std::string_view what) {
    return Error{Errc::internal,
                 fmt::format("sqlite: {}: {}", what, db != nullptr ? sqlite3_errmsg(db) : "no db")};
}

Status exec(sqlite3* db, const std::string& sql) {
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        return sqlite_error(db, sql.substr(0, 60));
    }
    return {};
}

struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, Closer>;
using Stmt = std::unique_ptr<sqlite3_stmt, Closer>;

// ---- request -> SQL ----------------------------------------------------------

// A statement being written, with its numbered parameters (?1, ?2, ...).
struct Sql {
    std::string text;
    std::vector<std::variant<std::string, double, std::int64_t>> params;

    template <class T>
    std::string param(T value) {
        params.emplace_back(std::move(value));
        return fmt::format("?{}", params.size());
    }
};

// One quoted FTS5 string: the tokenizer splits and stems what is inside.
std::string fts_quote(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// The FTS5 query for `text` (words ANDed, a phrase, or a prefix on the last
// word), or "" when it matches every record.
std::string fts_match(const BenchText& text) {
    std::vector<std::string_view> words;
    for (const auto& w : text.words) {
        if (!w.empty()) words.push_back(w);
    }
    if (text.mode == BenchText::Mode::none || words.empty()) return {};
    std::string out;
    if (text.mode == BenchText::Mode::phrase) {
        std::string joined;
        for (auto w : words) {
            if (!joined.empty()) joined += ' ';
            joined += w;
        }
        return fts_quote(joined);
    }
    for (auto w : words) {
        if (!out.empty()) out += ' ';
        out += fts_quote(w);
    }
    if (text.mode == BenchText::Mode::prefix) out += '*';
    return out;
}

// The conditions `r` puts on a record id `column` (d.id, or f.doc in a facet
// query), except filters on `skip_field` (a facet's own field) and, when
// `text` is false, the text (the page query joins fts itself).
std::vector<std::string> conditions(Sql& sql, const BenchRequest& r, const std::string& match,
                                    std::optional<std::string_view> skip_field, bool text,
                                    std::string_view column) {
    std::vector<std::string> where;
    if (text && !match.empty()) {
        where.push_back(fmt::format("{} IN (SELECT rowid FROM fts WHERE fts MATCH {})", column,
                                    sql.param(match)));
    }
    add_structured_conditions(sql, r, skip_field, column, "0", where);
    return where;
}

// ---- session -------------------------------------------------------------------

class SqliteSession : public Session {
  public:
    explicit SqliteSession(Db db) : db_(std::move(db)) {}

    Result<BenchResult> run(const BenchRequest& request) override {
        try {
            return search(request);
        } catch (const std::exception& e) {
            return Error{Errc::internal, fmt::format("sqlite: {}", e.what())};
        }
    }

  private:
    Result<BenchResult> search(const BenchRequest& r) {
        const std::string match = fts_match(r.text);
        BenchResult out;

        {
            Sql q;
            const auto where = conditions(q, r, match, std::nullopt, true, "d.id");
            q.text = fmt::format("SELECT count(*){} FROM docs d{}",
                                 r.group_by_dataset ? ", count(DISTINCT d.group_key)" : "",
                                 where_clause(where));
            auto s = query(q, [&](sqlite3_stmt* st) {
                out.total = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
                if (r.group_by_dataset) {
                    out.group_total = static_cast<std::uint64_t>(sqlite3_column_int64(st, 1));
                }
            });
            if (!s.ok()) return s.error();
        }

        {
            // The page: records (or groups, ranked by their best record) in
            // relevance order, ties and no text in browse order.
            Sql q;
            std::string from = "docs d";
            std::string order = "d.browse_key, d.rid";
            auto where = conditions(q, r, match, std::nullopt, false, "d.id");
            if (!match.empty()) {
                from = "fts JOIN docs d ON d.id = fts.rowid";
                where.insert(where.begin(), "fts MATCH " + q.param(match));
                order = fmt::format("{}, {}", kScore, order);
            }
            if (r.group_by_dataset) {
                q.text = fmt::format(
                    "SELECT g FROM (SELECT d.group_key AS g, row_number() OVER (ORDER BY {}) AS "
                    "pos FROM {}{}) GROUP BY g ORDER BY min(pos)",
                    order, from, where_clause(where));
            } else {
                q.text = fmt::format("SELECT d.rid FROM {}{} ORDER BY {}", from,
                                     where_clause(where), order);
            }
            q.text += fmt::format(" LIMIT {} OFFSET {}", q.param(std::int64_t{r.limit}),
                                  q.param(std::int64_t{r.offset}));
            auto s = query(q, [&](sqlite3_stmt* st) { out.ids.push_back(column_text(st, 0)); });
            if (!s.ok()) return s.error();
        }

        for (const auto& facet : r.facets) {
            // Disjunctive: the facet's own filters do not narrow its counts.
            Sql q;
            const std::string field = q.param(facet.field);
            const auto where = conditions(q, r, match, facet.field, true, "f.doc");
            q.text = fmt::format(
                "SELECT f.value, count(*) AS c FROM facets f WHERE f.field = {}{} "
                "GROUP BY f.value ORDER BY c DESC, f.value LIMIT {}",
                field, where.empty() ? std::string() : " AND " + and_all(where),
                q.param(std::int64_t{facet.size}));
            FacetCounts counts;
            counts.field = facet.field;
            auto s = query(q, [&](sqlite3_stmt* st) {
                counts.values.emplace_back(column_text(st, 0),
                                           static_cast<std::uint64_t>(sqlite3_column_int64(st, 1)));
            });
            if (!s.ok()) return s.error();
            out.facets.push_back(std::move(counts));
        }
        return out;
    }

    static std::string column_text(sqlite3_stmt* st, int col) {
        const auto* p = sqlite3_column_text(st, col);
        return p != nullptr ? std::string(reinterpret_cast<const char*>(p),
                                          static_cast<std::size_t>(sqlite3_column_bytes(st, col)))
                            : std::string();
    }

    // Runs `q` (prepared once per distinct text and kept), calling `row` for each row.
    template <class F>
    Status query(const Sql& q, F&& row) {
        sqlite3_stmt* st = nullptr;
        if (auto it = cache_.find(q.text); it != cache_.end()) {
            st = it->second.get();
        } else {
            if (cache_.size() >= kMaxCached) cache_.clear();
            if (sqlite3_prepare_v3(db_.get(), q.text.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st,
                                   nullptr) != SQLITE_OK) {
                return sqlite_error(db_.get(), "prepare");
            }
            cache_.emplace(q.text, Stmt(st));
        }
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        for (std::size_t i = 0; i < q.params.size(); ++i) {
            const int n = static_cast<int>(i + 1);
            const auto& p = q.params[i];
            int rc = SQLITE_OK;
            if (const auto* s = std::get_if<std::string>(&p)) {
                rc = sqlite3_bind_text(st, n, s->data(), static_cast<int>(s->size()),
                                       SQLITE_TRANSIENT);
            } else if (const auto* d = std::get_if<double>(&p)) {
                rc = sqlite3_bind_double(st, n, *d);
            } else {
                rc = sqlite3_bind_int64(st, n, std::get<std::int64_t>(p));
            }
            if (rc != SQLITE_OK) return sqlite_error(db_.get(), "bind");
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
        if (rc != SQLITE_DONE) {
            Error e = sqlite_error(db_.get(), "query");
            sqlite3_reset(st);
            return e;
        }
        sqlite3_reset(st);
        return {};
    }

    static constexpr std::size_t kMaxCached = 256;
    Db db_;
    std::unordered_map<std::string, Stmt> cache_;  // finalized before db_ closes
};

// ---- engine ----------------------------------------------------------------------

class SqliteEngine : public Engine {
  public:
    std::string name() const override { return "sqlite-fts5"; }

    Status build(const fs::path& records_dir, const fs::path& work_dir) override {
        try {
            return load(records_dir, work_dir);
        } catch (const std::exception& e) {
            return Error{Errc::internal, fmt::format("sqlite: {}", e.what())};
        }
    }

    Result<std::unique_ptr<Session>> open_session() override {
        if (path_.empty()) return Error{Errc::unavailable, "sqlite: open_session before build"};
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(path_.c_str(), &raw,
                                       SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
        Db db(raw);
        if (rc != SQLITE_OK) return sqlite_error(db.get(), "open " + path_.string());
        // 64 MB of page cache per session (the default is 2 MB).
        if (auto s = exec(db.get(), "PRAGMA cache_size = -65536"); !s.ok()) return s.error();
        return std::unique_ptr<Session>(new SqliteSession(std::move(db)));
    }

    std::uint64_t index_bytes() const override {
        std::error_code ec;
        const auto n = fs::file_size(path_, ec);
        return ec ? 0 : n;
    }

  private:
    Status load(const fs::path& records_dir, const fs::path& work_dir) {
        std::error_code ec;
        fs::create_directories(work_dir, ec);
        const fs::path path = work_dir / kDbFile;
        fs::remove(path, ec);
        fs::remove(path.string() + "-journal", ec);
        path_.clear();

        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        Db db(raw);
        if (rc != SQLITE_OK) {
            return Error{Errc::io, fmt::format("sqlite: cannot create '{}': {}", path.string(),
                                               raw != nullptr ? sqlite3_errmsg(raw) : "no memory")};
        }
        // A bench load: no journal, no syncs, a large cache for the index sorts.
        for (const char* sql : {
                 "PRAGMA journal_mode = OFF",
                 "PRAGMA synchronous = OFF",
                 "PRAGMA cache_size = -262144",
                 "CREATE TABLE docs(id INTEGER PRIMARY KEY, rid TEXT NOT NULL, kind TEXT NOT NULL, "
                 "source TEXT NOT NULL, browse_key TEXT NOT NULL, group_key TEXT NOT NULL, "
                 "title TEXT NOT NULL, body TEXT NOT NULL)",
                 "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs', "
                 "content_rowid='id', tokenize='porter unicode61')",
                 "CREATE TABLE facets(doc INTEGER NOT NULL, field TEXT NOT NULL, "
                 "value TEXT NOT NULL)",
                 "CREATE TABLE numbers(doc INTEGER NOT NULL, field TEXT NOT NULL, "
                 "value REAL NOT NULL)",
                 "BEGIN",
             }) {
            if (auto s = exec(db.get(), sql); !s.ok()) return s;
        }

        auto prepare = [&](const char* sql, Stmt& out) {
            sqlite3_stmt* st = nullptr;
            const int prc = sqlite3_prepare_v2(db.get(), sql, -1, &st, nullptr);
            out.reset(st);
            return prc == SQLITE_OK;
        };
        Stmt doc, facet, number;
        if (!prepare("INSERT INTO docs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", doc) ||
            !prepare("INSERT INTO facets VALUES (?1, ?2, ?3)", facet) ||
            !prepare("INSERT INTO numbers VALUES (?1, ?2, ?3)", number)) {
            return sqlite_error(db.get(), "prepare insert");
        }
        auto text = [](sqlite3_stmt* st, int n, const std::string& s) {
            sqlite3_bind_text(st, n, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
        };
        auto step = [&](sqlite3_stmt* st) {
            const int src = sqlite3_step(st);
            sqlite3_reset(st);
            return src == SQLITE_DONE;
        };

        std::int64_t id = 0;
        std::set<std::pair<std::string_view, std::string_view>> seen;
        auto loaded = for_each_record(records_dir, [&](const BenchRecord& r) -> Status {
            ++id;
            sqlite3_bind_int64(doc.get(), 1, id);
            text(doc.get(), 2, r.id);
            text(doc.get(), 3, r.kind);
            text(doc.get(), 4, r.source);
            text(doc.get(), 5, r.browse_key);
            text(doc.get(), 6, r.group_key);
            text(doc.get(), 7, r.title);
            text(doc.get(), 8, r.body);
            if (!step(doc.get())) return sqlite_error(db.get(), "insert " + r.id);
            seen.clear();
            for (const auto& v : r.values) {
                sqlite3_stmt* st = v.is_number ? number.get() : facet.get();
                if (v.is_number) {
                    if (!std::isfinite(v.number)) continue;
                    sqlite3_bind_double(st, 3, v.number);
                } else {
                    // A record counts once per distinct exact value.
                    if (!seen.emplace(v.field, v.exact).second) continue;
                    text(st, 3, v.exact);
                }
                sqlite3_bind_int64(st, 1, id);
                text(st, 2, v.field);
                if (!step(st)) return sqlite_error(db.get(), "insert value of " + r.id);
            }
            return {};
        });
        if (!loaded.ok()) return loaded;
        doc.reset();
        facet.reset();
        number.reset();

        for (const char* sql : {
                 "INSERT INTO fts(fts) VALUES ('rebuild')",
                 "CREATE UNIQUE INDEX docs_rid ON docs(rid)",
                 "CREATE INDEX docs_browse ON docs(browse_key, rid, group_key)",
                 "CREATE INDEX facets_fvd ON facets(field, value, doc)",
                 "CREATE INDEX facets_dfv ON facets(doc, field, value)",
                 "CREATE INDEX numbers_fvd ON numbers(field, value, doc)",
                 "COMMIT",
                 "ANALYZE",
             }) {
            if (auto s = exec(db.get(), sql); !s.ok()) return s;
        }
        db.reset();
        path_ = path;
        return {};
    }

    fs::path path_;  // the built database; empty until build() succeeds
};

}  // namespace

std::unique_ptr<Engine> make_sqlite_engine() { return std::make_unique<SqliteEngine>(); }

}  // namespace atlas::bench
