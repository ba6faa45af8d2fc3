// Tests for tiers before relevance (query/tiers.cpp, and the stages that use
// them: match_set.cpp relaxes, page.cpp lists tier by tier) on the index of
// every bundled portal.  Each page is checked against separate Searcher
// requests: records of a named kind first is the request for that kind, then
// the request for the other kinds; a relaxed query is the words OR'ed, its
// hits grouped by how many words each holds (the evaluator's bitmaps).
#include "tiers.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "match_set.h"
#include "page.h"
#include "stage_util.h"
#include "test_util.h"
#include "value_owners.h"

using namespace atlas;
using detail::Bitmap;
using detail::QueryNode;

namespace {

detail::OpenGeneration& gen() {
    static auto g = test::open_current(test::portal_index().dir);
    return *g;
}

Searcher& searcher() { return test::portal_searcher(); }

SearchResult search(const SearchRequest& r) {
    auto got = searcher().search(r);
    REQUIRE_MESSAGE(got.ok(), to_json(r) << ": " << got.error().message);
    return std::move(got).value();
}

QueryNode kind_is(const std::string& kind) {
    QueryNode n;
    n.kind = QueryNode::Kind::exact;
    n.field = "kind";
    n.value = kind;
    return n;
}

// `r`'s page through the stages as Searcher::search runs them, the query
// naming `named` kinds (CheckedRequest::intents, as the parser will give them).
SearchResult tiered(detail::OpenGeneration& g, const SearchRequest& r,
                    const std::vector<std::string>& named, const SearcherOptions& options = {}) {
    auto checked = test::checked(r, g);
    for (const auto& k : named) checked.intents.push_back(kind_is(k));
    auto matches = detail::MatchSet::build(checked, g);
    SearchResult result;
    result.total = matches.size();
    detail::fill_page(checked, matches, g, options, result);
    return result;
}

std::vector<std::string> other_kinds(const std::vector<std::string>& named) {
    std::vector<std::string> out;
    for (const auto& k : searcher().kinds()) {
        if (std::find(named.begin(), named.end(), k) == named.end()) out.push_back(k);
    }
    return out;
}

// Every hit of `query` in the order tiers by kind give: the request for the
// named kinds, then the one for the others (each ranked or browsed alone).
std::vector<std::string> kind_first(const SearchRequest& base,
                                    const std::vector<std::string>& named) {
    SearchRequest first = base;
    first.offset = 0;
    first.limit = kMaxLimit;
    first.kinds = named;
    SearchRequest rest = first;
    rest.kinds = other_kinds(named);
    auto a = test::hit_ids(search(first));
    auto b = test::hit_ids(search(rest));
    REQUIRE(a.size() + b.size() < kMaxLimit);
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// The datasets of `query` grouped, in the order tiers by kind give: those
// with a match of a named kind by their best such match, then the others.
std::vector<std::string> groups_kind_first(const std::string& query,
                                           const std::vector<std::string>& named) {
    SearchRequest first = test::explained_request(query, 0, kMaxLimit);
    first.group_by = "dataset";
    first.kinds = named;
    SearchRequest rest = first;
    rest.kinds = other_kinds(named);
    std::vector<std::string> out;
    for (const auto& r : {first, rest}) {
        for (const auto& g : search(r).groups) {
            if (std::find(out.begin(), out.end(), g.id) == out.end()) out.push_back(g.id);
        }
    }
    return out;
}

std::vector<std::string> group_ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& g : r.groups) out.push_back(g.id);
    return out;
}

