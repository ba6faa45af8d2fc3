// url_request.h - a search written in a URL's query string.
//
// GET /v1/search?q=ribosome&kind=run,tomogram&filter=quality%3D%3E%3D4&facets=organism:20
// takes what `atlas-search` takes on its command line, in the same text forms
// (atlas/request_text.h), so links and caches can carry a search:
//   q, kind, source (comma-separated and/or repeated), filter (repeated),
//   facets, sort, offset, limit, group (dataset), group_size, explain (1|0),
//   typo_tolerance (1|0), collapse (1|0), snippet_bytes.
// An unknown parameter is an error, as an unknown member of a JSON request is,
// and so is a parameter of one value given twice (kind, source, filter and
// facets add up).
#pragma once

#include <map>
#include <set>
#include <string>

#include "atlas/search.h"

namespace atlas::server {

using UrlParams = std::multimap<std::string, std::string>;

// The request the parameters write, or invalid_request naming the parameter
// and its value.  Parameters in `also` are the route's own (format,
// prefix, size) and are left to it.
Result<SearchRequest> request_from_url(const UrlParams& params,
                                       const std::set<std::string>& also = {});

}  // namespace atlas::server
