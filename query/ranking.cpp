// ranking.cpp - ranking by relevance with Xapian (ranking.h).
#include "ranking.h"

#include <algorithm>
#include <unordered_set>

#include "aside.h"
#include "bitmap_source.h"
#include "schema/schema.h"

namespace atlas::detail {
namespace {

RankedPage ranked_of(const Xapian::MSet& mset) {
    RankedPage out;
    out.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        out.push_back({*it, it.get_weight(), it.get_collapse_count()});
    }
    return out;
}

int collapse_slot(Collapse collapse) {
    switch (collapse) {
        case Collapse::siblings:
            return int{kSlotSiblings};
        case Collapse::dataset:
            return int{kSlotGroup};
        case Collapse::none:
            break;
    }
    return -1;
}

}  // namespace

Xapian::BM25Weight bm25() {
    return Xapian::BM25Weight(kBm25K1, kBm25K2, kBm25K3, kBm25B, kBm25MinNormLen);
}

RangeDocs range_docs_of(OpenGeneration& gen) {
    return [&gen](const QueryNode& range) {
        auto docs = std::make_shared<const Bitmap>(gen.evaluator->range_docs(range));
        return Xapian::Query((new BitmapSource(std::move(docs), gen.shards))->release());
    };
}

Ranker::Ranker(OpenGeneration& gen, const CheckedRequest& checked, const MatchSet& matches,
               const SearcherOptions& options)
    : gen_(gen), checked_(checked), matches_(matches), options_(options) {
    // Huge match sets are ranked from the top lists when they can be.
    candidates_ = TopCandidates::find(tree(), gen.db, *gen.columns);
}

// What ranks: the query, or with relaxed matching its words OR'ed (match_set.h).
const QueryNode& Ranker::tree() const {
    const QueryNode* relaxed = matches_.ranking_tree();
    return relaxed != nullptr ? *relaxed : checked_.tree;
}

const Xapian::Query& Ranker::query() {
    if (!query_) query_ = query_on(gen_.db);
    return *query_;
}

Xapian::Query Ranker::query_on(const Xapian::Database& db) const {
    Xapian::Query q = build_query(tree(), db, range_docs_of(gen_));
    if (matches_.id_docs()) {
        // Records an id typed as the query names match without its words.
        q = Xapian::Query(
            Xapian::Query::OP_OR, q,
            Xapian::Query((new BitmapSource(matches_.id_docs(), gen_.shards))->release()));
    }
    return q;
}

// An Enquire over `docs`, equal scores in tie order, collapsed as asked.
Xapian::Enquire Ranker::enquire(const Xapian::Database& db, const Xapian::Query& query,
                                std::shared_ptr<const Bitmap> docs, Docs given,
                                Collapse collapse) const {
    Xapian::Enquire enquire(db);
    if (given == Docs::all_of_query) {
        enquire.set_query(query);
    } else {
        auto* source = new BitmapSource(std::move(docs), gen_.shards);
        enquire.set_query(
            Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(source->release())));
    }
    enquire.set_weighting_scheme(bm25());
    // Equal scores (siblings): curated and better records first (schema.h).
    enquire.set_sort_by_relevance_then_value(kSlotRankTie, false);
    if (int slot = collapse_slot(collapse); slot >= 0) {
        enquire.set_collapse_key(static_cast<Xapian::valueno>(slot), 1);
    }
    return enquire;
}

RankedPage Ranker::page(std::shared_ptr<const Bitmap> within, std::uint32_t offset,
                        std::uint32_t count, Collapse collapse) {
    const Want want{offset, count, collapse};
    std::uint64_t within_size =
        within->size() + (matches_.id_docs() ? matches_.id_docs()->size() : 0);
    if (auto page = from_candidates(within, within_size, want)) return std::move(*page);
    scored_ += within_size;
    // A relaxed query's words OR'ed match what the match set holds, but the
    // set is given anyway: relaxing is rare, and then cheap.
    // Xapian still holds the documents an update deleted: then always filter.
    Docs given = within == matches_.all() && matches_.query_only() && !matches_.relaxed() &&
                         gen_.columns->deleted().empty()
                     ? Docs::all_of_query
                     : Docs::filtered;
    if (collapse == Collapse::siblings) {
        // Look at every match, so each hit's count of collapsed siblings is exact.
        return ranked_of(enquire(gen_.db, query(), std::move(within), given, collapse)
                             .get_mset(offset, count, static_cast<Xapian::doccount>(within_size)));
    }
    return best_of(std::move(within), given, options_.split_from, want);
}

