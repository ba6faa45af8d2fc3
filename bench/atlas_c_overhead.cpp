// atlas_c_overhead - what the C API (atlas/atlas.h) costs per request over the
// C++ API, both answering JSON: the fair comparison, since a caller of the C
// API gets the response as JSON text.
//
//   atlas_c_overhead INDEX_DIR WORKLOAD.jsonl [ROUNDS]   (default 5 rounds)
//
// Both paths run in this one process against one index, through the one
// shared library (libatlas-search.so: it links atlas::c, whose exports are
// the C API and the C++ API alike), each with its own Searcher of one thread:
//   C    atlas_search(searcher, request_json) -> char*, then atlas_free
//   C++  atlas::request_from_json -> Searcher::search -> atlas::to_json
// Every round runs each workload request (bench/workload.h: its "request"
// member) once per path, the path that goes first alternating by request and
// round.  Per request, the fastest of its rounds is kept for each path (the
// noise of a shared machine only adds); the overhead is the C time minus the
// C++ time of the same request, summarised as median and mean over the
// workload.  The two answers are checked to be the same request's (the same
// total and page, took_ms aside).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "atlas/atlas.h"
#include "atlas/search.h"

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::micro>(b - a).count();
}

// The "request" members of a workload file, as compact JSON.
std::vector<std::string> read_requests(const char* path) {
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "atlas_c_overhead: cannot read %s\n", path);
        std::exit(2);
    }
    std::vector<std::string> requests;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        rapidjson::Document doc;
        doc.Parse(line.c_str());
        if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("request")) {
            std::fprintf(stderr, "atlas_c_overhead: %s: line %zu is no workload line\n", path,
                         requests.size() + 1);
            std::exit(2);
        }
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
        doc["request"].Accept(w);
        requests.emplace_back(buffer.GetString(), buffer.GetSize());
    }
    return requests;
}

// The response without "took_ms" (the one member two runs may differ in).
std::string without_took(const std::string& json) {
    auto at = json.find("\"took_ms\":");
    if (at == std::string::npos) return json;
    auto end = json.find(',', at);
    return json.substr(0, at) + json.substr(end + 1);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double mean(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4) {
        std::fprintf(stderr, "usage: atlas_c_overhead INDEX_DIR WORKLOAD.jsonl [ROUNDS]\n");
        return 2;
    }
    const int rounds = argc == 4 ? std::max(1, std::atoi(argv[3])) : 5;
    const auto requests = read_requests(argv[2]);
    if (requests.empty()) {
        std::fprintf(stderr, "atlas_c_overhead: %s has no requests\n", argv[2]);
        return 2;
    }

    atlas_searcher* c_searcher = nullptr;
    char* err = nullptr;
    if (atlas_searcher_open(argv[1], "{\"threads\": 1}", &c_searcher, &err) != ATLAS_OK) {
        std::fprintf(stderr, "atlas_c_overhead: %s\n", err);
        return 1;
    }
    atlas::SearcherOptions options;
    options.threads = 1;
    auto opened = atlas::Searcher::open(argv[1], options);
    if (!opened.ok()) {
        std::fprintf(stderr, "atlas_c_overhead: %s\n", opened.error().message.c_str());
        return 1;
    }
    atlas::Searcher& cpp_searcher = opened.value();

    const std::size_t n = requests.size();
    std::vector<double> best_c(n, 1e300), best_cpp(n, 1e300);
    std::size_t errors = 0;
    auto run_c = [&](std::size_t i) {
        char* out = nullptr;
        auto t0 = Clock::now();
        atlas_code code = atlas_search(c_searcher, requests[i].c_str(), &out, &err);
        atlas_free(out);
        auto t1 = Clock::now();
        best_c[i] = std::min(best_c[i], micros(t0, t1));
        return code;
    };
    auto run_cpp = [&](std::size_t i) {
        auto t0 = Clock::now();
        std::string json;
        auto request = atlas::request_from_json(requests[i]);
        bool ok = false;
        if (request.ok()) {
            auto result = cpp_searcher.search(request.value());
            ok = result.ok();
            json = ok ? atlas::to_json(result.value()) : atlas::to_json(result.error());
        }
        auto t1 = Clock::now();
        best_cpp[i] = std::min(best_cpp[i], micros(t0, t1));
        return ok;
    };

    // The same answers: checked once, outside the timing.
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char* out = nullptr;
        atlas_code code = atlas_search(c_searcher, requests[i].c_str(), &out, &err);
        auto request = atlas::request_from_json(requests[i]);
        auto result = request.ok() ? cpp_searcher.search(request.value())
                                   : atlas::Result<atlas::SearchResult>(request.error());
        if (code != ATLAS_OK || !result.ok()) {
            errors += (code != ATLAS_OK) + !result.ok();
            if ((code == ATLAS_OK) != result.ok()) ++mismatches;
        } else if (without_took(out) != without_took(atlas::to_json(result.value()))) {
            ++mismatches;
        }
        atlas_free(out);
    }

    auto start = Clock::now();
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t i = 0; i < n; ++i) {
            if ((i + static_cast<std::size_t>(r)) % 2 == 0) {
                run_c(i);
                run_cpp(i);
            } else {
                run_cpp(i);
                run_c(i);
            }
        }
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();

    std::vector<double> overhead(n);
    for (std::size_t i = 0; i < n; ++i) overhead[i] = best_c[i] - best_cpp[i];
    std::printf("atlas_c_overhead: atlas-search %s, index %s (%llu records), workload %s\n",
                atlas_version(), argv[1],
                static_cast<unsigned long long>(cpp_searcher.record_count()), argv[2]);
    std::printf("%zu requests x %d rounds x 2 paths in %.1f s; fastest of the rounds per request; "
                "1 thread per searcher\n",
                n, rounds, seconds);
#ifndef NDEBUG
    std::printf("WARNING: assertions are enabled; numbers are not representative\n");
#endif
    std::printf("answers: %zu of %zu the same (took_ms aside); %zu errors\n", n - mismatches, n,
                errors);
    std::printf("%-34s %10s %10s\n", "per request (us)", "median", "mean");
    std::printf("%-34s %10.1f %10.1f\n", "C++ (request_from_json+to_json)", median(best_cpp),
                mean(best_cpp));
    std::printf("%-34s %10.1f %10.1f\n", "C (atlas_search+atlas_free)", median(best_c),
                mean(best_c));
    std::printf("%-34s %10.2f %10.2f\n", "C overhead (C - C++, per request)", median(overhead),
                mean(overhead));
    atlas_free(err);
    atlas_searcher_close(c_searcher);
    return mismatches == 0 ? 0 : 1;
}
