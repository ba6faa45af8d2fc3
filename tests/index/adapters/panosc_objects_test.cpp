// Tests for index/adapters/panosc_objects.cpp: the PaNOSC file's lines of a dump's
// Datasets, Documents and Instruments (Record::panosc), on data/panosc (the search-api
// fixture) and on small dumps built in memory.
#include "adapters/panosc_objects.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "adapters/panosc_adapter.h"
#include "collect_sink.h"
#include "panosc_dump.h"

using namespace atlas;

namespace {

const test::CollectSink& fixture() {
    static const test::CollectSink sink = [] {
        test::CollectSink s;
        auto adapter =
            detail::make_panosc_adapter(std::filesystem::path(ATLAS_DATA_DIR) / "panosc");
        auto status = adapter->read(s);
        REQUIRE_MESSAGE(status.ok(), status.error().message);
        return s;
    }();
    return sink;
}

rapidjson::Document line_of(const Record& r) {
    rapidjson::Document d;
    d.Parse(r.panosc.c_str());
    REQUIRE_MESSAGE(!d.HasParseError(), r.id << ": " << r.panosc);
    REQUIRE(d.IsObject());
    return d;
}

std::string str(const rapidjson::Value& v) {
    REQUIRE(v.IsString());
    return v.GetString();
}

std::vector<std::string> strings(const rapidjson::Value& array, const char* member) {
    std::vector<std::string> out;
    for (const auto& item : array.GetArray()) out.push_back(str(item[member]));
    return out;
}

std::vector<std::int64_t> ids(const rapidjson::Value& array) {
    std::vector<std::int64_t> out;
    for (const auto& item : array.GetArray()) out.push_back(item["id"].GetInt64());
    return out;
}

}  // namespace

TEST_CASE("the fixture's dataset1 line is its row verbatim with its relations in full") {
    const Record& ds = fixture().get("panosc:dataset:20.500.12269/panosc-dataset1");
    auto line = line_of(ds);
    CHECK(str(line["model"]) == "Dataset");
    CHECK_FALSE(line.HasMember("record"));  // the export adds it
    REQUIRE(line["documents"].IsArray());
    CHECK(line["documents"].Size() == 1);
    CHECK(str(line["documents"][0]) == "10.5072/panosc-document1");

    const auto& o = line["object"];
    CHECK(str(o["pid"]) == "20.500.12269/panosc-dataset1");
    CHECK(str(o["title"]) == "PaNOSC Test Dataset 1");
    CHECK(o["isPublic"].IsTrue());
    CHECK(str(o["creationDate"]) == "2020-05-05T15:01:02.341Z");
    CHECK(str(o["instrumentId"]) == "20.500.12269/0f98fcf2-7bd7-430e-ad20-d47031ca8f71");

    CHECK(ids(o["parameters"]) == std::vector<std::int64_t>{1, 2});
    CHECK(strings(o["parameters"], "name") ==
          std::vector<std::string>{"chemical_formula", "sample_state"});
    CHECK(strings(o["parameters"], "value") == std::vector<std::string>{"Cu", "solid"});
    CHECK(str(o["parameters"][0]["datasetId"]) == "20.500.12269/panosc-dataset1");
    CHECK(strings(o["samples"], "name") == std::vector<std::string>{"solid copper cylinder"});
    CHECK(strings(o["techniques"], "name") ==
          std::vector<std::string>{"small-angle neutron scattering"});
    CHECK(str(o["techniques"][0]["panetId"]) == "http://purl.org/pan-science/PaNET/PaNET01189");
    CHECK(strings(o["files"], "name") == std::vector<std::string>{"panosc-file1.hdf"});
    CHECK(o["files"][0]["id"].GetInt() == 1);
}

TEST_CASE("the fixture's parameter values stay numbers where the dump has numbers") {
    auto line = line_of(fixture().get("panosc:dataset:20.500.12269/panosc-dataset2"));
    const auto& p = line["object"]["parameters"];
    REQUIRE(p.Size() == 1);
    CHECK(str(p[0]["name"]) == "photon_energy");
    CHECK(p[0]["value"].IsInt());
    CHECK(p[0]["value"].GetInt() == 930);
    CHECK(str(p[0]["unit"]) == "eV");
    // DatasetSample rows all have id 1: each dataset still gets the sample its row names.
    for (int i = 1; i <= 4; ++i) {
        auto l = line_of(
            fixture().get("panosc:dataset:20.500.12269/panosc-dataset" + std::to_string(i)));
        CHECK(strings(l["object"]["samples"], "pid") ==
              std::vector<std::string>{"20.500.12269/panosc-sample1"});
    }
}

