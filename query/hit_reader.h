// hit_reader.h - a document of the index as a hit: display data, marks, snippet, explanation.
//
// What a hit shows was written by atlas-index as the document's display data
// (schema/display_data.h); this reads it back, marks the query's words in the
// title, picks and marks a snippet, and with SearchRequest::explain says why
// the hit is where it is.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "open_generation.h"
#include "query_builder.h"
#include "request_check.h"
#include "snippet.h"

namespace atlas::detail {

class HitReader {
  public:
    // `gen` and `checked` must outlive the reader.
    HitReader(OpenGeneration& gen, const CheckedRequest& checked);

    // Document `docid` as the hit at `rank` (1-based) scoring `score`.
    Hit read(std::uint32_t docid, std::uint64_t rank, double score) const;

    // Says why `hit` (document `docid`) is where it is, when the request asks
    // (SearchRequest::explain): `order` is what placed it ("relevance", "sort
    // by quality", "exact id (dataset)"); under relevance, each top-level part
    // of the query with the score it adds and the fields its words are in.
    void explain(Hit& hit, std::uint32_t docid, std::string order) const;

    // A group's head: the id and title of its dataset (document `docid`).
    HitGroup group(std::uint32_t docid) const;

  private:
    OpenGeneration& gen_;
    const SearchRequest& request_;
    WordMatcher matcher_;
    std::vector<QueryNode> parts_;  // the query's top-level positive parts (explain)
};

}  // namespace atlas::detail
