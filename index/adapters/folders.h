// folders.h - listing and walking source folders: a folder that cannot be read is an error, never "missing".
//
// std::filesystem makes the cause easy to drop: fs::exists() answers false for
// a path inside a folder the indexer may not enter, and skip_permission_denied
// walks past a folder it may not list, so its records vanished with no line.
// These functions hand the cause back ("Permission denied"), and
// reject_folder() reports it and keeps the previous generation's records read
// from files under the folder, as reject_file() does for one file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "adapter.h"
#include "json_reader.h"

namespace atlas::detail {

// What a path is (links followed).  `error` is set, and the rest false, when
// that cannot be known (a folder on the way may not be entered): the caller
// must not take that for "missing".
struct PathType {
    bool exists = false;
    bool directory = false;
    bool regular_file = false;
    std::error_code error;
};
PathType path_type(const std::filesystem::path& path);

// The entries of folder `dir`, sorted by name.  Errors: io, with the cause
// ("Permission denied"), when `dir` cannot be listed or its entries cannot be
// reached (no execute permission).
Result<std::vector<std::filesystem::directory_entry>> list_folder(
    const std::filesystem::path& dir);

struct UnreadableFolder {
    std::filesystem::path folder;
    std::string reason;  // "Permission denied", "is more than 32 folders deep"
};

struct WalkOptions {
    // Folders below the root walked at most; a deeper one is reported unreadable.
    std::size_t max_depth = 32;
    // Follow links to folders (each folder is still walked once, by device and inode).
    bool follow_links = false;
};

// Calls `on_file` for every regular file under `root` (in name order, depth
// first), walking each folder once: a link or bind mount back to a folder
// already walked is not walked again.  Returns the folders it could not read.
// Cost: one listing per folder.
std::vector<UnreadableFolder> walk_folder(
    const std::filesystem::path& root, const WalkOptions& options,
    const std::function<void(const std::filesystem::path&)>& on_file);

// The previous generation's records read from files under `folder` (relative
// to the source root), in id order.
std::vector<Record> previous_records_under(RecordSink& sink, const std::string& folder);

// The error line's message for a folder that cannot be read, `kept` of whose
// records the previous generation's versions replace.
std::string folder_error(std::string_view reason, std::size_t kept);

// Reports that folder ctx.file cannot be read (one error line with the cause)
// and keeps the previous generation's records from files under it; returns
// how many it kept.
std::size_t reject_folder(const IssueContext& ctx, std::string_view reason);

}  // namespace atlas::detail
