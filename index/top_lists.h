// top_lists.h - each frequent term's best documents of each kind, for ranking
// huge match sets.
//
// BM25 must score every match to know the best few: a two-word query over a
// third of 10^6 records ("prokaryotic cell") visits 344,000 documents, about
// 50 ms.  At index time, once the Xapian database of the generation is
// complete, each term in at least `min_freq` documents gets, for each kind of
// record it occurs in, a top list: the `length` documents of that kind it
// weighs most in (more when the last of them ties with the next, up to twice
// as many; all of them when that is no more; when a run of equal weights is
// longer, its first in the order of equal scores), and its cap, the largest
// weight it gives any other document of the kind.  A reader ranking a query of such
// terms scores only the documents of their lists; a document of kind K
// outside every list scores at most the sum of the terms' caps for K, so when
// the page's last hit scores above that sum for every kind that has unlisted
// matches, the page is exact (query/searcher.cpp; the threshold algorithm of
// Fagin, Lotem and Naor, with Xapian computing the exact scores; the listed
// weights let the reader score only the candidates that can reach the page,
// since Xapian's cost is a block read per candidate, ~4 us).  Lists are
// per kind because kinds weigh differently (a run's own organism against the
// organism a tomogram inherits): one cap for all would be the loosest kind's,
// and a filter to tomograms would find too few of their best in lists led by runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "atlas/error.h"

namespace atlas::detail {

struct TopList {
    std::string term;
    std::string kind;
    double cap = 0;  // the largest weight the term gives a document of the kind not listed
    std::vector<std::uint32_t> docids;  // ascending; each weighed above the cap when it can be
    std::vector<double> weights;        // the term's weight in each, as Xapian computes it
    // The first document of the kind left out, in the order a page of this
    // term alone takes (weight desc, tie rank, docid): a one-word page whose
    // last hit comes before it holds no document left out.  No such document:
    // both are UINT32_MAX.
    std::uint32_t edge_tie = UINT32_MAX;
    std::uint32_t edge_docid = UINT32_MAX;
};

// The top lists of every term of the Xapian database at `xapian_dir` in at
// least `min_freq` documents, sorted by term then kind.  `kind_of[d - 1]` is
// the index in `kinds` of document d's kind (past the end: deleted by an
// update, in no list); `tie_rank[d]` its rank in the
// order of equal scores (kSlotRankTie).  Weights are BM25 with the
// schema's parameters (schema.h), as readers rank.  Errors: io, corrupt.
// Cost: one pass over the postings of each such term (about 1,000 terms and 80
// million postings at 10^6 records) plus one over the term list; the terms are
// shared out to `threads` threads, each with its own handle on the database.
Result<std::vector<TopList>> compute_top_lists(const std::string& xapian_dir,
                                               std::uint32_t min_freq, std::uint32_t length,
                                               const std::vector<std::uint16_t>& kind_of,
                                               const std::vector<std::string>& kinds,
                                               const std::vector<std::uint32_t>& tie_rank,
                                               unsigned threads = 1);

}  // namespace atlas::detail
