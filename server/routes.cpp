// routes.cpp - the handlers: each reads its request, asks a Searcher, writes JSON.
#include "routes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <chrono>
#include <ctime>
#include <thread>

#include "assets.h"
#include "panosc_routes.h"
#include "atlas/manifest.h"
#include "atlas/portals.h"
#include "atlas/request_text.h"
#include "request_limits.h"
#include "reply.h"
#include "url_request.h"

namespace atlas::server {
namespace {

// A search, once more when a build swapped generations at the wrong moment
// (unavailable: the searcher opens the new one on the next try).
Result<SearchResult> search(Searcher& searcher, const SearchRequest& request) {
    auto result = searcher.search(request);
    for (int attempt = 0; attempt < 3 && !result.ok() && result.error().code == Errc::unavailable;
         ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20 << attempt));
        result = searcher.search(request);
    }
    return result;
}

// "gen-000007" of ".../index/gen-000007".
std::string generation_name(const Searcher& searcher) {
    std::string dir = searcher.generation();
    auto slash = dir.find_last_of('/');
    return slash == std::string::npos ? dir : dir.substr(slash + 1);
}

// The index's gauges for /metrics.
IndexGauges gauges(const Searcher& searcher) {
    IndexGauges g;
    g.open = true;
    g.refused = !searcher.refused().empty();
    g.records = searcher.record_count();
    std::string name = generation_name(searcher);
    auto dash = name.find_last_of('-');
    if (dash != std::string::npos) {
        std::from_chars(name.data() + dash + 1, name.data() + name.size(), g.generation);
    }
    std::tm tm{};
    std::string built = searcher.built_at();
    if (strptime(built.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr) {
        g.built_at_seconds = static_cast<double>(timegm(&tm));
    }
    return g;
}

// {"fields":[...],"kinds":[...],"sources":[...]}: what a front end builds itself from.
std::string fields_json() {
    std::vector<std::string> fields;
    for (const auto& f : all_fields()) {
        fields.push_back(fmt::format(
            "{{\"name\":{},\"type\":{},\"unit\":{},\"label\":{},\"help\":{},\"multi\":{},"
            "\"facet\":{},\"sortable\":{},\"range\":{}}}",
            json_string(f.name), json_string(f.type), json_string(f.unit), json_string(f.label),
            json_string(f.help), f.multi, f.facet, f.sortable, f.range));
    }
    auto strings = [](const std::vector<std::string>& items) {
        std::vector<std::string> quoted;
        for (const auto& i : items) quoted.push_back(json_string(i));
        return fmt::format("[{}]", fmt::join(quoted, ","));
    };
    std::vector<std::string> sources;
    for (const auto& p : portals()) {
        sources.push_back(fmt::format("{{\"name\":{},\"title\":{},\"kinds\":{},\"key_fields\":{}}}",
                                      json_string(p.name), json_string(p.title), strings(p.kinds),
                                      strings(p.key_fields)));
    }
    return fmt::format("{{\"fields\":[{}],\"kinds\":{},\"sources\":[{}]}}", fmt::join(fields, ","),
                       strings(all_kinds()), fmt::join(sources, ","));
}

// Runs `request` and answers with `write(result)` as JSON, or the error.
template <class Write>
void answer(State& state, const httplib::Request& req, httplib::Response& res,
            const SearchRequest& request, Write write) {
    auto status = state.searchers.with_searcher([&](Searcher& searcher) {
        auto result = search(searcher, request);
        if (!result.ok()) return reply_error(res, result.error());
        reply_json(req, res, write(result.value()), searcher.generation());
    });
    if (!status.ok()) reply_error(res, status.error());
}

// The names of the parameters in a request target's query string.
std::vector<std::string> url_parameter_names(std::string_view target) {
    std::vector<std::string> names;
    auto q = target.find('?');
    if (q == std::string_view::npos) return names;
    for (auto rest = target.substr(q + 1); !rest.empty();) {
        auto pair = rest.substr(0, rest.find('&'));
        if (!pair.empty()) names.emplace_back(pair.substr(0, pair.find('=')));
        rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
    }
    return names;
}

// The request of a POST body (JSON) or of the URL's parameters (GET), checked
// against the server's caps; `also` are the route's own parameters.
Result<SearchRequest> read_request(const httplib::Request& req, const std::set<std::string>& also,
                                   bool whole_set = false) {
    auto request = req.method == "POST" ? request_from_json(req.body)
                                        : request_from_url(req.params, also);
    if (!request.ok()) return request;
    if (req.method == "POST") {
        // Only the URL's own parameters: a form-encoded body is no parameter.
        for (const auto& name : url_parameter_names(req.target)) {
            if (also.count(name) == 0) {
                return Error{Errc::invalid_request,
                             fmt::format("unknown parameter '{}' (a POST takes the request in "
                                         "its body)", name)};
            }
        }
    }
    SearchRequest checked = request.value();
    if (whole_set) checked.limit = 0;  // a manifest reads every page: no window
    if (auto s = check_limits(checked); !s.ok()) return s.error();
    return request;
}

void search_route(State& state, const httplib::Request& req, httplib::Response& res) {
    auto request = read_request(req, {});
    if (!request.ok()) return reply_error(res, request.error());
    answer(state, req, res, request.value(), [](const SearchResult& r) { return to_json(r); });
}

// Counts of a record's children, from its "<kind>_count" fields.
std::string children_json(const Hit& hit) {
    std::string out = "{";
    for (const auto& kind : all_kinds()) {
        const HitField* f = hit.field(kind + "_count");
        if (f == nullptr || f->values.empty()) continue;
        if (out.size() > 1) out += ',';
        out += fmt::format("\"{}\":{}", kind, static_cast<std::uint64_t>(f->values[0].number));
    }
    return out + "}";
}

void record_route(State& state, const httplib::Request& req, httplib::Response& res) {
    if (!req.params.empty()) {
        return reply_error(res, 400, "invalid_request", "a record takes no parameters");
    }
    SearchRequest request;
    const std::string id = req.matches[1];
    request.filters.push_back({.field = "id", .values = {id}});
    request.limit = 1;
    auto status = state.searchers.with_searcher([&](Searcher& searcher) {
        auto result = search(searcher, request);
        // An id no record can have (a control character) is no record either.
        bool none = !result.ok() && result.error().code == Errc::invalid_query;
        if (!result.ok() && !none) return reply_error(res, result.error());
        if (none || result.value().hits.empty()) {
            return reply_error(res, 404, "not_found", fmt::format("no record '{}'", id));
        }
        const Hit& hit = result.value().hits.front();
        reply_json(req, res,
                   fmt::format("{{\"record\":{},\"children\":{}}}", to_json(hit), children_json(hit)),
                   searcher.generation());
    });
    if (!status.ok()) reply_error(res, status.error());
}

void facet_route(State& state, const httplib::Request& req, httplib::Response& res) {
    // What narrows the counted records, and the facet's own; not a page or an order.
    static const std::set<std::string> taken = {"q",      "kind", "source", "filter",
                                                "typo_tolerance", "prefix", "size"};
    for (const auto& [name, value] : req.params) {
        if (taken.count(name) == 0) {
            return reply_error(res, 400, "invalid_request",
                               fmt::format("/v1/facets/{{field}} does not take parameter '{}' (takes "
                                           "q, kind, source, filter, typo_tolerance, prefix, size)",
                                           name));
        }
    }
    auto request = read_request(req, {"prefix", "size"});
    if (!request.ok()) return reply_error(res, request.error());
    FacetRequest facet{.field = req.matches[1], .size = 20, .prefix = req.get_param_value("prefix")};
    if (req.has_param("size")) {
        std::string size = req.get_param_value("size");
        auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), facet.size);
        if (ec != std::errc() || p != size.data() + size.size() || facet.size == 0 ||
            facet.size > kMaxFacetSize) {
            return reply_error(res, 400, "invalid_request",
                               fmt::format("parameter size='{}': takes a whole number from 1 to {}",
                                           size, kMaxFacetSize));
        }
    }
    request.value().facets = {facet};
    request.value().limit = 0;
    answer(state, req, res, request.value(),
           [](const SearchResult& r) { return to_json(r.facets.front()); });
}

