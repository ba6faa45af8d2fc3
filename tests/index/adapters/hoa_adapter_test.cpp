// Tests for index/adapters/hoa_{adapter,mapping}.cpp on the real Human Organ Atlas files in
// data/hoa.
//
// Expected values are read from the sample's JSON files with RapidJSON,
// independently of the adapter, wherever they can be.  Tests that need damaged
// input copy the sample into a TempDir and damage the copy.  The last test reads
// the full corpus in ../shared/corpus/hoa when it is there.
#include "adapters/hoa_adapter.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "collect_sink.h"
#include "schema/schema.h"
#include "schema/units.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

using Collect = test::CollectSink;
using test::texts;

fs::path sample_root() { return fs::path(ATLAS_DATA_DIR) / "hoa"; }

// The sample's dataset files, sorted by name.
std::vector<fs::path> sample_files() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(sample_root() / "metadata")) {
        if (e.path().extension() == ".json") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

rapidjson::Document load(const fs::path& p) {
    rapidjson::Document d;
    std::string text = test::read_file(p);
    d.Parse(text.c_str());
    REQUIRE_MESSAGE(!d.HasParseError(), p);
    return d;
}

std::string str(const rapidjson::Value& v) {
    return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : std::string();
}

// What the adapter should make of one file, read independently.
struct Expected {
    std::string file;
    std::string name;
    std::string donor;
    std::string organ_id;
    std::string type;
    std::string target;
};

std::vector<Expected> expected_datasets() {
    std::vector<Expected> out;
    for (const auto& p : sample_files()) {
        auto d = load(p);
        Expected e;
        e.file = p.filename().string();
        e.name = str(d["name"]);
        e.donor = str(d["donor"]["id"]);
        e.organ_id = "hoa:organ:" + e.donor + "/" + str(d["sample"]["organ"]);
        if (d["sample"]["organ_context"].IsString()) {
            // Appended in two steps: GCC 12 at -O3 warns falsely (-Wrestrict) on "/" + string.
            e.organ_id += '/';
            e.organ_id += str(d["sample"]["organ_context"]);
        }
        e.type = str(d["dataset_type"]);
        if (d["registration"].IsObject()) e.target = str(d["registration"]["target_dataset"]);
        out.push_back(e);
    }
    return out;
}

Collect read_dir(const fs::path& root, std::map<std::string, Record> previous = {}) {
    Collect c;
    c.previous_records = std::move(previous);
    auto adapter = detail::make_hoa_adapter(root);
    auto status = adapter->read(c);
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return c;
}

const Collect& sample() {
    static const Collect c = read_dir(sample_root());
    return c;
}

const Value& only(const Record& r, const std::string& field) {
    auto v = r.get(field);
    REQUIRE_MESSAGE(v.size() == 1, r.id << " has " << v.size() << " values of " << field);
    return *v.front();
}

bool has_link(const Record& r, const std::string& rel, const std::string& url) {
    return std::any_of(r.links.begin(), r.links.end(),
                       [&](const Link& l) { return l.rel == rel && l.url == url; });
}

std::size_t links(const Record& r, const std::string& rel) {
    return static_cast<std::size_t>(
        std::count_if(r.links.begin(), r.links.end(), [&](const Link& l) { return l.rel == rel; }));
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// Replaces the first `from` in a copied file; the test fails if it is not there.
void edit(const fs::path& file, const std::string& from, const std::string& to) {
    std::string text = test::read_file(file);
    auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from << " not in " << file);
    text.replace(at, from.size(), to);
    test::write_file(file, text);
}

// A copy of the sample's source root, for damaging.
struct SampleCopy {
    test::TempDir dir;
    SampleCopy() { test::copy_tree(sample_root() / "metadata", dir.path() / "metadata"); }
    fs::path root() const { return dir.path(); }
    fs::path file(const std::string& name) const { return dir.path() / "metadata" / name; }
};

double seconds_per_year() { return to_canonical(1, *find_unit("y")); }

constexpr const char* kFo154Col1 = "FO-20-154_lung_col1_6.5um_bm05";
constexpr const char* kFo154Overview = "FO-20-154_lung_complete-organ_25.25um_bm05";
constexpr const char* kA129 = "A129_lung_VOI-02_2.0um_bm18";

}  // namespace

