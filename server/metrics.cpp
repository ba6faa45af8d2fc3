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
    add("# HELP atlas_http_requests_in_flight Requests being answered now.");
    add("# TYPE atlas_http_requests_in_flight gauge");
    add(fmt::format("atlas_http_requests_in_flight {}", in_flight.load()));
    add("# HELP atlas_http_rejected_total Connections answered 503 because every worker and queue place was taken.");
    add("# TYPE atlas_http_rejected_total counter");
    add(fmt::format("atlas_http_rejected_total {}", rejected.load()));
    add("# HELP atlas_index_open Whether an index generation is open (1) or none can be (0).");
    add("# TYPE atlas_index_open gauge");
    add(fmt::format("atlas_index_open {}", index.open ? 1 : 0));
    add("# HELP atlas_index_records Records in the generation being served.");
    add("# TYPE atlas_index_records gauge");
    add(fmt::format("atlas_index_records {}", index.records));
    add("# HELP atlas_index_generation The number of the generation being served (gen-NNNNNN).");
    add("# TYPE atlas_index_generation gauge");
    add(fmt::format("atlas_index_generation {}", index.generation));
    add("# HELP atlas_index_built_timestamp_seconds When the generation being served was built.");
    add("# TYPE atlas_index_built_timestamp_seconds gauge");
    add(fmt::format("atlas_index_built_timestamp_seconds {}", index.built_at_seconds));
    return out;
}

}  // namespace atlas::server
