// pg_engine.cpp - the PostgreSQL peer: load with COPY, and one request as SQL.
//
// Tables (docs.id is the load order, 1..n, and every other table's `doc`):
//   docs(id, rid, kind, source, browse_key, group_key, title, body, tsv)
//        tsv = title's words weighted A, body's D ('english'), GIN-indexed
//   facets(doc, field, value)   one row per distinct exact value of a record;
//        indexed (field, value, doc) and (doc, field, value), as in SQLite
//   numbers(doc, field, value)  one row per number or date value
// The statements mirror the SQLite peer's (bench/sqlite_engine.cpp) so the two
// differ only in the text matching and ranking: an exact count (and distinct
// group count), the page, and one GROUP BY per facet, all sharing one set of
// `id IN (subquery)` conditions.  User text reaches the server only as a
// parameter; the tsquery syntax around each word is quoted here.
#include "pg_engine.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cmath>
#include <optional>
#include <set>

#include "pg_server.h"
#include "schema/schema.h"
#include "sql_conditions.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDatabase = "bench";
// ts_rank weights {D, C, B, A}: the title (A) weighs 6 times the body (D), as
// atlas weighs the title field.
constexpr std::string_view kRankWeights = "'{0.1, 0.2, 0.4, 0.6}'::float4[]";

struct PgFree {
    void operator()(PGconn* c) const { PQfinish(c); }
    void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, PgFree>;
using Res = std::unique_ptr<PGresult, PgFree>;

// PQerrorMessage on one line.
std::string pg_message(PGconn* c) {
    std::string m = c != nullptr ? PQerrorMessage(c) : "out of memory";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    for (char& ch : m) {
        if (ch == '\n') ch = ' ';
    }
    return m;
}

Error pg_error(PGconn* c, std::string_view what) {
    return Error{Errc::internal, fmt::format("postgresql: {}: {}", what, pg_message(c))};
}

Result<Conn> connect(const std::string& conninfo) {
    Conn c(PQconnectdb(conninfo.c_str()));
    if (c == nullptr || PQstatus(c.get()) != CONNECTION_OK) {
        return Error{Errc::unavailable,
                     fmt::format("postgresql: cannot connect: {}", pg_message(c.get()))};
    }
    // Stop-word-only queries raise NOTICEs; libpq would print them on stderr.
    PQsetNoticeProcessor(
        c.get(), [](void*, const char*) {}, nullptr);
    return c;
}

Status check(PGconn* c, PGresult* r, std::string_view what) {
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        std::string m = r != nullptr ? PQresultErrorMessage(r) : pg_message(c);
        while (!m.empty() && m.back() == '\n') m.pop_back();
        for (char& ch : m) {
            if (ch == '\n') ch = ' ';
        }
        return Error{Errc::internal, fmt::format("postgresql: {}: {}", what, m)};
    }
    return {};
}

Status exec(PGconn* c, const std::string& sql) {
    Res r(PQexec(c, sql.c_str()));
    return check(c, r.get(), sql.substr(0, 60));
}

// Waits for the statements sent with PQsendQuery on `c`; the first error wins.
Status wait_all(PGconn* c, std::string_view what) {
    Status out;
    while (PGresult* raw = PQgetResult(c)) {
        Res r(raw);
        if (auto s = check(c, r.get(), what); !s.ok() && out.ok()) out = s;
    }
    return out;
}

// Rows for COPY ... FROM STDIN (text format), sent in chunks of about 1 MB.
class CopyIn {
  public:
    explicit CopyIn(PGconn* c) : c_(c) {}

    Status begin(const std::string& sql) {
        Res r(PQexec(c_, sql.c_str()));
        if (PQresultStatus(r.get()) != PGRES_COPY_IN) return pg_error(c_, sql.substr(0, 60));
        return {};
    }
    void text(std::string_view s) {
        separate();
        for (char ch : s) {
            switch (ch) {
                case '\\':
                    buf_ += "\\\\";
                    break;
                case '\t':
                    buf_ += "\\t";
                    break;
                case '\n':
                    buf_ += "\\n";
                    break;
                case '\r':
                    buf_ += "\\r";
                    break;
                default:
                    buf_ += ch;
            }
        }
    }
    void number(std::int64_t n) {
        separate();
        buf_ += fmt::format("{}", n);
    }
    void number(double d) {
        separate();
        buf_ += fmt::format("{}", d);  // shortest form that reads back exactly
    }
    Status end_row() {
        buf_ += '\n';
        first_ = true;
        return buf_.size() >= (1u << 20) ? send() : Status();
    }
    Status end() {
        if (auto s = send(); !s.ok()) return s;
        if (PQputCopyEnd(c_, nullptr) != 1) return pg_error(c_, "copy end");
        return wait_all(c_, "copy");
    }

