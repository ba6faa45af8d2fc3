// verify.cpp - verify_index: a generation read back against its MANIFEST, and xapian-check.
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <optional>
#include <sstream>

#include "atlas/index.h"
#include "manifest_writer.h"
#include "schema/current_error.h"
#include "schema/layout.h"

namespace atlas {
namespace fs = std::filesystem;

namespace {

// The shard folders a generation's xapian/XAPIANDB stub lists.
std::vector<std::string> shard_names(const fs::path& xapian_dir) {
    std::vector<std::string> names;
    std::ifstream stub(xapian_dir / "XAPIANDB");
    std::string type, name;
    while (stub >> type >> name) names.push_back(name);
    return names;
}

constexpr std::size_t kMaxCheckOutput = std::size_t{1} << 20;

// What `xapian-check <shard>` printed (stdout and stderr) and its exit
// status; nullopt when it cannot be run (not installed).  A child process,
// not Xapian::Database::check in ours: Xapian 1.4.22's check code deletes an
// object through a pointer of another size (AddressSanitizer's
// new-delete-type-mismatch), and a damaged table must not take the verifier
// down with it.
std::optional<std::pair<int, std::string>> run_xapian_check(const fs::path& shard) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    std::string path = shard.string();
    char* argv[] = {const_cast<char*>("xapian-check"), path.data(), nullptr};
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, "xapian-check", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; rc == 0 && (n = ::read(out[0], buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (text.size() < kMaxCheckOutput) text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    if (rc != 0) return std::nullopt;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code == 127) return std::nullopt;  // the shell's "command not found"
    return std::make_pair(code, std::move(text));
}

// The line of xapian-check's output that says what is wrong: the first that
// names an error, else the last.
std::string complaint(const std::string& output) {
    std::istringstream in(output);
    std::string line, last;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        if (line.starts_with("xapian-check: ")) line = line.substr(14);
        if (line.find("rror") != std::string::npos) return line;
        last = line;
    }
    return last;
}

// xapian-check on each shard: its complaint per damaged shard.
void check_shards(const fs::path& generation, VerifyReport& report) {
    fs::path xapian_dir = generation / kXapianDir;
    for (const auto& name : shard_names(xapian_dir)) {
        auto checked = run_xapian_check(xapian_dir / name);
        if (!checked) {
            report.notes.push_back("xapian-check was not found (Debian package xapian-tools): the "
                                   "shards were checked against the manifest only");
            return;
        }
        ++report.shards;
        if (checked->first == 0) continue;
        report.problems.push_back(fmt::format("{}/{}: xapian-check: {}", kXapianDir, name,
                                              complaint(checked->second)));
    }
}

Result<fs::path> generation_dir(const std::string& index_dir, const std::string& generation) {
    if (generation.empty()) {
        auto current = current_generation(index_dir);
        if (!current.ok()) return current.error();
        return fs::path(current.value());
    }
    fs::path dir = fs::path(index_dir) / generation;
    std::error_code ec;
    bool plain_name = generation.find('/') == std::string::npos && generation != "." &&
                      generation != "..";
    if (!plain_name || !fs::is_directory(dir, ec)) {
        return Error{Errc::not_found, fmt::format("no generation '{}' in '{}'", generation,
                                                  index_dir)};
    }
    return dir;
}

}  // namespace

Result<VerifyReport> verify_index(const std::string& index_dir, const std::string& generation) {
    try {
        auto dir = generation_dir(index_dir, generation);
        if (!dir.ok()) return dir.error();
        VerifyReport report;
        report.generation = dir.value().filename().string();
        auto manifest = detail::read_manifest(dir.value());
        if (!manifest.ok()) {
            report.problems.push_back(manifest.error().message);
        } else {
            report.files = manifest.value().files.size();
            for (const auto& f : manifest.value().files) report.bytes += f.bytes;
            report.problems = detail::compare_with_manifest(dir.value(), manifest.value());
        }
        check_shards(dir.value(), report);
        return report;
    } catch (...) {
        return detail::current_error();
    }
}

}  // namespace atlas
