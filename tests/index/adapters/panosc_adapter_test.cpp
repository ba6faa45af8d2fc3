// Tests for index/adapters/panosc_{adapter,mapping}.cpp on data/panosc (the search-api fixture,
// byte for byte) and on small dumps written here in the shapes the other corpus copies have.
//
// Expected counts and values are read from the fixture with RapidJSON,
// independently of the adapter, wherever they can be.
#include "adapters/panosc_adapter.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "collect_sink.h"
#include "schema/schema.h"
#include "schema/units.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

using Collect = test::CollectSink;
using test::texts;

fs::path sample_dir() { return fs::path(ATLAS_DATA_DIR) / "panosc"; }

Collect run(const fs::path& root, Collect sink = {}) {
    auto adapter = detail::make_panosc_adapter(root);
    auto status = adapter->read(sink);
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return sink;
}

const Collect& sample() {
    static const Collect c = run(sample_dir());
    return c;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

const Value& only(const Record& r, const std::string& field) {
    auto v = r.get(field);
    REQUIRE_MESSAGE(v.size() == 1, r.id << " has " << v.size() << " values of " << field);
    return *v.front();
}

double canonical(double value, const char* unit) {
    const Unit* u = find_unit(unit);
    REQUIRE(u != nullptr);
    return to_canonical(value, *u);
}

// The fixture's records of one model, parsed from their JSON text.
std::map<std::string, rapidjson::Document> fixture_model(const std::string& model) {
    rapidjson::Document dump;
    std::string text = test::read_file(sample_dir() / "search-api" / "db.json");
    dump.Parse(text.c_str());
    REQUIRE_FALSE(dump.HasParseError());
    std::map<std::string, rapidjson::Document> out;
    for (const auto& m : dump["models"][model.c_str()].GetObject()) {
        rapidjson::Document d;
        d.Parse(m.value.GetString());
        REQUIRE_FALSE(d.HasParseError());
        out.emplace(m.name.GetString(), std::move(d));
    }
    return out;
}

// Writes a file, creating its folders.
void put(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    test::write_file(path, text);
}

// A dump whose records are JSON objects (jirzi0's shape) holding `models`.
std::string dump_of(const std::string& models) {
    return R"({"ids": {"Dataset": 9}, "models": {"ACL": {}, "User": {}, )" + models + "}}";
}

}  // namespace

TEST_CASE("PaNOSC: the search-api fixture gives a record per entity of every kind") {
    const auto& c = sample();
    std::map<std::string, std::string> models{
        {"dataset", "Dataset"},     {"document", "Document"}, {"instrument", "Instrument"},
        {"technique", "Technique"}, {"sample", "Sample"},     {"file", "File"}};
    for (const auto& [kind, model] : models) {
        CHECK_MESSAGE(c.count_kind(kind) == fixture_model(model).size(), kind);
    }
    // SOURCE.md's counts, which the reference fixture must keep.
    CHECK(c.count_kind("dataset") == 4);
    CHECK(c.count_kind("document") == 2);
    CHECK(c.count_kind("instrument") == 15);
    CHECK(c.count_kind("technique") == 2);
    CHECK(c.count_kind("sample") == 1);
    CHECK(c.count_kind("file") == 4);
    CHECK(c.records.size() == 28);
    for (const auto& i : c.issues) CHECK_MESSAGE(false, i.to_line());
    for (const auto& r : c.records) {
        CHECK(r.source == "panosc");
        CHECK(r.file == "search-api/db.json");
        CHECK_FALSE(r.title.empty());
        for (const auto& v : r.values) CHECK_MESSAGE(find_field(v.field) != nullptr, v.field);
    }
}

TEST_CASE("PaNOSC: ids are pids - a file is named by its dataset and its name") {
    const auto& c = sample();
    for (const auto& [pid, doc] : fixture_model("Dataset")) {
        const Record& r = c.get("panosc:dataset:" + pid);
        CHECK(r.title == doc["title"].GetString());
    }
    for (const auto& [key, doc] : fixture_model("File")) {
        std::string id =
            fmt::format("panosc:file:{}/{}", doc["datasetId"].GetString(), doc["name"].GetString());
        const Record& f = c.get(id);
        CHECK(f.parent == std::string("panosc:dataset:") + doc["datasetId"].GetString());
        CHECK(texts(f, "file_name") == std::vector<std::string>{doc["name"].GetString()});
    }
    CHECK(c.has("panosc:instrument:20.500.12269/0f98fcf2-7bd7-430e-ad20-d47031ca8f71"));
    CHECK(c.has("panosc:technique:20.500.12269/panosc-tech1"));
    CHECK(c.has("panosc:sample:20.500.12269/panosc-sample1"));
}

