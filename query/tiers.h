// tiers.h - what places a match before its score: the query's words it holds, the kind it is.
//
// Two things order a match set before relevance (or the sort) does.  When no
// record (or too few) holds every word of the query together, the match set
// is relaxed to the records holding at least one of them, and those holding
// more words come first (relaxed matching; Meilisearch's "last" strategy,
// Typesense's drop_tokens, but no word is dropped: each counts).  And when
// the query names kinds ("tomograms": CheckedRequest::intents), records of
// those kinds come first.  Each tier is a part of the match set; the parts
// are disjoint and listed in page order, each ranked or ordered by itself
// (page.h).  Totals and facets see the match set, never the tiers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bitmap.h"
#include "query_parser.h"

namespace atlas::detail {

// Matching is relaxed when fewer records than this hold every word (and meet
// every filter): none finds nothing, and one or two that hold the words by
// chance ("stomach tumours": one record) hide the records that hold most of
// them.  Those few still come first.  (Typesense drops words below 1.)  A
// word no record holds is relaxed only with typo tolerance (it could not be
// corrected); asked for as typed, the query matches as typed (match_set.cpp).
inline constexpr std::uint64_t kRelaxBelow = 3;

// A query whose words can be relaxed: the children of its root AND that are
// required free-text words (one word, not a phrase, no field) or synonyms
// (one concept); fielded terms, phrases, exact values, ranges and
// exclusions stay required.
// At most this many words are relaxed, the rarest (what a record holding
// them shares least by chance); the others stay required.  Counting "at
// least j of n" costs n^2/2 bitmap operations.
inline constexpr std::size_t kMaxRelaxedWords = 12;

struct Relaxable {
    std::vector<const QueryNode*> words;  // into the tree; at least two
    std::vector<std::string> labels;      // each as searched: "ribosome", "s pombe"
    QueryNode required;  // AND of what stays required, exclusions included (ALL if nothing)
    QueryNode ranking;   // the tree with the words OR'ed: what ranks a relaxed match
};

// `tree`'s relaxable words; nullopt when fewer than two.  The result points
// into `tree`, which must outlive it.
std::optional<Relaxable> relaxable_words(const QueryNode& tree);

// at_least(sets)[j - 1]: the documents in at least j of `sets` (j = 1 ..
// sets.size()), by L[j] |= L[j - 1] & B_i over each set B_i.
std::vector<Bitmap> at_least(const std::vector<Bitmap>& sets);

// A part of the match set in page order, and what put it there ("2 of 3
// words", "a kind the query names"; empty for the rest).
struct Tier {
    std::shared_ptr<const Bitmap> docs;
    std::string label;
};

// The tiers' documents in `first` (labelled `label` too), tier by tier,
// then the others, tier by tier: a record of a kind the query names holding
// one of its words comes before other records holding them all.  Empty
// parts are left out; a part that is a whole tier keeps its bitmap.
std::vector<Tier> kind_first(const std::vector<Tier>& tiers, const Bitmap& first,
                             const std::string& label);

// Each tier split in two, its documents in `first` (labelled `label` too)
// before the others: an order within each tier, which never moves a record
// past one of an earlier tier (value_owners.h).
std::vector<Tier> first_within(const std::vector<Tier>& tiers, const Bitmap& first,
                               const std::string& label);

}  // namespace atlas::detail
