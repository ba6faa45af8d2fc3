// Tests for tools/atlas_index_main.cpp and tools/atlas_search_main.cpp: the built binaries,
// their output, exit codes and messages.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

// An index built by the atlas-index binary: the ctest run's shared one, else
// once per process.
const std::string& cli_index() {
    static test::TempDir dir;
    static const std::string index = [] {
        if (std::string shared = test::shared_index("cryoet"); !shared.empty()) return shared;
        std::string out = (dir.path() / "index").string();
        auto r = test::run_tool(
            test::atlas_index_bin(),
            {"build", "--source", "cryoet=" + test::sample_cryoet().string(), "--out", out});
        REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
        return out;
    }();
    return index;
}

test::CommandResult search(std::vector<std::string> args) {
    args.insert(args.begin(), {"--index", cli_index()});
    return test::run_tool(test::atlas_search_bin(), args);
}

}  // namespace

TEST_CASE("atlas-index build prints a summary per kind and no progress or colour off a terminal") {
    test::TempDir dir;
    auto r = test::run_tool(test::atlas_index_bin(),
                            {"build", "--source", "cryoet=" + test::sample_cryoet().string(),
                             "--out", (dir.path() / "ix").string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out.starts_with("built gen-000001 in "));
    for (const char* kind :
         {"dataset", "deposition", "run", "tiltseries", "tomogram", "annotation", "total"}) {
        CHECK(r.out.find(std::string("  ") + kind) != std::string::npos);
    }
    CHECK(r.out.find("\n0 records rejected, ") != std::string::npos);
    CHECK(
        r.out.find("warning: 10011/dataset_metadata.json: dates.release_date: '2023-XX-XX' is not "
                   "a date (expected YYYY-MM-DD); left out [cryoet:dataset:10011]") !=
        std::string::npos);
    CHECK(r.err.empty());  // no progress line when stderr is not a terminal
    CHECK(r.out.find('\033') == std::string::npos);
}

TEST_CASE("atlas-index build says whether it updated the index, and why not when it did not") {
    test::TempDir dir;
    auto build = [&](std::vector<std::string> more) {
        std::vector<std::string> args = {"build", "--source",
                                         "cryoet=" + test::sample_cryoet().string(), "--out",
                                         (dir.path() / "ix").string(), "--quiet"};
        args.insert(args.end(), more.begin(), more.end());
        auto r = test::run_tool(test::atlas_index_bin(), args);
        CHECK(r.exit_code == 0);
        return r.out;
    };
    CHECK(build({}).find("\nfull build: no current generation\n") != std::string::npos);
    std::string again = build({});
    auto line = again.find("\nupdated: 0 changed, 0 added, 0 removed, ");
    REQUIRE(line != std::string::npos);
    CHECK(again.find(" unchanged (0 deleted docids of ", line) != std::string::npos);
    CHECK(build({"--full"}).find("\nfull build: --full\n") != std::string::npos);
}

TEST_CASE("atlas-index build --timings says where the time went, stage by stage") {
    test::TempDir dir;
    auto r = test::run_tool(test::atlas_index_bin(),
                            {"build", "--source", "cryoet=" + test::sample_cryoet().string(),
                             "--out", (dir.path() / "ix").string(), "--timings", "--quiet"});
    CHECK(r.exit_code == 0);
    auto table = r.out.find("where the ");
    REQUIRE(table != std::string::npos);
    std::string stages = r.out.substr(table);
    // Every stage, in the order the build first runs them; the shard threads' in thread-seconds.
    std::size_t at = 0;
    for (const char* stage :
         {"read and map (adapters)", "checks (plausible ranges)", "catalog rows (JSON, SQLite)",
          "column data", "vocabulary", "PaNOSC file", "waiting for the Xapian threads",
          "Xapian: terms of each record", "Xapian: adding documents",
          "display files (last frames)", "Xapian: last flush and commit", "Xapian: compaction", "top lists", "column file",
          "catalog indexes, PaNOSC end", "seal (MANIFEST, fsync) and check"}) {
        CAPTURE(stage);
        auto found = stages.find(std::string("\n  ") + stage + " ");
        CHECK(found != std::string::npos);
        CHECK(found >= at);
        at = found;
    }
    // The shard threads' stages say they are thread-seconds, on their own line.
    for (const char* stage : {"Xapian: terms of each record", "Xapian: adding documents"}) {
        auto line_start = stages.find(stage);
        REQUIRE(line_start != std::string::npos);
        std::string line = stages.substr(line_start, stages.find('\n', line_start) - line_start);
        CHECK_MESSAGE(line.find("(thread-seconds, ") != std::string::npos, line);
    }
    auto seal = stages.find("seal (MANIFEST, fsync) and check");
    CHECK(stages.substr(seal, stages.find('\n', seal) - seal).find("thread-seconds") ==
          std::string::npos);
    // Without --timings: the summary only.
    auto quiet = test::run_tool(test::atlas_index_bin(),
                                {"build", "--source", "cryoet=" + test::sample_cryoet().string(),
                                 "--out", (dir.path() / "ix").string(), "--quiet"});
    CHECK(quiet.out.find("where the ") == std::string::npos);
}

TEST_CASE("atlas-index exits 1 and lists every rejected record with file and reason") {
    test::TempDir dir;
    test::copy_tree(test::sample_cryoet() / "10024", dir.path() / "src" / "10024");
    fs::path bad = dir.path() / "src" / "10024" / "wnj2019-02-21-2" / "run_metadata.json";
    test::write_file(bad, "{\"run_name\": ");
    auto r = test::run_tool(test::atlas_index_bin(),
                            {"build", "--source=cryoet=" + (dir.path() / "src").string(),
                             "--out=" + (dir.path() / "ix").string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("\n1 record rejected, ") != std::string::npos);
    CHECK(r.out.find("  error: 10024/wnj2019-02-21-2/run_metadata.json: invalid JSON at offset") !=
          std::string::npos);
    auto stats =
        test::run_tool(test::atlas_index_bin(), {"stats", "--index", (dir.path() / "ix").string()});
    CHECK(stats.exit_code == 0);
    CHECK(stats.out.find("ingest report: 1 errors") != std::string::npos);
    auto report = test::run_tool(test::atlas_index_bin(),
                                 {"report", "--index", (dir.path() / "ix").string()});
    CHECK(report.exit_code == 0);
    CHECK(report.out.starts_with("error: 10024/wnj2019-02-21-2/run_metadata.json"));
}

TEST_CASE("atlas-index verify: 0 and intact, 1 with a line per damaged file, 3 without an index") {
    test::TempDir dir;
    std::string ix = (dir.path() / "ix").string();
    REQUIRE(test::run_tool(test::atlas_index_bin(),
                           {"build", "--source", "cryoet=" + test::sample_cryoet().string(),
                            "--out", ix})
                .exit_code == 0);
    auto intact = test::run_tool(test::atlas_index_bin(), {"verify", "--index", ix});
    CHECK(intact.exit_code == 0);
    CHECK(intact.out.starts_with(ix + "/gen-000001: "));
    CHECK(intact.out.find(" checked against its manifest, 2 Xapian shards checked: intact\n") !=
          std::string::npos);
    fs::path columns = fs::path(ix) / "gen-000001" / "columns.atlas";
    fs::resize_file(columns, fs::file_size(columns) - 1);
    auto damaged = test::run_tool(test::atlas_index_bin(),
                                  {"verify", "--index", ix, "--generation", "gen-000001"});
    CHECK(damaged.exit_code == 1);
    CHECK(damaged.out.starts_with("damaged: " + ix + "/gen-000001: columns.atlas: "));
    CHECK(damaged.out.find("(truncated)\n") != std::string::npos);
    CHECK(damaged.out.ends_with(": 1 problem\n"));
    auto none = test::run_tool(test::atlas_index_bin(),
                               {"verify", "--index", (dir.path() / "none").string()});
    CHECK(none.exit_code == 3);
    auto other = test::run_tool(test::atlas_index_bin(),
                                {"verify", "--index", ix, "--generation", "gen-000009"});
    CHECK(other.exit_code == 3);
    CHECK(other.err == "atlas-index: no generation 'gen-000009' in '" + ix + "'\n");
}

TEST_CASE("atlas-index refuses bad usage with exit 2 and a failed build with exit 3") {
    auto none = test::run_tool(test::atlas_index_bin(), {});
    CHECK(none.exit_code == 2);
    auto no_source = test::run_tool(test::atlas_index_bin(), {"build"});
    CHECK(no_source.exit_code == 2);
    CHECK(no_source.err.starts_with("atlas-index: build needs at least one --source NAME=PATH\n"));
    auto bad_source = test::run_tool(test::atlas_index_bin(), {"build", "--source", "gdc=/x"});
    CHECK(bad_source.exit_code == 2);
    CHECK(bad_source.err.starts_with(
        "atlas-index: unknown source 'gdc' (known: cryoet, htan, hoa, panosc, minerva, records)"));
    test::TempDir dir;
    auto missing = test::run_tool(test::atlas_index_bin(),
                                  {"build", "--source", "cryoet=" + (dir.path() / "nope").string(),
                                   "--out", (dir.path() / "ix").string()});
    CHECK(missing.exit_code == 3);
    CHECK(missing.err.find("is not a directory") != std::string::npos);
    CHECK(test::run_tool(test::atlas_index_bin(), {"--help"}).exit_code == 0);
}

TEST_CASE(
    "atlas-search shows rank, kind, id, title, breadcrumb, snippet, key fields and S3 location") {
    auto r = search({"ribosome", "S.", "pombe"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("results for \"ribosome S. pombe\"") != std::string::npos);
    CHECK(r.out.find("  1. annotation  cytosolic ribosome\n") != std::string::npos);
    CHECK(r.out.find("     cryoet:annotation:10000/TS_026/13.480/101\n") != std::string::npos);
    CHECK(r.out.find("10000 S. pombe cells with defocus \u203a TS_026 \u203a cytosolic ribosome") !=
          std::string::npos);
    CHECK(r.out.find("Organism: Schizosaccharomyces pombe 972h-") != std::string::npos);
    CHECK(r.out.find("Voxel spacing: 13.48 \u00c5") != std::string::npos);
    CHECK(r.out.find("Ground truth: yes") != std::string::npos);
    CHECK(r.out.find("s3://cryoet-data-portal-public/10000/TS_026/Reconstructions/"
                     "VoxelSpacing13.480/Annotations/101/") != std::string::npos);
    CHECK(r.out.find('\033') == std::string::npos);  // colour only on a terminal
}

TEST_CASE("atlas-search --json prints one valid document and --kind dataset counts the datasets") {
    auto r = search({"--kind", "dataset", "--json", ""});
    CHECK(r.exit_code == 0);
    rapidjson::Document d;
    d.Parse(r.out.c_str());
    REQUIRE_FALSE(d.HasParseError());
    std::size_t folders = 0;
    for (const auto& e : fs::directory_iterator(test::sample_cryoet())) {
        folders += fs::exists(e.path() / "dataset_metadata.json") ? 1 : 0;
    }
    CHECK(d["total"].GetUint64() == folders);
    CHECK(d["hits"].Size() == std::min<std::size_t>(folders, 10));
    for (const auto& h : d["hits"].GetArray())
        CHECK(h["kind"].GetString() == std::string("dataset"));
}

TEST_CASE("atlas-search exit codes: 0 hits, 1 none, 2 usage, query or index errors") {
    CHECK(search({"ribosome"}).exit_code == 0);
    auto none = search({"xylophonequartet"});
    CHECK(none.exit_code == 1);
    CHECK(none.out.starts_with("no results for \"xylophonequartet\""));
    auto none_json = search({"--json", "xylophonequartet"});
    CHECK(none_json.exit_code == 1);
    CHECK(none_json.out.find("\"total\":0") != std::string::npos);

    auto field = search({"autor:smith"});
    CHECK(field.exit_code == 2);
    CHECK(field.err == "atlas-search: unknown field 'autor' (did you mean 'author'?)\n");
    auto field_json = search({"--json", "autor:smith"});
    CHECK(field_json.exit_code == 2);
    CHECK(field_json.out ==
          "{\"error\":{\"code\":\"invalid_query\",\"message\":\"unknown field 'autor' (did you "
          "mean 'author'?)\"}}\n");
    auto flag = search({"--frobnicate"});
    CHECK(flag.exit_code == 2);
    CHECK(flag.err.starts_with("atlas-search: unknown option '--frobnicate'"));
    CHECK(flag.out.empty());
    // With --json, a usage error is JSON on stdout too, wherever --json appears.
    auto flag_json = search({"--frobnicate", "--json"});
    CHECK(flag_json.exit_code == 2);
    CHECK(flag_json.out.starts_with(
        "{\"error\":{\"code\":\"invalid_request\",\"message\":\"unknown option '--frobnicate'"));
    auto limit = search({"--limit", "lots", "x"});
    CHECK(limit.exit_code == 2);
    CHECK(limit.err == "atlas-search: --limit takes a number from 0 to 1000, not 'lots'\n");
    auto kind = search({"--kind", "widget", "x"});
    CHECK(kind.exit_code == 2);
    test::TempDir dir;
    auto missing =
        test::run_tool(test::atlas_search_bin(), {"--index", (dir.path() / "none").string(), "x"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.starts_with("atlas-search: no index at '"));
    CHECK(test::run_tool(test::atlas_search_bin(), {"--help"}).exit_code == 0);
    auto fields = test::run_tool(test::atlas_search_bin(), {"--help", "fields"});
    CHECK(fields.out.find("voxel_spacing") != std::string::npos);
}

TEST_CASE("atlas-search reads the index from $ATLAS_INDEX and takes queries after --") {
    auto env = test::run_tool(test::atlas_search_bin(), {"--json", "--limit", "1", "pombe"},
                              "ATLAS_INDEX='" + cli_index() + "'");
    CHECK(env.exit_code == 0);
    auto dashed = search({"--limit", "1", "--", "-pombe", "ribosome"});
    CHECK(dashed.exit_code == 0);
    CHECK(dashed.out.find("results for \"-pombe ribosome\"") != std::string::npos);
    auto paged = search({"--limit", "2", "--offset", "2", "membrane"});
    CHECK(paged.out.find("showing 3-4") != std::string::npos);
}
