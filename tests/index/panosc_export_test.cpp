// Tests for index/panosc_export.cpp through atlas-index builds: the generation's PaNOSC
// file (schema/panosc_format.h) of every bundled portal, carried-over records, and
// records whose own line is damaged.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "schema/layout.h"
#include "schema/panosc_format.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

// Values are compared as strings or with Get*(): RapidJSON's operator== with a
// number loops forever under C++20's rewritten comparisons.
struct Line {
    std::string text;
    rapidjson::Document json;
    std::string model() const { return json["model"].GetString(); }
    std::string record() const { return json["record"].GetString(); }
    std::string pid() const { return json["object"]["pid"].GetString(); }
    const rapidjson::Value& object() const { return json["object"]; }
};

// The PaNOSC file of an index's current generation, each line parsed.
std::vector<Line> read_lines(const fs::path& index) {
    fs::path file = fs::canonical(index / kCurrentLink) / kPanoscFile;
    REQUIRE_MESSAGE(fs::is_regular_file(file), file);
    std::ifstream in(file);
    std::vector<Line> out;
    for (std::string text; std::getline(in, text);) {
        Line l;
        l.text = text;
        l.json.Parse(text.c_str());
        REQUIRE_MESSAGE(!l.json.HasParseError(), text);
        REQUIRE(l.json.IsObject());
        REQUIRE(l.json["model"].IsString());
        REQUIRE(l.json["record"].IsString());
        REQUIRE(l.json["object"]["pid"].IsString());
        out.push_back(std::move(l));
    }
    return out;
}

const std::vector<Line>& portal_lines() {
    static const std::vector<Line> lines = read_lines(test::portal_index().dir);
    return lines;
}

std::vector<const Line*> find(const std::vector<Line>& lines, const std::string& model,
                              const std::string& pid) {
    std::vector<const Line*> out;
    for (const auto& l : lines) {
        if (l.model() == model && l.pid() == pid) out.push_back(&l);
    }
    return out;
}

const Line& only(const std::vector<Line>& lines, const std::string& model, const std::string& pid) {
    auto found = find(lines, model, pid);
    REQUIRE_MESSAGE(found.size() == 1, model << " " << pid << ": " << found.size() << " lines");
    return *found.front();
}

const rapidjson::Value* parameter(const Line& l, const std::string& name) {
    for (const auto& p : l.object()["parameters"].GetArray()) {
        if (p["name"].GetString() == name) return &p;
    }
    return nullptr;
}

// The fixture's rows of one model, parsed from their JSON text.
std::map<std::string, rapidjson::Document> fixture_rows(const std::string& model) {
    std::ifstream in(fs::path(ATLAS_DATA_DIR) / "panosc" / "search-api" / "db.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    rapidjson::Document db;
    db.Parse(text.c_str());
    REQUIRE(!db.HasParseError());
    std::map<std::string, rapidjson::Document> out;
    for (const auto& row : db["models"][model.c_str()].GetObject()) {
        out[row.name.GetString()].Parse(row.value.GetString());
    }
    return out;
}

std::string documents_of(const Line& l) {
    std::string out;
    for (const auto& d : l.json["documents"].GetArray()) out += std::string(d.GetString()) + ";";
    return out;
}

}  // namespace

TEST_CASE("every generation has a PaNOSC file, one line per object, in the format's models") {
    const auto& lines = portal_lines();
    REQUIRE(!lines.empty());
    std::set<std::pair<std::string, std::string>> objects;
    for (const auto& l : lines) {
        CHECK(std::find(kPanoscModels.begin(), kPanoscModels.end(), l.model()) !=
              kPanoscModels.end());
        CHECK_MESSAGE(objects.emplace(l.model(), l.pid()).second, "twice: " << l.text);
        CHECK_MESSAGE(l.json.HasMember("documents") == (l.model() == "Dataset"), l.text);
    }
    // The CryoET-only index has its runs' and datasets' lines too.
    auto cryoet = read_lines(test::sample_index());
    CHECK(!cryoet.empty());
    for (const auto& l : cryoet) {
        CHECK_MESSAGE((l.record().rfind("cryoet:", 0) == 0 || l.record().empty()), l.text);
    }
}

