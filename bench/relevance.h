// relevance.h - the judged query set and the relevance evaluator (nDCG@10, MRR, recall@100).
//
// The judged set (tests/relevance/judged.json) lists queries as portal users
// type them, each with a class and graded judgments.  The judgments are not
// taken from any engine: each grade is an SQL SELECT over the index's catalog
// (<index>/CURRENT/catalog.sqlite) that returns record ids, written from the
// data by a rule stated in plain English beside it.  So any engine (atlas, the
// SQLite FTS5 and PostgreSQL peers) is scored against the same answers.
//
// The rule language (also in judged.json's "_doc"):
//   a query    {"q": "ribosome S. pombe",          the query exactly as typed
//               "class": "organism_object",        one of query_classes()
//               "kinds": [...], "sources": [...],  optional: the request's scope; judged
//                                                  records outside it are dropped
//               "correct": "ribosome pombe",       optional (misspellings, abbreviations):
//                                                  the form it should score like; (natural
//                                                  language) the same intent in the query
//                                                  language ("kind:tomogram HeLa")
//               "rule": "grade 2 = ...; grade 1 = ...",
//               "grades": [{"grade": 2, "sql": "SELECT ..."}, {"grade": 1, "sql": "..."}]}
//   grades     1 (relevant) or 2 (highly relevant); a record selected by several
//              grades takes the highest; ids that are not records are ignored
//   the SQL    read-only SELECTs whose first column is a record id, over:
//                records(id, source, kind, parent, title): the catalog's records
//                  without their JSON (a temp copy, so scans stay fast)
//                vals(id, field, text, n, origin): one row per value of a record's
//                  "fields" in its JSON (text as stored; n the canonical number:
//                  metres, seconds, days...; origin own|inherited|rollup)
//                anc(id, ancestor): every ancestor of a record (its breadcrumb)
//              and two functions: atlas_fold(text) (atlas's case and accent
//              folding) and atlas_exact(field, text) (the exact form a facet
//              filter compares).
//   skipped    a query none of whose grades selects a record on this index
//              (for exact_id: no grade-2 record) is skipped there, and counted.
//
// Metrics, per query, over the ranking an engine returns (at most 100 ids):
//   nDCG@10    gains 2^grade - 1, discount log2(rank + 1); the ideal ranking is
//              every judged record by grade
//   RR         1 / rank of the first record with grade >= 1 (exact_id: grade 2),
//              0 if none in the ranking
//   recall@100 judged records (grade >= 1) in the top 100 / min(judged, 100)
// Class figures are means over the class's evaluated queries; overall figures
// are means over every evaluated query.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atlas/error.h"

namespace atlas {
class Searcher;
}

namespace atlas::bench {

struct GradeRule {
    int grade = 0;  // 1 or 2
    std::string sql;
};

struct JudgedQuery {
    std::string q;
    std::string query_class;
    std::vector<std::string> kinds;
    std::vector<std::string> sources;
    std::string correct;  // empty: none
    std::string rule;
    std::vector<GradeRule> grades;
};

struct JudgedSet {
    std::vector<std::string> doc;  // the file's "_doc" lines
    std::vector<JudgedQuery> queries;
};

// The classes a query may have, in report order: organism_object, assay_organ,
// organ_condition, exact_id, misspelling, abbreviation_synonym, fielded, natural_language.
const std::vector<std::string>& query_classes();

// Parses a judged set.  Every query needs a non-empty q, a known class, a rule
// sentence and at least one grade of 1 or 2 with non-empty SQL; unknown members
// are errors.  Errors: invalid_request, naming the query (its index and q).
Result<JudgedSet> parse_judged_set(std::string_view json);

// Reads and parses a judged set file.  Errors: not_found, io, invalid_request.
Result<JudgedSet> load_judged_set(const std::filesystem::path& file);

// Record id -> grade (1 or 2).  Records not in the map are not relevant.
using Judgments = std::unordered_map<std::string, int>;

// The judgments' oracle: one catalog opened read-only, with the vals and anc
// tables built once (seconds on the full corpus: one pass over every record's
// JSON).  Not thread-safe.
class JudgmentCatalog {
  public:
    // `path` is an index directory (its CURRENT generation), a generation
    // directory, or a catalog.sqlite file.  Errors: not_found, corrupt.
    static Result<JudgmentCatalog> open(const std::filesystem::path& path);

    // Runs one rule's SQL; returns the first column of every row.  Errors:
    // invalid_request (SQL that does not compile, or is not read-only), with the
    // SQLite message.
    Result<std::vector<std::string>> select_ids(const std::string& sql);

