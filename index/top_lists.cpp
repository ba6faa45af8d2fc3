// top_lists.cpp - the frequent terms' best documents per kind, weighed by Xapian itself.
#include "top_lists.h"

#include <xapian.h>

#include <algorithm>
#include <string_view>
#include <thread>

#include "schema/current_error.h"
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

// A Xapian error while reading the database: corrupt when it says so, else io.
Error xapian_error(const Xapian::Error& e) {
    bool corrupt = std::string_view(e.get_type()) == "DatabaseCorruptError";
    return Error{corrupt ? Errc::corrupt : Errc::io, "top lists: " + e.get_description()};
}

// What the lists are computed from: the document's kind and tie rank.
struct Documents {
    const std::vector<std::uint16_t>& kind_of;
    const std::vector<std::string>& kinds;
    const std::vector<std::uint32_t>& tie_rank;
    std::vector<std::size_t> kinds_by_name;  // indexes into kinds, in name order
};

// The lists of one term, one per kind it occurs in, in kind name order.
Result<std::vector<TopList>> lists_of_term(Xapian::Enquire& enquire, const Xapian::Database& db,
                                           const std::string& term, const Documents& docs,
                                           std::uint32_t length) {
    enquire.set_query(Xapian::Query(term));
    // Every document of the term, best first (ties by docid).
    Xapian::MSet mset = enquire.get_mset(0, db.get_termfreq(term));
    std::vector<std::vector<Scored>> by_kind(docs.kinds.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        auto d = static_cast<std::uint32_t>(*it);
        // A document no list bounds would make every bound wrong; one an
        // update deleted (no kind) is never matched, so needs none.
        if (d == 0 || d > docs.kind_of.size() || d >= docs.tie_rank.size()) {
            return Error{Errc::internal, "top lists: document " + std::to_string(d) + " has no kind"};
        }
        if (docs.kind_of[d - 1] >= docs.kinds.size()) continue;
        by_kind[docs.kind_of[d - 1]].push_back({it.get_weight(), docs.tie_rank[d], d});
    }
    std::vector<TopList> out;
    for (std::size_t k : docs.kinds_by_name) {
        if (by_kind[k].empty()) continue;
        // Xapian's order is (weight desc, docid): equal weights by tie rank.
        std::stable_sort(by_kind[k].begin(), by_kind[k].end(), [](const Scored& a, const Scored& b) {
            if (a.weight != b.weight) return a.weight > b.weight;
            return a.tie < b.tie;
        });
        out.push_back(cut(term, docs.kinds[k], by_kind[k], length));
    }
    return out;
}

// Thread `part` of `parts`: the lists of terms part, part + parts, ... each
// into its own slot of `lists`.  Each thread opens the database itself
// (Xapian objects are not shared between threads).
Status lists_of_part(const std::string& xapian_dir, const std::vector<std::string>& terms,
                     const Documents& docs, std::uint32_t length, std::size_t part,
                     std::size_t parts, std::vector<std::vector<TopList>>& lists) {
    try {
        Xapian::Database db(xapian_dir);
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(
            Xapian::BM25Weight(kBm25K1, kBm25K2, kBm25K3, kBm25B, kBm25MinNormLen));
        for (std::size_t i = part; i < terms.size(); i += parts) {
            auto of_term = lists_of_term(enquire, db, terms[i], docs, length);
            if (!of_term.ok()) return of_term.error();
            lists[i] = std::move(of_term).value();
        }
    } catch (const Xapian::Error& e) {
        return xapian_error(e);
    }
    return {};
}

Result<std::vector<std::string>> frequent_terms(const std::string& xapian_dir,
                                                std::uint32_t min_freq) {
    std::vector<std::string> terms;
    try {
        Xapian::Database db(xapian_dir);
        for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
            if (it.get_termfreq() >= min_freq) terms.push_back(*it);
        }
    } catch (const Xapian::Error& e) {
        return xapian_error(e);
    }
    return terms;
}

}  // namespace

Result<std::vector<TopList>> compute_top_lists(const std::string& xapian_dir,
                                               std::uint32_t min_freq, std::uint32_t length,
                                               const std::vector<std::uint16_t>& kind_of,
                                               const std::vector<std::string>& kinds,
                                               const std::vector<std::uint32_t>& tie_rank,
                                               unsigned threads) {
    if (min_freq == 0 || length == 0) return std::vector<TopList>{};
    auto terms = frequent_terms(xapian_dir, min_freq);
    if (!terms.ok()) return terms.error();
    Documents docs{kind_of, kinds, tie_rank, {}};
    for (std::size_t k = 0; k < kinds.size(); ++k) docs.kinds_by_name.push_back(k);
    std::sort(docs.kinds_by_name.begin(), docs.kinds_by_name.end(),
              [&](std::size_t a, std::size_t b) { return kinds[a] < kinds[b]; });
    // Each term's lists in its own slot, so the result is in term order
    // whatever thread computed it.
    std::vector<std::vector<TopList>> lists(terms.value().size());
    std::size_t parts = std::max(1u, threads);
    std::vector<Status> status(parts);
    std::vector<std::thread> workers;
    for (std::size_t part = 0; part < parts; ++part) {
        workers.emplace_back([&, part] {
            // Nothing may leave a thread: std::bad_alloc included, it becomes the error.
            try {
                status[part] =
                    lists_of_part(xapian_dir, terms.value(), docs, length, part, parts, lists);
            } catch (...) {
                status[part] = current_error();
            }
        });
    }
    for (auto& w : workers) w.join();
    for (const auto& s : status) {
        if (!s.ok()) return s.error();
    }
    std::vector<TopList> out;
    for (auto& of_term : lists) {
        for (auto& list : of_term) out.push_back(std::move(list));
    }
    return out;
}

}  // namespace atlas::detail
