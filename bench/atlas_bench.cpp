// atlas_bench - build an index from a corpus, replay a query file, report latency percentiles.
//
//   atlas_bench --source cryoet=PATH [--queries FILE] [--out DIR] [--rounds N] [--warmup N]
//               [--json FILE] [--no-build]
//
// A plain harness in the style of LevelDB's db_bench: it prints its
// environment, the build rate and index size, then per scenario the nearest-
// rank p50/p95/p99/max latency of single requests, the single-thread QPS, and
// a hash of the returned ids so a change that alters results shows up.
// Cold open is measured separately from warm search.  Wall-clock numbers are
// reported, never asserted: machines are shared and noisy.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "atlas/search.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Query {
    std::string scenario;
    std::vector<std::string> kinds;
    std::string text;
    std::uint32_t offset = 0;
};

struct Row {
    std::string scenario;
    std::size_t n = 0;
    double p50 = 0, p95 = 0, p99 = 0, max = 0;  // microseconds
    double qps = 0;
    std::string hash;
};

// Nearest-rank percentile; `sorted` must be sorted ascending and non-empty.
double percentile(const std::vector<double>& sorted, double p) {
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::uint64_t fnv(std::uint64_t h, std::string_view s) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("model name")) {
            auto colon = line.find(':');
            if (colon != std::string::npos) return line.substr(colon + 2);
        }
    }
    return "unknown cpu";
}

std::string today() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::uint64_t dir_bytes(const fs::path& p) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
    return total;
}

// "scenario<TAB>kinds<TAB>query[<TAB>offset]"; kinds comma-separated or "-".
std::vector<Query> read_queries(const std::string& path, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = fmt::format("cannot read query file '{}'", path);
        return {};
    }
    std::vector<Query> out;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (true) {
            auto tab = line.find('\t', start);
            parts.push_back(
                line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        if (parts.size() < 3) {
            error = fmt::format("{}:{}: expected scenario<TAB>kinds<TAB>query", path, number);
            return {};
        }
        Query q;
        q.scenario = parts[0];
        if (parts[1] != "-") {
            std::size_t s = 0;
            while (s <= parts[1].size()) {
                auto comma = parts[1].find(',', s);
                q.kinds.push_back(
                    parts[1].substr(s, comma == std::string::npos ? std::string::npos : comma - s));
                if (comma == std::string::npos) break;
                s = comma + 1;
            }
        }
        q.text = parts[2];
        if (parts.size() > 3) q.offset = static_cast<std::uint32_t>(std::stoul(parts[3]));
        out.push_back(std::move(q));
    }
    return out;
}

