// scale_test.cpp - the scale-up generator (bench/scale_corpus.cpp) and the
// workload drawn from its output (bench/workload_draw.cpp, bench/workload.cpp),
// run on the bundled sample of every portal (data/sources.json).
#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <sqlite3.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "atlas/index.h"
#include "atlas/search.h"
#include "catalog.h"
#include "scale_corpus.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "spelling.h"
#include "test_util.h"
#include "workload.h"
#include "workload_draw.h"

namespace {

namespace fs = std::filesystem;
using namespace atlas::bench;

// The sample of every portal, indexed once per test process.
const fs::path& sample_catalog() {
    static const fs::path catalog =
        fs::path(atlas::test::portal_index().dir) / "CURRENT" / "catalog.sqlite";
    return catalog;
}

ScaleReport scale(const fs::path& out, std::uint64_t records, std::uint64_t seed,
                  std::uint32_t files = 0) {
    ScaleOptions options;
    options.catalog = sample_catalog();
    options.out_dir = out;
    options.records = records;
    options.seed = seed;
    options.files = files;
    auto report = scale_corpus(options);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    return report.value();
}

// Every line of every records-*.jsonl under `dir`, in file order.
std::vector<std::string> read_lines(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> lines;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string line;
        while (std::getline(in, line)) lines.push_back(line);
    }
    return lines;
}

std::string read_all(const fs::path& dir) {
    std::string all;
    for (const auto& line : read_lines(dir)) all += line + "\n";
    return all;
}

}  // namespace

TEST_CASE("scale_corpus writes exactly N parseable records with unique ids and every parent") {
    atlas::test::TempDir dir;
    // 2 whole copies of the sample and part of a third; 3 files.
    const std::uint64_t n = 3000;
    ScaleReport report = scale(dir.path(), n, 42, 3);
    CHECK(report.records == n);
    CHECK(report.files.size() == 3);
    CHECK(report.full_rounds == n / report.real_records);
    CHECK(report.recombined > 0);

    auto lines = read_lines(dir.path());
    REQUIRE(lines.size() == n);
    std::set<std::string> ids;
    std::vector<atlas::Record> records;
    for (const auto& line : lines) {
        auto r = atlas::record_from_json(line);
        REQUIRE_MESSAGE(r.ok(), line.substr(0, 200));
        CHECK_MESSAGE(ids.insert(r.value().id).second, r.value().id);
        records.push_back(std::move(r).value());
    }
    std::map<std::string, const atlas::Record*> by_id;
    for (const auto& r : records) by_id[r.id] = &r;
    for (const auto& r : records) {
        if (!r.parent.empty()) CHECK_MESSAGE(by_id.count(r.parent) == 1, r.id, " -> ", r.parent);
        // The breadcrumb is the parent chain, renamed with the record.
        REQUIRE(!r.breadcrumb.empty());
        CHECK(r.breadcrumb.back().id == r.id);
        if (r.breadcrumb.size() > 1) CHECK(r.breadcrumb[r.breadcrumb.size() - 2].id == r.parent);
        for (const auto& c : r.breadcrumb) CHECK_MESSAGE(by_id.count(c.id) == 1, c.id);
    }
    // A recombined family stays consistent: what a record inherits from its
    // dataset is what the dataset has as its own.
    std::size_t checked = 0;
    for (const auto& r : records) {
        if (r.source != "cryoet" || r.kind == "dataset") continue;
        const atlas::Record* dataset = nullptr;
        for (const auto& c : r.breadcrumb) {
            if (c.kind == "dataset") dataset = by_id.at(c.id);
        }
        if (dataset == nullptr) continue;
        std::multiset<std::string> own, inherited;
        for (const auto* v : dataset->get("organism")) {
            if (v->origin == atlas::Origin::own) own.insert(v->text);
        }
        for (const auto* v : r.get("organism")) {
            if (v->origin == atlas::Origin::inherited) inherited.insert(v->text);
        }
        CHECK_MESSAGE(own == inherited, r.id);
        CHECK(r.breadcrumb.front().label == dataset->breadcrumb.back().label);
        ++checked;
    }
    CHECK(checked > 0);
}

