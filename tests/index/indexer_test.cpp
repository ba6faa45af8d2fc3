// Tests for index/indexer.cpp, catalog.cpp and generation.cpp through atlas/index.h:
// builds, bad input, carry-over, atomic generations, locking and schema versions.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <xapian.h>

#include <filesystem>
#include <set>

#include "atlas/index.h"
#include "atlas/search.h"
#include "catalog.h"
#include "generation.h"
#include "manifest_writer.h"
#include "schema/compression.h"
#include "schema/layout.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "shard_writer.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

// A small real corpus to damage: dataset 10000 (10 runs), 10011 and the depositions.
fs::path copy_corpus(const fs::path& to) {
    for (const char* part : {"10000", "10011", "depositions_metadata"}) {
        test::copy_tree(test::sample_cryoet() / part, to / part);
    }
    return to;
}

Result<BuildReport> build(const fs::path& source, const fs::path& out, bool allow_shrink = false) {
    BuildOptions options;
    options.sources.push_back({"cryoet", source.string()});
    options.out_dir = out.string();
    options.allow_shrink = allow_shrink;
    return build_index(options);
}

std::uint64_t hits(const fs::path& index, const std::string& query) {
    return test::total_hits(index, query);
}

std::string current(const fs::path& index) {
    return fs::read_symlink(index / kCurrentLink).string();
}

const IngestIssue* issue_for(const BuildReport& r, const std::string& file) {
    for (const auto& i : r.issues) {
        if (i.file == file) return &i;
    }
    return nullptr;
}

std::int64_t sql_int(const fs::path& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    REQUIRE(detail::add_record_json_function(db).ok());
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    std::int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

}  // namespace

TEST_CASE("building the sample indexes every record of every kind and publishes one generation") {
    test::TempDir dir;
    auto report = build(test::sample_cryoet(), dir.path() / "index");
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    const BuildReport& r = report.value();
    CHECK(r.generation == "gen-000001");
    CHECK(current(dir.path() / "index") == "gen-000001");
    CHECK(r.rejected == 0);
    CHECK(r.records > 300);
    std::uint64_t sum = 0;
    for (const auto& [kind, n] : r.records_per_kind) sum += n;
    CHECK(sum == r.records);
    CHECK(r.records_per_kind.size() == 6);
    CHECK(r.warnings == r.issues.size());
    CHECK(r.index_bytes > 0);
    auto stats = read_index_stats((dir.path() / "index").string());
    REQUIRE(stats.ok());
    CHECK(stats.value().records_per_kind == r.records_per_kind);
    // One source: its table is the per-kind table.
    CHECK(r.records_per_source.size() == 1);
    CHECK(r.records_per_source.at("cryoet") == r.records_per_kind);
    CHECK(stats.value().records_per_source == r.records_per_source);
    CHECK(stats.value().issues.size() == r.issues.size());
    CHECK(stats.value().schema_version == kSchemaVersion);
    // Where the time went: the main thread's stages and the serial ones add
    // up to no more than the build (the shard threads' are thread-seconds).
    REQUIRE(r.stages.size() == 16);
    CHECK(r.stages.front().name == "read and map (adapters)");
    CHECK(r.stages.back().name == "seal (MANIFEST, fsync) and check");
    double serial = 0;
    for (const auto& stage : r.stages) {
        CHECK(stage.seconds >= 0);
        if (!stage.concurrent) serial += stage.seconds;
    }
    CHECK(serial <= r.seconds * 1.01);
    CHECK(serial >= r.seconds * 0.5);
    CHECK(to_json(r).find("\"stages\":[{\"name\":\"read and map (adapters)\",\"seconds\":") !=
          std::string::npos);
}

