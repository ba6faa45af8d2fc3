// relevance_test.cpp - the judged query set (tests/relevance/judged.json) and the relevance
// evaluator (bench/relevance.cpp): the set's shape and rules, the metrics on hand-made
// rankings, and atlas's nDCG@10, MRR and recall@100 per class against floors, on the bundled
// sample of every portal and (when ATLAS_REAL_INDEX names one) on a full-corpus index.
//
// The floors only rise: each is a measured figure rounded down to 0.05, the measurement in
// the comment beside it.  When ranking improves, raise them; never lower one to pass.
#include "relevance.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "atlas/search.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace atlas::bench;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

fs::path judged_file() {
    return fs::path(ATLAS_SOURCE_DIR) / "tests" / "relevance" / "judged.json";
}

const JudgedSet& judged_set() {
    static const JudgedSet set = [] {
        auto loaded = load_judged_set(judged_file());
        REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
        return std::move(loaded).value();
    }();
    return set;
}

// The bundled sample of every portal (data/sources.json): the ctest run's shared index.
const std::string& sample_index() { return atlas::test::portal_index().dir; }

JudgmentCatalog& sample_catalog() {
    static JudgmentCatalog catalog = [] {
        auto opened = JudgmentCatalog::open(sample_index());
        REQUIRE_MESSAGE(opened.ok(), opened.error().message);
        return std::move(opened).value();
    }();
    return catalog;
}

JudgedQuery query(std::string q, std::string query_class, std::vector<GradeRule> grades) {
    JudgedQuery out;
    out.q = std::move(q);
    out.query_class = std::move(query_class);
    out.rule = "a rule";
    out.grades = std::move(grades);
    return out;
}

// The ideal ranking of `judged`: grade 2, then grade 1, ties by id.
std::vector<std::string> ideal(const Judgments& judged) {
    std::vector<std::pair<int, std::string>> by_grade;
    for (const auto& [id, grade] : judged) by_grade.emplace_back(-grade, id);
    std::sort(by_grade.begin(), by_grade.end());
    std::vector<std::string> out;
    for (const auto& [g, id] : by_grade) out.push_back(id);
    return out;
}

struct Floor {
    double ndcg;
    double mrr;
    double recall;
};

// Checks every class (and "overall") of `evaluation` against its floor.
void check_floors(const Evaluation& evaluation, const std::map<std::string, Floor>& floors) {
    MESSAGE("\n" << format_evaluation(evaluation, false));
    std::vector<ClassScore> rows = evaluation.classes;
    rows.push_back(evaluation.overall);
    REQUIRE(floors.size() == rows.size());
    for (const auto& c : rows) {
        CAPTURE(c.name);
        const Floor& f = floors.at(c.name);
        // The epsilon only absorbs rounding in the means (a floor equal to a measured 0.8).
        CHECK(c.ndcg >= f.ndcg - 1e-9);
        CHECK(c.mrr >= f.mrr - 1e-9);
        CHECK(c.recall >= f.recall - 1e-9);
    }
}

}  // namespace

// --- the set -----------------------------------------------------------------------------

TEST_CASE("the judged set has 60+ queries, 6+ per class, each with a rule and graded SQL") {
    const JudgedSet& set = judged_set();
    CHECK(set.queries.size() >= 60);
    CHECK_FALSE(set.doc.empty());
    std::map<std::string, int> per_class;
    std::set<std::string> texts;
    for (const auto& q : set.queries) {
        CAPTURE(q.q);
        ++per_class[q.query_class];
        CHECK(texts.insert(q.q).second);  // no query twice
        CHECK(q.rule.size() >= 20);       // a sentence, not a placeholder
        REQUIRE_FALSE(q.grades.empty());
        for (const auto& g : q.grades) CHECK((g.grade == 1 || g.grade == 2));
        if (q.query_class == "misspelling" || q.query_class == "abbreviation_synonym" ||
            q.query_class == "natural_language") {
            CHECK_FALSE(q.correct.empty());  // the form it should score like (natural
                                             // language: the intent in the query language)
            CHECK(q.correct != q.q);
        }
    }
    for (const auto& c : query_classes()) {
        CAPTURE(c);
        CHECK(per_class[c] >= 6);
    }
}

