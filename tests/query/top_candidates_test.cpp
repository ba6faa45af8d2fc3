// Tests for ranking from the top lists (query/top_candidates.cpp) on the bundled portals
// indexed with lists short enough for them (30 documents for every term in 40 or more
// records): which queries have candidates, that the candidates kept hold the true best
// of those given, and that a page said to be exact is the page.  The true best are
// found by Xapian scoring every document given (Ranker over a set it cannot narrow),
// and the true pages on the shared index, which has no lists.
#include "top_candidates.h"

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "match_set.h"
#include "ranking.h"
#include "stage_util.h"
#include "test_util.h"

using namespace atlas;
using detail::Bitmap;
using detail::Collapse;
using detail::MatchSet;
using detail::OpenGeneration;
using detail::RankedPage;
using detail::Ranker;
using detail::TopCandidates;

namespace {

OpenGeneration& listed() {
    static test::TempDir tmp;
    static auto g = [] {
        auto lists = test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
        REQUIRE(lists > 0);
        return test::open_current((tmp.path() / "index").string());
    }();
    return *g;
}

OpenGeneration& unlisted() {
    static auto g = test::open_current(test::portal_index().dir);
    return *g;
}

detail::QueryNode parsed(const std::string& query) {
    detail::ParseOptions options;
    options.vocabulary = &listed().vocabulary;
    auto tree = detail::parse_query(query, options);
    REQUIRE_MESSAGE(tree.ok(), query << ": " << tree.error().message);
    return std::move(tree).value();
}

std::optional<TopCandidates> find(const std::string& query) {
    return TopCandidates::find(parsed(query), listed().db, *listed().columns);
}

// One request through the stages before ranking.
struct Staged {
    SearchRequest request;
    detail::CheckedRequest checked;
    std::optional<MatchSet> matches;
};

std::unique_ptr<Staged> stage(OpenGeneration& gen, const std::string& query) {
    auto s = std::make_unique<Staged>();
    s->request.query = query;
    s->checked = test::checked(s->request, gen);
    s->matches = MatchSet::build(s->checked, gen);
    return s;
}

std::vector<std::uint32_t> docids(const RankedPage& page) {
    std::vector<std::uint32_t> out;
    for (const auto& h : page) out.push_back(h.docid);
    return out;
}

bool subset(const Bitmap& a, const Bitmap& b) { return (a - b).empty(); }

// Queries whose every weighted part is one term with lists: one, two (sums of
// listed weights exact) and three terms (bounded by the caps), whose candidates
// are fully listed, partly listed, or too few to narrow.
const std::vector<std::string> kListed = {"breast",
                                          "carcinoma",
                                          "breast carcinoma",
                                          "htan breast",
                                          "htan chemotherapy",
                                          "htan treatment",
                                          "primary cell",
                                          "htan primary",
                                          "breast treatment",
                                          "htan breast carcinoma",
                                          "htan adenocarcinoma colorectal",
                                          "htan chemotherapy adenocarcinoma",
                                          "primary cell culture",
                                          "primary cell defocus",
                                          "breast OR carcinoma",
                                          "htan OR treatment OR chemotherapy",
                                          "+breast OR kind:participant"};

}  // namespace

TEST_CASE("in_page_order puts higher scores first, then the tie rank, then the docid") {
    const std::vector<std::uint32_t> tie = {0, 5, 3, 3};
    CHECK(detail::in_page_order(tie, 2.0, 1, 1.0, 2));
    CHECK_FALSE(detail::in_page_order(tie, 1.0, 2, 2.0, 1));
    CHECK(detail::in_page_order(tie, 1.0, 2, 1.0, 1));  // tie rank 3 before 5
    CHECK_FALSE(detail::in_page_order(tie, 1.0, 1, 1.0, 2));
    CHECK(detail::in_page_order(tie, 1.0, 2, 1.0, 3));  // equal tie rank: docid
    CHECK_FALSE(detail::in_page_order(tie, 1.0, 3, 1.0, 2));
    CHECK_FALSE(detail::in_page_order(tie, 1.0, 2, 1.0, 2));
}

