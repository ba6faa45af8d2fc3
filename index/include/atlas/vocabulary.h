// atlas/vocabulary.h - synonyms, most of them derived from the data itself.
//
// "S. pombe" must find "Schizosaccharomyces pombe", "CRC" colorectal cancer,
// "colon" the HTAN organ "Colorectal".  The indexer derives the table from
// what the records say (VocabularyBuilder), adds the small curated file
// data/vocabulary.tsv for what no record says ("fission yeast"), and stores
// it in the index; the query parser replaces a run of typed words that is a
// key by SYN(the words as typed | each expansion), scored as one term.
//
// Keys and expansions are space-separated tokens as atlas::tokenize makes
// them ("s pombe", "h e" for H&E).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

struct Record;

class Vocabulary {
  public:
    // Binomial abbreviations from organism names as written in the data: for
    // every name that reads as a binomial (a capitalised genus and a lower-case
    // species epithet), "<genus initial> <species>" -> "<genus> <species>".
    static Vocabulary derive(const std::vector<std::string>& organism_names);
    // Reads the table as serialize() wrote it.
    static Vocabulary parse(std::string_view text);
    // One "key<TAB>expansion" line per entry, sorted.
    std::string serialize() const;

    // key -> expansion, both as text (tokenized here); ignored when either has
    // no tokens, they are the same tokens, or the key has too many tokens.
    void add(std::string_view key, std::string_view expansion);
    // Every spelling of one concept finds the others.
    void add_group(const std::vector<std::string>& spellings);
    // The curated file's format: '#' comments, one concept per line, its
    // spellings separated by tabs.  Lines with fewer than two spellings are
    // reported in `errors` ("line 7: ...") and skipped.
    void add_file(std::string_view text, std::vector<std::string>& errors);
    void merge(const Vocabulary& other);

    // Expansions of a key such as "s pombe" (several when genera share an initial).
    std::vector<std::string> expand(std::string_view key) const;
    std::size_t size() const { return entries_.size(); }
    // The longest key, in tokens: how far the parser needs to look.
    std::size_t max_key_tokens() const { return max_key_tokens_; }

    static constexpr std::size_t kMaxKeyTokens = 6;

  private:
    std::multimap<std::string, std::string, std::less<>> entries_;
    std::size_t max_key_tokens_ = 0;
};

// Collects, record by record, what the data says about synonyms:
//  - binomials of organism names (Vocabulary::derive);
//  - abbreviations defined in the records' own text: "colorectal cancer (CRC)",
//    "cyclic immunofluorescence (CyCIF)" (each way round);
//  - organ names across sources: a word of an HTAN organ detail ("Sigmoid
//    colon") that always comes with the same organ ("Colorectal") finds it;
//  - ontology ids and the names they come with on the same record
//    (GO:0022626 -> cytosolic ribosome: an annotation's object_id and object;
//    NCBITaxon:284812 -> Schizosaccharomyces pombe 972h-: a dataset's taxonomy
//    id and organism; one way only, the records naming it hold the id already).
// An abbreviation defined once counts; id -> name pairs seen on fewer than two
// records and organ words on fewer than three are left out as noise.
class VocabularyBuilder {
  public:
    VocabularyBuilder();
    ~VocabularyBuilder();
    VocabularyBuilder(const VocabularyBuilder&) = delete;
    VocabularyBuilder& operator=(const VocabularyBuilder&) = delete;

    void observe(const Record& record);
    Vocabulary finish() const;

  private:
    struct State;
    std::unique_ptr<State> s_;
};

// data/vocabulary.tsv as built into the binaries (index/CMakeLists.txt).
std::string_view curated_vocabulary();

}  // namespace atlas
