// top_candidates.h - ranking a huge match set from the index's top lists, when that is exact.
//
// Scoring every match of two common words costs Xapian ~50 ms at 10^6
// records.  The index keeps, per term in many records and per kind, the
// documents the term weighs most, their weights, the largest weight left out
// (the cap) and the first document left out (the edge) (column_format.h,
// index/top_lists.h).  For a query whose weighted parts are each one such
// term, the listed documents of the match set are the candidates; those whose
// listed weights plus the caps of the terms they are not listed under cannot
// reach the page are dropped, and Xapian scores the rest.  The page stands if
// no match left unscored can come before its last hit (page_is_exact);
// otherwise the caller scores every match.  DESIGN.md, "Huge match sets".
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "bitmap.h"
#include "column_store.h"
#include "query_parser.h"

namespace atlas::detail {

// Page order of two scored documents: score descending, then tie rank (the
// index's order of equal scores, column_store.h tie_rank), then docid, as
// Xapian sorts them.
inline bool in_page_order(std::span<const std::uint32_t> tie, double score_a, std::uint32_t a,
                          double score_b, std::uint32_t b) {
    if (score_a != score_b) return score_a > score_b;
    return std::pair{tie[a], a} < std::pair{tie[b], b};
}

class TopCandidates {
  public:
    // The candidates when every weighted part of `tree` (its top-level AND's
    // positive children, or the tree itself) is one Xapian term with top
    // lists, each a different term; nullopt otherwise (phrases, synonyms,
    // prefixes, a word whose stem has several forms, a term too rare to have
    // lists: those are ranked by scoring every match).  `columns` must
    // outlive the result.
    static std::optional<TopCandidates> find(const QueryNode& tree, const Xapian::Database& db,
                                             ColumnStore& columns);

    // Every listed document, of any kind.
    const Bitmap& docs() const { return *docs_; }

    // The candidates of `few` (listed documents of the match set) that can be
    // among the best `want` (the best of each dataset when `by_group`): Xapian
    // scores a candidate by reading its blocks (~4 us each), so it is given
    // only these.
    std::shared_ptr<const Bitmap> reachable(const Bitmap& few, std::uint64_t want,
                                            bool by_group) const;

    // Whether a page scored from the candidates `few` of `within`, whose last
    // hit is `last_docid` scoring `last_weight`, is the page: every match of a
    // kind with matches left unscored comes after that hit.
    bool page_is_exact(double last_weight, std::uint32_t last_docid, const Bitmap& within,
                       const Bitmap& few) const;

  private:
    struct Doc {
        std::uint32_t docid;
        std::uint32_t kind;    // index in kinds_
        std::uint32_t listed;  // bit i: listed under term i
        double known;          // the sum of its listed weights
    };
    struct Edge {  // the first document a list leaves out (TopListView)
        std::uint32_t tie = UINT32_MAX;
        std::uint32_t docid = UINT32_MAX;
    };

    // Which of a dataset's candidates stands for it when grouping.
    enum class Best { in_page_order, by_listed_weight };
    using Kept = std::optional<std::vector<std::uint32_t>>;  // docids, or none: score all

    explicit TopCandidates(ColumnStore& columns) : columns_(&columns) {}
    bool before(const Doc* a, const Doc* b) const;
    bool surely_after(std::uint32_t kind, std::uint32_t unlisted, double known, double score,
                      std::uint32_t docid) const;
    bool unscored_of_kind(std::size_t kind, const Bitmap& within, const Bitmap& few) const;
    std::vector<const Doc*> group_heads(std::vector<const Doc*> docs, bool by_group,
                                        Best best) const;
    Kept keep_by_page_order(const std::vector<const Doc*>& in, std::uint64_t want,
                            bool by_group) const;
    Kept keep_by_bounds(const std::vector<const Doc*>& in, std::uint64_t want,
                        bool by_group) const;

    ColumnStore* columns_;
    std::span<const std::uint32_t> tie_;  // page order among equal scores (tie rank)
    std::shared_ptr<const Bitmap> docs_;
    std::vector<Doc> listed_;  // one per document of docs_
    std::vector<std::string> kinds_;
    std::vector<std::vector<double>> caps_;  // [kind][term]
    std::vector<std::vector<Edge>> edges_;   // [kind][term]
    std::size_t terms_ = 0;
    std::uint32_t all_terms_ = 0;  // the bits of every term
    // With one or two terms a listed document's sum of weights is Xapian's to
    // the bit (addition commutes), so candidates whose every weight is listed
    // can be put in page order without Xapian.
    bool exact_sums_ = false;
};

}  // namespace atlas::detail
