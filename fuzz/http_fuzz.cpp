// http_fuzz.cpp - the server's request handling (server/routes.cpp,
// panosc_routes.cpp, url_request.cpp, request_limits.cpp) on the sample index,
// without a socket: the input's first line is "METHOD TARGET" ("GET
// /v1/search?q=lung&facets=organ"), the rest is the body.  The request is
// built as cpp-httplib builds it (the path URL-decoded, the query string
// split into parameters) and given to the first route of its method whose
// pattern matches, as httplib's dispatch does; the connection handling around
// it (http_server.cpp: admission, CORS, error bodies) is not run.
#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

#include "harness.h"
#include "routes.h"

namespace {

atlas::server::State& state() {
    static atlas::ServeOptions options = [] {
        atlas::ServeOptions o;
        o.index_dir = atlas::fuzz::sample_index_dir();
        o.access_log = nullptr;
        return o;
    }();
    static atlas::server::State s{options, atlas::server::SearcherPool(options.index_dir, 1), {}, {}};
    return s;
}

httplib::Request request_of(std::string_view text) {
    httplib::Request req;
    auto line_end = text.find('\n');
    std::string_view line = text.substr(0, line_end);
    if (line_end != std::string_view::npos) req.body = std::string(text.substr(line_end + 1));
    auto space = line.find(' ');
    req.method = std::string(line.substr(0, space));
    std::string target(space == std::string_view::npos ? "" : line.substr(space + 1));
    auto question = target.find('?');
    req.path = httplib::detail::decode_url(target.substr(0, question), false);
    if (question != std::string::npos) {
        httplib::detail::parse_query_text(target.substr(question + 1), req.params);
    }
    return req;
}

// Each route's pattern, compiled once (cpp-httplib compiles them when a route is added).
const std::vector<std::regex>& patterns() {
    static const std::vector<std::regex> compiled = [] {
        std::vector<std::regex> out;
        for (const auto& route : atlas::server::routes()) out.emplace_back(route.pattern);
        return out;
    }();
    return compiled;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    httplib::Request req = request_of(atlas::fuzz::as_text(data, size));
    httplib::Response res;
    const auto& routes = atlas::server::routes();
    for (std::size_t i = 0; i < routes.size(); ++i) {
        if (req.method != routes[i].method) continue;
        if (!std::regex_match(req.path, req.matches, patterns()[i])) continue;
        routes[i].handle(state(), req, res);
        break;
    }
    return 0;
}
