// search_render.h - what atlas-search prints: a result as text, the fields a
// query can name, a download manifest.  Nothing here parses or searches.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "atlas/manifest.h"
#include "atlas/search.h"

namespace atlas::cli {

// Where text goes: colour on a terminal; facets beside the hits on a wide one.
struct TextLayout {
    bool colour = false;
    std::size_t columns = 0;  // the terminal's width; 0 when it is none
};

// A result as text: the words searched instead (typos), what relaxed
// matching did (one line, when the words could not all match), a header line
// ("29 results for ... · showing 1-10"), the facets (beside the hits on a
// terminal of 120 columns or more, else above them), then the hits or
// groups.  With no result, one "no results for ..." line.
void print_result(std::FILE* out, const SearchResult& result, const TextLayout& layout);

// The lines a hit prints as (no newlines): rank, kind and title; id;
// siblings; breadcrumb; snippet; its portal's key fields; where to download
// it; why it matched (with --explain); then an empty line.
std::vector<std::string> hit_lines(const Hit& hit, bool colour);

// `atlas-search --help fields`: every field with its type, unit and help.
void print_fields(std::FILE* out);

// A manifest's lines on `out`; on `err` each record without a route, with
// the reason, and a count.
void print_manifest(std::FILE* out, std::FILE* err, const Manifest& manifest);

}  // namespace atlas::cli
