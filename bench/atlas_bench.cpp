// atlas_bench - atlas-search against SQLite FTS5, PostgreSQL and Orama on the
// same records and the same requests, in one run.
//
//   atlas_bench --records DIR --workload FILE [--engines atlas,sqlite,postgresql,orama]
//               [--work DIR] [--rounds N[,ENGINE=N...]] [--warmup N] [--threads 1,2]
//               [--qps-seconds S] [--report FILE.md] [--json FILE]
//               [--plot-data FILE.tsv] [--label TEXT]
//
// A plain harness in the style of LevelDB's db_bench and SQLite's speedtest1:
// it prints its environment, then per engine the build (seconds, records/s,
// index size, peak memory) and per workload scenario the nearest-rank
// p50/p95/p99/max latency of single requests, the QPS with one and with two
// threads, how many requests found anything, and a hash of the returned ids;
// then the ratio of each peer's latency to atlas's, scenario by scenario,
// measured in this run.  On the scenarios whose answers do not depend on a
// ranking function (filters, exact terms, facets of a browse), every engine
// must agree on totals and facet counts: any disagreement is printed, never
// hidden.  Wall-clock numbers are reported, never asserted: machines are
// shared and noisy.  --rounds may differ per engine (`--rounds 1,atlas=5`):
// a nearest-rank p99 of 50 requests timed once is their maximum, one
// scheduling hiccup; five rounds make it the third-slowest of 250, while a
// peer taking seconds per request is timed once.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "atlas_engine.h"
#include "engine.h"
#include "orama_engine.h"
#include "peers_relevance.h"
#include "sqlite_engine.h"
#include "workload.h"
#ifdef ATLAS_BENCH_POSTGRESQL
#include "pg_engine.h"
#endif

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace atlas::bench;

// Scenarios whose totals and facet counts every engine must reproduce.  Not
// "typo": only atlas corrects misspellings, the peers are meant to find less.
const std::set<std::string> kMustAgree{"browse_facets", "filter_facets", "exact_term"};
// The row of every request of the workload together.
constexpr const char* kMixed = "mixed";

struct Options {
    fs::path records;
    fs::path workload;
    fs::path work;
    std::vector<std::string> engines{"atlas", "sqlite", "postgresql"};
    int rounds = 3;
    std::map<std::string, int> engine_rounds;  // --rounds ENGINE=N
    int warmup = 1;
    std::vector<int> threads{1, 2};
    double qps_seconds = 10;
    fs::path report;
    fs::path plot;
    fs::path json;
    std::string label;
};

struct Row {
    std::string engine;
    std::string scenario;
    std::size_t n = 0;
    double p50 = 0, p95 = 0, p99 = 0, max = 0;  // milliseconds
    std::map<int, double> qps;                  // threads -> requests per second
    std::size_t requests = 0, found = 0;        // requests, and those with a hit (first round)
    std::string hash;
    std::size_t errors = 0;
};

struct BuildRow {
    std::string engine;
    double seconds = 0;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::uint64_t peak_rss = 0;  // bytes, the harness process while building
    std::string error;
    std::string note;  // what `bytes` measures when it is not the index on disk
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
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

// Resets the kernel's record of this process's peak resident memory, so the
// next read covers one phase only (Linux: clear_refs value 5).
void reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
}

std::uint64_t peak_rss() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6)) * 1024;
    }
    return 0;
}

std::string mib(std::uint64_t bytes) { return fmt::format("{:.1f} MiB", bytes / 1048576.0); }

std::string grouped(double v) {
    auto n = static_cast<std::uint64_t>(std::llround(v));
    std::string digits = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

std::string ms(double v) { return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v); }

std::unique_ptr<Engine> make_engine(const std::string& name) {
    if (name == "atlas") return make_atlas_engine();
    if (name == "sqlite") return make_sqlite_engine();
    if (name == "orama") return make_orama_engine();
#ifdef ATLAS_BENCH_POSTGRESQL
    if (name == "postgresql") return make_pg_engine();
#endif
    return nullptr;
}

std::uint64_t count_records(const fs::path& dir) {
    std::uint64_t n = 0;
    auto s = for_each_record(dir, [&](const BenchRecord&) {
        ++n;
        return atlas::Status{};
    });
    return s.ok() ? n : 0;
}

