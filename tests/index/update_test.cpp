// Tests for incremental builds (index/update_plan.h, ShardWriter::append,
// Catalog::open_update, the column file's live.deleted): an update writes
// only what changed and answers every request with the totals and facet
// counts of a full build of the same records.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "atlas/index.h"
#include "atlas/search.h"
#include "catalog.h"
#include "schema/layout.h"
#include "schema/record.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

// Every record of the bundled portals, as the records adapter reads them
// (the catalog's JSON, one per line).
std::vector<std::string> sample_records() {
    fs::path catalog = fs::path(current_generation(test::portal_index().dir).value()) / kCatalogFile;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(catalog.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    REQUIRE(detail::add_record_json_function(db).ok());
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT record_json(record) FROM records ORDER BY id", -1, &s,
                               nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    REQUIRE(out.size() > 1000);
    return out;
}

void write_records(const fs::path& dir, const std::vector<std::string>& lines) {
    fs::create_directories(dir);
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    test::write_file(dir / "records.jsonl", text);
}

// The sample with every 50th record retitled, every 97th removed and 11 new
// ones (copies under new ids): about 2.5 % of the records touched.
struct Changes {
    std::vector<std::string> lines;
    std::set<std::string> changed, removed, added;
};

Changes change_sample(const std::vector<std::string>& sample, const std::string& tag) {
    Changes c;
    for (std::size_t i = 0; i < sample.size(); ++i) {
        Record r = record_from_json(sample[i]).value();
        if (i % 97 == 5) {
            c.removed.insert(r.id);
            continue;
        }
        if (i % 50 == 3) {
            r.title += " " + tag;
            c.changed.insert(r.id);
        }
        c.lines.push_back(to_json(r));
    }
    for (std::size_t i = 0; i < 11; ++i) {
        Record r = record_from_json(sample[i * 101 + 7]).value();
        r.id += "-" + tag + "-copy";
        r.title += " " + tag + " copy";
        c.added.insert(r.id);
        c.lines.push_back(to_json(r));
    }
    return c;
}

BuildReport build(const fs::path& records, const fs::path& out, bool full = false,
                  double max_changed = 0.10) {
    BuildOptions options;
    options.sources.push_back({"records", records.string()});
    options.out_dir = out.string();
    options.full = full;
    options.update_max_changed = max_changed;
    options.top_list_min_freq = 64;  // the sample's frequent terms get lists too
    options.top_list_length = 16;
    auto report = build_index(options);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    return std::move(report).value();
}

// A request's answer reduced to what an update must keep exactly.
struct Answer {
    std::uint64_t total = 0;
    std::map<std::string, std::vector<std::pair<std::string, std::uint64_t>>> facets;
    std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> other_missing;
    std::vector<std::string> ids;  // in page order
    bool operator==(const Answer&) const = default;
};

Answer answer(Searcher& searcher, SearchRequest request) {
    request.limit = 100;
    for (const char* f : {"kind", "source", "organism", "organ", "assay", "sex", "ground_truth"}) {
        request.facets.push_back({f, 20, ""});
    }
    auto result = searcher.search(request);
    REQUIRE_MESSAGE(result.ok(), result.error().message);
    Answer a;
    a.total = result.value().total;
    for (const auto& f : result.value().facets) {
        for (const auto& v : f.values) a.facets[f.field].emplace_back(v.value, v.count);
        a.other_missing[f.field] = {f.other, f.missing};
    }
    for (const auto& h : result.value().hits) a.ids.push_back(h.id);
    return a;
}

// Requests over every part of the reader: words, phrases, a typed id,
// filters, kinds, ranges, sorts, groups, children, and the whole index.
std::vector<SearchRequest> requests(const Changes& c) {
    std::vector<SearchRequest> out;
    for (const char* q : {"", "ribosome", "lung", "tomogram", "carcinoma", "\"cytosolic ribosome\"",
                          "kind:run", "organism:\"Homo sapiens\"", "age:>40", "membrane OR kidney",
                          "revised", "copy", "S. pombe", "HTA1", "*"}) {
        SearchRequest r;
        r.query = q;
        out.push_back(r);
    }
    for (const auto& id : {*c.changed.begin(), *c.removed.begin(), *c.added.begin()}) {
        SearchRequest r;
        r.query = id;
        out.push_back(r);
    }
    SearchRequest by_title;
    by_title.sort.push_back({"title", false});
    out.push_back(by_title);
    SearchRequest filtered;
    filtered.query = "cell";
    filtered.filters.push_back({"source", {"htan"}, Filter::Mode::none});
    filtered.kinds = {"biospecimen", "file", "dataset"};
    out.push_back(filtered);
    SearchRequest grouped;
    grouped.query = "tomogram";
    grouped.group_by = "dataset";
    out.push_back(grouped);
    SearchRequest missing;
    missing.filters.push_back({"organism", {}, Filter::Mode::missing});
    out.push_back(missing);
    return out;
}

// Sorted ids, for requests ranked by relevance: scores may drift slightly
// in an update (Xapian's statistics still count deleted documents).
std::vector<std::string> sorted(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

// Compares an updated index with a full build of the same records.
void check_same_answers(const fs::path& updated, const fs::path& full, const Changes& c) {
    auto u = Searcher::open(updated.string());
    auto f = Searcher::open(full.string());
    REQUIRE(u.ok());
    REQUIRE(f.ok());
    CHECK(u.value().record_count() == f.value().record_count());
    for (const auto& request : requests(c)) {
        CAPTURE(request.query);
        Answer a = answer(u.value(), request);
        Answer b = answer(f.value(), request);
        CHECK(a.total == b.total);
        CHECK(a.facets == b.facets);
        CHECK(a.other_missing == b.other_missing);
        if (a.total <= 100) CHECK(sorted(a.ids) == sorted(b.ids));
        if (!request.sort.empty()) CHECK(a.ids == b.ids);
    }
}

// Each record's docid in the index's current catalog.
std::map<std::string, std::uint32_t> stored_docids(const fs::path& index) {
    auto gen = current_generation(index.string());
    auto catalog = detail::Catalog::open_read((fs::path(gen.value()) / kCatalogFile).string());
    REQUIRE(catalog.ok());
    std::map<std::string, std::uint32_t> out;
    REQUIRE(catalog.value().each_record([&](const detail::StoredRecord& r) {
        out[r.id] = r.docid;
    }).ok());
    return out;
}

std::uint64_t total(Searcher& s, const std::string& query) {
    SearchRequest r;
    r.query = query;
    r.typo_tolerance = false;
    auto result = s.search(r);
    REQUIRE(result.ok());
    return result.value().total;
}

}  // namespace

TEST_CASE("an update writes only the changed records and answers as a full build does") {
    test::TempDir tmp;
    const auto sample = sample_records();
    write_records(tmp.path() / "v0", sample);
    BuildReport first = build(tmp.path() / "v0", tmp.path() / "idx");
    CHECK_FALSE(first.update.updated);
    CHECK(first.update.full_reason == "no current generation");
    const auto docid_before = stored_docids(tmp.path() / "idx");

    Changes c = change_sample(sample, "zymurgy");
    write_records(tmp.path() / "v1", c.lines);
    fs::remove_all(tmp.path() / "v0");
    fs::rename(tmp.path() / "v1", tmp.path() / "v0");
    BuildReport update = build(tmp.path() / "v0", tmp.path() / "idx");
    REQUIRE_MESSAGE(update.update.updated, update.update.full_reason);
    CHECK(update.update.changed == c.changed.size());
    CHECK(update.update.removed == c.removed.size());
    CHECK(update.update.added == c.added.size());
    CHECK(update.update.unchanged == sample.size() - c.changed.size() - c.removed.size());
    CHECK(update.update.docids_before == sample.size());
    CHECK(update.update.deleted == c.changed.size() + c.removed.size());
    CHECK(update.records == c.lines.size());

    BuildReport full = build(tmp.path() / "v0", tmp.path() / "full");
    CHECK_FALSE(full.update.updated);
    check_same_answers(tmp.path() / "idx", tmp.path() / "full", c);

    // Removed records are gone, changed ones are found by their new words only.
    auto s = Searcher::open((tmp.path() / "idx").string());
    REQUIRE(s.ok());
    CHECK(total(s.value(), "zymurgy") == c.changed.size() + c.added.size());
    for (const auto& id : c.removed) CHECK(total(s.value(), id) == 0);
    for (const auto& id : c.added) CHECK(total(s.value(), id) >= 1);
    CHECK(s.value().record_count() == c.lines.size());

    // The catalog holds the new records only, each once; an unchanged record
    // kept its document, the changed and new ones are after the old ones.
    auto gen = current_generation((tmp.path() / "idx").string());
    auto catalog = detail::Catalog::open_read((fs::path(gen.value()) / kCatalogFile).string());
    REQUIRE(catalog.ok());
    std::uint64_t rows = 0, kept = 0;
    REQUIRE(catalog.value().each_record([&](const detail::StoredRecord& r) {
        ++rows;
        CHECK(c.removed.count(r.id) == 0);
        bool written = c.changed.count(r.id) != 0 || c.added.count(r.id) != 0;
        CHECK((r.docid > sample.size()) == written);
        if (written) return;
        CHECK(r.docid == docid_before.at(r.id));
        ++kept;
    }).ok());
    CHECK(rows == c.lines.size());
    CHECK(kept == sample.size() - c.changed.size() - c.removed.size());
    auto changed = catalog.value().record_json(*c.changed.begin());
    REQUIRE(changed.ok());
    CHECK(changed.value()->find("zymurgy") != std::string::npos);
}

TEST_CASE("updates on updates stay equal to a full build, and the previous generation is untouched") {
    test::TempDir tmp;
    const auto sample = sample_records();
    write_records(tmp.path() / "src", sample);
    build(tmp.path() / "src", tmp.path() / "idx");
    Changes c;
    std::vector<std::string> lines = sample;
    for (const char* tag : {"quaffle", "bludger"}) {
        c = change_sample(lines, tag);
        lines = c.lines;
        write_records(tmp.path() / "src", lines);
        BuildReport r = build(tmp.path() / "src", tmp.path() / "idx");
        REQUIRE_MESSAGE(r.update.updated, r.update.full_reason);
    }
    build(tmp.path() / "src", tmp.path() / "full");
    check_same_answers(tmp.path() / "idx", tmp.path() / "full", c);
    // The generation the last update read from is as it was sealed (older
    // ones are removed when a newer one is published).
    for (const char* gen : {"gen-000002", "gen-000003"}) {
        auto verified = verify_index((tmp.path() / "idx").string(), gen);
        REQUIRE(verified.ok());
        CHECK_MESSAGE(verified.value().problems.empty(), gen);
    }
}

TEST_CASE("an unchanged source updates to the same answers and writes no document") {
    test::TempDir tmp;
    const auto sample = sample_records();
    write_records(tmp.path() / "src", sample);
    build(tmp.path() / "src", tmp.path() / "full");
    fs::copy(tmp.path() / "full", tmp.path() / "idx",
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    BuildReport r = build(tmp.path() / "src", tmp.path() / "idx");
    REQUIRE(r.update.updated);
    CHECK(r.update.unchanged == sample.size());
    CHECK(r.update.changed + r.update.added + r.update.removed + r.update.deleted == 0);
    auto id = [&](std::size_t i) { return record_from_json(sample[i]).value().id; };
    check_same_answers(tmp.path() / "idx", tmp.path() / "full",
                       Changes{sample, {id(1)}, {id(500)}, {id(1000)}});
}

TEST_CASE("words and kinds that only removed records held are gone, as in a full build") {
    test::TempDir tmp;
    const auto sample = sample_records();
    // The sample's rarest kind, and three records holding a misspelling no
    // other record has ("ribosme"): once they are gone, it must be corrected.
    std::map<std::string, int> per_kind;
    for (const auto& line : sample) ++per_kind[record_from_json(line).value().kind];
    auto rarest = std::min_element(per_kind.begin(), per_kind.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
    std::vector<std::string> before = sample, after;
    for (std::size_t i = 0; i < 3; ++i) {
        Record r = record_from_json(sample[i * 300 + 1]).value();
        r.id += "-misspelt";
        r.title += " ribosme";
        before.push_back(to_json(r));
    }
    for (const auto& line : sample) {
        if (record_from_json(line).value().kind != rarest->first) after.push_back(line);
    }
    write_records(tmp.path() / "src", before);
    build(tmp.path() / "src", tmp.path() / "idx");
    write_records(tmp.path() / "src", after);
    BuildReport update = build(tmp.path() / "src", tmp.path() / "idx", false, 0.5);
    REQUIRE_MESSAGE(update.update.updated, update.update.full_reason);
    CHECK(update.update.removed == 3 + static_cast<std::uint64_t>(rarest->second));
    build(tmp.path() / "src", tmp.path() / "full");

    auto u = Searcher::open((tmp.path() / "idx").string());
    auto f = Searcher::open((tmp.path() / "full").string());
    REQUIRE(u.ok());
    REQUIRE(f.ok());
    const std::vector<std::string> kinds = u.value().kinds();
    CHECK(kinds == f.value().kinds());
    CHECK(std::find(kinds.begin(), kinds.end(), rarest->first) == kinds.end());
    // Typo tolerance and prefixes must not take the removed records' word for a live one.
    for (const std::string& q :
         std::vector<std::string>{"ribosme", "ribosme membrane", "ribosm*", "kind:" + rarest->first}) {
        CAPTURE(q);
        SearchRequest r;
        r.query = q;
        Answer a = answer(u.value(), r);
        CHECK(a == answer(f.value(), r));
    }
}

TEST_CASE("--full, or too many changes, builds every record again") {
    test::TempDir tmp;
    const auto sample = sample_records();
    write_records(tmp.path() / "src", sample);
    build(tmp.path() / "src", tmp.path() / "idx");
    Changes c = change_sample(sample, "snitch");
    write_records(tmp.path() / "src", c.lines);

    BuildReport forced = build(tmp.path() / "src", tmp.path() / "idx", /*full=*/true);
    CHECK_FALSE(forced.update.updated);
    CHECK(forced.update.full_reason == "--full");

    // 2.5 % of the records changed, over a limit of 1 %: given up, built in full.
    write_records(tmp.path() / "src", change_sample(c.lines, "keeper").lines);
    BuildReport over = build(tmp.path() / "src", tmp.path() / "idx", false, 0.01);
    CHECK_FALSE(over.update.updated);
    CHECK(over.update.full_reason.find("the update was given up") == 0);
    CHECK(over.records > 1000);
    auto s = Searcher::open((tmp.path() / "idx").string());
    REQUIRE(s.ok());
    CHECK(total(s.value(), "keeper") > 0);
    CHECK(s.value().record_count() == over.records);
}

TEST_CASE("the build report's JSON says what an update did") {
    BuildReport r;
    r.update.updated = true;
    r.update.changed = 3;
    r.update.added = 2;
    r.update.removed = 1;
    r.update.unchanged = 90;
    r.update.docids_before = 94;
    r.update.deleted = 4;
    std::string json = to_json(r);
    CHECK(json.find(R"("update":{"updated":true,"full_reason":"","unchanged":90,"changed":3,)"
                    R"("added":2,"removed":1,"docids_before":94,"deleted_before":0,"deleted":4})") !=
          std::string::npos);
}
