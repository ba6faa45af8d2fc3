// Tests for index/acronyms.cpp: "long form (SHORT)" definitions found in real
// corpus sentences, the near misses it must reject, and odd input.
#include "acronyms.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace atlas::detail;

namespace {

// The single definition in `text`, or {"", ""} if there is not exactly one.
Acronym only(std::string_view text) {
    auto found = find_acronyms(text);
    return found.size() == 1 ? found[0] : Acronym{};
}

}  // namespace

TEST_CASE("definitions in real corpus sentences give the long form as written") {
    struct Case {
        std::string_view text, short_form, long_form;
    };
    const Case cases[] = {
        {"tissue-based cyclic immunofluorescence (CyCIF)", "CyCIF", "cyclic immunofluorescence"},
        {"Hierarchical Phase-Contrast Tomography (HiP-CT)", "HiP-CT",
         "Hierarchical Phase-Contrast Tomography"},
        {"light microscopic examination of hematoxylin and eosin (H&E)", "H&E",
         "hematoxylin and eosin"},
        {"of early precancer states to colorectal cancer (CRC)", "CRC", "colorectal cancer"},
        {"Small cell lung cancer (SCLC)", "SCLC", "Small cell lung cancer"},
        {"to better understand ductal carcinoma in situ (DCIS)", "DCIS",
         "ductal carcinoma in situ"},
        {"we performed single-cell RNA-sequencing (scRNA-seq)", "scRNA-seq",
         "single-cell RNA-sequencing"},
        {"This large-scale cryo-electron tomography (cryo-ET)", "cryo-ET",
         "cryo-electron tomography"},
        {"matched co-detection by indexing (CODEX)", "CODEX", "co-detection by indexing"},
        {"and Imaging Mass Cytometry (IMC)", "IMC", "Imaging Mass Cytometry"},
        {"The laboratory developed the cyclic-immunofluorescence (CyCIF)", "CyCIF",
         "cyclic-immunofluorescence"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto a = only(c.text);
        CHECK(a.short_form == c.short_form);
        CHECK(a.long_form == c.long_form);
    }
}

TEST_CASE("several definitions in one text are all found, in order of appearance") {
    auto found = find_acronyms(
        "Samples of colorectal cancer (CRC) were imaged with cyclic immunofluorescence (CyCIF). "
        "Small cell lung cancer (SCLC) was profiled; see also (CRC) and co-detection by indexing "
        "(CODEX).");
    REQUIRE(found.size() == 4);
    CHECK(found[0].short_form == "CRC");
    CHECK(found[0].long_form == "colorectal cancer");
    CHECK(found[1].short_form == "CyCIF");
    CHECK(found[1].long_form == "cyclic immunofluorescence");
    CHECK(found[2].short_form == "SCLC");
    CHECK(found[2].long_form == "Small cell lung cancer");
    CHECK(found[3].short_form == "CODEX");
    CHECK(found[3].long_form == "co-detection by indexing");
}

TEST_CASE("the long form stays within its clause and its word limit") {
    // The sentence before does not lend its words.
    CHECK(find_acronyms("Colorectal. Cancer (CRC)").empty());
    CHECK(find_acronyms("ductal carcinoma; in situ (DCIS)").empty());
    // H&E has two letters, so at most four words: "hematoxylin" is the fifth.
    CHECK(find_acronyms("hematoxylin x and x eosin (HE)").empty());
    // Line breaks are ordinary white space and stay in the long form as written.
    CHECK(only("colorectal\ncancer\t(CRC)").long_form == "colorectal\ncancer");
}

TEST_CASE("parentheses that hold no matching short form define nothing") {
    // No word starts with c.
    CHECK(find_acronyms("Multiplexed immunofluorescence (CyCIF)").empty());
    CHECK(find_acronyms("e, TX, Ta, Tis, Tis (DCIS)").empty());
    CHECK(find_acronyms("Tis (DCIS)").empty());
    CHECK(find_acronyms("in its spliced (scRNA-seq)").empty());
    CHECK(find_acronyms("(CRC)").empty());
    CHECK(find_acronyms("  (CRC)").empty());
    CHECK(find_acronyms("colorectal cancer ()").empty());
    CHECK(find_acronyms("as shown before (see Figure 2)").empty());
    CHECK(find_acronyms("the second version (2)").empty());
    CHECK(find_acronyms("kept at temperature (77K)").empty());    // one letter
    CHECK(find_acronyms("colorectal cancer (crc)").empty());      // no upper-case letter
    CHECK(find_acronyms("colorectal cancer(CRC)").empty());       // no space before "("
    CHECK(find_acronyms("Escherichia coli BL21 (DE3)").empty());  // no 3 to match
    CHECK(find_acronyms("p value (P<0.05)").empty());             // not short-form punctuation
    CHECK(find_acronyms("colorectal cancer (CRCCRCCRCCRC1)").empty());  // 13 bytes
    CHECK(find_acronyms("CRC (CRC)").empty());  // the long form is the short form
    CHECK(find_acronyms("Tis (TS)").empty());   // one word, too short
}

TEST_CASE("a single long word is accepted when clearly longer than the short form") {
    auto a = only("stained by Immunohistochemistry (IHC)");
    CHECK(a.short_form == "IHC");
    CHECK(a.long_form == "Immunohistochemistry");
}

TEST_CASE("unbalanced and nested parentheses are handled without reading out of bounds") {
    CHECK(find_acronyms("(").empty());
    CHECK(find_acronyms(")").empty());
    CHECK(find_acronyms("colorectal cancer (CRC").empty());
    CHECK(find_acronyms("colorectal cancer (").empty());
    CHECK(find_acronyms("colorectal cancer )CRC(").empty());
    CHECK(find_acronyms("((((((((((").empty());
    CHECK(find_acronyms("))))))))))").empty());
    // A definition inside parentheses is found; the outer pair is no short form.
    auto inner = only("as shown (see colorectal cancer (CRC))");
    CHECK(inner.short_form == "CRC");
    CHECK(inner.long_form == "colorectal cancer");
    // An unclosed "(" and a pair that is no short form end the clause before the long form.
    CHECK(find_acronyms("(colorectal (x) cancer (CRC)").empty());
    auto a = only("(see (x) colorectal cancer (CRC)");
    CHECK(a.short_form == "CRC");
    CHECK(a.long_form == "colorectal cancer");
}

TEST_CASE("UTF-8 characters are never split and arbitrary bytes are safe") {
    // "é" is a word character: the c after it starts no word.
    CHECK(find_acronyms("n\xC3\xA9"
                        "colorectal cancer (CRC)")
              .empty());
    // Non-ASCII bytes before the long form are kept out of it.
    CHECK(only("\xC3\xA9t\xC3\xA9: colorectal cancer (CRC)").long_form == "colorectal cancer");
    // Non-ASCII short forms are not short forms.
    CHECK(find_acronyms("interferon gamma (IFN-\xCE\xB3)").empty());
    CHECK(find_acronyms(std::string_view("colorectal\0cancer (CRC)", 23)).size() == 1);

    std::mt19937 rng(20030101);
    // Random bytes, and random strings over an alphabet dense in the bytes
    // the finder looks at.  Every result must be non-empty text taken from the input.
    const std::string_view alphabet = "()  ..;:-&aAcCrRsS\xC3\xA9\x80\xFF\t\n";
    for (int round = 0; round < 2000; ++round) {
        std::string text(rng() % 64, '\0');
        for (auto& byte : text) {
            byte = round % 2 ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
        }
        for (const auto& a : find_acronyms(text)) {
            CHECK(!a.short_form.empty());
            CHECK(!a.long_form.empty());
            CHECK(text.find(a.long_form) != std::string::npos);
            CHECK(text.find("(" + a.short_form + ")") != std::string::npos);
        }
    }
}
