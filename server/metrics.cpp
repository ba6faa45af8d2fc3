// metrics.cpp - counting requests and writing them as Prometheus text (metrics.h).
#include "metrics.h"

#include <fmt/format.h>

namespace atlas::server {

void Metrics::record(const std::string& route, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, status}];
    auto& h = latency_[route];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++h.le[i];
            break;
        }
    }
    ++h.count;
    h.sum += seconds;
}

std::string Metrics::text(const IndexGauges& index) const {
    std::string out;
    auto add = [&out](std::string_view line) {
        out += line;
        out += '\n';
    };
    std::lock_guard lock(mutex_);
    add("# HELP atlas_http_requests_total HTTP requests answered, by route and status.");
    add("# TYPE atlas_http_requests_total counter");
    for (const auto& [key, n] : requests_) {
        add(fmt::format("atlas_http_requests_total{{route=\"{}\",status=\"{}\"}} {}", key.first,
                        key.second, n));
    }
    add("# HELP atlas_http_request_duration_seconds Time to answer a request, by route.");
    add("# TYPE atlas_http_request_duration_seconds histogram");
    for (const auto& [route, h] : latency_) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += h.le[i];
            add(fmt::format("atlas_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}",
                            route, kBuckets[i], cumulative));
        }
        add(fmt::format("atlas_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}",
                        route, h.count));
        add(fmt::format("atlas_http_request_duration_seconds_sum{{route=\"{}\"}} {}", route, h.sum));
        add(fmt::format("atlas_http_request_duration_seconds_count{{route=\"{}\"}} {}", route,
                        h.count));
    }
    // One value each: what it is, its Prometheus type and its value.
    struct Single {
        std::string_view name, type, help;
        double value;
    };
    for (const auto& m : {
             Single{"atlas_http_requests_in_flight", "gauge", "Requests being answered now.",
                    static_cast<double>(in_flight.load())},
             Single{"atlas_http_rejected_total", "counter",
                    "Connections answered 503 because every worker and queue place was taken.",
                    static_cast<double>(rejected.load())},
             Single{"atlas_index_open", "gauge",
                    "Whether an index generation is open (1) or none can be (0).",
                    index.open ? 1.0 : 0.0},
             Single{"atlas_index_records", "gauge", "Records in the generation being served.",
                    static_cast<double>(index.records)},
             Single{"atlas_index_generation", "gauge",
                    "The number of the generation being served (gen-NNNNNN).",
                    static_cast<double>(index.generation)},
             Single{"atlas_index_built_timestamp_seconds", "gauge",
                    "When the generation being served was built.", index.built_at_seconds},
             Single{"atlas_index_refused", "gauge",
                    "Whether the latest published generation was refused (damaged) and an "
                    "older one is served (1).",
                    index.refused ? 1.0 : 0.0},
         }) {
        add(fmt::format("# HELP {} {}", m.name, m.help));
        add(fmt::format("# TYPE {} {}", m.name, m.type));
        add(fmt::format("{} {}", m.name, m.value));
    }
    return out;
}

}  // namespace atlas::server
