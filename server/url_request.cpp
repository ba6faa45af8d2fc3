// url_request.cpp - GET parameters into a SearchRequest (url_request.h).
#include "url_request.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <functional>

#include "atlas/request_text.h"

namespace atlas::server {
namespace {

using Setter = std::function<Status(SearchRequest&, const std::string&)>;

Error bad(std::string_view name, std::string_view value, std::string_view why) {
    return {Errc::invalid_request, fmt::format("parameter {}='{}': {}", name, value, why)};
}

Setter count(std::uint32_t SearchRequest::*member, std::string_view name, std::uint32_t most) {
    return [member, name, most](SearchRequest& r, const std::string& v) -> Status {
        std::uint64_t n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || p != v.data() + v.size() || n > most) {
            return bad(name, v, fmt::format("takes a whole number from 0 to {}", most));
        }
        r.*member = static_cast<std::uint32_t>(n);
        return {};
    };
}

Setter flag(bool SearchRequest::*member, std::string_view name) {
    return [member, name](SearchRequest& r, const std::string& v) -> Status {
        if (v == "1" || v == "true" || v.empty()) {
            r.*member = true;
        } else if (v == "0" || v == "false") {
            r.*member = false;
        } else {
            return bad(name, v, "takes 1 or 0");
        }
        return {};
    };
}

Setter list(std::vector<std::string> SearchRequest::*member) {
    return [member](SearchRequest& r, const std::string& v) -> Status {
        append_list(v, r.*member);
        return {};
    };
}

Status set_filter(SearchRequest& r, const std::string& v) {
    auto f = filter_from_text(v);
    if (!f.ok()) return bad("filter", v, f.error().message);
    r.filters.push_back(std::move(f).value());
    return {};
}

Status set_facets(SearchRequest& r, const std::string& v) {
    auto facets = facets_from_text(v);
    if (!facets.ok()) return bad("facets", v, facets.error().message);
    for (auto& f : facets.value()) r.facets.push_back(std::move(f));
    return {};
}

Status set_sort(SearchRequest& r, const std::string& v) {
    auto key = sort_from_text(v);
    if (!key.ok()) return bad("sort", v, key.error().message);
    r.sort.push_back(std::move(key).value());
    return {};
}

const std::map<std::string, Setter, std::less<>>& setters() {
    static const std::map<std::string, Setter, std::less<>> table = {
        {"q", [](SearchRequest& r, const std::string& v) -> Status {
             r.query = v;
             return {};
         }},
        {"kind", list(&SearchRequest::kinds)},
        {"source", list(&SearchRequest::sources)},
        {"filter", set_filter},
        {"facets", set_facets},
        {"sort", set_sort},
        {"offset", count(&SearchRequest::offset, "offset", kMaxOffset)},
        {"limit", count(&SearchRequest::limit, "limit", kMaxLimit)},
        {"group", [](SearchRequest& r, const std::string& v) -> Status {
             r.group_by = v;
             return {};
         }},
        {"group_size", count(&SearchRequest::group_size, "group_size", kMaxGroupSize)},
        {"snippet_bytes", count(&SearchRequest::snippet_bytes, "snippet_bytes", UINT32_MAX)},
        {"explain", flag(&SearchRequest::explain, "explain")},
        {"typo_tolerance", flag(&SearchRequest::typo_tolerance, "typo_tolerance")},
        {"collapse", flag(&SearchRequest::collapse, "collapse")},
    };
    return table;
}

// The parameters that add to a list when repeated; any other takes one value.
bool repeatable(std::string_view name) {
    return name == "kind" || name == "source" || name == "filter" || name == "facets";
}

}  // namespace

Result<SearchRequest> request_from_url(const UrlParams& params, const std::set<std::string>& also) {
    SearchRequest request;
    for (const auto& [name, value] : params) {
        if (also.count(name) > 0) continue;
        if (auto n = params.count(name); n > 1 && !repeatable(name)) {
            return Error{Errc::invalid_request,
                         fmt::format("parameter '{}' is given {} times; it takes one value", name, n)};
        }
        auto it = setters().find(name);
        if (it == setters().end()) {
            std::vector<std::string_view> known;
            for (const auto& [n, set] : setters()) known.push_back(n);
            return Error{Errc::invalid_request,
                         fmt::format("unknown parameter '{}' (takes {})", name,
                                     fmt::join(known, ", "))};
        }
        if (auto s = it->second(request, value); !s.ok()) return s.error();
    }
    return request;
}

}  // namespace atlas::server
