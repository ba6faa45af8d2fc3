// atlas_relevance - scores atlas, and the benchmark's SQL peers, on the judged query set
// (bench/relevance.h).
//
//   atlas_relevance --index DIR [--engine E | --engines E,E...] [--compare] [--work DIR]
//                   [--judged FILE] [--json] [--verbose]
//
// Judges every query by its SQL rules on the index's own catalog, runs it
// through each engine (100 hits), and prints nDCG@10, MRR and recall@100 per
// class and overall.  atlas runs through atlas::Searcher; a peer (sqlite:
// SQLite FTS5 with bm25, postgresql: PostgreSQL 15 with ts_rank, on a private
// server) is built from the index's records as the benchmark builds it and
// gets each query as a benchmark keyword request (bench/peers_relevance.h
// says how).  --verbose adds one line per query (its nDCG, the rank of the
// first relevant record, the top 3 ids with their grades), and under a query
// with a correct form (misspellings, abbreviations, natural language) that form
// with its own nDCG and the difference; --json prints the
// evaluation as one JSON document (several engines: one member per engine);
// --compare prints the engines side by side as markdown tables instead.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/search.h"
#include "peers_relevance.h"
#include "relevance.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kUsage =
    "usage: atlas_relevance --index DIR [--engine E | --engines E,E...] [--compare]\n"
    "                       [--work DIR] [--judged FILE] [--json] [--verbose]\n"
    "  --index    the index to score (its CURRENT generation)\n"
    "  --engine   atlas (default), sqlite (SQLite FTS5, bm25) or postgresql (ts_rank)\n"
    "  --engines  several of them, comma-separated, scored one after the other\n"
    "  --compare  print the engines side by side: nDCG@10, MRR and recall@100 per class,\n"
    "             as markdown tables\n"
    "  --work     where the peers' records and indexes go (default: a temporary\n"
    "             directory, removed at exit)\n"
    "  --judged   the judged query set (default: " ATLAS_JUDGED_FILE
    ")\n"
    "  --json     print the evaluation as JSON\n"
    "  --verbose  one line per query: nDCG@10, first relevant rank, top 3 ids (grade);\n"
    "             under it, a query's correct form (\"= ...\") with its nDCG@10\n";

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<std::string> split(std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = list.substr(0, comma);
        if (!item.empty()) out.emplace_back(item);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return out;
}

// A fresh directory for the peers, removed by the destructor unless the user named it.
class WorkDir {
  public:
    WorkDir() = default;
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    ~WorkDir() {
        std::error_code ec;
        if (owned_) fs::remove_all(path_, ec);
    }
    atlas::Status make(const fs::path& given) {
        std::error_code ec;
        if (!given.empty()) {
            path_ = given;
            fs::create_directories(path_, ec);
            if (!fs::is_directory(path_, ec)) {
                return atlas::Error{atlas::Errc::io,
                                    fmt::format("cannot create '{}'", path_.string())};
            }
            return {};
        }
        std::string tmpl = (fs::temp_directory_path() / "atlas-relevance-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            return atlas::Error{atlas::Errc::io, fmt::format("cannot create '{}'", tmpl)};
        }
        path_ = tmpl;
        owned_ = true;
        return {};
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
    bool owned_ = false;
};

struct Scored {
    std::string name;  // the engine's own name: atlas, sqlite-fts5, postgresql
    atlas::bench::Evaluation evaluation;
    std::string setup;  // how it was built, for the report
};

}  // namespace