TEST_CASE("every shard of a generation is compacted into full 64 KiB blocks") {
    test::TempDir dir;
    REQUIRE(build(test::sample_cryoet(), dir.path() / "index").ok());
    fs::path xapian = dir.path() / "index" / "gen-000001" / kXapianDir;
    std::size_t shards = 0, tables = 0;
    for (const auto& entry : fs::directory_iterator(xapian)) {
        if (!entry.is_directory()) continue;
        CHECK_MESSAGE(entry.path().filename().string().starts_with("shard-"), entry.path());
        ++shards;
        for (const auto& file : fs::directory_iterator(entry.path())) {
            if (file.path().extension() != ".glass" || file.file_size() == 0) continue;
            ++tables;
            // A glass table is a whole number of its blocks; the writer's are 8 KiB.
            CHECK_MESSAGE(file.file_size() % 65536 == 0, file.path(), " ", file.file_size());
        }
    }
    CHECK(shards == detail::default_shard_count());
    CHECK(tables >= shards * 2);  // postlist, position (the display data has files of its own)
    // Compacted in place: the stub still opens them all, with every record.
    Xapian::Database db(xapian.string());
    auto stats = read_index_stats((dir.path() / "index").string());
    REQUIRE(stats.ok());
    std::uint64_t records = 0;
    for (const auto& [kind, n] : stats.value().records_per_kind) records += n;
    CHECK(db.get_doccount() == records);
    CHECK(db.get_lastdocid() == records);
}

TEST_CASE(
    "the catalog stores records with their JSON, content hashes, parent edges and the report") {
    test::TempDir dir;
    auto report = build(test::sample_cryoet(), dir.path() / "index");
    REQUIRE(report.ok());
    fs::path catalog = dir.path() / "index" / "gen-000001" / kCatalogFile;
    CHECK(sql_int(catalog, "PRAGMA user_version") == kSchemaVersion);
    CHECK(sql_int(catalog, "SELECT count(*) FROM records") ==
          static_cast<std::int64_t>(report.value().records));
    CHECK(sql_int(catalog, "SELECT count(*) FROM edges") ==
          sql_int(catalog, "SELECT count(*) FROM records WHERE parent IS NOT NULL"));
    CHECK(sql_int(catalog, "SELECT count(*) FROM edges WHERE parent = 'cryoet:dataset:10000'") ==
          10);
    CHECK(sql_int(catalog, "SELECT count(*) FROM ingest_report") ==
          static_cast<std::int64_t>(report.value().issues.size()));
    CHECK(sql_int(catalog, "SELECT count(DISTINCT hash) FROM records") ==
          sql_int(catalog, "SELECT count(*) FROM records"));
    CHECK(sql_int(catalog, "SELECT value FROM meta WHERE key = 'atlas.schema_version'") ==
          kSchemaVersion);
    // The JSON is the whole record: SQL can read a field of it.  Datasets with a
    // cytosolic ribosome annotation, counted from the files:
    std::set<std::string> with_ribosome;
    for (const auto& e : fs::recursive_directory_iterator(test::sample_cryoet())) {
        if (e.path().filename().string().starts_with("cytosolic_ribosome")) {
            with_ribosome.insert(
                e.path().lexically_relative(test::sample_cryoet()).begin()->string());
        }
    }
    REQUIRE(with_ribosome.size() >= 2);
    CHECK(sql_int(catalog,
                  "SELECT count(*) FROM records, json_each(record_json(records.record), '$.fields.object') "
                  "WHERE kind = 'dataset' AND json_each.value ->> 'text' = 'cytosolic ribosome'") ==
          static_cast<std::int64_t>(with_ribosome.size()));
}

