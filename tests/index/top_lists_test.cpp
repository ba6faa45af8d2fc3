// Tests for the top lists (index/top_lists.cpp, written by index/column_writer.cpp,
// read by query/column_store.cpp) on the index of every bundled portal.
#include <doctest/doctest.h>
#include <xapian.h>

#include <algorithm>
#include <map>
#include <set>

#include "column_store.h"
#include "schema/column_format.h"
#include "schema/layout.h"
#include "schema/schema.h"
#include "test_util.h"

using namespace atlas;

namespace {

constexpr std::uint32_t kMinFreq = 30;
constexpr std::uint32_t kLength = 15;

// Every document of `term` with its BM25 weight, as a reader ranks.
std::map<Xapian::docid, double> weights(const Xapian::Database& db, const std::string& term) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(term));
    enquire.set_weighting_scheme(
        Xapian::BM25Weight(kBm25K1, kBm25K2, kBm25K3, kBm25B, kBm25MinNormLen));
    Xapian::MSet mset = enquire.get_mset(0, db.get_doccount());
    std::map<Xapian::docid, double> out;
    for (auto it = mset.begin(); it != mset.end(); ++it) out[*it] = it.get_weight();
    return out;
}

}  // namespace

TEST_CASE("top lists: each frequent term lists its best documents of each kind, and caps the rest") {
    test::TempDir tmp;
    std::uint64_t written = test::build_portals_with_top_lists(tmp.path() / "index", kMinFreq, kLength);
    std::string gen = (tmp.path() / "index" / std::string(kCurrentLink)).string();
    Xapian::Database db(gen + "/" + std::string(kXapianDir));
    auto columns = detail::ColumnStore::open(gen + "/" + std::string(kColumnFile));
    REQUIRE_MESSAGE(columns.ok(), columns.error().message);
    // Each document's kind, from the kind terms.
    std::map<Xapian::docid, std::string> kind_of;
    std::string kind_prefix = exact_term(find_field("kind")->prefix, "");
    for (auto k = db.allterms_begin(kind_prefix); k != db.allterms_end(kind_prefix); ++k) {
        for (auto d = db.postlist_begin(*k); d != db.postlist_end(*k); ++d) {
            kind_of[*d] = (*k).substr(kind_prefix.size());
        }
    }
    REQUIRE(kind_of.size() == db.get_doccount());

    std::size_t listed = 0, unlisted = 0, full = 0, several_kinds = 0, lists_seen = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
        auto lists = columns.value()->top_lists(*it);
        if (it.get_termfreq() < kMinFreq) {
            CHECK_MESSAGE(lists.empty(), *it << " is in " << it.get_termfreq() << " documents");
            ++unlisted;
            continue;
        }
        REQUIRE_MESSAGE(!lists.empty(), *it << " has no top list");
        ++listed;
        lists_seen += lists.size();
        if (lists.size() > 1) ++several_kinds;
        // Every document of the term, by kind, with its weight.
        std::map<std::string, std::map<Xapian::docid, double>> by_kind;
        for (auto [docid, weight] : weights(db, *it)) by_kind[kind_of[docid]][docid] = weight;
        std::set<std::string> kinds;
        for (const auto& list : lists) {
            CAPTURE(*it);
            CAPTURE(list.kind);
            kinds.insert(std::string(list.kind));
            const auto& docs = by_kind[std::string(list.kind)];
            REQUIRE_FALSE(docs.empty());
            // Ties with the last listed weight join the list, up to twice its length.
            CHECK(list.docids.size() <= 2 * kLength);
            CHECK(std::is_sorted(list.docids.begin(), list.docids.end()));
            // Listed documents come before the edge in page order (weight desc,
            // tie rank, docid), the others after it; the cap is the edge's weight.
            auto tie = columns.value()->tie_rank();
            REQUIRE(tie.size() == db.get_doccount() + 1);
            auto before_edge = [&](double weight, Xapian::docid docid) {
                if (weight != list.cap) return weight > list.cap;
                if (tie[docid] != list.edge_tie) return tie[docid] < list.edge_tie;
                return docid < list.edge_docid;
            };
            double best_unlisted = 0;
            std::size_t at_cap = 0;
            for (auto [docid, weight] : docs) {
                auto at = std::lower_bound(list.docids.begin(), list.docids.end(), docid);
                if (at != list.docids.end() && *at == docid) {
                    CHECK_MESSAGE(before_edge(weight, docid), "document " << docid);
                    if (weight == list.cap) ++at_cap;
                    // The weight a reader adds up is Xapian's, to the bit.
                    CHECK(list.weights[static_cast<std::size_t>(at - list.docids.begin())] == weight);
                } else {
                    CHECK_MESSAGE(!before_edge(weight, docid), "document " << docid);
                    best_unlisted = std::max(best_unlisted, weight);
                }
            }
            for (auto d : list.docids) CHECK(docs.count(d) == 1);
            // The cap is the best weight left out: a bound, and the tightest one.
            CHECK(best_unlisted == list.cap);
            if (list.edge_docid == UINT32_MAX) {
                CHECK(list.docids.size() == docs.size());
            } else {
                CHECK(docs.count(list.edge_docid) == 1);
            }
            // A run of equal weights shares the cap only when too long to list whole.
            if (at_cap > 0) CHECK(list.docids.size() == kLength);
            if (list.docids.size() >= kLength) ++full;
        }
        // A list for every kind that holds the term, and no other.
        std::set<std::string> holding;
        for (const auto& [kind, docs] : by_kind) holding.insert(kind);
        CHECK(kinds == holding);
    }
    // The sample has frequent words (cell, tissue, tomogram...) and rare ones;
    // many occur in several kinds, and many lists are full (a list stops
    // short before a run of equal weights too long to take whole).
    CHECK(written == lists_seen);
    CHECK(listed >= 200);
    CHECK(unlisted > listed);
    CHECK(several_kinds * 4 > listed);
    CHECK(full >= listed / 2);
    CHECK_FALSE(columns.value()->top_lists("Zcell").empty());
    CHECK(columns.value()->top_lists("Zno-such-stem").empty());
}

TEST_CASE("top lists: an index built with the default threshold has none below it") {
    // 1,328 records: no term is in the 16,384 records a list needs by default.
    std::string gen = test::portal_index().dir + "/" + std::string(kCurrentLink);
    auto columns = detail::ColumnStore::open(gen + "/" + std::string(kColumnFile));
    REQUIRE_MESSAGE(columns.ok(), columns.error().message);
    CHECK(columns.value()->top_lists("Zcell").empty());
}
