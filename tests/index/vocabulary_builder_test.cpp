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
    CHECK(curated_vocabulary().find("version 2") != std::string_view::npos);
}

namespace {

bool holds(const std::vector<std::string>& words, const std::string& word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

TEST_CASE("the curated vocabulary leads organ adjectives and disease words one way") {
    Vocabulary table;
    std::vector<std::string> errors;
    table.add_file(curated_vocabulary(), errors);
    REQUIRE(errors.empty());
    // Organ adjectives reach the organs as HTAN, the Human Organ Atlas and CryoET name them.
    for (const auto& [adjective, organ] :
         std::vector<std::pair<std::string, std::string>>{{"renal", "kidney"},
                                                          {"hepatic", "liver"},
                                                          {"pulmonary", "lung"},
                                                          {"cardiac", "heart"},
                                                          {"cerebral", "brain"},
                                                          {"gastric", "stomach"},
                                                          {"colonic", "colon"},
                                                          {"pancreatic", "pancreas"},
                                                          {"splenic", "spleen"},
                                                          {"cutaneous", "skin"},
                                                          {"mammary", "breast"},
                                                          {"prostatic", "prostate"},
                                                          {"ovarian", "ovary"},
                                                          {"uterine", "uterus"},
                                                          {"oesophageal", "oesophagus"},
                                                          {"cerebellar", "cerebellum"},
                                                          {"hippocampal", "hippocampus"},
                                                          {"lymphatic", "lymph node"},
                                                          {"testicular", "testis"},
                                                          {"lingual", "tongue"}}) {
        INFO(adjective);
        CHECK(holds(table.expand(adjective), organ));
        CHECK_FALSE(holds(table.expand(organ), adjective));
    }
    // Disease words find the diagnoses; a diagnosis finds no other.
    for (const std::string word :
         {"cancer", "cancers", "tumor", "tumour", "tumours", "neoplasm", "malignancy"}) {
        INFO(word);
        for (const std::string diagnosis : {"carcinoma", "adenocarcinoma", "melanoma", "sarcoma",
                                            "glioma", "neuroblastoma", "leukemia", "myeloma"}) {
            CHECK(holds(table.expand(word), diagnosis));
        }
    }
    CHECK(holds(table.expand("cancer"), "neoplasm"));
    CHECK(holds(table.expand("tumour"), "tumor"));
    CHECK(table.expand("carcinoma").empty());
    CHECK(table.expand("melanoma").empty());
    CHECK(table.expand("leukaemia") == std::vector<std::string>{"leukemia"});
}

TEST_CASE("the curated groups of organisms built in have no bad line") {
    std::vector<std::string> errors;
    auto lines = Vocabulary::read_lines(curated_organism_groups(), errors);
    CHECK(errors.empty());
    CHECK(lines.size() > 20);
    CHECK(curated_organism_groups().find("version 1") != std::string_view::npos);
}

TEST_CASE("a group of organisms keeps only the genera the records name") {
    std::vector<std::string> errors;
    auto table = organism_groups(
        "# comment\n"
        "bacteria\tbacterium\t>\tEscherichia\tLegionella\tBdellovibrio\n"
        "virus\t>\tcoronavirus\tSARS-CoV-2\tMLV\n"
        "frog\tfrogs\t>\tXenopus\tRana\n"
        "lonely\n",
        {"Escherichia coli BL21(DE3)", "Bdellovibrio bacteriovorus", "MLV",
         "Severe acute respiratory syndrome coronavirus 2"},
        errors);
    CHECK(errors ==
          std::vector<std::string>{"line 5: needs two or more spellings separated by tabs"});
    CHECK(table.expand("bacteria") ==
          std::vector<std::string>{"bacterium", "escherichia", "bdellovibrio"});
    CHECK(table.expand("escherichia").empty());
    // A name of several words is kept when one organism holds them all.
    CHECK(table.expand("virus") == std::vector<std::string>{"coronavirus", "mlv"});
    // No genus named: the first stays, so "frog" is still a word the table knows.
    CHECK(table.expand("frog") == std::vector<std::string>{"frogs", "xenopus"});
    CHECK(table.knows_word("frog"));
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

TEST_CASE(
    "the builder expands common names to the genera its records name, as the corpus writes them") {
    VocabularyBuilder builder;
    // Organism names exactly as the CryoET mirror writes them.
    const std::vector<std::string> organisms{"Legionella pneumophila",
                                             "Bdellovibrio bacteriovorus",
                                             "Dolichospermum flos-aquae",
                                             "Sulfolobus solfataricus",
                                             "Halobacterium salinarum",
                                             "Saccharomyces cerevisiae",
                                             "Schizosaccharomyces pombe 972h-",
                                             "Chlamydomonas reinhardtii",
                                             "Caenorhabditis elegans",
                                             "Encephalitozoon intestinalis",
                                             "Arabidopsis thaliana",
                                             "Homo sapiens",
                                             "MLV"};
    for (const auto& organism : organisms) {
        builder.observe(record(organism, "dataset", {{"organism", organism}}));
    }
    Vocabulary table = builder.finish();
    auto bacteria = table.expand("bacteria");
    CHECK(holds(bacteria, "legionella"));
    CHECK(holds(bacteria, "bdellovibrio"));
    CHECK(holds(bacteria, "dolichospermum"));
    CHECK_FALSE(holds(bacteria, "escherichia"));    // no record names it
    CHECK_FALSE(holds(bacteria, "halobacterium"));  // an archaeon
    CHECK(holds(table.expand("bacterial"), "legionella"));
    auto archaea = table.expand("archaea");
    CHECK(holds(archaea, "sulfolobus"));
    CHECK(holds(archaea, "halobacterium"));
    CHECK_FALSE(holds(archaea, "legionella"));
    CHECK(holds(table.expand("algae"), "chlamydomonas"));
    CHECK(holds(table.expand("algae"), "dolichospermum"));  // blue-green algae
    CHECK(holds(table.expand("yeast"), "saccharomyces"));
    CHECK(holds(table.expand("yeast"), "schizosaccharomyces"));
    CHECK_FALSE(holds(table.expand("yeast"), "candida"));
    CHECK(holds(table.expand("nematode"), "caenorhabditis"));
    CHECK(holds(table.expand("worm"), "caenorhabditis"));
    CHECK(holds(table.expand("parasite"), "encephalitozoon"));
    CHECK(holds(table.expand("plant"), "arabidopsis"));
    CHECK(holds(table.expand("virus"), "mlv"));
    // A genus finds no other genus of its group.
    CHECK(table.expand("legionella").empty());
    CHECK(table.expand("bdellovibrio").empty());
    // Groups none of whose genera occur keep one, and stay known words.
    CHECK(table.expand("slime mold") ==
          std::vector<std::string>{"slime mould", "slime molds", "slime moulds", "social amoeba",
                                   "social amoebae", "dictyostelium"});
    CHECK(holds(table.expand("frog"), "xenopus"));
    // The stored table stays small: a group holds only the named genera.
    CHECK(table.expand("bacteria").size() < 10);
}