TEST_CASE("a query whose weighted parts are terms with lists has candidates - others have none") {
    for (const auto& query : kListed) {
        CAPTURE(query);
        auto c = find(query);
        REQUIRE(c.has_value());
        CHECK_FALSE(c->docs().empty());
    }
    // Ranges and NOT parts add no weight: still the lists of the words.
    auto with_range = find("breast quality:>=4");
    REQUIRE(with_range.has_value());
    CHECK(with_range->docs() == find("breast")->docs());
    CHECK(find("breast -carcinoma").has_value());

    // A phrase, a prefix, a synonym, alternatives, a term typed twice.
    CHECK_FALSE(find("\"breast carcinoma\"").has_value());
    CHECK_FALSE(find("biospec*").has_value());
    CHECK(parsed("S. pombe").describe().starts_with("SYN("));
    CHECK_FALSE(find("S. pombe").has_value());
    // Words OR'ed (a relaxed query ranks so): a match lacking one weighs 0 for it.
    CHECK(find("breast OR carcinoma").has_value());
    CHECK_FALSE(find("breast breast").has_value());
    CHECK_FALSE(find("").has_value());  // nothing weighs
    // A term in too few records to have lists, alone and beside one that has them.
    const std::string rare = "lamellae";
    CHECK(listed().db.get_termfreq(rare) > 0);
    CHECK(listed().db.get_termfreq(rare) < 40);
    CHECK(listed().columns->top_lists(rare).empty());
    CHECK_FALSE(find(rare).has_value());
    CHECK_FALSE(find("breast " + rare).has_value());
}

TEST_CASE("reachable keeps, of the candidates given, every one among the true best") {
    SearcherOptions options;
    std::size_t narrowed = 0, cases = 0;
    for (const auto& query : kListed) {
        auto s = stage(listed(), query);
        auto candidates = TopCandidates::find(s->checked.tree, listed().db, *listed().columns);
        REQUIRE(candidates.has_value());
        auto few = std::make_shared<const Bitmap>(candidates->docs() & *s->matches->all());
        for (std::uint64_t want : {1u, 5u, 10u, 30u}) {
            for (bool by_group : {false, true}) {
                CAPTURE(query);
                CAPTURE(want);
                CAPTURE(by_group);
                if (few->size() < want) continue;
                auto reach = candidates->reachable(*few, want, by_group);
                REQUIRE(reach != nullptr);
                CHECK(subset(*reach, *few));
                // The true best of `few`: Xapian scores every one of them.
                Ranker ranker(listed(), s->checked, *s->matches, options);
                RankedPage best = ranker.page(few, 0, static_cast<std::uint32_t>(want),
                                              by_group ? Collapse::dataset : Collapse::none);
                CHECK(ranker.scored() == few->size());
                // (By group: as many as the candidates have datasets, up to want.)
                REQUIRE_FALSE(best.empty());
                REQUIRE(best.size() <= want);
                if (!by_group) REQUIRE(best.size() == want);
                for (const auto& hit : best) CHECK(reach->contains(hit.docid));
                ++cases;
                if (reach->size() < few->size()) ++narrowed;
            }
        }
    }
    // Not vacuous: candidates are left out (reachable may keep all when it cannot bound).
    MESSAGE(narrowed << " of " << cases << " candidate sets were narrowed");
    CHECK(narrowed * 2 > cases);
}

TEST_CASE("a page from the candidates said to be exact is the page of every match scored") {
    SearcherOptions options;
    std::size_t exact = 0, unscored = 0;
    for (const auto& query : kListed) {
        for (std::uint32_t count : {1u, 10u, 20u}) {
            CAPTURE(query);
            CAPTURE(count);
            auto s = stage(listed(), query);
            auto candidates = TopCandidates::find(s->checked.tree, listed().db, *listed().columns);
            REQUIRE(candidates.has_value());
            const Bitmap& within = *s->matches->all();
            auto few = std::make_shared<const Bitmap>(candidates->docs() & within);
            auto reach = candidates->reachable(*few, count, false);
            Ranker from_reach(listed(), s->checked, *s->matches, options);
            RankedPage page = from_reach.page(reach, 0, count, Collapse::none);
            REQUIRE_FALSE(page.empty());
            bool is_exact =
                candidates->page_is_exact(page.back().weight, page.back().docid, within, *few);
            if (!is_exact) continue;
            ++exact;
            auto u = stage(unlisted(), query);
            Ranker everything(unlisted(), u->checked, *u->matches, options);
            RankedPage want = everything.page(u->matches->all(), 0, count, Collapse::none);
            CHECK(everything.scored() == u->matches->size());
            CHECK(test::record_ids(listed(), docids(page)) ==
                  test::record_ids(unlisted(), docids(want)));
            // A last hit weighing (next to) nothing could be passed by any
            // match left unscored.
            CHECK_FALSE(candidates->page_is_exact(0, page.back().docid, within, *few));
            if (!(within - *few).empty()) {
                ++unscored;
                CHECK_FALSE(candidates->page_is_exact(1e-300, page.back().docid, within, *few));
            }
            // With every match scored, nothing is left out.
            CHECK(candidates->page_is_exact(1e-300, page.back().docid, within, within));
        }
    }
    MESSAGE(exact << " pages were exact from the candidates");
    CHECK(exact > 5);
    CHECK(unscored > 5);
}