TEST_CASE(
    "the PaNOSC fixture's Datasets, Documents and Instruments are there as the dump has them") {
    const auto& lines = portal_lines();
    const std::pair<const char*, const char*> models[] = {
        {"Dataset", "dataset"}, {"Document", "document"}, {"Instrument", "instrument"}};
    std::map<std::string, std::size_t> counts;
    for (const auto& [model, kind] : models) {
        for (const auto& [key, row] : fixture_rows(model)) {
            const Line& l = only(lines, model, key);
            CHECK(l.record() == fmt::format("panosc:{}:{}", kind, key));
            for (const auto& m : row.GetObject()) {
                const char* name = m.name.GetString();
                CHECK_MESSAGE((l.object().HasMember(name) && l.object()[name] == m.value),
                              key << "." << name);
            }
            ++counts[model];
        }
    }
    CHECK(counts ==
          std::map<std::string, std::size_t>{{"Dataset", 4}, {"Document", 2}, {"Instrument", 15}});

    const Line& ds = only(lines, "Dataset", "20.500.12269/panosc-dataset1");
    CHECK(documents_of(ds) == "10.5072/panosc-document1;");
    CHECK(ds.object()["parameters"].Size() == 2);
    CHECK(ds.object()["samples"][0]["name"] == "solid copper cylinder");
    CHECK(ds.object()["files"][0]["name"] == "panosc-file1.hdf");
    const Line& doc = only(lines, "Document", "10.5072/panosc-document1");
    CHECK(doc.object()["members"][1]["person"]["fullName"] == "James Chadwick");
    // The dumps' techniques, samples and files are inside their datasets only.
    for (const auto& l : lines) CHECK(l.record().find("panosc:file:") == std::string::npos);
}

TEST_CASE(
    "an HOA scan is a Dataset with ICAT's parameters, its DOI a Document and its beamline an "
    "Instrument") {
    const auto& lines = portal_lines();
    const std::string id = "hoa:dataset:A129_lung_VOI-02_2.0um_bm18";
    const Line& scan = only(lines, "Dataset", id);
    CHECK(scan.record() == id);
    CHECK(scan.object()["isPublic"].IsTrue());
    CHECK(scan.object()["creationDate"] == "2023-11-04");
    CHECK(scan.object()["instrumentId"] == "ESRF/BM18");
    CHECK(documents_of(scan) == "10.15151/ESRF-DC-2184066672;");
    const auto* age = parameter(scan, "SamplePatient_age");
    REQUIRE(age != nullptr);
    CHECK((*age)["value"].GetDouble() == 30);
    CHECK((*age)["unit"] == "y");
    CHECK((*age)["datasetId"] == id.c_str());
    const auto* voxel = parameter(scan, "TOMO_pixelSize");
    REQUIRE(voxel != nullptr);
    CHECK((*voxel)["value"].GetDouble() == 2);
    CHECK((*voxel)["unit"] == "µm");
    const auto* donor = parameter(scan, "SamplePatient_number");
    REQUIRE(donor != nullptr);
    CHECK((*donor)["value"] == "A129");
    CHECK((*donor)["unit"] == "");
    CHECK(scan.object()["parameters"][0]["id"].GetInt() == 1);
    CHECK(scan.object()["samples"][0]["pid"] == "hoa:organ:A129/lung");
    CHECK(scan.object()["samples"][0]["name"] == "lung of donor A129");
    CHECK(scan.object()["techniques"][0]["pid"] == "hoa:technique:hip-ct");
    CHECK(scan.object()["files"].Empty());

    const Line& bm18 = only(lines, "Instrument", "ESRF/BM18");
    CHECK(bm18.record() == "");
    CHECK(bm18.object()["name"] == "BM18");
    CHECK(bm18.object()["facility"] == "ESRF");

    const Line& doc = only(lines, "Document", "10.15151/ESRF-DC-2184066672");
    CHECK(doc.record() == id);
    CHECK(doc.object()["doi"] == "10.15151/ESRF-DC-2184066672");
    CHECK(doc.object()["type"] == "collection");
    CHECK(doc.object()["title"] ==
          "Zoom (VOI-02) at 2.0um of the lung of donor A129, scanned at "
          "ESRF on beamline BM18.");
    const auto& members = doc.object()["members"];
    REQUIRE(members.Size() == 25);
    CHECK(members[0]["person"]["fullName"] == "The Human Organ Atlas Collaboration");
    CHECK(members[1]["person"]["fullName"] == "Alexandre Bellier");
    CHECK(members[1]["role"] == "author");
}