TEST_CASE("bad files give one line each naming file and field and the rest is indexed") {
    test::TempDir dir;
    fs::path src = copy_corpus(dir.path() / "src");
    fs::path ds = src / "10000";
    // Truncated JSON.
    std::string run = test::read_file(ds / "TS_026" / "run_metadata.json");
    test::write_file(ds / "TS_026" / "run_metadata.json", run.substr(0, run.size() / 2));
    // A file that is not an object.
    test::write_file(ds / "TS_027" / "TiltSeries" / "100" / "tiltseries_metadata.json",
                     "[1, 2, 3]\n");
    // A missing required field.
    fs::path ann = ds / "TS_028" / "Reconstructions" / "VoxelSpacing13.480" / "Annotations" /
                   "101" / "cytosolic_ribosome-1.0.json";
    std::string a = test::read_file(ann);
    auto at = a.find("\"name\": \"cytosolic ribosome\"");
    REQUIRE(at != std::string::npos);
    a.replace(at, 6, "\"label\"");
    test::write_file(ann, a);
    // Pathological nesting (no stack may overflow on input).
    test::write_file(ds / "TS_029" / "run_metadata.json", std::string(1000000, '['));
    // A template marker where a required value should be.
    fs::path dep = src / "depositions_metadata" / "10000" / "deposition_metadata.json";
    std::string d = test::read_file(dep);
    at = d.find("DeePiCt Training and Evaluation Datasets");
    REQUIRE(at != std::string::npos);
    d.replace(at, 40, "REQUIRED");
    test::write_file(dep, d);

    auto report = build(src, dir.path() / "index");
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    const BuildReport& r = report.value();
    CHECK(r.rejected == 5);
    CHECK(r.carried_over == 0);
    const IngestIssue* deep = issue_for(r, "10000/TS_029/run_metadata.json");
    REQUIRE(deep != nullptr);
    CHECK(deep->severity == Severity::error);

    const IngestIssue* truncated = issue_for(r, "10000/TS_026/run_metadata.json");
    REQUIRE(truncated != nullptr);
    CHECK(truncated->severity == Severity::error);
    CHECK(truncated->record == "cryoet:run:10000/TS_026");
    CHECK(truncated->to_line().starts_with(
        "error: 10000/TS_026/run_metadata.json: invalid JSON at offset "));
    CHECK(truncated->to_line().ends_with("; record rejected [cryoet:run:10000/TS_026]"));

    const IngestIssue* array = issue_for(r, "10000/TS_027/TiltSeries/100/tiltseries_metadata.json");
    REQUIRE(array != nullptr);
    CHECK(array->to_line() ==
          "error: 10000/TS_027/TiltSeries/100/tiltseries_metadata.json: is a JSON array, not an "
          "object; record rejected [cryoet:tiltseries:10000/TS_027/100]");

    const IngestIssue* missing =
        issue_for(r,
                  "10000/TS_028/Reconstructions/VoxelSpacing13.480/Annotations/101/"
                  "cytosolic_ribosome-1.0.json");
    REQUIRE(missing != nullptr);
    CHECK(missing->field == "annotation_object.name");
    CHECK(missing->message == "required field is missing; record rejected");

    const IngestIssue* marker = issue_for(r, "depositions_metadata/10000/deposition_metadata.json");
    REQUIRE(marker != nullptr);
    CHECK(marker->field == "deposition_title");
    CHECK(marker->message ==
          "required field holds the template marker 'REQUIRED'; record rejected");

    // The real 10011 quirks are there too, as warnings.
    CHECK(issue_for(r, "10011/dataset_metadata.json") != nullptr);
    for (const auto& i : r.issues) CHECK(i.to_line().find('\n') == std::string::npos);

    // Everything else made it in: the run's own tilt series and annotations,
    // the other runs, the dataset.
    fs::path index = dir.path() / "index";
    CHECK(hits(index, "id:cryoet:run:10000/TS_026") == 0);
    CHECK(hits(index, "id:cryoet:tiltseries:10000/TS_026/100") == 1);
    CHECK(hits(index, "kind:run dataset:10000") == 8);
    CHECK(hits(index, "kind:tiltseries dataset:10000") == 9);
    CHECK(hits(index, "kind:annotation dataset:10000 object:\"cytosolic ribosome\"") == 9);
    CHECK(hits(index, "kind:dataset") == 2);
}

TEST_CASE("a record rejected on rebuild keeps its previous version: nothing indexed is lost") {
    test::TempDir dir;
    fs::path src = copy_corpus(dir.path() / "src");
    fs::path index = dir.path() / "index";
    REQUIRE(build(src, index).ok());
    CHECK(hits(index, "id:cryoet:run:10000/TS_026") == 1);

    test::write_file(src / "10000" / "TS_026" / "run_metadata.json", "{\"run_name\": \"TS_0");
    auto report = build(src, index);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    CHECK(report.value().generation == "gen-000002");
    CHECK(report.value().rejected == 1);
    CHECK(report.value().carried_over == 1);
    const IngestIssue* i = issue_for(report.value(), "10000/TS_026/run_metadata.json");
    REQUIRE(i != nullptr);
    CHECK(i->carried_over);
    CHECK(i->to_line().ends_with("[cryoet:run:10000/TS_026; previous version kept]"));
    CHECK(hits(index, "id:cryoet:run:10000/TS_026") == 1);
    CHECK(hits(index, "kind:run dataset:10000") == 10);
    CHECK(sql_int(index / "gen-000002" / kCatalogFile,
                  "SELECT carried_over FROM records WHERE id = 'cryoet:run:10000/TS_026'") == 1);
    // The previous generation is kept for readers that still have it open.
    CHECK(fs::exists(index / "gen-000001"));
    auto stats = read_index_stats(index.string());
    REQUIRE(stats.ok());
    CHECK(stats.value().generation == "gen-000002");
}