// Pages of `query` at offsets across the edge of the named kind's tier are
// slices of `whole`, with their ranks; the total is the query's.
void check_pages(detail::OpenGeneration& g, const SearchRequest& base,
                 const std::vector<std::string>& named, const std::vector<std::string>& whole,
                 const SearcherOptions& options) {
    SearchRequest plain = base;
    plain.limit = 0;
    std::uint64_t total = search(plain).total;
    REQUIRE(whole.size() == total);
    SearchRequest named_only = plain;
    named_only.kinds = named;
    auto edge = static_cast<std::uint32_t>(search(named_only).total);
    // Records owning a value the words name ("cell" is an object) say so in
    // their tier too: first within each part (value_owners_test.cpp).
    auto checked = test::checked(base, g);
    auto owners = detail::value_owners(checked.tree, *g.columns, *g.evaluator);
    std::set<std::string> owner_ids;
    if (owners) owner_ids = test::record_ids(g, owners->docs);
    auto tier_of = [&](std::size_t at) {
        std::string kind = at < edge ? "a kind the query names" : "";
        if (owner_ids.count(whole[at]) == 0) return kind;
        return (kind.empty() ? "" : kind + ", ") + detail::describe(*owners);
    };
    REQUIRE(edge > 0);
    REQUIRE(edge < total);
    for (std::uint32_t offset : {0u, edge - 1, edge, edge + 3, edge > 3 ? edge - 3 : 0u}) {
        CAPTURE(offset);
        SearchRequest r = base;
        r.offset = offset;
        r.limit = 5;
        SearchResult page = tiered(g, r, named, options);
        CHECK(page.total == total);
        std::size_t want =
            std::min<std::size_t>(5, whole.size() - std::min<std::size_t>(offset, whole.size()));
        REQUIRE(page.hits.size() == want);
        for (std::size_t i = 0; i < page.hits.size(); ++i) {
            CHECK(page.hits[i].id == whole[offset + i]);
            CHECK(page.hits[i].rank == offset + i + 1);
            REQUIRE(page.hits[i].explanation.has_value());
            CHECK(page.hits[i].explanation->tier == tier_of(offset + i));
        }
    }
}

// Which of `words` (queries) each document holds, counted: the evaluator's bitmaps.
std::vector<Bitmap> holding(const std::vector<std::string>& words) {
    std::vector<Bitmap> out;
    for (const auto& w : words) {
        SearchRequest r = test::explained_request(w, 0, 0);
        auto checked = test::checked(r, gen());
        out.push_back(gen().evaluator->eval(checked.tree));
    }
    return out;
}

}  // namespace

TEST_CASE("at_least counts the sets each document is in") {
    std::vector<Bitmap> sets = {Bitmap::range(1, 10), Bitmap::range(5, 15), Bitmap::range(8, 20)};
    auto levels = detail::at_least(sets);
    REQUIRE(levels.size() == 3);
    CHECK(levels[0] == Bitmap::range(1, 20));
    CHECK(levels[1] == Bitmap::range(5, 15));
    CHECK(levels[2] == Bitmap::range(8, 10));
}

TEST_CASE("free words and synonyms relax - fields, phrases, exact values and exclusions stay") {
    auto tree = [](const std::string& q) {
        SearchRequest r = test::explained_request(q, 0, 0);
        return test::checked(r, gen()).tree;
    };
    auto q = tree("ribosome S. pombe membrane organism:cerevisiae \"fatty acid\" -kidney");
    auto relax = detail::relaxable_words(q);
    REQUIRE(relax.has_value());
    CHECK(relax->labels == std::vector<std::string>{"ribosome", "s pombe", "membrane"});
    CHECK(relax->required.describe() ==
          "AND(OR(organism:cerevisiae, organism=cerevisiae), \"fatty acid\", NOT(kidney))");
    CHECK(relax->ranking.describe().find("OR(ribosome, SYN(") != std::string::npos);
    CHECK_FALSE(detail::relaxable_words(tree("ribosome")));
    CHECK_FALSE(detail::relaxable_words(tree("ribosome organism:pombe")));
    CHECK_FALSE(detail::relaxable_words(tree("\"cytosolic ribosome\" membrane")));
    CHECK_FALSE(detail::relaxable_words(tree("ribosome OR membrane")));
}

TEST_CASE("records of a named kind come first, each tier by relevance, pages exact across it") {
    for (const auto& [query, named] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"ribosome", {"dataset"}},
             {"ribosome", {"run", "dataset"}},
             {"carcinoma", {"participant"}}}) {
        CAPTURE(query);
        CAPTURE(named.front());
        SearchRequest base = test::explained_request(query, 0, 0);
        auto whole = kind_first(base, named);
        check_pages(gen(), base, named, whole, {});
        SearcherOptions split;  // every tier scored in halves on two threads
        split.split_from = 1;
        check_pages(gen(), base, named, whole, split);
    }
}

TEST_CASE("with nothing to rank, records of a named kind come first, each tier in browse order") {
    for (const auto& [source, named] : std::vector<std::pair<std::string, std::string>>{
             {"cryoet", "tomogram"}, {"hoa", "organ"}, {"htan", "participant"}}) {
        CAPTURE(source);
        SearchRequest base = test::explained_request("", 0, 0);
        base.sources = {source};
        check_pages(gen(), base, {named}, kind_first(base, {named}), {});
        base.limit = 1;
        CHECK(tiered(gen(), base, {named}).hits.at(0).explanation->order == "browse order");
    }
}

