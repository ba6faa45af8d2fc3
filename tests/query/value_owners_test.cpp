// Tests for the records owning the values a query's words name
// (query/value_owners.cpp, and match_set.cpp's tier within each tier) on the
// index of every bundled portal.  "lung" is a whole value of the organ field:
// Human Organ Atlas organs and HTAN participants hold it themselves, while
// datasets, biospecimens and files inherit it and atlases roll it up.  On
// this sample 25 of its owners score below a record that only holds a copy.
#include "value_owners.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "match_set.h"
#include "page.h"
#include "stage_util.h"
#include "test_util.h"

using namespace atlas;
using detail::Bitmap;

namespace {

detail::OpenGeneration& gen() {
    static auto g = test::open_current(test::portal_index().dir);
    return *g;
}

SearchResult search(const SearchRequest& r) {
    auto got = test::portal_searcher().search(r);
    REQUIRE_MESSAGE(got.ok(), to_json(r) << ": " << got.error().message);
    return std::move(got).value();
}

std::optional<detail::ValueOwners> owners_of(const std::string& query) {
    SearchRequest r;
    r.query = query;
    auto checked = test::checked(r, gen());
    return detail::value_owners(checked.tree, *gen().columns, *gen().evaluator);
}

// The records whose own organ is "lung" (schema.h own_term).
std::set<std::string> own_lung() {
    const Bitmap& docs = gen().evaluator->term_docs(own_term(*find_field("organ"), "lung"));
    return test::record_ids(gen(), docs);
}

// Every hit of `query`, with its tier.
SearchResult every_hit(const std::string& query) {
    SearchResult all = search(test::explained_request(query, 0, kMaxLimit));
    REQUIRE(all.hits.size() == all.total);
    return all;
}

bool owner_tier(const Hit& h) { return h.explanation->tier.find("itself") != std::string::npos; }

}  // namespace

TEST_CASE("words that are a whole value: its owners come first, each part by relevance") {
    auto named = owners_of("lung");
    REQUIRE(named.has_value());
    REQUIRE(named->values.size() == 1);
    CHECK(named->values[0].field == "organ");
    CHECK(test::record_ids(gen(), named->docs) == own_lung());

    SearchResult all = every_hit("lung");
    std::set<std::string> owners = own_lung();
    std::size_t n = 0;
    while (n < all.hits.size() && owners.count(all.hits[n].id) != 0) ++n;
    REQUIRE(n > 0);
    for (std::size_t i = n; i < all.hits.size(); ++i) {
        CHECK_MESSAGE(owners.count(all.hits[i].id) == 0, all.hits[i].id << " owns lung at " << i);
    }
    CHECK(all.hits.front().explanation->tier == "organ \"Lung\" itself");
    CHECK(all.hits[n].explanation->tier.empty());
    // The order changed: a record holding only a copy outscores an owner.
    CHECK(all.hits[n].score > all.hits[n - 1].score);
    for (std::size_t i = 1; i < all.hits.size(); ++i) {
        if (i == n) continue;
        CHECK_MESSAGE(all.hits[i].score <= all.hits[i - 1].score, "hit " << i);
    }
}

TEST_CASE("stopwords are left out of runs, and a run of several words is one value") {
    auto the = owners_of("the lung");
    REQUIRE(the.has_value());
    CHECK(test::record_ids(gen(), the->docs) == own_lung());
    auto lumen = owners_of("membrane enclosed lumen");
    REQUIRE(lumen.has_value());
    REQUIRE(lumen->values.size() == 1);
    CHECK(lumen->values[0].field == "object");
    CHECK(lumen->values[0].words == "membrane-enclosed lumen");  // as the index shows it
    // "membrane" alone is a value too, of other records: the longest run wins.
    auto membrane = owners_of("membrane");
    REQUIRE(membrane.has_value());
    CHECK((membrane->docs & lumen->docs).empty());
}

TEST_CASE("a value typed in the plural names it") {
    auto lungs = owners_of("lungs");
    REQUIRE(lungs.has_value());
    CHECK(test::record_ids(gen(), lungs->docs) == own_lung());
    auto bodies = owners_of("multivesicular bodies");
    REQUIRE(bodies.has_value());
    CHECK(bodies->values[0].field == "object");
    CHECK(bodies->values[0].words == "multivesicular body");
    CHECK_FALSE(owners_of("glass").has_value());  // "-ss" is no plural
}