TEST_CASE("a build that fails leaves the current index serving and no half-built generation") {
    test::TempDir dir;
    fs::path src = copy_corpus(dir.path() / "src");
    fs::path index = dir.path() / "index";
    REQUIRE(build(src, index).ok());
    std::uint64_t before = hits(index, "");

    SUBCASE("an export that produced nothing") {
        fs::create_directories(dir.path() / "empty");
        auto r = build(dir.path() / "empty", index);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK(r.error().message ==
              "source 'cryoet' produced no records; the current index is kept");
    }
    SUBCASE("an export that lost most of its records") {
        for (const auto& e : fs::directory_iterator(src / "10000")) {
            if (e.is_directory() && e.path().filename() != "TS_026") fs::remove_all(e.path());
        }
        auto r = build(src, index);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("under half of the") != std::string::npos);
        CHECK(r.error().message.find("--allow-shrink") != std::string::npos);
        CHECK(current(index) == "gen-000001");
        auto allowed = build(src, index, /*allow_shrink=*/true);
        REQUIRE(allowed.ok());
        CHECK(current(index) == "gen-000002");
        return;
    }
    SUBCASE("a source path that does not exist") {
        auto r = build(dir.path() / "nowhere", index);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::not_found);
    }
    CHECK(current(index) == "gen-000001");
    CHECK(hits(index, "") == before);
    for (const auto& e : fs::directory_iterator(index)) {
        CHECK_MESSAGE(!e.path().filename().string().ends_with(".tmp"), e.path());
    }
}

TEST_CASE("leftovers of a killed build are cleared and never become current") {
    test::TempDir dir;
    fs::path src = copy_corpus(dir.path() / "src");
    fs::path index = dir.path() / "index";
    REQUIRE(build(src, index).ok());
    fs::create_directories(index / "gen-000002.tmp" / "xapian");
    test::write_file(index / "gen-000002.tmp" / "catalog.sqlite", "half a file");
    CHECK(current(index) == "gen-000001");
    CHECK(hits(index, "kind:dataset") == 2);
    auto r = build(src, index);
    REQUIRE(r.ok());
    CHECK_FALSE(fs::exists(index / "gen-000002.tmp"));
    CHECK(current(index) == r.value().generation);
    CHECK(hits(index, "kind:dataset") == 2);
}

TEST_CASE("a second writer is refused while a build holds the lock") {
    test::TempDir dir;
    fs::path index = dir.path() / "index";
    fs::create_directories(index);
    auto lock = detail::WriterLock::acquire(index);
    REQUIRE(lock.ok());
    auto r = build(test::sample_cryoet(), index);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::unavailable);
    CHECK(r.error().message.starts_with("another atlas-index build is writing"));
}

