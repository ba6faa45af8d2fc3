// Tests for faceted search through atlas/search.h (query/facets.cpp, query/searcher.cpp,
// query/request_json.cpp) and `atlas-search --request`, on one index of every bundled
// sample (data/sources.json).  Every expected value comes from an oracle: SQL over the
// same generation's catalog (<index>/CURRENT/catalog.sqlite, the records' JSON).  Values
// atlas compares by their exact form are grouped in SQL through atlas_exact(), an SQL
// function over atlas::exact_value; the counting, filtering, hierarchy and ordering
// are SQL's own.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "atlas/search.h"
#include "catalog.h"
#include "schema/layout.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

using test::Ids;
using test::both;
using test::minus;

// --- the index: every bundled source, built once per process ----------------------------

const std::string& index_dir() { return test::portal_index().dir; }

Searcher& searcher() {
    static Searcher s = [] {
        auto opened = Searcher::open(index_dir());
        REQUIRE_MESSAGE(opened.ok(), opened.error().message);
        return std::move(opened).value();
    }();
    return s;
}

SearchResult run(const SearchRequest& request) {
    auto result = searcher().search(request);
    REQUIRE_MESSAGE(result.ok(), to_json(request) << ": " << result.error().message);
    return std::move(result).value();
}

// Every hit of `request`, in order, paged 1000 at a time.
std::vector<std::string> all_hit_ids(SearchRequest request) {
    std::vector<std::string> out;
    request.limit = kMaxLimit;
    request.facets.clear();
    for (request.offset = 0;; request.offset += kMaxLimit) {
        SearchResult page = run(request);
        for (const auto& h : page.hits) out.push_back(h.id);
        if (page.hits.empty() || out.size() >= page.total) break;
    }
    return out;
}

Ids id_set(const std::vector<std::string>& ids) { return Ids(ids.begin(), ids.end()); }

FacetRequest facet(std::string field, std::uint32_t size, std::string prefix = "") {
    return FacetRequest{std::move(field), size, std::move(prefix)};
}

// Where two orders part: "at 12 of 1328: <a> vs <b>", or "" if they are equal.
std::string divergence(const std::vector<std::string>& got, const std::vector<std::string>& want) {
    for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
        std::string a = i < got.size() ? got[i] : "(end)";
        std::string b = i < want.size() ? want[i] : "(end)";
        if (a != b) return fmt::format("at {} of {}: got {}, expected {}", i, want.size(), a, b);
    }
    return "";
}

// A request with only words.
SearchRequest words(const std::string& query) {
    SearchRequest r;
    r.query = query;
    return r;
}

// A facet's values as "value=count" lines.
std::string listing(const FacetResult& f) {
    std::string out;
    for (const auto& v : f.values) out += fmt::format("{}={}\n", v.value, v.count);
    return out;
}

// --- the oracle: SQL over the catalog ----------------------------------------------------