TEST_CASE("hoa: the sample gives one record per donor, per organ and context, and per file") {
    auto expected = expected_datasets();
    std::set<std::string> donors, organs;
    std::size_t overviews = 0, zooms = 0;
    for (const auto& e : expected) {
        donors.insert(e.donor);
        organs.insert(e.organ_id);
        overviews += e.type == "overview" ? 1 : 0;
        zooms += e.type == "zoom" ? 1 : 0;
    }
    const auto& c = sample();
    CHECK(c.count_kind("donor") == donors.size());
    CHECK(c.count_kind("organ") == organs.size());
    CHECK(c.count_kind("dataset") == expected.size());
    CHECK(c.records.size() == donors.size() + organs.size() + expected.size());
    std::size_t seen_overview = 0, seen_zoom = 0;
    for (const auto& r : c.records) {
        seen_overview += r.first("dataset_type") == "overview" ? 1 : 0;
        seen_zoom += r.first("dataset_type") == "zoom" ? 1 : 0;
    }
    CHECK(seen_overview == overviews);
    CHECK(seen_zoom == zooms);
    CHECK(overviews > 0);
    CHECK(zooms > overviews);
    CHECK(c.carried.empty());
    // The real sample has no bad file: its only issues are the two zooms whose
    // overview it does not hold.
    for (const auto& i : c.issues) {
        CAPTURE(i.to_line());
        CHECK(i.severity == Severity::warning);
        CHECK(i.field == "registration.target_dataset");
    }
    auto adapter = detail::make_hoa_adapter(sample_root());
    CHECK(adapter->name() == "hoa");
    CHECK(adapter->estimate() == expected.size());
}

TEST_CASE("hoa: ids follow the documented scheme, are unique and name schema fields") {
    const auto& c = sample();
    std::set<std::string> ids;
    for (const auto& r : c.records) {
        CAPTURE(r.id);
        CHECK(ids.insert(r.id).second);
        CHECK(r.source == "hoa");
        CHECK_FALSE(r.title.empty());
        REQUIRE_FALSE(r.breadcrumb.empty());
        CHECK(r.breadcrumb.back().id == r.id);
        CHECK(r.breadcrumb.front().kind == "donor");
        for (const auto& v : r.values) {
            CAPTURE(v.field);
            CHECK(find_field(v.field) != nullptr);
        }
    }
    std::set<std::string> organ_ids;
    for (const auto& e : expected_datasets()) {
        CAPTURE(e.file);
        CHECK(e.file == e.name + ".json");
        const Record& d = c.get("hoa:dataset:" + e.name);
        CHECK(d.kind == "dataset");
        CHECK(d.file == e.file);
        CHECK(c.get("hoa:donor:" + e.donor).kind == "donor");
        CHECK(c.get(e.organ_id).kind == "organ");
        organ_ids.insert(e.organ_id);
    }
    for (const auto& r : c.records) {
        if (r.kind == "organ") CHECK(organ_ids.count(r.id) == 1);
    }
    CHECK(c.has("hoa:donor:LADAF-2020-27"));
    CHECK(c.has("hoa:organ:LADAF-2020-27/lung/left"));
    CHECK(c.has("hoa:organ:LADAF-2020-27/kidney/right"));
    CHECK(c.has("hoa:organ:LADAF-2020-27/heart"));
    CHECK(c.has("hoa:organ:LADAF-2021-17/testis/1"));
    CHECK(c.has("hoa:organ:FO-20-124/lung/upper_lobe"));
    CHECK(c.has("hoa:dataset:A129_lung_VOI-02_2.0um_bm18"));
    const Record& organ = c.get("hoa:organ:LADAF-2020-27/lung/left");
    CHECK(organ.title == "lung (left) of donor LADAF-2020-27");
    CHECK(organ.first("organ") == "lung");
    CHECK(organ.first("organ_context") == "left");
    CHECK(organ.first("donor") == "LADAF-2020-27");
    CHECK(c.get("hoa:organ:LADAF-2020-27/heart").title == "heart of donor LADAF-2020-27");
}

TEST_CASE("hoa: zooms hang under the overview they are registered to, else under their organ") {
    const auto& c = sample();
    std::set<std::string> names;
    for (const auto& e : expected_datasets()) names.insert(e.name);
    std::size_t under_overview = 0, missing_target = 0;
    for (const auto& e : expected_datasets()) {
        CAPTURE(e.name);
        const Record& d = c.get("hoa:dataset:" + e.name);
        if (e.type == "zoom" && names.count(e.target) == 1) {
            CHECK(d.parent == "hoa:dataset:" + e.target);
            ++under_overview;
        } else {
            CHECK(d.parent == e.organ_id);
        }
        if (!e.target.empty() && names.count(e.target) == 0) {
            ++missing_target;
            auto lines = c.issue_lines("warning: " + e.file + ": registration.target_dataset: '" +
                                       e.target + "' is not in this source; the zoom is placed " +
                                       "under its organ [hoa:dataset:" + e.name + "]");
            CHECK(lines.size() == 1);
        }
        const Record& organ = c.get(e.organ_id);
        CHECK(organ.parent == "hoa:donor:" + e.donor);
        CHECK(c.get("hoa:donor:" + e.donor).parent.empty());
    }
    CHECK(under_overview >= 5);
    CHECK(missing_target == 2);  // A129's overview is unpublished; FO-20-124's is not in the sample

    const Record& zoom = c.get(std::string("hoa:dataset:") + kFo154Col1);
    std::vector<std::string> crumbs;
    for (const auto& b : zoom.breadcrumb) crumbs.push_back(b.id);
    CHECK(crumbs == std::vector<std::string>{"hoa:donor:FO-20-154", "hoa:organ:FO-20-154/lung",
                                             std::string("hoa:dataset:") + kFo154Overview,
                                             std::string("hoa:dataset:") + kFo154Col1});
    const Record& a129 = c.get(std::string("hoa:dataset:") + kA129);
    CHECK(a129.parent == "hoa:organ:A129/lung");
    CHECK(a129.breadcrumb.size() == 3);
}

