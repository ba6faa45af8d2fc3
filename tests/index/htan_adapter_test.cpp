// Tests for index/htan_adapter.cpp on the real records in data/htan (a cut of
// the portal's processed_syn_data.json.gz; see data/htan/SOURCE.md).
//
// Expected values are read from the export itself wherever they can be, so
// the tests follow the data rather than numbers copied from a run.
#include "htan_adapter.h"

#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "atlas/schema.h"
#include "atlas/units.h"
#include "collect_sink.h"
#include "json_reader.h"
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

// The export, parsed independently of the adapter (zlib + RapidJSON).
const rapidjson::Document& export_doc() {
    static const rapidjson::Document doc = [] {
        gzFile in = gzopen((sample_htan() / "processed_syn_data.json.gz").c_str(), "rb");
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
    }();
    return doc;
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

TEST_CASE("HTAN participants: demographics and diagnosis in one record, ages in days") {
    const auto& c = sample();
    const auto& d = export_doc();
    const auto& diag = d["diagnosisByParticipantID"];
    const auto& dem = d["demographicsByParticipantID"];
    const Unit* day = find_unit("d");
    REQUIRE(day != nullptr);
    for (const auto& m : diag.GetObject()) {
        std::string pid = m.name.GetString();
        const Record& r = c.get("htan:participant:" + pid);
        CHECK(r.parent == "htan:atlas:" + str(m.value, "atlasid"));
        if (auto dx = str(m.value, "PrimaryDiagnosis"); !dx.empty() && dx != "Not Reported" &&
                                                         dx != "unknown") {
            CHECK(texts(r, "primary_diagnosis") == std::vector<std::string>{dx});
        }
        const auto& age = m.value["AgeatDiagnosis"];
        auto ages = r.get("age");
        if (age.IsNumber() && age.GetDouble() != 0) {
            REQUIRE(ages.size() == 1);
            CHECK(ages[0]->number == doctest::Approx(to_canonical(age.GetDouble(), *day)));
        } else if (age.IsString() && std::string(age.GetString()) == "unknown") {
            CHECK(ages.empty());
        } else if (age.IsNumber() && age.GetDouble() == 0) {
            // 0 days stands for "not recorded" in HTA3 and HTA11: left out, reported once.
            CHECK(ages.empty());
        } else if (age.IsString() && std::isdigit(static_cast<unsigned char>(age.GetString()[0]))) {
            REQUIRE(ages.size() == 1);  // a numeric string ("6570") is a number of days
            CHECK(ages[0]->number == doctest::Approx(to_canonical(std::atof(age.GetString()), *day)));
        }
        if (dem.HasMember(m.name)) {
            auto gender = str(dem[m.name], "Gender");
            if (!gender.empty()) CHECK(texts(r, "sex") == std::vector<std::string>{gender});
        }
    }
    // A participant with demographics only still has a record.
    bool demographics_only = false;
    for (const auto& m : dem.GetObject()) {
        if (!diag.HasMember(m.name)) {
            demographics_only = true;
            CHECK(c.has(std::string("htan:participant:") + m.name.GetString()));
        }
    }
    CHECK(demographics_only);
    auto zero = c.issue_lines("AgeatDiagnosis");
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

TEST_CASE("HTAN: a DRS manifest CSV attaches drs URIs to the files it names") {
    test::TempDir dir;
    test::copy_tree(sample_htan(), dir.path());
    // A file of the sample that the export gives no CDS entry.
    const Record* target = nullptr;
    for (const auto& r : sample().records) {
        if (r.kind == "file" && !r.has("drs_uri")) {
            target = &r;
            break;
        }
    }
    REQUIRE(target != nullptr);
    std::string uri = "drs://nci-crdc.datacommons.io/dg.4DFC/00000000-test-manifest";
    test::write_file(dir.path() / "cds_manifest.csv",
                     "name,drs_uri,file_size\r\n" + target->title + "," + uri +
                         ",1\r\nunrelated.bam,not-a-drs-uri,2\r\n");
    test::CollectSink out;
    REQUIRE(detail::make_htan_adapter(dir.path())->read(out).ok());
    const Record& r = out.get(target->id);
    CHECK(texts(r, "drs_uri") == std::vector<std::string>{uri});
    auto bad = out.issue_lines("'not-a-drs-uri' for 'unrelated.bam' is not a drs:// URI");
    REQUIRE(bad.size() == 1);
    CHECK(bad[0].find("cds_manifest.csv: line 3.drs_uri") != std::string::npos);
}

TEST_CASE("HTAN: a plain processed_syn_data.json reads as the gzipped one") {
    test::TempDir dir;
    for (const char* f : {"publications_manifest_all.json", "human-organ-mappings.json",
                          "minerva-story-mappings.json"}) {
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
    // 16 reused file ids, 7 orphan biospecimens, one line for the zero ages.
    CHECK(c.issue_lines("is also the id of").size() == 16);
    CHECK(c.issue_lines("leads to no known participant").size() == 7);
    CHECK(c.issue_lines("have 0 days").size() == 1);
    CHECK(c.issues.size() == 24);
}
