// relevance.cpp - the judged set, its SQL oracle, the metrics and the evaluation loop
// (relevance.h says what each computes).
//
// The oracle never asks an engine: grades come from SQL over the catalog, whose
// vals and anc tables are derived here from the records' JSON with json_each,
// the same way tests/query/facets_test.cpp derives its expected facet counts.
#include "relevance.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "atlas/search.h"
#include "catalog.h"
#include "schema/schema.h"
#include "schema/text.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;

// --- the judged set ----------------------------------------------------------------------

Error bad(std::string message) { return Error{Errc::invalid_request, std::move(message)}; }

// Members starting with "_" are comments, allowed anywhere.
bool is_comment(std::string_view key) { return !key.empty() && key.front() == '_'; }

Status string_list(const rapidjson::Value& v, std::string_view where,
                   std::vector<std::string>& out) {
    if (!v.IsArray()) return bad(fmt::format("{}: expected a list of strings", where));
    for (const auto& item : v.GetArray()) {
        if (!item.IsString() || item.GetStringLength() == 0) {
            return bad(fmt::format("{}: expected non-empty strings", where));
        }
        out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return {};
}

Result<JudgedQuery> parse_query(const rapidjson::Value& v, std::size_t index) {
    std::string where = fmt::format("queries[{}]", index);
    if (!v.IsObject()) return bad(where + ": expected an object");
    if (auto q = v.FindMember("q"); q != v.MemberEnd() && q->value.IsString()) {
        where += fmt::format(" (\"{}\")", q->value.GetString());
    }
    JudgedQuery out;
    for (const auto& m : v.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        const auto& value = m.value;
        auto text = [&](std::string& into) -> Status {
            if (!value.IsString())
                return bad(fmt::format("{}: \"{}\" must be a string", where, key));
            into.assign(value.GetString(), value.GetStringLength());
            return {};
        };
        Status s;
        if (key == "q") {
            s = text(out.q);
        } else if (key == "class") {
            s = text(out.query_class);
        } else if (key == "correct") {
            s = text(out.correct);
        } else if (key == "rule") {
            s = text(out.rule);
        } else if (key == "kinds") {
            s = string_list(value, where + ".kinds", out.kinds);
        } else if (key == "sources") {
            s = string_list(value, where + ".sources", out.sources);
        } else if (key == "grades") {
            if (!value.IsArray()) return bad(where + ": \"grades\" must be a list");
            for (const auto& g : value.GetArray()) {
                if (!g.IsObject()) return bad(where + ": each grade must be an object");
                GradeRule rule;
                for (const auto& gm : g.GetObject()) {
                    std::string_view gk(gm.name.GetString(), gm.name.GetStringLength());
                    if (gk == "grade" && gm.value.IsInt()) {
                        rule.grade = gm.value.GetInt();
                    } else if (gk == "sql" && gm.value.IsString()) {
                        rule.sql.assign(gm.value.GetString(), gm.value.GetStringLength());
                    } else if (!is_comment(gk)) {
                        return bad(
                            fmt::format("{}: grade member \"{}\" unknown or of the wrong "
                                        "type (grade: 1 or 2, sql: a string)",
                                        where, gk));
                    }
                }
                if (rule.grade != 1 && rule.grade != 2) {
                    return bad(where + ": a grade must be 1 or 2");
                }
                if (rule.sql.find_first_not_of(" \t\r\n") == std::string::npos) {
                    return bad(where + ": a grade needs its sql");
                }
                out.grades.push_back(std::move(rule));
            }
        } else if (!is_comment(key)) {
            return bad(fmt::format("{}: unknown member \"{}\"", where, key));
        }
        if (!s.ok()) return s.error();
    }
    if (out.q.empty()) return bad(where + ": \"q\" is missing or empty");
    const auto& classes = query_classes();
    if (std::find(classes.begin(), classes.end(), out.query_class) == classes.end()) {
        return bad(fmt::format("{}: unknown class \"{}\"", where, out.query_class));
    }
    if (out.rule.find_first_not_of(" \t\r\n") == std::string::npos) {
        return bad(where + ": \"rule\" (the sentence the grades implement) is missing");
    }
    if (out.grades.empty()) return bad(where + ": no grades");
    return out;
}

// --- SQL helpers --------------------------------------------------------------------------

void sql_fold(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* text = sqlite3_value_text(argv[0]);
    if (text == nullptr) return sqlite3_result_null(ctx);
    std::string out = fold(reinterpret_cast<const char*>(text));
    sqlite3_result_text(ctx, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

void sql_exact(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* field = sqlite3_value_text(argv[0]);
    const auto* text = sqlite3_value_text(argv[1]);
    const FieldSpec* spec =
        field == nullptr ? nullptr : find_field(reinterpret_cast<const char*>(field));
    if (spec == nullptr || text == nullptr) return sqlite3_result_null(ctx);
    std::string out = exact_value(*spec, reinterpret_cast<const char*>(text));
    sqlite3_result_text(ctx, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// Every value of every record: one row per element of "fields"."<field>".  A
// number's canonical "value" is left out of the JSON when it is 0, so n is 0
// then; values without an "origin" are the record's own.
constexpr const char* kValuesTable =
    "CREATE TEMP TABLE vals AS SELECT r.id AS id, j.key AS field, "
    "json_extract(v.value, '$.text') AS text, coalesce(json_extract(v.value, '$.value'), 0) AS n, "
    "coalesce(json_extract(v.value, '$.origin'), 'own') AS origin "
    "FROM main.records r, json_each(record_json(r.record), '$.fields') j, json_each(j.value) v";

// The records without their JSON, which the rules never need (vals and anc hold
// what it says): a temp table shadows main.records for unqualified names, and
// scanning it does not read the JSON's pages (the full corpus: 400 MB).
constexpr const char* kRecordsTable =
    "CREATE TEMP TABLE records AS SELECT id, source, kind, parent, title FROM main.records";

// Every ancestor of every record, from its breadcrumb (root first, the record last).
constexpr const char* kAncestorsTable =
    "CREATE TEMP TABLE anc AS SELECT r.id AS id, json_extract(b.value, '$.id') AS ancestor "
    "FROM main.records r, json_each(record_json(r.record), '$.breadcrumb') b "
    "WHERE json_extract(b.value, '$.id') IS NOT r.id";

double gain(int grade) { return std::pow(2.0, grade) - 1.0; }
double discount(std::size_t rank) { return std::log2(static_cast<double>(rank) + 1.0); }

int grade_of(const Judgments& judged, const std::string& id) {
    auto it = judged.find(id);
    return it == judged.end() ? 0 : it->second;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_number(Writer& w, double v) {
    // Four decimals are what the table shows; rounding keeps the JSON short.
    w.Double(std::round(v * 10000.0) / 10000.0);
}

void write_class(Writer& w, const ClassScore& c) {
    w.StartObject();
    w.Key("class");
    w.String(c.name.c_str());
    w.Key("queries");
    w.Uint64(c.queries);
    w.Key("skipped");
    w.Uint64(c.skipped);
    w.Key("ndcg10");
    write_number(w, c.ndcg);
    w.Key("mrr");
    write_number(w, c.mrr);
    w.Key("recall100");
    write_number(w, c.recall);
    w.Key("with_correct");
    w.Uint64(c.with_correct);
    if (c.with_correct > 0) {
        w.Key("correct_ndcg10");
        write_number(w, c.correct_ndcg);
        w.Key("gap");
        write_number(w, c.gap);
    }
    w.EndObject();
}

}  // namespace

const std::vector<std::string>& query_classes() {
    static const std::vector<std::string> classes{
        "organism_object", "assay_organ",          "organ_condition", "exact_id",
        "misspelling",     "abbreviation_synonym", "fielded",         "natural_language"};
    return classes;
}

Result<JudgedSet> parse_judged_set(std::string_view json) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError()) {
        return bad(fmt::format("judged set: {} at offset {}",
                               rapidjson::GetParseError_En(doc.GetParseError()),
                               doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) return bad("judged set: expected a JSON object");
    JudgedSet out;
    bool have_queries = false;
    for (const auto& m : doc.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (key == "_doc") {
            if (m.value.IsString()) {
                out.doc.emplace_back(m.value.GetString(), m.value.GetStringLength());
            } else if (auto s = string_list(m.value, "_doc", out.doc); !s.ok()) {
                return s.error();
            }
        } else if (key == "queries") {
            if (!m.value.IsArray()) return bad("judged set: \"queries\" must be a list");
            have_queries = true;
            std::size_t i = 0;
            for (const auto& q : m.value.GetArray()) {
                auto parsed = parse_query(q, i++);
                if (!parsed.ok()) return parsed.error();
                out.queries.push_back(std::move(parsed).value());
            }
        } else if (!is_comment(key)) {
            return bad(fmt::format("judged set: unknown member \"{}\"", key));
        }
    }
    if (!have_queries) return bad("judged set: no \"queries\"");
    return out;
}

Result<JudgedSet> load_judged_set(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return Error{Errc::not_found, fmt::format("no judged set at '{}'", file.string())};
    }
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Error{Errc::io, fmt::format("cannot read '{}'", file.string())};
    auto parsed = parse_judged_set(text.str());
    if (!parsed.ok()) {
        return Error{parsed.error().code, file.string() + ": " + parsed.error().message};
    }
    return parsed;
}

// --- the catalog oracle ------------------------------------------------------------------

struct JudgmentCatalog::Impl {
    sqlite3* db = nullptr;
    struct Scope {
        std::string kind;
        std::string source;
    };
    std::unordered_map<std::string, Scope> records;

    ~Impl() {
        if (db != nullptr) sqlite3_close(db);
    }

    Status exec(const char* sql) {
        char* message = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
            std::string text = message != nullptr ? message : sqlite3_errmsg(db);
            sqlite3_free(message);
            return Error{Errc::corrupt, fmt::format("catalog: {}", text)};
        }
        return {};
    }
};

JudgmentCatalog::JudgmentCatalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JudgmentCatalog::JudgmentCatalog(JudgmentCatalog&&) noexcept = default;
JudgmentCatalog& JudgmentCatalog::operator=(JudgmentCatalog&&) noexcept = default;
JudgmentCatalog::~JudgmentCatalog() = default;

Result<JudgmentCatalog> JudgmentCatalog::open(const fs::path& path) {
    std::error_code ec;
    fs::path file = path;
    if (fs::is_directory(path, ec)) {
        file = fs::exists(path / "CURRENT", ec) ? path / "CURRENT" / "catalog.sqlite"
                                                : path / "catalog.sqlite";
    }
    if (!fs::is_regular_file(file, ec)) {
        return Error{Errc::not_found, fmt::format("no catalog at '{}'", file.string())};
    }
    auto impl = std::make_unique<Impl>();
    if (sqlite3_open_v2(file.c_str(), &impl->db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        return Error{Errc::corrupt,
                     fmt::format("cannot open '{}': {}", file.string(), sqlite3_errmsg(impl->db))};
    }
    sqlite3_busy_timeout(impl->db, 5000);
    if (auto s = detail::add_record_json_function(impl->db); !s.ok()) return s.error();
    sqlite3_create_function(impl->db, "atlas_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            sql_fold, nullptr, nullptr);
    sqlite3_create_function(impl->db, "atlas_exact", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                            sql_exact, nullptr, nullptr);
    for (const char* sql :
         {kValuesTable, "CREATE INDEX temp.vals_by_field ON vals(field, text, n, id)",
          "CREATE INDEX temp.vals_by_id ON vals(id, field)", kAncestorsTable,
          "CREATE INDEX temp.anc_by_ancestor ON anc(ancestor, id)",
          "CREATE INDEX temp.anc_by_id ON anc(id)", kRecordsTable,
          "CREATE UNIQUE INDEX temp.records_by_id ON records(id)",
          "CREATE INDEX temp.records_by_kind ON records(source, kind)"}) {
        if (auto s = impl->exec(sql); !s.ok()) {
            return Error{s.error().code, file.string() + ": " + s.error().message};
        }
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(impl->db, "SELECT id, kind, source FROM records", -1, &stmt, nullptr) !=
        SQLITE_OK) {
        return Error{Errc::corrupt, fmt::format("{}: {}", file.string(), sqlite3_errmsg(impl->db))};
    }
    auto text = [&](int c) {
        const auto* t = sqlite3_column_text(stmt, c);
        return std::string(t == nullptr ? "" : reinterpret_cast<const char*>(t));
    };
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        impl->records.emplace(text(0), Impl::Scope{text(1), text(2)});
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        return Error{Errc::corrupt, fmt::format("{}: {}", file.string(), sqlite3_errmsg(impl->db))};
    }
    return JudgmentCatalog(std::move(impl));
}

std::uint64_t JudgmentCatalog::record_count() const { return impl_->records.size(); }

Result<std::vector<std::string>> JudgmentCatalog::select_ids(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(impl_->db, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail) !=
        SQLITE_OK) {
        return bad(fmt::format("sql: {}: {}", sqlite3_errmsg(impl_->db), sql));
    }
    if (stmt == nullptr) return bad(fmt::format("sql: no statement: {}", sql));
    std::string_view rest(tail == nullptr ? "" : tail);
    if (!sqlite3_stmt_readonly(stmt) || sqlite3_column_count(stmt) < 1 ||
        rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
        sqlite3_finalize(stmt);
        return bad(fmt::format("sql: not one read-only SELECT: {}", sql));
    }
    std::vector<std::string> out;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const auto* t = sqlite3_column_text(stmt, 0);
        if (t != nullptr) out.emplace_back(reinterpret_cast<const char*>(t));
    }
    std::string error = sqlite3_errmsg(impl_->db);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return bad(fmt::format("sql: {}: {}", error, sql));
    return out;
}

Result<Judgments> JudgmentCatalog::judge(const JudgedQuery& query) {
    auto in = [](const std::vector<std::string>& allowed, const std::string& value) {
        return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
    };
    Judgments out;
    for (const auto& rule : query.grades) {
        auto ids = select_ids(rule.sql);
        if (!ids.ok()) {
            return Error{ids.error().code, fmt::format("\"{}\" grade {}: {}", query.q, rule.grade,
                                                       ids.error().message)};
        }
        for (auto& id : ids.value()) {
            auto record = impl_->records.find(id);
            if (record == impl_->records.end()) continue;
            if (!in(query.kinds, record->second.kind) ||
                !in(query.sources, record->second.source)) {
                continue;
            }
            int& grade = out[std::move(id)];
            grade = std::max(grade, rule.grade);
        }
    }
    return out;
}

// --- metrics -----------------------------------------------------------------------------

double ndcg_at(const std::vector<std::string>& ranking, const Judgments& judged, std::size_t k) {
    std::vector<int> ideal;
    ideal.reserve(judged.size());
    for (const auto& [id, grade] : judged) {
        if (grade > 0) ideal.push_back(grade);
    }
    std::sort(ideal.begin(), ideal.end(), std::greater<>());
    double best = 0;
    for (std::size_t i = 0; i < std::min(k, ideal.size()); ++i)
        best += gain(ideal[i]) / discount(i + 1);
    if (best == 0) return 0;
    double dcg = 0;
    std::unordered_set<std::string> seen;  // an id returned twice gains once
    for (std::size_t i = 0; i < std::min(k, ranking.size()); ++i) {
        if (!seen.insert(ranking[i]).second) continue;
        dcg += gain(grade_of(judged, ranking[i])) / discount(i + 1);
    }
    return dcg / best;
}

std::size_t first_rank(const std::vector<std::string>& ranking, const Judgments& judged,
                       int min_grade) {
    for (std::size_t i = 0; i < ranking.size(); ++i) {
        if (grade_of(judged, ranking[i]) >= min_grade) return i + 1;
    }
    return 0;
}

double reciprocal_rank(const std::vector<std::string>& ranking, const Judgments& judged,
                       int min_grade) {
    std::size_t rank = first_rank(ranking, judged, min_grade);
    return rank == 0 ? 0.0 : 1.0 / static_cast<double>(rank);
}

double recall_at(const std::vector<std::string>& ranking, const Judgments& judged, std::size_t k) {
    std::size_t relevant = 0;
    for (const auto& [id, grade] : judged) relevant += grade > 0 ? 1 : 0;
    if (relevant == 0 || k == 0) return 0;
    std::unordered_set<std::string> found;
    for (std::size_t i = 0; i < std::min(k, ranking.size()); ++i) {
        if (grade_of(judged, ranking[i]) > 0) found.insert(ranking[i]);
    }
    return static_cast<double>(found.size()) / static_cast<double>(std::min(relevant, k));
}

// --- engines and evaluation --------------------------------------------------------------

Ranker atlas_ranker(Searcher& searcher) {
    return [&searcher](const JudgedQuery& query,
                       std::size_t depth) -> Result<std::vector<std::string>> {
        SearchRequest request;
        request.query = query.q;
        request.kinds = query.kinds;
        request.sources = query.sources;
        request.limit = static_cast<std::uint32_t>(std::min<std::size_t>(depth, kMaxLimit));
        request.snippet_bytes = 0;  // the ids are all that is scored
        auto found = searcher.search(request);
        if (!found.ok()) return found.error();
        std::vector<std::string> ids;
        ids.reserve(found.value().hits.size());
        for (const auto& hit : found.value().hits) ids.push_back(hit.id);
        return ids;
    };
}

Result<Evaluation> evaluate(const JudgedSet& set, JudgmentCatalog& catalog, const Ranker& ranker) {
    Evaluation out;
    for (const auto& query : set.queries) {
        QueryScore score;
        score.query = &query;
        auto started = std::chrono::steady_clock::now();
        auto judged = catalog.judge(query);
        out.seconds_judging += seconds_since(started);
        if (!judged.ok()) return judged.error();
        const Judgments& j = judged.value();
        for (const auto& [id, grade] : j) (grade == 2 ? score.grade2 : score.grade1) += 1;
        const bool exact = query.query_class == "exact_id";
        score.skipped = exact ? score.grade2 == 0 : j.empty();
        if (!score.skipped) {
            started = std::chrono::steady_clock::now();
            auto ranking = ranker(query, kRankingDepth);
            std::vector<std::string> ids;
            if (ranking.ok()) {
                ids = std::move(ranking).value();
            } else {
                score.error =
                    fmt::format("{}: {}", errc_name(ranking.error().code), ranking.error().message);
            }
            if (ids.size() > kRankingDepth) ids.resize(kRankingDepth);
            score.ndcg = ndcg_at(ids, j, kNdcgDepth);
            score.first_relevant = first_rank(ids, j, exact ? 2 : 1);
            score.rr =
                score.first_relevant == 0 ? 0.0 : 1.0 / static_cast<double>(score.first_relevant);
            score.recall = recall_at(ids, j, kRankingDepth);
            for (std::size_t i = 0; i < std::min<std::size_t>(3, ids.size()); ++i) {
                score.top.push_back(ids[i]);
                score.top_grades.push_back(grade_of(j, ids[i]));
            }
            if (!query.correct.empty()) {
                JudgedQuery correct = query;
                correct.q = query.correct;
                auto corrected = ranker(correct, kRankingDepth);
                if (corrected.ok()) {
                    auto& cids = corrected.value();
                    if (cids.size() > kRankingDepth) cids.resize(kRankingDepth);
                    score.correct_ndcg = ndcg_at(cids, j, kNdcgDepth);
                } else {
                    score.correct_ndcg = 0.0;
                    score.correct_error = fmt::format("{}: {}", errc_name(corrected.error().code),
                                                      corrected.error().message);
                }
            }
            out.seconds_ranking += seconds_since(started);
        }
        out.queries.push_back(std::move(score));
    }
    auto summarise = [&](const std::string& name, bool all) {
        ClassScore c;
        c.name = name;
        for (const auto& s : out.queries) {
            if (!all && s.query->query_class != name) continue;
            if (s.skipped) {
                ++c.skipped;
                continue;
            }
            ++c.queries;
            c.ndcg += s.ndcg;
            c.mrr += s.rr;
            c.recall += s.recall;
            if (s.correct_ndcg) {
                ++c.with_correct;
                c.correct_ndcg += *s.correct_ndcg;
                c.gap += *s.correct_ndcg - s.ndcg;
            }
        }
        if (c.queries > 0) {
            auto n = static_cast<double>(c.queries);
            c.ndcg /= n;
            c.mrr /= n;
            c.recall /= n;
        }
        if (c.with_correct > 0) {
            auto n = static_cast<double>(c.with_correct);
            c.correct_ndcg /= n;
            c.gap /= n;
        }
        return c;
    };
    for (const auto& name : query_classes()) out.classes.push_back(summarise(name, false));
    out.overall = summarise("overall", true);
    return out;
}

std::string format_evaluation(const Evaluation& evaluation, bool verbose) {
    std::string out;
    auto row = [&](const ClassScore& c) {
        std::string correct =
            c.with_correct == 0
                ? std::string()
                : fmt::format("   {:>2} {:>7.3f} {:>+6.3f}", c.with_correct, c.correct_ndcg, c.gap);
        out += fmt::format("{:<21} {:>7} {:>7} {:>8.3f} {:>6.3f} {:>10.3f}{}\n", c.name, c.queries,
                           c.skipped, c.ndcg, c.mrr, c.recall, correct);
    };
    out += fmt::format("{:<21} {:>7} {:>7} {:>8} {:>6} {:>10}   {}\n", "class", "queries",
                       "skipped", "nDCG@10", "MRR", "recall@100",
                       " n correct   gap  (queries with a correct form: its nDCG@10, "
                       "correct - typed)");
    for (const auto& c : evaluation.classes) row(c);
    row(evaluation.overall);
    if (!verbose) return out;
    out += "\n";
    for (const auto& s : evaluation.queries) {
        const JudgedQuery& q = *s.query;
        std::string scope;
        for (const auto& k : q.kinds) scope += (scope.empty() ? " [" : ",") + k;
        for (const auto& k : q.sources) scope += (scope.empty() ? " [" : ",") + k;
        if (!scope.empty()) scope += "]";
        if (s.skipped) {
            out += fmt::format("  {:<20} {:<40} skipped (nothing judged relevant here)\n",
                               q.query_class, "\"" + q.q + "\"" + scope);
            continue;
        }
        std::string top;
        for (std::size_t i = 0; i < s.top.size(); ++i) {
            top += fmt::format("{}{}({})", i == 0 ? "" : " ", s.top[i], s.top_grades[i]);
        }
        out += fmt::format(
            "  {:<20} {:<40} nDCG {:.3f} rr {:.3f} (first at {}) recall {:.3f} "
            "judged {}+{}  top: {}{}\n",
            q.query_class, "\"" + q.q + "\"" + scope, s.ndcg, s.rr, s.first_relevant, s.recall,
            s.grade2, s.grade1, top.empty() ? "(none)" : top,
            s.error.empty() ? "" : "  error: " + s.error);
        // The correct form on a line of its own under the typed one, its nDCG@10 in the
        // same column, so the gap between the two reads straight down.
        if (s.correct_ndcg) {
            out += fmt::format("  {:<20} {:<40} nDCG {:.3f} ({:+.3f}){}\n", "",
                               "= \"" + q.correct + "\"", *s.correct_ndcg, *s.correct_ndcg - s.ndcg,
                               s.correct_error.empty() ? "" : "  error: " + s.correct_error);
        }
    }
    return out;
}

std::string evaluation_to_json(const Evaluation& evaluation) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("classes");
    w.StartArray();
    for (const auto& c : evaluation.classes) write_class(w, c);
    w.EndArray();
    w.Key("overall");
    write_class(w, evaluation.overall);
    w.Key("queries");
    w.StartArray();
    for (const auto& s : evaluation.queries) {
        const JudgedQuery& q = *s.query;
        w.StartObject();
        w.Key("q");
        w.String(q.q.c_str());
        w.Key("class");
        w.String(q.query_class.c_str());
        w.Key("skipped");
        w.Bool(s.skipped);
        w.Key("grade2");
        w.Uint64(s.grade2);
        w.Key("grade1");
        w.Uint64(s.grade1);
        if (!s.skipped) {
            if (!s.error.empty()) {
                w.Key("error");
                w.String(s.error.c_str());
            }
            w.Key("ndcg10");
            write_number(w, s.ndcg);
            w.Key("rr");
            write_number(w, s.rr);
            w.Key("recall100");
            write_number(w, s.recall);
            w.Key("first_relevant");
            w.Uint64(s.first_relevant);
            w.Key("top");
            w.StartArray();
            for (const auto& id : s.top) w.String(id.c_str());
            w.EndArray();
            if (s.correct_ndcg) {
                w.Key("correct");
                w.String(q.correct.c_str());
                w.Key("correct_ndcg10");
                write_number(w, *s.correct_ndcg);
                if (!s.correct_error.empty()) {
                    w.Key("correct_error");
                    w.String(s.correct_error.c_str());
                }
            }
        }
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buffer.GetString();
}

}  // namespace atlas::bench