TEST_CASE("hoa: causes of death spelled Covid or COVID-19 become COVID-19, originals kept") {
    const auto& c = sample();
    auto fo = load(sample_root() / "metadata" / (std::string(kFo154Col1) + ".json"));
    REQUIRE(str(fo["donor"]["cause_of_death"]) == "Covid");
    const Value& covid = only(c.get("hoa:donor:FO-20-154"), "cause_of_death");
    CHECK(covid.text == "COVID-19");
    CHECK(covid.original == "Covid");

    auto s28 = load(sample_root() / "metadata" / "S-20-28_heart_complete-organ_19.85um_bm18.json");
    REQUIRE(str(s28["donor"]["cause_of_death"]) == "COVID-19");
    const Value& same = only(c.get("hoa:donor:S-20-28"), "cause_of_death");
    CHECK(same.text == "COVID-19");
    CHECK(same.original.empty());

    // A long clinical text that ends in "COVID-19 disease" stays as written.
    auto s29 = load(sample_root() / "metadata" / "S-20-29_brain_complete-organ_25.33um_bm05.json");
    const Value& long_cause = only(c.get("hoa:donor:S-20-29"), "cause_of_death");
    CHECK(long_cause.text == str(s29["donor"]["cause_of_death"]));
    CHECK(long_cause.text.ends_with("COVID-19 disease"));
    CHECK(long_cause.original.empty());

    CHECK(only(c.get("hoa:donor:A129"), "cause_of_death").text ==
          "not applicable - transplant organ");
    // "not applicable" alone is no cause: absent, like HTAN's placeholders.
    CHECK_FALSE(c.get("hoa:donor:AUMC-005").has("cause_of_death"));
    CHECK_FALSE(c.get("hoa:donor:LADAF-2020-27").has("cause_of_death"));

    // Organs and datasets carry the donor's context as inherited values.
    const Value& organ_cause = only(c.get("hoa:organ:FO-20-154/lung"), "cause_of_death");
    CHECK(organ_cause.text == "COVID-19");
    CHECK(organ_cause.origin == Origin::inherited);
    const Value& ds_cause = only(c.get(std::string("hoa:dataset:") + kFo154Col1), "cause_of_death");
    CHECK(ds_cause.origin == Origin::inherited);
    CHECK(ds_cause.original == "Covid");
}

TEST_CASE("hoa: donor age, sex, weight and height - nulls are absent") {
    const auto& c = sample();
    // The document outlives the view into it.
    auto doc =
        load(sample_root() / "metadata" / "LADAF-2020-27_heart_complete-organ_19.89um_bm18.json");
    auto raw = doc["donor"].GetObject();
    const Record& d = c.get("hoa:donor:LADAF-2020-27");
    const Value& age = only(d, "age");
    CHECK(age.number == doctest::Approx(raw["age"].GetInt() * seconds_per_year()));
    CHECK(age.text == std::to_string(raw["age"].GetInt()));
    CHECK(age.unit == "y");
    CHECK(d.first("age_group") == "18 or over");
    const Value& sex = only(d, "sex");
    CHECK(sex.text == "female");
    CHECK(sex.original == str(raw["sex"]));
    CHECK(only(d, "body_weight").number == doctest::Approx(raw["weight"].GetDouble()));
    CHECK(only(d, "body_weight").unit == "kg");
    CHECK(only(d, "body_height").number == doctest::Approx(raw["height"].GetDouble() / 100));
    CHECK(only(d, "body_height").unit == "cm");
    CHECK(d.title == "Donor LADAF-2020-27 (female, 94 years)");
    CHECK(texts(d, "medical_history").size() == 2);
    CHECK(texts(d, "medical_history")[1] == "hypertension: " + str(raw["hypertension"]));
    CHECK(texts(d, "parameter") ==
          std::vector<std::string>{"date_of_death=" + str(raw["date_of_death"])});

    // FO-20-154: age and sex null in every file.
    const Record& fo = c.get("hoa:donor:FO-20-154");
    CHECK_FALSE(fo.has("age"));
    CHECK_FALSE(fo.has("age_group"));
    CHECK_FALSE(fo.has("sex"));
    CHECK_FALSE(fo.has("body_weight"));
    CHECK(fo.title == "Donor FO-20-154");
    CHECK_FALSE(c.get(std::string("hoa:dataset:") + kFo154Col1).has("age"));
    // AUMC-005: sex but no age.
    const Record& aumc = c.get("hoa:donor:AUMC-005");
    CHECK(only(aumc, "sex").text == "female");
    CHECK_FALSE(aumc.has("age"));
    CHECK(aumc.title == "Donor AUMC-005 (female)");
    // LADAF-2022-13 is a smoker with hypertension; LADAF-2020-31 has type 2 diabetes.
    auto history = texts(c.get("hoa:donor:LADAF-2022-13"), "medical_history");
    CHECK(std::count(history.begin(), history.end(), "smoker: Yes") == 1);
    CHECK(std::count(history.begin(), history.end(), "hypertension: Yes") == 1);
    history = texts(c.get("hoa:donor:LADAF-2020-31"), "medical_history");
    CHECK(std::count(history.begin(), history.end(), "diabetes: Type 2") == 1);
    // Inherited by organs and datasets.
    const Value& organ_sex = only(c.get("hoa:organ:LADAF-2020-27/lung/left"), "sex");
    CHECK(organ_sex.text == "female");
    CHECK(organ_sex.origin == Origin::inherited);
    CHECK(only(c.get("hoa:dataset:LADAF-2020-27_lung_left_complete-organ_25.08um_bm05"), "age")
              .origin == Origin::inherited);
}

