// Tests for schema/portals.cpp: the registry of portals (schema/portals.def) as both
// sides and the public API see it.
#include "atlas/portals.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "schema/schema.h"

using namespace atlas;

TEST_CASE("every portal of the registry has kinds in the browse order and key fields that exist") {
    std::set<std::string> names;
    for (const auto& p : portals()) {
        CAPTURE(p.name);
        CHECK(names.insert(p.name).second);
        CHECK_FALSE(p.title.empty());
        CHECK_FALSE(p.source_export.empty());
        REQUIRE_FALSE(p.kinds.empty());
        for (const auto& k : p.kinds) {
            CAPTURE(k);
            CHECK(static_cast<std::size_t>(kind_rank(k)) < known_kinds().size());
        }
        REQUIRE_FALSE(p.key_fields.empty());
        for (const auto& f : p.key_fields) {
            CAPTURE(f);
            CHECK(find_field(f) != nullptr);
        }
        CHECK(find_portal(p.name) == &p);
    }
    CHECK(find_portal("nothing") == nullptr);
    CHECK(names == std::set<std::string>{"cryoet", "htan", "hoa", "panosc", "minerva"});
    CHECK(std::vector<std::string>(known_source_names().begin(), known_source_names().end()) ==
          std::vector<std::string>{"cryoet", "htan", "hoa", "panosc", "minerva"});
}

TEST_CASE("every kind of the browse order is made by some portal, in the order all_kinds() gives") {
    std::set<std::string> made;
    for (const auto& p : portals()) made.insert(p.kinds.begin(), p.kinds.end());
    const auto& all = all_kinds();
    CHECK(all.size() == known_kinds().size());
    CHECK(std::set<std::string>(all.begin(), all.end()) == made);
    for (std::size_t i = 0; i < all.size(); ++i) CHECK(kind_rank(all[i]) == static_cast<int>(i));
    CHECK(all.front() == "dataset");
    CHECK(kind_rank("not a kind") == static_cast<int>(all.size()));
}

TEST_CASE("the kind and source fields' help lists the registry's kinds and portals") {
    CHECK(find_field("kind")->help ==
          "record kind: dataset, deposition, run, tiltseries, tomogram, annotation (cryoet); "
          "atlas, participant, biospecimen, file, publication (htan); donor, organ (hoa); "
          "document, instrument, technique, sample (panosc); story (minerva)");
    CHECK(find_field("source")->help ==
          "portal the record comes from: cryoet, htan, hoa, panosc, minerva");
}

TEST_CASE("all_fields() describes every field as a front end needs it") {
    const auto& all = all_fields();
    REQUIRE(all.size() == field_specs().size());
    auto info = [&](std::string_view name) {
        auto it = std::find_if(all.begin(), all.end(), [&](const FieldInfo& f) { return f.name == name; });
        REQUIRE(it != all.end());
        return *it;
    };
    auto voxel = info("voxel_spacing");
    CHECK(voxel.type == "number");
    CHECK(voxel.unit == "\u00c5");
    CHECK(voxel.range);
    CHECK(voxel.facet);
    CHECK(voxel.sortable);
    auto organism = info("organism");
    CHECK(organism.type == "keyword");
    CHECK(organism.facet);
    CHECK_FALSE(organism.sortable);
    CHECK_FALSE(organism.range);
    CHECK(organism.multi);
    CHECK(organism.label == "Organism");
    auto htan_id = info("htan_id");
    CHECK_FALSE(htan_id.facet);  // one record each: filter on it
    CHECK(info("title").sortable);
    CHECK(info("kind").sortable);
    CHECK(info("release_date").type == "date");
    CHECK(schema_version() == kSchemaVersion);
}
