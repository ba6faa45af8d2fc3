// build_stages.h - where a build's time goes, stage by stage.
//
// The build is a pipeline: the main thread reads and maps records and
// writes the catalog and column data while K shard threads turn records into
// Xapian documents; then a few stages run one after another.  Each stage adds
// its time under its name; a stage that runs on several threads at once adds
// each thread's time, so its figure is thread-seconds, not wall time
// (BuildStage::threads says over how many).  What the adapters take (reading
// and mapping files) is the read phase's wall time less the time the sink's
// stages took inside it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/index.h"

namespace atlas::detail {

// The stages, in the order a build first runs them.
// An update first (none in a full build):
inline constexpr std::string_view kStageCopy = "update: copy the current shards and catalog";
inline constexpr std::string_view kStageHashes = "update: read the current records' hashes";
// While records are read (the main thread, one record at a time):
inline constexpr std::string_view kStageAdapters = "read and map (adapters)";
inline constexpr std::string_view kStageChecks = "checks (plausible ranges)";
inline constexpr std::string_view kStageCatalog = "catalog rows (JSON, SQLite)";
inline constexpr std::string_view kStageColumns = "column data";
inline constexpr std::string_view kStageVocabulary = "vocabulary";
inline constexpr std::string_view kStagePanosc = "PaNOSC file";
inline constexpr std::string_view kStageQueue = "waiting for the Xapian threads";
// On the shard threads, beside the main thread (thread-seconds):
inline constexpr std::string_view kStageDocuments = "Xapian: terms of each record";
inline constexpr std::string_view kStageInvert = "Xapian: adding documents";
// Then one after another:
inline constexpr std::string_view kStageDisplay = "display files (last frames)";
inline constexpr std::string_view kStageCommit = "Xapian: last flush and commit";
inline constexpr std::string_view kStageCompact = "Xapian: compaction";
inline constexpr std::string_view kStageTopLists = "top lists";
inline constexpr std::string_view kStageColumnFile = "column file";
inline constexpr std::string_view kStageCatalogEnd = "catalog indexes, PaNOSC end";
inline constexpr std::string_view kStageSeal = "seal (MANIFEST, fsync) and check";

class StageClock {
  public:
    using Clock = std::chrono::steady_clock;

    // Adds `seconds` to stage `name` (created, in first-seen order, on first
    // use); `concurrent`: see BuildStage.
    void add(std::string_view name, double seconds, unsigned threads = 1, bool concurrent = false);

    // Runs `fn` and adds the time it took to `name`; returns what `fn` returns.
    template <class Fn>
    decltype(auto) time(std::string_view name, Fn&& fn) {
        struct Adder {
            StageClock& clock;
            std::string_view name;
            Clock::time_point start = Clock::now();
            ~Adder() { clock.add(name, seconds_since(start)); }
        } adder{*this, name};
        return fn();
    }

    // Total seconds of one stage so far (0 if it never ran).
    double seconds(std::string_view name) const;
    const std::vector<BuildStage>& stages() const { return stages_; }

    static double seconds_since(Clock::time_point start) {
        return std::chrono::duration<double>(Clock::now() - start).count();
    }

  private:
    std::vector<BuildStage> stages_;
};

}  // namespace atlas::detail
