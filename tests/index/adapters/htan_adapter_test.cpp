// Tests for index/adapters/htan_{adapter,mapping}.cpp on the real records in data/htan (a cut of
// the portal's processed_syn_data.json.gz and of the Therapy rows of its
// syn_data.json.gz; see data/htan/SOURCE.md).
//
// Expected values are read from the export itself wherever they can be, so
// the tests follow the data rather than numbers copied from a run.
#include "adapters/htan_adapter.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "adapters/json_reader.h"
#include "collect_sink.h"
#include "schema/schema.h"
#include "schema/units.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;
using test::texts;

namespace {

fs::path sample_htan() { return fs::path(ATLAS_DATA_DIR) / "htan"; }

const test::CollectSink& sample() {
    static const test::CollectSink c = [] {
        test::CollectSink out;
        auto adapter = detail::make_htan_adapter(sample_htan());
        REQUIRE(adapter->read(out).ok());
        return out;
    }();
    return c;
}

// A gzipped JSON file of the sample, parsed independently of the adapter (zlib + RapidJSON).
rapidjson::Document read_gz_json(const fs::path& path) {
    gzFile in = gzopen(path.c_str(), "rb");
    REQUIRE(in != nullptr);
    std::string text;
    char buf[1 << 15];
    int n;
    while ((n = gzread(in, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    gzclose(in);
    rapidjson::Document d;
    d.Parse(text.data(), text.size());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

const rapidjson::Document& export_doc() {
    static const rapidjson::Document doc =
        read_gz_json(sample_htan() / "processed_syn_data.json.gz");
    return doc;
}

// The Therapy rows of the raw Synapse manifests, as {participant, column -> text}.
struct TherapyRow {
    std::string participant;
    std::map<std::string, std::string> cells;  // string cells only
    std::size_t values = 0;                    // how many values the row has
    std::size_t columns = 0;                   // how many its column_order names
    std::string atlas;
};
const std::vector<TherapyRow>& therapy_rows() {
    static const std::vector<TherapyRow> rows = [] {
        rapidjson::Document d = read_gz_json(sample_htan() / "syn_data.json.gz");
        std::vector<TherapyRow> out;
        for (const auto& a : d["atlases"].GetArray()) {
            if (!a.HasMember("bts:Therapy")) continue;
            const auto& t = a["bts:Therapy"];
            const auto& cols = t["column_order"];
            for (const auto& r : t["record_list"].GetArray()) {
                TherapyRow row;
                row.atlas = a["htan_id"].GetString();
                row.values = r["values"].Size();
                row.columns = cols.Size();
                for (rapidjson::SizeType c = 0; c < cols.Size() && c < r["values"].Size(); ++c) {
                    if (r["values"][c].IsString()) {
                        row.cells[cols[c].GetString()] = r["values"][c].GetString();
                    }
                }
                row.participant = row.cells["HTAN Participant ID"];
                out.push_back(std::move(row));
            }
        }
        return out;
    }();
    return rows;
}

// "Surgery, Chemotherapy" -> {"Surgery", "Chemotherapy"}, placeholders left out
// ("Not Reported," is one).
std::vector<std::string> split_types(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto comma = s.find(',', start);
        std::string part =
            s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        while (!part.empty() && part.front() == ' ') part.erase(part.begin());
        while (!part.empty() && part.back() == ' ') part.pop_back();
        if (!part.empty() && !detail::is_unrecorded(part)) out.push_back(part);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::string str(const rapidjson::Value& obj, const char* key) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsString()) return {};
    return it->value.GetString();
}

std::set<std::string> participant_ids() {
    std::set<std::string> ids;
    for (const char* part : {"demographicsByParticipantID", "diagnosisByParticipantID"}) {
        for (const auto& m : export_doc()[part].GetObject()) ids.insert(m.name.GetString());
    }
    return ids;
}

}  // namespace

TEST_CASE("HTAN: one record per atlas, participant, biospecimen, file and publication") {
    const auto& c = sample();
    const auto& d = export_doc();
    CHECK(c.count_kind("atlas") == d["atlases"].Size());
    CHECK(c.count_kind("participant") == participant_ids().size());
    CHECK(c.count_kind("biospecimen") == d["biospecimenByBiospecimenID"].MemberCount());
    // Every file row is a record, the reused id included (see below).
    CHECK(c.count_kind("file") == d["files"].Size());
    auto pubs = detail::load_json_file(sample_htan() / "publications_manifest_all.json");
    REQUIRE(pubs.ok());
    CHECK(c.count_kind("publication") == pubs.value().doc.Size());
    std::set<std::string> ids;
    for (const auto& r : c.records) {
        CHECK_MESSAGE(ids.insert(r.id).second, "duplicate id " << r.id);
        CHECK(r.source == "htan");
        CHECK(r.id.starts_with("htan:" + r.kind + ":"));
    }
    for (const auto& i : c.issues) CHECK_MESSAGE(i.severity == Severity::warning, i.to_line());
}

// An age at diagnosis as the export writes it: a number or a numeric string.
std::optional<double> numeric_age(const rapidjson::Value& age) {
    if (age.IsNumber()) return age.GetDouble();
    if (age.IsString() && std::isdigit(static_cast<unsigned char>(age.GetString()[0]))) {
        return std::atof(age.GetString());
    }
    return std::nullopt;
}

TEST_CASE("HTAN participants: demographics and diagnosis in one record, ages in days") {
    const auto& c = sample();
    const auto& d = export_doc();
    const auto& diag = d["diagnosisByParticipantID"];
    const auto& dem = d["demographicsByParticipantID"];
    const Unit* day = find_unit("d");
    const Unit* year = find_unit("y");
    REQUIRE(day != nullptr);
    REQUIRE(year != nullptr);
    // An atlas whose non-zero ages are all 120 or less writes years (HTA10:
    // "45", "18"); as days they would all be babies under four months.
    std::map<std::string, bool> atlas_in_days;
    std::map<std::string, std::size_t> in_years;
    for (const auto& m : diag.GetObject()) {
        auto age = numeric_age(m.value["AgeatDiagnosis"]);
        if (age && *age != 0) atlas_in_days[str(m.value, "atlasid")] |= *age > 120;
    }
    for (const auto& m : diag.GetObject()) {
        std::string pid = m.name.GetString();
        const Record& r = c.get("htan:participant:" + pid);
        CHECK(r.parent == "htan:atlas:" + str(m.value, "atlasid"));
        if (auto dx = str(m.value, "PrimaryDiagnosis"); !dx.empty() && dx != "Not Reported" &&
                                                         dx != "unknown") {
            CHECK(texts(r, "primary_diagnosis") == std::vector<std::string>{dx});
        }
        auto age = numeric_age(m.value["AgeatDiagnosis"]);
        auto ages = r.get("age");
        if (age && *age != 0) {
            // Numbers, floats (18797.5) and numeric strings ("23266") alike.
            bool days = atlas_in_days[str(m.value, "atlasid")];
            if (!days) ++in_years[str(m.value, "atlasid")];
            REQUIRE(ages.size() == 1);
            CHECK(ages[0]->number == doctest::Approx(to_canonical(*age, days ? *day : *year)));
            CHECK(ages[0]->unit == (days ? "d" : "y"));
        } else {
            // "unknown", "Not Reported", and 0 days, which stands for "not
            // recorded" (HTA11 in the sample): left out, the zeros reported once.
            CHECK(ages.empty());
        }
        if (dem.HasMember(m.name)) {
            auto gender = str(dem[m.name], "Gender");
            if (!gender.empty() && !detail::is_unrecorded(gender)) {
                CHECK(texts(r, "sex") == std::vector<std::string>{gender});
            }
        }
    }
    // HTA10_01 wrote "45": 45 years, not 45 days.
    auto hta10 = c.get("htan:participant:HTA10_01").get("age");
    REQUIRE(hta10.size() == 1);
    CHECK(hta10[0]->text == "45");
    CHECK(hta10[0]->number == doctest::Approx(to_canonical(45, *year)));
    REQUIRE(in_years.size() == 1);
    CHECK(in_years.begin()->first == "HTA10");
    auto years = c.issue_lines("read as years");
    REQUIRE(years.size() == 1);
    CHECK(years[0] == fmt::format("warning: processed_syn_data.json.gz: "
                                  "diagnosisByParticipantID.*.AgeatDiagnosis: HTA10: all {} "
                                  "non-zero ages are 120 or less, which as days would make every "
                                  "participant younger than four months; read as years",
                                  in_years["HTA10"]));
    // A participant with demographics only still has a record.
    bool demographics_only = false;
    for (const auto& m : dem.GetObject()) {
        if (!diag.HasMember(m.name)) {
            demographics_only = true;
            CHECK(c.has(std::string("htan:participant:") + m.name.GetString()));
        }
    }
    CHECK(demographics_only);
    auto zero = c.issue_lines("have 0 days");
    REQUIRE(zero.size() == 1);
    CHECK(zero[0].find("have 0 days, which stands for not recorded; left out") != std::string::npos);
}

// The coarse organ human-organ-mappings.json files `tissue` under, read independently.
std::string coarse_organ(const std::string& tissue) {
    auto file = detail::load_json_file(sample_htan() / "human-organ-mappings.json");
    REQUIRE(file.ok());
    for (const auto& organ : file.value().doc.GetObject()) {
        for (const auto& list : organ.value.GetObject()) {
            for (const auto& n : list.value.GetArray()) {
                if (compact(n.GetString()) == compact(tissue)) return organ.name.GetString();
            }
        }
    }
    return {};
}

TEST_CASE("HTAN participants get the portal's coarse organ through human-organ-mappings.json") {
    const auto& c = sample();
    // HTA7_944's tissue of origin is "Sigmoid colon", which the mapping files under Colorectal.
    const Record& p = c.get("htan:participant:HTA7_944");
    CHECK(texts(p, "organ_detail") == std::vector<std::string>{"Sigmoid colon"});
    CHECK(coarse_organ("Sigmoid colon") == "Colorectal");
    CHECK(texts(p, "organ") == std::vector<std::string>{"Colorectal"});
    // The data writes "Colon NOS" where the mapping has "Colon, NOS".
    CHECK(coarse_organ("Colon NOS") == "Colorectal");
    for (const auto& r : c.records) {
        if (r.kind != "participant") continue;
        for (const auto& detail : texts(r, "organ_detail")) {
            std::string coarse = coarse_organ(detail);
            if (coarse.empty()) continue;
            auto organs = texts(r, "organ");
            CHECK_MESSAGE(std::find(organs.begin(), organs.end(), coarse) != organs.end(),
                          r.id << " " << detail);
        }
    }
    // "Not Reported" is no organ at all, not a word.
    const Record& unknown = c.get("htan:participant:HTA7_967");
    CHECK_FALSE(unknown.has("organ_detail"));
    CHECK_FALSE(unknown.has("organ"));
}

TEST_CASE("HTAN biospecimens: the parent chain up to the participant") {
    const auto& c = sample();
    const auto& bios = export_doc()["biospecimenByBiospecimenID"];
    auto participants = participant_ids();
    for (const auto& m : bios.GetObject()) {
        std::string bid = m.name.GetString();
        const Record& r = c.get("htan:biospecimen:" + bid);
        std::string parent = str(m.value, "HTANParentID");
        if (bios.HasMember(parent.c_str())) {
            CHECK(r.parent == "htan:biospecimen:" + parent);
        } else if (participants.count(parent) != 0) {
            CHECK(r.parent == "htan:participant:" + parent);
        }
        // Walk the export's chain: the first non-biospecimen ancestor is the participant.
        std::string at = parent;
        while (bios.HasMember(at.c_str())) at = str(bios[at.c_str()], "HTANParentID");
        if (participants.count(at) != 0) {
            CHECK(texts(r, "participant") == std::vector<std::string>{at});
            REQUIRE(r.breadcrumb.size() >= 3);
            CHECK(r.breadcrumb[1].id == "htan:participant:" + at);
            CHECK(r.breadcrumb.back().id == r.id);
        }
    }
    // HTA6_EXT1_1's parent HTA6_EXT1 is no participant the export knows: indexed, reported.
    const Record& orphan = c.get("htan:biospecimen:HTA6_EXT1_1");
    CHECK_FALSE(orphan.has("participant"));
    CHECK(orphan.parent == "htan:atlas:HTA6");
    CHECK(c.issue_lines("HTA6_EXT1_1.HTANParentID: 'HTA6_EXT1' leads to no known participant")
              .size() == 1);
}

TEST_CASE("HTAN files: assay, level, format, access, viewers, links and inherited context") {
    const auto& c = sample();
    const auto& files = export_doc()["files"];
    std::set<std::string> seen;
    for (const auto& f : files.GetArray()) {
        std::string fid = str(f, "DataFileID");
        if (!seen.insert(fid).second) continue;  // the reused id: next test
        const Record& r = c.get("htan:file:" + fid);
        std::string filename = str(f, "Filename");
        CHECK(r.title == filename.substr(filename.rfind('/') + 1));
        CHECK(texts(r, "assay").front() == str(f, "assayName"));
        CHECK(texts(r, "level") == std::vector<std::string>{str(f, "level")});
        CHECK(texts(r, "format") == std::vector<std::string>{str(f, "FileFormat")});
        CHECK(texts(r, "data_access") == std::vector<std::string>{str(f, "downloadSource")});
        for (const auto& b : f["biospecimenIds"].GetArray()) {
            auto bs = texts(r, "biospecimen");
            CHECK(std::find(bs.begin(), bs.end(), b.GetString()) != bs.end());
        }
        const auto& viewers = f["viewers"];
        if (viewers.HasMember("cds")) {
            std::string drs = str(viewers["cds"], "drs_uri");
            CHECK(texts(r, "drs_uri") == std::vector<std::string>{drs});
            bool linked = std::any_of(r.links.begin(), r.links.end(), [&](const Link& l) {
                return l.rel == "drs" && l.url == drs;
            });
            CHECK(linked);
            auto size = r.get("file_size");
            REQUIRE(size.size() == 1);
            CHECK(size[0]->number == std::atof(str(viewers["cds"], "file_size").c_str()));
        }
        if (viewers.HasMember("idc")) {
            std::string cmd = str(viewers["idc"], "s5cmd_manifest_aws");
            std::string folder = cmd.substr(cmd.find("s3://"));
            folder = folder.substr(0, folder.find('*'));
            bool linked = std::any_of(r.links.begin(), r.links.end(), [&](const Link& l) {
                return l.rel == "s3" && l.url == folder;
            });
            CHECK_MESSAGE(linked, fid << " has no s3 link " << folder);
        }
        if (viewers.HasMember("autoMinerva")) {
            auto v = texts(r, "viewer");
            CHECK(std::find(v.begin(), v.end(), "Minerva") != v.end());
        }
    }
    // A CyCIF image of a sigmoid colon carries the participant's organ, for "CyCIF colon".
    const Record& img = c.get("htan:file:HTA7_944_1000");
    CHECK(texts(img, "assay") == std::vector<std::string>{"CyCIF"});
    CHECK(texts(img, "organ") == std::vector<std::string>{"Colorectal"});
    CHECK(img.get("organ")[0]->origin == Origin::inherited);
    CHECK(img.parent == "htan:biospecimen:HTA7_944_2");
    CHECK(img.breadcrumb.front().id == "htan:atlas:HTA7");
}

TEST_CASE("HTAN: a data file id the export reuses keeps both files") {
    const auto& c = sample();
    std::vector<const rapidjson::Value*> rows;
    for (const auto& f : export_doc()["files"].GetArray()) {
        if (str(f, "DataFileID") == "HTA10_07_00102001") rows.push_back(&f);
    }
    REQUIRE(rows.size() == 2);
    const Record& first = c.get("htan:file:HTA10_07_00102001");
    std::string second_id = "htan:file:HTA10_07_00102001/" + str(*rows[1], "synapseId");
    const Record& second = c.get(second_id);
    CHECK(first.first("synapse_id") == str(*rows[0], "synapseId"));
    CHECK(second.first("synapse_id") == str(*rows[1], "synapseId"));
    CHECK(second.aliases == std::vector<std::string>{"htan:file:HTA10_07_00102001"});
    CHECK(texts(second, "htan_id") == std::vector<std::string>{"HTA10_07_00102001"});
    auto lines = c.issue_lines("'HTA10_07_00102001' is also the id of");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(second_id) != std::string::npos);
}

TEST_CASE("HTAN: a Minerva story names the files it shows") {
    const auto& c = sample();
    // minerva-story-mappings.json maps CRC02.ome.tif to the crc02-overview story.
    const Record* crc02 = nullptr;
    for (const auto& r : c.records) {
        if (r.kind == "file" && r.title == "CRC02.ome.tif") crc02 = &r;
    }
    REQUIRE(crc02 != nullptr);
    CHECK(texts(*crc02, "story") == std::vector<std::string>{"crc02-overview"});
    bool linked = std::any_of(crc02->links.begin(), crc02->links.end(), [](const Link& l) {
        return l.rel == "story" && l.url == "minerva:story:crc02-overview";
    });
    CHECK(linked);
    // Every mapped file in the sample names its story, /minerva/ and /stories/ URLs alike.
    auto map = detail::load_json_file(sample_htan() / "minerva-story-mappings.json");
    REQUIRE(map.ok());
    std::size_t mapped = 0;
    for (const auto& r : c.records) {
        if (r.kind != "file") continue;
        auto m = map.value().doc.FindMember(r.title.c_str());
        if (m == map.value().doc.MemberEnd()) continue;
        std::string url = m->value.GetString();
        if (url.find("labsyspharm.github.io") == std::string::npos) continue;
        std::string name = url.substr(url.rfind('/') + 1);
        name = name.substr(0, name.rfind(".html"));
        CHECK(texts(r, "story") == std::vector<std::string>{name});
        ++mapped;
    }
    CHECK(mapped >= 1);
}

TEST_CASE("HTAN: placeholders are absent and shell variables are text, not template markers") {
    const auto& c = sample();
    for (const auto& r : c.records) {
        for (const auto& v : r.values) {
            std::string f = v.text;
            std::transform(f.begin(), f.end(), f.begin(), ::tolower);
            CHECK_MESSAGE(f != "not reported", r.id << " " << v.field);
            CHECK_MESSAGE(f != "unknown", r.id << " " << v.field);
            CHECK_MESSAGE(f != "not applicable", r.id << " " << v.field);
            CHECK_MESSAGE(f != "not allowed to collect", r.id << " " << v.field);
        }
    }
    bool found = false;
    for (const auto& r : c.records) {
        for (const auto* v : r.get("description")) {
            if (v->text.find("${") != std::string::npos) found = true;
        }
    }
    CHECK(found);
    CHECK(c.issue_lines("template marker").empty());
}

TEST_CASE("HTAN: \"Not Allowed To Collect\" is no treatment and no ethnicity") {
    const auto& c = sample();
    const auto& d = export_doc();
    // HTA12_113 has it as PriorTreatment and (lower-cased) as Ethnicity.
    const auto& diag = d["diagnosisByParticipantID"]["HTA12_113"];
    const auto& dem = d["demographicsByParticipantID"]["HTA12_113"];
    REQUIRE(str(diag, "PriorTreatment") == "Not Allowed To Collect");
    REQUIRE(str(dem, "Ethnicity") == "not allowed to collect");
    const Record& p = c.get("htan:participant:HTA12_113");
    CHECK_FALSE(p.has("treatment"));
    CHECK_FALSE(p.has("ethnicity"));
    CHECK(texts(p, "primary_diagnosis") == std::vector<std::string>{str(diag, "PrimaryDiagnosis")});
    // Nor do its files inherit anything of the kind.
    bool file_seen = false;
    for (const auto& r : c.records) {
        if (r.kind != "file" || !contains(texts(r, "participant"), "HTA12_113")) continue;
        file_seen = true;
        CHECK_FALSE(r.has("treatment"));
        CHECK_FALSE(r.has("ethnicity"));
    }
    CHECK(file_seen);
}

TEST_CASE("HTAN participants: treatment types from TreatmentType and the Therapy manifests") {
    const auto& c = sample();
    // The export's TreatmentType lists several: one facet value each.
    const auto& diag = export_doc()["diagnosisByParticipantID"];
    std::size_t listed = 0;
    for (const auto& m : diag.GetObject()) {
        auto types = split_types(str(m.value, "TreatmentType"));
        if (types.empty()) continue;
        auto have =
            texts(c.get(std::string("htan:participant:") + m.name.GetString()), "treatment");
        for (const auto& t : types)
            CHECK_MESSAGE(contains(have, t), m.name.GetString() << " " << t);
        listed += types.size() > 1;
    }
    CHECK(listed >= 1);
    CHECK(texts(c.get("htan:participant:HTA15_30007"), "treatment") ==
          std::vector<std::string>{"Surgery", "Chemotherapy"});
    // syn_data.json.gz's Therapy rows: their types, and their agents as text.
    std::size_t typed = 0, agents = 0;
    for (const auto& row : therapy_rows()) {
        std::string id = "htan:participant:" + row.participant;
        if (!c.has(id)) continue;
        const Record& p = c.get(id);
        auto have = texts(p, "treatment");
        for (const auto& t : split_types(
                 row.cells.count("Treatment Type") != 0 ? row.cells.at("Treatment Type") : "")) {
            CHECK_MESSAGE(contains(have, t), id << " " << t);
            ++typed;
        }
        if (auto it = row.cells.find("Therapeutic Agents"); it != row.cells.end()) {
            bool found = false;
            for (const auto& text : texts(p, "description")) {
                found =
                    found || text.find("Therapeutic Agents: " + it->second) != std::string::npos;
            }
            CHECK_MESSAGE(found, id << " " << it->second);
            ++agents;
        }
    }
    CHECK(typed >= 10);
    CHECK(agents >= 10);
    // HTA13_1: "No" prior treatment in the export, chemotherapy (oxaliplatin) in the manifest.
    const Record& p = c.get("htan:participant:HTA13_1");
    CHECK(texts(p, "treatment") == std::vector<std::string>{"No prior treatment", "Chemotherapy"});
    auto text = texts(p, "description");
    REQUIRE(text.size() == 1);
    CHECK(text[0] ==
          "Therapy: Treatment Type: Chemotherapy; Therapeutic Agents: Oxaliplatin; "
          "Initial Disease Status: Initial Diagnosis");
    // HTAPP writes more values than it names columns: reported once per atlas, not guessed.
    std::size_t longer = 0, rows = 0;
    for (const auto& row : therapy_rows()) {
        if (row.atlas != "HTA1") continue;
        ++rows;
        if (row.values > row.columns) ++longer;
    }
    REQUIRE(longer > 0);
    auto lines = c.issue_lines("than column_order names");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find(fmt::format("{} of {} rows of HTA1 have more values", longer, rows)) !=
          std::string::npos);
    // Without the manifests the export's treatment is all there is.
    test::TempDir dir;
    test::copy_tree(sample_htan(), dir.path());
    fs::remove(dir.path() / "syn_data.json.gz");
    test::CollectSink out;
    REQUIRE(detail::make_htan_adapter(dir.path())->read(out).ok());
    CHECK(texts(out.get("htan:participant:HTA13_1"), "treatment") ==
          std::vector<std::string>{"No prior treatment"});
    CHECK(out.issue_lines("than column_order names").empty());
}

TEST_CASE("HTAN biospecimens and files inherit their participants' treatment") {
    const auto& c = sample();
    std::size_t checked = 0;
    for (const auto& r : c.records) {
        if (r.kind != "biospecimen" && r.kind != "file") continue;
        for (const auto& pid : texts(r, "participant")) {
            if (!c.has("htan:participant:" + pid)) continue;
            auto have = texts(r, "treatment");
            for (const auto& t : texts(c.get("htan:participant:" + pid), "treatment")) {
                CHECK_MESSAGE(contains(have, t), r.id << " " << t);
                ++checked;
            }
        }
        for (const auto* v : r.get("treatment")) CHECK(v->origin == Origin::inherited);
    }
    CHECK(checked >= 100);
    const Record& f = c.get("htan:file:HTA15_30007_700001901");
    CHECK(texts(f, "treatment") == std::vector<std::string>{"Surgery", "Chemotherapy"});
    const Record& b = c.get("htan:biospecimen:HTA13_1_1");
    CHECK(contains(texts(b, "treatment"), "Chemotherapy"));
}

TEST_CASE("HTAN atlases roll up their participants' organ, diagnosis and treatment") {
    const auto& c = sample();
    // organ:Breast --kind atlas finds HTA1, whose HTA1_313 is a breast participant.
    const Record& hta1 = c.get("htan:atlas:HTA1");
    auto organs = hta1.get("organ");
    auto breast = std::find_if(organs.begin(), organs.end(),
                               [](const Value* v) { return v->text == "Breast"; });
    REQUIRE(breast != organs.end());
    CHECK((*breast)->origin == Origin::rollup);
    std::size_t checked = 0;
    for (const auto& p : c.records) {
        if (p.kind != "participant" || p.first("atlas").empty()) continue;
        const Record& atlas = c.get("htan:atlas:" + p.first("atlas"));
        for (const char* field : {"organ", "organ_detail", "primary_diagnosis", "treatment"}) {
            auto have = texts(atlas, field);
            for (const auto* v : p.get(field)) {
                if (v->origin != Origin::own) continue;
                CHECK_MESSAGE(contains(have, v->text), atlas.id << " " << field << " " << v->text);
                ++checked;
            }
        }
    }
    CHECK(checked >= 100);
    // A participant's values never come back as the atlas's own.
    for (const auto* v : hta1.get("treatment")) CHECK(v->origin == Origin::rollup);
}

TEST_CASE("HTAN: data/htan/SOURCE.md states the sample's counts, warnings and odd ages") {
    const auto& c = sample();
    std::string md;
    for (char ch : test::read_file(sample_htan() / "SOURCE.md")) {
        bool space = ch == '\n' || ch == ' ';
        if (space && !md.empty() && md.back() == ' ') continue;
        md += space ? ' ' : ch;
    }
    CHECK_MESSAGE(md.find(fmt::format("atlas {}, participant {}, biospecimen {}, file {}, "
                                      "publication {} ({} records); {} warnings",
                                      c.count_kind("atlas"), c.count_kind("participant"),
                                      c.count_kind("biospecimen"), c.count_kind("file"),
                                      c.count_kind("publication"), c.records.size(),
                                      c.issues.size())) != std::string::npos,
                  "SOURCE.md's counts are not the adapter's");
    // Every age that is not a plain number: floats and numeric strings, as written.
    for (const auto& m : export_doc()["diagnosisByParticipantID"].GetObject()) {
        const auto& age = m.value["AgeatDiagnosis"];
        std::string text;
        if (age.IsDouble()) text = format_number(age.GetDouble());
        if (age.IsString() && std::isdigit(static_cast<unsigned char>(age.GetString()[0]))) {
            text = std::string("\"") + age.GetString() + "\"";
        }
        if (!text.empty()) CHECK_MESSAGE(md.find(text) != std::string::npos, text);
    }
    auto zero = c.issue_lines("have 0 days");
    REQUIRE(zero.size() == 1);
    std::string per_atlas = zero[0].substr(zero[0].rfind('('));
    CHECK_MESSAGE(md.find(per_atlas) != std::string::npos, per_atlas);
}

TEST_CASE("HTAN publications: DOI ids, authors, abstract, associated data ids") {
    const auto& c = sample();
    auto pubs = detail::load_json_file(sample_htan() / "publications_manifest_all.json");
    REQUIRE(pubs.ok());
    for (const auto& p : pubs.value().doc.GetArray()) {
        std::string doi = str(p, "DOI");
        if (doi.empty()) {
            // No DOI: the center and the title's first words.
            bool found = std::any_of(c.records.begin(), c.records.end(), [&](const Record& r) {
                return r.kind == "publication" && r.title == str(p, "Title");
            });
            CHECK(found);
            continue;
        }
        std::string bare = doi.substr(doi.find("10."));
        std::transform(bare.begin(), bare.end(), bare.begin(), ::tolower);
        const Record& r = c.get("htan:publication:" + bare);
        CHECK(r.title == str(p, "Title"));
        CHECK(r.parent == "htan:atlas:" + str(p, "HTAN Center ID"));
        CHECK(r.has("description"));
        CHECK(r.get("author").size() >= 1);
        const auto& assoc = p["Publication-associated HTAN Parent Data File ID"];
        if (assoc.IsArray() && assoc.Size() > 0) {
            auto ids = texts(r, "htan_id");
            CHECK(std::find(ids.begin(), ids.end(), assoc[0].GetString()) != ids.end());
        }
    }
}

// The sample's files named `name`, from the export.
std::vector<std::string> file_ids_named(const std::string& name) {
    std::vector<std::string> ids;
    for (const auto& f : export_doc()["files"].GetArray()) {
        std::string path = str(f, "Filename");
        if (path.substr(path.rfind('/') + 1) == name) ids.push_back(str(f, "DataFileID"));
    }
    return ids;
}

// The adapter's records for the sample plus one CSV file.
test::CollectSink read_with_csv(const test::TempDir& dir, const std::string& csv) {
    test::copy_tree(sample_htan(), dir.path());
    test::write_file(dir.path() / "cds_manifest.csv", csv);
    test::CollectSink out;
    REQUIRE(detail::make_htan_adapter(dir.path())->read(out).ok());
    return out;
}

TEST_CASE("HTAN: a manifest whose drs_uri header is ill-formed UTF-8 is reported, not read") {
    // Found by fuzz_drs_manifest: the raw first line passed for a manifest's
    // header, the repaired one has no drs_uri column, and its index was read
    // from an empty optional (a use after free under ASan).
    test::TempDir dir;
    auto out = read_with_csv(dir, "name,drs_uri\xa0\xa0\xa0,\xa0\xa0\n\xa0\xfc,drosed,drs:/,d\n"
                                  "x.bam,drs://a/b,c\n");
    auto lines = out.issue_lines("no such column once the file is read");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("cds_manifest.csv: drs_uri") != std::string::npos);
}