TEST_CASE("hoa: organs and scans inherit every donor fact, medical history included") {
    const auto& c = sample();
    std::size_t with_history = 0;
    for (const auto& r : c.records) {
        if (r.kind == "donor") continue;
        CAPTURE(r.id);
        const Record& donor = c.get("hoa:donor:" + r.first("donor"));
        for (const char* field : {"sex", "age", "age_group", "cause_of_death", "medical_history",
                                  "body_weight", "body_height"}) {
            CAPTURE(field);
            CHECK(texts(r, field) == texts(donor, field));
            for (const auto* v : r.get(field)) CHECK(v->origin == Origin::inherited);
        }
        if (r.has("medical_history")) ++with_history;
    }
    // LADAF-2022-13's kidney and its scan: "hypertension: Yes", "smoker: Yes".
    auto history = texts(c.get("hoa:organ:LADAF-2022-13/kidney/1"), "medical_history");
    CHECK(std::count(history.begin(), history.end(), "smoker: Yes") == 1);
    CHECK(with_history > 20);
}

TEST_CASE("hoa: an age of '<18' is an age group without a number - 12 is a number under 18") {
    SampleCopy copy;
    edit(copy.file(std::string(kA129) + ".json"), "\"age\": 30,", "\"age\": \"<18\",");
    edit(copy.file("LADAF-2022-13_kidney_1_complete-organ_15.77um_bm18.json"), "\"age\": 85,",
         "\"age\": 12,");
    auto c = read_dir(copy.root());
    const Record& a129 = c.get("hoa:donor:A129");
    CHECK_FALSE(a129.has("age"));
    // Stored as words ("<18" and ">18" have the same letters and digits), the
    // source's spelling kept and shown.
    CHECK(only(a129, "age_group").text == "under 18");
    CHECK(only(a129, "age_group").original == "<18");
    CHECK(a129.title == "Donor A129 (male, age <18)");
    CHECK(only(c.get(std::string("hoa:dataset:") + kA129), "age_group").origin ==
          Origin::inherited);
    const Record& young = c.get("hoa:donor:LADAF-2022-13");
    CHECK(only(young, "age").number == doctest::Approx(12 * seconds_per_year()));
    CHECK(only(young, "age_group").text == "under 18");
    CHECK(only(young, "age_group").original.empty());
    CHECK(c.issues.size() == sample().issues.size());
}

