// generation.h - the index directory: a writer lock, generation folders and the CURRENT swap.
#pragma once

#include <filesystem>
#include <string>

#include "atlas/error.h"

namespace atlas::detail {

// An exclusive flock on the index directory itself, held for the life of the
// object (one writer at a time; readers never take it).
class WriterLock {
  public:
    // Errors: unavailable (another build holds it), io.
    static Result<WriterLock> acquire(const std::filesystem::path& index_dir);
    WriterLock(WriterLock&& other) noexcept;
    WriterLock& operator=(WriterLock&&) = delete;
    ~WriterLock();

    // Whether `index_dir` is still the directory locked: a build works by
    // path, so an index directory moved or replaced under it (`mv idx old;
    // mkdir idx`) would send its writes into another one.  Errors: unavailable,
    // naming what happened.
    Status still_holds(const std::filesystem::path& index_dir) const;

  private:
    explicit WriterLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

// The name the next generation gets: gen-<n+1> for the highest existing gen-<n>.
std::string next_generation_name(const std::filesystem::path& index_dir);

// Removes leftovers of killed or failed builds: *.tmp folders, and
// generations newer than CURRENT's (renamed, never published).  Call under
// the lock.
void remove_stale_builds(const std::filesystem::path& index_dir);

// A generation being built (<index>/gen-N.tmp): removed with everything in it
// when the object goes, on every path out of the build (an error returned or
// an exception), unless release() was called once it was renamed into place.
class StagedGeneration {
  public:
    // Removed only while `lock` still holds its parent (not another build's
    // folder of the same name in a directory that replaced it).
    StagedGeneration(std::filesystem::path path, const WriterLock& lock)
        : path_(std::move(path)), lock_(lock) {}
    StagedGeneration(const StagedGeneration&) = delete;
    StagedGeneration& operator=(const StagedGeneration&) = delete;
    ~StagedGeneration();
    const std::filesystem::path& path() const { return path_; }
    void release() { path_.clear(); }

  private:
    std::filesystem::path path_;
    const WriterLock& lock_;
};

// Renames `staged` to <index_dir>/<generation> (refused if that exists) and
// fsyncs the index directory.  Errors: io.
Status rename_generation(const std::filesystem::path& index_dir,
                         const std::filesystem::path& staged, const std::string& generation);

// fsyncs every file under `dir` and the directories themselves.  Errors: io.
Status sync_tree(const std::filesystem::path& dir);

// Points <index_dir>/CURRENT at `generation` with one rename (atomic for
// readers), fsyncs the index directory, then removes generations older than
// the previous one.  Errors: io.
Status publish_generation(const std::filesystem::path& index_dir, const std::string& generation);

// Total size of the files under `dir`.
std::uint64_t tree_bytes(const std::filesystem::path& dir);

}  // namespace atlas::detail