void sql_fold(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* text = sqlite3_value_text(argv[0]);
    if (text == nullptr) return sqlite3_result_null(ctx);
    std::string out = fold(reinterpret_cast<const char*>(text));
    sqlite3_result_text(ctx, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

void sql_kind_rank(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* text = sqlite3_value_text(argv[0]);
    sqlite3_result_int(ctx, text == nullptr ? 0 : kind_rank(reinterpret_cast<const char*>(text)));
}

// atlas_exact(field, text): the exact form atlas compares values of `field` by.
void sql_exact(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* field = sqlite3_value_text(argv[0]);
    const auto* text = sqlite3_value_text(argv[1]);
    const FieldSpec* spec =
        field == nullptr ? nullptr : find_field(reinterpret_cast<const char*>(field));
    if (spec == nullptr || text == nullptr) return sqlite3_result_null(ctx);
    std::string out = exact_value(*spec, reinterpret_cast<const char*>(text));
    sqlite3_result_text(ctx, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// Every value of every record, read once from the records' JSON with json_each:
// one row (id, field, text, n) per element of "fields"."<field>".  A number's
// canonical "value" is left out of the JSON when it is 0 (record.cpp), so n
// is 0 then; booleans are {"text": "true", "value": 1} or {"text": "false"}.
constexpr const char* kValuesTable =
    "CREATE TEMP TABLE vals AS SELECT r.id AS id, j.key AS field, "
    "json_extract(v.value, '$.text') AS text, coalesce(json_extract(v.value, '$.value'), 0) AS n "
    "FROM records r, json_each(record_json(r.record), '$.fields') j, json_each(j.value) v";
constexpr const char* kYesNo = "CASE WHEN v.n != 0 THEN 'yes' ELSE 'no' END";
constexpr const char* kBrowseOrder = "atlas_kind_rank(r.kind), atlas_fold(r.id)";

// A filter of a test case; numbers and dates carry their meaning as SQL over
// `n`, the canonical value (metres, seconds, days), written independently of
// atlas's unit parser.
struct Cond {
    Filter filter;
    std::string sql;
};

Cond is(std::string field, std::vector<std::string> values) {
    return {Filter{std::move(field), std::move(values), Filter::Mode::any}, ""};
}
Cond is_not(std::string field, std::vector<std::string> values) {
    return {Filter{std::move(field), std::move(values), Filter::Mode::none}, ""};
}
Cond has(std::string field) { return {Filter{std::move(field), {}, Filter::Mode::exists}, ""}; }
Cond lacks(std::string field) { return {Filter{std::move(field), {}, Filter::Mode::missing}, ""}; }
Cond range(std::string field, std::string value, std::string sql) {
    return {Filter{std::move(field), {std::move(value)}, Filter::Mode::any}, std::move(sql)};
}
Cond out_of(std::string field, std::string value, std::string sql) {
    return {Filter{std::move(field), {std::move(value)}, Filter::Mode::none}, std::move(sql)};
}

// Days since 1970-01-01 of an ISO date, in SQL.
std::string days(const std::string& iso) {
    return fmt::format("(julianday('{}') - julianday('1970-01-01'))", iso);
}

struct Child {
    std::string kind;
    std::vector<Cond> filters;
    std::vector<Child> children;
};

ChildFilter to_child_filter(const Child& c) {
    ChildFilter out;
    out.kind = c.kind;
    for (const auto& f : c.filters) out.filters.push_back(f.filter);
    for (const auto& g : c.children) out.children.push_back(to_child_filter(g));
    return out;
}

// Expected counts of one facet: value (exact form, rating or year) -> records.
struct Expected {
    std::map<std::string, std::uint64_t> counts;
    std::uint64_t missing = 0;
};

class Catalog {
  public:
    explicit Catalog(const std::string& path) {
        int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
        REQUIRE_MESSAGE(rc == SQLITE_OK, path << ": " << sqlite3_errmsg(db_));
        REQUIRE(detail::add_record_json_function(db_).ok());
        sqlite3_create_function(db_, "atlas_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                sql_fold, nullptr, nullptr);
        sqlite3_create_function(db_, "atlas_kind_rank", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                nullptr, sql_kind_rank, nullptr, nullptr);
        sqlite3_create_function(db_, "atlas_exact", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                sql_exact, nullptr, nullptr);
        // Sets of records handed to SQL (temp tables work on a read-only connection).
        exec("CREATE TEMP TABLE base(id TEXT PRIMARY KEY)");
        exec("CREATE TEMP TABLE seed(id TEXT PRIMARY KEY)");
        exec(kValuesTable);
        exec("CREATE INDEX temp.vals_by_field ON vals(field, id)");
    }
    Catalog(const Catalog&) = delete;
    Catalog& operator=(const Catalog&) = delete;
    ~Catalog() { sqlite3_close(db_); }

    // Rows of a query, each column as text (NULL as "").
    std::vector<std::vector<std::string>> rows(const std::string& sql,
                                               const std::vector<std::string>& params = {}) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
        REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << sqlite3_errmsg(db_));
        for (std::size_t i = 0; i < params.size(); ++i) {
            sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(),
                              static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
        }
        std::vector<std::vector<std::string>> out;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                const auto* t = sqlite3_column_text(stmt, c);
                row.emplace_back(t == nullptr ? "" : reinterpret_cast<const char*>(t));
            }
            out.push_back(std::move(row));
        }
        std::string error = sqlite3_errmsg(db_);
        sqlite3_finalize(stmt);
        REQUIRE_MESSAGE(rc == SQLITE_DONE, sql << ": " << error);
        return out;
    }

    std::vector<std::string> column(const std::string& sql,
                                    const std::vector<std::string>& params = {}) {
        std::vector<std::string> out;
        for (auto& row : rows(sql, params)) out.push_back(std::move(row.at(0)));
        return out;
    }

    Ids ids(const std::string& sql, const std::vector<std::string>& params = {}) {
        return id_set(column(sql, params));
    }

    std::uint64_t count(const std::string& sql, const std::vector<std::string>& params = {}) {
        return std::stoull(column(sql, params).at(0));
    }

    // Replaces the ids in temp table `table` (base or seed).
    void fill(const std::string& table, const Ids& ids) {
        exec("BEGIN");
        exec("DELETE FROM temp." + table);
        sqlite3_stmt* stmt = nullptr;
        std::string sql = "INSERT INTO temp." + table + "(id) VALUES (?1)";
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
        for (const auto& id : ids) {
            sqlite3_bind_text(stmt, 1, id.c_str(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
            REQUIRE(sqlite3_step(stmt) == SQLITE_DONE);
            sqlite3_reset(stmt);
        }
        sqlite3_finalize(stmt);
        exec("COMMIT");
    }

    // --- sets of records ---------------------------------------------------------------

    Ids all() { return ids("SELECT id FROM records"); }

    Ids of_column(const std::string& column, const std::vector<std::string>& values) {
        Ids out;
        for (const auto& v : values) {
            auto found = ids(fmt::format("SELECT id FROM records WHERE {} = ?1", column), {v});
            out.insert(found.begin(), found.end());
        }
        return out;
    }

    // Records with at least one value of `field`.
    Ids having(const std::string& field) {
        if (field == "kind" || field == "source") return all();
        return ids("SELECT DISTINCT id FROM temp.vals WHERE field = ?1", {field});
    }

    // Records meeting one filter.
    Ids matching(const Cond& c) {
        const Filter& f = c.filter;
        const FieldSpec* spec = find_field(f.field);
        REQUIRE_MESSAGE(spec != nullptr, f.field);
        switch (f.mode) {
            case Filter::Mode::exists:
                return having(f.field);
            case Filter::Mode::missing:
                return minus(all(), having(f.field));
            case Filter::Mode::any:
            case Filter::Mode::none:
                break;
        }
        Ids any;
        if (!c.sql.empty()) {
            any = ids("SELECT DISTINCT id FROM temp.vals WHERE field = ?1 AND (" + c.sql + ")",
                      {f.field});
        } else if (f.field == "kind" || f.field == "source") {
            for (const auto& value : f.values) {
                auto found =
                    ids(fmt::format("SELECT id FROM records r WHERE atlas_exact(?1, r.{}) = "
                                    "atlas_exact(?1, ?2)",
                                    f.field),
                        {f.field, value});
                any.insert(found.begin(), found.end());
            }
        } else {
            const bool boolean = spec->type == FieldType::boolean;
            for (const auto& value : f.values) {
                auto found =
                    boolean
                        ? ids(fmt::format("SELECT DISTINCT v.id FROM temp.vals v WHERE v.field = "
                                          "?1 AND {} = ?2",
                                          kYesNo),
                              {f.field, value})
                        : ids("SELECT DISTINCT v.id FROM temp.vals v WHERE v.field = ?1 AND "
                              "atlas_exact(?1, v.text) = atlas_exact(?1, ?2)",
                              {f.field, value});
                any.insert(found.begin(), found.end());
            }
        }
        return f.mode == Filter::Mode::none ? minus(all(), any) : any;
    }

    // Strict ancestors of `docs` by records.parent, through indexed records only.
    Ids ancestors(const Ids& docs) {
        fill("seed", docs);
        return ids(
            "WITH RECURSIVE up(id) AS ("
            "  SELECT r.parent FROM records r JOIN temp.seed s ON s.id = r.id"
            "    WHERE coalesce(r.parent, '') <> ''"
            "  UNION"
            "  SELECT r.parent FROM records r JOIN up ON r.id = up.id"
            "    WHERE coalesce(r.parent, '') <> '')"
            "SELECT id FROM up WHERE id IN (SELECT id FROM records)");
    }

    // Records with a descendant of c.kind meeting all of c's conditions (EXISTS).
    Ids with_child(const Child& c) {
        Ids set = of_column("kind", {c.kind});
        for (const auto& f : c.filters) set = both(set, matching(f));
        for (const auto& g : c.children) set = both(set, with_child(g));
        return ancestors(set);
    }

    // --- facets ------------------------------------------------------------------------

    // Counts of `field` over `base`: by exact form (keywords, identifiers), yes/no
    // (booleans), rating (a rated number) or year (dates).
    Expected facet(const std::string& field, const Ids& base, const std::string& prefix = "") {
        const FieldSpec* spec = find_field(field);
        REQUIRE_MESSAGE(spec != nullptr, field);
        fill("base", base);
        Expected out;
        std::string key;
        std::string from = "temp.vals v JOIN temp.base b ON b.id = v.id WHERE v.field = ?1";
        if (field == "kind" || field == "source") {
            key = fmt::format("atlas_exact(?1, v.{})", field);
            from = "records v JOIN temp.base b ON b.id = v.id WHERE ?1 = ?1";
        } else if (spec->type == FieldType::boolean) {
            key = kYesNo;
        } else if (spec->type == FieldType::date) {
            key = "substr(v.text, 1, 4)";
        } else if (spec->type == FieldType::number) {
            REQUIRE_MESSAGE(!field_scale(*spec).empty(), field << " has no rating scale");
            key = "CAST(v.n AS INTEGER)";  // the sample's ratings are whole numbers
        } else {
            key = "atlas_exact(?1, v.text)";
        }
        std::map<std::string, std::string> shown;  // exact form -> a value as written
        for (const auto& row : rows(fmt::format("SELECT {} AS k, count(DISTINCT v.id), min(v.{}) "
                                                "FROM {} GROUP BY k",
                                                key, field == "kind" || field == "source" ? field : "text",
                                                from),
                                    {field})) {
            out.counts[row.at(0)] = std::stoull(row.at(1));
            shown[row.at(0)] = row.at(2);
        }
        if (!prefix.empty()) {
            std::string p = exact_value(*spec, prefix);
            // The start of the value or of any later word in it (keys are the
            // exact forms, words run together; the shown value has the words).
            std::erase_if(out.counts, [&](const auto& kv) {
                if (kv.first.starts_with(p)) return false;
                if (spec->type == FieldType::identifier) return true;
                auto words = tokenize(shown[kv.first]);
                for (std::size_t w = 1; w < words.size(); ++w) {
                    std::string rest;
                    for (std::size_t k = w; k < words.size(); ++k) rest += words[k].term;
                    if (rest.starts_with(p)) return false;
                }
                return true;
            });
        }
        out.missing = field == "kind" || field == "source"
                          ? 0
                          : count(
                                "SELECT count(*) FROM temp.base b WHERE NOT EXISTS (SELECT 1 "
                                "FROM temp.vals v WHERE v.field = ?1 AND v.id = b.id)",
                                {field});
        return out;
    }

    // Records of `base` with a value of `field` in [lo, hi) (canonical units).
    std::uint64_t in_range(const std::string& field, const Ids& base, double lo, double hi) {
        fill("base", base);
        return count(
            fmt::format("SELECT count(DISTINCT v.id) FROM temp.vals v JOIN temp.base b ON "
                        "b.id = v.id WHERE v.field = ?1 AND v.n >= {:.17g} AND v.n < {:.17g}",
                        lo, hi),
            {field});
    }

    // --- order and groups ---------------------------------------------------------------

    // The ids of `base` in the order of `key` (ties and missing values as
    // search.h promises: by browse order, records without a value last).
    std::vector<std::string> order(const Ids& base, const SortKey& key) {
        fill("base", base);
        const char* dir = key.descending ? "DESC" : "ASC";
        if (key.field == "relevance" || key.field.empty()) {
            return column(
                fmt::format("SELECT r.id FROM records r JOIN temp.base b ON b.id = r.id "
                            "ORDER BY {}",
                            kBrowseOrder));
        }
        if (key.field == "kind") {
            return column(
                fmt::format("SELECT r.id FROM records r JOIN temp.base b ON b.id = r.id "
                            "ORDER BY atlas_kind_rank(r.kind) {}, {}",
                            dir, kBrowseOrder));
        }
        if (key.field == "title" || key.field == "id") {
            return column(
                fmt::format("SELECT r.id FROM records r JOIN temp.base b ON b.id = r.id "
                            "ORDER BY atlas_fold(r.{}) {}, {}",
                            key.field, dir, kBrowseOrder));
        }
        // A record with several values sorts by its smallest ascending, its largest descending.
        return column(
            fmt::format("SELECT r.id FROM records r JOIN temp.base b ON b.id = r.id LEFT JOIN "
                        "(SELECT id, {0}(n) AS k FROM temp.vals WHERE field = ?1 GROUP BY id) s "
                        "ON s.id = r.id ORDER BY s.k IS NULL, s.k {1}, {2}",
                        key.descending ? "max" : "min", dir, kBrowseOrder),
            {key.field});
    }

    // Record id -> the id of its dataset (the first dataset in its breadcrumb,
    // if indexed), else its own.
    std::map<std::string, std::string> groups() {
        std::map<std::string, std::string> out;
        Ids known = all();
        for (const auto& row :
             rows("SELECT r.id, (SELECT json_extract(c.value, '$.id') FROM json_each(record_json(r.record), "
                  "'$.breadcrumb') c WHERE json_extract(c.value, '$.kind') = 'dataset' ORDER BY "
                  "CAST(c.key AS INTEGER) LIMIT 1) FROM records r")) {
            const std::string& g = row.at(1);
            out[row.at(0)] = !g.empty() && known.count(g) != 0 ? g : row.at(0);
        }
        return out;
    }

  private:
    void exec(const std::string& sql) {
        char* error = nullptr;
        int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
        std::string message = error != nullptr ? error : "";
        sqlite3_free(error);
        REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << message);
    }

    sqlite3* db_ = nullptr;
};

Catalog& catalog() {
    static Catalog c((fs::path(index_dir()) / kCurrentLink / kCatalogFile).string());
    return c;
}

// --- checking one facet ---------------------------------------------------------------------

// The canonical size of one display unit of a number field without a rating scale.
double canonical_factor(const std::string& field) {
    static const std::map<std::string, double> factors{
        {"voxel_spacing", 1e-10},  // Å -> m
        {"voxel_size", 1e-6},      // µm -> m
        {"age", 365.0 * 86400.0},  // y (of 365 days, as HTAN counts) -> s
        {"run_count", 1},         {"annotation_count", 1}, {"biospecimen_count", 1},
    };
    auto it = factors.find(field);
    REQUIRE_MESSAGE(it != factors.end(), "no unit factor for " << field);
    return it->second;
}

void check_facet(const FacetResult& got, const FacetRequest& want, const Ids& base,
                 const std::string& context) {
    INFO(context << " / facet " << want.field << " prefix '" << want.prefix << "'");
    const FieldSpec* spec = find_field(want.field);
    REQUIRE(spec != nullptr);
    CHECK(got.field == want.field);
    const bool numeric = spec->type == FieldType::number || spec->type == FieldType::date;
    CHECK(got.numeric == numeric);
    Catalog& db = catalog();

    if (numeric && spec->type == FieldType::number && field_scale(*spec).empty()) {
        // Round-number buckets: each bucket holds the records with a value in it.
        const double f = canonical_factor(want.field);
        std::uint64_t counted = 0;
        for (const auto& v : got.values) {
            INFO("bucket " << v.value << " [" << v.lo << ", " << v.hi << ")");
            CHECK(v.count == db.in_range(want.field, base, v.lo * f, v.hi * f));
            CHECK(v.count > 0);
            counted += v.count > 0 ? 1 : 0;
        }
        CHECK(got.distinct == counted);
        CHECK(got.other == 0);
        Ids present = both(base, db.having(want.field));
        CHECK(got.values.empty() == present.empty());
        CHECK(got.missing == base.size() - present.size());
        if (!got.values.empty()) {
            // The buckets cover every value of the base.
            CHECK(db.in_range(want.field, base, got.values.front().lo * f,
                              got.values.back().hi * f) == present.size());
        }
        return;
    }

    Expected expected = db.facet(want.field, base, want.prefix);
    CHECK(got.missing == expected.missing);
    CHECK(got.distinct == expected.counts.size());
    if (numeric) {
        // Ratings and years: every non-empty bucket, in bucket order.
        std::map<std::string, std::uint64_t> shown;
        for (const auto& v : got.values) shown[v.value] = v.count;
        CHECK(shown == expected.counts);
        CHECK(got.other == 0);
        for (std::size_t i = 1; i < got.values.size(); ++i) {
            CHECK(got.values[i - 1].lo < got.values[i].lo);
        }
        for (const auto& v : got.values) {
            CHECK(v.label == std::string(scale_label(*spec, v.lo)));
        }
        return;
    }
    std::uint64_t sum_expected = 0;
    for (const auto& [value, n] : expected.counts) sum_expected += n;
    std::uint64_t sum_shown = 0;
    std::set<std::string> shown;
    for (const auto& v : got.values) {
        std::string exact =
            spec->type == FieldType::boolean ? v.value : exact_value(*spec, v.value);
        INFO("value " << v.value);
        CHECK(shown.insert(exact).second);
        auto it = expected.counts.find(exact);
        REQUIRE(it != expected.counts.end());
        CHECK(v.count == it->second);
        sum_shown += v.count;
    }
    CHECK(got.values.size() == std::min<std::size_t>(want.size, expected.counts.size()));
    CHECK(got.other == sum_expected - sum_shown);
    // Most frequent first; nothing left out outnumbers what is shown.
    for (std::size_t i = 1; i < got.values.size(); ++i) {
        CHECK(got.values[i - 1].count >= got.values[i].count);
    }
    if (!got.values.empty()) {
        for (const auto& [value, n] : expected.counts) {
            if (shown.count(value) == 0) CHECK(n <= got.values.back().count);
        }
    }
}

// --- one row of the facet table ----------------------------------------------------------

struct FacetCase {
    std::string what;
    std::string query;
    std::vector<std::string> kinds;
    std::vector<std::string> sources;
    std::vector<Cond> filters;
    std::vector<Child> children;
    std::vector<FacetRequest> facets;
};

SearchRequest request_of(const FacetCase& c) {
    SearchRequest r;
    r.query = c.query;
    r.kinds = c.kinds;
    r.sources = c.sources;
    for (const auto& f : c.filters) r.filters.push_back(f.filter);
    for (const auto& ch : c.children) r.has_children.push_back(to_child_filter(ch));
    r.facets = c.facets;
    r.limit = 0;
    return r;
}

// The oracle's view of a case: the matches of the query (from the searcher;
// SQL cannot rank words) and each condition's records, by field.
struct OracleCase {
    Ids text;
    Ids children;
    std::vector<std::pair<std::string, Ids>> conditions;

    // Records meeting everything but the conditions on `field`.
    Ids without(const std::string& field) const {
        Ids out = both(text, children);
        for (const auto& [f, ids] : conditions) {
            if (f != field) out = both(out, ids);
        }
        return out;
    }
    Ids matches() const { return without(std::string()); }
};

OracleCase oracle_of(const FacetCase& c) {
    Catalog& db = catalog();
    OracleCase o;
    if (c.query.empty()) {
        o.text = db.all();
    } else {
        o.text = id_set(all_hit_ids(words(c.query)));
        REQUIRE_MESSAGE(!o.text.empty(), c.query);
    }
    o.children = db.all();
    for (const auto& ch : c.children) o.children = both(o.children, db.with_child(ch));
    if (!c.kinds.empty()) o.conditions.emplace_back("kind", db.of_column("kind", c.kinds));
    if (!c.sources.empty()) o.conditions.emplace_back("source", db.of_column("source", c.sources));
    for (const auto& f : c.filters) o.conditions.emplace_back(f.filter.field, db.matching(f));
    return o;
}

void check_case(const FacetCase& c) {
    INFO("case: " << c.what);
    SearchRequest request = request_of(c);
    SearchResult result = run(request);
    OracleCase o = oracle_of(c);
    Ids matches = o.matches();
    CHECK_FALSE(matches.empty());
    CHECK(result.total == matches.size());
    CHECK(id_set(all_hit_ids(request)) == matches);
    REQUIRE(result.facets.size() == c.facets.size());
    for (std::size_t i = 0; i < c.facets.size(); ++i) {
        check_facet(result.facets[i], c.facets[i], o.without(c.facets[i].field), c.what);
    }
}

const std::string kPombe = "Schizosaccharomyces pombe 972h-";
const std::string kBdello = "Bdellovibrio bacteriovorus";

// "datasets that have a run of quality >= 4 with a ground-truth annotation of a ribosome"
Child ribosome_run() {
    return Child{"run",
                 {range("quality", ">=4", "n >= 4")},
                 {Child{"annotation",
                        {is("ground_truth", {"yes"}), is("object", {"cytosolic ribosome"})},
                        {}}}};
}

// --- helpers for groups and the CLI --------------------------------------------------------

// The JSON of a result without its timing, for comparing two runs.
rapidjson::Document comparable(const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str(), json.size());
    REQUIRE_MESSAGE(!d.HasParseError(), json.substr(0, 300));
    REQUIRE(d.IsObject());
    d.RemoveMember("took_ms");
    return d;
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

// atlas-search with `input` on standard input (test::run_tool reads /dev/null).
test::CommandResult run_search_with_stdin(const std::vector<std::string>& args,
                                          const fs::path& input) {
    test::TempDir dir;
    std::string cmd = shell_quote(test::atlas_search_bin());
    for (const auto& a : args) {
        cmd += ' ';
        cmd += shell_quote(a);
    }
    cmd += " <";
    cmd += shell_quote(input.string());
    cmd += " >";
    cmd += shell_quote((dir.path() / "out").string());
    cmd += " 2>";
    cmd += shell_quote((dir.path() / "err").string());
    int status = std::system(cmd.c_str());
    test::CommandResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = test::read_file(dir.path() / "out");
    r.err = test::read_file(dir.path() / "err");
    return r;
}

}  // namespace

// --- the tests ---------------------------------------------------------------------------------

TEST_CASE("The index of every bundled sample holds exactly the records of its catalog") {
    Catalog& db = catalog();
    CHECK(searcher().record_count() == db.all().size());
    CHECK(id_set(all_hit_ids(SearchRequest{})) == db.all());
    // The sources the table below relies on are all there.
    for (const char* source : {"cryoet", "htan", "hoa", "panosc", "minerva"}) {
        CHECK_MESSAGE(!db.of_column("source", {source}).empty(), source);
    }
}

TEST_CASE("Facet counts, missing, other and distinct equal SQL GROUP BY over the catalog") {
    // One row per case: what, query, kinds, sources, filters, has_children, facets.
    // clang-format off
    const std::vector<FacetCase> cases{
        {"browse: every record", "", {}, {}, {}, {},
         {facet("kind", 20), facet("source", 10), facet("organism", 3), facet("object", 5),
          facet("organ", 4), facet("assay", 5), facet("quality", 10), facet("release_date", 10),
          facet("ground_truth", 10), facet("voxel_spacing", 10), facet("age", 10),
          facet("author", 10), facet("software", 10), facet("sex", 10), facet("dataset", 5),
          facet("technique", 5), facet("marker", 5), facet("deposition_date", 10)}},
        {"browse datasets", "", {"dataset"}, {}, {}, {},
         {facet("source", 10), facet("organism", 10), facet("organ", 10), facet("release_date", 10),
          facet("kind", 10)}},
        {"browse one source", "", {}, {"htan"}, {}, {},
         {facet("source", 10), facet("kind", 10), facet("organ", 3), facet("assay", 3),
          facet("age", 10)}},
        {"keyword: ribosome", "ribosome", {}, {}, {}, {},
         {facet("kind", 10), facet("organism", 10), facet("object", 3), facet("quality", 10),
          facet("release_date", 10)}},
        {"keyword: lung", "lung", {}, {}, {}, {},
         {facet("organ", 10), facet("source", 10), facet("kind", 10), facet("age", 10)}},
        {"keyword with kinds and a filter", "ribosome", {"annotation", "run"}, {},
         {is("organism", {kPombe})}, {},
         {facet("kind", 10), facet("organism", 10), facet("ground_truth", 10)}},
        {"disjunctive: one organism", "", {}, {}, {is("organism", {kPombe})}, {},
         {facet("organism", 10), facet("kind", 10), facet("object", 5), facet("quality", 10),
          facet("author", 0)}},
        {"an organism typed in another case and spacing", "", {}, {},
         {is("organism", {"schizosaccharomyces  POMBE 972H"})}, {},
         {facet("organism", 10), facet("kind", 10)}},
        {"two filters on different fields", "", {}, {},
         {is("organism", {kPombe}), is("object", {"cytosolic ribosome"})}, {},
         {facet("organism", 10), facet("object", 10), facet("kind", 10), facet("quality", 10)}},
        {"two values in one filter (OR)", "", {}, {}, {is("organism", {kPombe, kBdello})}, {},
         {facet("organism", 10), facet("kind", 10), facet("release_date", 10)}},
        {"two filters on one field: one organism but not another", "", {}, {},
         {is("organism", {kPombe, kBdello}), is_not("organism", {kBdello})}, {},
         {facet("organism", 10), facet("kind", 10)}},
        {"mode none", "", {}, {}, {is_not("organism", {kPombe})}, {},
         {facet("organism", 10), facet("source", 10), facet("kind", 10)}},
        {"mode exists", "", {}, {}, {has("organism")}, {},
         {facet("organism", 10), facet("source", 10)}},
        {"mode missing", "", {}, {}, {lacks("organism")}, {},
         {facet("organism", 10), facet("source", 10), facet("kind", 10)}},
        {"a keyword that differs only in case (Lung, lung)", "", {}, {},
         {is("organ", {"lung"})}, {},
         {facet("organ", 10), facet("source", 10), facet("kind", 10)}},
        {"a keyword in another spelling: software Serial EM", "", {}, {},
         {is("software", {"Serial EM"})}, {},
         {facet("software", 20), facet("kind", 10)}},
        {"an id typed with its prefix: dataset DS-10000", "", {}, {},
         {is("dataset", {"DS-10000"})}, {},
         {facet("dataset", 10), facet("kind", 10)}},
        {"a boolean", "", {}, {}, {is("ground_truth", {"yes"})}, {},
         {facet("ground_truth", 10), facet("object", 5), facet("kind", 10)}},
        {"two conditions on kind: kinds and a kind filter", "", {"run", "annotation"}, {},
         {is("kind", {"run", "dataset"})}, {},
         {facet("kind", 10), facet("quality", 10)}},
        {"many values counted over a subset: authors of S. pombe records", "", {}, {},
         {is("organism", {kPombe})}, {},
         {facet("author", 10), facet("affiliation", 5), facet("object_id", 5)}},
        {"exists on a field the columns do not hold: htan_id", "", {}, {}, {has("htan_id")}, {},
         {facet("kind", 10), facet("source", 10)}},
        {"missing on a text field: description", "", {}, {}, {lacks("description")}, {},
         {facet("kind", 20), facet("source", 10)}},
        {"a rated number: quality >= 4", "", {}, {}, {range("quality", ">=4", "n >= 4")}, {},
         {facet("quality", 10), facet("kind", 10), facet("organism", 10)}},
        {"a rating by its label: quality good", "", {}, {}, {range("quality", "good", "n = 4")}, {},
         {facet("quality", 10), facet("kind", 10)}},
        {"a range of labels: quality marginal..good", "", {}, {},
         {range("quality", "marginal..good", "n >= 2 AND n <= 4")}, {},
         {facet("quality", 10), facet("kind", 10)}},
        {"NOT a range: quality none of >=4", "", {}, {}, {out_of("quality", ">=4", "n >= 4")}, {},
         {facet("quality", 10), facet("source", 10), facet("kind", 10)}},
        {"a length with a unit: voxel_spacing < 10A", "", {}, {},
         {range("voxel_spacing", "<10A", "n < 10 * 1e-10")}, {},
         {facet("voxel_spacing", 10), facet("kind", 10), facet("object", 5)}},
        {"a range in another unit, bounds included: voxel_spacing 1..2nm", "", {}, {},
         {range("voxel_spacing", "1..2nm", "n >= 1e-9 AND n <= 2e-9")}, {},
         {facet("voxel_spacing", 10), facet("object", 5)}},
        {"a number missing: voxel_spacing", "", {"annotation", "run", "tomogram"}, {},
         {lacks("voxel_spacing")}, {},
         {facet("voxel_spacing", 10), facet("kind", 10)}},
        {"an age in years: age >= 60", "", {}, {},
         {range("age", ">=60", "n >= 60 * 365 * 86400")}, {},
         {facet("age", 10), facet("organ", 10), facet("kind", 10)}},
        {"a year: release_date 2023", "", {}, {},
         {range("release_date", "2023",
                fmt::format("n >= {} AND n < {}", days("2023-01-01"), days("2024-01-01")))}, {},
         {facet("release_date", 10), facet("kind", 10), facet("source", 10)}},
        {"an open period: release_date 2024-06..", "", {}, {},
         {range("release_date", "2024-06..", fmt::format("n >= {}", days("2024-06-01")))}, {},
         {facet("release_date", 10), facet("source", 10)}},
        {"a range filter and a keyword filter", "", {"run", "annotation"}, {},
         {range("quality", ">=4", "n >= 4"), is("object", {"cytosolic ribosome", "membrane"})}, {},
         {facet("quality", 10), facet("object", 10), facet("kind", 10)}},
        {"hierarchy: datasets with a good run with a ground-truth ribosome", "", {"dataset"}, {},
         {}, {ribosome_run()},
         {facet("organism", 10), facet("kind", 10), facet("release_date", 10)}},
    };
    // clang-format on
    for (const auto& c : cases) check_case(c);
}

TEST_CASE("A facet filtered on its own field shows the counts it has without that filter") {
    SearchRequest plain;
    plain.facets = {facet("organism", 10, ""), facet("kind", 20, "")};
    plain.limit = 0;
    SearchRequest ticked = plain;
    ticked.filters = {Filter{"organism", {kPombe}, Filter::Mode::any}};
    SearchResult a = run(plain);
    SearchResult b = run(ticked);
    REQUIRE(a.facets.size() == 2);
    REQUIRE(b.facets.size() == 2);
    REQUIRE(a.facets[0].values.size() >= 2);
    // Ticking one organism leaves the others' counts as they were...
    CHECK(listing(a.facets[0]) == listing(b.facets[0]));
    CHECK(a.facets[0].other == b.facets[0].other);
    CHECK(a.facets[0].missing == b.facets[0].missing);
    // ...and restricts every other facet (kinds of the S. pombe records only).
    CHECK(listing(a.facets[1]) != listing(b.facets[1]));
    check_facet(b.facets[1], ticked.facets[1], catalog().matching(is("organism", {kPombe})),
                "kinds of S. pombe records");
}

TEST_CASE("A filter on another name of a facet's field is that facet's own filter") {
    // HTAN calls sex "Gender": a filter on gender leaves the sex facet's
    // counts as they are without it, as a filter on sex does.
    SearchRequest plain;
    plain.facets = {facet("sex", 10, "")};
    plain.limit = 0;
    SearchRequest by_alias = plain;
    by_alias.filters = {Filter{"gender", {"female"}, Filter::Mode::any}};
    SearchRequest by_name = plain;
    by_name.filters = {Filter{"sex", {"female"}, Filter::Mode::any}};
    SearchResult a = run(plain);
    SearchResult b = run(by_alias);
    SearchResult c = run(by_name);
    REQUIRE(a.facets.size() == 1);
    REQUIRE(a.facets[0].values.size() >= 2);  // male and female
    CHECK(b.total == c.total);
    CHECK(b.total < a.total);
    CHECK(listing(b.facets[0]) == listing(a.facets[0]));
    CHECK(listing(c.facets[0]) == listing(a.facets[0]));
}

TEST_CASE("Facets counted on their own thread beside the ranking equal those counted after it") {
    // facets_aside_from 1: every request with facets and matches (not the
    // whole index) counts them on the helper thread while the page is
    // ranked, sorted or grouped, and on two threads ranking (split_from 1).
    SearcherOptions after;
    after.threads = 1;
    SearcherOptions aside;
    aside.facets_aside_from = 1;
    aside.split_from = 1;
    auto a = Searcher::open(index_dir(), after);
    auto b = Searcher::open(index_dir(), aside);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    const std::vector<FacetRequest> six{facet("kind", 10), facet("source", 10),
                                        facet("organism", 5), facet("object", 20),
                                        facet("quality", 10), facet("release_date", 10)};
    std::vector<SearchRequest> requests;
    for (const char* q : {"ribosome", "tomogram", "carcinoma", "lung", "membrane bacteria",
                          "\"electron cryotomography\"", "cyto*"}) {
        SearchRequest r;
        r.query = q;
        r.facets = six;
        requests.push_back(r);
        r.filters = {Filter{"kind", {"annotation", "tomogram", "file"}, Filter::Mode::any}};
        requests.push_back(r);  // the kind facet counted without its own filter
        r.sort = {SortKey{"release_date", true}};
        requests.push_back(r);
        r.sort.clear();
        r.group_by = "dataset";
        requests.push_back(r);
    }
    SearchRequest children;
    children.kinds = {"dataset"};
    children.has_children = {to_child_filter(ribosome_run())};
    children.facets = six;
    requests.push_back(children);
    std::size_t beside = 0;
    for (const auto& r : requests) {
        CAPTURE(to_json(r));
        auto want = a.value().search(r);
        auto got = b.value().search(r);
        REQUIRE_MESSAGE(want.ok(), want.error().message);
        REQUIRE_MESSAGE(got.ok(), got.error().message);
        CHECK_FALSE(want.value().facets_aside);
        CHECK(got.value().facets_aside == (got.value().total > 0));
        if (got.value().facets_aside) ++beside;
        // The whole response is the same but for its time and the flag.
        for (auto* res : {&want.value(), &got.value()}) {
            res->took_ms = 0;
            res->facets_aside = false;
            res->threads = 1;
        }
        CHECK(to_json(got.value()) == to_json(want.value()));
        CHECK(got.value().facets.size() == six.size());
    }
    CHECK(beside * 4 > requests.size() * 3);
    // A facet that cannot be counted is refused before any work, either way.
    SearchRequest bad;
    bad.query = "ribosome";
    bad.facets = {facet("kind", 10), facet("organsim", 10)};
    auto refused = b.value().search(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "no facet 'organsim': unknown field (did you mean 'organism'?)");
}

TEST_CASE(
    "has_children finds the records with one descendant meeting every condition (SQL EXISTS)") {
    Catalog& db = catalog();
    // The parent chain the EXISTS below walks: annotation -> run -> dataset.
    CHECK(db.count("SELECT count(*) FROM records a LEFT JOIN records p ON p.id = a.parent WHERE "
                   "a.kind = 'annotation' AND coalesce(p.kind, '') <> 'run'") == 0);
    CHECK(db.count("SELECT count(*) FROM records r LEFT JOIN records p ON p.id = r.parent WHERE "
                   "r.kind = 'run' AND coalesce(p.kind, '') <> 'dataset'") == 0);
    const Ids expected = db.ids(
        "SELECT d.id FROM records d WHERE d.kind = 'dataset' AND EXISTS ("
        "  SELECT 1 FROM records r WHERE r.kind = 'run' AND r.parent = d.id"
        "  AND EXISTS (SELECT 1 FROM json_each(record_json(r.record), '$.fields.quality') q"
        "              WHERE json_extract(q.value, '$.value') >= 4)"
        "  AND EXISTS (SELECT 1 FROM records a WHERE a.kind = 'annotation' AND a.parent = r.id"
        "    AND EXISTS (SELECT 1 FROM json_each(record_json(a.record), '$.fields.ground_truth') g"
        "                WHERE json_extract(g.value, '$.value') = 1)"
        "    AND EXISTS (SELECT 1 FROM json_each(record_json(a.record), '$.fields.object') o"
        "                WHERE atlas_exact('object', json_extract(o.value, '$.text')) ="
        "                      atlas_exact('object', 'cytosolic ribosome'))))");
    REQUIRE_FALSE(expected.empty());
    CHECK(expected == both(db.with_child(ribosome_run()), db.of_column("kind", {"dataset"})));

    SearchRequest request;
    request.kinds = {"dataset"};
    request.has_children = {to_child_filter(ribosome_run())};
    CHECK(id_set(all_hit_ids(request)) == expected);

    SUBCASE("a table of child conditions equals the recursive SQL oracle") {
        struct Row {
            std::string what;
            std::vector<std::string> kinds;
            std::vector<Child> children;
        };
        const std::vector<Row> rows{
            {"runs with an annotation of a membrane",
             {"run"},
             {Child{"annotation", {is("object", {"membrane"})}, {}}}},
            {"datasets with a tomogram (any depth)", {"dataset"}, {Child{"tomogram", {}, {}}}},
            {"datasets with a run of quality <= 3",
             {"dataset"},
             {Child{"run", {range("quality", "<=3", "n <= 3")}, {}}}},
            {"a run's rolled-up values hold for the run, not for one annotation",
             {"dataset"},
             {Child{"run", {is("ground_truth", {"yes"}), is("object", {"cell"})}, {}}}},
            {"one annotation that is ground truth and a cell",
             {"dataset"},
             {Child{"annotation", {is("ground_truth", {"yes"}), is("object", {"cell"})}, {}}}},
            {"HTAN participants with a biospecimen of a file",
             {"participant"},
             {Child{"biospecimen", {}, {Child{"file", {}, {}}}}}},
            {"HOA donors with a dataset of voxel size < 5um",
             {"donor"},
             {Child{"dataset", {range("voxel_size", "<5um", "n < 5e-6")}, {}}}},
            {"datasets with a dataset below them (Human Organ Atlas zooms)",
             {"dataset"},
             {Child{"dataset", {}, {}}}},
            {"records of any kind with an annotation below them",
             {},
             {Child{"annotation", {}, {}}}},
        };
        for (const auto& row : rows) {
            INFO(row.what);
            SearchRequest r;
            r.kinds = row.kinds;
            Ids want = row.kinds.empty() ? db.all() : db.of_column("kind", row.kinds);
            for (const auto& c : row.children) {
                r.has_children.push_back(to_child_filter(c));
                want = both(want, db.with_child(c));
            }
            CHECK(id_set(all_hit_ids(r)) == want);
        }
    }
}

TEST_CASE("Two has_children entries may be met by different children - one must be met by one") {
    Catalog& db = catalog();
    // In the sample, dataset 10155 has ground-truth annotations and an annotation
    // of a cell, but no ground-truth annotation of a cell.
    const Child same{"annotation", {is("ground_truth", {"yes"}), is("object", {"cell"})}, {}};
    const Child gt{"annotation", {is("ground_truth", {"yes"})}, {}};
    const Child cell{"annotation", {is("object", {"cell"})}, {}};
    Ids datasets = db.of_column("kind", {"dataset"});
    Ids want_same = both(datasets, db.with_child(same));
    Ids want_any = both(both(datasets, db.with_child(gt)), db.with_child(cell));
    REQUIRE_MESSAGE(want_same != want_any, "the sample no longer tells the two apart");

    SearchRequest r;
    r.kinds = {"dataset"};
    r.has_children = {to_child_filter(same)};
    CHECK(id_set(all_hit_ids(r)) == want_same);
    r.has_children = {to_child_filter(gt), to_child_filter(cell)};
    CHECK(id_set(all_hit_ids(r)) == want_any);

    // The headline example split over two runs ("a good run" and "a run with a
    // ground-truth ribosome"): in today's sample every dataset with both has
    // one run with both, so there the two readings agree; each is still
    // checked against its own SQL.
    const Child good_run{"run", {range("quality", ">=4", "n >= 4")}, {}};
    const Child ribo_run{"run", {}, ribosome_run().children};
    r.has_children = {to_child_filter(ribosome_run())};
    CHECK(id_set(all_hit_ids(r)) == both(datasets, db.with_child(ribosome_run())));
    r.has_children = {to_child_filter(good_run), to_child_filter(ribo_run)};
    CHECK(id_set(all_hit_ids(r)) ==
          both(both(datasets, db.with_child(good_run)), db.with_child(ribo_run)));
}

TEST_CASE("Roll-up counts filter as ranges: records with at least N children") {
    Catalog& db = catalog();
    struct Rollup {
        std::string kind;
        std::string field;
        std::string child_kind;
    };
    for (const Rollup& r :
         {Rollup{"dataset", "run_count", "run"}, Rollup{"run", "annotation_count", "annotation"},
          Rollup{"participant", "biospecimen_count", "biospecimen"}}) {
        INFO(r.kind << " " << r.field);
        // N: the middle of the distinct counts the sample has, so some records
        // are in and some out.
        auto counts = db.column(
            "SELECT DISTINCT CAST(v.n AS INTEGER) AS c FROM temp.vals v JOIN records r ON r.id = "
            "v.id WHERE v.field = ?1 AND r.kind = ?2 ORDER BY c",
            {r.field, r.kind});
        REQUIRE(counts.size() >= 2);
        std::string n = counts[counts.size() / 2];
        Ids want = both(db.of_column("kind", {r.kind}),
                        db.matching(range(r.field, ">=" + n, "n >= " + n)));
        REQUIRE_FALSE(want.empty());
        REQUIRE(want != db.of_column("kind", {r.kind}));

        SearchRequest request;
        request.kinds = {r.kind};
        request.filters = {Filter{r.field, {">=" + n}, Filter::Mode::any}};
        request.facets = {{r.field, 10, ""}};
        SearchResult result = run(request);
        CHECK(result.total == want.size());
        CHECK(id_set(all_hit_ids(request)) == want);
        check_facet(result.facets.at(0), request.facets[0], db.of_column("kind", {r.kind}),
                    r.field);
        // The roll-up agrees with the descendants in the catalog (biospecimens
        // nest: an aliquot is a child of its sample).
        CHECK(want == both(db.of_column("kind", {r.kind}),
                           db.ids("WITH RECURSIVE up(d, a) AS ("
                                  "  SELECT id, parent FROM records WHERE kind = ?1"
                                  "  UNION"
                                  "  SELECT up.d, r.parent FROM up JOIN records r ON r.id = up.a)"
                                  "SELECT a FROM up WHERE coalesce(a, '') <> '' GROUP BY a "
                                  "HAVING count(DISTINCT d) >= CAST(?2 AS INTEGER)",
                                  {r.child_kind, n})));
    }
}

TEST_CASE("Sort orders equal SQL ORDER BY and pages concatenate to the whole list") {
    Catalog& db = catalog();
    struct Row {
        SortKey key;
        std::string query;
        std::vector<std::string> kinds;
    };
    std::vector<Row> rows;
    // Appended one by one: GCC 12 warns (-Wmaybe-uninitialized, a false
    // positive) on a braced list of these.
    auto add = [&](std::string field, bool descending, std::string query,
                   std::vector<std::string> kinds) {
        rows.push_back(
            Row{SortKey{std::move(field), descending}, std::move(query), std::move(kinds)});
    };
    add("release_date", true, "", {});
    add("release_date", false, "", {});
    add("title", false, "", {});
    add("id", false, "", {});
    add("id", true, "", {"annotation"});
    add("kind", false, "", {});
    add("quality", true, "", {});
    add("quality", false, "", {"run", "annotation", "dataset"});
    add("run_count", true, "", {"dataset", "deposition"});
    add("voxel_spacing", false, "", {"annotation", "run"});
    add("release_date", true, "ribosome", {});
    add("title", false, "ribosome", {});
    for (const auto& row : rows) {
        INFO("sort " << row.key.field << " descending " << row.key.descending << " query '"
                     << row.query << "'");
        SearchRequest request;
        request.query = row.query;
        request.kinds = row.kinds;
        request.sort = {row.key};
        Ids base = row.query.empty() ? db.all() : id_set(all_hit_ids(words(row.query)));
        if (!row.kinds.empty()) base = both(base, db.of_column("kind", row.kinds));
        std::vector<std::string> whole = all_hit_ids(request);
        CHECK_MESSAGE(whole == db.order(base, row.key), divergence(whole, db.order(base, row.key)));

        std::vector<std::string> paged;
        request.limit = 97;
        for (request.offset = 0; request.offset < whole.size() + 97; request.offset += 97) {
            SearchResult page = run(request);
            CHECK(page.total == whole.size());
            for (const auto& h : page.hits) {
                CHECK(h.rank == paged.size() + 1);
                paged.push_back(h.id);
            }
        }
        CHECK(paged == whole);
    }
}

TEST_CASE("Sorting descending by title or kind breaks ties by browse order") {
    // search.h: "Ties are broken by the next key, then by browse order" (kind,
    // then id, ascending).  The sample has many records titled alike
    // ("vesicle") and many of each kind.
    Catalog& db = catalog();
    REQUIRE(db.count("SELECT count(*) FROM (SELECT atlas_fold(title) FROM records GROUP BY 1 "
                     "HAVING count(*) > 1)") > 0);
    for (const char* field : {"title", "kind"}) {
        INFO("sort " << std::string(field) << " desc");
        SearchRequest request;
        request.sort = {SortKey{field, true}};
        auto got = all_hit_ids(request);
        auto want = db.order(db.all(), request.sort[0]);
        CHECK_MESSAGE(got == want, divergence(got, want));
    }
}

TEST_CASE("Grouping by dataset counts, orders and pages groups exactly") {
    Catalog& db = catalog();
    const auto group_of = db.groups();
    struct Row {
        std::string what;
        std::string query;
        std::vector<std::string> kinds;
        std::vector<SortKey> sort;
        std::uint32_t group_size;
        std::uint32_t page;
    };
    const std::vector<Row> rows{
        {"browse everything", "", {}, {}, 3, 50},
        {"browse annotations and runs", "", {"annotation", "run"}, {}, 2, 3},
        {"newest first", "", {"annotation", "run", "dataset"}, {{"release_date", true}}, 4, 2},
        {"ranked: ribosome", "ribosome", {}, {}, 3, 2},
        {"ranked: lung", "lung", {}, {}, 5, 7},
    };
    for (const auto& row : rows) {
        INFO("groups: " << row.what);
        SearchRequest request;
        request.query = row.query;
        request.kinds = row.kinds;
        request.sort = row.sort;
        // The order of the matches without grouping: the oracle's, or Xapian's
        // relevance (which SQL cannot compute) for a ranked query.
        std::vector<std::string> ungrouped = all_hit_ids(request);
        if (row.query.empty()) {
            Ids base = row.kinds.empty() ? db.all() : db.of_column("kind", row.kinds);
            CHECK(ungrouped ==
                  db.order(base, row.sort.empty() ? SortKey{"relevance", false} : row.sort[0]));
        }
        // Groups in order of their best member; each group's members in order.
        std::vector<std::string> group_order;
        std::map<std::string, std::vector<std::string>> members;
        for (const auto& id : ungrouped) {
            const std::string& g = group_of.at(id);
            if (members[g].empty()) group_order.push_back(g);
            members[g].push_back(id);
        }
        REQUIRE(group_order.size() > row.page);

        request.group_by = "dataset";
        request.group_size = row.group_size;
        request.limit = row.page;
        std::vector<std::string> paged;
        for (request.offset = 0; request.offset < group_order.size() + row.page;
             request.offset += row.page) {
            SearchResult page = run(request);
            CHECK(page.total == ungrouped.size());
            CHECK(page.group_total == group_order.size());
            CHECK(page.hits.empty());
            CHECK(page.groups.size() <= row.page);
            for (const auto& g : page.groups) {
                INFO("group " << g.id);
                paged.push_back(g.id);
                REQUIRE(members.count(g.id) == 1);
                const auto& m = members.at(g.id);
                CHECK(g.total == m.size());
                CHECK(g.title ==
                      db.column("SELECT title FROM records WHERE id = ?1", {g.id}).at(0));
                CHECK(g.hits.size() == std::min<std::size_t>(row.group_size, m.size()));
                for (std::size_t i = 0; i < g.hits.size(); ++i) {
                    CHECK(group_of.at(g.hits[i].id) == g.id);
                    if (i < m.size()) CHECK(g.hits[i].id == m[i]);
                }
            }
        }
        CHECK(paged == group_order);
        CHECK(std::set<std::string>(paged.begin(), paged.end()).size() == paged.size());
    }
}

TEST_CASE("Facet-value search returns the values with a word starting with the prefix, with counts") {
    struct Row {
        FacetCase c;
        std::string starts;  // what the value or one of its words starts with, case aside
    };
    const std::vector<Row> rows{
        {{"organism Schiz", "", {}, {}, {}, {}, {facet("organism", 10, "Schiz")}}, "schiz"},
        {{"organism schiz, lower case", "", {}, {}, {}, {}, {facet("organism", 10, "schiz")}},
         "schiz"},
        {{"object cyto", "", {}, {}, {}, {}, {facet("object", 10, "cyto")}}, "cyto"},
        {{"author Ma, 3 shown", "", {}, {}, {}, {}, {facet("author", 3, "Ma")}}, "ma"},
        {{"author by surname: Mahamid", "", {}, {}, {}, {}, {facet("author", 10, "Mahamid")}},
         "mahamid"},
        {{"organism S, with an organism filter (disjunctive)",
          "",
          {},
          {},
          {is("organism", {kBdello})},
          {},
          {facet("organism", 10, "S"), facet("kind", 10, "")}},
         "s"},
        {{"an identifier: object_id GO:00056",
          "",
          {},
          {},
          {},
          {},
          {facet("object_id", 10, "GO:00056")}},
         "go:00056"},
        {{"a prefix nothing starts with", "", {}, {}, {}, {}, {facet("organism", 10, "Zzz")}},
         "zzz"},
    };
    for (const auto& row : rows) {
        check_case(row.c);
        SearchResult result = run(request_of(row.c));
        for (const auto& v : result.facets.at(0).values) {
            std::string folded = fold(v.value);
            CHECK_MESSAGE((folded.starts_with(row.starts) ||
                           folded.find(" " + row.starts) != std::string::npos),
                          v.value);
        }
    }
    // A surname finds the author whose name it ends.
    SearchResult mahamid = run(request_of(rows[4].c));
    REQUIRE_FALSE(mahamid.facets.at(0).values.empty());
    CHECK(mahamid.facets.at(0).values.front().value == "Julia Mahamid");
    // S. pombe is there with its SQL count.
    SearchResult schiz = run(request_of(rows[0].c));
    REQUIRE_FALSE(schiz.facets.at(0).values.empty());
    CHECK(schiz.facets.at(0).values.front().value == kPombe);
}

TEST_CASE("Facet-value search on a boolean matches the values it shows (yes, no)") {
    // Boolean facets show "yes" and "no"; a prefix of what is shown finds it.
    check_case({"ground_truth ye", "", {}, {}, {}, {}, {facet("ground_truth", 10, "ye")}});
    check_case(
        {"ground_truth n", "", {"annotation"}, {}, {}, {}, {facet("ground_truth", 10, "n")}});
}

TEST_CASE("A request survives to_json and request_from_json with the same results") {
    SearchRequest request;
    request.query = "ribosome";
    request.kinds = {"annotation", "run", "dataset"};
    request.sources = {"cryoet"};
    request.filters = {Filter{"organism", {kPombe, kBdello}, Filter::Mode::any},
                       Filter{"quality", {">=4"}, Filter::Mode::any},
                       Filter{"object", {"membrane"}, Filter::Mode::none},
                       Filter{"release_date", {}, Filter::Mode::exists},
                       Filter{"age", {}, Filter::Mode::missing}};
    request.has_children = {};
    request.facets = {facet("organism", 5, ""), facet("object", 3, "cyto"),
                      facet("quality", 10, "")};
    request.sort = {{"release_date", true}};
    request.group_by = "dataset";
    request.group_size = 2;
    request.offset = 1;
    request.limit = 2;

    SearchRequest nested;
    nested.kinds = {"dataset"};
    nested.has_children = {to_child_filter(ribosome_run())};
    nested.has_children[0].query = "TS";
    nested.facets = {facet("organism", 10, "")};
    nested.sort = {{"title", false}};

    for (const SearchRequest& r : {request, nested}) {
        std::string json = to_json(r);
        INFO(std::string(json));
        auto back = request_from_json(json);
        REQUIRE_MESSAGE(back.ok(), back.error().message);
        CHECK(to_json(back.value()) == json);
        CHECK(comparable(to_json(run(back.value()))) == comparable(to_json(run(r))));
    }

    // The short forms read as the long ones.
    auto short_form = request_from_json(
        R"({"q": "ribosome", "kinds": "annotation", "facets": ["organism:5", "quality"],
            "sort": "release_date:desc", "filters": [{"field": "quality", "values": [4]}]})");
    REQUIRE_MESSAGE(short_form.ok(), short_form.error().message);
    auto long_form = request_from_json(
        R"({"query": "ribosome", "kinds": ["annotation"],
            "facets": [{"field": "organism", "size": 5}, {"field": "quality"}],
            "sort": [{"field": "release_date", "order": "desc"}],
            "filters": [{"field": "quality", "values": ["4"], "mode": "any"}]})");
    REQUIRE_MESSAGE(long_form.ok(), long_form.error().message);
    CHECK(to_json(short_form.value()) == to_json(long_form.value()));
}

