// Tests for index/vocabulary.cpp: binomial abbreviations derived from real organism names.
#include "atlas/vocabulary.h"

#include <doctest/doctest.h>

using namespace atlas;

TEST_CASE("abbreviations are derived from the binomials in the data and nothing else") {
    // Organism names exactly as the CryoET mirror writes them.
    auto table = Abbreviations::derive(
        {"Schizosaccharomyces pombe 972h-", "Saccharomyces cerevisiae", "Dolichospermum flos-aquae",
         "Sprague Dawley Rat", "MLV", "Severe acute respiratory syndrome coronavirus 2",
         "Mycoplasma mycoides subsp. capri str. GM12", "Salmonella typhimurium",
         "Escherichia coli BL21(DE3)"});
    CHECK(table.expand("s pombe") == std::vector<std::string>{"schizosaccharomyces pombe"});
    CHECK(table.expand("s cerevisiae") == std::vector<std::string>{"saccharomyces cerevisiae"});
    CHECK(table.expand("d flos aquae") == std::vector<std::string>{"dolichospermum flos aquae"});
    CHECK(table.expand("m mycoides") == std::vector<std::string>{"mycoplasma mycoides"});
    CHECK(table.expand("e coli") == std::vector<std::string>{"escherichia coli"});
    CHECK(table.expand("s typhimurium") == std::vector<std::string>{"salmonella typhimurium"});
    CHECK(table.expand("s dawley").empty());  // not a binomial
    CHECK(
        table.expand("s acute").empty());  // "Severe acute respiratory ..." reads on in lower case
    CHECK(table.size() == 6);
}

TEST_CASE("genera sharing an initial and a species both expand") {
    auto table = Abbreviations::derive({"Bacillus subtilis", "Borrelia subtilis"});
    auto e = table.expand("b subtilis");
    CHECK(e.size() == 2);
}

TEST_CASE("the serialized table reads back identically and ignores junk lines") {
    auto table = Abbreviations::derive({"Schizosaccharomyces pombe", "Homo sapiens"});
    auto back = Abbreviations::parse(table.serialize() + "no tab here\n\t\n");
    CHECK(back.serialize() == table.serialize());
    CHECK(back.expand("h sapiens") == std::vector<std::string>{"homo sapiens"});
}