TEST_CASE("top lists rank each tier of a named kind as scoring every match does") {
    test::TempDir tmp;
    test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
    auto listed = test::open_current((tmp.path() / "index").string());
    std::size_t fewer = 0;
    for (const auto& [query, named] :
         std::vector<std::pair<std::string, std::string>>{{"carcinoma", "participant"},
                                                          {"htan", "participant"},
                                                          {"cell", "file"},
                                                          {"breast carcinoma", "file"}}) {
        CAPTURE(query);
        SearchRequest base = test::explained_request(query, 0, 0);
        check_pages(*listed, base, {named}, kind_first(base, {named}), {});
        SearchResult first = tiered(*listed, test::explained_request(query, 0, 5), {named});
        if (first.scored < first.total) ++fewer;
    }
    CHECK(fewer > 0);  // the lists were used
}

TEST_CASE("grouped by dataset, a dataset is listed once, where its best hit's tier puts it") {
    for (const auto& [query, named] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"ribosome", {"annotation"}}, {"carcinoma", {"file"}}, {"", {"tomogram"}}}) {
        CAPTURE(query);
        auto whole = groups_kind_first(query, named);
        REQUIRE(whole.size() > 6);
        for (std::uint32_t offset : {0u, 2u, 4u}) {
            CAPTURE(offset);
            SearchRequest r = test::explained_request(query, offset, 3);
            r.group_by = "dataset";
            r.group_size = 4;
            SearchResult page = tiered(gen(), r, named);
            CHECK(page.group_total == whole.size());
            CHECK(page.total == search(test::explained_request(query, 0, 0)).total);
            std::vector<std::string> want(
                whole.begin() + offset,
                whole.begin() + std::min<std::size_t>(offset + 3, whole.size()));
            CHECK(group_ids(page) == want);
            for (const auto& g : page.groups) {
                // Its hits: the named kind's first.
                for (std::size_t i = 1; i < g.hits.size(); ++i) {
                    bool before = g.hits[i - 1].kind == named.front();
                    CHECK((before || g.hits[i].kind != named.front()));
                }
            }
        }
    }
}

TEST_CASE(
    "words no record holds together: records holding most of them first, and the result says so") {
    const std::vector<std::string> words = {"ribosome", "pombe", "kidney"};
    auto held = holding(words);
    auto levels = detail::at_least(held);
    REQUIRE(levels[2].empty());  // no record holds all three
    REQUIRE_FALSE(levels[1].empty());
    SearchResult relaxed = search(test::explained_request("ribosome pombe kidney", 0, kMaxLimit));
    REQUIRE(relaxed.relaxed.has_value());
    CHECK(relaxed.relaxed->words == words);
    CHECK(relaxed.relaxed->best == 2);
    CHECK(relaxed.relaxed->of == 3);
    CHECK(relaxed.relaxed->with_all == 0);
    CHECK(to_text(*relaxed.relaxed) ==
          "no record has all of ribosome, pombe, kidney; showing records with 2 of 3 words");
    // The matches: any of the words; the order: most words first, then by
    // relevance over the words OR'ed (rarer words weigh more).
    SearchResult any = search(test::explained_request("ribosome OR pombe OR kidney", 0, kMaxLimit));
    CHECK(relaxed.total == any.total);
    REQUIRE(any.hits.size() == any.total);
    std::vector<std::string> want;
    for (std::size_t j = 2; j >= 1; --j) {
        for (const auto& h : any.hits) {
            auto d = test::docid_of(gen().db, h.id);
            if (levels[j - 1].contains(d) && (j == 3 || !levels[j].contains(d)))
                want.push_back(h.id);
        }
    }
    CHECK(test::hit_ids(relaxed) == want);
    CHECK(relaxed.hits.front().explanation->tier == "2 of 3 words");
    CHECK(relaxed.hits.back().explanation->tier == "1 of 3 words");
    // Pages across the edge of the tiers are slices of the whole.
    auto edge = static_cast<std::uint32_t>(levels[1].size());
    for (std::uint32_t offset : {edge - 2, edge, edge + 1}) {
        SearchResult page = search(test::explained_request("ribosome pombe kidney", offset, 4));
        for (std::size_t i = 0; i < page.hits.size(); ++i)
            CHECK(page.hits[i].id == want[offset + i]);
    }
}

