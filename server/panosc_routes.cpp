// panosc_routes.cpp - /api: parameters in, LoopBack JSON out.
#include "panosc_routes.h"

#include <fmt/format.h>

#include <set>

#include "atlas/panosc.h"
#include "reply.h"
#include "request_limits.h"

namespace atlas::server {
namespace {

// LoopBack's error body: what the reference's clients read.
void reply_loopback_error(httplib::Response& res, int status, std::string_view code,
                          std::string_view message) {
    res.status = status;
    res.set_content(fmt::format("{{\"error\":{{\"statusCode\":{},\"name\":\"Error\",\"message\":{},\"code\":{}}}}}",
                                status, json_string(message), json_string(code)),
                    "application/json");
}

void reply_loopback_error(httplib::Response& res, const Error& error) {
    int status = http_status(error.code);
    std::string_view code = error.code == Errc::not_found ? "MODEL_NOT_FOUND" : errc_name(error.code);
    if (status == 503) res.set_header("Retry-After", "1");
    reply_loopback_error(res, status, code, error.message);
}

// Refuses a parameter the route does not take, and one given twice.  LoopBack
// clients may send an access_token: this API is public, so it is ignored.
bool check_params(const httplib::Request& req, httplib::Response& res,
                  const std::set<std::string>& takes, std::string_view listed) {
    for (const auto& [name, value] : req.params) {
        if (name == "access_token") continue;
        if (takes.count(name) == 0) {
            reply_loopback_error(res, 400, "invalid_request",
                                 fmt::format("{} does not take parameter '{}' (takes {})", req.path,
                                             name, listed));
            return false;
        }
        if (req.get_param_value_count(name) > 1) {
            reply_loopback_error(res, 400, "invalid_request",
                                 fmt::format("parameter '{}' is given more than once", name));
            return false;
        }
    }
    return true;
}

// `query` costs what a search's does: the same caps.
bool check_query(const std::string& query, httplib::Response& res) {
    SearchRequest request;
    request.query = query;
    if (auto s = check_limits(request); !s.ok()) {
        reply_loopback_error(res, 400, "invalid_request", s.error().message);
        return false;
    }
    return true;
}

panosc::Model model_of(const httplib::Request& req) {
    return *panosc::model_of_collection(req.matches[1].str());  // the pattern names only models
}

// Runs `answer` with a searcher; library errors become LoopBack errors.
template <class Answer>
void with_searcher(State& state, httplib::Response& res, Answer answer) {
    auto status = state.searchers.with_searcher([&](Searcher& searcher) { answer(searcher); });
    if (!status.ok()) reply_loopback_error(res, status.error());
}

void find_route(State& state, const httplib::Request& req, httplib::Response& res) {
    if (!check_params(req, res, {"filter", "query"}, "filter, query")) return;
    std::string query = req.get_param_value("query");
    if (!check_query(query, res)) return;
    with_searcher(state, res, [&](Searcher& searcher) {
        auto found = state.panosc.find(searcher, model_of(req), req.get_param_value("filter"),
                                       query);
        if (!found.ok()) return reply_loopback_error(res, found.error());
        res.set_header("X-Total-Count", std::to_string(found.value().total));
        if (found.value().truncated) {
            res.set_header("X-Atlas-Truncated",
                           fmt::format("the query matched more than {} records; the objects of "
                                       "the best {} only",
                                       panosc::kMaxRanked, panosc::kMaxRanked));
        }
        reply_json(req, res, std::move(found.value().json), searcher.generation());
    });
}

void count_route(State& state, const httplib::Request& req, httplib::Response& res) {
    if (!check_params(req, res, {"where", "query"}, "where, query")) return;
    std::string query = req.get_param_value("query");
    if (!check_query(query, res)) return;
    with_searcher(state, res, [&](Searcher& searcher) {
        auto n = state.panosc.count(searcher, model_of(req), req.get_param_value("where"), query);
        if (!n.ok()) return reply_loopback_error(res, n.error());
        reply_json(req, res, fmt::format("{{\"count\":{}}}", n.value()), searcher.generation());
    });
}

void by_id_route(State& state, const httplib::Request& req, httplib::Response& res) {
    if (!check_params(req, res, {"filter"}, "filter")) return;
    with_searcher(state, res, [&](Searcher& searcher) {
        auto found = state.panosc.find_by_id(searcher, model_of(req), req.matches[2].str(),
                                             req.get_param_value("filter"));
        if (!found.ok()) return reply_loopback_error(res, found.error());
        reply_json(req, res, std::move(found).value(), searcher.generation());
    });
}

}  // namespace

std::vector<Route> panosc_routes() {
    return {
        {"GET", "/api/{Models}/count", R"(/api/([Dd]atasets|[Dd]ocuments|[Ii]nstruments)/count)", count_route},
        {"GET", "/api/{Models}", R"(/api/([Dd]atasets|[Dd]ocuments|[Ii]nstruments))", find_route},
        {"GET", "/api/{Models}/{pid}", R"(/api/([Dd]atasets|[Dd]ocuments|[Ii]nstruments)/([\s\S]+))", by_id_route},
    };
}

}  // namespace atlas::server
