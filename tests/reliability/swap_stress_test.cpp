// swap_stress_test.cpp - issue 19 item 4: readers and the server under load while
// atlas-index publishes generation after generation of the same records.
//
//   reliability_swap_stress ATLAS_INDEX ATLAS_SEARCH REBUILDS CONNECTIONS RSS_BOUND_MIB
//                           BUILD_ARGS...
//
// BUILD_ARGS are atlas-index build's sources (--sources FILE, or --source NAME=PATH
// ...).  A first build; then `atlas-search serve` on it (a port of its own, access log
// off) and, in this process, two reader threads with a Searcher each; meanwhile
// CONNECTIONS keep-alive HTTP connections POST /v1/search.  Each reader and each
// connection runs the fixed searches (reliability_util.h) round-robin and compares
// every answer (took_ms aside: hits in order with their scores and fields, total,
// facets) with the first answer the index gave to that search.  Then REBUILDS builds,
// one after the other, each of which must exit 0 and move CURRENT on.  Afterwards
// every reader and connection runs the searches once more, then:
//   - zero failed searches and zero changed answers;
//   - descriptors (/proc/PID/fd) of this process and of the server at the end at most
//     8 above their count at the start, and none open on a deleted file (a generation
//     removed by a later build, still held), before and after GET /ready refreshes the server's
//     status searcher;
//   - resident memory (VmRSS) of each at the end at most RSS_BOUND_MIB above its value
//     after the first fifth of the rebuilds (the caches warm by then).
// Prints the counts and exits 1 on any failure, 2 on a usage error.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "reliability_util.h"

namespace fs = std::filesystem;
using namespace atlas::reliability;
using Clock = std::chrono::steady_clock;