TEST_CASE("every rule of the judged set runs on the sample - 30+ queries and every portal judged") {
    JudgmentCatalog& catalog = sample_catalog();
    std::size_t evaluated = 0;
    std::set<std::string> sources;
    for (const auto& q : judged_set().queries) {
        CAPTURE(q.q);
        for (const auto& g : q.grades) {
            auto ids = catalog.select_ids(g.sql);
            CHECK_MESSAGE(ids.ok(), ids.error().message);
        }
        auto judged = catalog.judge(q);
        REQUIRE_MESSAGE(judged.ok(), judged.error().message);
        if (judged.value().empty()) continue;
        ++evaluated;
        for (const auto& [id, grade] : judged.value()) sources.insert(id.substr(0, id.find(':')));
    }
    CHECK(evaluated >= 30);
    CHECK(sources == std::set<std::string>{"cryoet", "htan", "hoa", "minerva", "panosc"});
}

TEST_CASE("parse_judged_set refuses what the evaluator could not use, and allows _comments") {
    auto parse = [](const std::string& query) {
        return parse_judged_set(R"({"_doc": ["x"], "queries": [)" + query + "]}");
    };
    const std::string grades = R"("grades": [{"grade": 2, "sql": "SELECT id FROM records"}])";
    auto ok = parse(R"({"q": "ribosome", "class": "fielded", "rule": "r", "_why": "a comment", )" +
                    grades + "}");
    REQUIRE_MESSAGE(ok.ok(), ok.error().message);
    CHECK(ok.value().queries.at(0).grades.at(0).grade == 2);
    CHECK(ok.value().doc == std::vector<std::string>{"x"});

    const std::vector<std::string> refused{
        R"({"q": "a", "class": "organism", "rule": "r", )" + grades + "}",
        R"({"q": "", "class": "fielded", "rule": "r", )" + grades + "}",
        R"({"q": "a", "class": "fielded", "rule": " ", )" + grades + "}",
        R"({"q": "a", "class": "fielded", "rule": "r", "grades": []})",
        R"({"q": "a", "class": "fielded", "rule": "r", "grades": [{"grade": 3, "sql": "SELECT 1"}]})",
        R"({"q": "a", "class": "fielded", "rule": "r", "grades": [{"grade": 2, "sql": ""}]})",
        R"({"q": "a", "class": "fielded", "rule": "r", "grades": [{"grade": 2, "sq": "SELECT 1"}]})",
        R"({"q": "a", "class": "fielded", "rule": "r", "kinds": "run", )" + grades + "}",
        R"({"q": "a", "class": "fielded", "rule": "r", "kind": ["run"], )" + grades + "}",
    };
    for (const std::string& bad : refused) {
        CAPTURE(bad);
        auto parsed = parse(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == atlas::Errc::invalid_request);
    }
    CHECK_FALSE(parse_judged_set("{\"queries\": [").ok());
    CHECK_FALSE(parse_judged_set("{\"querys\": []}").ok());
}

TEST_CASE("the oracle runs only read-only SELECTs and keeps each record's highest grade in scope") {
    JudgmentCatalog& catalog = sample_catalog();
    for (const char* bad :
         {"DELETE FROM records", "SELECT nope FROM records", "SELECT id FROM records; SELECT 1",
          "CREATE TABLE x(id)", "SELECT id FROM no_such_table"}) {
        CAPTURE(bad);
        auto ids = catalog.select_ids(bad);
        REQUIRE_FALSE(ids.ok());
        CHECK(ids.error().code == atlas::Errc::invalid_request);
    }
    // The helper tables: vals (one row per value), anc (ancestors), and the functions.
    auto dataset = catalog.select_ids(
        "SELECT id FROM vals WHERE field = 'organism' AND atlas_fold(text) = "
        "'schizosaccharomyces pombe 972h-' AND id IN (SELECT id FROM records WHERE kind = "
        "'dataset')");
    REQUIRE(dataset.ok());
    CHECK(dataset.value() ==
          std::vector<std::string>{"cryoet:dataset:10000", "cryoet:dataset:10001"});
    auto inside = catalog.select_ids(
        "SELECT id FROM anc WHERE ancestor = 'cryoet:run:10000/TS_026' AND id NOT IN "
        "(SELECT id FROM records WHERE parent = 'cryoet:run:10000/TS_026')");
    REQUIRE(inside.ok());
    CHECK(inside.value().empty());  // a run's descendants are its children
    auto exact = catalog.select_ids(
        "SELECT DISTINCT atlas_exact('organism', text) FROM vals WHERE field = 'organism' AND "
        "text LIKE '%pombe%'");
    REQUIRE(exact.ok());
    CHECK(exact.value().size() == 1);

    // Highest grade wins; unknown ids and ids outside kinds/sources are dropped.
    JudgedQuery q =
        query("pombe", "organism_object",
              {{1, "SELECT id FROM vals WHERE field = 'organism' AND text LIKE '%pombe%'"},
               {2, "SELECT 'cryoet:dataset:10000' UNION SELECT 'no:such:record'"}});
    auto all = catalog.judge(q);
    REQUIRE(all.ok());
    CHECK(all.value().at("cryoet:dataset:10000") == 2);
    CHECK(all.value().at("cryoet:dataset:10001") == 1);
    CHECK(all.value().count("no:such:record") == 0);
    q.kinds = {"dataset"};
    auto datasets = catalog.judge(q);
    REQUIRE(datasets.ok());
    CHECK(datasets.value().size() == 2);
    q.kinds.clear();
    q.sources = {"htan"};
    auto none = catalog.judge(q);
    REQUIRE(none.ok());
    CHECK(none.value().empty());
}

