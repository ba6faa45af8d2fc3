// Tests for tools/search_render.cpp: what atlas-search prints for a result it
// is handed, without an index.
#include "search_render.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace {

// What `print` writes, read back from a temporary file.
template <class Print>
std::string printed(Print print) {
    std::FILE* f = std::tmpfile();
    REQUIRE(f != nullptr);
    print(f);
    std::rewind(f);
    std::string text;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    return text;
}

atlas::Hit cryoet_annotation() {
    atlas::Hit hit;
    hit.rank = 1;
    hit.id = "cryoet:annotation:10000/TS_026/13.480/101";
    hit.kind = "annotation";
    hit.source = "cryoet";
    hit.title = "cytosolic ribosome";
    hit.title_marks = {"cytosolic ribosome", {{10, 18}}};
    hit.breadcrumb = {{"cryoet:dataset:10000", "dataset", "S. pombe cells"},
                      {"cryoet:run:10000/TS_026", "run", "TS_026"},
                      {hit.id, "annotation", "cytosolic ribosome"}};
    hit.fields = {{"voxel_spacing", "Voxel spacing", "\u00c5", false, {{}}, 0},
                  {"organism", "Organism", "", false, {{}}, 0}};
    hit.fields[0].values[0].text = "13.48";
    hit.fields[1].values[0].text = "Schizosaccharomyces pombe";
    hit.links = {{"https", {"https://example.org/101"}}, {"s3", {"s3://bucket/101/"}}};
    return hit;
}

}  // namespace

TEST_CASE("hit_lines: title, id, breadcrumb, the portal's key fields in its order, S3 first") {
    auto lines = atlas::cli::hit_lines(cryoet_annotation(), false);
    REQUIRE(lines.size() == 6);
    CHECK(lines[0] == "  1. annotation  cytosolic ribosome");
    CHECK(lines[1] == "     cryoet:annotation:10000/TS_026/13.480/101");
    CHECK(lines[2] == "     10000 S. pombe cells \u203a TS_026 \u203a cytosolic ribosome");
    CHECK(lines[3] ==
          "     Organism: Schizosaccharomyces pombe \u00b7 Voxel spacing: 13.48 \u00c5");
    CHECK(lines[4] == "     s3://bucket/101/");
    CHECK(lines[5].empty());
    auto coloured = atlas::cli::hit_lines(cryoet_annotation(), true);
    CHECK(coloured[0].find("\033[1;33mribosome") != std::string::npos);
}

TEST_CASE("print_result says what was searched where, with no hits and with a page of them") {
    atlas::SearchResult r;
    r.query = "xylophone";
    r.kinds = {"annotation"};
    r.sources = {"cryoet"};
    r.took_ms = 0.25;
    CHECK(printed([&](std::FILE* f) { atlas::cli::print_result(f, r, {}); }) ==
          "no results for \"xylophone\" (annotation, cryoet) (0.2 ms)\n");
    r.query.clear();
    r.kinds.clear();
    r.sources.clear();
    r.total = 1234;
    r.offset = 10;
    r.hits = {cryoet_annotation()};
    std::string text = printed([&](std::FILE* f) { atlas::cli::print_result(f, r, {}); });
    CHECK(text.starts_with("1,234 results for all records (0.2 ms) \u00b7 showing 11-11\n\n"));
    CHECK(text.find("  1. annotation  cytosolic ribosome\n") != std::string::npos);
}

TEST_CASE("print_result says in one line when the words could not all match together") {
    atlas::SearchResult r;
    r.query = "ribosome membrane fungus";
    r.total = 1;
    r.took_ms = 0.25;
    r.hits = {cryoet_annotation()};
    r.relaxed = atlas::RelaxedMatch{{"ribosome", "membrane", "fungus"}, 2, 3, 0, ""};
    std::string text = printed([&](std::FILE* f) { atlas::cli::print_result(f, r, {}); });
    CHECK(
        text.starts_with("no record has all of ribosome, membrane, fungus; showing records with "
                         "2 of 3 words\n1 result for"));
    r.relaxed.reset();
    text = printed([&](std::FILE* f) { atlas::cli::print_result(f, r, {}); });
    CHECK(text.starts_with("1 result for"));
}

TEST_CASE("--explain says which tier placed a hit") {
    atlas::Hit hit = cryoet_annotation();
    hit.explanation = atlas::HitExplanation{"relevance", "2 of 3 words", {}};
    auto lines = atlas::cli::hit_lines(hit, false);
    CHECK(std::find(lines.begin(), lines.end(), "     why: relevance (2 of 3 words)") !=
          lines.end());
}
