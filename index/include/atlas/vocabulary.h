// atlas/vocabulary.h - vocabulary derived from the data: binomial abbreviations.
//
// "S. pombe" must find "Schizosaccharomyces pombe".  No list is kept by hand:
// the indexer derives, from every organism name in the data that reads as a
// binomial (a capitalised genus and a lower-case species epithet), the key
// "<genus initial> <species words>" -> "<genus words> <species words>", and
// stores the table in the index; the query parser expands the abbreviation.
// Keys and expansions are space-separated tokens as atlas::tokenize makes them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace atlas {

class Abbreviations {
  public:
    // Derives the table from organism names as written in the data.
    static Abbreviations derive(const std::vector<std::string>& organism_names);
    // Reads the table as serialize() wrote it.
    static Abbreviations parse(std::string_view text);
    // One "key<TAB>expansion" line per entry, sorted.
    std::string serialize() const;

    // Expansions of a key such as "s pombe" (several when genera share an initial).
    std::vector<std::string> expand(std::string_view key) const;
    std::size_t size() const { return entries_.size(); }

  private:
    std::multimap<std::string, std::string, std::less<>> entries_;
};

}  // namespace atlas
