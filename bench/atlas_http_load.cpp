// atlas_http_load.cpp - the server under load: a workload over N keep-alive
// connections, beside the same workload in-process, optionally while the
// index is rebuilt again and again.
//
//   atlas_http_load --index DIR --workload FILE [--connections 1,8,64]
//                   [--seconds S] [--rebuild CMD --rebuilds N] [--report OUT.md]
//                   [--url http://HOST:PORT] [--during CMD]
//
// It starts `atlas-search serve`'s Server in this process on a free loopback
// port (threads: the most connections asked, so every connection has a
// worker), reads the workload's requests (bench/workload.h: each line's
// "request"), learns each request's total from a Searcher, then for each
// connection count runs the requests round-robin for S seconds over HTTP
// (POST /v1/search) and in-process (one Searcher per thread), and prints QPS
// and p50/p99 of both and their ratio.  With --rebuild, CMD (run by
// /bin/sh) publishes a new generation of the same records N times while the
// largest connection count runs, and the run lasts until the rebuilds end.
// With --url the requests go to that server instead (a load balancer in
// front of replicas of DIR: tests/deploy/replicas_test.sh), and the
// in-process comparison is left out.  With --during, CMD runs once while
// the largest connection count runs (ships, kills, restarts), and the run
// lasts until it ends.
// Every HTTP answer must be 200 with the expected total: the exit code is 1
// when one is not (a failed request or a wrong total), or CMD fails, 2 on a
// usage error.
#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "atlas/request_text.h"
#include "atlas/search.h"
#include "atlas/server.h"
#include "workload.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string index;
    std::string workload;
    std::vector<int> connections{1, 8, 64};
    double seconds = 10;
    std::string rebuild;
    int rebuilds = 0;
    std::string report;
    std::string url;     // empty: a server in this process
    std::string during;  // run once under the largest connection count
};

// Where the requests go: host and port.
struct Target {
    std::string host = "127.0.0.1";
    int port = 0;
};

struct Request {
    std::string json;
    atlas::SearchRequest parsed;
    std::uint64_t total = 0;  // what the index answers
};

// What one run measured.
struct Run {
    std::vector<double> ms;  // latency of each request
    double seconds = 0;
    std::uint64_t failed = 0;
    std::uint64_t wrong_totals = 0;
    std::string first_problem;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

double qps(const Run& r) { return static_cast<double>(r.ms.size()) / std::max(r.seconds, 1e-9); }

// "total":N in a response, or UINT64_MAX.
std::uint64_t total_of(const std::string& body) {
    auto at = body.find("\"total\":");
    if (at == std::string::npos) return UINT64_MAX;
    return std::strtoull(body.c_str() + at + 8, nullptr, 10);
}

// Runs `one(thread, request)` on `threads` threads until `until()` says stop,
// each thread taking the requests round-robin from its own start.
template <class One, class Until>
Run drive(int threads, std::size_t requests, One one, Until until) {
    std::mutex mutex;
    Run run;
    auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            Run mine;
            for (std::size_t k = static_cast<std::size_t>(t) * 7; !until(); ++k) {
                auto s = Clock::now();
                one(t, k % requests, mine);
                mine.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
            }
            std::lock_guard lock(mutex);
            run.ms.insert(run.ms.end(), mine.ms.begin(), mine.ms.end());
            run.failed += mine.failed;
            run.wrong_totals += mine.wrong_totals;
            if (run.first_problem.empty()) run.first_problem = mine.first_problem;
        });
    }
    for (auto& th : pool) th.join();
    run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return run;
}

Run over_http(const Target& target, int connections, const std::vector<Request>& requests,
              const std::function<bool()>& until) {
    std::vector<std::unique_ptr<httplib::Client>> clients;
    for (int c = 0; c < connections; ++c) {
        clients.push_back(std::make_unique<httplib::Client>(target.host, target.port));
        clients.back()->set_read_timeout(60, 0);
        // Headers and body go out as two writes: without this, a proxy that
        // reads the whole request first (HAProxy's http-buffer-request) waits
        // 40 ms for the delayed ACK Nagle's algorithm holds the body for.
        clients.back()->set_tcp_nodelay(true);
    }
    return drive(connections, requests.size(), [&](int t, std::size_t i, Run& mine) {
        auto res = clients[static_cast<std::size_t>(t)]->Post("/v1/search", requests[i].json,
                                                              "application/json");
        if (!res || res->status != 200) {
            ++mine.failed;
            if (mine.first_problem.empty()) {
                mine.first_problem = res ? fmt::format("HTTP {}: {}", res->status, res->body)
                                         : fmt::format("no answer: {}", httplib::to_string(res.error()));
            }
        } else if (total_of(res->body) != requests[i].total) {
            ++mine.wrong_totals;
            if (mine.first_problem.empty()) {
                mine.first_problem = fmt::format("total {} instead of {} for {}", total_of(res->body),
                                                 requests[i].total, requests[i].json);
            }
        }
    }, until);
}