int main(int argc, char** argv) {
    std::string index_dir;
    std::string judged_file = ATLAS_JUDGED_FILE;
    std::string work;
    std::vector<std::string> engines;
    bool json = false;
    bool verbose = false;
    bool compare = false;
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
        } else if (arg == "--compare") {
            compare = true;
        } else if ((arg == "--engine" || arg == "--engines") && i + 1 < argc) {
            for (auto& e : split(argv[++i])) engines.push_back(std::move(e));
        } else if ((arg == "--index" || arg == "--judged" || arg == "--work") && i + 1 < argc) {
            (arg == "--index" ? index_dir : arg == "--judged" ? judged_file : work) = argv[++i];
        } else {
            fmt::print(stderr, "atlas_relevance: bad argument '{}'\n{}", arg, kUsage);
            return 2;
        }
    }
    if (index_dir.empty()) {
        fmt::print(stderr, "atlas_relevance: --index is required\n{}", kUsage);
        return 2;
    }
    if (engines.empty()) engines.emplace_back("atlas");
    for (const auto& e : engines) {
        if (std::string why = atlas::bench::peer_not_built(e); !why.empty()) {
            fmt::print(stderr, "atlas_relevance: {}\n", why);
            return 2;
        }
        if (e != "atlas" && atlas::bench::make_peer(e) == nullptr) {
            fmt::print(stderr, "atlas_relevance: unknown engine '{}' (atlas, sqlite, postgresql)\n",
                       e);
            return 2;
        }
    }
    if (json && compare) {
        fmt::print(stderr, "atlas_relevance: --json and --compare exclude each other\n");
        return 2;
    }
    auto fail = [](const atlas::Error& e) {
        fmt::print(stderr, "atlas_relevance: {}: {}\n", atlas::errc_name(e.code), e.message);
        return 1;
    };
    auto started = Clock::now();
    auto set = atlas::bench::load_judged_set(judged_file);
    if (!set.ok()) return fail(set.error());
    auto searcher = atlas::Searcher::open(index_dir);
    if (!searcher.ok()) return fail(searcher.error());
    // The generation the searcher opened, so judgments, atlas's rankings and
    // the peers' records all see the same records.
    const fs::path generation = searcher.value().generation();
    auto catalog = atlas::bench::JudgmentCatalog::open(generation);
    if (!catalog.ok()) return fail(catalog.error());
    const double opened = seconds_since(started);

    WorkDir work_dir;
    fs::path records_dir;  // written once, for the first peer
    std::vector<Scored> scored;
    for (const auto& name : engines) {
        Scored s;
        std::unique_ptr<atlas::bench::Engine> peer;
        std::unique_ptr<atlas::bench::Session> session;
        atlas::bench::Ranker ranker;
        if (name == "atlas") {
            s.name = "atlas";
            ranker = atlas::bench::atlas_ranker(searcher.value());
        } else {
            peer = atlas::bench::make_peer(name);
            s.name = peer->name();
            if (records_dir.empty()) {
                if (auto made = work_dir.make(work); !made.ok()) return fail(made.error());
                auto t0 = Clock::now();
                auto written = atlas::bench::write_catalog_records(generation / "catalog.sqlite",
                                                                   work_dir.path() / "records");
                if (!written.ok()) return fail(written.error());
                records_dir = work_dir.path() / "records";
                fmt::print(stderr, "atlas_relevance: {} records written to {} in {:.1f} s\n",
                           written.value(), records_dir.string(), seconds_since(t0));
            }
            auto t0 = Clock::now();
            fmt::print(stderr, "atlas_relevance: building {} ...\n", s.name);
            if (auto built = peer->build(records_dir, work_dir.path() / s.name); !built.ok()) {
                return fail(built.error());
            }
            s.setup = fmt::format("built in {:.1f} s, index {:.1f} MiB", seconds_since(t0),
                                  static_cast<double>(peer->index_bytes()) / 1048576.0);
            fmt::print(stderr, "atlas_relevance: {} {}\n", s.name, s.setup);
            auto opened_session = peer->open_session();
            if (!opened_session.ok()) return fail(opened_session.error());
            session = std::move(opened_session).value();
            ranker = atlas::bench::peer_ranker(*session);
        }
        auto evaluation = atlas::bench::evaluate(set.value(), catalog.value(), ranker);
        if (!evaluation.ok()) return fail(evaluation.error());
        s.evaluation = std::move(evaluation).value();
        scored.push_back(std::move(s));
        // The session closes before its engine (a PostgreSQL peer then stops its server).
        session.reset();
        peer.reset();
    }
    const double seconds = seconds_since(started);

    if (json) {
        if (scored.size() == 1) {
            fmt::print("{}\n", atlas::bench::evaluation_to_json(scored.front().evaluation));
            return 0;
        }
        std::string out = "{";
        for (const auto& s : scored) {
            if (out.size() > 1) out += ",";
            out += fmt::format("\"{}\":{}", s.name, atlas::bench::evaluation_to_json(s.evaluation));
        }
        fmt::print("{}}}\n", out);
        return 0;
    }
    fmt::print("atlas_relevance: {} queries from {}\n", set.value().queries.size(), judged_file);
    fmt::print("index: {} ({} records)\n", generation.string(), catalog.value().record_count());
    fmt::print("{:.1f} s (opening the catalog {:.1f} s)\n", seconds, opened);
    if (compare) {
        std::vector<std::string> names;
        std::vector<const atlas::bench::Evaluation*> evaluations;
        for (const auto& s : scored) {
            names.push_back(s.name);
            evaluations.push_back(&s.evaluation);
        }
        fmt::print("\n{}", atlas::bench::format_comparison(names, evaluations));
        return 0;
    }
    for (const auto& s : scored) {
        const auto& e = s.evaluation;
        fmt::print("\n[{}]{} judging {:.1f} s, ranking {:.1f} s\n\n", s.name,
                   s.setup.empty() ? "" : " " + s.setup + ";", e.seconds_judging,
                   e.seconds_ranking);
        fmt::print("{}", atlas::bench::format_evaluation(e, verbose));
    }
    return 0;
}
