// top_candidates.cpp - candidates from the top lists and the proof that a page is exact
// (top_candidates.h).
#include "top_candidates.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "query_builder.h"
#include "schema/schema.h"

namespace atlas::detail {
namespace {

// The Xapian terms of the weighted parts of `tree` (see TopCandidates::find),
// or nullopt when a part is not one term.
std::optional<std::vector<std::string>> weighted_terms(const QueryNode& tree,
                                                       const Xapian::Database& db) {
    using K = QueryNode::Kind;
    // The parts that weigh: an AND's positive children, an OR's children
    // (a relaxed query's words: a match lacking a term has weight 0 for it,
    // below its cap, so the lists' bounds hold for OR as for AND).
    std::vector<const QueryNode*> parts;
    auto add = [&parts](const QueryNode& n) {
        if (n.kind != K::or_) {
            parts.push_back(&n);
            return;
        }
        for (const auto& c : n.children) {
            // An exact value OR'ed ("tomograms": the word, or kind=tomogram)
            // weighs nothing: its matches score 0 there, below every cap.
            if (c.kind == K::exact && !c.prefix) continue;
            parts.push_back(&c);
        }
    };
    if (tree.kind == K::and_) {
        for (const auto& c : tree.children) {
            if (c.kind != K::not_) add(c);
        }
    } else {
        add(tree);
    }
    std::vector<std::string> terms;
    for (const QueryNode* part : parts) {
        if (part->optional) return std::nullopt;  // scaled in the query: not the lists' weights
        if (part->kind == K::range) continue;     // ranges add no weight
        if (part->kind == K::words && !part->phrase && !part->prefix) {
            auto t = single_word_terms(*part, db);
            if (t.size() != 1) return std::nullopt;
            terms.push_back(std::move(t.front()));
        } else if (part->kind == K::exact && !part->prefix) {
            const FieldSpec* spec = find_field(part->field);
            if (spec == nullptr) return std::nullopt;
            terms.push_back(exact_term(spec->prefix, part->value));
        } else {
            return std::nullopt;
        }
    }
    if (terms.empty()) return std::nullopt;
    // A term typed twice weighs more than its lists' caps say (BM25's k3).
    std::sort(terms.begin(), terms.end());
    if (std::adjacent_find(terms.begin(), terms.end()) != terms.end()) return std::nullopt;
    if (terms.size() > 32) return std::nullopt;  // the `listed` bits
    return terms;
}

}  // namespace

std::optional<TopCandidates> TopCandidates::find(const QueryNode& tree, const Xapian::Database& db,
                                                 ColumnStore& columns) {
    auto terms = weighted_terms(tree, db);
    if (!terms) return std::nullopt;
    TopCandidates out(columns);
    out.terms_ = terms->size();
    std::map<std::string_view, std::uint32_t> kind_index;
    std::unordered_map<std::uint32_t, std::size_t> slot;
    std::vector<std::uint32_t> docids;
    for (std::size_t t = 0; t < terms->size(); ++t) {
        auto lists = columns.top_lists((*terms)[t]);
        if (lists.empty()) return std::nullopt;
        for (const auto& list : lists) {
            auto [k, fresh] =
                kind_index.try_emplace(list.kind, static_cast<std::uint32_t>(out.kinds_.size()));
            if (fresh) {
                out.kinds_.emplace_back(list.kind);
                out.caps_.emplace_back(terms->size(), 0.0);
                out.edges_.emplace_back(terms->size());
            }
            out.caps_[k->second][t] = list.cap;
            out.edges_[k->second][t] = {list.edge_tie, list.edge_docid};
            for (std::size_t i = 0; i < list.docids.size(); ++i) {
                auto [at, added] = slot.try_emplace(list.docids[i], out.listed_.size());
                if (added) {
                    out.listed_.push_back({list.docids[i], k->second, 0, 0.0});
                    docids.push_back(list.docids[i]);
                }
                auto& doc = out.listed_[at->second];
                doc.listed |= std::uint32_t{1} << t;
                doc.known += list.weights[i];
            }
        }
    }
    std::sort(docids.begin(), docids.end());
    out.docs_ = std::make_shared<const Bitmap>(Bitmap::of(docids));
    out.tie_ = columns.tie_rank();
    out.all_terms_ = static_cast<std::uint32_t>((std::uint64_t{1} << out.terms_) - 1);
    out.exact_sums_ = out.terms_ <= 2 && !out.tie_.empty();
    return out;
}

bool TopCandidates::before(const Doc* a, const Doc* b) const {
    return in_page_order(tie_, a->known, a->docid, b->known, b->docid);
}

// With exact sums: whether a match of kind `k`, not listed under the terms
// of `unlisted` (bits) and weighing `known` under the others, comes after
// `doc` (scoring `score`) in page order, whatever it weighs.  It scores at
// most `known` plus those terms' caps; when that sum is `score`, and the sum
// with one cap t lowered by the least step is below it, a tie needs the full
// cap t, so the match comes at or after the edge of t's list (TopList:
// documents of the cap's weight left out follow it in page order).  A
// plateau of equal weights then bounds as tightly as one term ("bulk dna"
// over 100,000 identical files), with no rounding slack.
bool TopCandidates::surely_after(std::uint32_t k, std::uint32_t unlisted, double known,
                                 double score, std::uint32_t doc) const {
    const auto& caps = caps_[k];
    auto high_with = [&](std::size_t lowered) {
        double high = known;
        for (std::size_t t = 0; t < terms_; ++t) {
            if ((unlisted >> t & 1) == 0) continue;
            high += t == lowered ? std::nextafter(caps[t], -HUGE_VAL) : caps[t];
        }
        return high;
    };
    double high = high_with(terms_);
    if (high < score) return true;
    if (high > score) return false;
    for (std::size_t t = 0; t < terms_; ++t) {
        if ((unlisted >> t & 1) == 0 || !(high_with(t) < score)) continue;
        const auto& edge = edges_[k][t];
        if (std::pair{tie_[doc], doc} < std::pair{edge.tie, edge.docid}) return true;
    }
    return false;
}

// Whether `within` has matches of candidate kind `k` outside `few`.
bool TopCandidates::unscored_of_kind(std::size_t k, const Bitmap& within, const Bitmap& few) const {
    const FacetColumn* kind_column = columns_->facet("kind");
    auto code = kind_column != nullptr ? kind_column->find(kinds_[k]) : std::nullopt;
    if (!code) return false;
    return !((within & columns_->value_docs("kind", *kind_column, *code)) - few).empty();
}

// Each dataset's best of `docs` (by listed weight, else in page order) when
// by_group, else `docs`.
std::vector<const TopCandidates::Doc*> TopCandidates::group_heads(std::vector<const Doc*> docs,
                                                                  bool by_group, Best best) const {
    if (!by_group) return docs;
    auto group = columns_->group();
    std::unordered_map<std::uint32_t, const Doc*> heads;
    for (const auto* doc : docs) {
        auto [it, fresh] = heads.try_emplace(group[doc->docid], doc);
        bool better = best == Best::by_listed_weight ? doc->known > it->second->known
                                                     : before(doc, it->second);
        if (!fresh && better) it->second = doc;
    }
    docs.clear();
    for (const auto& [g, doc] : heads) docs.push_back(doc);
    return docs;
}

// With exact sums: the best `want` of the fully listed candidates in page
// order, and any other that may come before the want-th of them; none when
// fewer than `want` are fully listed.
TopCandidates::Kept TopCandidates::keep_by_page_order(const std::vector<const Doc*>& in,
                                                      std::uint64_t want, bool by_group) const {
    std::vector<const Doc*> full;
    for (const auto* doc : in) {
        if (doc->listed == all_terms_) full.push_back(doc);
    }
    full = group_heads(std::move(full), by_group, Best::in_page_order);
    if (want == 0 || full.size() < want) return std::nullopt;
    std::vector<std::uint32_t> keep;
    auto nth = full.begin() + static_cast<std::ptrdiff_t>(want - 1);
    auto page_before = [this](const Doc* a, const Doc* b) { return before(a, b); };
    std::nth_element(full.begin(), nth, full.end(), page_before);
    for (auto it = full.begin(); it <= nth; ++it) keep.push_back((*it)->docid);
    // Partly listed candidates that may come before the want-th.
    for (const auto* doc : in) {
        if (doc->listed != all_terms_ && !surely_after(doc->kind, all_terms_ & ~doc->listed,
                                                       doc->known, (*nth)->known, (*nth)->docid)) {
            keep.push_back(doc->docid);
        }
    }
    return keep;
}

// Every candidate whose listed weights plus the caps of the terms it is not
// listed under reach the want-th best sum of listed weights (that many
// candidates score at least so), less rounding; none when there are not
// `want` candidates.
TopCandidates::Kept TopCandidates::keep_by_bounds(const std::vector<const Doc*>& in,
                                                  std::uint64_t want, bool by_group) const {
    auto lows = group_heads(in, by_group, Best::by_listed_weight);
    if (want == 0 || lows.size() < want) return std::nullopt;
    std::vector<std::uint32_t> keep;
    auto nth = lows.begin() + static_cast<std::ptrdiff_t>(want - 1);
    std::nth_element(lows.begin(), nth, lows.end(),
                     [](const Doc* a, const Doc* b) { return a->known > b->known; });
    double floor = (*nth)->known * (1 - 1e-9) - 1e-12;
    for (const auto* doc : in) {
        double high = doc->known;
        for (std::size_t t = 0; t < terms_; ++t) {
            if ((doc->listed >> t & 1) == 0) high += caps_[doc->kind][t];
        }
        if (high >= floor) keep.push_back(doc->docid);
    }
    return keep;
}

std::shared_ptr<const Bitmap> TopCandidates::reachable(const Bitmap& few, std::uint64_t want,
                                                       bool by_group) const {
    std::vector<const Doc*> in;
    for (const auto& doc : listed_) {
        if (few.contains(doc.docid)) in.push_back(&doc);
    }
    Kept keep;
    if (exact_sums_) keep = keep_by_page_order(in, want, by_group);
    if (!keep) keep = keep_by_bounds(in, want, by_group);
    if (!keep) return std::make_shared<const Bitmap>(few);
    std::sort(keep->begin(), keep->end());
    return std::make_shared<const Bitmap>(Bitmap::of(*keep));
}

// For one term, every match of a kind with matches left unscored comes after
// the first document the kind's list leaves out, in page order; for several,
// scores at most the sum of the terms' caps for the kind, below the last hit's
// score (with room for rounding in the sums).  Matches of no listed kind hold
// no term and score 0.
bool TopCandidates::page_is_exact(double last, std::uint32_t last_docid, const Bitmap& within,
                                  const Bitmap& few) const {
    if (!(last > 0)) return false;
    for (std::size_t k = 0; k < kinds_.size(); ++k) {
        if (exact_sums_) {
            if (surely_after(static_cast<std::uint32_t>(k), all_terms_, 0, last, last_docid)) {
                continue;
            }
        } else {
            double cap_sum = 0;
            for (double c : caps_[k]) cap_sum += c;
            if (last > cap_sum * (1 + 1e-9) + 1e-12) continue;
        }
        // Unless every match of the kind was scored.
        if (unscored_of_kind(k, within, few)) return false;
    }
    return true;
}

}  // namespace atlas::detail
