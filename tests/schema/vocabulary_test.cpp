// Tests for schema/vocabulary.cpp: the synonym table as the index stores it.
#include "schema/vocabulary.h"

#include <doctest/doctest.h>

using namespace atlas;

TEST_CASE("a vocabulary file line with one spelling is reported with its number and skipped") {
    Vocabulary table;
    std::vector<std::string> errors;
    table.add_file("# comment\nrat\tRattus norvegicus\r\nlonely\n\n\t\n", errors);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].rfind("line 3:", 0) == 0);
    CHECK(errors[1].rfind("line 5:", 0) == 0);
    CHECK(table.expand("rat") == std::vector<std::string>{"rattus norvegicus"});
    CHECK(table.expand("lonely").empty());
    CHECK(table.max_key_tokens() == 2);
}

TEST_CASE("a vocabulary file line with '>' is one way: its spellings find the words after it") {
    Vocabulary table;
    std::vector<std::string> errors;
    table.add_file(
        "bacteria\tbacterium\t>\tEscherichia\tBdellovibrio\n"
        "renal\t>\tkidney\n",
        errors);
    CHECK(errors.empty());
    CHECK(table.expand("bacteria") ==
          std::vector<std::string>{"bacterium", "escherichia", "bdellovibrio"});
    CHECK(table.expand("bacterium") ==
          std::vector<std::string>{"bacteria", "escherichia", "bdellovibrio"});
    // The narrower words find neither the names nor each other.
    CHECK(table.expand("escherichia").empty());
    CHECK(table.expand("bdellovibrio").empty());
    CHECK(table.expand("renal") == std::vector<std::string>{"kidney"});
    CHECK(table.expand("kidney").empty());
    // The stored table keeps the direction.
    CHECK(Vocabulary::parse(table.serialize()).serialize() == table.serialize());
    CHECK(Vocabulary::parse(table.serialize()).expand("kidney").empty());
}

TEST_CASE("a one-way line with nothing on a side of '>' or two of them is reported and skipped") {
    Vocabulary table;
    std::vector<std::string> errors;
    table.add_file(
        "# comment\n"
        ">\tkidney\n"
        "renal\t>\n"
        "renal\t>\tkidney\t>\tnephron\n"
        "hepatic\t > \tliver\n",
        errors);
    REQUIRE(errors.size() == 3);
    CHECK(errors[0] == "line 2: needs one or more spellings before '>' and one or more after it");
    CHECK(errors[1] == "line 3: needs one or more spellings before '>' and one or more after it");
    CHECK(errors[2] == "line 4: more than one '>'");
    CHECK(table.expand("renal").empty());
    CHECK(table.expand("hepatic") == std::vector<std::string>{"liver"});  // spaces around '>'
}

TEST_CASE("the words of every key are known, those of expansions alone are not") {
    Vocabulary table;
    std::vector<std::string> errors;
    table.add_file("slime mold\tslime mould\t>\tDictyostelium\n", errors);
    REQUIRE(errors.empty());
    CHECK(table.knows_word("slime"));
    CHECK(table.knows_word("mold"));
    CHECK(table.knows_word("mould"));
    CHECK_FALSE(table.knows_word("dictyostelium"));
    CHECK_FALSE(table.knows_word("slim"));
    CHECK(Vocabulary::parse(table.serialize()).knows_word("slime"));
}
