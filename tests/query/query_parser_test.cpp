// Tests for query/query_parser.cpp: the language as a golden table (tests/golden/query_parse.txt).
#include "query_parser.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_util.h"
#include "vocabulary_builder.h"

using namespace atlas;

namespace {

const Vocabulary& vocabulary() {
    static const Vocabulary a =
        derive_binomials({"Schizosaccharomyces pombe 972h-", "Saccharomyces cerevisiae",
                               "Dolichospermum flos-aquae"});
    return a;
}

std::string render(const std::string& input) {
    detail::ParseOptions options;
    options.vocabulary = &vocabulary();
    auto parsed = detail::parse_query(input, options);
    if (!parsed.ok()) {
        CHECK(parsed.error().code == Errc::invalid_query);
        return "error: " + parsed.error().message;
    }
    return parsed.value().describe();
}

}  // namespace

TEST_CASE("the query language parses as the golden table says") {
    std::string path = std::string(ATLAS_SOURCE_DIR) + "/tests/golden/query_parse.txt";
    std::ifstream in(path);
    REQUIRE(in);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    bool update = std::getenv("ATLAS_UPDATE_GOLDEN") != nullptr;
    std::ostringstream updated;
    int cases = 0;
    for (const auto& l : lines) {
        auto tab = l.find('\t');
        if (l.empty() || l[0] == '#' || tab == std::string::npos) {
            updated << l << '\n';
            continue;
        }
        std::string input = l.substr(0, tab);
        std::string expected = l.substr(tab + 1);
        std::string actual = render(input);
        CAPTURE(input);
        if (!update) CHECK(actual == expected);
        updated << input << '\t' << actual << '\n';
        ++cases;
    }
    CHECK(cases >= 70);
    if (update) {
        std::ofstream out(path, std::ios::trunc);
        out << updated.str();
    }
}

TEST_CASE("highlight tokens are the positive words, not the excluded ones") {
    detail::ParseOptions options;
    options.vocabulary = &vocabulary();
    auto parsed = detail::parse_query("ribosome S. pombe -membrane quality:>=4", options);
    REQUIRE(parsed.ok());
    CHECK(detail::highlight_tokens(parsed.value()) ==
          std::vector<std::string>{"pombe", "ribosome", "s", "schizosaccharomyces"});
}

TEST_CASE("pathological nesting is refused with a message, never a stack overflow") {
    for (const std::string& q : {std::string(100000, '('), std::string(100000, '(') + "x",
                                 [] {
                                     std::string s;
                                     for (int i = 0; i < 20000; ++i) s += "NOT ";
                                     return s + "x";
                                 }(),
                                 [] {
                                     std::string s;
                                     for (int i = 0; i < 20000; ++i) s += "-(";
                                     return s + "x";
                                 }()}) {
        auto parsed = detail::parse_query(q);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().message ==
              "query is nested too deeply (more than 64 levels of parentheses and NOT)");
    }
}

TEST_CASE("parsing never throws on hostile input") {
    for (const char* q : {"((((((",    "))))",          "\"\"\"",   ":::",         "-",
                          "--",        "- - -",         "a:b:c:d",  "organism:((", "quality:>=",
                          "quality:<", "NOT NOT NOT x", "\xff\xfe", "x*",          "*",
                          "**",        "organism:\"",   "(-)",      "OR OR",       "AND AND x"}) {
        CAPTURE(q);
        CHECK_NOTHROW((void)detail::parse_query(q));
    }
}