TEST_CASE("hoa: datasets store scan values in canonical units with the schema's unit") {
    const auto& c = sample();
    const double kev = to_canonical(1, *find_unit("keV"));
    std::size_t fine_lung = 0, coarse_lung = 0, without_doi = 0, without_energy = 0;
    for (const auto& p : sample_files()) {
        auto raw = load(p);
        const auto& scan = raw["scan"];
        CAPTURE(p.filename().string());
        const Record& d = c.get("hoa:dataset:" + str(raw["name"]));
        CHECK(d.title == str(raw["citation"]["title"]));
        CHECK(d.first("dataset_type") == str(raw["dataset_type"]));
        double voxel_um = raw["data"]["voxel_size_um"].GetDouble();
        const Value& voxel = only(d, "voxel_size");
        CHECK(voxel.number == doctest::Approx(voxel_um * 1e-6));
        CHECK(voxel.unit == "µm");
        CHECK(voxel.text == format_number(voxel_um));
        if (str(raw["sample"]["organ"]) == "lung") {
            (voxel_um < 5 ? fine_lung : coarse_lung) += 1;
        }
        CHECK(only(d, "pixel_spacing").number ==
              doctest::Approx(scan["pixel_size"].GetDouble() * 1e-6));
        if (scan["energy"].IsNumber()) {
            CHECK(only(d, "photon_energy").number ==
                  doctest::Approx(scan["energy"].GetDouble() * kev));
            CHECK(only(d, "photon_energy").unit == "keV");
        } else {
            CHECK_FALSE(d.has("photon_energy"));
            ++without_energy;
        }
        if (scan["distance_sample_detector"].IsNumber()) {
            CHECK(only(d, "sample_detector_distance").number ==
                  doctest::Approx(scan["distance_sample_detector"].GetDouble() * 1e-3));
        } else {
            CHECK_FALSE(d.has("sample_detector_distance"));
        }
        if (scan["distance_source_sample"].IsNumber()) {
            CHECK(only(d, "source_sample_distance").number ==
                  doctest::Approx(scan["distance_source_sample"].GetDouble() * 1e-3));
        } else {
            CHECK_FALSE(d.has("source_sample_distance"));
        }
        CHECK(only(d, "scan_range").number == doctest::Approx(scan["scan_range"].GetDouble()));
        if (scan["exposure_time"].IsNumber()) {
            CHECK(only(d, "exposure_time").number ==
                  doctest::Approx(scan["exposure_time"].GetDouble()));
        }
        CHECK(d.first("scan_date") == str(scan["date"]));
        CHECK(d.first("beamline") == str(scan["beamline"]));
        CHECK(d.first("technique") == str(scan["technique"]));
        CHECK(d.first("proposal") == str(raw["proposal"]["proposal_number"]));
        CHECK(d.first("description") == str(raw["proposal"]["title"]));
        // Contributors: "First Last", ORCIDs where not null.
        std::set<std::string> authors, orcids;
        for (const auto& who : raw["citation"]["contributors"].GetArray()) {
            authors.insert(str(who["first_name"]) + " " + str(who["last_name"]));
            if (who["orcid"].IsString()) orcids.insert(str(who["orcid"]));
        }
        CHECK(as_set(texts(d, "author")) == authors);
        CHECK(as_set(texts(d, "orcid")) == orcids);
        CHECK(authors.count("The Human Organ Atlas Collaboration") == 1);
        if (raw["citation"]["doi"].IsString()) {
            std::string doi = str(raw["citation"]["doi"]);
            CHECK(d.first("doi") == doi);
            CHECK(has_link(d, "doi", "https://doi.org/" + doi));
        } else {
            CHECK_FALSE(d.has("doi"));
            CHECK(links(d, "doi") == 0);
            ++without_doi;
        }
        // "n5://gs://bucket/path/" -> gs:// and https links.
        std::string gcs = str(raw["data"]["gcs_url"]);
        auto gs = gcs.find("gs://");
        REQUIRE(gs != std::string::npos);
        CHECK(has_link(d, "gcs", gcs.substr(gs)));
        CHECK(has_link(d, "https", "https://storage.googleapis.com/" + gcs.substr(gs + 5)));
        CHECK(links(d, "portal") == 0);
        // Organ and donor are the dataset's own facts.
        CHECK(only(d, "donor").origin == Origin::own);
        CHECK(d.first("organ") == str(raw["sample"]["organ"]));
    }
    CHECK(fine_lung >= 3);
    CHECK(coarse_lung >= 3);
    CHECK(without_doi == 2);
    CHECK(without_energy >= 1);

    const Record& a129 = c.get(std::string("hoa:dataset:") + kA129);
    CHECK(only(a129, "photon_energy").text == "84");
    CHECK(only(a129, "source_sample_distance").number == doctest::Approx(177.45));
    CHECK(only(a129, "source_sample_distance").unit == "mm");
    CHECK(as_set(texts(a129, "scan_setup")) ==
          std::set<std::string>{"ethanol", "Zoom", "LuAG:Ce 250um", "Iris15", "Sapphire 1mm",
                                "Mo 0.23mm", "Psho 10mm"});
    CHECK(has_link(a129, "gcs",
                   "gs://ucl-hip-ct-35a68e99feaae8932b1d44da0358940b/A129/lung/"
                   "2.0um_VOI-02_bm18/"));
    CHECK(a129.first("format") == "n5");
    auto fixation =
        texts(c.get("hoa:dataset:LADAF-2020-27_lung_left_complete-organ_25.08um_bm05"), "fixation");
    auto raw = load(sample_root() / "metadata" /
                    "LADAF-2020-27_lung_left_complete-organ_25.08um_bm05.json");
    CHECK(fixation == std::vector<std::string>{str(raw["sample"]["fixation_medium"])});
}