TEST_CASE("HTAN: a DRS manifest CSV attaches drs URIs to the files it names") {
    // A file of the sample that the export gives no CDS entry, with a name no other file has.
    const Record* target = nullptr;
    for (const auto& r : sample().records) {
        if (r.kind == "file" && !r.has("drs_uri") && file_ids_named(r.title).size() == 1) {
            target = &r;
            break;
        }
    }
    REQUIRE(target != nullptr);
    std::string uri = "drs://nci-crdc.datacommons.io/dg.4DFC/00000000-test-manifest";
    test::TempDir dir;
    auto out = read_with_csv(dir, "name,drs_uri,file_size\r\n" + target->title + "," + uri +
                                      ",1\r\nunrelated.bam,not-a-drs-uri,2\r\n");
    const Record& r = out.get(target->id);
    CHECK(texts(r, "drs_uri") == std::vector<std::string>{uri});
    bool linked = std::any_of(r.links.begin(), r.links.end(),
                              [&](const Link& l) { return l.rel == "drs" && l.url == uri; });
    CHECK(linked);
    auto bad = out.issue_lines("'not-a-drs-uri' for 'unrelated.bam' is not a drs:// URI");
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].find("cds_manifest.csv: line 3.drs_uri") != std::string::npos);
    CHECK(out.issues.size() == sample().issues.size() + 1);
}

