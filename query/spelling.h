// spelling.h - typo tolerance on natural-language words, built on the
// index's own term list.
//
// Xapian 1.4 has no edit-distance operator.  The words of the index's free
// text are its unprefixed terms (lower case, unstemmed: schema.h); a word of
// the query that matches nothing, or next to nothing while a close word is
// common, is replaced by the closest words of that list (Damerau-Levenshtein,
// adjacent transpositions count one): 1 edit from 4 letters, 2 from 8.
// Words with digits, underscores or colons are codes and ids and are never
// corrected, nor are phrases, prefixes and exact values, nor words of the
// vocabulary's keys ("slime" of "slime mold": the vocabulary knows them,
// whether or not the index holds them).
#pragma once

#include "evaluator.h"

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query_parser.h"

namespace atlas::detail {

// The edits allowed in a word of `letters` letters: 0 below 4, 1 from 4, 2 from 8.
unsigned allowed_edits(std::size_t letters);

// Optimal-string-alignment distance between a and b (bytes; callers pass
// ASCII words), or max + 1 as soon as it must exceed max.
unsigned edit_distance(std::string_view a, std::string_view b, unsigned max);

struct Correction {
    std::string from;             // the word as typed (lower case)
    std::vector<std::string> to;  // the words searched instead, best first
};

class Spelling {
  public:
    // Reads nothing until the first word needs correcting.  `live` (may be
    // null) counts a term's documents less those an update deleted.
    Spelling(const Xapian::Database& db, Evaluator* live) : db_(db), live_(live) {}

    struct Candidate {
        std::string word;
        unsigned distance = 0;
        Xapian::doccount freq = 0;
    };
    // Index words within allowed_edits(word) of `word`, at the smallest
    // distance any is found, most frequent first; at most `max`.
    std::vector<Candidate> near(std::string_view word, std::size_t max);

    // Rewrites the words of `tree` that match nothing (or are rare beside a
    // common close word) into their corrections, leaving the words
    // `vocabulary` knows (none if null) as typed; returns what it changed.
    std::vector<Correction> correct(QueryNode& tree, const Vocabulary* vocabulary);

  private:
    void load();

    // A term's documents, less those an update deleted.
    Xapian::doccount freq(const std::string& term) const;
    Xapian::doccount matches(const QueryNode& n) const;

    const Xapian::Database& db_;
    Evaluator* live_;
    bool loaded_ = false;
    // by_length_[n]: the index's words of n letters, with their frequencies.
    std::vector<std::vector<std::pair<std::string, Xapian::doccount>>> by_length_;
};

// `query` with each corrected word replaced by its best correction (whole
// words, case aside): the "did you mean" line.
std::string corrected_query(std::string_view query, const std::vector<Correction>& corrections);

}  // namespace atlas::detail
