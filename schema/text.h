// schema/text.h - the one tokenizer, case folding and stemmer shared by indexing and querying.
//
// A word is indexed and looked up through the same functions, so what the
// indexer stored is exactly what the query parser asks for.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

struct Token {
    std::string term;       // lower-cased word
    std::size_t begin = 0;  // byte offsets of the word in the input
    std::size_t end = 0;
};

// Splits UTF-8 text into lower-cased words.  Letters, digits and combining marks
// make words; everything else separates them, including '_' (so `TS_026` and
// `primary_cell_culture` are phrases of words).  A '.' or ',' between two digits
// stays inside the word (`13.48`).  Words longer than kMaxWordBytes are dropped
// (hashes, base64): nobody types them as words.  Invalid UTF-8 never throws.
inline constexpr std::size_t kMaxWordBytes = 64;
std::vector<Token> tokenize(std::string_view text);

// The first word of `text` that tokenize drops for its length, as written, or
// "" when there is none.  A query must not lose a word silently: "<hash>"
// alone would then ask for everything.
std::string_view overlong_word(std::string_view text);

// Lower-cases, trims and collapses runs of white space: the exact form of a
// keyword value ("Schizosaccharomyces  pombe " -> "schizosaccharomyces pombe").
// The result is cut (at a character boundary) to kMaxExactBytes.
inline constexpr std::size_t kMaxExactBytes = 200;
std::string fold(std::string_view text);

// English stem of a lower-cased word; words with digits are returned unchanged
// (stemming "10000s" or "k2" helps nobody).  Thread-safe.
std::string stem(std::string_view word);

// True if the word has a digit, so it is a code or a number rather than a word.
bool has_digit(std::string_view word);

// Levenshtein distance between two UTF-8 strings, counted in bytes, capped at
// `cap` + 1 (cheap for "did you mean" on short names).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap = 8);

// True if `text` is well-formed UTF-8.
bool valid_utf8(std::string_view text);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD; `replaced`
// counts them.
std::string repair_utf8(std::string_view text, std::size_t& replaced);

// Escapes text for HTML (&, <, >, ", ').
std::string html_escape(std::string_view text);

}  // namespace atlas
