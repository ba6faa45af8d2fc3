// test_util.h - hermetic helpers: temporary directories, the bundled sample, running the tools.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "atlas/search.h"

namespace atlas::test {

// A fresh directory under the system temp dir (mkdtemp), removed by the destructor.
class TempDir {
  public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// The repository's data/cryoet sample (real files, see data/cryoet/SOURCE.md).
std::filesystem::path sample_cryoet();

// An index of the CryoET sample (data/cryoet): the ctest run's shared one
// when there is one (shared_index), else built once per test process.
const std::string& sample_index();

// An index of every bundled portal (data/sources.json), built by the
// atlas-index binary: the ctest run's shared one, else built once per process.
struct PortalIndex {
    std::string dir;
    CommandResult build;  // what atlas-index build printed, and its exit code
};
const PortalIndex& portal_index();

// A Searcher on portal_index(), opened once per test process.
Searcher& portal_searcher();

// Builds every bundled portal (data/sources.json) into `out` with top lists
// for terms in at least `min_freq` records, `length` documents long
// (index/top_lists.h; small values so the sample's 1,300 records have them).
// Returns the number of lists written (BuildReport::top_lists); throws when the build fails.
std::uint64_t build_portals_with_top_lists(const std::filesystem::path& out, std::uint32_t min_freq,
                                  std::uint32_t length);

// The index NAME ("cryoet", "portals") that tests/build_test_indexes.sh built
// for this ctest run (ATLAS_TEST_INDEXES), or "" when the tests run without
// ctest.  Read-only: a test that changes an index builds its own.
std::string shared_index(const std::string& name);

// Copies a directory tree (for tests that damage input).
void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to);

// Writes `text` to `path`, replacing it.
void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

// Runs a built tool with arguments (no shell quoting issues: each argument is
// quoted) and an optional environment prefix such as "ATLAS_INDEX=/x".
CommandResult run_tool(const std::string& tool, const std::vector<std::string>& args,
                       const std::string& env = "");

// Paths of the built tools.
std::string atlas_index_bin();
std::string atlas_search_bin();

// Sets of record ids, and what two of them share or one has beyond the other.
using Ids = std::set<std::string>;
Ids both(const Ids& a, const Ids& b);
Ids minus(const Ids& a, const Ids& b);

// A filter on `field` with `values` (ORed), as a browse page sends it.
Filter filter(std::string field, std::vector<std::string> values,
              Filter::Mode mode = Filter::Mode::any);

// The ids of a result's hits, in rank order.
std::vector<std::string> hit_ids(const SearchResult& result);

// How many records `query` matches in the index at `index`, through a
// Searcher opened for it (REQUIREs that both succeed).
std::uint64_t total_hits(const std::filesystem::path& index, const std::string& query);

}  // namespace atlas::test