TEST_CASE("hoa: organs and donors roll up their datasets' facts and counts") {
    const auto& c = sample();
    std::map<std::string, std::size_t> per_organ, per_donor;
    std::map<std::string, std::set<std::string>> organ_names, organ_ids, beamlines;
    std::map<std::string, std::set<double>> voxels;
    for (const auto& p : sample_files()) {
        auto raw = load(p);
        std::string donor = str(raw["donor"]["id"]);
        std::string organ = "hoa:organ:" + donor + "/" + str(raw["sample"]["organ"]);
        if (raw["sample"]["organ_context"].IsString()) {
            organ += '/';
            organ += str(raw["sample"]["organ_context"]);
        }
        ++per_organ[organ];
        ++per_donor[donor];
        organ_names[donor].insert(str(raw["sample"]["organ"]));
        organ_ids[donor].insert(organ);
        beamlines[organ].insert(str(raw["scan"]["beamline"]));
        voxels[organ].insert(raw["data"]["voxel_size_um"].GetDouble());
    }
    for (const auto& [id, n] : per_organ) {
        CAPTURE(id);
        const Record& o = c.get(id);
        CHECK(only(o, "dataset_count").number == n);
        CHECK(only(o, "dataset_count").origin == Origin::rollup);
        CHECK(as_set(texts(o, "beamline")) == beamlines[id]);
        // Voxel sizes stay on the scans: voxel_size:<5um organ:lung lists scans, not organs.
        CHECK_FALSE(o.has("voxel_size"));
        CHECK_FALSE(voxels[id].empty());
        CHECK(texts(o, "technique") ==
              std::vector<std::string>{"Hierarchical Phase-Contrast Tomography (HiP-CT)"});
    }
    for (const auto& [donor, n] : per_donor) {
        CAPTURE(donor);
        const Record& d = c.get("hoa:donor:" + donor);
        CHECK(only(d, "dataset_count").number == n);
        CHECK(only(d, "organ_count").number == organ_ids[donor].size());
        CHECK(as_set(texts(d, "organ")) == organ_names[donor]);
        for (const auto* v : d.get("organ")) CHECK(v->origin == Origin::rollup);
    }
    // Lung (left), kidney (left), kidney (right), heart: two kidney records, one organ name.
    CHECK(only(c.get("hoa:donor:LADAF-2020-27"), "organ_count").number == 4);
    CHECK(texts(c.get("hoa:donor:LADAF-2020-27"), "organ").size() == 3);
}

TEST_CASE("hoa: unknown keys, wrong types and units in strings are warnings - records are kept") {
    SampleCopy copy;
    const std::string a129 = std::string(kA129) + ".json";
    edit(copy.file(a129), "{\n", "{\n  \"curator_note\": \"x\",\n");
    edit(copy.file(a129), "\"scan\": {", "\"scan\": {\"scan_colour\": \"blue\", ");
    edit(copy.file(a129), "\"orcid\": \"0000-0003-0907-0315\"", "\"orcid\": \"0000-0003\"");
    const std::string heart = "S-20-28_heart_VOI-01_6.51um_bm18.json";
    edit(copy.file(heart), "\"voxel_size_um\": 6.51", "\"voxel_size_um\": true");
    edit(copy.file(heart), "\"energy\": ", "\"energy\": \"93 keV\", \"was\": ");
    const std::string col1 = std::string(kFo154Col1) + ".json";
    edit(copy.file(col1),
         "\"distance_sample_detector\": ", "\"distance_sample_detector\": \"2.2 keV\", \"was\": ");
    edit(copy.file(col1), "\"voxel_size_um\": 6.5", "\"voxel_size_um\": \"6.5\"");
    edit(copy.file(col1), "\"scan_range\": 360.0", "\"scan_range\": \"high\"");
    edit(copy.file(col1), "\"registration\": {", "\"registration\": {\"confidence\": 1, ");

    auto c = read_dir(copy.root());
    CHECK(c.count_kind("dataset") == sample().count_kind("dataset"));
    auto one = [&](const std::string& line) {
        CAPTURE(line);
        CHECK(c.issue_lines(line).size() == 1);
    };
    one("warning: " + a129 + ": curator_note: unknown field is not indexed [hoa:dataset:" + kA129 +
        "]");
    one("warning: " + a129 +
        ": scan.scan_colour: unknown field is not indexed [hoa:dataset:" + kA129 + "]");
    one("warning: " + a129 +
        ": citation.contributors[1].orcid: '0000-0003' is not an ORCID id "
        "(0000-0000-0000-0000); left out [hoa:dataset:" +
        kA129 + "]");
    one("warning: " + heart +
        ": data.voxel_size_um: expected a number, found a boolean; left out "
        "[hoa:dataset:S-20-28_heart_VOI-01_6.51um_bm18]");
    one("warning: " + heart +
        ": scan.was: unknown field is not indexed [hoa:dataset:S-20-28_heart_VOI-01_6.51um_bm18]");
    one("warning: " + col1 +
        ": scan.distance_sample_detector: '2.2 keV' has a unit of energy, but the schema gives "
        "length in mm; left out [hoa:dataset:" +
        kFo154Col1 + "]");
    one("warning: " + col1 +
        ": scan.scan_range: 'high' is not a number; left out [hoa:dataset:" + kFo154Col1 + "]");
    one("warning: " + col1 +
        ": registration.confidence: unknown field is not indexed [hoa:dataset:" + kFo154Col1 + "]");

    const Record& h = c.get("hoa:dataset:S-20-28_heart_VOI-01_6.51um_bm18");
    CHECK_FALSE(h.has("voxel_size"));
    CHECK(only(h, "photon_energy").text == "93");
    CHECK(only(h, "photon_energy").unit == "keV");
    CHECK(only(h, "photon_energy").number == doctest::Approx(to_canonical(93, *find_unit("keV"))));
    CHECK(h.first("beamline") == "BM18");  // the rest of the record is intact
    const Record& f = c.get(std::string("hoa:dataset:") + kFo154Col1);
    CHECK_FALSE(f.has("sample_detector_distance"));
    CHECK_FALSE(f.has("scan_range"));
    CHECK(only(f, "voxel_size").number == doctest::Approx(6.5e-6));  // unitless string: µm
    CHECK(f.parent == std::string("hoa:dataset:") + kFo154Overview);
    const Record& a = c.get(std::string("hoa:dataset:") + kA129);
    CHECK(texts(a, "orcid").size() + 1 == texts(sample().get(a.id), "orcid").size());
    for (const auto& i : c.issues) CHECK(i.severity == Severity::warning);
}