TEST_CASE(
    "relaxed, fielded terms stay required - with few records holding every word, those come "
    "first") {
    SearchResult r =
        search(test::explained_request("organism:pombe ribosome kidney", 0, kMaxLimit));
    REQUIRE(r.relaxed.has_value());
    CHECK(r.relaxed->words == std::vector<std::string>{"ribosome", "kidney"});
    CHECK(r.relaxed->best == 1);
    auto got = test::hit_ids(r);
    CHECK(got.size() == r.total);
    auto want = test::hit_ids(
        search(test::explained_request("organism:pombe (ribosome OR kidney)", 0, kMaxLimit)));
    CHECK(std::set<std::string>(want.begin(), want.end()) ==
          std::set<std::string>(got.begin(), got.end()));

    // One record holds both words ("+male": the word, not the sex): it comes
    // first, then those holding one.
    SearchResult both = search(test::explained_request("liver +male", 0, kMaxLimit));
    auto held = holding({"liver", "+male"});
    auto all_of = test::record_ids(gen(), held[0] & held[1]);
    REQUIRE(all_of.size() == 1);
    REQUIRE(both.relaxed.has_value());
    CHECK(both.relaxed->with_all == 1);
    CHECK(both.relaxed->best == 2);
    CHECK(both.hits.front().id == *all_of.begin());
    CHECK(both.total == search(test::explained_request("liver OR +male", 0, 0)).total);
    CHECK(to_text(*both.relaxed) ==
          "only 1 record has all of liver, male; then records with fewer of the 2 words");
}

TEST_CASE("all words together, one word, or an unknown word asked as typed: not relaxed") {
    SearchResult together = search(test::explained_request("ribosome membrane", 0, 10));
    CHECK_FALSE(together.relaxed.has_value());
    auto held = holding({"ribosome", "membrane"});
    CHECK(together.total == (held[0] & held[1]).size());
    CHECK(together.total >= detail::kRelaxBelow);
    SearchRequest unknown = test::explained_request("ribosome xylophonez", 0, 10);
    unknown.typo_tolerance = false;
    CHECK(search(unknown).total == 0);
    CHECK_FALSE(search(unknown).relaxed.has_value());
    // With typo tolerance, a word it cannot correct leaves the others to match.
    unknown.typo_tolerance = true;
    SearchResult others = search(unknown);
    REQUIRE(others.relaxed.has_value());
    CHECK(others.relaxed->best == 1);
    CHECK(others.total == search(test::explained_request("ribosome", 0, 0)).total);
    CHECK(search(test::explained_request("xylophonez", 0, 10)).total == 0);
}

TEST_CASE("the relaxed member in JSON, with the line people read") {
    SearchResult r = search(test::explained_request("ribosome pombe kidney", 0, 1));
    std::string json = to_json(r);
    CHECK(json.find("\"relaxed\":{\"words\":[\"ribosome\",\"pombe\",\"kidney\"],\"best\":2,"
                    "\"of\":3,\"with_all\":0,\"message\":\"no record has all of ribosome, pombe, "
                    "kidney; showing records with 2 of 3 words\"}") != std::string::npos);
    CHECK(json.find("\"tier\":\"2 of 3 words\"") != std::string::npos);
    CHECK(to_json(search(test::explained_request("ribosome", 0, 1))).find("\"relaxed\"") ==
          std::string::npos);
}

TEST_CASE("siblings collapsed: pages across the tiers are slices of one list, named kind first") {
    SearchRequest base = test::explained_request("ribosome", 0, kMaxLimit);
    base.collapse = true;
    SearchResult whole = tiered(gen(), base, {"run"});
    REQUIRE(whole.hits.size() > 8);
    std::size_t runs = 0;
    for (const auto& h : whole.hits) {
        if (h.kind == "run") CHECK(runs++ == static_cast<std::size_t>(h.rank - 1));
    }
    REQUIRE(runs > 0);
    REQUIRE(runs < whole.hits.size());
    CHECK(std::any_of(whole.hits.begin(), whole.hits.end(),
                      [](const Hit& h) { return h.similar > 0; }));
    for (std::uint32_t offset :
         {0u, 1u, static_cast<std::uint32_t>(runs) - 1, static_cast<std::uint32_t>(runs) + 1}) {
        CAPTURE(offset);
        SearchRequest r = base;
        r.offset = offset;
        r.limit = 4;
        SearchResult page = tiered(gen(), r, {"run"});
        REQUIRE(page.hits.size() == std::min<std::size_t>(4, whole.hits.size() - offset));
        for (std::size_t i = 0; i < page.hits.size(); ++i) {
            CHECK(page.hits[i].id == whole.hits[offset + i].id);
            CHECK(page.hits[i].similar == whole.hits[offset + i].similar);
            CHECK(page.hits[i].rank == offset + i + 1);
        }
    }
}

