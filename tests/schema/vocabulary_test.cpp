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

