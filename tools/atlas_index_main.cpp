// atlas-index - builds the search index from the portals' metadata exports.
//
//   atlas-index build (--source NAME=PATH ... | --sources FILE) [--out DIR] [--quiet]
//   [--timings] [--allow-shrink] [--fresh]
//   atlas-index stats [--index DIR]
//   atlas-index report [--index DIR]
//   atlas-index verify [--index DIR] [--generation NAME]
//
// Exit codes: 0 built (or printed, or verified intact) with no error; 1 built,
// but there were errors (listed): records rejected, or a file or folder that
// could not be read (verify: damaged); 2 usage error; 3 the build failed and
// the current index is kept (verify: nothing to verify).  The options are in
// index_args.cpp, what is printed in index_render.cpp.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "atlas/portals.h"
#include "cli_util.h"
#include "index_args.h"
#include "index_render.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRejected = 1;
constexpr int kExitUsage = 2;
constexpr int kExitFailed = 3;

int usage_error(const std::string& message) {
    std::fprintf(stderr, "atlas-index: %s\n", message.c_str());
    std::fprintf(stderr, "run 'atlas-index --help' for usage\n");
    return kExitUsage;
}

// An error line without a record (a folder that cannot be read) counts even
// when nothing was kept in its place: its records are missing.
bool has_errors(const atlas::BuildReport& report) {
    if (report.rejected > 0) return true;
    return std::any_of(report.issues.begin(), report.issues.end(), [](const auto& issue) {
        return issue.severity == atlas::Severity::error;
    });
}

int build(const atlas::cli::IndexArgs& args) {
    atlas::BuildOptions options = args.build;
    options.out_dir = atlas::cli::index_dir(args.dir);
    bool progress = !args.quiet && atlas::cli::is_tty(stderr);
    if (progress) {
        options.on_progress = [](const atlas::BuildProgress& p) {
            std::fputs(atlas::cli::progress_line(p).c_str(), stderr);
            std::fflush(stderr);
        };
    }
    auto result = atlas::build_index(options);
    if (progress) std::fprintf(stderr, "\r\033[K");
    if (!result.ok()) {
        std::fprintf(stderr, "atlas-index: build failed: %s\n", result.error().message.c_str());
        return kExitFailed;
    }
    atlas::cli::print_build_report(stdout, result.value());
    if (args.timings) atlas::cli::print_build_stages(stdout, result.value());
    return has_errors(result.value()) ? kExitRejected : kExitOk;
}

// stats and report.
int read_index(const atlas::cli::IndexArgs& args) {
    std::string dir = atlas::cli::index_dir(args.dir);
    auto stats = atlas::read_index_stats(dir);
    if (!stats.ok()) {
        std::fprintf(stderr, "atlas-index: %s\n", stats.error().message.c_str());
        return kExitFailed;
    }
    if (args.command == atlas::cli::IndexArgs::Command::stats) {
        atlas::cli::print_stats(stdout, dir, stats.value());
    } else {
        atlas::cli::print_ingest_report(stdout, stats.value());
    }
    return kExitOk;
}

// verify: 0 intact, 1 damaged (each problem listed), 3 nothing to verify.
int verify(const atlas::cli::IndexArgs& args) {
    std::string dir = atlas::cli::index_dir(args.dir);
    auto report = atlas::verify_index(dir, args.generation);
    if (!report.ok()) {
        std::fprintf(stderr, "atlas-index: %s\n", report.error().message.c_str());
        return kExitFailed;
    }
    atlas::cli::print_verify_report(stdout, dir, report.value());
    return report.value().problems.empty() ? kExitOk : kExitRejected;
}

}  // namespace

int main(int argc, char** argv) {
    using Command = atlas::cli::IndexArgs::Command;
    auto parsed = atlas::cli::parse_index_args(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.ok()) return usage_error(parsed.error().message);
    const atlas::cli::IndexArgs& args = parsed.value();
    switch (args.command) {
        case Command::help:
            std::fputs(atlas::cli::index_usage().c_str(), stdout);
            return kExitOk;
        case Command::version:
            std::fprintf(stdout, "atlas-index %s (schema version %d)\n", ATLAS_VERSION,
                         atlas::schema_version());
            return kExitOk;
        case Command::build:
            return build(args);
        case Command::stats:
        case Command::report:
            return read_index(args);
        case Command::verify:
            return verify(args);
    }
    return kExitUsage;
}