Run in_process(const std::string& index, int threads, const std::vector<Request>& requests,
               const std::function<bool()>& until) {
    std::vector<atlas::Searcher> searchers;
    atlas::SearcherOptions options;
    options.threads = 1;
    for (int t = 0; t < threads; ++t) searchers.push_back(atlas::Searcher::open(index, options).value());
    return drive(threads, requests.size(), [&](int t, std::size_t i, Run& mine) {
        auto r = searchers[static_cast<std::size_t>(t)].search(requests[i].parsed);
        if (!r.ok()) ++mine.failed;
    }, until);
}

std::function<bool()> for_seconds(double seconds) {
    auto end = Clock::now() + std::chrono::duration<double>(seconds);
    return [end] { return Clock::now() >= end; };
}

int usage(const std::string& why) {
    std::fprintf(stderr,
                 "atlas_http_load: %s\nusage: atlas_http_load --index DIR --workload FILE "
                 "[--connections 1,8,64] [--seconds S] [--rebuild CMD --rebuilds N] [--report OUT.md] "
                 "[--url http://HOST:PORT] [--during CMD]\n",
                 why.c_str());
    return 2;
}

std::optional<Options> parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) return std::nullopt;
        std::string v = argv[++i];
        if (a == "--index") {
            o.index = v;
        } else if (a == "--workload") {
            o.workload = v;
        } else if (a == "--connections") {
            o.connections.clear();
            std::vector<std::string> items;
            atlas::append_list(v, items);
            for (auto& n : items) o.connections.push_back(std::atoi(n.c_str()));
        } else if (a == "--seconds") {
            o.seconds = std::atof(v.c_str());
        } else if (a == "--rebuild") {
            o.rebuild = v;
        } else if (a == "--rebuilds") {
            o.rebuilds = std::atoi(v.c_str());
        } else if (a == "--report") {
            o.report = v;
        } else if (a == "--url") {
            o.url = v;
        } else if (a == "--during") {
            o.during = v;
        } else {
            return std::nullopt;
        }
    }
    if (o.index.empty() || o.workload.empty() || o.connections.empty()) return std::nullopt;
    for (int c : o.connections) {
        if (c < 1 || c > 1024) return std::nullopt;
    }
    return o;
}

// The workload's requests, each with the total the index answers.
std::optional<std::vector<Request>> load(const Options& o) {
    auto items = atlas::bench::read_workload(o.workload);
    if (!items.ok()) {
        std::fprintf(stderr, "atlas_http_load: %s\n", items.error().message.c_str());
        return std::nullopt;
    }
    auto searcher = atlas::Searcher::open(o.index);
    if (!searcher.ok()) {
        std::fprintf(stderr, "atlas_http_load: %s\n", searcher.error().message.c_str());
        return std::nullopt;
    }
    std::vector<Request> out;
    for (const auto& item : items.value()) {
        auto parsed = atlas::request_from_json(item.request_json);
        if (!parsed.ok()) continue;
        auto result = searcher.value().search(parsed.value());
        if (!result.ok()) continue;
        out.push_back({item.request_json, parsed.value(), result.value().total});
    }
    return out;
}

// Runs CMD `times` times, one after the other; `done` when they are over.
std::thread rebuild_loop(const std::string& cmd, int times, std::atomic<bool>& done,
                         std::atomic<int>& failed) {
    return std::thread([&cmd, times, &done, &failed] {
        for (int i = 0; i < times; ++i) {
            if (std::system(cmd.c_str()) != 0) ++failed;
        }
        done = true;
    });
}

std::string row(int connections, const Run& http, const Run& local) {
    return fmt::format("| {} | {:.0f} | {:.2f} | {:.2f} | {:.0f} | {:.2f} | {:.2f} | {:.2f}x | {} |",
                       connections, qps(http), percentile(http.ms, 0.5), percentile(http.ms, 0.99),
                       qps(local), percentile(local.ms, 0.5), percentile(local.ms, 0.99),
                       qps(local) / std::max(qps(http), 1e-9), http.failed + http.wrong_totals);
}

// What the runs found: the table, and anything that went wrong.
struct Outcome {
    std::string table =
        "| connections | HTTP QPS | HTTP p50 ms | HTTP p99 ms | in-process QPS | in-process p50 ms | "
        "in-process p99 ms | in-process / HTTP QPS | failed or wrong |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    std::uint64_t problems = 0;
    std::string first_problem;
    int rebuild_failures = 0;
};

