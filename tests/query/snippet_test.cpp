// Tests for query/snippet.cpp: passage choice, cutting and marks.
#include "snippet.h"

#include <doctest/doctest.h>

using namespace atlas;
using namespace atlas::detail;

namespace {
std::vector<std::string> marked(const Highlighted& h) {
    std::vector<std::string> out;
    for (const auto& [b, e] : h.marks) out.push_back(h.text.substr(b, e - b));
    return out;
}
}  // namespace

TEST_CASE("words match by form or by stem, never by substring") {
    WordMatcher m({"ribosome", "pombe"});
    CHECK(m.matches("ribosomes"));
    CHECK(m.matches("ribosome"));
    CHECK(m.matches("pombe"));
    CHECK_FALSE(m.matches("ribo"));
    CHECK_FALSE(m.matches("pom"));
    CHECK(marked(highlight("Ribosomes of S. pombe", m)) ==
          std::vector<std::string>{"Ribosomes", "pombe"});
}

TEST_CASE("a short text is shown whole with its matches marked") {
    WordMatcher m({"defocus"});
    auto s = make_snippet({"Defocus cryo-electron tomography of S. pombe"}, m, 200);
    CHECK(s.text == "Defocus cryo-electron tomography of S. pombe");
    CHECK(marked(s) == std::vector<std::string>{"Defocus"});
}

TEST_CASE("a long text is cut to a window around the matches, at word boundaries") {
    std::string filler;
    for (int i = 0; i < 60; ++i) filler += "word" + std::to_string(i) + " ";
    std::string text = filler + "the cytosolic ribosome is here " + filler;
    WordMatcher m({"ribosome"});
    auto s = make_snippet({text}, m, 80);
    CHECK(s.text.starts_with("\u2026"));
    CHECK(s.text.ends_with("\u2026"));
    CHECK(s.text.size() <= 80 + 2 * 3);
    CHECK(marked(s) == std::vector<std::string>{"ribosome"});
    CHECK(s.text.find("cytosolic ribosome") != std::string::npos);
}

TEST_CASE("the text with the most distinct matched words wins, the first one when none match") {
    WordMatcher m({"volta", "plate"});
    auto s = make_snippet({"nothing relevant", "Volta phase plate images", "plate only"}, m, 100);
    CHECK(s.text == "Volta phase plate images");
    auto none = make_snippet({"first text", "second text"}, WordMatcher({"zzz"}), 100);
    CHECK(none.text == "first text");
    CHECK(none.marks.empty());
    CHECK(make_snippet({}, m, 100).text.empty());
}

TEST_CASE("snippets are one line and never split a UTF-8 character") {
    WordMatcher m({"x"});
    auto s = make_snippet({"line one\nline\ttwo"}, m, 100);
    CHECK(s.text == "line one line two");
    std::string micro;
    for (int i = 0; i < 100; ++i) micro += "µ";  // one 200-byte "word" is dropped by the tokenizer
    auto cut = make_snippet({micro}, m, 51);
    CHECK(cut.text.size() % 2 == 1);  // the ellipsis (3 bytes) plus whole 2-byte characters
}
