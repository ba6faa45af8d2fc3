// atlas-index - builds the search index from the portals' metadata exports.
//
//   atlas-index build (--source NAME=PATH ... | --sources FILE) [--out DIR] [--quiet] [--allow-shrink]
//   atlas-index stats [--index DIR]
//   atlas-index report [--index DIR]
//
// Exit codes: 0 built (or printed) with no record rejected; 1 built, but some
// records were rejected (listed); 2 usage error; 3 the build failed and the
// current index is kept.
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "atlas/portals.h"
#include "cli_util.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRejected = 1;
constexpr int kExitUsage = 2;
constexpr int kExitFailed = 3;

// Warnings printed in the build summary; `atlas-index report` prints them all.
constexpr std::size_t kWarningsShown = 20;

constexpr const char* kUsage =
    R"(usage: atlas-index build (--source NAME=PATH ... | --sources FILE) [--out DIR]
                         [--quiet] [--allow-shrink] [--fresh]
       atlas-index stats [--index DIR]
       atlas-index report [--index DIR]

build    reads every source and makes a new index generation current in one step
         (readers keep the old one until the new one is complete)
           --source NAME=PATH  a source to index (repeatable); NAME is one of: cryoet,
                               htan, hoa, panosc, minerva
           --sources FILE      the sources listed in a JSON file (the nightly job's):
                               {"sources": [{"name": "htan", "path": "htan"}, ...]};
                               relative paths are relative to the file
           --out DIR           index directory (default: $ATLAS_INDEX, else the build's index)
           --quiet             no progress line, summary only
           --allow-shrink      accept a source that shrank to under half its records
           --fresh             do not read the current index (no carry-over): to recover
                               from a current index that cannot be read
stats    records per kind of the current generation
report   the current generation's ingest report: every rejected record and warning

exit codes: 0 ok; 1 built, some records rejected; 2 usage error; 3 build failed, old index kept
)";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "atlas-index: %s\n", message.c_str());
    std::fprintf(stderr, "run 'atlas-index --help' for usage\n");
    return kExitUsage;
}

// Records per source and kind, so each line can be checked against its
// source's own count (a "dataset" of the CryoET portal is not one of HOA's).
void print_counts(const std::map<std::string, std::map<std::string, std::uint64_t>>& counts) {
    std::uint64_t total = 0;
    std::fprintf(stdout, "  %-8s %-12s %10s\n", "source", "kind", "records");
    for (const auto& [source, kinds] : counts) {
        for (const auto& [kind, n] : kinds) {
            std::fprintf(stdout, "  %-8s %-12s %10s\n", source.c_str(), kind.c_str(),
                         atlas::cli::grouped(n).c_str());
            total += n;
        }
    }
    std::fprintf(stdout, "  %-8s %-12s %10s\n", "total", "", atlas::cli::grouped(total).c_str());
}

