// index_render.h - what atlas-index prints: the progress line of a build, its
// summary, and what stats and report read from an index.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "atlas/index.h"

namespace atlas::cli {

// The progress line a build shows on a terminal, from its start ("\r", then
// clear to the end of the line): records done / estimated, records/s,
// elapsed, ETA.  No newline.
std::string progress_line(const BuildProgress& progress);

// Records per source and kind, then the total: each line can be checked
// against its source's own count.
void print_counts(std::FILE* out,
                  const std::map<std::string, std::map<std::string, std::uint64_t>>& counts);

// What a build ends with: the new generation and its size, the counts, the
// notes, every rejected record, and the first warnings (report has them all).
void print_build_report(std::FILE* out, const BuildReport& report);
// --timings: one line per stage, seconds and share of the build's wall time;
// stages on several threads say so (their thread-seconds overlap the rest).
void print_build_stages(std::FILE* out, const BuildReport& report);

// `atlas-index stats`: the generation, its counts, and how many issues its
// ingest report holds.
void print_stats(std::FILE* out, const std::string& dir, const IndexStats& stats);

// `atlas-index report`: every issue of the ingest report, rejected records first.
void print_ingest_report(std::FILE* out, const IndexStats& stats);

// `atlas-index verify`: each problem on a line of its own, then one line that
// says whether the generation is intact.
void print_verify_report(std::FILE* out, const std::string& dir, const VerifyReport& report);

}  // namespace atlas::cli