  private:
    void separate() {
        if (!first_) buf_ += '\t';
        first_ = false;
    }
    Status send() {
        if (!buf_.empty() && PQputCopyData(c_, buf_.data(), static_cast<int>(buf_.size())) != 1) {
            return pg_error(c_, "copy data");
        }
        buf_.clear();
        return {};
    }

    PGconn* c_;
    std::string buf_;
    bool first_ = true;
};

// ---- request -> SQL ----------------------------------------------------------

// A statement being written, with its text parameters ($1, $2, ...).
struct Sql {
    std::string text;
    std::vector<std::string> params;

    std::string param(std::string value) {
        params.push_back(std::move(value));
        return fmt::format("${}", params.size());
    }
    std::string param(double value) { return param(fmt::format("{}", value)); }
    std::string param(std::uint32_t value) { return param(fmt::format("{}", value)); }
};

// One lexeme in to_tsquery syntax: quoted, quotes and backslashes doubled, so
// user text is never read as tsquery operators.
std::string tsquery_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out += c;
        out += c;
    }
    return out + "'";
}

// The tsquery expression for `text` with its parameter added to `sql`, or ""
// when it matches every record.
std::string tsquery(Sql& sql, const BenchText& text) {
    std::vector<std::string_view> words;
    for (const auto& w : text.words) {
        if (!w.empty()) words.push_back(w);
    }
    if (text.mode == BenchText::Mode::none || words.empty()) return {};
    std::string q;
    if (text.mode == BenchText::Mode::phrase) {
        for (auto w : words) {
            if (!q.empty()) q += ' ';
            q += w;
        }
        return fmt::format("phraseto_tsquery('english', {})", sql.param(q));
    }
    for (auto w : words) {
        if (!q.empty()) q += " & ";
        q += tsquery_quote(w);
    }
    if (text.mode == BenchText::Mode::prefix) q += ":*";
    return fmt::format("to_tsquery('english', {})", sql.param(q));
}

// The conditions `r` puts on a record id `column` (d.id, or f.doc in a facet
// query), except filters on `skip_field` (a facet's own field).  `tsq` is the
// request's tsquery expression or "".
std::vector<std::string> conditions(Sql& sql, const BenchRequest& r, const std::string& tsq,
                                    std::optional<std::string_view> skip_field,
                                    std::string_view column) {
    std::vector<std::string> where;
    if (!tsq.empty()) {
        where.push_back(
            column == "d.id"
                ? "d.tsv @@ " + tsq
                : fmt::format("{} IN (SELECT id FROM docs WHERE tsv @@ {})", column, tsq));
    }
    add_structured_conditions(sql, r, skip_field, column, "false", where);
    return where;
}

// ---- session -------------------------------------------------------------------

class PgSession : public Session {
  public:
    explicit PgSession(Conn c) : c_(std::move(c)) {}

    Result<BenchResult> run(const BenchRequest& request) override {
        try {
            return search(request);
        } catch (const std::exception& e) {
            return Error{Errc::internal, fmt::format("postgresql: {}", e.what())};
        }
    }

  private:
    Result<BenchResult> search(const BenchRequest& r) {
        BenchResult out;
        {
            Sql q;
            const std::string tsq = tsquery(q, r.text);
            const auto where = conditions(q, r, tsq, std::nullopt, "d.id");
            q.text = fmt::format("SELECT count(*){} FROM docs d{}",
                                 r.group_by_dataset ? ", count(DISTINCT d.group_key)" : "",
                                 where_clause(where));
            auto res = query(q);
            if (!res.ok()) return res.error();
            PGresult* pr = res.value().get();
            out.total = std::stoull(PQgetvalue(pr, 0, 0));
            if (r.group_by_dataset) out.group_total = std::stoull(PQgetvalue(pr, 0, 1));
        }

        {
            // The page: records (or groups, ranked by their best record) in
            // relevance order, ties and no text in browse order.
            Sql q;
            const std::string tsq = tsquery(q, r.text);
            const auto where = conditions(q, r, tsq, std::nullopt, "d.id");
            std::string order = "d.browse_key, d.rid";
            if (!tsq.empty()) {
                order = fmt::format("ts_rank({}, d.tsv, {}) DESC, {}", kRankWeights, tsq, order);
            }
            if (r.group_by_dataset) {
                q.text = fmt::format(
                    "SELECT g FROM (SELECT d.group_key AS g, row_number() OVER (ORDER BY {}) AS "
                    "pos FROM docs d{}) AS m GROUP BY g ORDER BY min(pos)",
                    order, where_clause(where));
            } else {
                q.text = fmt::format("SELECT d.rid FROM docs d{} ORDER BY {}", where_clause(where),
                                     order);
            }
            q.text += fmt::format(" LIMIT {} OFFSET {}", q.param(r.limit), q.param(r.offset));
            auto res = query(q);
            if (!res.ok()) return res.error();
            PGresult* pr = res.value().get();
            for (int i = 0, n = PQntuples(pr); i < n; ++i)
                out.ids.emplace_back(PQgetvalue(pr, i, 0));
        }

        for (const auto& facet : r.facets) {
            // Disjunctive: the facet's own filters do not narrow its counts.
            Sql q;
            const std::string field = q.param(facet.field);
            const std::string tsq = tsquery(q, r.text);
            const auto where = conditions(q, r, tsq, facet.field, "f.doc");
            q.text = fmt::format(
                "SELECT f.value, count(*) AS c FROM facets f WHERE f.field = {}{} "
                "GROUP BY f.value ORDER BY c DESC, f.value LIMIT {}",
                field, where.empty() ? std::string() : " AND " + and_all(where),
                q.param(facet.size));
            auto res = query(q);
            if (!res.ok()) return res.error();
            PGresult* pr = res.value().get();
            FacetCounts counts;
            counts.field = facet.field;
            for (int i = 0, n = PQntuples(pr); i < n; ++i) {
                counts.values.emplace_back(PQgetvalue(pr, i, 0), std::stoull(PQgetvalue(pr, i, 1)));
            }
            out.facets.push_back(std::move(counts));
        }
        return out;
    }