// The manifest of the whole result set, as text: the lines, then "# ID:
// reason" for each record without a route, then a line if it was cut.
std::string manifest_text(const WholeManifest& whole) {
    std::string out;
    for (const auto& line : whole.manifest.lines) out += line + "\n";
    for (const auto& skipped : whole.manifest.skipped) {
        out += fmt::format("# {}: {}\n", skipped.id, skipped.reason);
    }
    if (whole.truncated) {
        out += fmt::format("# stopped after {} records: narrow the search for the rest\n",
                           kMaxManifestRecords);
    }
    return out;
}

void manifest_route(State& state, const httplib::Request& req, httplib::Response& res) {
    auto format = parse_manifest_format(req.get_param_value("format"));
    if (!format) {
        return reply_error(res, 400, "invalid_request",
                           fmt::format("parameter format='{}': takes s3, drs, doi or https",
                                       req.get_param_value("format")));
    }
    auto request = read_request(req, {"format"}, true);
    if (!request.ok()) return reply_error(res, request.error());
    auto status = state.searchers.with_searcher([&](Searcher& searcher) {
        auto whole = manifest_of(searcher, request.value(), *format, kMaxManifestRecords);
        if (!whole.ok()) return reply_error(res, whole.error());
        res.set_header("X-Atlas-Records", std::to_string(whole.value().manifest.records));
        res.set_header("X-Atlas-Skipped", std::to_string(whole.value().manifest.skipped.size()));
        auto body = std::make_shared<std::string>(manifest_text(whole.value()));
        // Streamed in chunks, so a large manifest starts arriving at once.
        res.set_chunked_content_provider(
            *format == ManifestFormat::drs ? "text/csv" : "text/plain",
            [body](std::size_t offset, httplib::DataSink& sink) {
                constexpr std::size_t kChunk = 64 * 1024;
                if (offset < body->size()) {
                    sink.write(body->data() + offset, std::min(kChunk, body->size() - offset));
                }
                if (offset + kChunk >= body->size()) sink.done();
                return true;
            });
    });
    if (!status.ok()) reply_error(res, status.error());
}