// --- the metrics ---------------------------------------------------------------------------

TEST_CASE("nDCG@10, reciprocal rank and recall@100 on hand-made rankings") {
    const Judgments j{{"a", 2}, {"b", 1}, {"c", 1}};
    // Gains 2^g - 1 (3, 1, 1), discounts log2(rank + 1); the ideal is a, b, c:
    const double idcg = 3.0 + 1.0 / std::log2(3.0) + 1.0 / 2.0;  // 4.1309...
    CHECK(ndcg_at({"a", "b", "c"}, j, 10) == doctest::Approx(1.0));
    CHECK(ndcg_at({"a", "c", "b", "x"}, j, 10) == doctest::Approx(1.0));  // ties swap freely
    // Reversed: 1/1 + 1/log2(3) + 3/2.
    CHECK(ndcg_at({"c", "b", "a"}, j, 10) ==
          doctest::Approx((1.0 + 1.0 / std::log2(3.0) + 1.5) / idcg));
    CHECK(ndcg_at({"c", "b", "a"}, j, 10) == doctest::Approx(0.757924).epsilon(1e-5));
    CHECK(ndcg_at({"x", "a"}, j, 10) == doctest::Approx(3.0 / std::log2(3.0) / idcg));
    CHECK(ndcg_at({"a", "a", "a"}, j, 10) == doctest::Approx(3.0 / idcg));  // once per id
    CHECK(ndcg_at({}, j, 10) == 0.0);
    CHECK(ndcg_at({"a"}, {}, 10) == 0.0);
    std::vector<std::string> late(10, "x");
    late.push_back("a");  // rank 11: outside nDCG@10, inside recall@100
    CHECK(ndcg_at(late, j, 10) == 0.0);
    CHECK(recall_at(late, j, 100) == doctest::Approx(1.0 / 3.0));

    CHECK(first_rank({"x", "y", "b", "a"}, j, 1) == 3);
    CHECK(first_rank({"x", "y", "b", "a"}, j, 2) == 4);
    CHECK(first_rank({"x"}, j, 1) == 0);
    CHECK(reciprocal_rank({"x", "y", "b"}, j, 1) == doctest::Approx(1.0 / 3.0));
    CHECK(reciprocal_rank({"b", "a"}, j, 2) == doctest::Approx(0.5));
    CHECK(reciprocal_rank({"x"}, j, 1) == 0.0);

    CHECK(recall_at({"a", "x", "c"}, j, 100) == doctest::Approx(2.0 / 3.0));
    CHECK(recall_at({"a", "a"}, j, 100) == doctest::Approx(1.0 / 3.0));
    // The denominator is capped at the depth: 150 judged, 100 of them returned = 1.
    Judgments many;
    std::vector<std::string> top, half;
    for (int i = 0; i < 150; ++i) {
        std::string id = std::to_string(i);
        many[id] = 1;
        if (i < 100) top.push_back(id);
        if (i < 50) half.push_back(id);
    }
    CHECK(recall_at(top, many, 100) == doctest::Approx(1.0));
    CHECK(recall_at(half, many, 100) == doctest::Approx(0.5));
}