TEST_CASE("A request's snippet_bytes survives to_json and request_from_json") {
    SearchRequest request;
    request.query = "ribosome";
    request.snippet_bytes = 40;
    auto back = request_from_json(to_json(request));
    REQUIRE(back.ok());
    CHECK(back.value().snippet_bytes == request.snippet_bytes);
}

TEST_CASE("Malformed requests are refused with a message naming the problem") {
    struct Row {
        std::string json;
        std::string names;  // a word the message must contain
    };
    const std::vector<Row> rows{
        {R"({"query": "x", "filter": []})", "filter"},
        {R"({"limit": "ten"})", "limit"},
        {R"({"offset": -1})", "offset"},
        {R"({"kinds": 3})", "kinds"},
        {R"({"facets": "organism"})", "facets"},
        {R"({"facets": [{"field": "organism", "count": 3}]})", "count"},
        {R"({"facets": [{"field": "organism", "size": 5000}]})", "5000"},
        {R"({"filters": {"field": "organism"}})", "filters"},
        {R"({"filters": [{"field": "organism", "values": [{}]}]})", "values"},
        {R"({"filters": [{"field": "organism", "values": ["x"], "mode": "sometimes"}]})",
         "sometimes"},
        {R"({"filters": [{"values": ["x"]}]})", "field"},
        {R"({"filters": [{"field": "organismo", "values": ["x"]}]})", "organismo"},
        {R"({"filters": [{"field": "organism"}]})", "organism"},
        {R"({"has_children": [{"kind": "run", "colour": 1}]})", "colour"},
        {R"({"has_children": [{"kind": "widget"}]})", "widget"},
        {R"({"has_children": [{"kind": "run",
                               "filters": [{"field": "qualiti", "values": ["4"]}]}]})",
         "qualiti"},
        {R"({"facets": ["organismo"]})", "organismo"},
        {R"({"facets": ["htan_id"]})", "htan_id"},
        {R"({"facets": ["title"]})", "title"},
        {R"({"sort": "colour"})", "colour"},
        {R"({"sort": "title:sideways"})", "sideways"},
        {R"({"sort": ["title", "id"]})", "one key"},
        {R"({"group_by": "run"})", "run"},
        {R"({"group_by": "dataset", "group_size": 0})", "group_size"},
        {R"({"limit": 5000})", "5000"},
        {R"({"kinds": ["widget"]})", "widget"},
        {R"({"sources": ["arxiv"]})", "arxiv"},
        {R"({"query": )", "not JSON"},
        {R"([])", "object"},
    };
    for (const auto& row : rows) {
        INFO(row.json);
        auto parsed = request_from_json(row.json);
        Error error;
        if (parsed.ok()) {
            auto result = searcher().search(parsed.value());
            REQUIRE_FALSE(result.ok());
            error = result.error();
        } else {
            error = parsed.error();
        }
        INFO(error.message);
        CHECK((error.code == Errc::invalid_request || error.code == Errc::invalid_query));
        CHECK(error.message.find(row.names) != std::string::npos);
        CHECK(error.message.find('\n') == std::string::npos);
    }
}