namespace {

// What the readers and the connections saw; thread-safe.
struct Seen {
    std::atomic<std::uint64_t> searches{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> changed{0};
    std::mutex mutex;
    std::string first_problem;

    void problem(std::atomic<std::uint64_t>& counter, const std::string& what) {
        if (counter.fetch_add(1) == 0 || first_problem.empty()) {
            std::lock_guard lock(mutex);
            if (first_problem.empty()) first_problem = what;
        }
    }
};

struct Usage {
    int fds = 0;
    long rss_kib = 0;
};

Usage usage(pid_t pid) { return {fd_count(pid), rss_kib(pid)}; }

// The port in the server's first line ("listening on http://127.0.0.1:PORT"), waiting
// up to 30 s for it; 0 when it does not come.
int server_port(const fs::path& log) {
    std::regex listening("listening on http://[^:]+:([0-9]+)");
    for (int i = 0; i < 3000; ++i) {
        std::smatch m;
        std::string text = read_text(log);
        if (std::regex_search(text, m, listening)) return std::stoi(m[1]);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
}

int stress(int argc, char** argv) {
    std::string index_bin = argv[1];
    std::string search_bin = argv[2];
    int rebuilds = std::atoi(argv[3]);
    int connections = std::atoi(argv[4]);
    long rss_bound_kib = std::atol(argv[5]) * 1024;
    std::vector<std::string> sources(argv + 6, argv + argc);
    if (rebuilds < 5 || connections < 1 || rss_bound_kib <= 0 || sources.empty()) {
        std::fprintf(stderr, "reliability_swap_stress: bad arguments\n");
        return 2;
    }
    auto start = Clock::now();
    WorkDir work("atlas-swap");
    fs::path index = work.path() / "index";
    std::vector<std::string> build = {index_bin, "build"};
    build.insert(build.end(), sources.begin(), sources.end());
    for (const char* a : {"--out", index.c_str(), "--quiet"}) build.push_back(a);
    fs::path build_log = work.path() / "build.log";
    if (Exit e = run(build, {}, build_log, 300); !e.exited || e.code != 0) {
        std::printf("FAIL: the first build ended with %s:\n%s\n", e.describe().c_str(),
                    read_text(build_log).c_str());
        return 1;
    }

    fs::path server_log = work.path() / "server.log";
    pid_t server = spawn({search_bin, "serve", "--index", index.string(), "--port", "0",
                          "--access-log", "off"},
                         {}, server_log);
    struct Stop {
        pid_t pid;
        ~Stop() {
            if (pid > 0) {
                ::kill(pid, SIGKILL);
                wait_for(pid, 10);
            }
        }
    } stop_server{server};
    int port = server_port(server_log);
    if (port == 0) {
        std::printf("FAIL: the server did not say where it listens:\n%s\n", read_text(server_log).c_str());
        return 1;
    }

    const auto requests = fixed_requests();
    const auto bodies = fixed_request_bodies();
    const auto expected = answers(index);
    std::vector<std::string> expected_http;
    {
        httplib::Client client("127.0.0.1", port);
        for (const auto& body : bodies) {
            auto res = client.Post("/v1/search", body, "application/json");
            if (!res || res->status != 200) {
                std::printf("FAIL: the first POST /v1/search %s: %s\n", body.c_str(),
                            res ? std::to_string(res->status).c_str() : httplib::to_string(res.error()).c_str());
                return 1;
            }
            expected_http.push_back(comparable(res->body));
        }
        // /ready opens the server's status searcher: it too must let old generations go.
        auto ready = client.Get("/ready");
        if (!ready || ready->status != 200) {
            std::printf("FAIL: GET /ready did not answer 200\n");
            return 1;
        }
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (expected[i].rfind("error: ", 0) == 0) {
            std::printf("FAIL: search %zu (%s): %s\n", i + 1, bodies[i].c_str(), expected[i].c_str());
            return 1;
        }
    }

    std::atomic<bool> stop{false};
    Seen readers, http;
    // Searches per thread, so the end can wait for a whole round after the last rebuild.
    std::vector<std::atomic<std::uint64_t>> rounds(2 + static_cast<std::size_t>(connections));
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            auto opened = atlas::Searcher::open(index.string());
            if (!opened.ok()) {
                readers.problem(readers.failed, "open: " + opened.error().message);
                return;
            }
            auto& searcher = opened.value();
            for (std::size_t i = static_cast<std::size_t>(t); !stop; ++i) {
                std::size_t q = i % requests.size();
                auto result = searcher.search(requests[q]);
                ++readers.searches;
                if (!result.ok()) {
                    readers.problem(readers.failed, bodies[q] + ": " + result.error().message);
                } else if (auto got = comparable(atlas::to_json(result.value())); got != expected[q]) {
                    readers.problem(readers.changed, bodies[q] + " answered " + got.substr(0, 300) +
                                                         " instead of " + expected[q].substr(0, 300));
                }
                if (q == requests.size() - 1) ++rounds[static_cast<std::size_t>(t)];
            }
        });
    }
    for (int c = 0; c < connections; ++c) {
        threads.emplace_back([&, c] {
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(true);
            client.set_read_timeout(30, 0);
            for (std::size_t i = static_cast<std::size_t>(c); !stop; ++i) {
                std::size_t q = i % bodies.size();
                auto res = client.Post("/v1/search", bodies[q], "application/json");
                ++http.searches;
                if (!res) {
                    http.problem(http.failed, bodies[q] + ": " + httplib::to_string(res.error()));
                } else if (res->status != 200) {
                    http.problem(http.failed, bodies[q] + ": status " + std::to_string(res->status) +
                                                  " " + res->body.substr(0, 300));
                } else if (auto got = comparable(res->body); got != expected_http[q]) {
                    http.problem(http.changed, bodies[q] + " answered " + got.substr(0, 300) +
                                                   " instead of " + expected_http[q].substr(0, 300));
                }
                if (q == bodies.size() - 1) ++rounds[2 + static_cast<std::size_t>(c)];
            }
        });
    }
    // Every thread once round the searches: the files they open are open.
    auto wait_round = [&] {
        std::vector<std::uint64_t> at;
        for (auto& r : rounds) at.push_back(r.load());
        for (int i = 0; i < 60000; ++i) {
            bool all = true;
            for (std::size_t t = 0; t < rounds.size(); ++t) all = all && rounds[t].load() >= at[t] + 1;
            if (all) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return false;
    };
    int failures = 0;
    auto fail = [&](const std::string& message) {
        ++failures;
        std::printf("FAIL: %s\n", message.c_str());
    };
    if (!wait_round()) fail("a reader or connection did not finish a round in 60 s before the rebuilds");
    pid_t self = ::getpid();
    Usage self_start = usage(self), server_start = usage(server);
    Usage self_warm{}, server_warm{};
    int warm_at = std::max(1, rebuilds / 5);
    double build_seconds = 0;
    int published = 0;
    std::string before = current_generation(index);
    for (int r = 1; r <= rebuilds; ++r) {
        auto t0 = Clock::now();
        Exit e = run(build, {}, build_log, 300);
        build_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
        if (!e.exited || e.code != 0) {
            fail("rebuild " + std::to_string(r) + " ended with " + e.describe() + ":\n" + read_text(build_log));
            break;
        }
        std::string now = current_generation(index);
        if (generation_number(now) <= generation_number(before)) {
            fail("rebuild " + std::to_string(r) + " exited 0 but CURRENT is " + now + " (was " + before + ")");
            break;
        }
        before = now;
        ++published;
        if (r == warm_at) {
            wait_round();
            self_warm = usage(self);
            server_warm = usage(server);
        }
    }
    if (!wait_round()) fail("a reader or connection did not finish a round in 60 s after the rebuilds");
    // Searches after the last publish have moved every slot on; the pool then closes its
    // idle searchers and its status searcher (/ready, /metrics) of older generations, so
    // no removed generation is held even before a probe; and none after one.
    std::size_t server_deleted_unprobed = deleted_fds(server).size();
    if (server_deleted_unprobed > 0) {
        fail("before GET /ready the server holds a deleted file: " + deleted_fds(server).front());
    }
    {
        httplib::Client client("127.0.0.1", port);
        auto ready = client.Get("/ready");
        if (!ready || ready->status != 200) fail("GET /ready did not answer 200 after the rebuilds");
    }
    Usage self_end = usage(self), server_end = usage(server);
    auto self_deleted = deleted_fds(self), server_deleted = deleted_fds(server);
    stop = true;
    for (auto& t : threads) t.join();
    // SIGTERM: the server finishes what it has and exits 0.
    ::kill(server, SIGTERM);
    Exit server_exit = wait_for(server, 30);
    stop_server.pid = -1;

    std::printf("%d rebuilds published (%.2f s per build), CURRENT %s; %s records\n", published,
                published ? build_seconds / published : 0.0, before.c_str(),
                std::to_string(total_of(expected[1])).c_str());
    std::printf("readers (2 threads): %llu searches, %llu failed, %llu changed\n",
                static_cast<unsigned long long>(readers.searches.load()),
                static_cast<unsigned long long>(readers.failed.load()),
                static_cast<unsigned long long>(readers.changed.load()));
    std::printf("server (%d connections): %llu searches, %llu failed, %llu changed\n", connections,
                static_cast<unsigned long long>(http.searches.load()),
                static_cast<unsigned long long>(http.failed.load()),
                static_cast<unsigned long long>(http.changed.load()));
    std::printf("descriptors: readers %d -> %d, server %d -> %d; on deleted files at the end: "
                "readers %zu, server %zu (%zu before GET /ready)\n",
                self_start.fds, self_end.fds, server_start.fds, server_end.fds, self_deleted.size(),
                server_deleted.size(), server_deleted_unprobed);
    std::printf("RSS (MiB): readers %.1f at start, %.1f after rebuild %d, %.1f at the end; "
                "server %.1f, %.1f, %.1f (bound: +%ld MiB)\n",
                self_start.rss_kib / 1024.0, self_warm.rss_kib / 1024.0, warm_at, self_end.rss_kib / 1024.0,
                server_start.rss_kib / 1024.0, server_warm.rss_kib / 1024.0, server_end.rss_kib / 1024.0,
                rss_bound_kib / 1024);
    std::printf("%.1f s\n", std::chrono::duration<double>(Clock::now() - start).count());

    if (published < rebuilds) fail(std::to_string(published) + " of " + std::to_string(rebuilds) + " rebuilds published");
    for (Seen* s : {&readers, &http}) {
        if (s->failed > 0 || s->changed > 0) fail((s == &readers ? "readers: " : "server: ") + s->first_problem);
    }
    if (readers.searches == 0 || http.searches == 0) fail("no searches were made");
    if (self_end.fds > self_start.fds + 8) fail("the readers' descriptors grew");
    if (server_end.fds > server_start.fds + 8) fail("the server's descriptors grew");
    if (!self_deleted.empty()) fail("the readers hold a deleted file: " + self_deleted.front());
    if (!server_deleted.empty()) fail("the server holds a deleted file: " + server_deleted.front());
    if (self_end.rss_kib > self_warm.rss_kib + rss_bound_kib) fail("the readers' memory grew past the bound");
    if (server_end.rss_kib > server_warm.rss_kib + rss_bound_kib) fail("the server's memory grew past the bound");
    if (!server_exit.exited || server_exit.code != 0) {
        fail("the server ended with " + server_exit.describe() + " on SIGTERM:\n" + read_text(server_log));
    }
    return failures > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 7) {
        std::fprintf(stderr,
                     "usage: reliability_swap_stress ATLAS_INDEX ATLAS_SEARCH REBUILDS CONNECTIONS "
                     "RSS_BOUND_MIB BUILD_ARGS...\n");
        return 2;
    }
    try {
        return stress(argc, argv);
    } catch (const std::exception& e) {
        std::printf("FAIL: %s\n", e.what());
        return 1;
    }
}
