// generation.cpp - POSIX file locking, fsync and the atomic CURRENT swap.
#include "generation.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "schema/layout.h"
#include "schema/schema.h"

namespace atlas::detail {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kGenerationPrefix = "gen-";

// The number of a generation folder name, or -1.
long generation_number(const std::string& name) {
    if (!name.starts_with(kGenerationPrefix) || name.size() != kGenerationPrefix.size() + 6) {
        return -1;
    }
    long n = 0;
    for (char c : name.substr(kGenerationPrefix.size())) {
        if (c < '0' || c > '9') return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

Status fsync_path(const fs::path& p, bool directory) {
    int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0)
        return Error{Errc::io,
                     fmt::format("cannot open '{}': {}", p.string(), std::strerror(errno))};
    int rc = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0)
        return Error{Errc::io,
                     fmt::format("cannot sync '{}': {}", p.string(), std::strerror(saved))};
    return {};
}

}  // namespace

Result<WriterLock> WriterLock::acquire(const fs::path& index_dir) {
    // The directory itself, not a file in it: a lock file can be deleted by an
    // operator clearing what looks like a stale lock, and a second build would
    // then lock a new file of the same name.  The directory cannot go while
    // it holds generations.
    int fd = ::open(index_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return Error{Errc::io, fmt::format("cannot open index directory '{}': {}",
                                           index_dir.string(), std::strerror(errno))};
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int saved = errno;
        ::close(fd);
        if (saved == EWOULDBLOCK) {
            return Error{Errc::unavailable,
                         fmt::format("another atlas-index build is writing '{}' (or another "
                                     "process holds a lock on the directory); try again when it "
                                     "has finished",
                                     index_dir.string())};
        }
        return Error{Errc::io,
                     fmt::format("cannot lock '{}': {}", index_dir.string(), std::strerror(saved))};
    }
    return WriterLock(fd);
}

WriterLock::WriterLock(WriterLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

Status WriterLock::still_holds(const fs::path& index_dir) const {
    struct stat locked {}, now {};
    if (::fstat(fd_, &locked) == 0 && ::stat(index_dir.c_str(), &now) == 0 &&
        locked.st_dev == now.st_dev && locked.st_ino == now.st_ino) {
        return {};
    }
    return Error{Errc::unavailable,
                 fmt::format("the index directory '{}' was moved or replaced during the build; "
                             "nothing is published",
                             index_dir.string())};
}

WriterLock::~WriterLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::string next_generation_name(const fs::path& index_dir) {
    long highest = 0;
    std::error_code ec;
    for (fs::directory_iterator it(index_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.ends_with(".tmp")) name = name.substr(0, name.size() - 4);
        if (name.starts_with(".")) name = name.substr(1);
        highest = std::max(highest, generation_number(name));
    }
    return fmt::format("{}{:06d}", kGenerationPrefix, highest + 1);
}

void remove_stale_builds(const fs::path& index_dir) {
    std::error_code ec;
    long current = -1;
    fs::path link = index_dir / kCurrentLink;
    if (fs::is_symlink(link, ec)) {
        current = generation_number(fs::read_symlink(link, ec).filename().string());
    }
    std::vector<fs::path> stale;
    for (fs::directory_iterator it(index_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        // A generation newer than CURRENT's was renamed into place but never
        // published (its build failed at the swap).
        bool unpublished = current >= 0 && generation_number(name) > current;
        if (name.ends_with(".tmp") || unpublished) stale.push_back(it->path());
    }
    for (const auto& p : stale) fs::remove_all(p, ec);
}

StagedGeneration::~StagedGeneration() {
    if (path_.empty() || !lock_.still_holds(path_.parent_path()).ok()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

Status sync_tree(const fs::path& dir) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        bool is_dir = it->is_directory(ec);
        if (auto s = fsync_path(it->path(), is_dir); !s.ok()) return s;
    }
    if (ec) return Error{Errc::io, fmt::format("cannot list '{}': {}", dir.string(), ec.message())};
    return fsync_path(dir, true);
}

Status rename_generation(const fs::path& index_dir, const fs::path& staged,
                         const std::string& generation) {
    // rename(2) refuses a non-empty target: a generation of that name that
    // appeared meanwhile is never replaced.
    if (::rename(staged.c_str(), (index_dir / generation).c_str()) != 0) {
        return Error{Errc::io, fmt::format("cannot rename '{}' to '{}': {}", staged.string(),
                                           generation, std::strerror(errno))};
    }
    return fsync_path(index_dir, true);
}

Status publish_generation(const fs::path& index_dir, const std::string& generation) {
    std::error_code ec;
    fs::path link = index_dir / kCurrentLink;
    fs::path staged = index_dir / (std::string(kCurrentLink) + ".tmp");
    std::string previous;
    if (fs::is_symlink(link, ec)) previous = fs::read_symlink(link, ec).filename().string();
    fs::remove(staged, ec);
    fs::create_symlink(generation, staged, ec);
    if (ec)
        return Error{Errc::io,
                     fmt::format("cannot create '{}': {}", staged.string(), ec.message())};
    fs::rename(staged, link, ec);  // rename(2): readers see the old or the new link, never none
    if (ec)
        return Error{Errc::io, fmt::format("cannot replace '{}': {}", link.string(), ec.message())};
    if (auto s = fsync_path(index_dir, true); !s.ok()) return s;
    // Keep the previous generation: a reader that opened it before the swap may
    // still be reading it.  Older ones go.
    std::vector<fs::path> old;
    for (fs::directory_iterator it(index_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (generation_number(name) < 0 || name == generation || name == previous) continue;
        old.push_back(it->path());
    }
    for (const auto& p : old) fs::remove_all(p, ec);
    return {};
}

std::uint64_t tree_bytes(const fs::path& dir) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
    return total;
}

}  // namespace atlas::detail