TEST_CASE("atlas-search --request FILE and --request - print the library's JSON") {
    test::TempDir dir;
    SearchRequest request;
    request.query = "ribosome";
    request.kinds = {"annotation", "run"};
    request.filters = {Filter{"organism", {kPombe}, Filter::Mode::any},
                       Filter{"quality", {">=4"}, Filter::Mode::any}};
    request.facets = {facet("organism", 10, ""), facet("object", 5, ""), facet("quality", 10, "")};
    request.sort = {{"release_date", true}};
    request.limit = 5;
    SearchRequest grouped = request;
    grouped.group_by = "dataset";
    grouped.group_size = 2;
    grouped.sort.clear();

    int n = 0;
    for (const SearchRequest& r : {request, grouped}) {
        fs::path file = dir.path() / fmt::format("request{}.json", n++);
        test::write_file(file, to_json(r));
        auto library = comparable(to_json(run(r)));
        auto from_file = test::run_tool(test::atlas_search_bin(),
                                        {"--index", index_dir(), "--request", file.string()});
        INFO(from_file.err);
        CHECK(from_file.exit_code == 0);
        CHECK(comparable(from_file.out) == library);
        auto from_stdin = run_search_with_stdin({"--index", index_dir(), "--request", "-"}, file);
        INFO(from_stdin.err);
        CHECK(from_stdin.exit_code == 0);
        CHECK(comparable(from_stdin.out) == library);
        auto d = comparable(from_file.out);
        REQUIRE(d.HasMember("facets"));
        REQUIRE(d["facets"].IsObject());
        for (const auto& f : r.facets) {
            REQUIRE(d["facets"].HasMember(f.field.c_str()));
            REQUIRE(d["facets"][f.field.c_str()].IsArray());
            for (const auto& v : d["facets"][f.field.c_str()].GetArray()) {
                CHECK(v.HasMember("value"));
                CHECK(v.HasMember("count"));
            }
            REQUIRE((d.HasMember("facet_totals") && d["facet_totals"].IsObject()));
            REQUIRE(d["facet_totals"].HasMember(f.field.c_str()));
            for (const char* key : {"other", "missing", "distinct"}) {
                CHECK(d["facet_totals"][f.field.c_str()].HasMember(key));
            }
        }
    }

    // A malformed request is a JSON error and a usage exit code.
    fs::path bad = dir.path() / "bad.json";
    test::write_file(bad, R"({"facets": ["htan_id"]})");
    auto refused = test::run_tool(test::atlas_search_bin(),
                                  {"--index", index_dir(), "--request", bad.string()});
    CHECK(refused.exit_code != 0);
    CHECK(refused.out.find("htan_id") != std::string::npos);
}

