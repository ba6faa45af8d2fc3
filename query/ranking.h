// ranking.h - the best of a set of matches by relevance: Xapian's BM25 over the query.
//
// Ranking is the one stage Xapian does: the match set (match_set.h) is given
// to it as a posting source, so only the words are scored.  A huge set is
// ranked from the index's top lists when they prove the page exact
// (top_candidates.h), else scored whole, in two halves on two threads when
// it is large (SearcherOptions::threads, split_from).  Hits may be collapsed:
// near-identical siblings into the best of them (counting the others), or a
// dataset's matches into its best.  The page is the same to the bit however
// it was computed.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "atlas/search.h"
#include "bitmap.h"
#include "match_set.h"
#include "open_generation.h"
#include "query_builder.h"
#include "request_check.h"
#include "top_candidates.h"

namespace atlas::detail {

// One hit of a ranked page, as Xapian scored it.
struct RankedHit {
    Xapian::docid docid;
    double weight;
    Xapian::doccount collapsed;  // siblings collapsed into it (Collapse::siblings)
};
using RankedPage = std::vector<RankedHit>;

enum class Collapse {
    none,
    siblings,  // near-identical siblings (kSlotSiblings): the best, with a count of the others
    dataset,   // a dataset's matches (kSlotGroup): the best of each
};

// The BM25 parameters the index's top lists were computed with (schema.h).
Xapian::BM25Weight bm25();

// Range nodes as Xapian sees them: the column file's documents, as a posting
// source over `gen`'s shards.
RangeDocs range_docs_of(OpenGeneration& gen);

// Ranks one request's matches.  One per request, on the request's thread;
// `gen`, `checked` and `matches` must outlive it.  The Xapian query is built
// on the first page asked for (a request of limit 0 builds none).
class Ranker {
  public:
    Ranker(OpenGeneration& gen, const CheckedRequest& checked, const MatchSet& matches,
           const SearcherOptions& options);

    // The best `count` of `within` (the match set or a part of it) from
    // `offset`, by relevance, then tie rank, then docid; the records a typed
    // id adds match without the query's words.
    RankedPage page(std::shared_ptr<const Bitmap> within, std::uint32_t offset, std::uint32_t count,
                    Collapse collapse);

    // Matches scored so far (SearchResult::scored), and the most threads one
    // page took (SearchResult::threads).
    std::uint64_t scored() const { return scored_; }
    std::uint32_t threads() const { return threads_; }

  private:
    // Whether a set given to Xapian is all the query matches (no filter
    // needed) or has to be given as a filter.
    enum class Docs { all_of_query, filtered };
    struct Want {
        std::uint32_t offset;
        std::uint32_t count;
        Collapse collapse;
    };
    const QueryNode& tree() const;
    Xapian::Query query_on(const Xapian::Database& db) const;
    const Xapian::Query& query();  // on gen_.db, built once
    Xapian::Enquire enquire(const Xapian::Database& db, const Xapian::Query& query,
                            std::shared_ptr<const Bitmap> docs, Docs given,
                            Collapse collapse) const;
    std::optional<RankedPage> from_candidates(const std::shared_ptr<const Bitmap>& within,
                                              std::uint64_t within_size, const Want& want);
    RankedPage best_of(std::shared_ptr<const Bitmap> docs, Docs given, std::uint64_t split_at,
                       const Want& want);
    RankedPage in_halves(const std::shared_ptr<const Bitmap>& docs, const Want& want);

    OpenGeneration& gen_;
    const CheckedRequest& checked_;
    const MatchSet& matches_;
    const SearcherOptions options_;
    std::optional<TopCandidates> candidates_;
    std::optional<Xapian::Query> query_;
    std::uint64_t scored_ = 0;
    std::uint32_t threads_ = 1;
};

}  // namespace atlas::detail
