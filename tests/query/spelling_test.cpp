// Tests for typo tolerance (query/spelling.cpp) and its place in a search, on
// the index of the bundled CryoET sample.
#include "spelling.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "atlas/search.h"
#include "test_util.h"

using namespace atlas;
using detail::allowed_edits;
using detail::edit_distance;

namespace {

Searcher& searcher() {
    static Searcher s = [] {
        auto opened = Searcher::open(test::sample_index());
        REQUIRE_MESSAGE(opened.ok(), opened.error().message);
        return std::move(opened).value();
    }();
    return s;
}

SearchResult search(const std::string& query, bool typo_tolerance = true) {
    SearchRequest r;
    r.query = query;
    r.limit = 1000;
    r.typo_tolerance = typo_tolerance;
    auto result = searcher().search(r);
    REQUIRE_MESSAGE(result.ok(), query << ": " << result.error().message);
    return std::move(result).value();
}

}  // namespace

TEST_CASE("edit distance counts insertions, deletions, substitutions and adjacent swaps as one") {
    CHECK(edit_distance("ribosome", "ribosome", 2) == 0);
    CHECK(edit_distance("ribosme", "ribosome", 2) == 1);   // a letter left out
    CHECK(edit_distance("ribossome", "ribosome", 2) == 1);  // one too many
    CHECK(edit_distance("ribosone", "ribosome", 2) == 1);   // one wrong
    CHECK(edit_distance("lnug", "lung", 2) == 1);            // two swapped
    CHECK(edit_distance("rbiosmoe", "ribosome", 2) == 2);
    // Past the bound the answer is bound + 1, however far.
    CHECK(edit_distance("ribosome", "mitochondrion", 2) == 3);
    CHECK(edit_distance("abcd", "wxyz", 1) == 2);
}

TEST_CASE("the edits allowed grow with the word: none below 4 letters, 1 from 4, 2 from 8") {
    CHECK(allowed_edits(3) == 0);
    CHECK(allowed_edits(4) == 1);
    CHECK(allowed_edits(7) == 1);
    CHECK(allowed_edits(8) == 2);
    CHECK(allowed_edits(12) == 2);
}

TEST_CASE("a misspelt word finds what the right spelling finds, and the result says so") {
    struct Case {
        std::string typed, right, from, to;
    };
    for (const auto& c : std::vector<Case>{
             {"ribosme pombe", "ribosome pombe", "ribosme", "ribosome"},
             {"tomogrm", "tomogram", "tomogrm", "tomogram"},
             {"cytosloic ribosome", "cytosolic ribosome", "cytosloic", "cytosolic"},
             {"organism:pombx", "organism:pombe", "pombx", "pombe"},
         }) {
        INFO(c.typed);
        SearchResult typed = search(c.typed);
        SearchResult right = search(c.right);
        REQUIRE(right.total > 0);
        CHECK(typed.total == right.total);
        CHECK(test::hit_ids(typed) == test::hit_ids(right));
        REQUIRE(typed.corrections.size() == 1);
        CHECK(typed.corrections[0].from == c.from);
        CHECK(typed.corrections[0].to.front() == c.to);
        CHECK(typed.did_you_mean == c.right);
        // Without typo tolerance the word is taken as typed and matches nothing.
        CHECK(search(c.typed, false).total == 0);
        CHECK(search(c.right).corrections.empty());
    }
}

TEST_CASE("ids, numbers, codes, phrases, prefixes and short words are never corrected") {
    for (const std::string q : {"TS_02x", "10x00", "EMPIAR-1098x", "\"ribosme\"", "ribosm*", "rbo",
                                "object_id:GO:002262x", "NOT ribosme pombe"}) {
        INFO(q);
        SearchResult r = search(q);
        CHECK(r.corrections.empty());
        CHECK(r.did_you_mean.empty());
    }
}

TEST_CASE("a word with no close index word stays as typed and matches nothing") {
    SearchResult r = search("qqqqzzzz");
    CHECK(r.total == 0);
    CHECK(r.corrections.empty());
}

TEST_CASE("typo tolerance is in the request JSON and the response JSON") {
    auto parsed = request_from_json(R"({"query": "tomogrm", "typo_tolerance": false})");
    REQUIRE(parsed.ok());
    CHECK_FALSE(parsed.value().typo_tolerance);
    CHECK(to_json(parsed.value()).find("\"typo_tolerance\":false") != std::string::npos);
    std::string json = to_json(search("tomogrm"));
    CHECK(json.find(R"("did_you_mean":"tomogram")") != std::string::npos);
    CHECK(json.find(R"("corrections":[{"from":"tomogrm","to":["tomogram")") != std::string::npos);
    CHECK_FALSE(request_from_json(R"({"query": "x", "typo_tolerance": "yes"})").ok());
}
