// Tests for index/adapters/cryoet_adapter.cpp and cryoet_mapping.cpp on the real files in data/cryoet.
//
// Expected values are read from the source files themselves (with RapidJSON,
// independently of the adapter) wherever they can be, so the tests follow the
// data rather than numbers copied from a run.
#include "adapters/cryoet_adapter.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "collect_sink.h"
#include "schema/schema.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

using Collect = test::CollectSink;

const Collect& sample() {
    static const Collect c = [] {
        Collect out;
        auto adapter = detail::make_cryoet_adapter(test::sample_cryoet());
        REQUIRE(adapter->read(out).ok());
        return out;
    }();
    return c;
}

using test::texts;

double number(const Record& r, const std::string& field) {
    auto v = r.get(field);
    REQUIRE_MESSAGE(!v.empty(), r.id << " has no " << field);
    return v.front()->number;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

rapidjson::Document load(const fs::path& p) {
    rapidjson::Document d;
    std::string text = test::read_file(p);
    d.Parse(text.c_str());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

// Annotation metadata files under a folder, read independently of the adapter.
std::vector<rapidjson::Document> annotation_files(const fs::path& under) {
    std::vector<rapidjson::Document> out;
    for (const auto& e : fs::recursive_directory_iterator(under)) {
        if (e.path().extension() == ".json" &&
            e.path().parent_path().parent_path().filename() == "Annotations") {
            out.push_back(load(e.path()));
        }
    }
    return out;
}

}  // namespace

TEST_CASE("the adapter emits one record per metadata file, of every kind") {
    std::map<std::string, std::size_t> files;
    for (const auto& e : fs::recursive_directory_iterator(test::sample_cryoet())) {
        std::string name = e.path().filename().string();
        if (name == "dataset_metadata.json") ++files["dataset"];
        if (name == "run_metadata.json") ++files["run"];
        if (name == "tiltseries_metadata.json") ++files["tiltseries"];
        if (name == "tomogram_metadata.json") ++files["tomogram"];
        if (name == "deposition_metadata.json") ++files["deposition"];
        if (e.path().extension() == ".json" &&
            e.path().parent_path().parent_path().filename() == "Annotations") {
            ++files["annotation"];
        }
    }
    std::map<std::string, std::size_t> records;
    for (const auto& r : sample().records) ++records[r.kind];
    CHECK(records == files);
    CHECK(files.size() == 6);
    // No record is rejected in the real sample: every issue is a field-level warning.
    for (const auto& i : sample().issues) {
        CAPTURE(i.to_line());
        CHECK(i.severity == Severity::warning);
    }
}

TEST_CASE("ids follow the documented scheme and are unique") {
    const auto& c = sample();
    std::set<std::string> ids;
    for (const auto& r : c.records) CHECK_MESSAGE(ids.insert(r.id).second, r.id);
    CHECK(c.has("cryoet:dataset:10000"));
    CHECK(c.has("cryoet:deposition:10000"));
    CHECK(c.has("cryoet:run:10000/TS_026"));
    CHECK(c.has("cryoet:tiltseries:10000/TS_026/100"));
    CHECK(c.has("cryoet:tomogram:10000/TS_026/13.480/100"));
    const Record& a = c.get("cryoet:annotation:10000/TS_026/13.480/101");
    CHECK(a.aliases == std::vector<std::string>{"cryoet:annotation:10000/TS_026/101"});
    CHECK(a.parent == "cryoet:run:10000/TS_026");
    CHECK(c.get("cryoet:run:10000/TS_026").parent == "cryoet:dataset:10000");
}

TEST_CASE("annotation folders that reuse ids in two voxel spacings give two records") {
    // 10155/ycw2012-11-14-59 has Annotations/100 under VoxelSpacing13.059 and VoxelSpacing20.000.
    const auto& c = sample();
    const Record& a = c.get("cryoet:annotation:10155/ycw2012-11-14-59/13.059/100");
    const Record& b = c.get("cryoet:annotation:10155/ycw2012-11-14-59/20.000/100");
    CHECK(a.aliases == b.aliases);
    CHECK(a.file != b.file);
    CHECK(number(a, "voxel_spacing") == doctest::Approx(13.059e-10));
    CHECK(number(b, "voxel_spacing") == doctest::Approx(20e-10));
}

TEST_CASE("every value names a schema field and every record is linked and titled") {
    for (const auto& r : sample().records) {
        CAPTURE(r.id);
        CHECK_FALSE(r.title.empty());
        CHECK(r.source == "cryoet");
        REQUIRE_FALSE(r.breadcrumb.empty());
        CHECK(r.breadcrumb.back().id == r.id);
        for (const auto& v : r.values) {
            CAPTURE(v.field);
            CHECK(find_field(v.field) != nullptr);
        }
        bool s3 = false, https = false;
        for (const auto& l : r.links) {
            if (l.rel == "s3") s3 = l.url.starts_with("s3://cryoet-data-portal-public/");
            if (l.rel == "https")
                https = l.url.starts_with("https://files.cryoetdataportal.cziscience.com/");
        }
        CHECK(s3);
        CHECK(https);
    }
}

TEST_CASE("a dataset maps its own metadata into typed fields") {
    fs::path file = test::sample_cryoet() / "10000" / "dataset_metadata.json";
    auto raw = load(file);
    const Record& d = sample().get("cryoet:dataset:10000");
    CHECK(d.title == raw["dataset_title"].GetString());
    CHECK(d.first("description") == raw["dataset_description"].GetString());
    CHECK(d.first("organism") == raw["organism"]["name"].GetString());
    CHECK(d.first("organism_id") == std::to_string(raw["organism"]["taxonomy_id"].GetInt()));
    CHECK(d.first("sample_type") == raw["sample_type"].GetString());
    CHECK(d.first("tissue") == raw["tissue"]["name"].GetString());
    CHECK(contains(texts(d, "ontology_id"), raw["cell_type"]["id"].GetString()));
    CHECK_FALSE(d.has("cell_component"));  // "not_reported" is no value
    CHECK(texts(d, "author").size() == raw["authors"].Size());
    CHECK(contains(texts(d, "orcid"), "0000-0001-6968-041X"));
    CHECK(texts(d, "publication") ==
          std::vector<std::string>{"10.1101/2022.04.12.488077", "10.1038/s41592-022-01746-2"});
    CHECK(texts(d, "related_entry").size() == 8);
    CHECK(contains(texts(d, "related_entry"), "EMPIAR-10988"));
    CHECK(d.first("release_date") == raw["dates"]["release_date"].GetString());
    CHECK(d.first("deposition") == std::to_string(raw["deposition_id"].GetInt()));
    bool doi = false, portal = false;
    for (const auto& l : d.links) {
        doi = doi || l.url == "https://doi.org/10.1038/s41592-022-01746-2";
        portal = portal || l.url == "https://cryoetdataportal.czscience.com/datasets/10000";
    }
    CHECK(doi);
    CHECK(portal);
}

TEST_CASE("datasets and runs roll up their children's facts") {
    const auto& c = sample();
    fs::path root = test::sample_cryoet() / "10000";
    auto files = annotation_files(root);
    std::set<std::string> objects, object_ids, shapes;
    std::size_t ground_truth = 0;
    for (const auto& a : files) {
        objects.insert(a["annotation_object"]["name"].GetString());
        object_ids.insert(a["annotation_object"]["id"].GetString());
        for (const auto& f : a["files"].GetArray()) shapes.insert(f["shape"].GetString());
        if (a["ground_truth_status"].GetBool()) ++ground_truth;
    }
    std::size_t runs = 0;
    for (const auto& e : fs::directory_iterator(root)) runs += e.is_directory() ? 1 : 0;

    const Record& d = c.get("cryoet:dataset:10000");
    CHECK(number(d, "run_count") == runs);
    CHECK(number(d, "tiltseries_count") == runs);
    CHECK(number(d, "tomogram_count") == runs);
    CHECK(number(d, "annotation_count") == files.size());
    CHECK(number(d, "ground_truth_count") == ground_truth);
    auto rolled = texts(d, "object");
    CHECK(std::set<std::string>(rolled.begin(), rolled.end()) == objects);
    CHECK(rolled.size() == objects.size());  // distinct
    auto rolled_ids = texts(d, "object_id");
    CHECK(std::set<std::string>(rolled_ids.begin(), rolled_ids.end()) == object_ids);
    auto rolled_shapes = texts(d, "shape");
    CHECK(std::set<std::string>(rolled_shapes.begin(), rolled_shapes.end()) == shapes);
    CHECK(number(d, "ground_truth") == 1);
    CHECK(number(d, "quality_best") == 5);
    CHECK(number(d, "quality_mean") == 5);
    CHECK(number(d, "voxel_spacing") == doctest::Approx(13.48e-10));
    for (const auto* v : d.get("object")) CHECK(v->origin == Origin::rollup);

    // MIRROR.md's spot check: 10000/TS_026 has annotations of 15 distinct objects.
    const Record& run = c.get("cryoet:run:10000/TS_026");
    CHECK(number(run, "annotation_count") == annotation_files(root / "TS_026").size());
    CHECK(texts(run, "object").size() == 15);
    CHECK(contains(texts(run, "object"), "cytosolic ribosome"));
    CHECK(number(run, "quality") == 5);
    CHECK(number(run, "tiltseries_count") == 1);

    // A dataset without run folders rolls up zeros; a run without tomograms too.
    CHECK(number(c.get("cryoet:dataset:10440"), "run_count") == 0);
    CHECK(number(c.get("cryoet:run:10017/pda2020-11-04-1"), "tomogram_count") == 0);
}

TEST_CASE("tilt series and tomograms inherit their run's annotated objects, annotations do not") {
    const auto& c = sample();
    std::size_t carrying = 0;
    for (const auto& r : c.records) {
        if (r.kind != "tiltseries" && r.kind != "tomogram" && r.kind != "annotation") continue;
        CAPTURE(r.id);
        const Record& run = c.get(r.parent);
        if (r.kind == "annotation") {
            // Only what it is of, not its run's other objects.
            REQUIRE(r.get("object").size() == 1);
            CHECK(r.get("object")[0]->origin == Origin::own);
            continue;
        }
        for (const char* field : {"object", "object_id"}) {
            CHECK(texts(r, field) == texts(run, field));
            for (const auto* v : r.get(field)) CHECK(v->origin == Origin::inherited);
        }
        if (r.has("object")) ++carrying;
    }
    CHECK(contains(texts(c.get("cryoet:tomogram:10000/TS_026/13.480/100"), "object"),
                   "cytosolic ribosome"));
    CHECK(contains(texts(c.get("cryoet:tiltseries:10000/TS_026/100"), "object_id"), "GO:0022626"));
    CHECK(carrying >= 20);
    // Inherited objects never roll back up: a run counts its annotations' objects once.
    CHECK(texts(c.get("cryoet:run:10000/TS_026"), "object").size() == 15);
}

TEST_CASE("runs, datasets and depositions without a ground-truth annotation have ground_truth no") {
    const auto& c = sample();
    // Ground truth and curation of the annotations under each run, dataset and deposition.
    std::map<std::string, std::size_t> truths, curated;
    std::set<std::string> parents;
    for (const auto& r : c.records) {
        if (r.kind == "run" || r.kind == "dataset" || r.kind == "deposition") parents.insert(r.id);
        if (r.kind != "annotation") continue;
        const Record& run = c.get(r.parent);
        for (const std::string& up :
             {run.id, run.parent, "cryoet:deposition:" + r.first("deposition")}) {
            truths[up] += r.get("ground_truth").at(0)->number != 0 ? 1 : 0;
            curated[up] += r.get("curator_recommended").at(0)->number != 0 ? 1 : 0;
        }
    }
    std::size_t without = 0;
    for (const auto& id : parents) {
        CAPTURE(id);
        const Record& p = c.get(id);
        auto gt = p.get("ground_truth");
        REQUIRE(gt.size() == 1);
        CHECK(gt[0]->origin == Origin::rollup);
        CHECK((gt[0]->number != 0) == (truths[id] != 0));
        CHECK(number(p, "ground_truth_count") == truths[id]);
        REQUIRE(p.get("curator_recommended").size() == 1);
        CHECK((number(p, "curator_recommended") != 0) == (curated[id] != 0));
        if (truths[id] == 0) ++without;
    }
    // Dataset 10024: five runs with tomograms, no annotation at all.
    CHECK(number(c.get("cryoet:dataset:10024"), "annotation_count") == 0);
    CHECK(number(c.get("cryoet:dataset:10024"), "ground_truth") == 0);
    CHECK(without >= 5);
}

TEST_CASE("a dataset with runs of different quality rolls up every value, best and mean") {
    const Record& d = sample().get("cryoet:dataset:10024");
    std::vector<double> q;
    for (const auto& e : fs::recursive_directory_iterator(test::sample_cryoet() / "10024")) {
        if (e.path().filename() == "tiltseries_metadata.json") {
            q.push_back(load(e.path())["tilt_series_quality"].GetDouble());
        }
    }
    REQUIRE(q.size() == 5);
    std::set<double> distinct(q.begin(), q.end());
    std::set<double> rolled;
    for (const auto* v : d.get("quality")) rolled.insert(v->number);
    CHECK(rolled == distinct);
    CHECK(number(d, "quality_best") == *std::max_element(q.begin(), q.end()));
    double mean = 0;
    for (double x : q) mean += x;
    CHECK(number(d, "quality_mean") == doctest::Approx(mean / q.size()).epsilon(0.01));
}

TEST_CASE("children inherit their dataset's organism, sample and title as context") {
    const auto& c = sample();
    const Record& d = c.get("cryoet:dataset:10000");
    for (const char* id :
         {"cryoet:run:10000/TS_026", "cryoet:tiltseries:10000/TS_026/100",
          "cryoet:tomogram:10000/TS_026/13.480/100", "cryoet:annotation:10000/TS_026/13.480/101"}) {
        CAPTURE(id);
        const Record& r = c.get(id);
        auto organism = r.get("organism");
        REQUIRE(organism.size() == 1);
        CHECK(organism[0]->text == d.first("organism"));
        CHECK(organism[0]->origin == Origin::inherited);
        CHECK(r.first("dataset_title") == d.title);
        CHECK(r.first("dataset") == "10000");
        CHECK(r.first("sample_type") == d.first("sample_type"));
        CHECK(r.breadcrumb.front().id == d.id);
    }
}

TEST_CASE("tilt series, tomograms and annotations map their fields with units") {
    const auto& c = sample();
    const Record& ts = c.get("cryoet:tiltseries:10000/TS_026/100");
    CHECK(number(ts, "quality") == 5);
    CHECK(ts.first("camera") == "Gatan K2 SUMMIT");
    CHECK(ts.first("microscope") == "TFS Krios");
    auto voltage = ts.get("acceleration_voltage");
    REQUIRE(voltage.size() == 1);
    CHECK(voltage[0]->number == 300000);
    CHECK(voltage[0]->unit == "V");
    CHECK(number(ts, "pixel_spacing") == doctest::Approx(3.3702e-10));
    CHECK(number(ts, "tilt_axis") == doctest::Approx(84.7));
    CHECK(number(ts, "total_flux") == 122);
    CHECK(contains(texts(ts, "related_entry"), "EMPIAR-10988"));
    CHECK(contains(texts(ts, "software"), "SerialEM"));
    bool mrc = false;
    for (const auto& l : ts.links) {
        mrc = mrc ||
              (l.rel == "mrc" &&
               l.url == "s3://cryoet-data-portal-public/10000/TS_026/TiltSeries/100/TS_026.mrc");
    }
    CHECK(mrc);

    const Record& t = c.get("cryoet:tomogram:10000/TS_026/13.480/100");
    CHECK(number(t, "voxel_spacing") == doctest::Approx(13.48e-10));
    CHECK(t.first("reconstruction") == "WBP");
    CHECK(t.first("processing") == "raw");
    CHECK(number(t, "ctf_corrected") == 0);
    // From the alignment file the tomogram names in alignment_metadata_path.
    CHECK(t.first("alignment_method") == "patch_tracking");
    CHECK(t.first("alignment_type") == "GLOBAL");
    CHECK(number(t, "quality") == 5);  // its run's tilt-series quality, as context
    CHECK(t.get("quality")[0]->origin == Origin::inherited);

    const Record& a = c.get("cryoet:annotation:10000/TS_026/13.480/101");
    CHECK(a.title == "cytosolic ribosome");
    CHECK(a.first("object") == "cytosolic ribosome");
    CHECK(a.first("object_id") == "GO:0022626");
    CHECK(a.first("shape") == "Point");
    CHECK(a.first("format") == "ndjson");
    CHECK(a.first("method") == "hybrid");
    CHECK(number(a, "ground_truth") == 1);
    CHECK(number(a, "curator_recommended") == 1);
    CHECK(a.first("annotation_software") == "pyTOM + Keras");
    CHECK(contains(texts(a, "publication"), "10.1101/2022.04.12.488077"));
    CHECK(contains(texts(a, "related_entry"), "EMD-14412"));
    CHECK(number(a, "voxel_spacing") == doctest::Approx(13.48e-10));
    CHECK(a.breadcrumb.size() == 3);
    bool file = false;
    for (const auto& l : a.links) {
        file = file || (l.rel == "file" &&
                        l.url.ends_with("Annotations/101/cytosolic_ribosome-1.0_point.ndjson"));
    }
    CHECK(file);

    const Record& run = c.get("cryoet:run:10000/TS_026");
    CHECK(number(run, "dose_rate") == doctest::Approx(2.392));  // from Frames/frames_metadata.json
    CHECK(number(run, "gain_corrected") == 0);
}

TEST_CASE("template markers and impossible dates in dataset 10011 are reported field by field") {
    std::vector<std::string> fields;
    for (const auto& i : sample().issues) {
        if (i.file != "10011/dataset_metadata.json") continue;
        CHECK(i.severity == Severity::warning);
        CHECK(i.record == "cryoet:dataset:10011");
        fields.push_back(i.field);
    }
    std::sort(fields.begin(), fields.end());
    CHECK(fields == std::vector<std::string>{
                        "cell_component.id", "cell_component.name", "cell_strain.id",
                        "cell_strain.name", "dataset_description", "dates.deposition_date",
                        "dates.last_modified_date", "dates.release_date", "sample_type"});
    const Record& d = sample().get("cryoet:dataset:10011");
    CHECK_FALSE(d.has("release_date"));
    CHECK_FALSE(d.has("cell_strain"));
    CHECK_FALSE(d.has("sample_type"));
    CHECK(d.has("organism"));  // the rest of the record is kept
    for (const auto& i : sample().issues) {
        if (i.field == "dates.release_date") {
            CHECK(i.to_line() ==
                  "warning: 10011/dataset_metadata.json: dates.release_date: '2023-XX-XX' is not "
                  "a date (expected YYYY-MM-DD); left out [cryoet:dataset:10011]");
        }
    }
}

TEST_CASE("a microscope model of '0' is reported and left out") {
    bool reported = false;
    for (const auto& i : sample().issues) {
        if (i.field == "microscope.model") {
            reported = true;
            CHECK(i.file == "10024/wnj2019-02-21-1/TiltSeries/100/tiltseries_metadata.json");
            CHECK(i.message == "'0' is not a model name; left out");
        }
    }
    CHECK(reported);
    const Record& ts = sample().get("cryoet:tiltseries:10024/wnj2019-02-21-1/100");
    for (const auto& m : texts(ts, "microscope")) CHECK(m.find(" 0") == std::string::npos);
}

TEST_CASE("depositions roll up the datasets and objects that name them") {
    const auto& c = sample();
    const Record& dep = c.get("cryoet:deposition:10000");
    CHECK(dep.title == "DeePiCt Training and Evaluation Datasets");
    CHECK(texts(dep, "deposition_type") == std::vector<std::string>{"dataset", "annotation"});
    std::set<std::string> expected;
    for (const auto& r : c.records) {
        if (r.kind == "dataset" && r.first("deposition") == "10000")
            expected.insert(r.first("dataset"));
    }
    REQUIRE_FALSE(expected.empty());
    auto rolled = texts(dep, "dataset");
    for (const auto& ds : expected) CHECK(contains(rolled, ds));
    CHECK(contains(texts(dep, "organism"), "Schizosaccharomyces pombe 972h-"));
}

TEST_CASE("unknown keys are reported once per kind, and the records are kept") {
    test::TempDir dir;
    test::copy_tree(test::sample_cryoet() / "10024", dir.path() / "10024");
    for (const char* run : {"wnj2019-02-21-1", "wnj2019-02-21-2"}) {
        fs::path f = dir.path() / "10024" / run / "run_metadata.json";
        std::string text = test::read_file(f);
        text.insert(text.find('{') + 1, "\"surprise_key\": 1,");
        test::write_file(f, text);
    }
    Collect c;
    REQUIRE(detail::make_cryoet_adapter(dir.path())->read(c).ok());
    std::size_t reported = 0;
    for (const auto& i : c.issues) {
        if (i.field == "surprise_key") {
            ++reported;
            CHECK(i.severity == Severity::warning);
            CHECK(i.message == "unknown run field is not indexed (reported once per kind)");
        }
    }
    CHECK(reported == 1);
    CHECK(c.has("cryoet:run:10024/wnj2019-02-21-1"));
    CHECK(c.has("cryoet:run:10024/wnj2019-02-21-2"));
}

TEST_CASE("a mirror given as the folder holding cryoet-mirror/ is found") {
    test::TempDir dir;
    test::copy_tree(test::sample_cryoet() / "10440", dir.path() / "cryoet-mirror" / "10440");
    fs::create_directories(dir.path() / "cryoet-mirror" / "depositions_metadata");
    Collect c;
    auto adapter = detail::make_cryoet_adapter(dir.path());
    CHECK(adapter->estimate() == 1);
    REQUIRE(adapter->read(c).ok());
    CHECK(c.has("cryoet:dataset:10440"));
}

TEST_CASE("the estimate counts the record files without parsing them") {
    std::size_t records = sample().records.size();
    CHECK(detail::make_cryoet_adapter(test::sample_cryoet())->estimate() == records);
}

TEST_CASE("the estimate walks each folder once, whatever links lead back to it") {
    // Issue 19 D5: links to "." were followed ten levels deep (three of them: 2.5 s -> 77 s).
    test::TempDir dir;
    test::copy_tree(test::sample_cryoet() / "10000", dir.path() / "10000");
    auto plain = detail::make_cryoet_adapter(dir.path())->estimate();
    REQUIRE(plain > 0);
    fs::create_directory_symlink(".", dir.path() / "again");
    fs::create_directory_symlink("..", dir.path() / "10000" / "up");
    fs::create_directory_symlink(dir.path() / "10000", dir.path() / "mirror-of-10000");
    CHECK(detail::make_cryoet_adapter(dir.path())->estimate() == plain);
}
