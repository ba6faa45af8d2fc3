// atlas/request_text.h - the short text forms of a request's parts that a
// command line and a URL take.
//
// `atlas-search --filter organism=S. pombe` and the server's
// `GET /v1/search?filter=organism%3DS.%20pombe` read the same forms, so a
// search written one way can be written the other:
//   filter  "organism=S. pombe,E. coli" (any of), "organism!=E. coli" (none of),
//           "organism=*" (has a value), "organism!=*" (has none); numbers and
//           dates take ranges ("quality=>=4"); a comma inside a value is "\,"
//   facets  "organism:20,quality" (field, and how many values; default 10)
//   sort    "release_date:desc", "title" (numbers and dates descend unless
//           ":asc"; names ascend)
//   list    "dataset,run" (kinds, sources)
// Errors are invalid_request with a message that quotes the text and says the
// form ("takes FIELD=VALUE[,VALUE...], ... not 'x'"); callers put the option
// or parameter name first.  Pure functions: any thread, no index read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "atlas/search.h"

namespace atlas {

Result<Filter> filter_from_text(std::string_view text);
Result<std::vector<FacetRequest>> facets_from_text(std::string_view text);
Result<SortKey> sort_from_text(std::string_view text);
// The comma-separated items of `text`, empty ones dropped, appended to `out`.
void append_list(std::string_view text, std::vector<std::string>& out);

}  // namespace atlas
