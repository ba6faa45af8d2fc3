// atlas_relevance - scores atlas on the judged query set (bench/relevance.h).
//
//   atlas_relevance --index DIR [--judged FILE] [--json] [--verbose]
//
// Judges every query by its SQL rules on the index's own catalog, runs it
// through atlas::Searcher (100 hits), and prints nDCG@10, MRR and recall@100
// per class and overall; --verbose adds one line per query (its nDCG, the rank
// of the first relevant record, the top 3 ids with their grades); --json
// prints the same as one JSON document.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "atlas/search.h"
#include "relevance.h"

namespace {

constexpr std::string_view kUsage =
    "usage: atlas_relevance --index DIR [--judged FILE] [--json] [--verbose]\n"
    "  --index    the index to score (its CURRENT generation)\n"
    "  --judged   the judged query set (default: " ATLAS_JUDGED_FILE
    ")\n"
    "  --json     print the evaluation as JSON\n"
    "  --verbose  one line per query: nDCG@10, first relevant rank, top 3 ids (grade)\n";

}  // namespace

int main(int argc, char** argv) {
    std::string index_dir;
    std::string judged_file = ATLAS_JUDGED_FILE;
    bool json = false;
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            fmt::print("{}", kUsage);
            return 0;
        }
        if (arg == "--json") {
            json = true;
        } else if (arg == "--verbose" || arg == "-v") {
            verbose = true;
        } else if ((arg == "--index" || arg == "--judged") && i + 1 < argc) {
            (arg == "--index" ? index_dir : judged_file) = argv[++i];
        } else {
            fmt::print(stderr, "atlas_relevance: bad argument '{}'\n{}", arg, kUsage);
            return 2;
        }
    }
    if (index_dir.empty()) {
        fmt::print(stderr, "atlas_relevance: --index is required\n{}", kUsage);
        return 2;
    }
    auto fail = [](const atlas::Error& e) {
        fmt::print(stderr, "atlas_relevance: {}: {}\n", atlas::errc_name(e.code), e.message);
        return 1;
    };
    auto started = std::chrono::steady_clock::now();
    auto set = atlas::bench::load_judged_set(judged_file);
    if (!set.ok()) return fail(set.error());
    auto searcher = atlas::Searcher::open(index_dir);
    if (!searcher.ok()) return fail(searcher.error());
    // The generation the searcher opened, so judgments and rankings see the same records.
    auto catalog = atlas::bench::JudgmentCatalog::open(searcher.value().generation());
    if (!catalog.ok()) return fail(catalog.error());
    double opened =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto evaluation = atlas::bench::evaluate(set.value(), catalog.value(),
                                             atlas::bench::atlas_ranker(searcher.value()));
    if (!evaluation.ok()) return fail(evaluation.error());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (json) {
        fmt::print("{}\n", atlas::bench::evaluation_to_json(evaluation.value()));
        return 0;
    }
    const auto& e = evaluation.value();
    fmt::print("atlas_relevance: {} queries from {}\n", set.value().queries.size(), judged_file);
    fmt::print("index: {} ({} records)\n", searcher.value().generation(),
               catalog.value().record_count());
    fmt::print("{:.1f} s (opening the catalog {:.1f} s, judging {:.1f} s, ranking {:.1f} s)\n\n",
               seconds, opened, e.seconds_judging, e.seconds_ranking);
    fmt::print("{}", atlas::bench::format_evaluation(e, verbose));
    return 0;
}
