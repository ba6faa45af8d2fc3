// Tests for schema/display_data.cpp: the display data written for a record and read back.
#include "schema/display_data.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace atlas;

namespace {

// A run of the cryoET portal with a value of every kind a hit shows.
Record sample_run() {
    Record r;
    r.id = "cryoet:run:10000/TS_026";
    r.source = "cryoet";
    r.kind = "run";
    r.parent = "cryoet:dataset:10000";
    r.title = "TS_026";
    r.file = "10000/TS_026/run_metadata.json";
    r.aliases = {"TS_026"};
    r.breadcrumb = {{"cryoet:dataset:10000", "dataset", "S. pombe cells with defocus"},
                    {"cryoet:run:10000/TS_026", "run", "TS_026"}};
    r.add("organism", "Schizosaccharomyces pombe 972h-", Origin::inherited);
    r.add_number("voxel_spacing", 1.348e-9, "13.48", "Å", Origin::rollup);
    r.add("object", "cytosolic ribosome", Origin::rollup);
    r.add_number("voxel_spacing", 7.84e-10, "7.84", "Å", Origin::rollup);
    r.add_number("acceleration_voltage", 300000, "300", "kV");
    r.add("no_such_field", "left out");
    r.add_bool("ground_truth", true);
    r.add_bool("aligned", false);
    r.add_date("release_date", "2023-06-01");
    r.add_link("s3", "s3://cryoet-data-portal-public/10000/TS_026/");
    r.add_link("https", "https://cryoetdataportal.czscience.com/runs/1");
    r.add_link("s3", "s3://cryoet-data-portal-public/10000/TS_026/Tomograms/");
    return r;
}

const DisplayField* field(const DisplayData& d, std::string_view name) {
    for (const auto& f : d.fields) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("a record's display data decodes to every part the record shows") {
    const Record r = sample_run();
    auto decoded = decode_display_data(encode_display_data(r));
    REQUIRE(decoded);
    const DisplayData& d = *decoded;
    CHECK(d.id == "cryoet:run:10000/TS_026");
    CHECK(d.kind == "run");
    CHECK(d.source == "cryoet");
    CHECK(d.title == "TS_026");
    REQUIRE(d.breadcrumb.size() == 2);
    for (std::size_t i = 0; i < r.breadcrumb.size(); ++i) {
        CHECK(d.breadcrumb[i].id == r.breadcrumb[i].id);
        CHECK(d.breadcrumb[i].kind == r.breadcrumb[i].kind);
        CHECK(d.breadcrumb[i].label == r.breadcrumb[i].label);
    }

    // Schema fields in first-seen order; the unknown field is left out.
    std::vector<std::string> names;
    for (const auto& f : d.fields) names.push_back(f.name);
    CHECK(names == std::vector<std::string>{"organism", "voxel_spacing", "object",
                                            "acceleration_voltage", "ground_truth", "aligned",
                                            "release_date"});
    for (const auto& f : d.fields) CHECK(f.more == 0);

    const DisplayField* organism = field(d, "organism");
    REQUIRE(organism->values.size() == 1);
    CHECK(organism->values[0].type == DisplayValue::Type::text);
    CHECK(organism->values[0].text == "Schizosaccharomyces pombe 972h-");
    // Numbers in the field's display unit: Å and kV, not metres and volts.
    const DisplayField* spacing = field(d, "voxel_spacing");
    REQUIRE(spacing->values.size() == 2);
    CHECK(spacing->values[0].type == DisplayValue::Type::number);
    CHECK(spacing->values[0].number == 13.48);
    CHECK(spacing->values[1].number == 7.84);
    CHECK(spacing->values[1].text.empty());
    const DisplayField* voltage = field(d, "acceleration_voltage");
    REQUIRE(voltage->values.size() == 1);
    CHECK(voltage->values[0].number == 300);
    const DisplayField* ground_truth = field(d, "ground_truth");
    REQUIRE(ground_truth->values.size() == 1);
    CHECK(ground_truth->values[0].type == DisplayValue::Type::boolean);
    CHECK(ground_truth->values[0].number == 1);
    const DisplayField* aligned = field(d, "aligned");
    REQUIRE(aligned->values.size() == 1);
    CHECK(aligned->values[0].type == DisplayValue::Type::boolean);
    CHECK(aligned->values[0].number == 0);
    const DisplayField* released = field(d, "release_date");
    REQUIRE(released->values.size() == 1);
    CHECK(released->values[0].type == DisplayValue::Type::text);
    CHECK(released->values[0].text == "2023-06-01");

    // Links grouped by rel in first-seen order, every url kept.
    REQUIRE(d.links.size() == 2);
    CHECK(d.links[0].rel == "s3");
    CHECK(d.links[0].urls ==
          std::vector<std::string>{"s3://cryoet-data-portal-public/10000/TS_026/",
                                   "s3://cryoet-data-portal-public/10000/TS_026/Tomograms/"});
    CHECK(d.links[1].rel == "https");
    CHECK(d.links[1].urls ==
          std::vector<std::string>{"https://cryoetdataportal.czscience.com/runs/1"});
}

TEST_CASE("a field shows its first 100 values and counts the rest in more") {
    Record r;
    r.id = "htan:publication:1";
    r.kind = "publication";
    for (int i = 0; i < 250; ++i) r.add("object", "object " + std::to_string(i));
    for (int i = 0; i < 100; ++i) r.add("author", "author " + std::to_string(i));
    std::string data = encode_display_data(r);
    auto d = decode_display_data(data);
    REQUIRE(d);
    REQUIRE(d->fields.size() == 2);
    CHECK(d->fields[0].name == "object");
    REQUIRE(d->fields[0].values.size() == kMaxDisplayValues);
    CHECK(d->fields[0].values.front().text == "object 0");
    CHECK(d->fields[0].values.back().text == "object 99");
    CHECK(d->fields[0].more == 150);
    // Exactly 100 values: nothing left out, and no count written for it.
    CHECK(d->fields[1].name == "author");
    CHECK(d->fields[1].values.size() == 100);
    CHECK(d->fields[1].more == 0);
    CHECK(data.find(R"("more":{"object":150})") != std::string::npos);
    CHECK(data.find(R"("author":100)") == std::string::npos);

    Record few = r;
    few.values.resize(3);
    CHECK(encode_display_data(few).find(R"("more")") == std::string::npos);
}

TEST_CASE("decode_display_data skips members of the wrong type") {
    auto d = decode_display_data(
        R"({"id":7,"kind":"run","source":null,"title":["t"],)"
        R"("breadcrumb":[1,{"id":"a","kind":2},"x",{"label":"L"}],)"
        R"("fields":{"organism":"not a list","object":["ribosome",null,{"a":1},[2],3.5,false],)"
        R"("tag":[]},)"
        R"("more":{"object":"many","tag":4,"author":9,"organism":-1},)"
        R"("links":{"s3":"s3://x","doi":["10.1/x",5,"10.1/y"]}})");
    REQUIRE(d);
    CHECK(d->id.empty());
    CHECK(d->kind == "run");
    CHECK(d->source.empty());
    CHECK(d->title.empty());
    REQUIRE(d->breadcrumb.size() == 2);
    CHECK(d->breadcrumb[0].id == "a");
    CHECK(d->breadcrumb[0].kind.empty());
    CHECK(d->breadcrumb[0].label.empty());
    CHECK(d->breadcrumb[1].id.empty());
    CHECK(d->breadcrumb[1].label == "L");
    REQUIRE(d->fields.size() == 2);
    CHECK(d->fields[0].name == "object");
    REQUIRE(d->fields[0].values.size() == 3);
    CHECK(d->fields[0].values[0].text == "ribosome");
    CHECK(d->fields[0].values[1].type == DisplayValue::Type::number);
    CHECK(d->fields[0].values[1].number == 3.5);
    CHECK(d->fields[0].values[2].type == DisplayValue::Type::boolean);
    CHECK(d->fields[0].values[2].number == 0);
    CHECK(d->fields[0].more == 0);
    CHECK(d->fields[1].name == "tag");
    CHECK(d->fields[1].values.empty());
    CHECK(d->fields[1].more == 4);
    REQUIRE(d->links.size() == 1);
    CHECK(d->links[0].rel == "doi");
    CHECK(d->links[0].urls == std::vector<std::string>{"10.1/x", "10.1/y"});

    auto bare = decode_display_data(R"({"breadcrumb":{},"fields":[],"more":[],"links":[]})");
    REQUIRE(bare);
    CHECK(bare->id.empty());
    CHECK(bare->breadcrumb.empty());
    CHECK(bare->fields.empty());
    CHECK(bare->links.empty());
}

TEST_CASE("decode_display_data gives nothing for data that is not a JSON object") {
    CHECK_FALSE(decode_display_data(""));
    CHECK_FALSE(decode_display_data("not json"));
    CHECK_FALSE(decode_display_data(R"({"id":"cryoet:run:1")"));
    CHECK_FALSE(decode_display_data(R"({"id":"a"} trailing)"));
    CHECK_FALSE(decode_display_data(R"(["id","a"])"));
    CHECK_FALSE(decode_display_data(R"("a string")"));
    CHECK_FALSE(decode_display_data("null"));
    CHECK(decode_display_data("{}"));
}

TEST_CASE("the display data of a fixed record is these bytes (a golden example of the format)") {
    // Indexes store these bytes: a change here changes every index built
    // afterwards and the readers that decode it.
    CHECK(encode_display_data(sample_run()) ==
          R"({"id":"cryoet:run:10000/TS_026","kind":"run","source":"cryoet","title":"TS_026",)"
          R"("breadcrumb":[{"id":"cryoet:dataset:10000","kind":"dataset",)"
          R"("label":"S. pombe cells with defocus"},)"
          R"({"id":"cryoet:run:10000/TS_026","kind":"run","label":"TS_026"}],)"
          R"("fields":{"organism":["Schizosaccharomyces pombe 972h-"],)"
          R"("voxel_spacing":[13.48,7.84],"object":["cytosolic ribosome"],)"
          R"("acceleration_voltage":[300.0],"ground_truth":[true],"aligned":[false],)"
          R"("release_date":["2023-06-01"]},)"
          R"("links":{"s3":["s3://cryoet-data-portal-public/10000/TS_026/",)"
          R"("s3://cryoet-data-portal-public/10000/TS_026/Tomograms/"],)"
          R"("https":["https://cryoetdataportal.czscience.com/runs/1"]}})");
}
