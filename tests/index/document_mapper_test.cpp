// Tests for index/document_mapper.cpp on the index of every bundled portal: what a
// fielded word weighs in the record that holds its value and in those that inherit
// or roll it up, and which records get owner terms (schema.h own_term).
#include <doctest/doctest.h>
#include <xapian.h>

#include <map>
#include <set>
#include <string>

#include "schema/layout.h"
#include "schema/schema.h"
#include "test_util.h"

using namespace atlas;

namespace {

const Xapian::Database& db() {
    static const Xapian::Database d(test::portal_index().dir + "/" + std::string(kCurrentLink) +
                                    "/" + std::string(kXapianDir));
    return d;
}

// Each document's kind, from the kind terms.
const std::map<Xapian::docid, std::string>& kinds() {
    static const auto out = [] {
        std::map<Xapian::docid, std::string> k;
        std::string prefix = exact_term(find_field("kind")->prefix, "");
        for (auto t = db().allterms_begin(prefix); t != db().allterms_end(prefix); ++t) {
            for (auto d = db().postlist_begin(*t); d != db().postlist_end(*t); ++d) {
                k[*d] = (*t).substr(prefix.size());
            }
        }
        return k;
    }();
    return out;
}

// The documents of `term` with its wdf in each.
std::map<Xapian::docid, Xapian::termcount> postings(const std::string& term) {
    std::map<Xapian::docid, Xapian::termcount> out;
    for (auto d = db().postlist_begin(term); d != db().postlist_end(term); ++d) {
        out[*d] = d.get_wdf();
    }
    return out;
}

std::set<Xapian::docid> docs(const std::string& term) {
    std::set<Xapian::docid> out;
    for (const auto& [d, wdf] : postings(term)) out.insert(d);
    return out;
}

// The records holding `value` of `field` (exact terms), and those holding it themselves.
struct Holders {
    std::set<Xapian::docid> all, owners;
};
Holders holders(const std::string& field, const std::string& value) {
    const FieldSpec* spec = find_field(field);
    REQUIRE(spec != nullptr);
    std::string exact = exact_value(*spec, value);
    return {docs(exact_term(spec->prefix, exact)), docs(own_term(*spec, exact))};
}

std::set<std::string> kinds_of(const std::set<Xapian::docid>& ds) {
    std::set<std::string> out;
    for (auto d : ds) out.insert(kinds().at(d));
    return out;
}

}  // namespace

TEST_CASE(
    "a fielded word weighs 2 in the record holding its value, 1 where inherited or rolled up") {
    // "Level 2" belongs to HTAN files; participants, biospecimens and atlases roll it up.
    auto level = postings(word_term(find_field("level")->prefix, "2"));
    auto owners = holders("level", "Level 2").owners;
    std::set<std::string> rolled_up;
    for (const auto& [d, wdf] : level) {
        CAPTURE(kinds().at(d));
        CHECK(wdf == (owners.count(d) != 0 ? 2u : 1u));
        CHECK((kinds().at(d) == "file") == (owners.count(d) != 0));
        if (owners.count(d) == 0) rolled_up.insert(kinds().at(d));
    }
    CHECK(rolled_up == std::set<std::string>{"atlas", "participant", "biospecimen"});
    // A tomogram inherits its run's objects: one per value, where the annotation has two.
    auto ribosome = postings(word_term(find_field("object")->prefix, "ribosome"));
    std::set<std::string> weighed_once;
    for (const auto& [d, wdf] : ribosome) {
        if (kinds().at(d) == "annotation") CHECK(wdf % 2 == 0);
        if (wdf == 1) weighed_once.insert(kinds().at(d));
    }
    CHECK(weighed_once.count("tomogram") == 1);
    CHECK(weighed_once.count("annotation") == 0);
}

TEST_CASE("own keyword and boolean values get an owner term - inherited and rolled-up ones do not") {
    auto level = holders("level", "Level 2");
    CHECK(kinds_of(level.owners) == std::set<std::string>{"file"});
    CHECK(kinds_of(level.all).count("participant") == 1);
    // HTAN participants hold their organ; their biospecimens and files inherit it.
    auto colon = holders("organ", "Colorectal");
    CHECK(kinds_of(colon.owners).count("participant") == 1);
    CHECK(kinds_of(colon.owners).count("biospecimen") == 0);
    CHECK(kinds_of(colon.all).count("biospecimen") == 1);
    // Ground truth belongs to annotations; runs, datasets and depositions roll it up.
    auto truth = holders("ground_truth", "true");
    CHECK(kinds_of(truth.owners) == std::set<std::string>{"annotation"});
    CHECK(kinds_of(truth.all) ==
          std::set<std::string>{"annotation", "run", "dataset", "deposition"});
    // A Human Organ Atlas donor's sex: its organs and scans inherit it.
    auto male = holders("sex", "male");
    CHECK(kinds_of(male.owners) == std::set<std::string>{"donor", "participant"});
    CHECK(kinds_of(male.all).count("organ") == 1);
    for (auto* h : {&level, &colon, &truth, &male}) {
        for (auto d : h->owners) CHECK(h->all.count(d) == 1);
    }
    // Not for keywords that are no facet: a term per file name would be a term per file.
    std::string file_names = own_term(*find_field("file_name"), "");
    CHECK(db().allterms_begin(file_names) == db().allterms_end(file_names));
}