TEST_CASE("evaluate scores an ideal engine 1, a refusing engine 0, skips what is not judged") {
    JudgmentCatalog& catalog = sample_catalog();
    JudgedSet set;
    const std::string pombe =
        "SELECT id FROM vals WHERE field = 'organism' AND text LIKE '%pombe%'";
    set.queries.push_back(query("pombe ribosome", "organism_object",
                                {{2, pombe + " AND id IN (SELECT id FROM vals WHERE field = "
                                             "'object' AND text LIKE '%ribosom%')"},
                                 {1, pombe}}));
    set.queries.push_back(
        query("10000", "exact_id",
              {{2, "SELECT 'cryoet:dataset:10000'"},
               {1, "SELECT id FROM anc WHERE ancestor = 'cryoet:dataset:10000'"}}));
    set.queries.push_back(query("pombe ribosme", "misspelling", {{2, pombe}}));
    set.queries.back().correct = "pombe ribosome";
    set.queries.push_back(query("nothing", "fielded", {{2, "SELECT 'no:such:record'"}}));
    set.queries.push_back(
        query("children only", "exact_id",
              {{1, "SELECT id FROM anc WHERE ancestor = 'cryoet:dataset:10000'"}}));

    Ranker perfect = [&](const JudgedQuery& q,
                         std::size_t depth) -> atlas::Result<std::vector<std::string>> {
        auto judged = catalog.judge(q);
        if (!judged.ok()) return judged.error();
        auto ids = ideal(judged.value());
        if (ids.size() > depth) ids.resize(depth);
        return ids;
    };
    auto good = evaluate(set, catalog, perfect);
    REQUIRE_MESSAGE(good.ok(), good.error().message);
    const Evaluation& e = good.value();
    REQUIRE(e.queries.size() == 5);
    CHECK_FALSE(e.queries[0].skipped);
    CHECK(e.queries[0].grade2 > 0);
    CHECK(e.queries[0].grade1 > 0);
    CHECK(e.queries[1].first_relevant == 1);
    CHECK(e.queries[2].correct_ndcg.has_value());
    CHECK(e.queries[3].skipped);  // nothing judged on this index
    CHECK(e.queries[4].skipped);  // an exact id whose record is absent
    CHECK(e.overall.queries == 3);
    CHECK(e.overall.skipped == 2);
    CHECK(e.overall.ndcg == doctest::Approx(1.0));
    CHECK(e.overall.mrr == doctest::Approx(1.0));
    CHECK(e.overall.recall == doctest::Approx(1.0));
    CHECK(e.overall.with_correct == 1);
    CHECK(e.overall.gap == doctest::Approx(0.0));
    CHECK(evaluation_to_json(e).find("\"ndcg10\":1.0") != std::string::npos);

    // An engine that returns the relevant records in reverse: exact ids rank their record last.
    Ranker reversed = [&](const JudgedQuery& q,
                          std::size_t depth) -> atlas::Result<std::vector<std::string>> {
        auto ids = perfect(q, depth).value();
        std::reverse(ids.begin(), ids.end());
        return ids;
    };
    auto worse = evaluate(set, catalog, reversed);
    REQUIRE(worse.ok());
    CHECK(worse.value().overall.ndcg < 1.0);
    const QueryScore& id = worse.value().queries[1];
    CHECK(id.first_relevant == std::min<std::size_t>(id.grade1, kRankingDepth - 1) + 1);

    Ranker refusing = [](const JudgedQuery&,
                         std::size_t) -> atlas::Result<std::vector<std::string>> {
        return atlas::Error{atlas::Errc::invalid_query, "no"};
    };
    auto refused = evaluate(set, catalog, refusing);
    REQUIRE(refused.ok());
    CHECK(refused.value().overall.ndcg == 0.0);
    CHECK(refused.value().queries[0].error == "invalid_query: no");
}

// --- atlas --------------------------------------------------------------------------------