TEST_CASE("a DOI two HOA scans name is one Document, held by the first") {
    const auto& lines = portal_lines();
    const std::string doi = "10.15151/ESRF-DC-572216900";
    std::vector<std::string> scans;
    for (const auto& l : lines) {
        if (l.model() == "Dataset" && documents_of(l) == doi + ";") scans.push_back(l.record());
    }
    REQUIRE(scans.size() == 2);
    CHECK(only(lines, "Document", doi).record() == scans.front());
}

TEST_CASE("a CryoET run is a Dataset of its dataset's Document, with its numbers as parameters") {
    const auto& lines = portal_lines();
    const Line& run = only(lines, "Dataset", "cryoet:run:10000/TS_026");
    CHECK(documents_of(run) == "cryoet:dataset:10000;");
    CHECK(run.object()["title"] == "S. pombe cells with defocus — TS_026");
    CHECK(run.object()["instrumentId"] == "cryoet:microscope:tfs krios");  // any case: one instrument
    const auto* voxel = parameter(run, "voxel_spacing");
    REQUIRE(voxel != nullptr);
    CHECK((*voxel)["value"].GetDouble() == 13.48);
    CHECK((*voxel)["unit"] == "Å");
    const auto* voltage = parameter(run, "acceleration_voltage");
    REQUIRE(voltage != nullptr);
    CHECK((*voltage)["value"].GetDouble() == 300000);
    CHECK((*voltage)["unit"] == "V");
    CHECK(run.object()["samples"][0]["name"] == "Schizosaccharomyces pombe 972h-");
    CHECK(run.object()["techniques"][0]["name"] == "cryo-electron tomography");

    const Line& doc = only(lines, "Document", "cryoet:dataset:10000");
    CHECK(doc.record() == "cryoet:dataset:10000");
    CHECK(doc.object()["title"] == "S. pombe cells with defocus");
    CHECK(doc.object()["releaseDate"] == "2023-06-01");
    CHECK(doc.object()["members"].Size() > 0);
    const Line& krios = only(lines, "Instrument", "cryoet:microscope:tfs krios");
    CHECK(krios.record() == "");
    CHECK(krios.object()["name"] == "TFS Krios");  // as first written
    for (const auto& l : lines) {
        for (const char* kind : {"tomogram", "annotation", "tiltseries", "deposition"}) {
            CHECK(l.record().find(fmt::format("cryoet:{}:", kind)) == std::string::npos);
        }
    }
}

TEST_CASE(
    "a CryoET run's PaNOSC Dataset has its tilt series' parameters and its dataset's release "
    "date") {
    const auto& lines = portal_lines();
    const Line& run = only(lines, "Dataset", "cryoet:run:10000/TS_026");
    CHECK(run.object()["creationDate"] == "2023-06-01");  // dataset 10000's release_date
    // From cryoet:tiltseries:10000/TS_026/100, in the unit the source wrote.
    const std::pair<const char*, std::pair<double, const char*>> expected[] = {
        {"tilt_axis", {84.7, "°"}},
        {"tilt_step", {2, "°"}},
        {"total_flux", {122, "e⁻/Å²"}},
        {"spherical_aberration", {2.7, "mm"}},
    };
    for (const auto& [name, value] : expected) {
        const auto* p = parameter(run, name);
        REQUIRE_MESSAGE(p != nullptr, name);
        CHECK_MESSAGE((*p)["value"].GetDouble() == value.first, name);
        CHECK_MESSAGE((*p)["unit"] == value.second, name);
        CHECK((*p)["datasetId"] == "cryoet:run:10000/TS_026");
    }
    // Ids still run 1..n, the run's own numbers first.
    const auto& params = run.object()["parameters"];
    for (rapidjson::SizeType i = 0; i < params.Size(); ++i) {
        CHECK(params[i]["id"].GetInt() == static_cast<int>(i) + 1);
    }
    CHECK(std::string(params[0]["name"].GetString()) == "voxel_spacing");
    // Runs of datasets 10017, 10024 and 10155 have a tilt range; every run a creationDate.
    std::size_t with_range = 0;
    for (const auto& l : lines) {
        if (l.record().rfind("cryoet:run:", 0) == 0) {
            CHECK_MESSAGE(l.object().HasMember("creationDate"), l.record());
            if (parameter(l, "tilt_min") && parameter(l, "tilt_max") &&
                parameter(l, "tilt_range")) {
                ++with_range;
            }
        }
    }
    CHECK(with_range > 0);
}

