// Tests for schema/text.cpp: the shared tokenizer, folding and stemming.
#include "schema/text.h"

#include <doctest/doctest.h>

using namespace atlas;

namespace {
std::vector<std::string> terms(std::string_view s) {
    std::vector<std::string> out;
    for (const auto& t : tokenize(s)) out.push_back(t.term);
    return out;
}
}  // namespace

TEST_CASE("tokenize lower-cases words and splits on punctuation and underscores") {
    CHECK(terms("S. pombe cells") == std::vector<std::string>{"s", "pombe", "cells"});
    CHECK(terms("TS_026") == std::vector<std::string>{"ts", "026"});
    CHECK(terms("EMPIAR-10988, EMD-14412") ==
          std::vector<std::string>{"empiar", "10988", "emd", "14412"});
    CHECK(terms("GO:0022626") == std::vector<std::string>{"go", "0022626"});
    CHECK(terms("Schizosaccharomyces pombe 972h-") ==
          std::vector<std::string>{"schizosaccharomyces", "pombe", "972h"});
}

TEST_CASE("tokenize keeps decimal points inside numbers and reports byte offsets") {
    CHECK(terms("13.48 Å, 1,000 and 3.") ==
          std::vector<std::string>{"13.48", "å", "1,000", "and", "3"});
    auto tokens = tokenize("µm voxel");
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].term == "µm");
    CHECK(tokens[0].begin == 0);
    CHECK(tokens[0].end == 3);  // two bytes of µ, one of m
    CHECK(tokens[1].begin == 4);
}

TEST_CASE("tokenize drops overlong words and survives invalid UTF-8") {
    std::string hash(100, 'a');
    CHECK(terms("x " + hash + " y") == std::vector<std::string>{"x", "y"});
    std::string bad = "ok \xff\xfe broken";
    CHECK_NOTHROW(tokenize(bad));
    CHECK(terms(bad).front() == "ok");
}

TEST_CASE("fold lower-cases and collapses white space and stem leaves codes alone") {
    CHECK(fold("  Schizosaccharomyces\t pombe  ") == "schizosaccharomyces pombe");
    CHECK(fold(std::string(500, 'x')).size() == kMaxExactBytes);
    CHECK(stem("ribosomes") == "ribosom");
    CHECK(stem("ribosome") == "ribosom");
    CHECK(stem("k2") == "k2");
    CHECK(has_digit("ts026"));
    CHECK_FALSE(has_digit("pombe"));
}

TEST_CASE("edit_distance counts edits and stops at the cap") {
    CHECK(edit_distance("author", "autor") == 1);
    CHECK(edit_distance("organism", "organsim") == 2);
    CHECK(edit_distance("a", "abcdefghijkl", 3) == 4);
    CHECK(edit_distance("", "") == 0);
}

TEST_CASE("html_escape escapes markup characters") {
    CHECK(html_escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
}