TEST_CASE("only fields that name what a record is, and synonyms as typed") {
    // "gas vesicle" is a cell component (free-text weight 1: it describes a
    // dataset, it does not name it).
    CHECK_FALSE(owners_of("gas vesicle").has_value());
    REQUIRE(owners_of("gas vesicle shell").has_value());  // an object
    // "colon" expands to Colorectal, a whole organ; the typed word is no value.
    SearchRequest r;
    r.query = "colon";
    auto checked = test::checked(r, gen());
    REQUIRE(checked.tree.describe().find("colorectal") != std::string::npos);
    CHECK_FALSE(owners_of("colon").has_value());
    CHECK(owners_of("colorectal").has_value());
}

TEST_CASE("words read as a field and exclusions break runs, an OR group of words turns it off") {
    // "ground truth" is read as ground_truth:yes (or the phrase): not free text.
    auto flagged = owners_of("ground truth membrane");
    REQUIRE(flagged.has_value());
    CHECK(flagged->values.size() == 1);
    CHECK(flagged->values[0].words == "membrane");
    CHECK_FALSE(owners_of("lung (kidney OR MERFISH)").has_value());
    // An excluded word names nothing to own.
    CHECK(owners_of("lung -membrane").has_value());
}

TEST_CASE("a value named twice is named once, and every value must be owned") {
    auto twice = owners_of("lung lung");
    REQUIRE(twice.has_value());
    CHECK(twice->values.size() == 1);
    CHECK(detail::describe(*twice) == "organ \"Lung\" itself");
    // An organ and an assay: no record owns both (files inherit the organ).
    CHECK_FALSE(owners_of("lung scRNA-seq").has_value());
}

TEST_CASE("a word that is no value's: nothing moves") {
    // "carcinoma" is part of diagnoses, never a whole one: the words name
    // more than the organ, and the organ's owner is not what they name.
    CHECK_FALSE(owners_of("lung carcinoma").has_value());
    CHECK_FALSE(owners_of("lung ribo*").has_value());
    SearchResult all = every_hit("lung carcinoma");
    REQUIRE(all.total > 1);
    for (std::size_t i = 0; i < all.hits.size(); ++i) {
        CHECK_FALSE(owner_tier(all.hits[i]));
        if (i > 0) CHECK(all.hits[i].score <= all.hits[i - 1].score);
    }
}

TEST_CASE("a kind the query names still comes first, owners first within it") {
    SearchResult all = every_hit("lung organs");
    std::set<std::string> owners = own_lung();
    std::size_t organs = 0;
    while (organs < all.hits.size() && all.hits[organs].kind == "organ") ++organs;
    REQUIRE(organs > 0);
    for (std::size_t i = organs; i < all.hits.size(); ++i) CHECK(all.hits[i].kind != "organ");
    // After the organs: the other owners (participants), then the rest.
    std::size_t i = organs;
    while (i < all.hits.size() && owners.count(all.hits[i].id) != 0) ++i;
    REQUIRE(i > organs);
    for (; i < all.hits.size(); ++i) CHECK(owners.count(all.hits[i].id) == 0);
}

TEST_CASE("sorted by a field, owners do not reorder the page") {
    SearchRequest r = test::explained_request("lung", 0, kMaxLimit);
    r.sort = {SortKey{"id", false}};
    SearchResult all = search(r);
    REQUIRE(all.hits.size() == all.total);
    for (const auto& h : all.hits) CHECK_FALSE(owner_tier(h));
}

TEST_CASE("top lists rank the owners' tier as scoring every match does") {
    test::TempDir tmp;
    test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
    auto listed = test::open_current((tmp.path() / "index").string());
    SearchResult whole = every_hit("lung");
    std::size_t owners = 0;
    while (owners < whole.hits.size() && owner_tier(whole.hits[owners])) ++owners;
    REQUIRE(owners > 3);
    std::size_t fewer = 0;
    for (std::uint32_t offset : {0u, static_cast<std::uint32_t>(owners - 3)}) {
        SearchRequest r = test::explained_request("lung", offset, 5);
        auto checked = test::checked(r, *listed);
        auto matches = detail::MatchSet::build(checked, *listed);
        SearchResult page;
        page.total = matches.size();
        detail::fill_page(checked, matches, *listed, {}, page);
        if (page.scored < page.total) ++fewer;
        REQUIRE(page.hits.size() == 5);
        for (std::size_t i = 0; i < page.hits.size(); ++i) {
            CHECK(page.hits[i].id == whole.hits[offset + i].id);
            CHECK(page.hits[i].explanation->tier == whole.hits[offset + i].explanation->tier);
        }
    }
    CHECK(fewer > 0);  // the lists were used
}