// What a request returned, for comparing engines.
std::string answer_key(const BenchResult& r) {
    std::string out = fmt::format("total={}", r.total);
    for (const auto& f : r.facets) {
        out += fmt::format(" {}:", f.field);
        for (const auto& [v, c] : f.values) out += fmt::format("{}={},", v, c);
    }
    return out;
}

int usage(const std::string& message) {
    std::fprintf(stderr, "atlas_bench: %s\n", message.c_str());
    std::fprintf(stderr,
                 "usage: atlas_bench --records DIR --workload FILE\n"
                 "                   [--engines atlas,sqlite,postgresql,orama]\n"
                 "                   [--work DIR] [--rounds N[,ENGINE=N...]] [--warmup N]\n"
                 "                   [--threads 1,2]\n"
                 "                   [--qps-seconds S] [--report FILE.md] [--json FILE]\n"
                 "                   [--plot-data FILE.tsv] [--label TEXT]\n");
    return 2;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto comma = s.find(',', start);
        std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!part.empty()) out.push_back(part);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
        const std::string& a = args[i];
        if (a == "--records") {
            o.records = value();
        } else if (a == "--workload") {
            o.workload = value();
        } else if (a == "--work") {
            o.work = value();
        } else if (a == "--engines") {
            o.engines = split(value());
        } else if (a == "--rounds") {
            for (const auto& part : split(value())) {
                auto eq = part.find('=');
                int n = std::atoi(part.substr(eq == std::string::npos ? 0 : eq + 1).c_str());
                if (n < 1) return usage("--rounds takes N or ENGINE=N, each 1 or more");
                if (eq == std::string::npos) {
                    o.rounds = n;
                } else {
                    o.engine_rounds[part.substr(0, eq)] = n;
                }
            }
        } else if (a == "--warmup") {
            o.warmup = std::atoi(value().c_str());
        } else if (a == "--threads") {
            o.threads.clear();
            for (const auto& t : split(value())) o.threads.push_back(std::atoi(t.c_str()));
        } else if (a == "--report") {
            o.report = value();
        } else if (a == "--qps-seconds") {
            o.qps_seconds = std::atof(value().c_str());
        } else if (a == "--plot-data") {
            o.plot = value();
        } else if (a == "--json") {
            o.json = value();
        } else if (a == "--label") {
            o.label = value();
        } else {
            return usage(fmt::format("unknown argument '{}'", a));
        }
    }
    if (o.records.empty() || o.workload.empty()) return usage("--records and --workload are needed");
    if (o.warmup < 0) return usage("--warmup must be 0 or more");
    for (const auto& [engine, n] : o.engine_rounds) {
        if (std::find(o.engines.begin(), o.engines.end(), engine) == o.engines.end()) {
            return usage(fmt::format("--rounds names '{}', which is not among --engines", engine));
        }
    }
    auto rounds_of = [&](const std::string& engine) {
        auto it = o.engine_rounds.find(engine);
        return it == o.engine_rounds.end() ? o.rounds : it->second;
    };
    std::string rounds_text = std::to_string(o.rounds);
    for (const auto& [engine, n] : o.engine_rounds) rounds_text += fmt::format(", {} {}", engine, n);
    if (!(o.qps_seconds > 0)) return usage("--qps-seconds takes a positive number");
    for (int t : o.threads) {
        if (t < 1 || t > 64) return usage("--threads takes numbers from 1 to 64");
    }
    for (const auto& e : o.engines) {
        if (make_engine(e)) continue;
        if (std::string why = peer_not_built(e); !why.empty()) return usage(why);
        return usage(fmt::format("unknown engine '{}' (atlas, sqlite, postgresql, orama)", e));
    }
    if (o.work.empty()) o.work = fs::temp_directory_path() / fmt::format("atlas-bench-{}", ::getpid());
    fs::create_directories(o.work);

    auto workload = read_workload(o.workload);
    if (!workload.ok()) {
        std::fprintf(stderr, "atlas_bench: %s\n", workload.error().message.c_str());
        return 1;
    }
    std::vector<WorkloadItem>& items = workload.value();
    for (auto& item : items) item.bench.native = item.request_json;
    std::vector<std::string> scenarios;
    for (const auto& item : items) {
        if (std::find(scenarios.begin(), scenarios.end(), item.scenario) == scenarios.end()) {
            scenarios.push_back(item.scenario);
        }
    }
    std::uint64_t records = count_records(o.records);

    std::string header = fmt::format(
        "atlas_bench {} (git {}) {}  {}  {} x {}\nrecords: {} ({}), workload: {} ({} requests, {} "
        "scenarios), rounds {} + {} warm-up",
        ATLAS_VERSION, ATLAS_GIT_REVISION,
#ifdef NDEBUG
        "Release",
#else
        "Debug",
#endif
        today(), std::thread::hardware_concurrency(), cpu_model(), grouped(static_cast<double>(records)),
        o.records.string(), o.workload.filename().string(), items.size(), scenarios.size(), rounds_text,
        o.warmup);
    std::printf("%s\n", header.c_str());