int run_build(const std::vector<std::string>& args) {
    atlas::BuildOptions options;
    std::string out;
    bool quiet = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string* {
            return i + 1 < args.size() ? &args[++i] : nullptr;
        };
        if (a == "--source") {
            const std::string* v = value();
            if (v == nullptr) return usage_error("--source needs NAME=PATH");
            auto spec = atlas::parse_source_spec(*v);
            if (!spec.ok()) return usage_error(spec.error().message);
            options.sources.push_back(spec.value());
        } else if (a.starts_with("--source=")) {
            auto spec = atlas::parse_source_spec(a.substr(9));
            if (!spec.ok()) return usage_error(spec.error().message);
            options.sources.push_back(spec.value());
        } else if (a == "--sources" || a.starts_with("--sources=")) {
            const std::string* v = a == "--sources" ? value() : nullptr;
            std::string file = v != nullptr ? *v : a.substr(std::min(a.size(), std::size_t{10}));
            if (file.empty()) return usage_error("--sources needs a JSON file");
            auto specs = atlas::read_sources_file(file);
            if (!specs.ok()) return usage_error(specs.error().message);
            for (auto& s : specs.value()) options.sources.push_back(std::move(s));
        } else if (a == "--out") {
            const std::string* v = value();
            if (v == nullptr) return usage_error("--out needs a directory");
            out = *v;
        } else if (a.starts_with("--out=")) {
            out = a.substr(6);
        } else if (a == "--quiet" || a == "-q") {
            quiet = true;
        } else if (a == "--allow-shrink") {
            options.allow_shrink = true;
        } else if (a == "--fresh") {
            options.fresh = true;
        } else {
            return usage_error(fmt::format("unknown argument '{}' for build", a));
        }
    }
    if (options.sources.empty()) {
        return usage_error("build needs at least one --source NAME=PATH");
    }
    for (std::size_t i = 0; i < options.sources.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (options.sources[i].name == options.sources[j].name) {
                return usage_error(fmt::format("source '{}' is given twice ('{}' and '{}')",
                                               options.sources[i].name, options.sources[j].path,
                                               options.sources[i].path));
            }
        }
    }
    options.out_dir = atlas::cli::index_dir(out);

    bool progress_line = !quiet && atlas::cli::is_tty(stderr);
    if (progress_line) {
        options.on_progress = [](const atlas::BuildProgress& p) {
            double rate =
                p.elapsed_seconds > 0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0;
            std::string eta = "-";
            if (rate > 0 && p.total > p.done) {
                eta = atlas::cli::duration(static_cast<double>(p.total - p.done) / rate);
            }
            std::string done = atlas::cli::grouped(p.done);
            if (p.total > 0) done += " / " + atlas::cli::grouped(p.total);
            std::fprintf(stderr,
                         "\r\033[Kindexing %s: %s records  %s records/s  elapsed %s  ETA %s",
                         p.source.c_str(), done.c_str(),
                         atlas::cli::grouped(static_cast<std::uint64_t>(rate)).c_str(),
                         atlas::cli::duration(p.elapsed_seconds).c_str(), eta.c_str());
            std::fflush(stderr);
        };
    }
    auto result = atlas::build_index(options);
    if (progress_line) std::fprintf(stderr, "\r\033[K");
    if (!result.ok()) {
        std::fprintf(stderr, "atlas-index: build failed: %s\n", result.error().message.c_str());
        return kExitFailed;
    }
    const atlas::BuildReport& r = result.value();
    double rate = r.seconds > 0 ? static_cast<double>(r.records) / r.seconds : 0;
    std::fprintf(stdout, "built %s in %s: %s records in %s (%s records/s), %s\n",
                 r.generation.c_str(), r.index_dir.c_str(), atlas::cli::grouped(r.records).c_str(),
                 atlas::cli::duration(r.seconds).c_str(),
                 atlas::cli::grouped(static_cast<std::uint64_t>(rate)).c_str(),
                 atlas::cli::bytes(r.index_bytes).c_str());
    print_counts(r.records_per_source);
    for (const auto& note : r.notes) std::fprintf(stdout, "note: %s\n", note.c_str());
    std::fprintf(stdout, "%s %s rejected", atlas::cli::grouped(r.rejected).c_str(),
                 r.rejected == 1 ? "record" : "records");
    if (r.carried_over > 0) {
        std::fprintf(stdout, " (%s kept from the previous index)",
                     atlas::cli::grouped(r.carried_over).c_str());
    }
    std::fprintf(stdout, ", %s %s\n", atlas::cli::grouped(r.warnings).c_str(),
                 r.warnings == 1 ? "warning" : "warnings");
    std::size_t shown = 0;
    for (const auto& issue : r.issues) {
        if (issue.severity == atlas::Severity::error) {
            std::fprintf(stdout, "  %s\n", issue.to_line().c_str());
        }
    }
    for (const auto& issue : r.issues) {
        if (issue.severity != atlas::Severity::warning) continue;
        if (shown++ < kWarningsShown) std::fprintf(stdout, "  %s\n", issue.to_line().c_str());
    }
    if (shown > kWarningsShown) {
        std::fprintf(stdout, "  ... %s more warnings: atlas-index report --index %s\n",
                     atlas::cli::grouped(shown - kWarningsShown).c_str(), r.index_dir.c_str());
    }
    return r.rejected > 0 ? kExitRejected : kExitOk;
}

int run_read(const std::string& command, const std::vector<std::string>& args) {
    std::string index;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--index" && i + 1 < args.size()) {
            index = args[++i];
        } else if (args[i].starts_with("--index=")) {
            index = args[i].substr(8);
        } else {
            return usage_error(fmt::format("unknown argument '{}' for {}", args[i], command));
        }
    }
    std::string dir = atlas::cli::index_dir(index);
    auto stats = atlas::read_index_stats(dir);
    if (!stats.ok()) {
        std::fprintf(stderr, "atlas-index: %s\n", stats.error().message.c_str());
        return kExitFailed;
    }
    const auto& s = stats.value();
    if (command == "stats") {
        std::fprintf(stdout, "%s: %s, schema version %d, built %s\n", dir.c_str(),
                     s.generation.c_str(), s.schema_version, s.built_at.c_str());
        print_counts(s.records_per_source);
        std::size_t errors = 0;
        for (const auto& i : s.issues) errors += i.severity == atlas::Severity::error ? 1 : 0;
        std::fprintf(stdout, "ingest report: %zu errors, %zu warnings (atlas-index report)\n",
                     errors, s.issues.size() - errors);
        return kExitOk;
    }
    // Rejected records first: they are what an operator must act on.
    for (auto severity : {atlas::Severity::error, atlas::Severity::warning}) {
        for (const auto& issue : s.issues) {
            if (issue.severity == severity) std::fprintf(stdout, "%s\n", issue.to_line().c_str());
        }
    }
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("no command (build, stats or report)");
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(kUsage, stdout);
        return kExitOk;
    }
    if (args[0] == "--version") {
        std::fprintf(stdout, "atlas-index %s (schema version %d)\n", ATLAS_VERSION,
                     atlas::schema_version());
        return kExitOk;
    }
    std::string command = args[0];
    args.erase(args.begin());
    for (const auto& a : args) {
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return kExitOk;
        }
    }
    if (command == "build") return run_build(args);
    if (command == "stats" || command == "report") return run_read(command, args);
    return usage_error(fmt::format("unknown command '{}' (build, stats or report)", command));
}