TEST_CASE(
    "too few records of a kind the words name holding every word relax the query - that kind "
    "first") {
    // 48 records hold CyCIF and colorectal; two of them are stories.  Asked
    // for stories, the query is relaxed, and a story holding one of the
    // words comes before a file holding both.
    SearchResult together = search(test::explained_request("CyCIF colorectal", 0, kMaxLimit));
    CHECK_FALSE(together.relaxed.has_value());
    SearchResult stories =
        search(test::explained_request("CyCIF colorectal stories", 0, kMaxLimit));
    REQUIRE(stories.relaxed.has_value());
    CHECK(stories.relaxed->with_all == 2);
    CHECK(stories.total > together.total);
    std::size_t first_other = 0;
    while (first_other < stories.hits.size() && stories.hits[first_other].kind == "story") {
        ++first_other;
    }
    REQUIRE(first_other >= 3);
    REQUIRE(first_other < stories.hits.size());
    for (std::size_t i = first_other; i < stories.hits.size(); ++i) {
        CHECK(stories.hits[i].kind != "story");
    }
    auto both = test::hit_ids(together);
    CHECK(std::find(both.begin(), both.end(), stories.hits[2].id) == both.end());
    CHECK(std::find(both.begin(), both.end(), stories.hits[first_other].id) != both.end());
}

TEST_CASE("under a filter, the records holding the value themselves come first") {
    // HTAN's organ is a participant's own value; atlases roll it up,
    // biospecimens and files inherit it.  Browsing with organ=Colorectal
    // lists the participants first (browse order alone puts atlases first).
    SearchRequest r = test::explained_request("", 0, kMaxLimit);
    r.filters.push_back(test::filter("organ", {"Colorectal"}));
    SearchResult all = search(r);
    SearchRequest owners_only = r;
    owners_only.kinds = {"participant"};
    SearchResult owners = search(owners_only);
    REQUIRE(owners.total > 0);
    REQUIRE(all.total > owners.total);
    REQUIRE(all.hits.size() == all.total);
    auto ids = test::hit_ids(all);
    std::vector<std::string> first(ids.begin(), ids.begin() + owners.total);
    auto want = test::hit_ids(owners);
    CHECK(std::set<std::string>(first.begin(), first.end()) ==
          std::set<std::string>(want.begin(), want.end()));
    CHECK(all.hits.front().explanation->tier == "holds a filtered value itself");
    CHECK(all.hits[owners.total].explanation->tier.empty());
}

TEST_CASE("a relaxed query ranks each tier from the top lists as scoring every match does") {
    // Words no record (or too few) holds together, each frequent enough to
    // have lists: the words OR'ed rank each tier, from the lists when they
    // prove the page, and every page equals the one scoring every match gives.
    test::TempDir tmp;
    test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
    auto listed = test::open_current((tmp.path() / "index").string());
    std::size_t fewer = 0, relaxed = 0;
    for (const char* query : {"defocus carcinoma", "lamella breast", "htan defocus treatment"}) {
        CAPTURE(query);
        for (std::uint32_t offset : {0u, 3u, 17u}) {
            CAPTURE(offset);
            SearchResult got = tiered(*listed, test::explained_request(query, offset, 10), {});
            SearchResult want = tiered(gen(), test::explained_request(query, offset, 10), {});
            CHECK(got.total == want.total);
            CHECK(test::hit_ids(got) == test::hit_ids(want));
            if (got.scored < got.total) ++fewer;
        }
        if (search(test::explained_request(query, 0, 0)).relaxed) ++relaxed;
    }
    CHECK(relaxed == 3);
    CHECK(fewer > 0);  // the lists were used
}
