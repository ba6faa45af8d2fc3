// request_limits.cpp - checking a request against the server's caps (request_limits.h).
#include "request_limits.h"

#include <fmt/format.h>

namespace atlas::server {
namespace {

Error too_much(std::string_view what, std::uint64_t has, std::uint64_t most) {
    return {Errc::invalid_request, fmt::format("{} is {}; at most {}", what, has, most)};
}

std::size_t word_count(std::string_view text) {
    std::size_t words = 0;
    bool in_word = false;
    for (char c : text) {
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (!space && !in_word) ++words;
        in_word = !space;
    }
    return words;
}

std::size_t deepest_nesting(std::string_view text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    for (char c : text) {
        if (c == '(') deepest = std::max(deepest, ++depth);
        if (c == ')' && depth > 0) --depth;
    }
    return deepest;
}

Status check_query(std::string_view member, std::string_view query) {
    if (query.size() > kMaxQueryBytes) {
        return too_much(fmt::format("{} length (bytes)", member), query.size(), kMaxQueryBytes);
    }
    if (auto n = word_count(query); n > kMaxQueryWords) {
        return too_much(fmt::format("{} words", member), n, kMaxQueryWords);
    }
    if (auto n = deepest_nesting(query); n > kMaxNesting) {
        return too_much(fmt::format("{} parentheses nesting", member), n, kMaxNesting);
    }
    return {};
}

Status check_filters(std::string_view member, const std::vector<Filter>& filters) {
    if (filters.size() > kMaxFilters) {
        return too_much(fmt::format("{} count", member), filters.size(), kMaxFilters);
    }
    for (const auto& f : filters) {
        if (f.values.size() > kMaxFilterValues) {
            return too_much(fmt::format("{} on '{}': values", member, f.field), f.values.size(),
                            kMaxFilterValues);
        }
    }
    return {};
}

Status check_children(const std::vector<ChildFilter>& children, std::size_t depth) {
    if (children.empty()) return {};
    if (depth > kMaxChildDepth) return too_much("has_children depth", depth, kMaxChildDepth);
    if (children.size() > kMaxFilters) {
        return too_much("has_children count", children.size(), kMaxFilters);
    }
    for (const auto& c : children) {
        if (auto s = check_query("has_children query", c.query); !s.ok()) return s;
        if (auto s = check_filters("has_children filters", c.filters); !s.ok()) return s;
        if (auto s = check_children(c.children, depth + 1); !s.ok()) return s;
    }
    return {};
}

}  // namespace

Status check_limits(const SearchRequest& r) {
    if (auto s = check_query("query", r.query); !s.ok()) return s;
    if (auto s = check_filters("filters", r.filters); !s.ok()) return s;
    if (auto s = check_children(r.has_children, 1); !s.ok()) return s;
    if (r.facets.size() > kMaxFacets) return too_much("facets count", r.facets.size(), kMaxFacets);
    if (r.kinds.size() > kMaxFilterValues) {
        return too_much("kinds count", r.kinds.size(), kMaxFilterValues);
    }
    if (r.sources.size() > kMaxFilterValues) {
        return too_much("sources count", r.sources.size(), kMaxFilterValues);
    }
    if (r.sort.size() > kMaxFilters) return too_much("sort keys", r.sort.size(), kMaxFilters);
    if (std::uint64_t window = std::uint64_t{r.offset} + r.limit; window > kMaxWindow) {
        return too_much("offset + limit", window, kMaxWindow);
    }
    if (r.snippet_bytes > kMaxSnippetBytes) {
        return too_much("snippet_bytes", r.snippet_bytes, kMaxSnippetBytes);
    }
    return {};
}

}  // namespace atlas::server