TEST_CASE("hoa: a dataset named unlike its file keeps its name as id, with a warning") {
    SampleCopy copy;
    fs::rename(copy.file(std::string(kA129) + ".json"), copy.file("a129-renamed.json"));
    auto c = read_dir(copy.root());
    const Record& d = c.get(std::string("hoa:dataset:") + kA129);
    CHECK(d.file == "a129-renamed.json");
    CHECK(c.issue_lines(std::string("warning: a129-renamed.json: name: '") + kA129 +
                        "' differs from the file name; the name is the id [hoa:dataset:" + kA129 +
                        "]")
              .size() == 1);
}

TEST_CASE("hoa: an invalid JSON file is rejected and its previous version kept in place") {
    SampleCopy copy;
    auto intact = read_dir(copy.root());
    std::map<std::string, Record> previous;
    for (const auto& r : intact.records) previous.emplace(r.id, r);

    const std::string col1 = std::string(kFo154Col1) + ".json";
    const std::string a129 = std::string(kA129) + ".json";
    std::string text = test::read_file(copy.file(col1));
    test::write_file(copy.file(col1), text.substr(0, text.size() / 2));
    test::write_file(copy.file(a129), "{\"name\": ");

    SUBCASE("with a previous generation, the datasets (and A129, known only from it) are kept") {
        auto c = read_dir(copy.root(), previous);
        CHECK(c.records.size() == intact.records.size());
        CHECK(as_set(c.carried) == std::set<std::string>{std::string("hoa:dataset:") + kFo154Col1,
                                                         std::string("hoa:dataset:") + kA129,
                                                         "hoa:donor:A129", "hoa:organ:A129/lung"});
        auto errors = c.issue_lines("error: " + col1 + ": invalid JSON at offset ");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].ends_with(std::string("; record rejected [hoa:dataset:") + kFo154Col1 +
                                  "; previous version kept]"));
        CHECK(c.issue_lines("error: " + a129 + ": invalid JSON").size() == 1);
        // Kept in place: same parent, context recomputed from this build, counted by its organ.
        const Record& kept = c.get(std::string("hoa:dataset:") + kFo154Col1);
        CHECK(kept.parent == std::string("hoa:dataset:") + kFo154Overview);
        CHECK(kept.breadcrumb.size() == 4);
        CHECK(only(kept, "cause_of_death").origin == Origin::inherited);
        CHECK(only(kept, "voxel_size").number == doctest::Approx(6.5e-6));
        CHECK(only(c.get("hoa:organ:FO-20-154/lung"), "dataset_count").number ==
              only(intact.get("hoa:organ:FO-20-154/lung"), "dataset_count").number);
        CHECK(only(c.get("hoa:donor:A129"), "age").text == "30");
        CHECK(only(c.get("hoa:organ:A129/lung"), "sex").origin == Origin::inherited);
    }
    SUBCASE("without one, the datasets are missing and A129 has no records at all") {
        auto c = read_dir(copy.root());
        CHECK(c.carried.empty());
        CHECK_FALSE(c.has(std::string("hoa:dataset:") + kFo154Col1));
        CHECK_FALSE(c.has("hoa:donor:A129"));
        CHECK(c.count_kind("dataset") == intact.count_kind("dataset") - 2);
        auto errors = c.issue_lines("error: " + col1 + ": invalid JSON at offset ");
        REQUIRE(errors.size() == 1);
        CHECK(
            errors[0].ends_with(std::string("; record rejected [hoa:dataset:") + kFo154Col1 + "]"));
        CHECK(only(c.get("hoa:organ:FO-20-154/lung"), "dataset_count").number ==
              only(intact.get("hoa:organ:FO-20-154/lung"), "dataset_count").number - 1);
    }
}

