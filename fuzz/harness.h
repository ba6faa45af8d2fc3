// harness.h - what the fuzz harnesses share: a source tree an adapter reads
// with one file replaced by the input, the sample index, a temporary file.
//
// Each harness (fuzz/<name>_fuzz.cpp) defines LLVMFuzzerTestOneInput and calls
// the project's own entry point; nothing here catches or hides a failure: a
// crash, a sanitizer report or an uncaught exception is what the run reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/search.h"

namespace atlas::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A fresh temporary folder, removed when destroyed.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, std::string_view bytes);

// A copy of fuzz/trees/<tree> that source `source`'s adapter reads, with one
// of `files` (paths relative to the tree) replaced by each input: the input's
// first byte chooses which when there are several, the rest is its content.
// `absent` are removed from the copy first (htan_gzip reads a .gz export, so
// the plain one must go).
class SourceTree {
  public:
    SourceTree(std::string source, std::string_view tree, std::vector<std::string> files,
               const std::vector<std::string>& absent = {});
    // Writes the file, runs the adapter's estimate() and read(), puts the file back.
    void read(const std::uint8_t* data, std::size_t size);

  private:
    std::string source_;
    TempDir dir_;
    std::vector<std::string> files_;
    std::vector<std::optional<std::string>> originals_;  // each file in the tree, or none
};

// The sample index (data/sources.json) the harnesses that search open: the
// folder $ATLAS_FUZZ_INDEX names (fuzz/CMakeLists.txt's fixture and
// fuzz/campaign.sh build it).  Exits with a one-line error when it is not set
// or does not open.
Searcher& sample_searcher();
const std::string& sample_index_dir();

}  // namespace atlas::fuzz
