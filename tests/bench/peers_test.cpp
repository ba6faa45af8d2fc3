// peers_test.cpp - the benchmark's peers (bench/sqlite_engine.cpp,
// bench/pg_engine.cpp, bench/pg_server.cpp, bench/orama_engine.cpp) against one
// hand-checked table of expectations: each must give these totals, pages, facet
// counts and groups.  The PostgreSQL and Orama cases skip, saying why, where
// their server or their Node packages are not installed.
//
// The records (one portal, 8 records; runs and the annotation sit in datasets):
//   label id                           kind        organism          sample_type  binning
//   D1    cryoet:dataset:1             dataset     S. cerevisiae     cell_line    2, 4
//   R11   cryoet:run:1/TS_01           run         S. cerevisiae     cell_line    2
//   R12   cryoet:run:1/TS_02           run         S. cerevisiae     cell_line    4
//   D2    cryoet:dataset:2             dataset     H. sapiens        tissue       1
//   R21   cryoet:run:2/TS_01           run         H. sapiens        tissue       8
//   A21   cryoet:annotation:2/TS_01/1  annotation  H. sapiens        -            8
//   D3    cryoet:dataset:3             dataset     H. sap., E. coli  in_vitro     1, 16
//   P9    cryoet:deposition:9          deposition  -                 -            -
// Titles: D1 "Ribosome tomography of yeast", D2 "Mitochondria in human cells",
// D3 "Ribosomes in bacteria"; A21 ("Annotation 1") has "cytosolic ribosome" in
// its body only.  Browse order (atlas's kind ranks, then id):
// D1 D2 D3 P9 R11 R12 R21 A21.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <thread>

#include "orama_engine.h"
#include "peers_relevance.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "sqlite_engine.h"
#include "test_util.h"
#ifdef ATLAS_BENCH_POSTGRESQL
#include "pg_engine.h"
#include "pg_server.h"
#endif

namespace {

namespace fs = std::filesystem;
using namespace atlas::bench;

const std::map<std::string, std::string> kLabels = {
    {"cryoet:dataset:1", "D1"},    {"cryoet:run:1/TS_01", "R11"},
    {"cryoet:run:1/TS_02", "R12"}, {"cryoet:dataset:2", "D2"},
    {"cryoet:run:2/TS_01", "R21"}, {"cryoet:annotation:2/TS_01/1", "A21"},
    {"cryoet:dataset:3", "D3"},    {"cryoet:deposition:9", "P9"},
};

std::string exact(std::string_view field, std::string_view text) {
    return atlas::exact_value(*atlas::find_field(field), text);
}

void write_records(const fs::path& dir) {
    struct Row {
        std::string id, kind, title;
        std::vector<std::string> ancestors;  // ids of dataset and run crumbs, root first
        std::vector<std::string> organisms;
        std::string sample_type;
        std::vector<double> binning;
        std::string object;
    };
    const std::vector<Row> rows = {
        {"cryoet:dataset:1",
         "dataset",
         "Ribosome tomography of yeast",
         {},
         {"Saccharomyces cerevisiae"},
         "cell_line",
         {2, 4},
         ""},
        {"cryoet:run:1/TS_01",
         "run",
         "TS_01",
         {"cryoet:dataset:1"},
         {"Saccharomyces cerevisiae"},
         "cell_line",
         {2},
         ""},
        {"cryoet:run:1/TS_02",
         "run",
         "TS_02",
         {"cryoet:dataset:1"},
         {"Saccharomyces cerevisiae"},
         "cell_line",
         {4},
         ""},
        {"cryoet:dataset:2",
         "dataset",
         "Mitochondria in human cells",
         {},
         {"Homo sapiens"},
         "tissue",
         {1},
         ""},
        {"cryoet:run:2/TS_01",
         "run",
         "TS_01",
         {"cryoet:dataset:2"},
         {"Homo sapiens"},
         "tissue",
         {8},
         ""},
        {"cryoet:annotation:2/TS_01/1",
         "annotation",
         "Annotation 1",
         {"cryoet:dataset:2", "cryoet:run:2/TS_01"},
         {"Homo sapiens"},
         "",
         {8},
         "cytosolic ribosome"},
        {"cryoet:dataset:3",
         "dataset",
         "Ribosomes in bacteria",
         {},
         {"Homo sapiens", "Escherichia coli"},
         "in_vitro",
         {1, 16},
         ""},
        {"cryoet:deposition:9", "deposition", "Phase plate deposition", {}, {}, "", {}, ""},
    };
    fs::create_directories(dir);
    std::ofstream out(dir / "records.jsonl");
    for (const auto& row : rows) {
        atlas::Record r;
        r.id = row.id;
        r.source = "cryoet";
        r.kind = row.kind;
        r.title = row.title;
        if (!row.ancestors.empty()) r.parent = row.ancestors.back();
        for (const auto& a : row.ancestors) {
            r.breadcrumb.push_back(
                {a, a.find(":run:") != std::string::npos ? "run" : "dataset", a});
        }
        r.breadcrumb.push_back({row.id, row.kind, row.title});
        for (const auto& o : row.organisms) r.add("organism", o);
        if (!row.sample_type.empty()) r.add("sample_type", row.sample_type);
        for (double b : row.binning) r.add_number("binning", b, std::to_string(b), "");
        if (!row.object.empty()) r.add("object", row.object);
        out << atlas::to_json(r) << "\n";
    }
}

// ---- requests and results as short strings ------------------------------------

BenchRequest request() { return BenchRequest{}; }

BenchRequest filtered(std::vector<BenchFilter> filters) {
    BenchRequest r;
    r.filters = std::move(filters);
    return r;
}

BenchRequest text(BenchText::Mode mode, std::vector<std::string> words) {
    BenchRequest r;
    r.text.mode = mode;
    r.text.words = std::move(words);
    return r;
}

BenchRange range(double lo, double hi, bool lo_inclusive, bool hi_inclusive) {
    BenchRange r;
    r.field = "binning";
    r.lo = lo;
    r.hi = hi;
    r.lo_inclusive = lo_inclusive;
    r.hi_inclusive = hi_inclusive;
    return r;
}

// "D1 D2 ..." for record ids, the ids themselves for anything unknown.
std::string labels(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) {
        if (!out.empty()) out += ' ';
        auto it = kLabels.find(id);
        out += it != kLabels.end() ? it->second : id;
    }
    return out;
}

