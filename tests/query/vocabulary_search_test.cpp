// Tests of the synonym table as a search meets it (schema/vocabulary.h, built by
// index/vocabulary_builder.h from the records and data/*.tsv; expanded by the
// query parser; known to typo correction), on the index of every bundled portal.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "atlas/search.h"
#include "test_util.h"

using namespace atlas;
using test::Ids;

namespace {

Searcher& searcher() { return test::portal_searcher(); }

SearchResult search(const std::string& query) {
    SearchRequest r;
    r.query = query;
    r.limit = 1000;
    auto result = searcher().search(r);
    REQUIRE_MESSAGE(result.ok(), query << ": " << result.error().message);
    REQUIRE(result.value().total <= 1000);
    return std::move(result).value();
}

Ids ids(const std::string& query) {
    auto hits = test::hit_ids(search(query));
    return Ids(hits.begin(), hits.end());
}

Ids either(const Ids& a, const Ids& b) {
    Ids out = a;
    out.insert(b.begin(), b.end());
    return out;
}

}  // namespace

TEST_CASE("a common name or group of organisms finds the records of the genera it holds") {
    // The sample's CryoET datasets: Bdellovibrio, Gluconacetobacter and the
    // cyanobacterium Dolichospermum; Saccharomyces and Schizosaccharomyces.
    Ids bdellovibrio = ids("Bdellovibrio");
    Ids gluconacetobacter = ids("Gluconacetobacter");
    Ids dolichospermum = ids("Dolichospermum");
    Ids yeasts = either(ids("Saccharomyces"), ids("Schizosaccharomyces"));
    for (const Ids* genus : {&bdellovibrio, &gluconacetobacter, &dolichospermum, &yeasts}) {
        REQUIRE_FALSE(genus->empty());
    }
    Ids bacteria = either(either(bdellovibrio, gluconacetobacter), dolichospermum);
    for (const std::string q : {"bacteria", "bacterium", "bacterial"}) {
        INFO(q);
        CHECK(test::minus(bacteria, ids(q)).empty());
    }
    for (const std::string q : {"algae", "alga", "blue-green algae", "cyanobacteria"}) {
        INFO(q);
        CHECK(test::minus(dolichospermum, ids(q)).empty());
        CHECK(test::both(ids(q), gluconacetobacter).empty());
    }
    CHECK(ids("yeast") == yeasts);
    CHECK(ids("yeasts") == yeasts);
    CHECK(test::minus(yeasts, ids("fungi")).empty());
    CHECK(test::both(ids("yeast"), bacteria).empty());
}

TEST_CASE("a genus finds neither its group's name nor the other genera of the group") {
    // One way: the words after '>' in data/organism_groups.tsv expand to nothing.
    for (const std::string q : {"Bdellovibrio", "Gluconacetobacter", "Saccharomyces"}) {
        INFO(q);
        SearchResult r = search(q);
        CHECK(r.parsed.find("SYN") == std::string::npos);
    }
    CHECK(test::both(ids("Bdellovibrio"), ids("Gluconacetobacter")).empty());
}

TEST_CASE("an organ adjective finds the records naming the organ, and the organ keeps its own") {
    // The Human Organ Atlas sample's organs (kidney, lung, heart, brain, testis, uterus).
    struct Case {
        std::string adjective, organ;
    };
    for (const auto& c : std::vector<Case>{{"renal", "kidney"},
                                           {"pulmonary", "lung"},
                                           {"cardiac", "heart"},
                                           {"cerebral", "brain"},
                                           {"testicular", "testis"},
                                           {"uterine", "uterus"}}) {
        INFO(c.adjective);
        Ids organ = ids(c.organ);
        REQUIRE_FALSE(organ.empty());
        CHECK(test::minus(organ, ids(c.adjective)).empty());
        CHECK(search(c.organ).parsed.find(c.adjective) == std::string::npos);  // one way
    }
}

TEST_CASE("disease words find the diagnoses they cover, one way") {
    Ids carcinoma = ids("carcinoma");
    Ids melanoma_only = test::minus(ids("melanoma"), carcinoma);
    REQUIRE_FALSE(carcinoma.empty());
    REQUIRE_FALSE(melanoma_only.empty());
    for (const std::string q : {"cancer", "cancers", "tumor", "tumour", "tumours", "neoplasm"}) {
        INFO(q);
        Ids found = ids(q);
        CHECK(test::minus(carcinoma, found).empty());
        CHECK(test::minus(melanoma_only, found).empty());
    }
    CHECK(ids("tumour") == ids("tumor"));
    // "carcinoma" is a diagnosis, not a group: it does not find every melanoma.
    CHECK(search("carcinoma").parsed == "carcinoma");
}

TEST_CASE("a word the vocabulary knows is never corrected as a typo") {
    // "slime" and "mold" are no words of the sample, and close to "slide",
    // "gold", "cold": the vocabulary's "slime mold" is searched as typed.
    for (const std::string q : {"slime mold", "slime mould", "slime", "frog", "nematode"}) {
        INFO(q);
        SearchResult r = search(q);
        CHECK(r.corrections.empty());
        CHECK(r.did_you_mean.empty());
    }
    CHECK(search("slime mold").parsed.find("dictyostelium") != std::string::npos);
    // A word no key holds is still corrected.
    CHECK_FALSE(search("ribosme").corrections.empty());
}

TEST_CASE("the words of a longer key typed are expanded too: fission yeast is also a yeast") {
    // "fission yeast" is a key (Schizosaccharomyces pombe); its typed words
    // keep their own meanings, so the key's typed form is fission AND yeast-group.
    auto read = search("fission yeast");
    CHECK(read.parsed.find("AND(fission, SYN(yeast") != std::string::npos);
    CHECK(ids("fission yeast") == ids("S. pombe"));
}
