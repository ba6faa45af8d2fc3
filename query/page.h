// page.h - the hits (or groups) of the page a request asks for.
//
// Puts the stages together for one page: an id typed as the whole query
// first (the records it identifies, then those holding it, each in browse
// order), then the rest tier by tier (match_set.h, tiers.h: most words of a
// relaxed query first, then records of a kind the query names), each ranked
// by relevance (ranking.h) or in the request's order (ordering.h); grouped by
// dataset, the datasets of the page, each placed by its best hit (its first
// tier's best) with its best hits.  Offsets run across the tiers exactly.
// Each hit is read (hit_reader.h) and explained on request.
#pragma once

#include "atlas/search.h"
#include "match_set.h"
#include "open_generation.h"
#include "request_check.h"

namespace atlas::detail {

// Fills `result`'s hits, or its groups and group_total, what relaxed
// matching did, and what ranking took (scored, threads).  Throws Xapian
// errors only.
void fill_page(const CheckedRequest& checked, const MatchSet& matches, OpenGeneration& gen,
               const SearcherOptions& options, SearchResult& result);

}  // namespace atlas::detail