TEST_CASE("both stores record the schema version and a mismatched index is refused") {
    test::TempDir dir;
    fs::path index = dir.path() / "index";
    REQUIRE(build(test::sample_cryoet(), index).ok());
    fs::path gen = index / "gen-000001";
    {
        Xapian::Database db((gen / kXapianDir).string());
        CHECK(db.get_metadata(std::string(kMetaSchemaVersion)) == std::to_string(kSchemaVersion));
        CHECK_FALSE(db.get_metadata(std::string(kMetaVocabulary)).empty());
    }
    SUBCASE("the Xapian index") {
        {
            // The index's metadata lives in its first shard (shard_writer.h),
            // which has no termlist table: Xapian must be told so to write it.
            Xapian::WritableDatabase db((gen / kXapianDir / "shard-0").string(),
                                        Xapian::DB_OPEN | Xapian::DB_NO_TERMLIST);
            db.set_metadata(std::string(kMetaSchemaVersion), "0");
            db.commit();
        }
        // As that version's build would have listed it.
        REQUIRE(detail::seal_generation(gen, "version-0").ok());
        auto s = Searcher::open(index.string());
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == Errc::schema_mismatch);
        CHECK(s.error().message ==
              "index '" + index.string() +
                  "' was built with schema version 0; this atlas-search reads version " +
                  std::to_string(kSchemaVersion) + ": rebuild it with atlas-index build");
    }
    SUBCASE("the catalog") {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((gen / kCatalogFile).c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        sqlite3_close(db);
        auto stats = read_index_stats(index.string());
        REQUIRE_FALSE(stats.ok());
        CHECK(stats.error().code == Errc::schema_mismatch);
        CHECK(stats.error().message.find("schema version 99") != std::string::npos);
        // A rebuild over an index of another version starts afresh instead of failing.
        auto rebuilt = build(test::sample_cryoet(), index);
        REQUIRE(rebuilt.ok());
        CHECK(read_index_stats(index.string()).ok());
    }
}

TEST_CASE("progress reports records done against an estimate, ending at the total") {
    test::TempDir dir;
    BuildOptions options;
    options.sources.push_back({"cryoet", test::sample_cryoet().string()});
    options.out_dir = (dir.path() / "index").string();
    std::vector<BuildProgress> seen;
    options.on_progress = [&](const BuildProgress& p) { seen.push_back(p); };
    auto r = build_index(options);
    REQUIRE(r.ok());
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().done == r.value().records);
    CHECK(seen.back().total == r.value().records);
    CHECK(seen.back().source == "cryoet");
    for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i].done >= seen[i - 1].done);
}

TEST_CASE("source specs name a known adapter and a path") {
    auto ok = parse_source_spec("cryoet=/data/mirror");
    REQUIRE(ok.ok());
    CHECK(ok.value().name == "cryoet");
    CHECK(ok.value().path == "/data/mirror");
    CHECK(parse_source_spec("cryoet").error().message ==
          "--source 'cryoet' is not NAME=PATH (e.g. cryoet=/data/mirror)");
    CHECK(parse_source_spec("gdc=/x").error().message ==
          "unknown source 'gdc' (known: cryoet, htan, hoa, panosc, minerva, records)");
    BuildOptions none;
    none.out_dir = "/tmp/x";
    CHECK(build_index(none).error().code == Errc::invalid_request);
}

TEST_CASE(
    "a kept dataset still gives its runs their context, and a kept annotation still rolls up") {
    test::TempDir dir;
    fs::path src = copy_corpus(dir.path() / "src");
    fs::path index = dir.path() / "index";
    REQUIRE(build(src, index).ok());
    std::uint64_t pombe_runs = hits(index, "kind:run organism:pombe");
    REQUIRE(pombe_runs == 10);

    std::string ds = test::read_file(src / "10000" / "dataset_metadata.json");
    test::write_file(src / "10000" / "dataset_metadata.json", ds.substr(0, 500));
    fs::path ann = src / "10000" / "TS_026" / "Reconstructions" / "VoxelSpacing13.480" /
                   "Annotations" / "101" / "cytosolic_ribosome-1.0.json";
    test::write_file(ann, "{\"annotation_object\": ");
    auto report = build(src, index);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    CHECK(report.value().rejected == 2);
    CHECK(report.value().carried_over == 2);
    CHECK(hits(index, "id:cryoet:dataset:10000") == 1);
    CHECK(hits(index, "kind:run organism:pombe") == pombe_runs);
    CHECK(hits(index, "kind:annotation dataset:\"S. pombe cells with defocus\"") > 0);
    // The kept annotation is rolled up into its run and its dataset as before.
    CHECK(hits(index, "id:cryoet:run:10000/TS_026 object:\"cytosolic ribosome\"") == 1);
    CHECK(hits(index, "id:cryoet:annotation:10000/TS_026/13.480/101 organism:pombe") == 1);
    auto s = Searcher::open(index.string());
    SearchRequest r;
    r.query = "id:cryoet:run:10000/TS_027";
    auto run = s.value().search(r);
    REQUIRE(run.value().hits.size() == 1);
    CHECK(run.value().hits[0].breadcrumb[0].label == "S. pombe cells with defocus");
}