    Result<Res> query(const Sql& q) {
        std::vector<const char*> values;
        for (const auto& p : q.params) values.push_back(p.c_str());
        Res r(PQexecParams(c_.get(), q.text.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0));
        if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
            auto s = check(c_.get(), r.get(), "query");
            return s.ok() ? Error{Errc::internal, "postgresql: query returned no rows"} : s.error();
        }
        return r;
    }

    Conn c_;
};

// ---- engine ----------------------------------------------------------------------

class PgEngine : public Engine {
  public:
    std::string name() const override { return "postgresql"; }

    Status build(const fs::path& records_dir, const fs::path& work_dir) override {
        Status s;
        try {
            s = load(records_dir, work_dir);
        } catch (const std::exception& e) {
            s = Error{Errc::internal, fmt::format("postgresql: {}", e.what())};
        }
        if (!s.ok()) server_.reset();  // a failed build leaves no server behind
        return s;
    }

    Result<std::unique_ptr<Session>> open_session() override {
        if (server_ == nullptr || bytes_ == 0) {
            return Error{Errc::unavailable, "postgresql: open_session before build"};
        }
        auto c = connect(server_->conninfo(kDatabase));
        if (!c.ok()) return c.error();
        return std::unique_ptr<Session>(new PgSession(std::move(c).value()));
    }

    std::uint64_t index_bytes() const override { return bytes_; }

