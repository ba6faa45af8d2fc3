// request_limits.h - what one request may cost: the caps the server puts on input.
//
// Xapian 1.4 has no query timeout, so a request's cost is bounded by what
// it may ask for: these caps, the library's own (kMaxLimit, kMaxFacetSize,
// kMaxGroupSize) and the admission of connections (admission.h).  The
// OpenAPI document states the same numbers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "atlas/search.h"

namespace atlas::server {

inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;   // 413 beyond
inline constexpr std::size_t kMaxQueryBytes = 2048;
inline constexpr std::size_t kMaxQueryWords = 64;
inline constexpr std::size_t kMaxNesting = 16;           // parentheses in a query
inline constexpr std::size_t kMaxChildDepth = 4;         // has_children in has_children
inline constexpr std::size_t kMaxFilters = 32;  // per request, per child filter, child filters in all
inline constexpr std::size_t kMaxFilterValues = 256;
inline constexpr std::size_t kMaxFacets = 32;
inline constexpr std::uint64_t kMaxWindow = 10000;       // offset + limit
inline constexpr std::uint32_t kMaxSnippetBytes = 2000;
// A wildcard ("a*") reads every term with its prefix; explaining a hit scores
// each part again: together they cost seconds ("a* OR b* ... t*", 1,000 hits
// explained: 42 s on the 1,328-record sample).
inline constexpr std::size_t kMaxWildcards = 8;       // in the query and child queries
inline constexpr std::uint32_t kMaxExplainLimit = 50; // hits explained in one request
inline constexpr std::uint64_t kMaxManifestRecords = 100000;

// The first cap `request` exceeds, as invalid_request naming the member and
// its value ("query has 80 words; at most 64"); ok otherwise.
Status check_limits(const SearchRequest& request);

}  // namespace atlas::server