TEST_CASE("PaNOSC: a dataset carries its instrument, techniques, sample, document and files") {
    const auto& c = sample();
    const Record& ds = c.get("panosc:dataset:20.500.12269/panosc-dataset1");
    CHECK(texts(ds, "instrument") == std::vector<std::string>{"LoKI"});
    CHECK(texts(ds, "facility") == std::vector<std::string>{"ESS"});
    CHECK(texts(ds, "technique") == std::vector<std::string>{"small-angle neutron scattering"});
    CHECK(texts(ds, "technique_id") == std::vector<std::string>{"PaNET01189"});
    CHECK(texts(ds, "sample") == std::vector<std::string>{"solid copper cylinder"});
    CHECK(ds.parent == "panosc:document:10.5072/panosc-document1");
    REQUIRE(ds.breadcrumb.size() == 2);
    CHECK(ds.breadcrumb[0].label == "PaNOSC Test Publication");
    CHECK(contains(texts(ds, "description"), "PaNOSC Test Publication"));
    CHECK(only(ds, "file_count").number == 1);
    CHECK(texts(ds, "file_name") == std::vector<std::string>{"panosc-file1.hdf"});
    CHECK(texts(ds, "deposition_date") == std::vector<std::string>{"2020-05-05"});

    const Record& file = c.get("panosc:file:20.500.12269/panosc-dataset1/panosc-file1.hdf");
    CHECK(texts(file, "instrument") == std::vector<std::string>{"LoKI"});
    CHECK(texts(file, "dataset_title") == std::vector<std::string>{ds.title});
    CHECK(file.breadcrumb.size() == 3);

    const Record& loki = c.get("panosc:instrument:" + std::string("20.500.12269/0f98fcf2-7bd7-430e-"
                                                                  "ad20-d47031ca8f71"));
    CHECK(loki.title == "LoKI");
    CHECK(texts(loki, "facility") == std::vector<std::string>{"ESS"});
    CHECK(only(loki, "dataset_count").number == 1);
    CHECK(only(c.get("panosc:technique:20.500.12269/panosc-tech2"), "dataset_count").number == 2);
}

TEST_CASE("PaNOSC: a document has its members as authors and its datasets' facts rolled up") {
    const auto& c = sample();
    const Record& doc = c.get("panosc:document:10.5072/panosc-document1");
    CHECK(doc.title == fixture_model("Document")["10.5072/panosc-document1"]["title"].GetString());
    CHECK(texts(doc, "document_type") == std::vector<std::string>{"publication"});
    CHECK(texts(doc, "author") == std::vector<std::string>{"John Smith", "James Chadwick"});
    CHECK(texts(doc, "affiliation") == std::vector<std::string>{"ESS"});
    CHECK(contains(texts(doc, "parameter"), "principal investigator = John Smith"));
    CHECK(only(doc, "dataset_count").number == 2);
    CHECK(only(doc, "file_count").number == 2);
    CHECK(texts(doc, "instrument") == std::vector<std::string>{"LoKI", "ODIN"});
    CHECK(contains(texts(doc, "chemical_formula"), "Cu"));
    // Its own parameter and its dataset2's rolled-up photon energy.
    CHECK(only(doc, "wavelength").number == canonical(1064, "nm"));
    CHECK(only(doc, "photon_energy").origin == Origin::rollup);
}

TEST_CASE("PaNOSC: a document's DOI-shaped pid is its DOI - a dataset's handle is not") {
    const auto& c = sample();
    for (const auto& [pid, doc] : fixture_model("Document")) {
        CAPTURE(pid);
        REQUIRE(pid.starts_with("10.5072/"));  // DataCite's test prefix
        REQUIRE_FALSE(doc.HasMember("doi"));
        const Record& r = c.get("panosc:document:" + pid);
        CHECK(texts(r, "doi") == std::vector<std::string>{pid});
        CHECK(std::any_of(r.links.begin(), r.links.end(), [&](const Link& l) {
            return l.rel == "doi" && l.url == "https://doi.org/" + pid;
        }));
    }
    for (const auto& [pid, doc] : fixture_model("Dataset")) {
        CAPTURE(pid);
        CHECK_FALSE(c.get("panosc:dataset:" + pid).has("doi"));  // 20.500.12269/...: a handle
    }
}