TEST_CASE("scale_corpus is deterministic: the same seed gives the same bytes, another seed not") {
    atlas::test::TempDir a, b, c;
    scale(a.path(), 2000, 7);
    scale(b.path(), 2000, 7);
    scale(c.path(), 2000, 8);
    std::string first = read_all(a.path());
    CHECK(first == read_all(b.path()));
    CHECK(first != read_all(c.path()));
}

TEST_CASE("scale_corpus at the real size writes the real records byte for byte") {
    std::set<std::string> real;
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open_v2(sample_catalog().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
                SQLITE_OK);
        REQUIRE(atlas::detail::add_record_json_function(db).ok());
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, "SELECT record_json(record) FROM records", -1, &st,
                                   nullptr) == SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            real.emplace(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)),
                         static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    atlas::test::TempDir dir;
    ScaleReport report = scale(dir.path(), real.size(), 1);
    CHECK(report.real_records == real.size());
    CHECK(report.recombined == 0);
    CHECK(report.cut == 0);
    for (const auto& k : report.kinds) CHECK(k.written == k.real);
    auto lines = read_lines(dir.path());
    CHECK(lines.size() == real.size());
    CHECK(std::set<std::string>(lines.begin(), lines.end()) == real);
}

TEST_CASE("scale_corpus keeps the real proportions of every kind") {
    atlas::test::TempDir dir;
    // Below the real size whole families are chosen, and the sample's are few
    // and unlike each other (a participant with 3 biospecimens, another with
    // 60), so a kind may move by a few points; above it, whole copies dominate.
    SUBCASE("below the real size (part of one copy)") {
        ScaleReport r = scale(dir.path(), 700, 3);
        for (const auto& k : r.kinds) {
            double real = static_cast<double>(k.real) / static_cast<double>(r.real_records);
            double out = static_cast<double>(k.written) / static_cast<double>(r.records);
            CHECK_MESSAGE(std::abs(out - real) <= 0.05, k.source, "/", k.kind, " real ", real,
                          " written ", out);
        }
    }
    SUBCASE("above it (whole copies and part of one)") {
        ScaleReport r = scale(dir.path(), 5000, 3);
        for (const auto& k : r.kinds) {
            double real = static_cast<double>(k.real) / static_cast<double>(r.real_records);
            double out = static_cast<double>(k.written) / static_cast<double>(r.records);
            CHECK_MESSAGE(std::abs(out - real) <= 0.01, k.source, "/", k.kind, " real ", real,
                          " written ", out);
        }
    }
}

TEST_CASE("atlas indexes every record scale_corpus writes and rejects none") {
    atlas::test::TempDir dir;
    const std::uint64_t n = 2500;
    scale(dir.path() / "records", n, 11, 2);
    atlas::BuildOptions options;
    options.sources = {atlas::SourceSpec{"records", (dir.path() / "records").string()}};
    options.out_dir = (dir.path() / "index").string();
    auto built = atlas::build_index(options);
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    CHECK(built.value().records == n);
    CHECK(built.value().rejected == 0);
    if (built.value().rejected > 0 && !built.value().issues.empty()) {
        MESSAGE(built.value().issues.front().to_line());
    }
}

TEST_CASE("scale_corpus rejects a missing catalog and a zero count") {
    atlas::test::TempDir dir;
    ScaleOptions options;
    options.out_dir = dir.path();
    options.records = 10;
    options.catalog = dir.path() / "no-such.sqlite";
    auto missing = scale_corpus(options);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == atlas::Errc::not_found);
    options.catalog = sample_catalog();
    options.records = 0;
    auto zero = scale_corpus(options);
    REQUIRE_FALSE(zero.ok());
    CHECK(zero.error().code == atlas::Errc::invalid_request);
}