TEST_CASE("HTAN: a DRS manifest matched by name skips a name several files share") {
    // Three files of HTA7_920 are called CRC10-cell-mask.ome.tif, none with a CDS entry.
    auto shared = file_ids_named("CRC10-cell-mask.ome.tif");
    REQUIRE(shared.size() == 3);
    // Two are called TNPCRC_09.ome.tif, each with its own drs_uri from the export.
    auto pair = file_ids_named("TNPCRC_09.ome.tif");
    REQUIRE(pair.size() == 2);
    const Record& second = sample().get("htan:file:" + pair[1]);
    std::string second_uri = second.first("drs_uri");
    REQUIRE_FALSE(second_uri.empty());
    std::string uri = "drs://nci-crdc.datacommons.io/dg.4DFC/00000000-shared-name";
    test::TempDir dir;
    auto out = read_with_csv(dir, "name,drs_uri\nCRC10-cell-mask.ome.tif," + uri +
                                      "\nTNPCRC_09.ome.tif," + second_uri + "\n");
    for (const auto& id : shared) CHECK_FALSE(out.get("htan:file:" + id).has("drs_uri"));
    auto lines = out.issue_lines("'CRC10-cell-mask.ome.tif' is the name of 3 HTAN files");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].starts_with("warning: cds_manifest.csv: line 2.name: "));
    CHECK(lines[0].find("htan:file:" + shared[0]) != std::string::npos);
    CHECK(lines[0].find("'" + uri + "' left out") != std::string::npos);
    // The URI the export already gives one of the pair tells which: nothing
    // moves to the other file, and nothing is reported.
    CHECK(texts(out.get("htan:file:" + pair[1]), "drs_uri") ==
          std::vector<std::string>{second_uri});
    CHECK(texts(out.get("htan:file:" + pair[0]), "drs_uri") ==
          texts(sample().get("htan:file:" + pair[0]), "drs_uri"));
    CHECK(out.issues.size() == sample().issues.size() + 1);
}