  private:
    Status load(const fs::path& records_dir, const fs::path& work_dir) {
        server_.reset();
        bytes_ = 0;
        auto started = PgServer::start(work_dir);
        if (!started.ok()) return started.error();
        server_ = std::move(started).value();
        {
            auto admin = connect(server_->conninfo("postgres"));
            if (!admin.ok()) return admin.error();
            auto s = exec(admin.value().get(),
                          fmt::format("CREATE DATABASE {} TEMPLATE template0", kDatabase));
            if (!s.ok()) return s;
        }

        // One connection per table, so the three COPYs (and later the index
        // builds) run side by side.  Each table is created in the transaction
        // that loads it: with wal_level=minimal the load then skips the WAL,
        // and COPY FREEZE writes its rows frozen and all-visible, so counts
        // can use index-only scans without a VACUUM.
        std::vector<Conn> conns;
        for (int i = 0; i < 3; ++i) {
            auto c = connect(server_->conninfo(kDatabase));
            if (!c.ok()) return c.error();
            conns.push_back(std::move(c).value());
        }
        PGconn* docs_c = conns[0].get();
        PGconn* facets_c = conns[1].get();
        PGconn* numbers_c = conns[2].get();
        for (const auto& [c, sql] : {
                 std::pair{docs_c,
                           "BEGIN; CREATE TABLE docs (id integer NOT NULL, rid text NOT NULL, "
                           "kind text NOT NULL, source text NOT NULL, browse_key text NOT NULL, "
                           "group_key text NOT NULL, title text NOT NULL, body text NOT NULL, "
                           "tsv tsvector GENERATED ALWAYS AS "
                           "(setweight(to_tsvector('english', title), 'A') || "
                           "setweight(to_tsvector('english', body), 'D')) STORED)"},
                 std::pair{facets_c,
                           "BEGIN; CREATE TABLE facets (doc integer NOT NULL, "
                           "field text NOT NULL, value text NOT NULL)"},
                 std::pair{numbers_c,
                           "BEGIN; CREATE TABLE numbers (doc integer NOT NULL, "
                           "field text NOT NULL, value double precision NOT NULL)"},
             }) {
            if (auto s = exec(c, sql); !s.ok()) return s;
        }
        CopyIn docs(docs_c), facets(facets_c), numbers(numbers_c);
        for (auto [copy, sql] : {
                 std::pair{&docs,
                           "COPY docs (id, rid, kind, source, browse_key, group_key, title, "
                           "body) FROM STDIN WITH (FREEZE)"},
                 std::pair{&facets, "COPY facets FROM STDIN WITH (FREEZE)"},
                 std::pair{&numbers, "COPY numbers FROM STDIN WITH (FREEZE)"},
             }) {
            if (auto s = copy->begin(sql); !s.ok()) return s;
        }

        std::int64_t id = 0;
        std::set<std::pair<std::string_view, std::string_view>> seen;
        auto loaded = for_each_record(records_dir, [&](const BenchRecord& r) -> Status {
            ++id;
            docs.number(id);
            for (const std::string* s :
                 {&r.id, &r.kind, &r.source, &r.browse_key, &r.group_key, &r.title, &r.body}) {
                docs.text(*s);
            }
            if (auto s = docs.end_row(); !s.ok()) return s;
            seen.clear();
            for (const auto& v : r.values) {
                CopyIn& copy = v.is_number ? numbers : facets;
                if (v.is_number && !std::isfinite(v.number)) continue;
                // A record counts once per distinct exact value.
                if (!v.is_number && !seen.emplace(v.field, v.exact).second) continue;
                copy.number(id);
                copy.text(v.field);
                if (v.is_number) {
                    copy.number(v.number);
                } else {
                    copy.text(v.exact);
                }
                if (auto s = copy.end_row(); !s.ok()) return s;
            }
            return {};
        });
        if (!loaded.ok()) return loaded;
        for (CopyIn* copy : {&docs, &facets, &numbers}) {
            if (auto s = copy->end(); !s.ok()) return s;
        }

        // Indexes, one table per connection in parallel, then ANALYZE.
        // facets and numbers keep every field in one (field, value) column
        // pair; the default statistics take the two as independent and
        // misjudge a pair's rows by 100x (at 10^5 records that turned a range
        // filter into a 12 s nested loop).  Multivariate statistics on the
        // pair, what a DBA would add to such a table, fix the estimates.
        const std::vector<std::vector<std::pair<PGconn*, std::string>>> phases = {
            {{docs_c,
              "ALTER TABLE docs ADD PRIMARY KEY (id); "
              "CREATE UNIQUE INDEX docs_rid ON docs (rid); "
              "CREATE INDEX docs_browse ON docs (browse_key, rid, group_key); "
              "CREATE INDEX docs_tsv ON docs USING gin (tsv); COMMIT"},
             {facets_c,
              "CREATE INDEX facets_fvd ON facets (field, value, doc); "
              "CREATE INDEX facets_dfv ON facets (doc, field, value); "
              "CREATE STATISTICS facets_fv (mcv, ndistinct) ON field, value FROM facets; "
              "ALTER STATISTICS facets_fv SET STATISTICS 1000; COMMIT"},
             {numbers_c,
              "CREATE INDEX numbers_fvd ON numbers (field, value, doc); "
              "CREATE STATISTICS numbers_fv (mcv, ndistinct) ON field, value FROM numbers; "
              "ALTER STATISTICS numbers_fv SET STATISTICS 1000; COMMIT"}},
            {{docs_c, "ANALYZE docs"},
             {facets_c, "ANALYZE facets"},
             {numbers_c, "ANALYZE numbers"}},
        };
        for (const auto& phase : phases) {
            for (const auto& [c, sql] : phase) {
                if (PQsendQuery(c, sql.c_str()) != 1) return pg_error(c, sql.substr(0, 60));
            }
            for (const auto& [c, sql] : phase) {
                if (auto s = wait_all(c, sql.substr(0, 60)); !s.ok()) return s;
            }
        }

        Res size(PQexec(docs_c, fmt::format("SELECT pg_database_size('{}')", kDatabase).c_str()));
        if (auto s = check(docs_c, size.get(), "pg_database_size"); !s.ok()) return s;
        bytes_ = std::stoull(PQgetvalue(size.get(), 0, 0));
        return {};
    }

    std::unique_ptr<PgServer> server_;
    std::uint64_t bytes_ = 0;  // 0 until build() succeeds
};

}  // namespace

std::unique_ptr<Engine> make_pg_engine() { return std::make_unique<PgEngine>(); }

}  // namespace atlas::bench