TEST_CASE("a record that cannot be a term or JSON is rejected, and the build goes on") {
    test::TempDir dir;
    fs::path src = dir.path() / "src";
    test::copy_tree(test::sample_cryoet() / "10024", src / "10024");
    fs::rename(src / "10024" / "wnj2019-02-21-2", src / "10024" / std::string(230, 'r'));
    fs::rename(src / "10024" / "wnj2019-02-21-3", src / "10024" / "bad\xff\xfename");
    auto report = build(src, dir.path() / "index");
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    const BuildReport& r = report.value();
    bool too_long = false, not_utf8 = false;
    for (const auto& i : r.issues) {
        CHECK(valid_utf8(i.to_line()));  // report lines are text, whatever the folder names
        too_long = too_long ||
                   i.message.find("over the 200-byte limit; record rejected") != std::string::npos;
        not_utf8 = not_utf8 || i.message ==
                                   "the record id (from folder names) is not valid "
                                   "UTF-8; record rejected";
    }
    CHECK(too_long);
    CHECK(not_utf8);
    CHECK(r.rejected >= 2);
    CHECK(hits(dir.path() / "index", "kind:run") == 3);  // the other three runs
}

TEST_CASE("numbers that overflow are reported, and the catalog stays valid JSON") {
    test::TempDir dir;
    fs::path src = dir.path() / "src";
    test::copy_tree(test::sample_cryoet() / "10024", src / "10024");
    fs::path ts =
        src / "10024" / "wnj2019-02-21-1" / "TiltSeries" / "100" / "tiltseries_metadata.json";
    std::string text = test::read_file(ts);
    text.insert(text.find('{') + 1,
                "\"tilt_range\": {\"min\": -1.5e308, \"max\": 1.5e308}, \"total_flux\": 1e308,");
    // (The file's own tilt_range comes later; the first of two keys wins.)
    test::write_file(ts, text);
    auto report = build(src, dir.path() / "index");
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    bool range_reported = false;
    for (const auto& i : report.value().issues) {
        range_reported =
            range_reported ||
            (i.field == "tilt_range" && i.message == "max - min is out of range; range left out");
    }
    CHECK(range_reported);
    // Every stored record reads back.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2((dir.path() / "index" / "gen-000001" / kCatalogFile).c_str(), &db,
                            SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    REQUIRE(detail::add_record_json_function(db).ok());
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT record_json(record) FROM records", -1, &st, nullptr) ==
            SQLITE_OK);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string json(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
        CHECK(record_from_json(json).ok());
        ++rows;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(rows > 10);
}

TEST_CASE("implausible numbers are indexed with one warning each naming file, field and value") {
    // Issue 19's D7: a quality of 97 or -9.2e18, a voltage of 1.2e29 V, a voxel spacing of -0.
    test::TempDir dir;
    fs::path src = copy_corpus(dir.path() / "src");
    fs::path ds = src / "10000";
    auto edit = [](const fs::path& file, const std::string& from, const std::string& to) {
        std::string text = test::read_file(file);
        auto at = text.find(from);
        REQUIRE_MESSAGE(at != std::string::npos, file);
        test::write_file(file, text.replace(at, from.size(), to));
    };
    fs::path ts26 = ds / "TS_026" / "TiltSeries" / "100" / "tiltseries_metadata.json";
    edit(ts26, "\"tilt_series_quality\": 5", "\"tilt_series_quality\": 97");
    edit(ts26, "\"acceleration_voltage\": 300000", "\"acceleration_voltage\": 1.2e29");
    edit(ds / "TS_027" / "TiltSeries" / "100" / "tiltseries_metadata.json",
         "\"tilt_series_quality\": 5", "\"tilt_series_quality\": -9.2e18");
    edit(ds / "TS_028" / "Reconstructions" / "VoxelSpacing13.480" / "Tomograms" / "100" /
             "tomogram_metadata.json",
         "\"voxel_spacing\": 13.48", "\"voxel_spacing\": -0.0");

    auto report = build(src, dir.path() / "index");
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    std::vector<std::string> lines;
    for (const auto& i : report.value().issues) {
        if (i.message.find("plausible range") != std::string::npos) lines.push_back(i.to_line());
    }
    CHECK(lines == std::vector<std::string>{
        "warning: 10000/TS_026/TiltSeries/100/tiltseries_metadata.json: quality: '97' is outside "
        "the plausible range 1 to 5; indexed as written [cryoet:tiltseries:10000/TS_026/100]",
        "warning: 10000/TS_026/TiltSeries/100/tiltseries_metadata.json: acceleration_voltage: "
        "'1.2e+29 V' is outside the plausible range 5 to 3000 kV; indexed as written "
        "[cryoet:tiltseries:10000/TS_026/100]",
        "warning: 10000/TS_027/TiltSeries/100/tiltseries_metadata.json: quality: '-9.2e+18' is "
        "outside the plausible range 1 to 5; indexed as written "
        "[cryoet:tiltseries:10000/TS_027/100]",
        "warning: 10000/TS_028/Reconstructions/VoxelSpacing13.480/Tomograms/100/"
        "tomogram_metadata.json: voxel_spacing: '0 Å' is outside the plausible range 0.1 to "
        "100000 Å; indexed as written [cryoet:tomogram:10000/TS_028/13.480/100]",
    });
    // Warnings only: every record is indexed, with the value as the source wrote it.
    CHECK(report.value().rejected == 0);
    fs::path index = dir.path() / "index";
    CHECK(hits(index, "kind:tiltseries quality:97") == 1);
    CHECK(hits(index, "kind:tiltseries acceleration_voltage:>1000kV") == 1);
    CHECK(hits(index, "kind:tomogram voxel_spacing:..0") == 1);
}