TEST_CASE("PaNOSC: parameters become typed SI values with the source's text and unit kept") {
    const auto& c = sample();
    const Value& energy =
        only(c.get("panosc:dataset:20.500.12269/panosc-dataset2"), "photon_energy");
    CHECK(energy.number == canonical(930, "eV"));
    CHECK(energy.number == canonical(0.93, "keV"));  // 930 eV is 0.93 keV, stored in joules
    CHECK(energy.number == doctest::Approx(1.49002e-16).epsilon(1e-5));
    CHECK(energy.text == "930");
    CHECK(energy.unit == "eV");

    const Record& ds3 = c.get("panosc:dataset:20.500.12269/panosc-dataset3");
    const Value& temp = only(ds3, "sample_temperature");
    CHECK(temp.number == 293.15);
    CHECK(temp.number == canonical(68, "°F"));
    CHECK(temp.unit == "celsius");
    CHECK(texts(ds3, "parameter") == std::vector<std::string>{"temperature = 20 celsius"});

    const Record& ds1 = c.get("panosc:dataset:20.500.12269/panosc-dataset1");
    CHECK(texts(ds1, "chemical_formula") == std::vector<std::string>{"Cu"});
    CHECK(texts(ds1, "sample_state") == std::vector<std::string>{"solid"});
    CHECK(texts(ds1, "parameter") ==
          std::vector<std::string>{"chemical_formula = Cu", "sample_state = solid"});
}

