// index_render.cpp - atlas-index's progress line, build summary, stats and report.
#include "index_render.h"

#include <fmt/format.h>

#include <algorithm>

#include "cli_util.h"

namespace atlas::cli {
namespace {

// Warnings printed in the build summary; `atlas-index report` prints them all.
constexpr std::size_t kWarningsShown = 20;

// Every rejected record, then the first kWarningsShown warnings and how many more.
void print_issues(std::FILE* out, const BuildReport& r) {
    std::size_t shown = 0;
    for (const auto& issue : r.issues) {
        if (issue.severity == Severity::error) {
            std::fprintf(out, "  %s\n", issue.to_line().c_str());
        }
    }
    for (const auto& issue : r.issues) {
        if (issue.severity != Severity::warning) continue;
        if (shown++ < kWarningsShown) std::fprintf(out, "  %s\n", issue.to_line().c_str());
    }
    if (shown > kWarningsShown) {
        std::fprintf(out, "  ... %s more warnings: atlas-index report --index %s\n",
                     grouped(shown - kWarningsShown).c_str(), r.index_dir.c_str());
    }
}

}  // namespace

std::string progress_line(const BuildProgress& p) {
    double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0;
    std::string eta = "-";
    if (rate > 0 && p.total > p.done) {
        eta = duration(static_cast<double>(p.total - p.done) / rate);
    }
    std::string done = grouped(p.done);
    if (p.total > 0) done += " / " + grouped(p.total);
    return fmt::format("\r\033[Kindexing {}: {} records  {} records/s  elapsed {}  ETA {}",
                       p.source, done, grouped(static_cast<std::uint64_t>(rate)),
                       duration(p.elapsed_seconds), eta);
}

void print_counts(std::FILE* out,
                  const std::map<std::string, std::map<std::string, std::uint64_t>>& counts) {
    std::uint64_t total = 0;
    std::fprintf(out, "  %-8s %-12s %10s\n", "source", "kind", "records");
    for (const auto& [source, kinds] : counts) {
        for (const auto& [kind, n] : kinds) {
            std::fprintf(out, "  %-8s %-12s %10s\n", source.c_str(), kind.c_str(),
                         grouped(n).c_str());
            total += n;
        }
    }
    std::fprintf(out, "  %-8s %-12s %10s\n", "total", "", grouped(total).c_str());
}

// "updated: 120 changed, 4 added, 1 removed, 9,875 unchanged (125 deleted docids)",
// or "full build: --full".
void print_update(std::FILE* out, const UpdateSummary& u) {
    if (!u.updated) {
        std::fprintf(out, "full build: %s\n", u.full_reason.c_str());
        return;
    }
    std::fprintf(out, "updated: %s changed, %s added, %s removed, %s unchanged (%s deleted docids of %s)\n",
                 grouped(u.changed).c_str(), grouped(u.added).c_str(), grouped(u.removed).c_str(),
                 grouped(u.unchanged).c_str(), grouped(u.deleted).c_str(),
                 grouped(u.docids_before + u.changed + u.added).c_str());
}

void print_build_report(std::FILE* out, const BuildReport& r) {
    double rate = r.seconds > 0 ? static_cast<double>(r.records) / r.seconds : 0;
    std::fprintf(out, "built %s in %s: %s records in %s (%s records/s), %s\n", r.generation.c_str(),
                 r.index_dir.c_str(), grouped(r.records).c_str(), duration(r.seconds).c_str(),
                 grouped(static_cast<std::uint64_t>(rate)).c_str(), bytes(r.index_bytes).c_str());
    print_counts(out, r.records_per_source);
    print_update(out, r.update);
    for (const auto& note : r.notes) std::fprintf(out, "note: %s\n", note.c_str());
    std::fprintf(out, "%s %s rejected", grouped(r.rejected).c_str(),
                 r.rejected == 1 ? "record" : "records");
    if (r.carried_over > 0) {
        std::fprintf(out, " (%s kept from the previous index)", grouped(r.carried_over).c_str());
    }
    std::fprintf(out, ", %s %s\n", grouped(r.warnings).c_str(),
                 r.warnings == 1 ? "warning" : "warnings");
    print_issues(out, r);
}

void print_build_stages(std::FILE* out, const BuildReport& r) {
    std::size_t width = 0;
    for (const auto& stage : r.stages) width = std::max(width, stage.name.size());
    fmt::print(out, "where the {:.1f} s went:\n", r.seconds);
    for (const auto& stage : r.stages) {
        double share = r.seconds > 0 ? 100 * stage.seconds / r.seconds : 0;
        std::string threads =
            stage.concurrent
                ? fmt::format("  (thread-seconds, {} {} beside the rest)", stage.threads,
                              stage.threads == 1 ? "thread" : "threads")
                : "";
        fmt::print(out, "  {:<{}}  {:8.2f} s  {:5.1f} %{}\n", stage.name, width, stage.seconds,
                   share, threads);
    }
}

void print_stats(std::FILE* out, const std::string& dir, const IndexStats& s) {
    std::fprintf(out, "%s: %s, schema version %d, built %s\n", dir.c_str(), s.generation.c_str(),
                 s.schema_version, s.built_at.c_str());
    print_counts(out, s.records_per_source);
    std::size_t errors = 0;
    for (const auto& i : s.issues) errors += i.severity == Severity::error ? 1 : 0;
    std::fprintf(out, "ingest report: %zu errors, %zu warnings (atlas-index report)\n", errors,
                 s.issues.size() - errors);
}

void print_ingest_report(std::FILE* out, const IndexStats& s) {
    // Rejected records first: they are what an operator must act on.
    for (auto severity : {Severity::error, Severity::warning}) {
        for (const auto& issue : s.issues) {
            if (issue.severity == severity) std::fprintf(out, "%s\n", issue.to_line().c_str());
        }
    }
}

void print_verify_report(std::FILE* out, const std::string& dir, const VerifyReport& r) {
    std::string where = fmt::format("{}/{}", dir, r.generation);
    for (const auto& p : r.problems) fmt::print(out, "damaged: {}: {}\n", where, p);
    for (const auto& n : r.notes) fmt::print(out, "note: {}\n", n);
    std::string verdict = r.problems.empty()
                              ? "intact"
                              : fmt::format("{} {}", r.problems.size(),
                                            r.problems.size() == 1 ? "problem" : "problems");
    fmt::print(out, "{}: {} {} ({}) checked against its manifest, {} Xapian {} checked: {}\n",
               where, grouped(r.files), r.files == 1 ? "file" : "files", bytes(r.bytes), r.shards,
               r.shards == 1 ? "shard" : "shards", verdict);
}

}  // namespace atlas::cli
