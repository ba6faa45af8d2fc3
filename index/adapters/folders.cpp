// folders.cpp - listing and walking source folders, and rejecting one that cannot be read.
#include "folders.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

using Identity = std::pair<dev_t, ino_t>;

bool is_missing(const std::error_code& ec) {
    return ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory;
}

// The device and inode of the folder `path` names (through links).
std::optional<Identity> identity(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return Identity{st.st_dev, st.st_ino};
}

std::string cannot_read(const std::string& cause) { return "cannot be read: " + cause; }

}  // namespace

PathType path_type(const fs::path& path) {
    PathType t;
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec) {
        if (!is_missing(ec)) t.error = ec;
        return t;
    }
    t.exists = st.type() != fs::file_type::not_found;
    t.directory = st.type() == fs::file_type::directory;
    t.regular_file = st.type() == fs::file_type::regular;
    return t;
}

Result<std::vector<fs::directory_entry>> list_folder(const fs::path& dir) {
    std::vector<fs::directory_entry> out;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) out.push_back(*it);
    // Listing needs read permission, reaching the entries execute permission.
    if (!ec) static_cast<void>(fs::status(dir / ".", ec));
    if (ec) return Error{Errc::io, ec.message()};
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.path().filename() < b.path().filename();
    });
    return out;
}

std::vector<UnreadableFolder> walk_folder(const fs::path& root, const WalkOptions& options,
                                          const std::function<void(const fs::path&)>& on_file) {
    std::vector<UnreadableFolder> unreadable;
    std::set<Identity> walked;
    if (auto id = identity(root)) walked.insert(*id);
    // Depth first, in name order: the stack holds folders still to walk.
    std::vector<std::pair<fs::path, std::size_t>> stack{{root, 0}};
    while (!stack.empty()) {
        auto [dir, depth] = std::move(stack.back());
        stack.pop_back();
        auto entries = list_folder(dir);
        if (!entries.ok()) {
            unreadable.push_back({dir, cannot_read(entries.error().message)});
            continue;
        }
        std::vector<std::pair<fs::path, std::size_t>> below;
        for (const auto& e : entries.value()) {
            std::error_code ec;
            bool link = e.is_symlink(ec);
            PathType type = path_type(e.path());
            if (type.error) {
                unreadable.push_back({e.path(), cannot_read(type.error.message())});
            } else if (type.regular_file) {
                on_file(e.path());
            } else if (type.directory && (!link || options.follow_links)) {
                auto id = identity(e.path());
                if (id && !walked.insert(*id).second) continue;  // walked already
                if (depth + 1 > options.max_depth) {
                    unreadable.push_back({e.path(), fmt::format("is more than {} folders deep",
                                                                options.max_depth)});
                    continue;
                }
                below.emplace_back(e.path(), depth + 1);
            }
        }
        stack.insert(stack.end(), below.rbegin(), below.rend());
    }
    return unreadable;
}

std::vector<Record> previous_records_under(RecordSink& sink, const std::string& folder) {
    std::vector<Record> out;
    for (const auto& id : sink.previous_ids_under(folder)) {
        if (auto previous = sink.previous(id)) out.push_back(std::move(*previous));
    }
    return out;
}

std::string folder_error(std::string_view reason, std::size_t kept) {
    if (kept == 0) return fmt::format("folder {}; its records are left out", reason);
    return fmt::format("folder {}; the current index's {} record{} from it kept", reason, kept,
                       kept == 1 ? "" : "s");
}

std::size_t reject_folder(const IssueContext& ctx, std::string_view reason) {
    if (ctx.sink == nullptr) return 0;
    std::vector<Record> kept = previous_records_under(*ctx.sink, ctx.file);
    std::size_t n = kept.size();
    for (auto& record : kept) ctx.sink->add_carried(std::move(record));
    report_issue(ctx, Severity::error, "", folder_error(reason, n), n > 0);
    return n;
}

}  // namespace atlas::detail