TEST_CASE("HTAN: a DRS manifest with an HTAN Data File ID column matches by id") {
    auto shared = file_ids_named("CRC10-cell-mask.ome.tif");
    REQUIRE(shared.size() == 3);
    std::string uri = "drs://nci-crdc.datacommons.io/dg.4DFC/00000000-by-id";
    std::string reused = "drs://nci-crdc.datacommons.io/dg.4DFC/00000000-reused-id";
    for (const char* header : {"HTAN Data File ID", "htan_data_file_id", " File_ID "}) {
        CAPTURE(header);
        test::TempDir dir;
        // The reused id HTA10_07_00102001 names two files: ambiguous without a name.
        auto out = read_with_csv(dir, std::string("name,") + header + ",drs_uri\n" +
                                          "CRC10-cell-mask.ome.tif," + shared[1] + "," + uri +
                                          "\n," + "HTA10_07_00102001," + reused + "\n");
        CHECK(texts(out.get("htan:file:" + shared[1]), "drs_uri") == std::vector<std::string>{uri});
        CHECK_FALSE(out.get("htan:file:" + shared[0]).has("drs_uri"));
        CHECK_FALSE(out.get("htan:file:" + shared[2]).has("drs_uri"));
        auto lines = out.issue_lines("'HTA10_07_00102001' is the id of 2 files");
        REQUIRE(lines.size() == 1);
        std::string column(header);
        column = column.substr(column.find_first_not_of(' '));
        column = column.substr(0, column.find_last_not_of(' ') + 1);
        CHECK(lines[0].starts_with("warning: cds_manifest.csv: line 3." + column + ": "));
        CHECK(out.issues.size() == sample().issues.size() + 1);
    }
    // An id column alone (no name column) is a manifest too.
    test::TempDir dir;
    auto out = read_with_csv(dir, "HTAN Data File ID,drs_uri\n" + shared[2] + "," + uri + "\n");
    CHECK(texts(out.get("htan:file:" + shared[2]), "drs_uri") == std::vector<std::string>{uri});
}

