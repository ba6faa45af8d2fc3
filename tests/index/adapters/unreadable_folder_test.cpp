// Tests for index/adapters/folders.cpp and the adapters that walk folders: a
// folder atlas-index cannot read is an error line naming it and the cause, the
// current index's records from under it are kept, and the build exits 1.
//
// Issue 19 D2: such a folder silently dropped records already indexed, exit 0
// (a run folder without execute permission lost its 24 records with no line).
// The tests and CI run as root, whom permission bits do not stop, so
// atlas-index runs as uid 65534 here (test::run_tool_unprivileged).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/folders.h"
#include "atlas/search.h"
#include "test_util.h"
#include "unprivileged.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

// A copy of bundled samples, given to the unprivileged user, and an index beside it.
struct Corpus {
    test::TempDir dir;
    fs::path src = dir.path() / "src";
    fs::path index = dir.path() / "index";

    // `parts` are paths under data/ ("cryoet/10000"), copied to the same place under src.
    explicit Corpus(const std::vector<std::string>& parts) {
        for (const auto& part : parts) {
            test::copy_tree(fs::path(ATLAS_DATA_DIR) / part, src / part);
        }
        test::share_with_unprivileged(dir.path());
    }

    // atlas-index build of `sources` ("cryoet", ...) over src, as the unprivileged user.
    test::UnprivilegedRun build(const std::vector<std::string>& sources) const {
        std::vector<std::string> args{"build", "--quiet", "--out", index.string()};
        for (const auto& s : sources) {
            args.push_back("--source");
            args.push_back(s + "=" + (src / s).string());
        }
        return test::run_tool_unprivileged(test::atlas_index_bin(), args);
    }

    std::uint64_t hits(const std::string& query) const { return test::total_hits(index, query); }
};

// Sets a folder's mode for the test and restores it after (so a test run
// without root can remove its temporary folder).
class Mode {
  public:
    Mode(fs::path dir, fs::perms perms) : dir_(std::move(dir)) {
        fs::permissions(dir_, perms);
    }
    Mode(const Mode&) = delete;
    Mode& operator=(const Mode&) = delete;
    ~Mode() {
        std::error_code ec;
        fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read |
                                  fs::perms::others_exec,
                        ec);
    }

  private:
    fs::path dir_;
};

// Read, no execute: the folder can be listed but nothing in it reached.
constexpr fs::perms kNoExecute = fs::perms::owner_read | fs::perms::owner_write |
                                 fs::perms::group_read | fs::perms::others_read;

bool ran(const test::UnprivilegedRun& run) {
    if (run.skipped.empty()) return true;
    MESSAGE("skipped: " << run.skipped);
    return false;
}

