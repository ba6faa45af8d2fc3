// natural_language.h - plain words read as what they mean, before the query is parsed.
//
// People type sentences: "HeLa tomograms", "donors younger than 40", "lung
// scans finer than 10 microns", "the ribosome".  A run of plain words (not
// quoted, no field, not negated) is read here, against tables:
//  - comparisons in words become ranges on the field they name, or that
//    their comparator or unit implies: "younger than 40" -> age:<40,
//    "finer than 10 microns" -> (voxel_size:<10µm OR voxel_spacing:<10µm),
//    "released after 2023" -> release_date:>2023, "quality at least 4" ->
//    quality:>=4, "between 20 and 40 years" -> age:20..40y;
//  - boolean fields named in words: "ground truth" -> (ground_truth:yes OR
//    "ground truth");
//  - kind words are intent, not text: "tomograms" asks for records of kind
//    tomogram first; the word itself still scores ("membrane segmentation"
//    is also an object's name);
//  - stopwords ("the", "of", "and") score when present, never required.
// The parser applies the readings (query_parser.cpp); what each became is
// reported (SearchResult::understood).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace atlas::detail {

struct Reading {
    enum class As {
        comparison,  // `query` replaces the words
        flag,        // `query` replaces the words
        kind,        // the words score when present; `intents` rank first
        stopword,    // the word scores when present
    };
    As as = As::stopword;
    std::size_t begin = 0;  // the words [begin, end) of the run
    std::size_t end = 0;
    std::string query;                 // comparison, flag: in the query language
    std::vector<std::string> intents;  // kind: each in the query language ("kind:tomogram")
};

// Readings of a run of plain words (as typed, in order), left to right, not
// overlapping.  Words no table knows are not mentioned.
std::vector<Reading> read_plain_words(const std::vector<std::string_view>& words);

// How a reading reads to a person: "age:<40", "tomogram records first",
// "optional (a common word)".
std::string describe_reading(const Reading& reading);

// What kind of reading it is, in a word: "range", "flag", "kind", "optional".
std::string_view describe_what(const Reading& reading);

}  // namespace atlas::detail