TEST_CASE("hoa: a donor whose facts differ between files keeps the first file's, with warnings") {
    SampleCopy copy;
    // FO-20-154's files sort col1_2.5, col1_6.5, col2_6.5, complete-organ.
    const std::string overview = std::string(kFo154Overview) + ".json";
    edit(copy.file(overview), "\"age\": null", "\"age\": 60");
    const std::string lung = "LADAF-2020-27_lung_left_complete-organ_25.08um_bm05.json";
    edit(copy.file(lung), "\"sex\": \"F\"", "\"sex\": \"M\"");
    auto c = read_dir(copy.root());
    CHECK(c.issue_lines("warning: " + overview +
                        ": donor.age: 60 differs from null in FO-20-154_lung_col1_2.5um_bm05.json; "
                        "the first file's value is kept [hoa:donor:FO-20-154]")
              .size() == 1);
    CHECK(c.issue_lines("warning: " + lung +
                        ": donor.sex: 'M' differs from 'F' in "
                        "LADAF-2020-27_heart_complete-organ_19.89um_bm18.json; the first file's "
                        "value is kept [hoa:donor:LADAF-2020-27]")
              .size() == 1);
    CHECK(c.issue_lines("differs from").size() == 2);
    CHECK_FALSE(c.get("hoa:donor:FO-20-154").has("age"));
    CHECK(only(c.get("hoa:donor:LADAF-2020-27"), "sex").text == "female");
    CHECK(c.count_kind("donor") == sample().count_kind("donor"));
}

TEST_CASE("hoa: the corpus layout is read too, and a root without metadata is an error") {
    test::TempDir dir;
    test::copy_tree(sample_root() / "metadata",
                    dir.path() / "HumanOrganAtlas_metadata-schemas" / "metadata");
    auto c = read_dir(dir.path());
    CHECK(c.records.size() == sample().records.size());
    CHECK(c.get(std::string("hoa:dataset:") + kA129).file == std::string(kA129) + ".json");
    CHECK(detail::make_hoa_adapter(dir.path())->estimate() == sample_files().size());

    test::TempDir empty;
    Collect none;
    auto status = detail::make_hoa_adapter(empty.path())->read(none);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == Errc::not_found);
    CHECK(status.error().message.find(empty.path().string()) != std::string::npos);
}

TEST_CASE("hoa: the sample indexes through build_index with every record accounted for") {
    test::TempDir dir;
    BuildOptions options;
    options.sources.push_back({"hoa", sample_root().string()});
    options.out_dir = (dir.path() / "index").string();
    auto report = build_index(options);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    std::map<std::string, std::uint64_t> expected;
    for (const auto& r : sample().records) ++expected[r.kind];
    CHECK(report.value().records_per_kind == expected);
    CHECK(report.value().rejected == 0);
}

// The full corpus (298 files) when ../shared/corpus/hoa is beside the repository:
// tests must pass without it, and a sanitizer build skips it as the CryoET one does.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kHoaSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kHoaSanitized = true;
#else
constexpr bool kHoaSanitized = false;
#endif
#else
constexpr bool kHoaSanitized = false;
#endif

TEST_CASE("hoa: the full Human Organ Atlas corpus gives 298 datasets of 24 donors, none rejected") {
    fs::path corpus = fs::path(ATLAS_SOURCE_DIR) / ".." / "shared" / "corpus" / "hoa";
    if (!fs::is_directory(corpus / "HumanOrganAtlas_metadata-schemas" / "metadata") ||
        kHoaSanitized) {
        MESSAGE("skipped: no ../shared/corpus/hoa, or a sanitizer build");
        return;
    }
    auto c = read_dir(corpus);
    CHECK(detail::make_hoa_adapter(corpus)->estimate() == 298);
    CHECK(c.count_kind("dataset") == 298);
    CHECK(c.count_kind("donor") == 24);
    std::size_t overviews = 0, zooms = 0;
    for (const auto& r : c.records) {
        overviews += r.first("dataset_type") == "overview" ? 1 : 0;
        zooms += r.first("dataset_type") == "zoom" ? 1 : 0;
    }
    CHECK(overviews == 60);
    CHECK(zooms == 238);
    std::size_t rejected = 0;
    for (const auto& i : c.issues) rejected += i.severity == Severity::error ? 1 : 0;
    CHECK(rejected == 0);
    CHECK(c.carried.empty());
    // Its only warnings are zooms registered to overviews it does not publish.
    for (const auto& i : c.issues) CHECK(i.field == "registration.target_dataset");
    MESSAGE("hoa corpus: " << c.count_kind("organ") << " organ records, " << c.issues.size()
                           << " warnings");
}