TEST_CASE("atlas on the sample: relevance per class stays above its floors") {
    auto searcher = atlas::Searcher::open(sample_index());
    REQUIRE_MESSAGE(searcher.ok(), searcher.error().message);
    auto evaluation = evaluate(judged_set(), sample_catalog(), atlas_ranker(searcher.value()));
    REQUIRE_MESSAGE(evaluation.ok(), evaluation.error().message);
    CHECK(evaluation.value().overall.queries >= 30);
    // Floors: {nDCG@10, MRR, recall@100}; measured on 2026-12-01 (after exact-id ranking and
    // the vocabulary; 82 queries, 68 evaluated on the sample) beside each, in the same order.
    // natural_language and overall measured on 2026-12-07 once the engine read plain words
    // (issue 15; 114 queries, 95 evaluated; the class was 0.16 before).
    const std::map<std::string, Floor> floors = {
        {"organism_object", {0.95, 1.00, 0.50}},       // 0.9905 1.0000 0.5230
        {"assay_organ", {0.90, 1.00, 0.90}},           // 0.9233 1.0000 0.9413
        {"organ_condition", {0.95, 1.00, 0.80}},       // 0.9770 1.0000 0.8460 (12-07)
        {"exact_id", {0.90, 1.00, 0.90}},              // 0.9418 1.0000 0.9244
        {"misspelling", {0.95, 1.00, 0.65}},           // 0.9674 1.0000 0.6622
        {"abbreviation_synonym", {0.75, 0.90, 0.65}},  // 0.7843 0.9091 0.6750
        {"fielded", {0.95, 1.00, 1.00}},               // 1.0000 1.0000 1.0000 (12-07)
        {"natural_language", {0.85, 1.00, 0.80}},      // 0.892 1.000 0.805 (12-08)
        {"overall", {0.90, 0.95, 0.80}},               // 0.9170 0.9890 0.8540
    };
    check_floors(evaluation.value(), floors);
}

TEST_CASE(
    "atlas on the full corpus (ATLAS_REAL_INDEX): relevance per class stays above its floors") {
    // An index of every portal's full export (README "Every portal, full corpora"); building
    // one takes minutes, so the test scores one that is already built.
    const fs::path corpus = fs::path(ATLAS_SOURCE_DIR) / ".." / "shared" / "corpus";
    const char* index = std::getenv("ATLAS_REAL_INDEX");
    if (!fs::exists(corpus) || kSanitized || index == nullptr || *index == '\0') {
        MESSAGE(
            "skipped: set ATLAS_REAL_INDEX to an index of the full corpus (../shared/corpus), "
            "outside sanitizer builds");
        return;
    }
    auto searcher = atlas::Searcher::open(index);
    REQUIRE_MESSAGE(searcher.ok(), searcher.error().message);
    auto catalog = JudgmentCatalog::open(searcher.value().generation());
    REQUIRE_MESSAGE(catalog.ok(), catalog.error().message);
    REQUIRE(catalog.value().record_count() > 100000);  // the full corpus, not the sample
    auto evaluation = evaluate(judged_set(), catalog.value(), atlas_ranker(searcher.value()));
    REQUIRE_MESSAGE(evaluation.ok(), evaluation.error().message);
    CHECK(evaluation.value().overall.skipped == 0);  // every query has relevant records here
    // Floors: {nDCG@10, MRR, recall@100}; measured on 2026-12-01 (after exact-id ranking and
    // the vocabulary; all 82 queries) on the full corpus of 110,008 records beside each;
    // natural_language and overall on 2026-12-07 once the engine read plain words (all 114
    // queries; the class was 0.17 before); (12-08) once the records owning a value the words
    // name came first (query/value_owners.h).
    const std::map<std::string, Floor> floors = {
        {"organism_object", {0.90, 1.00, 0.75}},       // 0.9390 1.0000 0.7870 (12-07)
        {"assay_organ", {0.85, 1.00, 0.90}},           // 0.8631 1.0000 0.9168
        {"organ_condition", {0.95, 1.00, 0.85}},       // 0.9740 1.0000 0.8910 (12-07)
        {"exact_id", {0.90, 1.00, 0.90}},              // 0.9427 1.0000 0.9101
        {"misspelling", {0.95, 1.00, 0.95}},           // 0.959 1.000 0.969 (12-08)
        {"abbreviation_synonym", {0.85, 1.00, 0.85}},  // 0.8550 1.0000 0.8540 (12-07)
        {"fielded", {0.95, 1.00, 1.00}},               // 1.0000 1.0000 1.0000 (12-07)
        {"natural_language", {0.85, 0.95, 0.75}},      // 0.859 0.969 0.778 (12-08)
        {"overall", {0.90, 0.95, 0.85}},               // 0.911 0.991 0.877 (12-08)
    };
    check_floors(evaluation.value(), floors);
}