TEST_CASE("HTAN: DRS manifest rows naming no file, or another URI for a file, are reported") {
    const Record* target = nullptr;
    for (const auto& r : sample().records) {
        if (r.kind == "file" && !r.has("drs_uri") && file_ids_named(r.title).size() == 1) {
            target = &r;
            break;
        }
    }
    REQUIRE(target != nullptr);
    // A file the export gives a drs_uri; another URI for it conflicts.
    const Record* cds = nullptr;
    for (const auto& r : sample().records) {
        if (r.kind == "file" && r.has("drs_uri") && file_ids_named(r.title).size() == 1) {
            cds = &r;
            break;
        }
    }
    REQUIRE(cds != nullptr);
    std::string a = "drs://nci-crdc.datacommons.io/dg.4DFC/00000000-first";
    std::string b = "drs://nci-crdc.datacommons.io/dg.4DFC/00000000-second";
    test::TempDir dir;
    auto out = read_with_csv(dir,
                             "name,drs_uri\n"
                             "no-such-file.bam," +
                                 a + "\n" + target->title + "," + a + "\n" + target->title + "," +
                                 b + "\n" + cds->title + "," + b + "\n" + "," + b + "\n");
    CHECK(texts(out.get(target->id), "drs_uri") == std::vector<std::string>{a});
    CHECK(texts(out.get(cds->id), "drs_uri") == texts(*cds, "drs_uri"));
    auto lines = out.issue_lines("cds_manifest.csv");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "warning: cds_manifest.csv: line 6: '" + b + "' names no file; left out");
    CHECK(lines[1] ==
          "warning: cds_manifest.csv: line 2.name: 'no-such-file.bam' is the name of "
          "no HTAN file; '" +
              a + "' left out");
    CHECK(lines[2] == "warning: cds_manifest.csv: line 4.drs_uri: '" + b + "' for " + target->id +
                          " conflicts with '" + a +
                          "' that cds_manifest.csv line 3 gives it; "
                          "left out");
    CHECK(lines[3] == "warning: cds_manifest.csv: line 5.drs_uri: '" + b + "' for " + cds->id +
                          " conflicts with '" + cds->first("drs_uri") +
                          "' from the export; left out");
    // An HTAN Data File ID the export does not have.
    test::TempDir dir2;
    auto out2 = read_with_csv(dir2, "HTAN Data File ID,drs_uri\nHTA99_1_1," + a + "\n");
    auto missing = out2.issue_lines("'HTA99_1_1' is the id of no HTAN file");
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].starts_with("warning: cds_manifest.csv: line 2.HTAN Data File ID: "));
}

