// test_util.h - hermetic helpers: temporary directories, the bundled sample, running the tools.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

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

// The repository's data/cryoet sample (real files, see data/cryoet/SOURCE.md).
std::filesystem::path sample_cryoet();

// An index of the sample built once per test process (in its own TempDir).
const std::string& sample_index();

// Copies a directory tree (for tests that damage input).
void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to);

// Writes `text` to `path`, replacing it.
void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

struct CommandResult {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

// Runs a built tool with arguments (no shell quoting issues: each argument is
// quoted) and an optional environment prefix such as "ATLAS_INDEX=/x".
CommandResult run_tool(const std::string& tool, const std::vector<std::string>& args,
                       const std::string& env = "");

// Paths of the built tools.
std::string atlas_index_bin();
std::string atlas_search_bin();

}  // namespace atlas::test
