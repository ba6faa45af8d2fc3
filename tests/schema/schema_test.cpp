// Tests for schema/schema.cpp: the field table's invariants and the term helpers.
#include "schema/schema.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace atlas;

TEST_CASE(
    "every field has a unique name, prefix and slot, and prefixes follow Xapian's X+upper rule") {
    std::set<std::string_view> names, prefixes;
    std::set<int> slots;
    std::regex prefix_rule("X[A-Z]+");
    for (const auto& f : field_specs()) {
        CAPTURE(f.name);
        CHECK(names.insert(f.name).second);
        bool stored_in_slot = f.type == FieldType::number || f.type == FieldType::date;
        if (stored_in_slot) {
            CHECK(f.prefix.empty());
            CHECK(f.slot >= 10);
            CHECK(slots.insert(f.slot).second);
        } else {
            CHECK(f.slot == -1);
            CHECK(std::regex_match(std::string(f.prefix), prefix_rule));
            CHECK(prefixes.insert(f.prefix).second);
            // Identity, reference and owner terms are no field's (XIDN begins
            // with id's XID, but a field's words and values never go on with
            // an upper-case letter).
            for (auto qualified : {kIdentityPrefix, kReferencePrefix, kOwnPrefix}) {
                CHECK(f.prefix != qualified);
            }
        }
        if (!f.unit.empty()) {
            const Unit* unit = find_unit(f.unit);
            REQUIRE(unit != nullptr);
            CHECK(unit->dimension == f.dimension);
        }
        CHECK_FALSE(f.label.empty());
        CHECK_FALSE(f.help.empty());
    }
    CHECK(slots.count(static_cast<int>(kSlotBrowseOrder)) == 0);
    CHECK(slots.count(static_cast<int>(kSlotTitle)) == 0);
}

TEST_CASE("every number field declares a finite plausible range and no other field has one") {
    for (const auto& f : field_specs()) {
        CAPTURE(f.name);
        if (f.type == FieldType::number) {
            CHECK(std::isfinite(f.range.min));
            CHECK(std::isfinite(f.range.max));
            CHECK(f.range.min < f.range.max);
        } else {
            CHECK(std::isinf(f.range.min));
            CHECK(std::isinf(f.range.max));
        }
    }
    // In the display unit: kilovolts, angstroms, years.
    CHECK(find_field("acceleration_voltage")->range.max == 3000);
    CHECK(find_field("voxel_spacing")->range.min == 0.1);
    CHECK(find_field("age")->range.max == 125);
    CHECK(find_field("quality")->range.min == 1);
    CHECK(find_field("quality")->range.max == 5);
}

TEST_CASE("the main query fields of the issue all exist with the right types") {
    for (const char* name : {"organism", "object", "object_id", "shape", "method", "software",
                             "camera", "reconstruction", "kind", "dataset", "deposition"}) {
        CAPTURE(name);
        REQUIRE(find_field(name) != nullptr);
    }
    CHECK(find_field("quality")->type == FieldType::number);
    CHECK(find_field("voxel_spacing")->dimension == Dimension::length);
    CHECK(find_field("voxel_spacing")->unit == "Å");
    CHECK(find_field("ground_truth")->type == FieldType::boolean);
    CHECK(find_field("release_date")->type == FieldType::date);
    CHECK(find_field("nonsense") == nullptr);
}

TEST_CASE("closest_field suggests a field for a typo and nothing for unrelated words") {
    CHECK(closest_field("autor") == "author");
    CHECK(closest_field("organsim") == "organism");
    CHECK(closest_field("xyzzyplugh").empty());
}

TEST_CASE(
    "exact values: keywords compact to letters and digits, identifiers fold and drop typed "
    "prefixes") {
    CHECK(exact_value(*find_field("software"), "Serial EM") == "serialem");
    CHECK(exact_value(*find_field("software"), "SerialEM") == "serialem");
    CHECK(exact_value(*find_field("organism"), "Schizosaccharomyces pombe 972h-") ==
          "schizosaccharomycespombe972h");
    CHECK(exact_value(*find_field("dataset"), "DS-10000") == "10000");
    CHECK(exact_value(*find_field("dataset"), "10000") == "10000");
    CHECK(exact_value(*find_field("deposition"), "CZCDP-10300") == "10300");
    CHECK(exact_value(*find_field("object_id"), "GO:0022626") == "go:0022626");
    CHECK(exact_value(*find_field("organism_id"), "NCBITaxon:284812") == "284812");
    CHECK(exact_term("XK", "run") == "XK=run");
    CHECK(own_term(*find_field("organ"), "kidney") == "XOWNorgan=kidney");
    CHECK(word_term("XORG", "pombe") == "XORGpombe");
    CHECK(stem_term("ribosomes") == "Zribosom");
    CHECK(id_term("cryoet:dataset:10000") == "Qcryoet:dataset:10000");
}

TEST_CASE("packed number slots round-trip every value and ignore a torn tail") {
    std::vector<double> values{13.48e-10, 7.84e-10, -60, 0};
    std::string packed = pack_numbers(values);
    CHECK(packed.size() == 32);
    CHECK(unpack_numbers(packed) == values);
    CHECK(unpack_numbers(packed.substr(0, 20)).size() == 2);
    CHECK(unpack_numbers("").empty());
}

TEST_CASE("browse order puts datasets first and unknown kinds last") {
    CHECK(kind_rank("dataset") < kind_rank("run"));
    CHECK(kind_rank("run") < kind_rank("annotation"));
    CHECK(kind_rank("something") > kind_rank("annotation"));
}

TEST_CASE("public headers are the seven a consumer needs and expose no third-party or internal type") {
    namespace fs = std::filesystem;
    std::set<std::string> found;
    for (const char* dir : {"schema/include/atlas", "index/include/atlas", "query/include/atlas",
                            "server/include/atlas"}) {
        for (const auto& e : fs::directory_iterator(fs::path(ATLAS_SOURCE_DIR) / dir)) {
            std::ifstream in(e.path());
            std::stringstream text;
            text << in.rdbuf();
            std::string s = text.str();
            CAPTURE(e.path().string());
            for (const char* banned :
                 {"#include <xapian", "Xapian::", "#include <sqlite3", "sqlite3_", "sqlite3*",
                  "#include <rapidjson", "rapidjson::", "#include \"schema/", "httplib"}) {
                CAPTURE(banned);
                CHECK(s.find(banned) == std::string::npos);
            }
            found.insert(e.path().filename().string());
        }
    }
    // The contract between writer and readers (schema/*.h) is internal.
    CHECK(found == std::set<std::string>{"error.h", "index.h", "manifest.h", "portals.h",
                                         "request_text.h", "search.h", "server.h"});
}