TEST_CASE("every CryoET run has one PaNOSC line, the build's last run too (written at finish)") {
    std::set<std::string> runs;
    for (const auto& ds : fs::directory_iterator(test::sample_cryoet())) {
        if (!ds.is_directory()) continue;
        for (const auto& run : fs::directory_iterator(ds.path())) {
            if (!fs::exists(run.path() / "run_metadata.json")) continue;
            runs.insert(fmt::format("cryoet:run:{}/{}", ds.path().filename().string(),
                                    run.path().filename().string()));
        }
    }
    REQUIRE(runs.size() == 26);
    auto run_lines = [](const fs::path& index) {
        std::multiset<std::string> out;
        for (const auto& l : read_lines(index)) {
            if (l.model() == "Dataset" && l.record().rfind("cryoet:run:", 0) == 0) {
                CHECK(l.pid() == l.record());
                out.insert(l.pid());
            }
        }
        return out;
    };
    const std::multiset<std::string> each_once(runs.begin(), runs.end());
    CHECK(run_lines(test::sample_index()) == each_once);
    CHECK(run_lines(test::portal_index().dir) == each_once);

    // In the sample a dataset without runs (10440) and the depositions come
    // after the last run; without them that run's records end the build, and
    // only finish() writes its line.
    test::TempDir dir;
    test::copy_tree(test::sample_cryoet(), dir.path() / "cryoet");
    fs::remove_all(dir.path() / "cryoet" / "depositions_metadata");
    fs::remove_all(dir.path() / "cryoet" / "10440");
    BuildOptions options;
    options.sources.push_back({"cryoet", (dir.path() / "cryoet").string()});
    options.out_dir = (dir.path() / "index").string();
    auto built = build_index(options);
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    CHECK(built.value().records_per_kind.count("deposition") == 0);
    CHECK(run_lines(dir.path() / "index") == each_once);
}

TEST_CASE(
    "a CryoET run's PaNOSC line lists each tilt-series value once, and a tilt series out of "
    "order adds nothing") {
    test::TempDir dir;
    auto record = [](const std::string& kind, const std::string& id, const std::string& parent,
                     const std::string& fields) {
        return fmt::format(R"({{"id":"{}","source":"cryoet","kind":"{}","parent":"{}",)"
                           R"("title":"{}","fields":{{{}}}}})",
                           id, kind, parent, id, fields) +
               "\n";
    };
    auto angle = [](const char* field, const char* text) {
        return fmt::format(R"("{}":[{{"text":"{}","value":{},"unit":"°"}}])", field, text, text);
    };
    const std::string a = "cryoet:run:9/A", b = "cryoet:run:9/B";
    fs::create_directories(dir.path() / "records");
    test::write_file(
        dir.path() / "records" / "r.jsonl",
        // A tilt series before its run (as one carried over may come): not added.
        record("tiltseries", "cryoet:tiltseries:9/A/0", a, angle("tilt_axis", "10")) +
            record("run", a, "cryoet:dataset:9", "") +
            record("tiltseries", "cryoet:tiltseries:9/A/1", a,
                   angle("tilt_axis", "84.7") + "," + angle("tilt_step", "2")) +
            record("tiltseries", "cryoet:tiltseries:9/A/2", a,
                   angle("tilt_axis", "84.7") + "," + angle("tilt_step", "3")) +
            record("run", b, "cryoet:dataset:9", "") +
            record("tiltseries", "cryoet:tiltseries:9/B/1", b, angle("tilt_axis", "50")));
    BuildOptions options;
    options.sources.push_back({"records", (dir.path() / "records").string()});
    options.out_dir = (dir.path() / "index").string();
    auto built = build_index(options);
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    REQUIRE(built.value().records == 6);

    auto lines = read_lines(dir.path() / "index");
    REQUIRE(lines.size() == 2);
    auto values = [](const Line& l, const std::string& name) {
        std::vector<double> out;
        for (const auto& p : l.object()["parameters"].GetArray()) {
            if (p["name"].GetString() == name) out.push_back(p["value"].GetDouble());
        }
        return out;
    };
    const Line& run_a = only(lines, "Dataset", a);
    CHECK(values(run_a, "tilt_axis") == std::vector<double>{84.7});
    CHECK(values(run_a, "tilt_step") == std::vector<double>{2, 3});
    CHECK(!run_a.object().HasMember("creationDate"));  // its dataset was not seen
    CHECK(documents_of(run_a) == "cryoet:dataset:9;");
    // The last run, held back until the build finished.
    CHECK(values(only(lines, "Dataset", b), "tilt_axis") == std::vector<double>{50});
}