int usage(const std::string& message) {
    std::fprintf(stderr, "atlas_bench: %s\n", message.c_str());
    std::fprintf(stderr,
                 "usage: atlas_bench --source NAME=PATH [--queries FILE] [--out DIR] [--rounds N] "
                 "[--warmup N] [--json FILE] [--no-build]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::vector<atlas::SourceSpec> sources;
    std::string queries_path = ATLAS_BENCH_QUERIES;
    std::string out_dir;
    std::string json_path;
    int rounds = 5;
    int warmup = 2;
    bool build = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto value = [&]() -> std::string {
            return i + 1 < args.size() ? args[++i] : std::string();
        };
        const std::string& a = args[i];
        if (a == "--source") {
            auto spec = atlas::parse_source_spec(value());
            if (!spec.ok()) return usage(spec.error().message);
            sources.push_back(spec.value());
        } else if (a == "--queries") {
            queries_path = value();
        } else if (a == "--out") {
            out_dir = value();
        } else if (a == "--json") {
            json_path = value();
        } else if (a == "--rounds") {
            rounds = std::max(1, std::atoi(value().c_str()));
        } else if (a == "--warmup") {
            warmup = std::max(0, std::atoi(value().c_str()));
        } else if (a == "--no-build") {
            build = false;
        } else {
            return usage(fmt::format("unknown argument '{}'", a));
        }
    }
    if (sources.empty() && build) return usage("--source NAME=PATH is needed to build");
    std::string error;
    auto queries = read_queries(queries_path, error);
    if (!error.empty()) return usage(error);
    bool temp_out = out_dir.empty();
    if (temp_out)
        out_dir = (fs::temp_directory_path() / fmt::format("atlas-bench-{}", ::getpid())).string();

#ifdef NDEBUG
    const char* build_type = "Release";
#else
    const char* build_type = "Debug";
#endif
    std::printf("atlas_bench %s (git %s) %s  %s  %ld x %s\n", ATLAS_VERSION, ATLAS_GIT_REVISION,
                build_type, today().c_str(), ::sysconf(_SC_NPROCESSORS_ONLN), cpu_model().c_str());
#ifndef NDEBUG
    std::printf("WARNING: assertions are enabled; numbers are not representative\n");
#endif

    if (build) {
        atlas::BuildOptions options;
        options.sources = sources;
        options.out_dir = out_dir;
        options.allow_shrink = true;
        auto report = atlas::build_index(options);
        if (!report.ok()) {
            std::fprintf(stderr, "atlas_bench: build failed: %s\n", report.error().message.c_str());
            return 1;
        }
        const auto& r = report.value();
        fs::path gen = fs::path(out_dir) / r.generation;
        std::printf(
            "build: %llu records in %.2f s = %.0f records/s; index %.1f MiB (catalog %.1f MiB, "
            "xapian %.1f MiB); %llu rejected, %llu warnings\n",
            static_cast<unsigned long long>(r.records), r.seconds,
            static_cast<double>(r.records) / r.seconds,
            static_cast<double>(r.index_bytes) / 1048576.0,
            static_cast<double>(fs::file_size(gen / "catalog.sqlite")) / 1048576.0,
            static_cast<double>(dir_bytes(gen / "xapian")) / 1048576.0,
            static_cast<unsigned long long>(r.rejected),
            static_cast<unsigned long long>(r.warnings));
    }

    std::vector<Row> rows;
    {
        // Cold open: a fresh Searcher each time (the OS cache is warm; this is
        // what a short-lived CLI process pays).
        std::vector<double> t;
        for (int i = 0; i < 20; ++i) {
            auto start = Clock::now();
            auto s = atlas::Searcher::open(out_dir);
            if (!s.ok()) {
                std::fprintf(stderr, "atlas_bench: %s\n", s.error().message.c_str());
                return 1;
            }
            t.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        }
        std::sort(t.begin(), t.end());
        rows.push_back(Row{"open_cold", t.size(), percentile(t, 50), percentile(t, 95),
                           percentile(t, 99), t.back(), 0, "-"});
    }
    auto opened = atlas::Searcher::open(out_dir);
    atlas::Searcher& searcher = opened.value();
    std::printf(
        "index: %s (%llu records)\nqueries: %s (%zu queries, %d warm-up rounds, %d timed rounds)\n",
        out_dir.c_str(), static_cast<unsigned long long>(searcher.record_count()),
        queries_path.c_str(), queries.size(), warmup, rounds);

    std::map<std::string, std::vector<double>> times;
    std::map<std::string, std::uint64_t> hashes;
    std::map<std::string, double> busy;
    std::vector<std::string> order;
    for (int round = 0; round < warmup + rounds; ++round) {
        for (const auto& q : queries) {
            atlas::SearchRequest request;
            request.query = q.text;
            request.kinds = q.kinds;
            request.offset = q.offset;
            request.limit = 20;
            auto start = Clock::now();
            auto result = searcher.search(request);
            double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
            if (!result.ok()) {
                std::fprintf(stderr, "atlas_bench: query '%s' failed: %s\n", q.text.c_str(),
                             result.error().message.c_str());
                return 1;
            }
            if (round < warmup) continue;
            if (!times.count(q.scenario)) {
                order.push_back(q.scenario);
                hashes[q.scenario] = 14695981039346656037ULL;
            }
            times[q.scenario].push_back(us);
            busy[q.scenario] += us;
            if (round == warmup) {
                auto& h = hashes[q.scenario];
                h = fnv(h, std::to_string(result.value().total));
                for (const auto& hit : result.value().hits) h = fnv(h, hit.id);
            }
        }
    }
    std::vector<double> all;
    double all_busy = 0;
    for (const auto& name : order) {
        auto t = times[name];
        std::sort(t.begin(), t.end());
        all.insert(all.end(), t.begin(), t.end());
        all_busy += busy[name];
        rows.push_back(Row{name, t.size(), percentile(t, 50), percentile(t, 95), percentile(t, 99),
                           t.back(), static_cast<double>(t.size()) / (busy[name] / 1e6),
                           fmt::format("{:08x}", static_cast<std::uint32_t>(hashes[name]))});
    }
    if (!all.empty()) {
        std::sort(all.begin(), all.end());
        rows.push_back(Row{"all", all.size(), percentile(all, 50), percentile(all, 95),
                           percentile(all, 99), all.back(),
                           static_cast<double>(all.size()) / (all_busy / 1e6), "-"});
    }

    std::printf("%-14s %6s %9s %9s %9s %9s %9s  %s\n", "scenario", "n", "p50_us", "p95_us",
                "p99_us", "max_us", "qps", "results_hash");
    for (const auto& r : rows) {
        std::string qps = r.qps > 0 ? fmt::format("{:.0f}", r.qps) : "-";
        std::printf("%-14s %6zu %9.0f %9.0f %9.0f %9.0f %9s  %s\n", r.scenario.c_str(), r.n, r.p50,
                    r.p95, r.p99, r.max, qps.c_str(), r.hash.c_str());
    }
    struct rusage usage_now {};
    ::getrusage(RUSAGE_SELF, &usage_now);
    std::printf("peak RSS: %.1f MiB\n", static_cast<double>(usage_now.ru_maxrss) / 1024.0);

    if (!json_path.empty()) {
        std::ofstream out(json_path);
        out << "[";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            out << fmt::format(
                "{}{{\"scenario\":\"{}\",\"n\":{},\"p50_us\":{:.1f},\"p95_us\":{:.1f},\"p99_us\":{:"
                ".1f},"
                "\"max_us\":{:.1f},\"qps\":{:.1f},\"results_hash\":\"{}\"}}",
                i == 0 ? "" : ",", r.scenario, r.n, r.p50, r.p95, r.p99, r.max, r.qps, r.hash);
        }
        out << "]\n";
    }
    if (temp_out) {
        std::error_code ec;
        fs::remove_all(out_dir, ec);
    }
    return 0;
}