#ifndef NDEBUG
    std::printf("WARNING: assertions are enabled; numbers are not representative\n");
#endif

    std::vector<BuildRow> builds;
    std::vector<Row> rows;
    // engine -> per item answer (for the agreement check)
    std::map<std::string, std::vector<std::string>> answers;
    std::vector<std::string> problems;

    for (const auto& name : o.engines) {
        auto engine = make_engine(name);
        BuildRow b;
        b.engine = name;
        b.records = records;
        std::printf("\n[%s] building from %s ...\n", name.c_str(), o.records.string().c_str());
        std::fflush(stdout);
        reset_peak_rss();
        auto t0 = Clock::now();
        auto built = engine->build(o.records, o.work / name);
        b.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        b.peak_rss = peak_rss();
        if (!built.ok()) {
            b.error = built.error().message;
            std::printf("[%s] build failed: %s\n", name.c_str(), b.error.c_str());
            builds.push_back(b);
            problems.push_back(fmt::format("{}: build failed: {}", name, b.error));
            continue;
        }
        b.bytes = engine->index_bytes();
        b.note = engine->index_note();
        builds.push_back(b);
        std::printf("[%s] built %s records in %.1f s (%s records/s), index %s, peak RSS %s\n",
                    name.c_str(), grouped(static_cast<double>(records)).c_str(), b.seconds,
                    grouped(static_cast<double>(records) / std::max(b.seconds, 1e-9)).c_str(),
                    mib(b.bytes).c_str(), mib(b.peak_rss).c_str());
        if (!b.note.empty()) std::printf("[%s] index: %s\n", name.c_str(), b.note.c_str());

        auto session = engine->open_session();
        if (!session.ok()) {
            problems.push_back(fmt::format("{}: cannot open a session: {}", name, session.error().message));
            continue;
        }
        // Warm-up, and each request's answer for the agreement check.
        auto& answer = answers[name];
        answer.assign(items.size(), std::string());
        for (int w = 0; w < o.warmup; ++w) {
            for (const auto& item : items) (void)session.value()->run(item.bench);
        }
        std::map<std::string, std::vector<double>> latencies;
        std::map<std::string, std::uint64_t> hashes;
        std::map<std::string, std::size_t> errors;
        std::map<std::string, std::pair<std::size_t, std::size_t>> found;  // requests, with a hit
        for (int round = 0; round < rounds_of(name); ++round) {
            for (std::size_t i = 0; i < items.size(); ++i) {
                const auto& item = items[i];
                auto s0 = Clock::now();
                auto r = session.value()->run(item.bench);
                double took = std::chrono::duration<double, std::milli>(Clock::now() - s0).count();
                latencies[item.scenario].push_back(took);
                if (!r.ok()) {
                    if (errors[item.scenario]++ == 0) {
                        problems.push_back(fmt::format("{}: {} request {} failed: {}", name,
                                                       item.scenario, i, r.error().message));
                    }
                    continue;
                }
                if (round == 0) {
                    auto& [asked, hit] = found[item.scenario];
                    ++asked;
                    if (r.value().total > 0) ++hit;
                    std::uint64_t& h = hashes.try_emplace(item.scenario, 1469598103934665603ULL).first->second;
                    for (const auto& id : r.value().ids) h = fnv(h, id);
                    answer[i] = answer_key(r.value());
                }
            }
        }
        // Throughput: each thread its own session, the requests shared out.
        std::map<std::string, std::map<int, double>> qps;
        for (int threads : o.threads) {
            std::vector<std::unique_ptr<Session>> sessions;
            for (int t = 0; t < threads; ++t) {
                auto s = engine->open_session();
                if (!s.ok()) {
                    // Reported, not a failure: a peer may lack the memory for another session.
                    std::printf("[%s] no QPS with %d threads: %s\n", name.c_str(), threads,
                                s.error().message.c_str());
                    break;
                }
                sessions.push_back(std::move(s).value());
            }
            if (static_cast<int>(sessions.size()) != threads) continue;
            for (const auto& scenario : scenarios) {
                std::vector<const WorkloadItem*> mine;
                for (const auto& item : items) {
                    if (item.scenario == scenario) mine.push_back(&item);
                }
                // The scenario's requests `rounds` times over, or as many as fit in
                // --qps-seconds (at least one per thread), so slow peers at 10^6
                // records do not take hours.
                std::atomic<std::size_t> next{0};
                std::atomic<std::size_t> done{0};
                std::size_t total = mine.size() * static_cast<std::size_t>(rounds_of(name));
                auto q0 = Clock::now();
                auto deadline = q0 + std::chrono::duration<double>(o.qps_seconds);
                std::vector<std::thread> pool;
                for (int t = 0; t < threads; ++t) {
                    pool.emplace_back([&, t] {
                        for (std::size_t k = next++; k < total; k = next++) {
                            (void)sessions[static_cast<std::size_t>(t)]->run(mine[k % mine.size()]->bench);
                            ++done;
                            if (Clock::now() > deadline) break;
                        }
                    });
                }
                for (auto& th : pool) th.join();
                double secs = std::chrono::duration<double>(Clock::now() - q0).count();
                qps[scenario][threads] = static_cast<double>(done.load()) / std::max(secs, 1e-9);
            }
        }
        std::printf("[%s] %-16s %5s %9s %9s %9s %9s %9s", name.c_str(), "scenario", "n", "p50 ms",
                    "p95 ms", "p99 ms", "max ms", "found");
        for (int t : o.threads) std::printf(" %9s", fmt::format("qps x{}", t).c_str());
        std::printf("  results_hash\n");
        for (const auto& scenario : scenarios) {
            auto& v = latencies[scenario];
            if (v.empty()) continue;
            std::sort(v.begin(), v.end());
            Row row;
            row.engine = name;
            row.scenario = scenario;
            row.n = v.size();
            row.p50 = percentile(v, 50);
            row.p95 = percentile(v, 95);
            row.p99 = percentile(v, 99);
            row.max = v.back();
            row.qps = qps[scenario];
            row.hash = fmt::format("{:08x}", static_cast<std::uint32_t>(hashes[scenario]));
            row.errors = errors[scenario];
            std::tie(row.requests, row.found) = found[scenario];
            std::printf("[%s] %-16s %5zu %9s %9s %9s %9s %9s", name.c_str(), scenario.c_str(), row.n,
                        ms(row.p50).c_str(), ms(row.p95).c_str(), ms(row.p99).c_str(), ms(row.max).c_str(),
                        fmt::format("{}/{}", row.found, row.requests).c_str());
            for (int t : o.threads) std::printf(" %9s", grouped(row.qps[t]).c_str());
            std::printf("  %s%s\n", row.hash.c_str(),
                        row.errors > 0 ? fmt::format("  ({} errors)", row.errors).c_str() : "");
            rows.push_back(row);
        }
        {
            // The whole workload as one stream: the mixed figures of DESIGN.md section 8.
            std::vector<double> all;
            std::size_t errs = 0;
            for (const auto& [scenario, v] : latencies) all.insert(all.end(), v.begin(), v.end());
            for (const auto& [scenario, e] : errors) errs += e;
            std::size_t asked = 0, hit = 0;
            for (const auto& [scenario, f] : found) {
                asked += f.first;
                hit += f.second;
            }
            std::sort(all.begin(), all.end());
            if (!all.empty()) {
                Row row;
                row.engine = name;
                row.scenario = kMixed;
                row.n = all.size();
                row.p50 = percentile(all, 50);
                row.p95 = percentile(all, 95);
                row.p99 = percentile(all, 99);
                row.max = all.back();
                row.hash = "-";
                row.errors = errs;
                row.requests = asked;
                row.found = hit;
                std::printf("[%s] %-16s %5zu %9s %9s %9s %9s %9s\n", name.c_str(), kMixed, row.n,
                            ms(row.p50).c_str(), ms(row.p95).c_str(), ms(row.p99).c_str(), ms(row.max).c_str(),
                            fmt::format("{}/{}", hit, asked).c_str());
                rows.push_back(row);
            }
        }
        std::fflush(stdout);
    }
    scenarios.push_back(kMixed);

    // --- agreement on the scenarios that do not depend on ranking -----------------------------
    std::size_t checked = 0, disagreements = 0;
    if (answers.count("atlas") != 0) {
        const auto& ref = answers["atlas"];
        for (const auto& [name, mine] : answers) {
            if (name == "atlas") continue;
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (kMustAgree.count(items[i].scenario) == 0) continue;
                ++checked;
                if (ref[i] == mine[i]) continue;
                if (++disagreements <= 10) {
                    problems.push_back(fmt::format("{} disagrees with atlas on {} request {}: atlas {} | {} {}",
                                                   name, items[i].scenario, i, ref[i].substr(0, 300), name,
                                                   mine[i].substr(0, 300)));
                }
            }
        }
    }
    std::printf("\nagreement on %s: %zu answers compared, %zu disagreements\n",
                fmt::format("{}", fmt::join(kMustAgree, ", ")).c_str(), checked, disagreements);

    // --- ratios --------------------------------------------------------------------------------
    auto find = [&](const std::string& engine, const std::string& scenario) -> const Row* {
        for (const auto& r : rows) {
            if (r.engine == engine && r.scenario == scenario) return &r;
        }
        return nullptr;
    };
    std::string md;
    md += fmt::format("# atlas_bench: {}\n\n", o.label.empty() ? o.records.filename().string() : o.label);
    md += "```\n" + header + "\n```\n\n";
    md += "## Build\n\n| engine | records | seconds | records/s | index | peak RSS (harness) |\n";
    md += "| --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (const auto& b : builds) {
        if (!b.error.empty()) {
            md += fmt::format("| {} | failed: {} | | | | |\n", b.engine, b.error);
            continue;
        }
        md += fmt::format("| {} | {} | {:.1f} | {} | {} | {} |\n", b.engine,
                          grouped(static_cast<double>(b.records)), b.seconds,
                          grouped(static_cast<double>(b.records) / std::max(b.seconds, 1e-9)),
                          mib(b.bytes), mib(b.peak_rss));
    }
    for (const auto& b : builds) {
        if (b.error.empty() && !b.note.empty()) {
            md += fmt::format("\n{}'s index: {}.\n", b.engine, b.note);
        }
    }
    md += "\n## Latency per scenario (ms) and throughput\n\n"
          "Found: requests with at least one hit, of the scenario's requests.\n\n"
          "| scenario | engine | n | p50 | p95 | p99 | max | found |";
    for (int t : o.threads) md += fmt::format(" QPS x{} |", t);
    md += " results |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |";
    for (std::size_t t = 0; t < o.threads.size(); ++t) md += " ---: |";
    md += " --- |\n";
    for (const auto& scenario : scenarios) {
        for (const auto& e : o.engines) {
            const Row* r = find(e, scenario);
            if (r == nullptr) continue;
            md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {}/{} |", scenario, e, r->n, ms(r->p50),
                              ms(r->p95), ms(r->p99), ms(r->max), r->found, r->requests);
            for (int t : o.threads) md += fmt::format(" {} |", r->qps.count(t) ? grouped(r->qps.at(t)) : "-");
            md += fmt::format(" {}{} |\n", r->hash, r->errors ? fmt::format(" ({} errors)", r->errors) : "");
        }
    }
    md += "\n## Peer latency ÷ atlas latency, same run (higher: atlas faster)\n\n| scenario |";
    std::vector<std::string> peers;
    for (const auto& e : o.engines) {
        if (e != "atlas") peers.push_back(e);
    }
    for (const auto& p : peers) md += fmt::format(" {} p50 | {} p99 |", p, p);
    md += "\n| --- |";
    for (std::size_t i = 0; i < peers.size(); ++i) md += " ---: | ---: |";
    md += "\n";
    std::printf("\npeer latency / atlas latency (x: atlas is that many times faster)\n%-16s", "scenario");
    for (const auto& p : peers) std::printf(" %14s %14s", (p + " p50").c_str(), (p + " p99").c_str());
    std::printf("\n");
    for (const auto& scenario : scenarios) {
        const Row* a = find("atlas", scenario);
        md += fmt::format("| {} |", scenario);
        std::printf("%-16s", scenario.c_str());
        for (const auto& p : peers) {
            const Row* r = find(p, scenario);
            if (a == nullptr || r == nullptr || a->p50 <= 0 || a->p99 <= 0) {
                md += " - | - |";
                std::printf(" %14s %14s", "-", "-");
                continue;
            }
            md += fmt::format(" {:.1f}x | {:.1f}x |", r->p50 / a->p50, r->p99 / a->p99);
            std::printf(" %13.1fx %13.1fx", r->p50 / a->p50, r->p99 / a->p99);
        }
        md += "\n";
        std::printf("\n");
    }
    md += fmt::format("\nAgreement on {}: {} answers compared, {} disagreements.\n",
                      fmt::join(kMustAgree, ", "), checked, disagreements);
    if (!problems.empty()) {
        md += "\n## Problems\n\n";
        for (const auto& p : problems) md += "- " + p + "\n";
        std::printf("\nproblems:\n");
        for (const auto& p : problems) std::printf("  %s\n", p.c_str());
    }
    if (!o.report.empty()) {
        std::ofstream(o.report) << md;
        std::printf("\nreport: %s\n", o.report.string().c_str());
    }
    if (!o.json.empty()) {
        std::ofstream out(o.json);
        out << "{\"label\": \"" << o.label << "\", \"records\": " << records << ", \"builds\": [";
        for (std::size_t i = 0; i < builds.size(); ++i) {
            const auto& b = builds[i];
            out << (i ? ", " : "") << fmt::format(
                R"({{"engine": "{}", "seconds": {:.3f}, "bytes": {}, "peak_rss": {}, "ok": {}}})", b.engine,
                b.seconds, b.bytes, b.peak_rss, b.error.empty() ? "true" : "false");
        }
        out << "], \"rows\": [";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            out << (i ? ", " : "")
                << fmt::format(R"({{"engine": "{}", "scenario": "{}", "n": {}, "p50": {:.4f}, "p95": {:.4f}, )"
                               R"("p99": {:.4f}, "max": {:.4f}, "requests": {}, "found": {}, "hash": "{}", "errors": {})",
                               r.engine, r.scenario, r.n, r.p50, r.p95, r.p99, r.max, r.requests, r.found,
                               r.hash, r.errors);
            for (const auto& [t, q] : r.qps) out << fmt::format(R"(, "qps{}": {:.1f})", t, q);
            out << "}";
        }
        out << fmt::format("], \"disagreements\": {}, \"checked\": {}}}\n", disagreements, checked);
    }
    if (!o.plot.empty()) {
        // For gnuplot (bench/plot.gp): a row per scenario, p50 and p99 of each engine.
        std::ofstream out(o.plot);
        out << "scenario";
        for (const auto& e : o.engines) out << fmt::format("\t{}_p50\t{}_p99", e, e);
        out << "\n";
        for (const auto& scenario : scenarios) {
            out << scenario;
            for (const auto& e : o.engines) {
                const Row* r = find(e, scenario);
                if (r == nullptr) {
                    out << "\tNaN\tNaN";
                } else {
                    out << fmt::format("\t{:.4f}\t{:.4f}", r->p50, r->p99);
                }
            }
            out << "\n";
        }
    }
    std::error_code ec;
    if (o.work.string().find("atlas-bench-") != std::string::npos) fs::remove_all(o.work, ec);
    return problems.empty() ? 0 : 1;
}
