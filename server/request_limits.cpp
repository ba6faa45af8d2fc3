// request_limits.cpp - checking a request against the server's caps (request_limits.h).
#include "request_limits.h"

#include <fmt/format.h>

#include <algorithm>

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

std::size_t wildcards(const SearchRequest& r) {
    std::size_t n = std::count(r.query.begin(), r.query.end(), '*');
    std::vector<const ChildFilter*> todo;
    for (const auto& c : r.has_children) todo.push_back(&c);
    while (!todo.empty()) {
        const ChildFilter* c = todo.back();
        todo.pop_back();
        n += std::count(c->query.begin(), c->query.end(), '*');
        for (const auto& g : c->children) todo.push_back(&g);
    }
    return n;
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

// Each child filter is a match set of its own: the whole tree is bounded, not
// each level (32 children of 32 children... would be a million).
Status check_children(const std::vector<ChildFilter>& children, std::size_t depth,
                      std::size_t& seen) {
    if (children.empty()) return {};
    if (depth > kMaxChildDepth) return too_much("has_children depth", depth, kMaxChildDepth);
    for (const auto& c : children) {
        if (++seen > kMaxFilters) return too_much("has_children count (all levels)", seen, kMaxFilters);
        if (auto s = check_query("has_children query", c.query); !s.ok()) return s;
        if (auto s = check_filters("has_children filters", c.filters); !s.ok()) return s;
        if (auto s = check_children(c.children, depth + 1, seen); !s.ok()) return s;
    }
    return {};
}

}  // namespace

Status check_limits(const SearchRequest& r) {
    if (auto s = check_query("query", r.query); !s.ok()) return s;
    if (auto s = check_filters("filters", r.filters); !s.ok()) return s;
    std::size_t children = 0;
    if (auto s = check_children(r.has_children, 1, children); !s.ok()) return s;
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
    if (auto n = wildcards(r); n > kMaxWildcards) return too_much("wildcards (*)", n, kMaxWildcards);
    if (r.explain && r.limit > kMaxExplainLimit) {
        return too_much("limit with explain", r.limit, kMaxExplainLimit);
    }
    if (r.snippet_bytes > kMaxSnippetBytes) {
        return too_much("snippet_bytes", r.snippet_bytes, kMaxSnippetBytes);
    }
    return {};
}

}  // namespace atlas::server
