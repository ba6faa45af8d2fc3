// Tests for tools/cli_util.cpp: terminal text widths and the facet column beside the hits.
#include "cli_util.h"

#include <doctest/doctest.h>

using namespace atlas::cli;

TEST_CASE("visible width counts characters, not bytes or escape sequences") {
    CHECK(visible_width("") == 0);
    CHECK(visible_width("ribosome") == 8);
    CHECK(visible_width("10 \u00c5 \u00b7 5 \u00b5m") == 11);  // multi-byte characters count one
    CHECK(visible_width("\033[1;33mribosome\033[0m pombe") == 14);
    CHECK(visible_width("\033[") == 0);  // a cut escape is not text
}

TEST_CASE("fit cuts at a character boundary, marks the cut and closes a style") {
    CHECK(fit("ribosome", 8) == "ribosome");
    CHECK(fit("ribosome", 5) == "ribo\u2026");
    CHECK(visible_width(fit("ribosome", 5)) == 5);
    // A cut inside multi-byte text never splits a character.
    std::string cut = fit("\u00c5\u00c5\u00c5\u00c5\u00c5\u00c5", 4);
    CHECK(cut == "\u00c5\u00c5\u00c5\u2026");
    // Escapes are kept and the style reset after the cut.
    std::string styled = fit("\033[1mcytosolic ribosome\033[0m", 10);
    CHECK(visible_width(styled) == 10);
    CHECK(styled.rfind("\033[0m") == styled.size() - 4);
    CHECK(styled.find("\033[1mcytosolic") == 0);
}

TEST_CASE("beside pads the left column, cuts long text and never a URL") {
    std::vector<std::string> left{"  1. annotation  cytosolic ribosome",
                                  "     s3://cryoet-data-portal-public/10000/TS_026/Reconstructions/",
                                  "     a snippet that is far too long for the column it is in", ""};
    std::vector<std::string> right{"Organism", "  S. pombe  29", "  S. cerevisiae  8"};
    auto out = beside(left, right, 40, 3);
    REQUIRE(out.size() == 4);
    CHECK(out[0].substr(43) == "Organism");
    CHECK(visible_width(out[0].substr(0, 43)) == 43);
    // The URL takes its row whole; the facet line waits for the next row.
    CHECK(out[1] == left[1]);
    CHECK(out[2].find("\u2026") != std::string::npos);
    CHECK(out[2].substr(out[2].size() - 14) == "  S. pombe  29");
    CHECK(out[3] == std::string(43, ' ') + "  S. cerevisiae  8");
    // The right side longer than the left: rows of padding then the facets.
    auto tall = beside({"a"}, {"x", "y", "z"}, 5, 1);
    REQUIRE(tall.size() == 3);
    CHECK(tall[2] == "      z");
}
