// metrics.h - what the server has done, in Prometheus's text format (GET /metrics).
//
// A small writer of our own (a few counters and one histogram do not need
// prometheus-cpp's registry): requests by route and status, a latency
// histogram, requests in flight and rejected, and the index's records,
// generation and build time, which the caller reads when asked.
// Thread-safe; recording is a mutex-guarded map update, well under a
// microsecond against a search's hundreds.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace atlas::server {

struct IndexGauges {
    std::uint64_t records = 0;
    std::uint64_t generation = 0;   // the number of gen-NNNNNN
    double built_at_seconds = 0;    // Unix time of the build, 0 if unknown
    bool open = false;
    bool refused = false;           // the latest published generation could not be opened
};

class Metrics {
  public:
    // One answered request: its route pattern ("/v1/search"), status and time.
    void record(const std::string& route, int status, double seconds);

    std::atomic<std::int64_t> in_flight{0};
    std::atomic<std::uint64_t> rejected{0};  // connections answered 503 (admission.h)

    std::string text(const IndexGauges& index) const;

  private:
    static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                        0.025,  0.05,  0.1,    0.25,  0.5,
                                                        1.0,    2.5};
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> le{};  // counts per bucket, not cumulative
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;  // by route
};

}  // namespace atlas::server