void fields_route(State&, const httplib::Request& req, httplib::Response& res) {
    static const std::string body = fields_json();
    reply_json(req, res, body, fmt::format("schema-{}", schema_version()));
}

// {"records","generation","built_at","sources":{name:{"records","kinds":{kind:n}}}}
void stats_route(State& state, const httplib::Request& req, httplib::Response& res) {
    auto status = state.searchers.with_searcher([&](Searcher& searcher) {
        std::string sources;
        for (const auto& portal : portals()) {
            SearchRequest request;
            request.sources = {portal.name};
            request.limit = 0;
            request.facets = {{.field = "kind", .size = kMaxFacetSize, .prefix = {}}};
            auto result = search(searcher, request);
            if (!result.ok()) return reply_error(res, result.error());
            if (result.value().total == 0) continue;
            std::string kinds;
            for (const auto& v : result.value().facets.front().values) {
                kinds += fmt::format("{}{}:{}", kinds.empty() ? "" : ",", json_string(v.value), v.count);
            }
            sources += fmt::format("{}{}:{{\"records\":{},\"kinds\":{{{}}}}}", sources.empty() ? "" : ",",
                                   json_string(portal.name), result.value().total, kinds);
        }
        reply_json(req, res,
                   fmt::format("{{\"records\":{},\"generation\":{},\"built_at\":{},\"sources\":{{{}}}}}",
                               searcher.record_count(), json_string(generation_name(searcher)),
                               json_string(searcher.built_at()), sources),
                   searcher.generation());
    });
    if (!status.ok()) reply_error(res, status.error());
}

void health_route(State&, const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
}

void ready_route(State& state, const httplib::Request&, httplib::Response& res) {
    auto status = state.searchers.with_status_searcher([&](Searcher& searcher) {
        // A refused (damaged) newer generation is said, but the one served is
        // whole: still ready.
        std::string refused = searcher.refused().empty()
                                  ? ""
                                  : fmt::format(",\"refused\":{}", json_string(searcher.refused()));
        res.set_content(fmt::format("{{\"ready\":true,\"generation\":{},\"built_at\":{},"
                                    "\"records\":{}{}}}",
                                    json_string(generation_name(searcher)),
                                    json_string(searcher.built_at()), searcher.record_count(),
                                    refused),
                        "application/json");
    });
    if (!status.ok()) reply_error(res, status.error());
}

void metrics_route(State& state, const httplib::Request&, httplib::Response& res) {
    IndexGauges index;
    (void)state.searchers.with_status_searcher([&](Searcher& searcher) { index = gauges(searcher); });
    res.set_content(state.metrics.text(index), "text/plain; version=0.0.4");
}

// The page and the OpenAPI document, from the binary (assets.h).
void asset_route(State&, const httplib::Request& req, httplib::Response& res) {
    std::string path = req.path == "/" ? "/page/index.html" : req.path;
    for (const auto& asset : kAssets) {
        if (asset.path != path) continue;
        res.set_content(std::string(asset.bytes()), content_type(path));
        return;
    }
    reply_error(res, 404, "not_found", fmt::format("no route {} {}", req.method, req.path));
}

}  // namespace

const std::vector<Route>& routes() {
    static const std::vector<Route> table = [] {
        std::vector<Route> all = {
            {"GET", "/v1/search", "/v1/search", search_route},
            {"POST", "/v1/search", "/v1/search", search_route},
            {"GET", "/v1/records/{id}", R"(/v1/records/([\s\S]+))", record_route},
            {"GET", "/v1/facets/{field}", R"(/v1/facets/([^/]+))", facet_route},
            {"GET", "/v1/manifest", "/v1/manifest", manifest_route},
            {"POST", "/v1/manifest", "/v1/manifest", manifest_route},
            {"GET", "/v1/fields", "/v1/fields", fields_route},
            {"GET", "/v1/stats", "/v1/stats", stats_route},
            {"GET", "/health", "/health", health_route},
            {"GET", "/ready", "/ready", ready_route},
            {"GET", "/metrics", "/metrics", metrics_route},
            {"GET", "/openapi.json", "/openapi.json", asset_route},
            {"GET", "/", "/", asset_route},
            {"GET", "/page/{file}", R"(/page/[A-Za-z0-9_.-]+)", asset_route},
        };
        auto api = panosc_routes();  // /api: the PaNOSC search API
        all.insert(all.end(), api.begin(), api.end());
        return all;
    }();
    return table;
}

}  // namespace atlas::server