    // The grades of one query: every rule run, highest grade kept, ids that are
    // not records or fall outside the query's kinds and sources dropped.
    // Errors: those of select_ids, naming the query.
    Result<Judgments> judge(const JudgedQuery& query);

    std::uint64_t record_count() const;

    JudgmentCatalog(JudgmentCatalog&&) noexcept;
    JudgmentCatalog& operator=(JudgmentCatalog&&) noexcept;
    ~JudgmentCatalog();

  private:
    struct Impl;
    explicit JudgmentCatalog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// --- metrics ---------------------------------------------------------------------------

// nDCG at depth k of `ranking` against `judged` (0 when nothing is judged).
double ndcg_at(const std::vector<std::string>& ranking, const Judgments& judged, std::size_t k);
// 1-based rank of the first record with grade >= min_grade, or 0.
std::size_t first_rank(const std::vector<std::string>& ranking, const Judgments& judged,
                       int min_grade);
// 1 / first_rank, or 0.
double reciprocal_rank(const std::vector<std::string>& ranking, const Judgments& judged,
                       int min_grade);
// Judged records (grade >= 1) in the first k of `ranking` / min(judged, k).
double recall_at(const std::vector<std::string>& ranking, const Judgments& judged, std::size_t k);

// --- engines and evaluation ------------------------------------------------------------

inline constexpr std::size_t kRankingDepth = 100;
inline constexpr std::size_t kNdcgDepth = 10;

// An engine under evaluation: the record ids it returns for one query, best
// first, at most `depth` of them.  Errors (a query the engine refuses) score
// the query 0 and are reported.  `query.q` is the text to run (the evaluator
// passes a copy with q = correct to score a query's correct form).
using Ranker =
    std::function<Result<std::vector<std::string>>(const JudgedQuery& query, std::size_t depth)>;

// atlas itself through the public API: request.query = q, kinds, sources,
// limit = depth.  The searcher must outlive the ranker.
Ranker atlas_ranker(Searcher& searcher);

struct QueryScore {
    const JudgedQuery* query = nullptr;
    bool skipped = false;
    std::string error;       // the engine's error, if it refused the query
    std::size_t grade2 = 0;  // judged records of grade 2
    std::size_t grade1 = 0;  // and of grade 1
    double ndcg = 0;
    double rr = 0;
    double recall = 0;
    std::size_t first_relevant = 0;  // the rank RR counts (0: none)
    std::vector<std::string> top;    // the first 3 ids returned
    std::vector<int> top_grades;     // and their grades (0: not judged)
    // For queries with a correct form: that form's nDCG@10 on the same judgments.
    std::optional<double> correct_ndcg;
    std::string correct_error;
};

struct ClassScore {
    std::string name;         // a class, or "overall"
    std::size_t queries = 0;  // evaluated
    std::size_t skipped = 0;
    double ndcg = 0;  // means over the evaluated queries
    double mrr = 0;
    double recall = 0;
    std::size_t with_correct = 0;  // evaluated queries with a correct form
    double correct_ndcg = 0;       // mean nDCG@10 of those correct forms
    double gap = 0;                // mean (correct form - query) nDCG@10 over them
};

struct Evaluation {
    std::vector<QueryScore> queries;  // in the set's order
    std::vector<ClassScore> classes;  // query_classes() order
    ClassScore overall;
    double seconds_judging = 0;
    double seconds_ranking = 0;
};

// Judges every query on `catalog`, runs it (and its correct form) through
// `ranker`, and scores it.  Errors: those of JudgmentCatalog::judge.
Result<Evaluation> evaluate(const JudgedSet& set, JudgmentCatalog& catalog, const Ranker& ranker);

// The class table, the overall line and (verbose) one line per query, and under a query
// with a correct form a second line: that form, its nDCG@10 and the difference.
std::string format_evaluation(const Evaluation& evaluation, bool verbose);

// {"classes": [{"class", "queries", "skipped", "ndcg10", "mrr", "recall100",
//   "with_correct", "correct_ndcg10", "gap"}], "overall": {...},
//  "queries": [{"q", "class", "skipped", "error", "grade2", "grade1", "ndcg10", "rr",
//   "recall100", "first_relevant", "top": [...], "correct", "correct_ndcg10",
//   "correct_error"}]}
std::string evaluation_to_json(const Evaluation& evaluation);

}  // namespace atlas::bench