TEST_CASE("PaNOSC: records as objects, 'units', no-unit spellings, units inside values, nulls") {
    test::TempDir dir;
    put(dir.path() / "db.json", dump_of(R"(
        "Dataset": {
          "ds1": {"pid": "ds1", "title": "Objects", "instrumentId": null, "size": 41,
                  "documentId": "doc1"},
          "ds2": null
        },
        "Document": {"doc1": {"pid": "doc1", "title": "A proposal", "type": "proposal",
                              "summary": null, "doi": "10.9563/if.2015.87.012",
                              "keywords": ["Reflectometry", null], "releaseDate": "2020-03-10"}},
        "Sample": null,
        "Technique": {},
        "Proposal": {"p1": {"title": "not a PaNOSC model"}},
        "Parameter": {
          "1": {"id": 1, "name": "incident_photon_energy", "value": "93 keV", "datasetId": "ds1"},
          "2": {"id": 2, "name": "sample_pressure", "value": 1, "units": "bar", "datasetId": "ds1"},
          "3": {"id": 3, "name": "sample_state", "value": "liquid", "unit": "NA",
                "datasetId": "ds1"},
          "4": {"id": 4, "name": "sample_chemical_formula", "value": "H2O", "unit": "None",
                "datasetId": "ds1"},
          "5": {"id": 5, "name": "flux", "value": 3, "unit": "", "datasetId": "ds1"},
          "6": {"id": 6, "name": "temperature", "value": 20, "unit": "eV", "datasetId": "ds1"},
          "7": {"id": 7, "name": "wavelength", "value": 2, "unit": "furlong", "datasetId": "ds1"},
          "8": {"id": 8, "name": "pressure", "value": null, "unit": null, "datasetId": "ds1"},
          "9": {"id": 9, "name": "energy", "value": "2.2 mm", "datasetId": "ds1"}
        })"));
    // A second dump naming the unknown model again: still one warning.
    put(dir.path() / "more" / "db.json",
        dump_of(R"("Proposal": {"p2": {}}, "Instrument": {"i9": {"name": "ID19"}})"));
    // JSON that is not a dump is skipped without a word.
    put(dir.path() / "filters.json", R"([{"id": "facility"}])");
    put(dir.path() / "targets.json", R"({"ESRF": {"technique": "x"}})");

    auto c = run(dir.path());
    CHECK(c.count_kind("dataset") == 1);
    CHECK(c.count_kind("document") == 1);
    CHECK(c.count_kind("instrument") == 1);
    const Record& ds = c.get("panosc:dataset:ds1");
    CHECK(ds.title == "Objects");
    CHECK(ds.parent == "panosc:document:doc1");
    CHECK(only(ds, "file_size").number == 41);

    const Value& energy = only(ds, "photon_energy");
    CHECK(energy.number == canonical(93, "keV"));
    CHECK(energy.text == "93");
    CHECK(energy.unit == "keV");
    CHECK(only(ds, "sample_pressure").number == 1e5);
    CHECK(only(ds, "sample_pressure").unit == "bar");
    CHECK(texts(ds, "sample_state") == std::vector<std::string>{"liquid"});
    CHECK(texts(ds, "chemical_formula") == std::vector<std::string>{"H2O"});
    auto params = texts(ds, "parameter");
    CHECK(contains(params, "incident_photon_energy = 93 keV"));
    CHECK(contains(params, "sample_pressure = 1 bar"));
    CHECK(contains(params, "sample_state = liquid"));          // "NA" is no unit
    CHECK(contains(params, "sample_chemical_formula = H2O"));  // nor is "None"
    CHECK(contains(params, "flux = 3"));                       // nor ""
    // Wrong dimension, unknown unit, a length given as an energy: text only, and a warning.
    CHECK(contains(params, "temperature = 20 eV"));
    CHECK(contains(params, "wavelength = 2 furlong"));
    CHECK(contains(params, "energy = 2.2 mm"));
    CHECK_FALSE(ds.has("sample_temperature"));
    CHECK_FALSE(ds.has("wavelength"));
    auto dimension = c.issue_lines("Parameter[6].value");
    REQUIRE(dimension.size() == 1);
    CHECK(dimension[0].find("warning: db.json") == 0);
    CHECK(dimension[0].find("temperature = 20 eV") != std::string::npos);
    CHECK(dimension[0].find("[panosc:dataset:ds1]") != std::string::npos);
    CHECK(c.issue_lines("unknown unit 'furlong'").size() == 1);
    CHECK(c.issue_lines("Parameter[9].value").size() == 1);
    CHECK(c.issue_lines("Parameter[8].value").size() == 1);  // a null value: no parameter

    const Record& doc = c.get("panosc:document:doc1");
    CHECK(texts(doc, "doi") == std::vector<std::string>{"10.9563/if.2015.87.012"});
    REQUIRE(doc.links.size() == 1);
    CHECK(doc.links[0].rel == "doi");
    CHECK(doc.links[0].url == "https://doi.org/10.9563/if.2015.87.012");
    CHECK(texts(doc, "tag") == std::vector<std::string>{"Reflectometry"});
    CHECK(texts(doc, "release_date") == std::vector<std::string>{"2020-03-10"});
    CHECK_FALSE(doc.has("description"));  // summary: null

    CHECK(c.issue_lines("unknown model").size() == 1);
    // A null where a record should be rejects that record; every other null is just absent.
    auto null_record = c.issue_lines("Dataset[ds2]");
    REQUIRE(null_record.size() == 1);
    CHECK(null_record[0].find("error: db.json") == 0);
    CHECK(null_record[0].find("[panosc:dataset:ds2]") != std::string::npos);
    CHECK(c.issue_lines("filters.json").empty());
    CHECK(c.issue_lines("targets.json").empty());
    for (const auto& i : c.issues) {
        if (i.record == "panosc:dataset:ds2") continue;
        CHECK_MESSAGE(i.severity == Severity::warning, i.to_line());
    }
}

TEST_CASE("PaNOSC: records given as JSON text and as objects read the same") {
    const std::string record = R"({"pid": "t1", "name": "x-ray absorption",
                                    "panetId": "http://purl.org/pan-science/PaNET/PaNET01227"})";
    std::string as_text;
    for (char ch : record) {
        if (ch == '"') as_text += '\\';
        if (ch != '\n') as_text += ch;
    }
    test::TempDir objects, strings;
    put(objects.path() / "db.json", dump_of(R"("Technique": {"t1": )" + record + "}"));
    put(strings.path() / "db.json", dump_of(R"("Technique": {"t1": ")" + as_text + "\"}"));
    auto a = run(objects.path());
    auto b = run(strings.path());
    REQUIRE(a.records.size() == 1);
    REQUIRE(b.records.size() == 1);
    CHECK(to_json(a.records[0]) == to_json(b.records[0]));
    CHECK(texts(a.records[0], "technique_id") == std::vector<std::string>{"PaNET01227"});
    CHECK(a.issues.empty());
    CHECK(b.issues.empty());
}

