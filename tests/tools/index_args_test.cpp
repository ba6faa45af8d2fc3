// Tests for tools/index_args.cpp: atlas-index's command line as tables,
// arguments in, the command and its build options out, or the exact usage
// error atlas-index prints.
#include "index_args.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <functional>
#include <regex>

#include "atlas/portals.h"
#include "cli_util.h"
#include "test_util.h"
#include "usage_check.h"

using atlas::cli::IndexArgs;
using atlas::cli::parse_index_args;

namespace {

std::string describe(const IndexArgs& a) {
    std::vector<std::string> sources;
    for (const auto& s : a.build.sources) sources.push_back(s.name + "=" + s.path);
    return fmt::format(
        "command={} dir='{}' quiet={} allow_shrink={} fresh={} out_dir='{}' "
        "sources=[{}]",
        static_cast<int>(a.command), a.dir, a.quiet, a.build.allow_shrink, a.build.fresh,
        a.build.out_dir, fmt::join(sources, " "));
}

struct Row {
    std::vector<std::string> args;
    std::function<void(IndexArgs&)> want;  // applied to a default IndexArgs
};

atlas::SourceSpec source(std::string name, std::string path) {
    return {std::move(name), std::move(path)};
}

}  // namespace

TEST_CASE("parse_index_args reads the command and its options") {
    using Command = IndexArgs::Command;
    atlas::test::TempDir dir;
    std::string file = (dir.path() / "sources.json").string();
    atlas::test::write_file(file, R"({"sources": [{"name": "htan", "path": "htan"}]})");
    std::string htan = (dir.path() / "htan").string();
    const std::vector<Row> rows{
        {{"build", "--source", "cryoet=/data"},
         [](IndexArgs& a) {
             a.command = Command::build;
             a.build.sources = {source("cryoet", "/data")};
         }},
        {{"build", "--source=hoa=/h=1", "--out", "/ix", "--quiet", "--allow-shrink", "--fresh"},
         [](IndexArgs& a) {
             a.command = Command::build;
             a.build.sources = {source("hoa", "/h=1")};
             a.dir = "/ix";
             a.quiet = true;
             a.build.allow_shrink = true;
             a.build.fresh = true;
         }},
        {{"build", "-q", "--out=", "--source", "cryoet=/c", "--sources", file},
         [&](IndexArgs& a) {
             a.command = Command::build;
             a.quiet = true;
             a.build.sources = {source("cryoet", "/c"), source("htan", htan)};
         }},
        {{"build", "--sources=" + file},
         [&](IndexArgs& a) {
             a.command = Command::build;
             a.build.sources = {source("htan", htan)};
         }},
        {{"stats"}, [](IndexArgs& a) { a.command = Command::stats; }},
        {{"stats", "--index=/ix"},
         [](IndexArgs& a) {
             a.command = Command::stats;
             a.dir = "/ix";
         }},
        {{"report", "--index", "/ix"},
         [](IndexArgs& a) {
             a.command = Command::report;
             a.dir = "/ix";
         }},
        {{"--help"}, [](IndexArgs&) {}},
        {{"-h"}, [](IndexArgs&) {}},
        {{"help", "--frobnicate"}, [](IndexArgs&) {}},
        {{"build", "--frobnicate", "--help"}, [](IndexArgs&) {}},
        {{"nonsense", "-h"}, [](IndexArgs&) {}},
        {{"--version", "--frobnicate"}, [](IndexArgs& a) { a.command = Command::version; }},
    };
    for (const auto& row : rows) {
        INFO(fmt::format("{}", fmt::join(row.args, " ")));
        auto got = parse_index_args(row.args);
        REQUIRE_MESSAGE(got.ok(), got.error().message);
        IndexArgs want;
        row.want(want);
        CHECK(describe(got.value()) == describe(want));
    }
}

TEST_CASE("parse_index_args refuses bad usage with the exact message atlas-index prints") {
    atlas::test::TempDir dir;
    std::string missing = (dir.path() / "none.json").string();
    const std::vector<std::pair<std::vector<std::string>, std::string>> rows{
        {{}, "no command (build, stats, report or verify)"},
        {{"frob"}, "unknown command 'frob' (build, stats, report or verify)"},
        {{"--quiet", "build"}, "unknown command '--quiet' (build, stats, report or verify)"},
        {{"build"}, "build needs at least one --source NAME=PATH"},
        {{"build", "--quiet"}, "build needs at least one --source NAME=PATH"},
        {{"build", "--source"}, "--source needs NAME=PATH"},
        {{"build", "--source", "gdc=/x"},
         "unknown source 'gdc' (known: cryoet, htan, hoa, panosc, minerva, records)"},
        {{"build", "--source", "cryoet"},
         "--source 'cryoet' is not NAME=PATH (e.g. cryoet=/data/mirror)"},
        {{"build", "--source="}, "--source '' is not NAME=PATH (e.g. cryoet=/data/mirror)"},
        {{"build", "--sources"}, "--sources needs a JSON file"},
        {{"build", "--sources="}, "--sources needs a JSON file"},
        {{"build", "--sources", missing}, "sources file '" + missing + "' does not exist"},
        {{"build", "--out"}, "--out needs a directory"},
        {{"build", "--source", "cryoet=/a", "--source", "cryoet=/b"},
         "source 'cryoet' is given twice ('/a' and '/b')"},
        {{"build", "--quiet=yes", "--source", "cryoet=/a"},
         "unknown argument '--quiet=yes' for build"},
        {{"build", "x"}, "unknown argument 'x' for build"},
        {{"build", "--frob", "--source"}, "unknown argument '--frob' for build"},
        {{"build", "--index", "/ix"}, "unknown argument '--index' for build"},
        {{"build", "--version"}, "unknown argument '--version' for build"},
        {{"stats", "--index"}, "unknown argument '--index' for stats"},
        {{"report", "--out", "/ix"}, "unknown argument '--out' for report"},
        {{"report", "/ix"}, "unknown argument '/ix' for report"},
    };
    for (const auto& [args, message] : rows) {
        INFO(fmt::format("{}", fmt::join(args, " ")));
        auto got = parse_index_args(args);
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().message == message);
        CHECK_FALSE(got.error().json);
    }
}

TEST_CASE("atlas-index's usage lists every source with what its PATH points to") {
    std::string usage = atlas::cli::index_usage();
    std::string flat = std::regex_replace(usage, std::regex("\\s+"), " ");
    for (const auto& name : atlas::known_sources()) {
        CHECK(usage.find("\n" + std::string(33, ' ') + name + " ") != std::string::npos);
    }
    for (const auto& p : atlas::portals()) CHECK(flat.find(p.source_export) != std::string::npos);
    for (const char* option : {"--source NAME=PATH", "--sources FILE", "--out DIR", "--quiet",
                               "--allow-shrink", "--fresh", "--index DIR"}) {
        CHECK(usage.find(option) != std::string::npos);
    }
    atlas::test::check_lines_fit(usage);
}
