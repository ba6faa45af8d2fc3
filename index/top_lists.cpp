// top_lists.cpp - the frequent terms' best documents per kind, weighed by Xapian itself.
#include "top_lists.h"

#include <xapian.h>

#include <algorithm>

#include "schema/schema.h"

namespace atlas::detail {
namespace {

// A document of the term: its weight, tie rank and docid.
struct Scored {
    double weight;
    std::uint32_t tie;
    std::uint32_t docid;
};

// The list of one kind from its documents in page order (weight desc, tie
// rank, docid): the first `length` and every one weighed as the last of them
// (siblings often weigh the same), so the cap is below every listed weight and
// a page scoring above the caps cannot tie with a document left out.  When
// such a run goes on past twice `length`, the list is the first `length` and
// the cap is the run's weight: the run's order of equal scores then decides
// (a one-word page ends before the first left out).
TopList cut(std::string term, std::string kind, const std::vector<Scored>& best, std::uint32_t length) {
    const std::size_t most = std::size_t{2} * length;
    std::size_t n = best.size();
    if (n > most) {
        double edge = best[length - 1].weight;
        n = length;
        while (n < best.size() && best[n].weight == edge) ++n;
        if (n > most) n = length;
    }
    // A term that adds no weight (an exact value) lists nothing: cap 0.
    while (n > 0 && best[n - 1].weight <= 0) --n;
    TopList list;
    list.term = std::move(term);
    list.kind = std::move(kind);
    if (n < best.size()) {
        list.cap = best[n].weight;
        list.edge_tie = best[n].tie;
        list.edge_docid = best[n].docid;
    }
    std::vector<std::pair<std::uint32_t, double>> by_docid;
    for (std::size_t i = 0; i < n; ++i) by_docid.emplace_back(best[i].docid, best[i].weight);
    std::sort(by_docid.begin(), by_docid.end());
    for (auto [docid, weight] : by_docid) {
        list.docids.push_back(docid);
        list.weights.push_back(weight);
    }
    return list;
}

}  // namespace

Result<std::vector<TopList>> compute_top_lists(const std::string& xapian_dir,
                                               std::uint32_t min_freq, std::uint32_t length,
                                               const std::vector<std::uint16_t>& kind_of,
                                               const std::vector<std::string>& kinds,
                                               const std::vector<std::uint32_t>& tie_rank) {
    std::vector<TopList> out;
    if (min_freq == 0 || length == 0) return out;
    try {
        Xapian::Database db(xapian_dir);
        std::vector<std::string> terms;
        for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
            if (it.get_termfreq() >= min_freq) terms.push_back(*it);
        }
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(
            Xapian::BM25Weight(kBm25K1, kBm25K2, kBm25K3, kBm25B, kBm25MinNormLen));
        std::vector<std::vector<Scored>> by_kind(kinds.size());
        for (auto& term : terms) {
            enquire.set_query(Xapian::Query(term));
            // Every document of the term, best first (ties by docid).
            Xapian::MSet mset = enquire.get_mset(0, db.get_termfreq(term));
            for (auto& v : by_kind) v.clear();
            for (auto it = mset.begin(); it != mset.end(); ++it) {
                auto d = static_cast<std::uint32_t>(*it);
                // A document no list bounds would make every bound wrong.
                if (d == 0 || d > kind_of.size() || kind_of[d - 1] >= kinds.size() ||
                    d >= tie_rank.size()) {
                    return Error{Errc::internal,
                                 "top lists: document " + std::to_string(d) + " has no kind"};
                }
                by_kind[kind_of[d - 1]].push_back({it.get_weight(), tie_rank[d], d});
            }
            // Kinds in name order, so lists are sorted by term, then kind.
            std::vector<std::size_t> order(kinds.size());
            for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
            std::sort(order.begin(), order.end(),
                      [&](std::size_t a, std::size_t b) { return kinds[a] < kinds[b]; });
            for (std::size_t k : order) {
                if (by_kind[k].empty()) continue;
                // Xapian's order is (weight desc, docid): equal weights by tie rank.
                std::stable_sort(by_kind[k].begin(), by_kind[k].end(),
                                 [](const Scored& a, const Scored& b) {
                                     if (a.weight != b.weight) return a.weight > b.weight;
                                     return a.tie < b.tie;
                                 });
                out.push_back(cut(term, kinds[k], by_kind[k], length));
            }
        }
    } catch (const Xapian::DatabaseCorruptError& e) {
        return Error{Errc::corrupt, "top lists: " + e.get_description()};
    } catch (const Xapian::Error& e) {
        return Error{Errc::io, "top lists: " + e.get_description()};
    }
    return out;
}

}  // namespace atlas::detail