TEST_CASE("draw_workload draws every scenario, and both forms of each request agree") {
    atlas::test::TempDir dir;
    scale(dir.path() / "records", 3000, 5);
    WorkloadOptions options;
    options.records_dir = dir.path() / "records";
    options.seed = 9;
    options.per_scenario = 12;
    auto drawn = draw_workload(options);
    REQUIRE_MESSAGE(drawn.ok(), drawn.error().message);
    const DrawnWorkload& w = drawn.value();
    CHECK(w.records == 3000);
    REQUIRE(w.facets.size() == 6);
    CHECK(w.facets[0] == "kind");
    CHECK(w.facets[1] == "source");

    // Written and read back: every line parses, every scenario is there.
    fs::path file = dir.path() / "workload.jsonl";
    {
        std::ofstream out(file, std::ios::binary);
        for (const auto& item : w.items) out << workload_item_to_json(item) << '\n';
    }
    auto read = read_workload(file);
    REQUIRE_MESSAGE(read.ok(), read.error().message);
    const auto& items = read.value();
    REQUIRE(items.size() == w.items.size());
    std::map<std::string, int> per_scenario;
    for (const auto& item : items) ++per_scenario[item.scenario];
    for (const auto& s : workload_scenarios()) CHECK_MESSAGE(per_scenario[s] > 0, s);

    for (std::size_t i = 0; i < items.size(); ++i) {
        const WorkloadItem& item = items[i];
        CAPTURE(item.request_json);
        // The same line as drawn, and atlas reads the request.
        CHECK(item.request_json == w.items[i].request_json);
        CHECK(bench_request_to_json(item.bench) == bench_request_to_json(w.items[i].bench));
        auto request = atlas::request_from_json(item.request_json);
        if (!request.ok()) FAIL_CHECK(request.error().message);
        const BenchRequest& b = item.bench;
        CHECK(b.limit == 20);
        CHECK(b.native == item.request_json);

        rapidjson::Document doc;
        doc.Parse(item.request_json.c_str());
        REQUIRE(doc.IsObject());
        // Text: the query's words, lower-cased, as atlas tokenizes them.
        std::string query = doc["query"].GetString();
        std::vector<std::string> words;
        for (auto& t : atlas::tokenize(query)) words.push_back(t.term);
        if (query.empty()) {
            CHECK(b.text.mode == BenchText::Mode::none);
        } else {
            CHECK(b.text.words == words);
        }
        // Filters: keyword and identifier values as exact forms, numbers and
        // dates as ranges.
        std::size_t exact = 0, ranges = 0;
        if (doc.HasMember("filters")) {
            for (const auto& f : doc["filters"].GetArray()) {
                const atlas::FieldSpec* spec = atlas::find_field(f["field"].GetString());
                REQUIRE(spec != nullptr);
                std::string value = f["values"][0].GetString();
                if (spec->type == atlas::FieldType::number ||
                    spec->type == atlas::FieldType::date) {
                    REQUIRE(ranges < b.ranges.size());
                    CHECK(b.ranges[ranges].field == spec->name);
                    ++ranges;
                    continue;
                }
                REQUIRE(exact < b.filters.size());
                CHECK(b.filters[exact].field == spec->name);
                REQUIRE(b.filters[exact].values.size() == 1);
                CHECK(b.filters[exact].values[0] == atlas::exact_value(*spec, value));
                ++exact;
            }
        }
        CHECK(exact == b.filters.size());
        CHECK(ranges == b.ranges.size());
        if (item.scenario.ends_with("facets")) CHECK(b.facets.size() == 6);
        if (item.scenario == "deep_page") CHECK(b.offset == 1000);
        if (item.scenario == "group_dataset") CHECK(b.group_by_dataset);
        if (item.scenario == "range_units") CHECK(b.ranges.size() == 1);
    }

    // Deterministic.
    auto again = draw_workload(options);
    REQUIRE(again.ok());
    REQUIRE(again.value().items.size() == w.items.size());
    for (std::size_t i = 0; i < w.items.size(); ++i) {
        CHECK(workload_item_to_json(again.value().items[i]) == workload_item_to_json(w.items[i]));
    }
}

