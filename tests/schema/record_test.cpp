// Tests for schema/record.cpp: dates, catalog JSON round trips and content hashes.
#include "schema/record.h"

#include <doctest/doctest.h>
#include <cmath>

using namespace atlas;

TEST_CASE("parse_iso_date accepts real calendar dates only") {
    double days = -1;
    CHECK(parse_iso_date("1970-01-01", days));
    CHECK(days == 0);
    CHECK(parse_iso_date("2023-06-01", days));
    CHECK(days == 19509);
    CHECK(parse_iso_date("2024-02-29", days));
    CHECK_FALSE(parse_iso_date("2023-02-29", days));
    CHECK_FALSE(parse_iso_date("2023-XX-XX", days));
    CHECK_FALSE(parse_iso_date("2023-13-01", days));
    CHECK_FALSE(parse_iso_date("2023-6-1", days));
}

TEST_CASE("a record survives the catalog JSON round trip, values grouped by field") {
    Record r;
    r.id = "cryoet:run:10000/TS_026";
    r.source = "cryoet";
    r.kind = "run";
    r.parent = "cryoet:dataset:10000";
    r.title = "TS_026";
    r.file = "10000/TS_026/run_metadata.json";
    r.aliases = {"x"};
    r.breadcrumb = {{"cryoet:dataset:10000", "dataset", "S. pombe cells with defocus"}};
    r.add("organism", "Schizosaccharomyces pombe 972h-", Origin::inherited);
    r.add_number("voxel_spacing", 1.348e-9, "13.48", "Å", Origin::rollup);
    r.add("object", "cytosolic ribosome", Origin::rollup);
    r.add_number("voxel_spacing", 7.84e-10, "7.84", "Å", Origin::rollup);
    r.add_bool("ground_truth", false);
    r.add_date("release_date", "2023-06-01");
    r.add_link("s3", "s3://cryoet-data-portal-public/10000/TS_026/");

    std::string json = to_json(r);
    auto back = record_from_json(json);
    REQUIRE(back.ok());
    const Record& b = back.value();
    CHECK(b.id == r.id);
    CHECK(b.parent == r.parent);
    CHECK(b.aliases == r.aliases);
    CHECK(b.breadcrumb.size() == 1);
    CHECK(b.get("voxel_spacing").size() == 2);
    CHECK(b.get("voxel_spacing")[1]->number == doctest::Approx(7.84e-10));
    CHECK(b.get("voxel_spacing")[1]->unit == "Å");
    CHECK(b.get("organism")[0]->origin == Origin::inherited);
    CHECK(b.get("ground_truth")[0]->number == 0);
    CHECK(b.get("release_date")[0]->number == 19509);
    CHECK(b.links.size() == 1);
    // Grouping is stable: the round trip writes the same JSON.
    CHECK(to_json(b) == to_json(back.value()));
    CHECK(content_hash(json) == content_hash(json));
    CHECK(content_hash(json) != content_hash(json + " "));
    CHECK(content_hash(json).size() == 16);
}

TEST_CASE("record_from_json reports damaged JSON as corrupt") {
    CHECK(record_from_json("{").error().code == Errc::corrupt);
    CHECK(record_from_json("[]").error().code == Errc::corrupt);
    CHECK(record_from_json(R"({"title":"no id"})").error().code == Errc::corrupt);
}

TEST_CASE("adding empty text and bad dates adds nothing") {
    Record r;
    r.add("organism", "");
    r.add_date("release_date", "2023-XX-XX");
    CHECK(r.values.empty());
    CHECK(r.first("organism").empty());
}

TEST_CASE("a record's PaNOSC line survives the round trip and is absent when empty") {
    Record r;
    r.id = "panosc:dataset:ds1";
    r.source = "panosc";
    r.kind = "dataset";
    std::string without = to_json(r);
    CHECK(without.find("panosc\":") == std::string::npos);
    CHECK(record_from_json(without).value().panosc.empty());

    r.panosc = R"({"model":"Dataset","documents":[],"object":{"pid":"ds1","size":3}})";
    std::string with = to_json(r);
    // A string member at the end: the records without one keep their JSON and hash.
    CHECK(with.ends_with(R"(,"panosc":"{\"model\":\"Dataset\",\"documents\":[],)"
                         R"(\"object\":{\"pid\":\"ds1\",\"size\":3}}"})"));
    CHECK(with.substr(0, without.size() - 1) == without.substr(0, without.size() - 1));
    auto back = record_from_json(with);
    REQUIRE(back.ok());
    CHECK(back.value().panosc == r.panosc);
    CHECK(to_json(back.value()) == with);
}

TEST_CASE("every number reads back as the number written, so an unchanged record hashes the same") {
    // 1.6030534351145039 (a real dose rate) once read back one ulp off:
    // written again it differed, and an update saw the record as changed.
    Record r;
    r.id = "cryoet:run:10154/ycw2013-10-10-1";
    r.source = "cryoet";
    r.kind = "run";
    r.title = "ycw2013-10-10-1";
    std::uint64_t state = 42;
    for (int i = 0; i < 2000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double v = static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53) *
                   std::pow(10.0, static_cast<int>(state % 17) - 8);
        r.add_number("dose_rate", v, "x", "e/A2/s");
    }
    r.add_number("dose_rate", 1.6030534351145039, "1.60305343511", "e/A2/s");
    std::string json = to_json(r);
    auto back = record_from_json(json);
    REQUIRE_MESSAGE(back.ok(), back.error().message);
    REQUIRE(back.value().values.size() == r.values.size());
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        CHECK(back.value().values[i].number == r.values[i].number);
    }
    CHECK(to_json(back.value()) == json);
    CHECK(content_hash(to_json(back.value())) == content_hash(json));
}