TEST_CASE("HTAN: a plain processed_syn_data.json reads as the gzipped one") {
    test::TempDir dir;
    for (const char* f : {"publications_manifest_all.json", "human-organ-mappings.json",
                          "minerva-story-mappings.json", "syn_data.json.gz"}) {
        fs::copy_file(sample_htan() / f, dir.path() / f);
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    export_doc().Accept(w);
    test::write_file(dir.path() / "processed_syn_data.json", buffer.GetString());
    test::CollectSink out;
    REQUIRE(detail::make_htan_adapter(dir.path())->read(out).ok());
    CHECK(out.records.size() == sample().records.size());
    for (auto r : out.records) {
        if (r.kind != "publication") CHECK(r.file == "processed_syn_data.json");
        r.file = sample().get(r.id).file;
        CHECK(to_json(r) == to_json(sample().get(r.id)));
    }
}

TEST_CASE("HTAN: an unreadable export keeps the current index's records from it") {
    test::TempDir dir;
    test::copy_tree(sample_htan(), dir.path());
    test::write_file(dir.path() / "processed_syn_data.json.gz", "this is not gzip or JSON");
    test::CollectSink out;
    // What the current index holds from that file.
    Record kept = sample().get("htan:file:HTA7_944_1000");
    out.previous_records[kept.id] = kept;
    REQUIRE(detail::make_htan_adapter(dir.path())->read(out).ok());
    CHECK(out.carried == std::vector<std::string>{kept.id});
    auto lines = out.issue_lines("processed_syn_data.json.gz");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].starts_with("error: processed_syn_data.json.gz: "));
    CHECK(lines[0].find("record from it kept") != std::string::npos);
    // The publications file is separate and still read.
    CHECK(out.count_kind("publication") == sample().count_kind("publication"));
}