TEST_CASE("ill-formed UTF-8 in a file is repaired and reported - the output stays valid JSON") {
    test::TempDir dir;
    fs::path src = dir.path() / "src";
    test::copy_tree(test::sample_cryoet() / "10440", src / "10440");
    fs::path f = src / "10440" / "dataset_metadata.json";
    std::string text = test::read_file(f);
    auto at = text.find("\"dataset_title\": \"");
    REQUIRE(at != std::string::npos);
    text.insert(at + 18, "Zebra\xff\xfe titlex ");
    test::write_file(f, text);
    auto report = build(src, dir.path() / "index");
    REQUIRE(report.ok());
    bool reported = false;
    for (const auto& i : report.value().issues) {
        reported = reported || (i.file == "10440/dataset_metadata.json" &&
                                i.message == "2 ill-formed UTF-8 sequences replaced by U+FFFD");
    }
    CHECK(reported);
    auto s = Searcher::open((dir.path() / "index").string());
    SearchRequest r;
    r.query = "titlex";
    auto result = s.value().search(r);
    REQUIRE(result.ok());
    REQUIRE(result.value().total == 1);
    CHECK(valid_utf8(to_json(result.value())));
}

TEST_CASE("a FIFO, a wrong-typed required field and a second annotation file are reported") {
    test::TempDir dir;
    fs::path src = dir.path() / "src";
    test::copy_tree(test::sample_cryoet() / "10000" / "TS_026", src / "10000" / "TS_026");
    test::copy_tree(test::sample_cryoet() / "10000" / "TS_027", src / "10000" / "TS_027");
    fs::copy(test::sample_cryoet() / "10000" / "dataset_metadata.json", src / "10000");
    fs::path run = src / "10000" / "TS_026" / "run_metadata.json";
    fs::remove(run);
    REQUIRE(::mkfifo(run.c_str(), 0644) == 0);
    fs::path ann_dir =
        src / "10000" / "TS_027" / "Reconstructions" / "VoxelSpacing13.480" / "Annotations";
    fs::path ribosome = ann_dir / "101" / "cytosolic_ribosome-1.0.json";
    std::string a = test::read_file(ribosome);
    a.replace(a.find("\"name\": \"cytosolic ribosome\""), 28, "\"name\": []");
    test::write_file(ribosome, a);
    fs::copy(ann_dir / "102" / "cytoplasm-1.0.json", ann_dir / "102" / "zzz-copy.json");

    auto report = build(src, dir.path() / "index");
    REQUIRE_MESSAGE(report.ok(), report.error().message);  // and it did not hang on the FIFO
    const BuildReport& r = report.value();
    const IngestIssue* fifo = issue_for(r, "10000/TS_026/run_metadata.json");
    REQUIRE(fifo != nullptr);
    CHECK(fifo->message == "is not a regular file; record rejected");
    const IngestIssue* typed =
        issue_for(r,
                  "10000/TS_027/Reconstructions/VoxelSpacing13.480/Annotations/101/"
                  "cytosolic_ribosome-1.0.json");
    REQUIRE(typed != nullptr);
    CHECK(typed->message == "required field is an array, not a value; record rejected");
    const IngestIssue* extra =
        issue_for(r,
                  "10000/TS_027/Reconstructions/VoxelSpacing13.480/Annotations/102/"
                  "zzz-copy.json");
    REQUIRE(extra != nullptr);
    CHECK(extra->severity == Severity::warning);
    CHECK(r.rejected == 2);
    CHECK(hits(dir.path() / "index", "id:cryoet:annotation:10000/TS_027/13.480/102") == 1);
}