// The page from the top lists' candidates, when they prove it exact.
// Siblings' counts need every match, so collapsing them never takes this way;
// collapsing by dataset does (a dataset's best match in the page is listed,
// or it scores no more than the caps).
std::optional<RankedPage> Ranker::from_candidates(const std::shared_ptr<const Bitmap>& within,
                                                  std::uint64_t within_size, const Want& want) {
    if (!candidates_ || want.collapse == Collapse::siblings || want.count == 0) return std::nullopt;
    std::uint64_t wanted = std::uint64_t{want.offset} + want.count;
    auto few = std::make_shared<const Bitmap>(candidates_->docs() & *within);
    if (few->size() < wanted || few->size() * 2 >= within_size) return std::nullopt;
    // Xapian scores a candidate by reading its blocks (~4 us each): only those
    // that can reach the page are given to it (on two threads from a
    // sixteenth of the split of a whole set).
    auto reach = candidates_->reachable(*few, wanted, want.collapse == Collapse::dataset);
    scored_ += reach->size();
    RankedPage page = best_of(reach, Docs::filtered, options_.split_from / 16, want);
    if (page.size() == want.count &&
        candidates_->page_is_exact(page.back().weight, page.back().docid, *within, *few)) {
        return page;
    }
    return std::nullopt;
}

// The page of `docs`, on two threads when they are `split_at` or more.
RankedPage Ranker::best_of(std::shared_ptr<const Bitmap> docs, Docs given, std::uint64_t split_at,
                           const Want& want) {
    bool split = options_.threads >= 2 && gen_.helper_db != nullptr && docs->size() >= split_at &&
                 !gen_.columns->tie_rank().empty() && std::uint64_t{want.offset} + want.count > 0;
    if (!split) {
        return ranked_of(enquire(gen_.db, query(), std::move(docs), given, want.collapse)
                             .get_mset(want.offset, want.count));
    }
    return in_halves(docs, want);
}

// Each half of `docs` (by docid) on its own database handle (Xapian objects
// are not shared between threads; each query is built here, before the
// helper starts), then the halves' best offset + count merged in page order
// (relevance, tie rank, docid, as Xapian sorts).  A dataset's best match is
// the best of its half's, so collapsing the merge by dataset is exact too.
RankedPage Ranker::in_halves(const std::shared_ptr<const Bitmap>& docs, const Want& want) {
    auto wanted = static_cast<Xapian::doccount>(std::uint64_t{want.offset} + want.count);
    auto mid = docs->select(static_cast<std::uint32_t>(docs->size() / 2));
    auto low = std::make_shared<const Bitmap>(*docs & Bitmap::range(0, mid - 1));
    auto high = std::make_shared<const Bitmap>(*docs - *low);
    // Both queries are built on this thread, before the helper starts.
    Xapian::Enquire low_enquire = enquire(gen_.db, query(), low, Docs::filtered, want.collapse);
    Xapian::Database& helper_db = *gen_.helper_db;
    Xapian::Enquire high_enquire =
        enquire(helper_db, query_on(helper_db), high, Docs::filtered, want.collapse);
    RankedPage high_page;
    Aside helper([&] { high_page = ranked_of(high_enquire.get_mset(0, wanted)); });
    RankedPage page = ranked_of(low_enquire.get_mset(0, wanted));
    helper.join();
    threads_ = 2;
    page.insert(page.end(), high_page.begin(), high_page.end());
    auto tie = gen_.columns->tie_rank();
    std::sort(page.begin(), page.end(), [&](const RankedHit& x, const RankedHit& y) {
        return in_page_order(tie, x.weight, x.docid, y.weight, y.docid);
    });
    if (want.collapse == Collapse::dataset) {
        auto group = gen_.columns->group();
        std::unordered_set<std::uint32_t> seen;
        std::erase_if(page,
                      [&](const RankedHit& h) { return !seen.insert(group[h.docid]).second; });
    }
    page.erase(page.begin(),
               page.begin() + std::min<std::ptrdiff_t>(want.offset, std::ssize(page)));
    if (page.size() > want.count) page.resize(want.count);
    return page;
}

}  // namespace atlas::detail
