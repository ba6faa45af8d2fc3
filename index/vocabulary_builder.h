// vocabulary_builder.h - deriving the synonym table from the records, at index time.
//
// The reader only expands the table the index stores (schema/vocabulary.h);
// what goes into it is decided here, once per build.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "schema/record.h"
#include "schema/vocabulary.h"

namespace atlas {

// Binomial abbreviations from organism names as written in the data: for
// every name that reads as a binomial (a capitalised genus and a lower-case
// species epithet), "<genus initial> <species>" -> "<genus> <species>".
Vocabulary derive_binomials(const std::vector<std::string>& organism_names);

// The curated groups of organisms (data/organism_groups.tsv, in the format
// of Vocabulary::read_lines: "bacteria<TAB>bacterium<TAB>><TAB>Escherichia<TAB>..."),
// each line's narrower names cut to those an organism name of the data holds
// (every word of "Escherichia" is a word of "Escherichia coli BL21(DE3)"), so
// the stored table names only genera the index has.  A line none of whose
// genera the data names keeps its first, so its common names stay words the
// table knows ("frog" finds Xenopus, which finds nothing, rather than being
// corrected to "from").  Bad lines are reported in `errors` and skipped.
Vocabulary organism_groups(std::string_view text, const std::vector<std::string>& organism_names,
                           std::vector<std::string>& errors);

// Collects, record by record, what the data says about synonyms:
//  - binomials of organism names (derive_binomials);
//  - abbreviations defined in the records' own text: "colorectal cancer (CRC)",
//    "cyclic immunofluorescence (CyCIF)" (each way round);
//  - organ names across sources: a word of an HTAN organ detail ("Sigmoid
//    colon") that always comes with the same organ ("Colorectal") finds it;
//  - ontology ids and the names they come with on the same record
//    (GO:0022626 -> cytosolic ribosome: an annotation's object_id and object;
//    NCBITaxon:284812 -> Schizosaccharomyces pombe 972h-: a dataset's taxonomy
//    id and organism; one way only, the records naming it hold the id already);
//  - the curated groups of organisms built in (organism_groups) for the
//    organisms the records name.
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
// data/organism_groups.tsv as built into the binaries (index/CMakeLists.txt).
std::string_view curated_organism_groups();

}  // namespace atlas