// What runs beside the largest connection count: the rebuilds, or --during's CMD once.
struct Beside {
    std::string cmd;
    int times = 0;
    std::string what;  // for the report line
};

Beside beside_of(const Options& o) {
    if (!o.during.empty()) return {o.during, 1, "during --during"};
    if (!o.rebuild.empty()) return {o.rebuild, o.rebuilds, fmt::format("during {} rebuilds", o.rebuilds)};
    return {};
}

// Each connection count over HTTP (beside the rebuilds or --during at the
// largest), then in-process when the server is this process's.
Outcome run_all(const Options& o, const Target& target, const std::vector<Request>& requests) {
    Outcome out;
    int most = *std::max_element(o.connections.begin(), o.connections.end());
    Beside beside = beside_of(o);
    std::atomic<bool> rebuilt{false};
    std::atomic<int> rebuild_failures{0};
    for (int c : o.connections) {
        bool swapping = !beside.cmd.empty() && c == most;
        std::thread rebuilder;
        if (swapping) rebuilder = rebuild_loop(beside.cmd, beside.times, rebuilt, rebuild_failures);
        auto seconds = for_seconds(o.seconds);
        Run http = over_http(target, c, requests, swapping ? std::function<bool()>([&] {
            return rebuilt.load() && seconds();
        }) : seconds);
        if (rebuilder.joinable()) rebuilder.join();
        Run local;
        if (o.url.empty()) local = in_process(o.index, c, requests, for_seconds(o.seconds));
        out.problems += http.failed + http.wrong_totals;
        if (out.first_problem.empty()) out.first_problem = http.first_problem;
        out.table += row(c, http, local) + "\n";
        std::printf("%d connections%s: HTTP %zu requests, %.0f QPS, p50 %.2f ms, p99 %.2f ms; "
                    "in-process %.0f QPS, p50 %.2f ms, p99 %.2f ms; failed %llu, wrong totals %llu\n",
                    c, swapping ? (" " + beside.what).c_str() : "",
                    http.ms.size(), qps(http), percentile(http.ms, 0.5), percentile(http.ms, 0.99),
                    qps(local), percentile(local.ms, 0.5), percentile(local.ms, 0.99),
                    static_cast<unsigned long long>(http.failed),
                    static_cast<unsigned long long>(http.wrong_totals));
        std::fflush(stdout);
    }
    out.rebuild_failures = rebuild_failures.load();
    return out;
}

// "http://HOST:PORT" (a trailing slash allowed); nullopt if it is not one.
std::optional<Target> target_of(const std::string& url) {
    constexpr std::string_view kScheme = "http://";
    if (!url.starts_with(kScheme)) return std::nullopt;
    std::string rest = url.substr(kScheme.size());
    if (rest.ends_with('/')) rest.pop_back();
    auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    int port = std::atoi(rest.c_str() + colon + 1);
    if (port < 1 || port > 65535) return std::nullopt;
    return Target{rest.substr(0, colon), port};
}

}  // namespace

int main(int argc, char** argv) {
    auto o = parse(argc, argv);
    if (!o) return usage("bad arguments");
    auto requests = load(*o);
    if (!requests || requests->empty()) return usage("no request of the workload could be run");
    std::optional<atlas::Server> server;
    Target target;
    if (!o->url.empty()) {
        auto t = target_of(o->url);
        if (!t) return usage("--url takes http://HOST:PORT, not '" + o->url + "'");
        target = *t;
    } else {
        atlas::ServeOptions serve;
        serve.index_dir = o->index;
        serve.port = 0;
        serve.threads = static_cast<unsigned>(
            *std::max_element(o->connections.begin(), o->connections.end()));
        serve.access_log = nullptr;
        auto started = atlas::Server::start(serve);
        if (!started.ok()) return usage(started.error().message);
        server.emplace(std::move(started).value());
        target.port = server->port();
    }

    Outcome outcome = run_all(*o, target, *requests);
    std::printf("\n%s", outcome.table.c_str());
    if (!o->report.empty()) {
        if (std::FILE* f = std::fopen(o->report.c_str(), "w")) {
            std::fprintf(f, "%s", outcome.table.c_str());
            std::fclose(f);
        }
    }
    if (outcome.rebuild_failures > 0) {
        std::printf("%d runs of the %s command failed\n", outcome.rebuild_failures,
                    o->during.empty() ? "--rebuild" : "--during");
    }
    if (outcome.problems > 0) std::printf("first problem: %s\n", outcome.first_problem.c_str());
    return outcome.problems > 0 || outcome.rebuild_failures > 0 ? 1 : 0;
}