bool has_line(const std::string& out, const std::string& line) {
    return out.find("  " + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("a run folder atlas-index cannot enter is an error, its records are kept, exit 1") {
    Corpus c({"cryoet/10000", "cryoet/depositions_metadata"});
    auto first = c.build({"cryoet"});
    if (!ran(first)) return;
    REQUIRE_MESSAGE(first.result.exit_code == 0, first.result.out << first.result.err);
    std::uint64_t before = c.hits("dataset:10000");
    CHECK(c.hits("run:TS_041") == 24);

    Mode mode(c.src / "cryoet" / "10000" / "TS_041", kNoExecute);
    auto second = c.build({"cryoet"});
    INFO(second.result.out << second.result.err);
    CHECK(second.result.exit_code == 1);
    CHECK(has_line(second.result.out,
                   "error: 10000/TS_041: folder cannot be read: Permission denied; the current "
                   "index's 24 records from it kept"));
    CHECK(second.result.out.find("24 records rejected (24 kept from the previous index)") !=
          std::string::npos);
    CHECK(c.hits("dataset:10000") == before);
    CHECK(c.hits("run:TS_041") == 24);
    CHECK(c.hits("id:cryoet:run:10000/TS_041") == 1);
    // Placed again under this build's dataset: its context is there.
    CHECK(c.hits("kind:tomogram run:TS_041 dataset:10000") == 1);
}

TEST_CASE("an unreadable dataset folder is an error, not a missing dataset_metadata.json") {
    Corpus c({"cryoet/10000", "cryoet/10017", "cryoet/depositions_metadata"});
    auto first = c.build({"cryoet"});
    if (!ran(first)) return;
    REQUIRE_MESSAGE(first.result.exit_code == 0, first.result.out << first.result.err);
    std::uint64_t hits = c.hits("dataset:10017");
    std::uint64_t deposition_datasets = c.hits("kind:deposition dataset:10017");
    // Depositions name the dataset too, from their own folders.
    std::uint64_t records = hits - deposition_datasets;
    REQUIRE(records > 0);

    for (fs::perms perms : {fs::perms::none, kNoExecute}) {
        Mode mode(c.src / "cryoet" / "10017", perms);
        auto again = c.build({"cryoet"});
        INFO(again.result.out << again.result.err);
        CHECK(again.result.exit_code == 1);
        CHECK(has_line(again.result.out,
                       "error: 10017: folder cannot be read: Permission denied; the current "
                       "index's " + std::to_string(records) + " records from it kept"));
        CHECK(again.result.out.find("dataset_metadata.json") == std::string::npos);
        CHECK(c.hits("dataset:10017") == hits);
        CHECK(c.hits("kind:deposition dataset:10017") == deposition_datasets);
    }
}

TEST_CASE("unreadable Tomograms and Annotations folders are errors, their records are kept") {
    Corpus c({"cryoet/10001", "cryoet/depositions_metadata"});
    auto first = c.build({"cryoet"});
    if (!ran(first)) return;
    REQUIRE_MESSAGE(first.result.exit_code == 0, first.result.out << first.result.err);
    const std::string run = "run:TS_0001";
    std::uint64_t tomograms = c.hits("kind:tomogram " + run);
    std::uint64_t annotations = c.hits("kind:annotation " + run);
    REQUIRE(tomograms == 1);
    REQUIRE(annotations == 21);

    fs::path vs = c.src / "cryoet" / "10001" / "TS_0001" / "Reconstructions" / "VoxelSpacing13.480";
    Mode no_tomograms(vs / "Tomograms", fs::perms::none);
    Mode no_annotations(vs / "Annotations", kNoExecute);
    auto second = c.build({"cryoet"});
    INFO(second.result.out << second.result.err);
    CHECK(second.result.exit_code == 1);
    const std::string folder = "10001/TS_0001/Reconstructions/VoxelSpacing13.480/";
    CHECK(has_line(second.result.out, "error: " + folder +
                                          "Tomograms: folder cannot be read: Permission denied; "
                                          "the current index's 1 record from it kept"));
    CHECK(has_line(second.result.out, "error: " + folder +
                                          "Annotations: folder cannot be read: Permission "
                                          "denied; the current index's 21 records from it kept"));
    CHECK(c.hits("kind:tomogram " + run) == tomograms);
    CHECK(c.hits("kind:annotation " + run) == annotations);
}

TEST_CASE("a first build that meets an unreadable folder reports it and exits 1") {
    Corpus c({"cryoet/10000", "cryoet/depositions_metadata"});
    Mode mode(c.src / "cryoet" / "10000" / "TS_041", fs::perms::none);
    auto first = c.build({"cryoet"});
    if (!ran(first)) return;
    INFO(first.result.out << first.result.err);
    CHECK(first.result.exit_code == 1);
    CHECK(has_line(first.result.out,
                   "error: 10000/TS_041: folder cannot be read: Permission denied; its records "
                   "are left out"));
    CHECK(c.hits("run:TS_041") == 0);
    CHECK(c.hits("kind:run dataset:10000") == 9);
}

TEST_CASE("minerva and panosc folders that cannot be read keep their records, exit 1") {
    Corpus c({"minerva", "panosc"});
    auto first = c.build({"minerva", "panosc"});
    if (!ran(first)) return;
    REQUIRE_MESSAGE(first.result.exit_code <= 1, first.result.out << first.result.err);
    std::uint64_t stories = c.hits("source:minerva");
    std::uint64_t panosc = c.hits("source:panosc");
    REQUIRE(panosc > 0);

    Mode exhibits(c.src / "minerva" / "HTA-MELATLAS-1" / "exhibits", fs::perms::none);
    Mode dumps(c.src / "panosc" / "search-api", kNoExecute);
    auto second = c.build({"minerva", "panosc"});
    INFO(second.result.out << second.result.err);
    CHECK(second.result.exit_code == 1);
    CHECK(has_line(second.result.out,
                   "error: HTA-MELATLAS-1/exhibits: folder cannot be read: Permission denied; "
                   "the current index's 3 records from it kept"));
    CHECK(has_line(second.result.out, "error: search-api: folder cannot be read: Permission "
                                      "denied; the current index's " +
                                          std::to_string(panosc) + " records from it kept"));
    CHECK(c.hits("source:minerva") == stories);
    CHECK(c.hits("source:panosc") == panosc);
}

TEST_CASE("the folder walk reads each folder once, however links lead back, and bounds its depth") {
    test::TempDir dir;
    fs::create_directories(dir.path() / "a" / "b" / "c");
    test::write_file(dir.path() / "top.json", "{}");
    test::write_file(dir.path() / "a" / "b" / "c" / "deep.json", "{}");
    fs::create_directory_symlink(".", dir.path() / "a" / "self");
    fs::create_directory_symlink("..", dir.path() / "a" / "b" / "up");

    detail::WalkOptions options;
    options.follow_links = true;
    std::vector<std::string> files;
    auto unreadable = detail::walk_folder(dir.path(), options, [&](const fs::path& p) {
        files.push_back(p.lexically_relative(dir.path()).generic_string());
    });
    std::sort(files.begin(), files.end());
    CHECK(files == std::vector<std::string>{"a/b/c/deep.json", "top.json"});
    CHECK(unreadable.empty());

    options.max_depth = 2;
    files.clear();
    unreadable = detail::walk_folder(dir.path(), options, [&](const fs::path& p) {
        files.push_back(p.lexically_relative(dir.path()).generic_string());
    });
    CHECK(files == std::vector<std::string>{"top.json"});
    REQUIRE(unreadable.size() == 1);
    CHECK(unreadable[0].folder == dir.path() / "a" / "b" / "c");
    CHECK(unreadable[0].reason == "is more than 2 folders deep");
}

TEST_CASE("an unreadable Alignments folder is an error and the run's tomograms keep their alignments") {
    Corpus c({"cryoet/10000", "cryoet/depositions_metadata"});
    auto first = c.build({"cryoet"});
    if (!ran(first)) return;
    REQUIRE_MESSAGE(first.result.exit_code == 0, first.result.out << first.result.err);
    const std::string query = "kind:tomogram run:TS_041 alignment_method:patch_tracking";
    REQUIRE(c.hits(query) == 1);

    Mode none(c.src / "cryoet" / "10000" / "TS_041" / "Alignments", fs::perms::none);
    auto second = c.build({"cryoet"});
    INFO(second.result.out << second.result.err);
    CHECK(second.result.exit_code == 1);
    CHECK(second.result.out.find("error: 10000/TS_041/Alignments: folder cannot be read: "
                                 "Permission denied; the run's tomograms keep their previous "
                                 "versions") != std::string::npos);
    CHECK(second.result.out.find("its run's Alignments folder cannot be read [cryoet:tomogram:"
                                 "10000/TS_041/13.480/100; previous version kept]") !=
          std::string::npos);
    CHECK(second.result.out.find("names no alignment in this run") == std::string::npos);
    CHECK(c.hits(query) == 1);
}
