// Tests for index/vocabulary_builder.cpp: synonyms derived from real organism names and
// records, and the curated file data/vocabulary.tsv.
#include "vocabulary_builder.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "schema/record.h"

using namespace atlas;

TEST_CASE("abbreviations are derived from the binomials in the data and nothing else") {
    // Organism names exactly as the CryoET mirror writes them.
    auto table = derive_binomials({"Schizosaccharomyces pombe 972h-", "Saccharomyces cerevisiae",
                                     "Dolichospermum flos-aquae", "Sprague Dawley Rat", "MLV",
                                     "Severe acute respiratory syndrome coronavirus 2",
                                     "Mycoplasma mycoides subsp. capri str. GM12",
                                     "Salmonella typhimurium", "Escherichia coli BL21(DE3)"});
    CHECK(table.expand("s pombe") == std::vector<std::string>{"schizosaccharomyces pombe"});
    CHECK(table.expand("s cerevisiae") == std::vector<std::string>{"saccharomyces cerevisiae"});
    CHECK(table.expand("d flos aquae") == std::vector<std::string>{"dolichospermum flos aquae"});
    CHECK(table.expand("m mycoides") == std::vector<std::string>{"mycoplasma mycoides"});
    CHECK(table.expand("e coli") == std::vector<std::string>{"escherichia coli"});
    CHECK(table.expand("s typhimurium") == std::vector<std::string>{"salmonella typhimurium"});
    CHECK(table.expand("s dawley").empty());  // not a binomial
    CHECK(
        table.expand("s acute").empty());  // "Severe acute respiratory ..." reads on in lower case
    CHECK(table.size() == 6);
}

TEST_CASE("genera sharing an initial and a species both expand") {
    auto table = derive_binomials({"Bacillus subtilis", "Borrelia subtilis"});
    auto e = table.expand("b subtilis");
    CHECK(e.size() == 2);
}

TEST_CASE("the serialized table reads back identically and ignores junk lines") {
    auto table = derive_binomials({"Schizosaccharomyces pombe", "Homo sapiens"});
    auto back = Vocabulary::parse(table.serialize() + "no tab here\n\t\n");
    CHECK(back.serialize() == table.serialize());
    CHECK(back.expand("h sapiens") == std::vector<std::string>{"homo sapiens"});
}

TEST_CASE("the curated vocabulary built in has no bad line and joins common names") {
    Vocabulary table;
    std::vector<std::string> errors;
    table.add_file(curated_vocabulary(), errors);
    CHECK(errors.empty());
    CHECK(table.expand("fission yeast") == std::vector<std::string>{"schizosaccharomyces pombe"});
    CHECK(table.expand("schizosaccharomyces pombe") == std::vector<std::string>{"fission yeast"});
    auto cycif = table.expand("t cycif");
    CHECK(std::find(cycif.begin(), cycif.end(), "cycif") != cycif.end());
    CHECK(table.expand("mitochondria") == std::vector<std::string>{"mitochondrion"});
    CHECK(curated_vocabulary().find("version 1") != std::string_view::npos);
}

namespace {

Record record(std::string id, std::string kind,
              std::vector<std::pair<std::string, std::string>> fields) {
    Record r;
    r.id = std::move(id);
    r.kind = std::move(kind);
    r.source = "htan";
    for (const auto& [field, text] : fields) r.add(field, text);
    return r;
}

}  // namespace

TEST_CASE("the builder learns abbreviations, organ names and ontology ids from the records") {
    VocabularyBuilder builder;
    // Abbreviations as HTAN publications define them (their own words).
    builder.observe(record("p1", "publication",
                           {{"description",
                             "evolution of colorectal cancer (CRC) and of "
                             "tissue-based cyclic immunofluorescence (CyCIF)"}}));
    builder.observe(record(
        "p2", "publication",
        {{"description", "we used cyclic multiplex immunofluorescence imaging (CyCIF) here"}}));
    // Organ details: "colon" always comes with Colorectal, "lobe" with two organs.
    for (int i = 0; i < 3; ++i) {
        builder.observe(record("a" + std::to_string(i), "participant",
                               {{"organ", "Colorectal"}, {"organ_detail", "Sigmoid colon"}}));
    }
    builder.observe(
        record("b1", "participant", {{"organ", "Lung"}, {"organ_detail", "Upper lobe, lung"}}));
    builder.observe(
        record("b2", "participant", {{"organ", "Liver"}, {"organ_detail", "Left lobe"}}));
    builder.observe(
        record("b3", "participant", {{"organ", "Liver"}, {"organ_detail", "Left lobe"}}));
    builder.observe(
        record("b4", "participant", {{"organ", "Liver"}, {"organ_detail", "Left lobe"}}));
    // Ontology ids beside names, twice; a pair seen once is noise.
    for (int i = 0; i < 2; ++i) {
        builder.observe(record("n" + std::to_string(i), "annotation",
                               {{"object_id", "GO:0022626"}, {"object", "cytosolic ribosome"}}));
    }
    builder.observe(record("n9", "annotation", {{"object_id", "GO:0005739"}, {"object", "mito"}}));
    // Taxonomy ids as the CryoET portal writes them (the bare number).
    for (int i = 0; i < 2; ++i) {
        builder.observe(record("t" + std::to_string(i), "dataset",
                               {{"organism_id", "284812"},
                                {"organism", "Schizosaccharomyces pombe 972h-"}}));
    }

    Vocabulary table = builder.finish();
    CHECK(table.expand("crc") == std::vector<std::string>{"colorectal cancer"});
    CHECK(table.expand("colorectal cancer") == std::vector<std::string>{"crc"});
    // The padded long form ("... multiplex ... imaging") is left out.
    CHECK(table.expand("cycif") == std::vector<std::string>{"cyclic immunofluorescence"});
    CHECK(table.expand("colon") == std::vector<std::string>{"colorectal"});
    CHECK(table.expand("lobe").empty());
    CHECK(table.expand("go 0022626") == std::vector<std::string>{"cytosolic ribosome"});
    CHECK(table.expand("cytosolic ribosome").empty());  // one way: its records hold the id
    CHECK(table.expand("go 0005739").empty());
    CHECK(table.expand("ncbitaxon 284812") ==
          std::vector<std::string>{"schizosaccharomyces pombe 972h"});
}