TEST_CASE("the fixture's document1 line has its members with person and affiliation") {
    auto line = line_of(fixture().get("panosc:document:10.5072/panosc-document1"));
    CHECK(str(line["model"]) == "Document");
    CHECK_FALSE(line.HasMember("documents"));
    const auto& o = line["object"];
    CHECK(str(o["pid"]) == "10.5072/panosc-document1");
    CHECK(str(o["type"]) == "publication");
    CHECK(o["isPublic"].IsTrue());
    const auto& members = o["members"];
    CHECK(ids(members) == std::vector<std::int64_t>{1, 2});
    CHECK(strings(members, "role") == std::vector<std::string>{"principal investigator", "owner"});
    CHECK(str(members[0]["person"]["fullName"]) == "John Smith");
    CHECK(str(members[1]["person"]["fullName"]) == "James Chadwick");
    CHECK(str(members[0]["affiliation"]["name"]) == "ESS");
    CHECK(str(members[0]["affiliation"]["city"]) == "Lund");
    CHECK(members[0]["affiliationId"].GetInt() == 1);
    CHECK(ids(o["parameters"]) == std::vector<std::int64_t>{6});
    CHECK(str(o["parameters"][0]["name"]) == "wavelength");
    CHECK(o["parameters"][0]["value"].GetInt() == 1064);
    CHECK(str(o["parameters"][0]["unit"]) == "nm");
}

TEST_CASE("the fixture's instruments are their rows, and no other record has a line") {
    auto line = line_of(
        fixture().get("panosc:instrument:20.500.12269/0f98fcf2-7bd7-430e-ad20-d47031ca8f71"));
    CHECK(str(line["model"]) == "Instrument");
    CHECK(str(line["object"]["name"]) == "LoKI");
    CHECK(str(line["object"]["facility"]) == "ESS");
    CHECK(line["object"].MemberCount() == 3);
    std::size_t lines = 0;
    for (const auto& r : fixture().records) {
        bool model = r.kind == "dataset" || r.kind == "document" || r.kind == "instrument";
        CHECK_MESSAGE(r.panosc.empty() != model, r.id);
        lines += r.panosc.empty() ? 0 : 1;
    }
    CHECK(lines == 4 + 2 + 15);
}

TEST_CASE("relations are sorted by numeric id, joined by their own keys, empty when none") {
    auto d = test::panosc_dump(R"({
        "Dataset": {"k1": {"title": "no pid", "size": 2.5, "parameters": "inline"},
                    "k2": {"pid": "k2", "documentId": "d1"}},
        "Document": {"d1": {"pid": "d1", "title": "Doc"}, "d2": {"pid": "d2"}},
        "DocumentDataset": {"1": {"id": 1, "datasetId": "k2", "documentId": "d2"},
                            "2": {"id": 1, "datasetId": "k2", "documentId": "d1"}},
        "Parameter": {"a": {"id": "x", "name": "n", "value": "t", "datasetId": "k1"},
                      "b": {"id": 10, "name": "ten", "value": 10, "datasetId": "k1"},
                      "c": {"id": 2, "name": "two", "value": 2.5, "datasetId": "k1"},
                      "d": {"name": "no id", "value": 0, "datasetId": "k1"}},
        "Member": {"m": {"id": 3, "documentId": "d1", "personId": "nobody"}},
        "Instrument": {"i1": {"pid": "i1", "name": "I"}}
    })");
    detail::panosc::ObjectWriter w(d->tables);
    const auto& rows = d->tables.of("Dataset");

    rapidjson::Document k1;
    k1.Parse(w.dataset(rows[0]).c_str());
    const auto& o = k1["object"];
    CHECK(str(o["pid"]) == "k1");  // the key, for a row without a pid
    CHECK(o["size"].GetDouble() == 2.5);
    CHECK(strings(o["parameters"], "name") == std::vector<std::string>{"two", "ten", "n", "no id"});
    CHECK(o["parameters"][0]["value"].GetDouble() == 2.5);
    for (const char* empty : {"samples", "techniques", "files"}) {
        REQUIRE(o[empty].IsArray());
        CHECK(o[empty].Empty());
    }
    CHECK(k1["documents"].Empty());

    rapidjson::Document k2;
    k2.Parse(w.dataset(rows[1]).c_str());
    // Its own documentId first, then the join rows' in dump order, each once.
    std::vector<std::string> documents;
    for (const auto& v : k2["documents"].GetArray()) documents.push_back(str(v));
    CHECK(documents == std::vector<std::string>{"d1", "d2"});

    const auto& docs = d->tables.of("Document");
    rapidjson::Document d1;
    d1.Parse(w.document(docs[0]).c_str());
    REQUIRE(d1["object"]["members"].Size() == 1);
    const auto& member = d1["object"]["members"][0];
    CHECK(str(member["personId"]) == "nobody");
    CHECK_FALSE(member.HasMember("person"));  // names no Person of the dump
    CHECK(d1["object"]["parameters"].Empty());
    rapidjson::Document d2;
    d2.Parse(w.document(docs[1]).c_str());
    CHECK(d2["object"]["members"].Empty());
    CHECK(d2["object"]["parameters"].Empty());
}