TEST_CASE("HTAN and Minerva records are not in the PaNOSC file") {
    for (const auto& l : portal_lines()) {
        CHECK_MESSAGE(l.record().rfind("htan:", 0) != 0, l.record());
        CHECK_MESSAGE(l.record().rfind("minerva:", 0) != 0, l.record());
    }
}

TEST_CASE("records carried over from the previous generation keep their PaNOSC lines") {
    test::TempDir dir;
    test::copy_tree(fs::path(ATLAS_DATA_DIR) / "panosc", dir.path() / "panosc");
    BuildOptions options;
    options.sources.push_back({"panosc", (dir.path() / "panosc").string()});
    options.out_dir = (dir.path() / "index").string();
    REQUIRE(build_index(options).ok());
    auto before = read_lines(dir.path() / "index");
    CHECK(before.size() == 4 + 2 + 15);

    test::write_file(dir.path() / "panosc" / "search-api" / "db.json", "{ not json");
    auto rebuilt = build_index(options);
    REQUIRE_MESSAGE(rebuilt.ok(), rebuilt.error().message);
    CHECK(rebuilt.value().carried_over > 0);
    auto texts = [](const std::vector<Line>& lines) {
        std::multiset<std::string> out;
        for (const auto& l : lines) out.insert(l.text);
        return out;
    };
    CHECK(texts(read_lines(dir.path() / "index")) == texts(before));
}

TEST_CASE("a record's own PaNOSC line is written with its id, and a damaged one is reported") {
    test::TempDir dir;
    auto record = [](const std::string& id, const std::string& panosc) {
        std::string escaped;
        for (char c : panosc) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
        return fmt::format(R"({{"id":"{}","source":"hoa","kind":"dataset","title":"t",)"
                           R"("fields":{{"beamline":[{{"text":"BM05"}}]}},"panosc":"{}"}})",
                           id, escaped);
    };
    fs::create_directories(dir.path() / "records");
    test::write_file(
        dir.path() / "records" / "r.jsonl",
        record("hoa:dataset:own", R"({"model":"Instrument","object":{"pid":"ESRF/BM05"}})") + "\n" +
            record("hoa:dataset:bad", "[1]") + "\n");
    BuildOptions options;
    options.sources.push_back({"records", (dir.path() / "records").string()});
    options.out_dir = (dir.path() / "index").string();
    auto built = build_index(options);
    REQUIRE_MESSAGE(built.ok(), built.error().message);
    CHECK(built.value().records == 2);

    auto lines = read_lines(dir.path() / "index");
    REQUIRE(lines.size() == 1);  // the line the record has replaces what HOA's table makes
    CHECK(lines[0].text ==
          R"({"model":"Instrument","record":"hoa:dataset:own","object":{"pid":"ESRF/BM05"}})");
    std::size_t reported = 0;
    for (const auto& issue : built.value().issues) {
        if (issue.record == "hoa:dataset:bad" && issue.field == "panosc") ++reported;
    }
    CHECK(reported == 1);
}