TEST_CASE("atlas-search --request answers a request it cannot read with a JSON error") {
    // --request promises JSON: a portal backend reads the error from stdout
    // whether the request fails to parse or to run.
    test::TempDir dir;
    for (const char* json : {R"({"query": "x", "filter": []})", R"({"facets": ["htan_id"]})"}) {
        INFO(std::string(json));
        fs::path file = dir.path() / "request.json";
        test::write_file(file, json);
        auto r = test::run_tool(test::atlas_search_bin(),
                                {"--index", index_dir(), "--request", file.string()});
        CHECK(r.exit_code != 0);
        rapidjson::Document d;
        d.Parse(r.out.c_str(), r.out.size());
        REQUIRE_MESSAGE((!d.HasParseError() && d.IsObject() && d.HasMember("error")),
                        "stdout: '" << r.out << "' stderr: '" << r.err << "'");
        const auto& error = d["error"];
        REQUIRE((error.IsObject() && error.HasMember("code") && error["code"].IsString()));
        CHECK(std::string(error["code"].GetString()) == "invalid_request");
    }
}

TEST_CASE("atlas-search --filter, --facets, --sort and --group give the request's counts") {
    struct Row {
        std::vector<std::string> args;
        SearchRequest request;
    };
    SearchRequest disjunctive;
    disjunctive.filters = {Filter{"organism", {kPombe, kBdello}, Filter::Mode::any},
                           Filter{"quality", {">=4"}, Filter::Mode::any}};
    disjunctive.facets = {facet("organism", 10), facet("object", 20), facet("quality", 10)};
    disjunctive.sort = {{"release_date", true}};
    SearchRequest negated;
    negated.query = "ribosome";
    negated.filters = {Filter{"organism", {kPombe}, Filter::Mode::none},
                       Filter{"release_date", {}, Filter::Mode::exists}};
    negated.facets = {facet("kind", 10), facet("source", 10)};
    negated.sort = {{"title", false}};
    SearchRequest grouped;
    grouped.kinds = {"annotation"};
    grouped.filters = {Filter{"ground_truth", {"yes"}, Filter::Mode::any}};
    grouped.facets = {facet("object", 10)};
    grouped.group_by = "dataset";
    grouped.group_size = 2;
    SearchRequest value_search;
    value_search.facets = {facet("organism", 20, "Schiz"), facet("kind", 10)};
    const std::vector<Row> rows{
        {{"--filter", "organism=" + kPombe + "," + kBdello, "--filter", "quality=>=4", "--facets",
          "organism,object:20,quality", "--sort", "release_date:desc"},
         disjunctive},
        {{"--filter", "organism!=" + kPombe, "--filter", "release_date=*", "--facets",
          "kind,source", "--sort", "title", "ribosome"},
         negated},
        {{"--kind", "annotation", "--filter", "ground_truth=yes", "--facets", "object", "--group",
          "dataset", "--group-size", "2"},
         grouped},
        {{"--facet-search", "organism=Schiz", "--facets", "kind"}, value_search},
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto args = rows[i].args;
        INFO(fmt::format("{}", fmt::join(args, " ")));
        args.insert(args.begin(), {"--index", index_dir(), "--json", "--limit", "10"});
        auto out = test::run_tool(test::atlas_search_bin(), args);
        INFO(out.err);
        REQUIRE(out.exit_code == 0);
        SearchRequest r = rows[i].request;
        r.limit = 10;
        CHECK(comparable(out.out) == comparable(to_json(run(r))));
        auto d = comparable(out.out);
        SearchResult lib = run(r);
        REQUIRE((d.HasMember("total") && d["total"].IsUint64()));
        CHECK(d["total"].GetUint64() == lib.total);
        REQUIRE((d.HasMember("facets") && d["facets"].IsObject()));
        for (const auto& f : lib.facets) {
            // A value search is keyed "<field>:<prefix>", beside the field's own panel.
            std::string key = f.prefix.empty() ? f.field : f.field + ":" + f.prefix;
            REQUIRE(d["facets"].HasMember(key.c_str()));
            const auto& shown = d["facets"][key.c_str()];
            REQUIRE(shown.IsArray());
            REQUIRE(shown.Size() == f.values.size());
            for (rapidjson::SizeType k = 0; k < shown.Size(); ++k) {
                REQUIRE((shown[k].HasMember("value") && shown[k]["value"].IsString()));
                REQUIRE((shown[k].HasMember("count") && shown[k]["count"].IsUint64()));
                CHECK(std::string(shown[k]["value"].GetString()) == f.values[k].value);
                CHECK(shown[k]["count"].GetUint64() == f.values[k].count);
            }
        }
        if (!r.group_by.empty()) {
            REQUIRE((d.HasMember("group_total") && d["group_total"].IsUint64()));
            CHECK(d["group_total"].GetUint64() == lib.group_total);
        }
    }
}