// "value=count value=count" for the facet on `field`.
std::string counts(const BenchResult& r, std::string_view field) {
    for (const auto& f : r.facets) {
        if (f.field != field) continue;
        std::string out;
        for (const auto& [value, n] : f.values) {
            if (!out.empty()) out += ' ';
            out += value + "=" + std::to_string(n);
        }
        return out;
    }
    return "(no facet " + std::string(field) + ")";
}

BenchResult run(Session& s, const BenchRequest& r) {
    auto result = s.run(r);
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    return std::move(result).value();
}

constexpr auto inf = std::numeric_limits<double>::infinity();

// The whole table of expectations, for any peer.
void check_peer(Engine& engine) {
    INFO("engine: ", engine.name());
    const std::string kYeast = exact("organism", "Saccharomyces cerevisiae");
    const std::string kHuman = exact("organism", "Homo sapiens");
    const std::string kEcoli = exact("organism", "Escherichia coli");
    auto opened = engine.open_session();
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    Session& s = *opened.value();

    // Browse: no text, browse order, exact totals, paging.
    auto all = run(s, request());
    CHECK(all.total == 8);
    CHECK(labels(all.ids) == "D1 D2 D3 P9 R11 R12 R21 A21");
    BenchRequest page = request();
    page.offset = 2;
    page.limit = 3;
    auto paged = run(s, page);
    CHECK(paged.total == 8);
    CHECK(labels(paged.ids) == "D3 P9 R11");
    page.offset = 100;
    CHECK(run(s, page).ids.empty());
    CHECK(run(s, page).total == 8);

    // Filters: OR within a filter, AND across filters, nothing for no values.
    auto human = run(s, filtered({{"organism", {kHuman}}}));
    CHECK(human.total == 4);
    CHECK(labels(human.ids) == "D2 D3 R21 A21");
    auto yeast_or_coli = run(s, filtered({{"organism", {kYeast, kEcoli}}}));
    CHECK(yeast_or_coli.total == 4);
    CHECK(labels(yeast_or_coli.ids) == "D1 D3 R11 R12");
    auto human_tissue = run(
        s, filtered({{"organism", {kHuman}}, {"sample_type", {exact("sample_type", "tissue")}}}));
    CHECK(human_tissue.total == 2);
    CHECK(labels(human_tissue.ids) == "D2 R21");
    CHECK(run(s, filtered({{"organism", {}}})).total == 0);
    CHECK(run(s, filtered({{"organism", {"nosuchorganism"}}})).total == 0);

    // Ranges: any value of the record in the range, bounds as asked.
    auto ranged = [&](BenchRange r) {
        BenchRequest req;
        req.ranges.push_back(r);
        return run(s, req);
    };
    CHECK(labels(ranged(range(2, 8, true, false)).ids) == "D1 R11 R12");
    CHECK(labels(ranged(range(2, 8, false, true)).ids) == "D1 R12 R21 A21");
    CHECK(labels(ranged(range(2, 8, true, true)).ids) == "D1 R11 R12 R21 A21");
    CHECK(labels(ranged(range(2, 8, false, false)).ids) == "D1 R12");
    CHECK(labels(ranged(range(8, inf, true, true)).ids) == "D3 R21 A21");
    CHECK(labels(ranged(range(-inf, 1, true, true)).ids) == "D2 D3");
    CHECK(ranged(range(-inf, inf, true, true)).total == 7);  // every record with a binning
    CHECK(ranged(range(5, 6, true, true)).total == 0);

    // Kinds: OR, and ANDed with filters.
    BenchRequest kinds;
    kinds.kinds = {"run", "annotation"};
    CHECK(labels(run(s, kinds).ids) == "R11 R12 R21 A21");
    kinds.kinds = {"deposition"};
    CHECK(labels(run(s, kinds).ids) == "P9");
    BenchRequest human_datasets = filtered({{"organism", {kHuman}}});
    human_datasets.kinds = {"dataset"};
    CHECK(labels(run(s, human_datasets).ids) == "D2 D3");

    // Facets: disjunctive (a facet ignores its own field's filters), a record
    // counts once per value, count desc then value asc, top `size`.
    BenchRequest faceted = filtered({{"organism", {kHuman}}});
    faceted.facets = {{"organism", 10}, {"sample_type", 10}, {"kind", 10}};
    auto f = run(s, faceted);
    CHECK(f.total == 4);
    REQUIRE(f.facets.size() == 3);
    CHECK(f.facets[0].field == "organism");
    CHECK(counts(f, "organism") == kHuman + "=4 " + kYeast + "=3 " + kEcoli + "=1");
    CHECK(counts(f, "sample_type") ==
          exact("sample_type", "tissue") + "=2 " + exact("sample_type", "in_vitro") + "=1");
    CHECK(counts(f, "kind") == "dataset=2 annotation=1 run=1");
    faceted.facets = {{"organism", 1}};
    CHECK(counts(run(s, faceted), "organism") == kHuman + "=4");
    BenchRequest landing = request();
    landing.facets = {{"kind", 10}, {"organism", 2}};
    auto l = run(s, landing);
    CHECK(counts(l, "kind") == "dataset=3 run=3 annotation=1 deposition=1");
    CHECK(counts(l, "organism") == kHuman + "=4 " + kYeast + "=3");
    BenchRequest two =
        filtered({{"organism", {kYeast}}, {"sample_type", {exact("sample_type", "cell_line")}}});
    two.facets = {{"organism", 10}, {"sample_type", 10}};
    two.ranges.push_back(range(4, inf, true, true));
    auto t = run(s, two);
    CHECK(labels(t.ids) == "D1 R12");
    CHECK(counts(t, "organism") == kYeast + "=2");  // cell_line and binning >= 4: D1, R12
    CHECK(counts(t, "sample_type") == exact("sample_type", "cell_line") + "=2");

    // Groups: by dataset, ranked by their best record, paged by group.
    BenchRequest grouped = request();
    grouped.group_by_dataset = true;
    auto g = run(s, grouped);
    CHECK(g.total == 8);
    CHECK(g.group_total == 4);
    CHECK(labels(g.ids) == "D1 D2 D3 P9");
    grouped.offset = 1;
    grouped.limit = 2;
    g = run(s, grouped);
    CHECK(g.group_total == 4);
    CHECK(labels(g.ids) == "D2 D3");
    grouped.offset = 0;
    grouped.limit = 20;
    grouped.kinds = {"run", "annotation"};
    g = run(s, grouped);
    CHECK(g.total == 4);
    CHECK(g.group_total == 2);
    CHECK(labels(g.ids) == "D1 D2");

    // Text: stemmed words (AND), relevance with the title first, prefix, phrase.
    auto ribosomes = run(s, text(BenchText::Mode::words, {"ribosomes"}));
    CHECK(ribosomes.total == 3);
    REQUIRE(ribosomes.ids.size() == 3);
    // Title matches (D1, D3) rank above the body match (A21).
    const std::string first_two = labels({ribosomes.ids[0], ribosomes.ids[1]});
    CHECK((first_two == "D1 D3" || first_two == "D3 D1"));
    CHECK(labels({ribosomes.ids[2]}) == "A21");
    CHECK(run(s, text(BenchText::Mode::words, {"yeast", "ribosome"})).total == 1);
    CHECK(run(s, text(BenchText::Mode::words, {"yeast", "bacteria"})).total == 0);
    auto prefix = run(s, text(BenchText::Mode::prefix, {"ribo"}));
    CHECK(prefix.total == 3);
    CHECK(labels(run(s, text(BenchText::Mode::prefix, {"cytosolic", "ribo"})).ids) == "A21");
    CHECK(labels(run(s, text(BenchText::Mode::phrase, {"cytosolic", "ribosome"})).ids) == "A21");
    CHECK(run(s, text(BenchText::Mode::phrase, {"ribosome", "cytosolic"})).total == 0);
    CHECK(run(s, text(BenchText::Mode::words, {"it's", "back\\slash", "\"quoted\""})).total == 0);

    // Text with filters and facets: facets count the text's matches.
    BenchRequest mixed = text(BenchText::Mode::words, {"ribosomes"});
    mixed.filters = {{"organism", {kHuman}}};
    mixed.facets = {{"organism", 10}};
    auto m = run(s, mixed);
    CHECK(m.total == 2);
    CHECK(labels(m.ids).find("D3") != std::string::npos);
    CHECK(counts(m, "organism") == kHuman + "=2 " + kEcoli + "=1 " + kYeast + "=1");
    BenchRequest text_groups = text(BenchText::Mode::words, {"ribosomes"});
    text_groups.group_by_dataset = true;
    g = run(s, text_groups);
    CHECK(g.group_total == 3);
    REQUIRE(g.ids.size() == 3);
    CHECK(labels({g.ids[2]}) == "D2");  // through A21, a body match

    // Sessions are independent connections: two threads at once.
    BenchRequest busy = filtered({{"organism", {kHuman}}});
    busy.facets = {{"kind", 10}};
    std::vector<std::string> seen(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
        threads.emplace_back([&, i] {
            auto session = engine.open_session();
            if (!session.ok()) return;
            for (int round = 0; round < 50; ++round) {
                auto r = session.value()->run(busy);
                if (!r.ok()) return;
                seen[static_cast<std::size_t>(i)] =
                    labels(r.value().ids) + " | " + counts(r.value(), "kind");
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(seen[0] == "D2 D3 R21 A21 | dataset=2 annotation=1 run=1");
    CHECK(seen[1] == seen[0]);

    CHECK(engine.index_bytes() > 0);
}

}  // namespace

TEST_CASE("the SQLite FTS5 peer gives the hand-checked totals, pages, facets and groups") {
    atlas::test::TempDir dir;
    write_records(dir.path() / "records");
    auto engine = make_sqlite_engine();
    CHECK(engine->name() == "sqlite-fts5");
    auto built = engine->build(dir.path() / "records", dir.path() / "work");
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    check_peer(*engine);
}

TEST_CASE("the SQLite FTS5 peer reports a records dir without records") {
    atlas::test::TempDir dir;
    auto engine = make_sqlite_engine();
    auto built = engine->build(dir.path() / "none", dir.path() / "work");
    REQUIRE_FALSE(built.ok());
    CHECK(built.error().code == atlas::Errc::not_found);
    CHECK_FALSE(engine->open_session().ok());
}

#ifdef ATLAS_BENCH_POSTGRESQL
TEST_CASE("the PostgreSQL peer gives the same hand-checked results as the SQLite peer") {
    if (auto bin = PgServer::find_binaries(); !bin.ok()) {
        MESSAGE("skipped: " << bin.error().message);
        return;
    }
    atlas::test::TempDir dir;
    write_records(dir.path() / "records");
    auto engine = make_pg_engine();
    CHECK(engine->name() == "postgresql");
    auto built = engine->build(dir.path() / "records", dir.path() / "work");
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    check_peer(*engine);
}

TEST_CASE("PgServer starts a private server and removes its directory when destroyed") {
    if (auto bin = PgServer::find_binaries(); !bin.ok()) {
        MESSAGE("skipped: " << bin.error().message);
        return;
    }
    atlas::test::TempDir dir;
    fs::path server_dir;
    {
        auto server = PgServer::start(dir.path());
        REQUIRE_MESSAGE(server.ok(), server.error().message);
        server_dir = server.value()->dir();
        CHECK(fs::exists(server_dir / "data" / "PG_VERSION"));
        CHECK(server.value()->conninfo("postgres").find("dbname='postgres'") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(server_dir));
}

TEST_CASE("the PostgreSQL peer stops its server when the records cannot be read") {
    if (auto bin = PgServer::find_binaries(); !bin.ok()) {
        MESSAGE("skipped: " << bin.error().message);
        return;
    }
    atlas::test::TempDir dir;
    auto engine = make_pg_engine();
    auto built = engine->build(dir.path() / "none", dir.path() / "work");
    REQUIRE_FALSE(built.ok());
    CHECK(built.error().code == atlas::Errc::not_found);
    CHECK_FALSE(engine->open_session().ok());
}
#else
TEST_CASE("without libpq-dev the PostgreSQL peer is left out, and says so") {
    MESSAGE("skipped: the PostgreSQL peer's tests (postgresql: not built, libpq-dev missing)");
    CHECK(make_peer("postgresql") == nullptr);
    CHECK(peer_not_built("postgresql") == "postgresql: not built (libpq-dev missing)");
    CHECK(peer_not_built("sqlite").empty());
}
#endif

TEST_CASE("the Orama peer gives the same hand-checked results as the SQLite peer") {
    if (std::string why = orama_unavailable(); !why.empty()) {
        MESSAGE("skipped: " << why);
        return;
    }
    atlas::test::TempDir dir;
    write_records(dir.path() / "records");
    auto engine = make_orama_engine();
    CHECK(engine->name() == "orama");
    auto built = engine->build(dir.path() / "records", dir.path() / "work");
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    check_peer(*engine);
    CHECK_FALSE(engine->index_note().empty());
}

TEST_CASE("the Orama peer reports a records dir without records, or why it cannot run") {
    atlas::test::TempDir dir;
    auto engine = make_orama_engine();
    auto built = engine->build(dir.path() / "none", dir.path() / "work");
    REQUIRE_FALSE(built.ok());
    CHECK(built.error().code == atlas::Errc::not_found);
    CHECK_FALSE(engine->open_session().ok());
}

TEST_CASE("the Orama peer's request and answer lines") {
    BenchRequest r = text(BenchText::Mode::prefix, {"cryo", "ribo"});
    r.filters = {{"organism", {"homo sapiens"}}};
    r.kinds = {"Dataset"};
    r.ranges = {range(2, inf, false, true), range(-inf, 1, true, true)};
    r.facets = {{"kind", 5}};
    r.offset = 40;
    r.group_by_dataset = true;
    REQUIRE(exact("kind", "Dataset") == "dataset");  // kinds go in their exact form
    CHECK(orama_request_json(r) ==
          R"({"text":{"mode":"prefix","words":["cryo","ribo"]},)"
          R"("filters":[{"field":"organism","values":["homo sapiens"]}],"kinds":["dataset"],)"
          R"("ranges":[{"field":"binning","lo":2.0,"hi":"Infinity","lo_inclusive":false,)"
          R"("hi_inclusive":true},{"field":"binning","lo":"-Infinity","hi":1.0,)"
          R"("lo_inclusive":true,"hi_inclusive":true}],)"
          R"("facets":[{"field":"kind","size":5}],"offset":40,"limit":20,"group":true})");

    auto ok = orama_result_from_json(
        R"({"total":3,"ids":["a","b"],"facets":[{"field":"kind","values":[["run",2]]}],)"
        R"("group_total":2})");
    REQUIRE_MESSAGE(ok.ok(), ok.error().message);
    CHECK(ok.value().total == 3);
    CHECK(ok.value().ids == std::vector<std::string>{"a", "b"});
    CHECK(counts(ok.value(), "kind") == "run=2");
    CHECK(ok.value().group_total == 2);
    auto refused = orama_result_from_json(R"({"error":"UNKNOWN_INDEX"})");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message == "orama: UNKNOWN_INDEX");
    CHECK_FALSE(
        orama_result_from_json(R"({"total":-1,"ids":[],"facets":[],"group_total":0})").ok());
    CHECK_FALSE(orama_result_from_json("not json").ok());
}
