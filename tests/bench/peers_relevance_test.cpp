// peers_relevance_test.cpp - the judged set through the SQL peers (bench/peers_relevance.cpp):
// the catalog's records written once each, a judged query as the bench's keyword request,
// and the peers on the bundled sample scored by the same evaluator as atlas.
//
// No floors here: the peers' figures are what the peers do.  The checks are that the
// evaluation is well-formed (the same queries judged and evaluated as for atlas, no query
// refused), that the peer is not trivially broken (plain keyword queries find relevant
// records, a misspelling's correct form scores), and that atlas scores above it overall.
#include "peers_relevance.h"

#include <doctest/doctest.h>

#include <set>

#include "atlas/search.h"
#include "test_util.h"
#ifdef ATLAS_BENCH_POSTGRESQL
#include "pg_server.h"
#endif

namespace {

namespace fs = std::filesystem;
using namespace atlas::bench;

const JudgedSet& judged_set() {
    static const JudgedSet set = [] {
        auto loaded =
            load_judged_set(fs::path(ATLAS_SOURCE_DIR) / "tests" / "relevance" / "judged.json");
        REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
        return std::move(loaded).value();
    }();
    return set;
}

// The bundled sample of every portal, its searcher and its judgments' catalog.
struct Sample {
    atlas::Searcher searcher;
    fs::path generation;
    JudgmentCatalog catalog;
};

Sample& sample() {
    static Sample s = [] {
        auto searcher = atlas::Searcher::open(atlas::test::portal_index().dir);
        REQUIRE_MESSAGE(searcher.ok(), searcher.error().message);
        fs::path generation = searcher.value().generation();
        auto catalog = JudgmentCatalog::open(generation);
        REQUIRE_MESSAGE(catalog.ok(), catalog.error().message);
        return Sample{std::move(searcher).value(), generation, std::move(catalog).value()};
    }();
    return s;
}

// Builds the peer `name` in `dir` from the sample's records and scores it.
Evaluation evaluate_peer(const std::string& name, const fs::path& dir) {
    auto written = write_catalog_records(sample().generation / "catalog.sqlite", dir / "records");
    REQUIRE_MESSAGE(written.ok(), written.error().message);
    auto engine = make_peer(name);
    REQUIRE(engine != nullptr);
    auto built = engine->build(dir / "records", dir / "work");
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    auto session = engine->open_session();
    REQUIRE_MESSAGE(session.ok(), session.error().message);
    auto evaluation = evaluate(judged_set(), sample().catalog, peer_ranker(*session.value()));
    REQUIRE_MESSAGE(evaluation.ok(), evaluation.error().message);
    return std::move(evaluation).value();
}

const ClassScore& class_score(const Evaluation& e, const std::string& name) {
    for (const auto& c : e.classes) {
        if (c.name == name) return c;
    }
    FAIL("no class " << name);
    return e.overall;
}

// The checks every peer passes on the sample (see the file comment).
void check_peer(const Evaluation& peer) {
    auto atlas = evaluate(judged_set(), sample().catalog, atlas_ranker(sample().searcher));
    REQUIRE_MESSAGE(atlas.ok(), atlas.error().message);
    MESSAGE("\n" << format_comparison({"atlas", "peer"}, {&atlas.value(), &peer}));

    REQUIRE(peer.queries.size() == judged_set().queries.size());
    CHECK(peer.overall.queries == atlas.value().overall.queries);
    CHECK(peer.overall.queries >= 30);
    for (const auto& s : peer.queries) {
        CAPTURE(s.query->q);
        CHECK(s.error.empty());
        CHECK(s.correct_error.empty());
        CHECK(s.ndcg >= 0);
        CHECK(s.ndcg <= 1);
        CHECK(s.recall <= 1);
    }
    // Keyword queries over organisms and objects are what a bm25 / ts_rank peer is for.
    CHECK(class_score(peer, "organism_object").ndcg > 0.5);
    // A peer has no spelling correction, but the correct forms reach it as typed.
    const ClassScore& misspelling = class_score(peer, "misspelling");
    CHECK(misspelling.correct_ndcg > misspelling.ndcg + 0.3);
    CHECK(atlas.value().overall.ndcg > peer.overall.ndcg);
    CHECK(atlas.value().overall.mrr > peer.overall.mrr);
}

}  // namespace

TEST_CASE("write_catalog_records writes every record of the catalog once, as it is") {
    atlas::test::TempDir dir;
    auto written = write_catalog_records(sample().generation / "catalog.sqlite", dir.path());
    REQUIRE_MESSAGE(written.ok(), written.error().message);
    CHECK(written.value() == sample().catalog.record_count());
    std::set<std::string> ids;
    std::uint64_t lines = 0;
    auto read = for_each_record(dir.path(), [&](const BenchRecord& r) {
        ++lines;
        ids.insert(r.id);
        return atlas::Status{};
    });
    REQUIRE_MESSAGE(read.ok(), read.error().message);
    CHECK(lines == written.value());
    CHECK(ids.size() == lines);  // no copies ("~c1" ids) and no record twice
    for (const auto& id : ids) CHECK(id.find("~c") == std::string::npos);

    auto missing = write_catalog_records(dir.path() / "none.sqlite", dir.path() / "out");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == atlas::Errc::not_found);
}

TEST_CASE("a judged query reaches a peer as the bench's keyword request, as typed") {
    JudgedQuery q;
    q.q = "  Ribosome S. pombe\torganism:Pombe ";
    q.kinds = {"dataset", "run"};
    q.sources = {"cryoet"};
    BenchRequest r = peer_request(q, 100);
    CHECK(r.text.mode == BenchText::Mode::words);
    CHECK(r.text.words == std::vector<std::string>{"ribosome", "s.", "pombe", "organism:pombe"});
    CHECK(r.kinds == q.kinds);
    REQUIRE(r.filters.size() == 1);
    CHECK(r.filters[0].field == "source");
    CHECK(r.filters[0].values == std::vector<std::string>{"cryoet"});
    CHECK(r.limit == 100);
    CHECK(r.offset == 0);
    CHECK(r.facets.empty());
    CHECK_FALSE(r.group_by_dataset);

    JudgedQuery blank;
    blank.q = std::string(2, ' ');
    r = peer_request(blank, 10);
    CHECK(r.text.mode == BenchText::Mode::none);
    CHECK(r.filters.empty());
    CHECK(r.limit == 10);

    CHECK(make_peer("sqlite") != nullptr);
#ifdef ATLAS_BENCH_POSTGRESQL
    CHECK(make_peer("postgresql") != nullptr);
    CHECK(peer_not_built("postgresql").empty());
#else
    CHECK(make_peer("postgresql") == nullptr);
    CHECK(peer_not_built("postgresql") == "postgresql: not built (libpq-dev missing)");
#endif
    CHECK(make_peer("atlas") == nullptr);
}

TEST_CASE("the SQLite FTS5 peer on the sample: a well-formed evaluation, below atlas overall") {
    atlas::test::TempDir dir;
    check_peer(evaluate_peer("sqlite", dir.path()));
}

TEST_CASE("the PostgreSQL peer on the sample: a well-formed evaluation, below atlas overall") {
#ifdef ATLAS_BENCH_POSTGRESQL
    if (auto bin = PgServer::find_binaries(); !bin.ok()) {
        MESSAGE("skipped: " << bin.error().message);
        return;
    }
    atlas::test::TempDir dir;
    check_peer(evaluate_peer("postgresql", dir.path()));
#else
    MESSAGE("skipped: postgresql: not built (libpq-dev missing)");
#endif
}