TEST_CASE("draw_workload's typo requests are real keyword requests with one word misspelt") {
    atlas::test::TempDir dir;
    scale(dir.path() / "records", 3000, 5);
    WorkloadOptions options;
    options.records_dir = dir.path() / "records";
    options.seed = 9;
    options.per_scenario = 40;
    auto drawn = draw_workload(options);
    REQUIRE_MESSAGE(drawn.ok(), drawn.error().message);

    // What a keyword request is drawn from: 1-3 consecutive words of a title
    // or an object name.
    std::set<std::string> words, windows;
    for (const auto& line : read_lines(dir.path() / "records")) {
        auto r = atlas::record_from_json(line);
        REQUIRE(r.ok());
        std::vector<std::string> texts{r.value().title};
        for (const auto* v : r.value().get("object")) texts.push_back(v->text);
        for (const auto& text : texts) {
            auto tokens = atlas::tokenize(text);
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                words.insert(tokens[i].term);
                std::string window;
                for (std::size_t j = i; j < tokens.size() && j < i + 3; ++j) {
                    window += (j > i ? " " : "") + tokens[j].term;
                    windows.insert(window);
                }
            }
        }
    }

    std::vector<std::string> typos;
    std::map<unsigned, int> by_edits;
    for (const auto& item : drawn.value().items) {
        if (item.scenario != "typo") continue;
        typos.push_back(workload_item_to_json(item));
        CAPTURE(item.request_json);
        const BenchRequest& b = item.bench;
        REQUIRE(b.text.mode == BenchText::Mode::words);
        REQUIRE(b.text.words.size() >= 1);
        CHECK(b.text.words.size() <= 3);
        CHECK(b.filters.empty());
        CHECK(b.facets.empty());
        CHECK(b.offset == 0);
        // Exactly one word is no word of the records, and it is letters only.
        std::size_t odd = b.text.words.size();
        for (std::size_t i = 0; i < b.text.words.size(); ++i) {
            if (words.count(b.text.words[i]) != 0) continue;
            CHECK(odd == b.text.words.size());
            odd = i;
        }
        REQUIRE(odd < b.text.words.size());
        const std::string& typo = b.text.words[odd];
        for (char c : typo) CHECK((c >= 'a' && c <= 'z'));
        // Put the real word back: a keyword request, 1 or 2 edits away (2 only
        // from 9 letters), within what atlas corrects.
        unsigned best = 3;
        for (const auto& w : words) {
            if (w.size() < 5) continue;
            unsigned d = atlas::detail::edit_distance(typo, w, 2);
            if (d == 0 || d > 2 || (d == 2 && w.size() < 9) || d >= best) continue;
            std::vector<std::string> fixed = b.text.words;
            fixed[odd] = w;
            std::string query;
            for (const auto& f : fixed) query += (query.empty() ? "" : " ") + f;
            if (windows.count(query) != 0) best = d;
        }
        CHECK_MESSAGE(best <= 2, typo);
        CHECK(best <= atlas::detail::allowed_edits(typo.size()));
        ++by_edits[best];
    }
    CHECK(typos.size() == 40);
    CHECK(by_edits[1] > 0);
    CHECK(by_edits[2] > 0);

    // Deterministic: the same seed, the same typos; another seed, others.
    auto again = draw_workload(options);
    REQUIRE(again.ok());
    std::vector<std::string> same, other;
    for (const auto& item : again.value().items) {
        if (item.scenario == "typo") same.push_back(workload_item_to_json(item));
    }
    CHECK(same == typos);
    options.seed = 10;
    auto reseeded = draw_workload(options);
    REQUIRE(reseeded.ok());
    for (const auto& item : reseeded.value().items) {
        if (item.scenario == "typo") other.push_back(workload_item_to_json(item));
    }
    CHECK(other != typos);
}

TEST_CASE("bench_request_from_json reads what bench_request_to_json writes") {
    BenchRequest r;
    r.text.mode = BenchText::Mode::phrase;
    r.text.words = {"vibrio", "cholerae"};
    r.filters = {BenchFilter{"organism", {"vibriocholerae", "homosapiens"}}};
    BenchRange g;
    g.field = "voxel_spacing";
    g.hi = 1.348e-9;
    g.hi_inclusive = false;
    r.ranges = {g};
    r.kinds = {"tomogram"};
    r.facets = {BenchFacet{"organism", 10}};
    r.offset = 40;
    r.group_by_dataset = true;
    std::string json = bench_request_to_json(r);
    auto back = bench_request_from_json(json);
    REQUIRE_MESSAGE(back.ok(), back.error().message);
    CHECK(bench_request_to_json(back.value()) == json);
    CHECK(back.value().ranges[0].hi == 1.348e-9);
    CHECK(std::isinf(back.value().ranges[0].lo));
    CHECK(back.value().text.mode == BenchText::Mode::phrase);

    auto bad = bench_request_from_json(R"({"text":{"mode":"fuzzy"}})");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "unknown text mode 'fuzzy' (none, words, phrase, prefix)");
    auto unknown = bench_request_from_json(R"({"limt":20})");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message == "unknown member 'limt' in bench");
}
