// generation.h - the index directory: a writer lock, generation folders and the CURRENT swap.
#pragma once

#include <filesystem>
#include <string>

#include "atlas/error.h"

namespace atlas::detail {

// An exclusive lock on <index_dir>/LOCK, held for the life of the object (one
// writer at a time; readers never take it).
class WriterLock {
  public:
    // Errors: unavailable (another build holds it), io.
    static Result<WriterLock> acquire(const std::filesystem::path& index_dir);
    WriterLock(WriterLock&& other) noexcept;
    WriterLock& operator=(WriterLock&&) = delete;
    ~WriterLock();

  private:
    explicit WriterLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

// The name the next generation gets: gen-<n+1> for the highest existing gen-<n>.
std::string next_generation_name(const std::filesystem::path& index_dir);

// Removes leftovers of killed builds (*.tmp folders); call under the lock.
void remove_stale_builds(const std::filesystem::path& index_dir);

// fsyncs every file under `dir` and the directories themselves.  Errors: io.
Status sync_tree(const std::filesystem::path& dir);

// Points <index_dir>/CURRENT at `generation` with one rename (atomic for
// readers), then removes generations older than the previous one.  Errors: io.
Status publish_generation(const std::filesystem::path& index_dir, const std::string& generation);

// Total size of the files under `dir`.
std::uint64_t tree_bytes(const std::filesystem::path& dir);

}  // namespace atlas::detail