// Stores `frame` as the catalog's copy of `id`.
void store_frame(const fs::path& catalog, const std::string& id, const std::string& frame) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(catalog.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "UPDATE records SET record = ?1 WHERE id = ?2", -1, &s,
                               nullptr) == SQLITE_OK);
    sqlite3_bind_blob(s, 1, frame.data(), static_cast<int>(frame.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(s) == SQLITE_DONE);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

// `json` compressed as the catalog compresses its records (its own dictionary).
std::string catalog_frame(const fs::path& catalog, const std::string& json) {
    std::string dictionary;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(catalog.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT bytes FROM dictionary", -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    dictionary.assign(static_cast<const char*>(sqlite3_column_blob(s, 0)),
                      static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return Compressor(dictionary).compress(json);
}

TEST_CASE("an unreadable kept record is a warning - an unreadable catalog stops the build") {
    // The current catalog's copy of a run whose file is now broken, damaged
    // two ways: JSON that does not parse, compressed bytes that do not
    // decompress.  Each time the build warns and keeps nothing.
    for (bool json_broken : {true, false}) {
        CAPTURE(json_broken);
        test::TempDir dir;
        fs::path src = copy_corpus(dir.path() / "src");
        fs::path index = dir.path() / "index";
        REQUIRE(build(src, index).ok());
        fs::path catalog = index / "gen-000001" / kCatalogFile;
        std::string frame = catalog_frame(catalog, json_broken ? "{\"broken" : "{}");
        if (!json_broken) frame.resize(frame.size() - 2);
        store_frame(catalog, "cryoet:run:10000/TS_026", frame);
        test::write_file(src / "10000" / "TS_026" / "run_metadata.json", "{");
        auto report = build(src, index);
        REQUIRE_MESSAGE(report.ok(), report.error().message);
        CHECK(report.value().carried_over == 0);
        bool warned = false;
        for (const auto& i : report.value().issues) {
            warned = warned ||
                     (i.severity == Severity::warning && i.record == "cryoet:run:10000/TS_026" &&
                      i.message.starts_with("the current index's copy of this record is "
                                            "unreadable"));
        }
        CHECK(warned);
    }
    test::TempDir dir;
    fs::path src = copy_corpus(dir.path() / "src");
    fs::path index = dir.path() / "index";
    REQUIRE(build(src, index).ok());
    fs::path current = index / "gen-000001";
    SUBCASE("a catalog that is not a catalog") {
        test::write_file(current / kCatalogFile, "");
    }
    SUBCASE("a catalog of garbage") {
        test::write_file(current / kCatalogFile, std::string(4096, 'x'));
    }
    auto refused = build(src, index);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.starts_with("the current index cannot be read ("));
    CHECK(refused.error().message.ends_with(
        "); repair it, or rebuild from scratch with --fresh (nothing is carried over then)"));
    BuildOptions fresh;
    fresh.sources.push_back({"cryoet", src.string()});
    fresh.out_dir = index.string();
    fresh.fresh = true;
    auto rebuilt = build_index(fresh);
    REQUIRE(rebuilt.ok());
    CHECK(
        rebuilt.value().notes ==
        std::vector<std::string>{"--fresh: the current index was not read; nothing carried over"});
    CHECK(hits(index, "kind:dataset") == 2);
}