TEST_CASE("HTAN: a folder without the export is an error, not an empty source") {
    test::TempDir dir;
    test::CollectSink out;
    auto status = detail::make_htan_adapter(dir.path())->read(out);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().code == Errc::not_found);
    CHECK(status.error().message.find("processed_syn_data.json") != std::string::npos);
}

// The full export when ../shared/corpus/htan is beside the repository: tests
// must pass without it, and a sanitizer build skips it (the CryoET one does too).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kHtanSanitized = true;
#else
constexpr bool kHtanSanitized = false;
#endif

TEST_CASE("HTAN: the full export gives one record per source entity, none rejected") {
    fs::path corpus = fs::path(ATLAS_SOURCE_DIR) / ".." / "shared" / "corpus" / "htan";
    if (!fs::is_directory(corpus / "ncihtan_htan-portal") || kHtanSanitized) {
        MESSAGE("skipped: no ../shared/corpus/htan, or a sanitizer build");
        return;
    }
    test::CollectSink c;
    REQUIRE(detail::make_htan_adapter(corpus)->read(c).ok());
    // The counts SOURCE.md gives for processed_syn_data.json.gz (participants:
    // 2,341 demographics, of which 2,281 also have a diagnosis) and the manifest.
    CHECK(c.count_kind("file") == 51075);
    CHECK(c.count_kind("biospecimen") == 13302);
    CHECK(c.count_kind("participant") == 2341);
    CHECK(c.count_kind("atlas") == 14);
    CHECK(c.count_kind("publication") == 41);
    for (const auto& i : c.issues) CHECK_MESSAGE(i.severity == Severity::warning, i.to_line());
    // 16 reused file ids, 7 orphan biospecimens, one line for the zero ages,
    // one for HTA10's ages in years, one per atlas whose Therapy rows have
    // unnamed values (HTA1, HTA12).
    CHECK(c.issue_lines("is also the id of").size() == 16);
    CHECK(c.issue_lines("leads to no known participant").size() == 7);
    CHECK(c.issue_lines("have 0 days").size() == 1);
    auto years = c.issue_lines("read as years");
    REQUIRE(years.size() == 1);
    CHECK(years[0].find("HTA10: all 9 non-zero ages") != std::string::npos);
    CHECK(c.issue_lines("than column_order names").size() == 2);
    CHECK(c.issues.size() == 27);
    // Therapy reaches participants, their biospecimens and files; atlases roll
    // up their participants' organs (all but HTA11, which reports none).
    std::size_t typed = 0, inherited = 0, atlases_with_organ = 0;
    for (const auto& r : c.records) {
        auto t = texts(r, "treatment");
        bool type = std::any_of(t.begin(), t.end(), [](const std::string& s) {
            return s != "Prior treatment" && s != "No prior treatment";
        });
        if (r.kind == "participant") typed += type;
        if (r.kind == "file" || r.kind == "biospecimen") inherited += !t.empty();
        if (r.kind == "atlas") atlases_with_organ += r.has("organ");
    }
    CHECK(typed == 263);
    CHECK(inherited == 8550);
    CHECK(atlases_with_organ == 13);
}