TEST_CASE("PaNOSC: a pid in two dumps is indexed once, and the later file is reported") {
    test::TempDir dir;
    for (const char* copy : {"a-provider", "b-provider"}) {
        put(dir.path() / copy / "db.json",
            dump_of(
                fmt::format(R"("Sample": {{"s1": "{{\"pid\":\"s1\",\"name\":\"{}\"}}"}})", copy)));
    }
    auto c = run(dir.path());
    REQUIRE(c.records.size() == 1);
    CHECK(c.records[0].title == "a-provider");
    CHECK(c.records[0].file == "a-provider/db.json");
    auto errors = c.issue_lines("error: b-provider/db.json");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("a-provider/db.json") != std::string::npos);
    CHECK(errors[0].find("[panosc:sample:s1]") != std::string::npos);
    CHECK(c.issues.size() == 1);
}

TEST_CASE("PaNOSC: an unreadable dump is rejected and its records in the index are kept") {
    test::TempDir dir;
    put(dir.path() / "broken" / "db.json", R"({"ids": {}, "models": {"Sample": )");
    put(dir.path() / "good" / "db.json",
        dump_of(R"("Sample": {"s2": {"pid": "s2", "name": "kept going"}})"));
    Collect sink;
    Record previous;
    previous.id = "panosc:sample:s1";
    previous.source = "panosc";
    previous.kind = "sample";
    previous.file = "broken/db.json";
    previous.title = "from the last build";
    sink.previous_records.emplace(previous.id, previous);
    auto c = run(dir.path(), std::move(sink));
    CHECK(c.carried == std::vector<std::string>{"panosc:sample:s1"});
    CHECK(c.get("panosc:sample:s1").title == "from the last build");
    CHECK(c.has("panosc:sample:s2"));
    auto errors = c.issue_lines("error: broken/db.json");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("invalid JSON") != std::string::npos);
    CHECK(errors[0].find("1 record from it kept") != std::string::npos);
}

TEST_CASE("PaNOSC: a record whose JSON text is broken is rejected alone") {
    test::TempDir dir;
    put(dir.path() / "db.json", dump_of(R"("Instrument": {
        "i1": "{\"pid\":\"i1\",\"name\":",
        "i2": "{\"pid\":\"i2\",\"name\":\"ID19\",\"facility\":\"ESRF\"}"})"));
    auto c = run(dir.path());
    REQUIRE(c.records.size() == 1);
    CHECK(c.records[0].title == "ID19");
    auto errors = c.issue_lines("Instrument[i1]");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("error: db.json") == 0);
    CHECK(errors[0].find("[panosc:instrument:i1]") != std::string::npos);
}

TEST_CASE("PaNOSC: a missing root is an error, not an empty source") {
    Collect sink;
    auto adapter = detail::make_panosc_adapter(sample_dir() / "no-such-folder");
    CHECK_FALSE(adapter->read(sink).ok());
}

// The full corpus: runs only when ../shared/corpus is beside the repository.
TEST_CASE("PaNOSC: the corpus's search-api fixture gives 4/2/15/2/1/4 records") {
#if defined(__SANITIZE_ADDRESS__)
    constexpr bool kSanitized = true;
#else
    constexpr bool kSanitized = false;
#endif
    fs::path corpus = fs::path(ATLAS_SOURCE_DIR) / ".." / "shared" / "corpus" / "panosc";
    if (!fs::exists(corpus / "panosc-eu_search-api" / "data" / "db.json") || kSanitized) {
        MESSAGE("skipped: no ../shared/corpus/panosc, or a sanitizer build");
        return;
    }
    auto c = run(corpus / "panosc-eu_search-api" / "data");
    CHECK(c.count_kind("dataset") == 4);
    CHECK(c.count_kind("document") == 2);
    CHECK(c.count_kind("instrument") == 15);
    CHECK(c.count_kind("technique") == 2);
    CHECK(c.count_kind("sample") == 1);
    CHECK(c.count_kind("file") == 4);
    CHECK(c.issues.empty());

    // The whole corpus: every copy read (objects and text), the reused pids reported.
    auto all = run(corpus);
    CHECK(all.count_kind("dataset") == 14);  // jirzi0's 14 include every other copy's pids
    for (const auto& i : all.issues) {
        bool duplicate = i.message.find("read from") != std::string::npos;
        CHECK_MESSAGE((i.severity == Severity::warning || duplicate), i.to_line());
    }
}
