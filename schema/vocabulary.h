// schema/vocabulary.h - the synonym table: what the index stores and the query parser expands.
//
// "S. pombe" must find "Schizosaccharomyces pombe", "CRC" colorectal cancer,
// "colon" the HTAN organ "Colorectal".  The indexer derives the table from
// what the records say (index/vocabulary_builder.h), adds the small curated file
// data/vocabulary.tsv for what no record says ("fission yeast"), and stores
// it in the index; the query parser replaces a run of typed words that is a
// key by SYN(the words as typed | each expansion), scored as one term.
//
// Keys and expansions are space-separated tokens as atlas::tokenize makes
// them ("s pombe", "h e" for H&E).
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

class Vocabulary {
  public:
    // Reads the table as serialize() wrote it.
    static Vocabulary parse(std::string_view text);
    // One "key<TAB>expansion" line per entry, sorted.
    std::string serialize() const;

    // key -> expansion, both as text (tokenized here); ignored when either has
    // no tokens, they are the same tokens, or the key has too many tokens.
    void add(std::string_view key, std::string_view expansion);
    // Every spelling of one concept finds the others.
    void add_group(const std::vector<std::string>& spellings);

    // One line of a curated file: `names` find each other and each of
    // `narrower`, which find none of them ("bacteria" finds "Escherichia",
    // "Escherichia" does not find "Bdellovibrio").
    struct Line {
        std::size_t number = 0;
        std::vector<std::string> names;
        std::vector<std::string> narrower;
    };
    // The curated files' format: '#' comments, one concept per line, cells
    // separated by tabs.  A line is a group of two or more spellings, or one
    // way: spellings, a cell ">", and the narrower words they also find.  A
    // bad line is reported in `errors` ("line 7: ...") and skipped.
    static std::vector<Line> read_lines(std::string_view text, std::vector<std::string>& errors);
    void add_line(const Line& line);
    // add_line of each of read_lines(text, errors).
    void add_file(std::string_view text, std::vector<std::string>& errors);
    void merge(const Vocabulary& other);

    // Text as keys and expansions are written: its tokens joined by spaces
    // ("S. pombe" -> "s pombe").
    static std::string key_of(std::string_view text);

    // Expansions of a key such as "s pombe" (several when genera share an initial).
    std::vector<std::string> expand(std::string_view key) const;
    std::size_t size() const { return entries_.size(); }
    // Whether `token` is a word of some key ("slime" of "slime mold"): a word
    // the table knows, which typo correction leaves as typed.
    bool knows_word(std::string_view token) const { return key_words_.count(token) != 0; }
    // The longest key, in tokens: how far the parser needs to look.
    std::size_t max_key_tokens() const { return max_key_tokens_; }

    static constexpr std::size_t kMaxKeyTokens = 6;

  private:
    std::multimap<std::string, std::string, std::less<>> entries_;
    std::set<std::string, std::less<>> key_words_;
    std::size_t max_key_tokens_ = 0;
};

}  // namespace atlas
