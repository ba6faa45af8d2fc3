// Tests for query/page.cpp: one page of hits or groups, put together from the
// stages (typed ids first, then ranked or ordered hits; groups by dataset), on
// the index of every bundled portal.
#include "page.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "match_set.h"
#include "ordering.h"
#include "stage_util.h"
#include "test_util.h"

using namespace atlas;

namespace {

detail::OpenGeneration& gen() {
    static auto g = test::open_current(test::portal_index().dir);
    return *g;
}

// `request`'s page as Searcher::search fills it (without facets).
SearchResult page_of(const SearchRequest& request) {
    auto checked = test::checked(request, gen());
    auto matches = detail::MatchSet::build(checked, gen());
    SearchResult result;
    result.total = matches.size();
    detail::fill_page(checked, matches, gen(), SearcherOptions{}, result);
    return result;
}

std::vector<std::string> orders(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.explanation ? h.explanation->order : "");
    return out;
}

}  // namespace

TEST_CASE(
    "a dataset id typed as the query lists what it identifies, then what holds it, then the rest") {
    SearchResult r = page_of(test::explained_request("10000", 0, 60));
    REQUIRE(r.hits.size() == 60);
    CHECK(r.hits[0].id == "cryoet:dataset:10000");
    auto why = orders(r);
    CHECK(why[0] == "exact id (dataset)");
    // Identities, then references, then relevance: never back.
    auto stage = [](const std::string& order) {
        if (order.rfind("exact id", 0) == 0) return 0;
        if (order.rfind("exact reference", 0) == 0) return 1;
        return 2;
    };
    for (std::size_t i = 1; i < why.size(); ++i) {
        CAPTURE(i);
        CHECK(stage(why[i - 1]) <= stage(why[i]));
    }
    CHECK(stage(why.back()) >= 1);
    for (std::size_t i = 0; i < r.hits.size(); ++i) CHECK(r.hits[i].rank == i + 1);
}

TEST_CASE("pages of a query with typed ids are slices of one order, across the pinned edge") {
    SearchResult whole = page_of(test::explained_request("10000", 0, 80));
    for (std::uint32_t offset : {1u, 7u, 30u, 55u}) {
        SearchResult part = page_of(test::explained_request("10000", offset, 12));
        CAPTURE(offset);
        REQUIRE(part.hits.size() == 12);
        for (std::size_t i = 0; i < part.hits.size(); ++i) {
            CHECK(part.hits[i].id == whole.hits[offset + i].id);
            CHECK(part.hits[i].rank == offset + i + 1);
        }
    }
}

TEST_CASE("an offset past the last match and a limit of 0 give no hits, ranked or not") {
    for (std::string query : {"ribosome", ""}) {
        CAPTURE(query);
        SearchResult all = page_of(test::explained_request(query, 0, 1000));
        REQUIRE(all.total > 0);
        CHECK(page_of(test::explained_request(query, static_cast<std::uint32_t>(all.total), 10))
                  .hits.empty());
        CHECK(page_of(test::explained_request(query, 0, 0)).hits.empty());
        CHECK(all.hits.size() == std::min<std::uint64_t>(all.total, 1000));
    }
}

TEST_CASE("grouped by dataset, a page counts every dataset and lists each one's own best hits") {
    for (std::string query : {"ribosome", ""}) {
        CAPTURE(query);
        SearchRequest r = test::explained_request(query, 0, 5);
        r.group_by = "dataset";
        r.group_size = 2;
        SearchResult page = page_of(r);
        auto checked = test::checked(r, gen());
        auto matches = detail::MatchSet::build(checked, gen());
        CHECK(page.group_total ==
              detail::Ordering(*gen().columns, checked).group_count(*matches.all()));
        REQUIRE(page.groups.size() == 5);
        auto group = gen().columns->group();
        std::set<std::string> seen;
        for (const auto& g : page.groups) {
            CHECK(seen.insert(g.id).second);
            CHECK(g.total >= g.hits.size());
            CHECK(g.hits.size() <= 2);
            REQUIRE_FALSE(g.hits.empty());
            for (const auto& h : g.hits) {
                auto d = test::docid_of(gen().db, h.id);
                CHECK(test::record_id(gen(), group[d]) == g.id);
            }
        }
        r.limit = 0;
        SearchResult none = page_of(r);
        CHECK(none.groups.empty());
        CHECK(none.group_total == page.group_total);
    }
}
