// End-to-end tests of atlas-index and atlas-search over every bundled portal
// (data/sources.json: cryoet, htan, hoa, panosc, minerva): scoping by source,
// download manifests, rated quality, ages in years and days, and usage errors.
#include <doctest/doctest.h>
#include <unistd.h>
#include <rapidjson/document.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalog.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

// An index of every bundled source, built by the binary (test_util.h).
using test::portal_index;

test::CommandResult search(std::vector<std::string> args) {
    args.insert(args.begin(), {"--index", portal_index().dir});
    return test::run_tool(test::atlas_search_bin(), args);
}

rapidjson::Document parse_json(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    REQUIRE_MESSAGE(!d.HasParseError(), text.substr(0, 300));
    return d;
}

// The total of a --json search (exit 0 or 1).
std::uint64_t total_of(std::vector<std::string> args) {
    args.push_back("--json");
    args.push_back("--limit");
    args.push_back("0");
    auto r = search(args);
    REQUIRE_MESSAGE((r.exit_code == 0 || r.exit_code == 1), r.err);
    auto d = parse_json(r.out);
    REQUIRE(d.HasMember("total"));
    return d["total"].GetUint64();
}

// Every hit of a search as its own JSON document (paged with --offset).
struct AllHits {
    std::uint64_t total = 0;
    std::vector<rapidjson::Document> hits;
};

AllHits all_hits(std::vector<std::string> args) {
    AllHits out;
    for (std::uint64_t offset = 0;; offset += 1000) {
        auto page_args = args;
        for (const char* a : {"--json", "--limit", "1000", "--offset"}) page_args.push_back(a);
        page_args.push_back(std::to_string(offset));
        auto r = search(page_args);
        REQUIRE_MESSAGE((r.exit_code == 0 || r.exit_code == 1), r.err);
        auto d = parse_json(r.out);
        out.total = d["total"].GetUint64();
        for (const auto& h : d["hits"].GetArray()) {
            rapidjson::Document copy;
            copy.CopyFrom(h, copy.GetAllocator());
            out.hits.push_back(std::move(copy));
        }
        if (d["hits"].Size() < 1000 || out.hits.size() >= out.total) break;
    }
    REQUIRE(out.hits.size() == out.total);
    return out;
}

// The strings of a JSON value that is a string or an array of strings.
std::vector<std::string> strings_of(const rapidjson::Value& v) {
    std::vector<std::string> out;
    if (v.IsString()) out.emplace_back(v.GetString());
    if (v.IsArray()) {
        for (const auto& e : v.GetArray()) {
            if (e.IsString()) out.emplace_back(e.GetString());
        }
    }
    return out;
}

std::vector<std::string> field_strings(const rapidjson::Value& hit, const char* name) {
    if (!hit.HasMember("fields") || !hit["fields"].HasMember(name)) return {};
    return strings_of(hit["fields"][name]);
}

// Every value of a field of the hit: those shown, or, when the hit shows only
// the first ones (fields_more), all of them from the record in the catalog.
std::vector<std::string> all_field_strings(const rapidjson::Value& hit, const char* name) {
    if (!hit.HasMember("fields_more") || !hit["fields_more"].HasMember(name)) {
        return field_strings(hit, name);
    }
    sqlite3* db = nullptr;
    std::string catalog = portal_index().dir + "/CURRENT/catalog.sqlite";
    REQUIRE(sqlite3_open_v2(catalog.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    REQUIRE(detail::add_record_json_function(db).ok());
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT record_json(record) FROM records WHERE id = ?1", -1,
                               &st, nullptr) == SQLITE_OK);
    sqlite3_bind_text(st, 1, hit["id"].GetString(), -1, SQLITE_TRANSIENT);
    std::vector<std::string> out;
    if (sqlite3_step(st) == SQLITE_ROW) {
        rapidjson::Document record;
        record.Parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
        if (!record.HasParseError() && record.HasMember("fields") && record["fields"].HasMember(name)) {
            for (const auto& v : record["fields"][name].GetArray()) {
                if (v.IsObject() && v.HasMember("text")) out.emplace_back(v["text"].GetString());
            }
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(out.size() == field_strings(hit, name).size() + hit["fields_more"][name].GetUint64());
    return out;
}

std::vector<std::string> link_urls(const rapidjson::Value& hit, const char* rel) {
    if (!hit.HasMember("links") || !hit["links"].HasMember(rel)) return {};
    return strings_of(hit["links"][rel]);
}

// Numbers of a field shown as a number, {"value": n, ...} or a list of them.
std::vector<double> field_numbers(const rapidjson::Value& hit, const char* name) {
    std::vector<double> out;
    if (!hit.HasMember("fields") || !hit["fields"].HasMember(name)) return out;
    auto one = [&](const rapidjson::Value& v) {
        if (v.IsNumber()) out.push_back(v.GetDouble());
        if (v.IsObject() && v.HasMember("value") && v["value"].IsNumber()) {
            out.push_back(v["value"].GetDouble());
        }
    };
    const auto& f = hit["fields"][name];
    if (f.IsArray()) {
        for (const auto& e : f.GetArray()) one(e);
    } else {
        one(f);
    }
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

TEST_CASE("portal cli: atlas-index build --sources data/sources.json indexes every portal") {
    const auto& p = portal_index();
    const std::string& out = p.build.out;
    CHECK((p.build.exit_code == 0 || p.build.exit_code == 1));
    CHECK(out.starts_with("built gen-000001 in "));
    // The table: "  <source> <kind> <count>" with counts grouped by commas,
    // then "  total <count>".
    std::map<std::pair<std::string, std::string>, std::uint64_t> printed;
    std::uint64_t printed_total = 0;
    auto number = [](std::string count) -> std::optional<std::uint64_t> {
        count.erase(std::remove(count.begin(), count.end(), ','), count.end());
        if (count.empty() || !std::all_of(count.begin(), count.end(), ::isdigit)) return {};
        return std::stoull(count);
    };
    for (const auto& line : lines_of(out)) {
        std::istringstream in(line);
        std::string source, kind, count;
        if (!line.starts_with("  ") || !(in >> source >> kind)) continue;
        if (source == "total") {
            printed_total = number(kind).value_or(0);
            continue;
        }
        if (!(in >> count)) continue;
        if (auto n = number(count)) printed[{source, kind}] = *n;
    }
    // At least one kind of each portal; "dataset" of cryoet and of hoa apart.
    for (auto [source, kind] : {std::pair{"cryoet", "dataset"}, {"cryoet", "tomogram"},
                                {"cryoet", "annotation"}, {"htan", "file"},
                                {"htan", "participant"}, {"htan", "biospecimen"},
                                {"hoa", "donor"}, {"hoa", "organ"}, {"hoa", "dataset"},
                                {"panosc", "document"}, {"panosc", "instrument"},
                                {"panosc", "dataset"}, {"minerva", "story"}}) {
        CAPTURE(source);
        CAPTURE(kind);
        REQUIRE(printed.count({source, kind}) == 1);
        std::uint64_t n = printed[{source, kind}];
        CHECK(n > 0);
        // What the build printed is what the index holds.
        CHECK(total_of({"--source", source, "--kind", kind, ""}) == n);
    }
    std::uint64_t sum = 0;
    for (const auto& [key, n] : printed) sum += n;
    CHECK(printed_total == sum);
    CHECK(total_of({""}) == printed_total);
    // Every source listed in the file has records.
    for (const char* source : {"cryoet", "htan", "hoa", "panosc", "minerva"}) {
        CAPTURE(source);
        CHECK(total_of({"--source", source, ""}) > 0);
    }
}

TEST_CASE("portal cli: --source htan --kind file \"CyCIF colon\" returns only HTAN CyCIF files") {
    auto all = all_hits({"--source", "htan", "--kind", "file", "CyCIF colon"});
    REQUIRE(all.total > 0);
    for (const auto& hit : all.hits) {
        std::string id = hit["id"].GetString();
        CAPTURE(id);
        CHECK(hit["source"].GetString() == std::string("htan"));
        CHECK(hit["kind"].GetString() == std::string("file"));
        auto assays = field_strings(hit, "assay");
        CHECK(std::find(assays.begin(), assays.end(), "CyCIF") != assays.end());
        CHECK(id.starts_with("htan:file:"));
    }
    // They are a subset of the HTAN CyCIF files.
    std::uint64_t cycif = total_of({"--source", "htan", "--kind", "file", "assay:CyCIF"});
    CHECK(all.total <= cycif);
    auto r = search({"--source", "htan", "--kind", "file", "CyCIF colon", "--json"});
    CHECK(r.exit_code == 0);
}

TEST_CASE("portal cli: --source with an unknown portal exits 2 and names it") {
    auto r = search({"--source", "gdc", "ribosome"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.err, "unknown source 'gdc'"), r.err);
    CHECK(r.out.empty());
}

TEST_CASE("portal cli: source:htan in the query is --source htan") {
    for (std::string words : {"", "CyCIF", "colon", "assay:CyCIF"}) {
        CAPTURE(words);
        std::string query = "source:htan";
        if (!words.empty()) query += " " + words;
        std::uint64_t by_flag = total_of({"--source", "htan", words});
        std::uint64_t by_query = total_of({query});
        CHECK(by_flag > 0);
        CHECK(by_query == by_flag);
    }
    // And it is a real restriction: other portals have records too.
    CHECK(total_of({"source:htan"}) < total_of({""}));
    auto mixed = all_hits({"source:htan CyCIF"});
    for (const auto& hit : mixed.hits) CHECK(hit["source"].GetString() == std::string("htan"));
}

TEST_CASE("portal cli: --manifest s3 on CryoET datasets syncs each dataset folder") {
    auto r = search({"--source", "cryoet", "--kind", "dataset", "--manifest", "s3"});
    CHECK(r.exit_code == 0);
    std::set<std::string> expected;
    for (const auto& e : fs::directory_iterator(fs::path(ATLAS_DATA_DIR) / "cryoet")) {
        if (!fs::exists(e.path() / "dataset_metadata.json")) continue;
        std::string id = e.path().filename().string();
        expected.insert("aws s3 sync --no-sign-request s3://cryoet-data-portal-public/" + id +
                        "/ ./cryoet-data-portal-public/" + id + "/");
    }
    REQUIRE_FALSE(expected.empty());
    auto lines = lines_of(r.out);
    std::set<std::string> got(lines.begin(), lines.end());
    CHECK(got.size() == lines.size());  // no line twice
    CHECK(got == expected);
    CHECK_MESSAGE(contains(r.err, "manifest of " + std::to_string(expected.size()) + " records"),
                  r.err);

    // A dataset and things inside it: only the dataset's folder is synced.
    auto nested = search({"--manifest", "s3", "--kind", "dataset,run,tiltseries,tomogram,annotation",
                          "id:cryoet:dataset:10000 OR dataset:10000"});
    CHECK(nested.exit_code == 0);
    CHECK(nested.out ==
          "aws s3 sync --no-sign-request s3://cryoet-data-portal-public/10000/ "
          "./cryoet-data-portal-public/10000/\n");
}

TEST_CASE("portal cli: --manifest drs on HTAN CyCIF prints name,drs_uri and drs:// rows") {
    auto r = search({"source:htan assay:CyCIF", "--manifest", "drs"});
    CHECK(r.exit_code == 0);
    auto lines = lines_of(r.out);
    REQUIRE(lines.size() > 1);
    CHECK(lines[0] == "name,drs_uri");
    // Expected rows from the same search as JSON: each DRS URI once, named by file_name.
    auto all = all_hits({"source:htan assay:CyCIF"});
    std::vector<std::string> expected{"name,drs_uri"};
    std::set<std::string> seen;
    std::size_t without = 0;
    for (const auto& hit : all.hits) {
        auto urls = link_urls(hit, "drs");
        if (urls.empty()) ++without;
        for (const auto& url : urls) {
            if (!seen.insert(url).second) continue;
            auto names = field_strings(hit, "file_name");
            std::string name = names.empty() ? hit["title"].GetString() : names.front();
            expected.push_back(csv_field(name) + "," + csv_field(url));
        }
    }
    CHECK(lines == expected);
    for (std::size_t i = 1; i < lines.size(); ++i) {
        CAPTURE(lines[i]);
        CHECK(contains(lines[i], ",drs://"));
    }
    // The records without a DRS URI (the atlas, its participants...) are on stderr.
    std::size_t no_route = 0;
    for (const auto& line : lines_of(r.err)) no_route += line.starts_with("atlas-search: no route: ");
    CHECK(no_route == without);
}

TEST_CASE("portal cli: --manifest doi prints a dataset's DOIs without the resolver") {
    // Expected: the publications of data/cryoet/10000/dataset_metadata.json.
    std::string text = test::read_file(fs::path(ATLAS_DATA_DIR) / "cryoet" / "10000" /
                                       "dataset_metadata.json");
    auto meta = parse_json(text);
    REQUIRE(meta.HasMember("cross_references"));
    std::string pubs = meta["cross_references"]["publications"].GetString();
    std::vector<std::string> expected;
    std::istringstream in(pubs);
    std::string item;
    while (std::getline(in, item, ',')) {
        auto b = item.find_first_not_of(' ');
        auto e = item.find_last_not_of(' ');
        if (b == std::string::npos) continue;
        item = item.substr(b, e - b + 1);
        if (item.starts_with("doi:")) item = item.substr(4);
        expected.push_back(item);
    }
    REQUIRE(expected.size() == 2);

    auto r = search({"--manifest", "doi", "id:cryoet:dataset:10000"});
    CHECK(r.exit_code == 0);
    CHECK(lines_of(r.out) == expected);
    CHECK_FALSE(contains(r.out, "doi.org"));
    CHECK_FALSE(contains(r.out, "doi:"));
}

TEST_CASE("portal cli: records without a route are listed on stderr with the reason") {
    // HTAN files under dbGaP have no public S3 copy.
    auto controlled = all_hits({"--source", "htan", "--kind", "file", "data_access:dbGaP"});
    REQUIRE(controlled.total > 0);
    std::set<std::string> ids;
    for (const auto& hit : controlled.hits) ids.insert(hit["id"].GetString());

    auto r = search({"--source", "htan", "--kind", "file", "data_access:dbGaP", "--manifest", "s3"});
    CHECK(r.exit_code == 1);  // no lines
    CHECK(r.out.empty());
    std::set<std::string> listed;
    for (const auto& line : lines_of(r.err)) {
        const std::string prefix = "atlas-search: no route: ";
        if (!line.starts_with(prefix)) continue;
        std::string rest = line.substr(prefix.size());
        auto colon = rest.find(": ");
        REQUIRE(colon != std::string::npos);
        listed.insert(rest.substr(0, colon));
        std::string reason = rest.substr(colon + 2);
        CAPTURE(line);
        CHECK(contains(reason, "dbGaP"));
        CHECK(contains(reason, "controlled"));
    }
    CHECK(listed == ids);
}

TEST_CASE("portal cli: --manifest bogus is a usage error") {
    auto r = search({"--manifest", "bogus", "ribosome"});
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.err, "'bogus'"), r.err);
    CHECK(r.out.empty());
    auto missing = search({"ribosome", "--manifest"});
    CHECK(missing.exit_code == 2);
}

TEST_CASE("portal cli: quality takes labels: quality:good is quality:4 and JSON shows the label") {
    std::uint64_t by_label = total_of({"quality:good"});
    std::uint64_t by_number = total_of({"quality:4"});
    CHECK(by_label > 0);
    CHECK(by_label == by_number);
    CHECK(total_of({"quality:Good"}) == by_number);

    // Independently: the records with a quality of 4 among all CryoET records.
    auto cryoet = all_hits({"--source", "cryoet", ""});
    std::uint64_t fours = 0, at_least_four = 0;
    for (const auto& hit : cryoet.hits) {
        auto q = field_numbers(hit, "quality");
        fours += std::find(q.begin(), q.end(), 4.0) != q.end();
        at_least_four += std::any_of(q.begin(), q.end(), [](double v) { return v >= 4; });
    }
    CHECK(by_number == fours);

    auto good = all_hits({"quality:good", "--kind", "tiltseries"});
    REQUIRE(good.total > 0);
    for (const auto& hit : good.hits) {
        CAPTURE(hit["id"].GetString());
        REQUIRE(hit["fields"].HasMember("quality"));
        const auto& q = hit["fields"]["quality"];
        REQUIRE(q.IsArray());
        REQUIRE(q.Size() == 1);
        REQUIRE(q[0].IsObject());
        REQUIRE(q[0].HasMember("value"));
        CHECK(q[0]["value"].GetDouble() == 4.0);
        REQUIRE(q[0].HasMember("label"));
        CHECK(q[0]["label"].GetString() == std::string("Good"));
    }

    std::uint64_t ge_label = total_of({"quality:>=good"});
    std::uint64_t ge_number = total_of({"quality:>=4"});
    CHECK(ge_label == ge_number);
    CHECK(ge_number == at_least_four);
    CHECK(ge_number > by_number);  // there are 5s too

    auto text = search({"quality:good", "--kind", "tiltseries", "--limit", "1"});
    CHECK(text.exit_code == 0);
    CHECK_MESSAGE(contains(text.out, "4 (Good)"), text.out);
}

TEST_CASE("portal cli: age:>=60 is age:>=21900d on participants") {
    std::uint64_t years = total_of({"--kind", "participant", "age:>=60"});
    std::uint64_t days = total_of({"--kind", "participant", "age:>=21900d"});
    CHECK(years > 0);
    CHECK(years == days);
    CHECK(total_of({"--kind", "participant", "age:>=60y"}) == years);

    // Independently: participants with an age of 60 years or more.
    auto participants = all_hits({"--kind", "participant", ""});
    std::uint64_t sixty = 0;
    for (const auto& hit : participants.hits) {
        auto ages = field_numbers(hit, "age");
        sixty += std::any_of(ages.begin(), ages.end(), [](double y) { return y >= 60; });
    }
    CHECK(years == sixty);
    CHECK(years < participants.total);
}

TEST_CASE("portal cli: atlas-index build refuses a source given twice and a missing sources file") {
    test::TempDir dir;
    auto twice = test::run_tool(
        test::atlas_index_bin(),
        {"build", "--source", "cryoet=" + (dir.path() / "X").string(), "--source",
         "cryoet=" + (dir.path() / "Y").string(), "--out", (dir.path() / "ix").string()});
    CHECK(twice.exit_code == 2);
    CHECK_MESSAGE(contains(twice.err, "'cryoet'"), twice.err);
    CHECK_MESSAGE(contains(twice.err, "twice"), twice.err);
    CHECK_FALSE(fs::exists(dir.path() / "ix"));

    auto missing = test::run_tool(test::atlas_index_bin(),
                                  {"build", "--sources", "/nonexistent.json", "--out",
                                   (dir.path() / "ix").string()});
    CHECK(missing.exit_code == 2);
    CHECK_MESSAGE(contains(missing.err, "/nonexistent.json"), missing.err);
    CHECK_FALSE(fs::exists(dir.path() / "ix"));

    // A sources file and a --source naming the same portal is also a duplicate.
    auto both = test::run_tool(test::atlas_index_bin(),
                               {"build", "--sources", std::string(ATLAS_DATA_DIR) + "/sources.json",
                                "--source", "htan=" + (dir.path() / "H").string(), "--out",
                                (dir.path() / "ix").string()});
    CHECK(both.exit_code == 2);
    CHECK_MESSAGE(contains(both.err, "'htan'"), both.err);
}

// --- what issue 3 ("every portal in one index") says must be found -----------------

TEST_CASE("portal cli: \"covid lung\" finds Human Organ Atlas donors and lung scans of COVID-19 donors") {
    std::set<std::string> found;
    for (const auto& hit : all_hits({"covid lung"}).hits) found.insert(hit["id"].GetString());
    // Independently, from a browse of every HOA record: the COVID-19 donors
    // with a lung scan, and those lung scans.
    std::set<std::string> donors, scans;
    for (const auto& hit : all_hits({"--source", "hoa", ""}).hits) {
        auto causes = field_strings(hit, "cause_of_death");
        auto organs = field_strings(hit, "organ");
        bool covid = std::find(causes.begin(), causes.end(), "COVID-19") != causes.end();
        bool lung = std::find(organs.begin(), organs.end(), "lung") != organs.end();
        if (!covid || !lung) continue;
        std::string kind = hit["kind"].GetString();
        if (kind == "donor") donors.insert(hit["id"].GetString());
        if (kind == "dataset") scans.insert(hit["id"].GetString());
    }
    CHECK(donors.size() > 0);
    CHECK(scans.size() > 0);
    for (const auto& id : donors) CHECK_MESSAGE(found.count(id) == 1, id);
    for (const auto& id : scans) CHECK_MESSAGE(found.count(id) == 1, id);
    // The first page of HOA scans is lung scans (of COVID-19 donors, or of the
    // controls of the "Covid-19's impact on lung vasculature" proposal).
    auto page = search({"covid lung", "--kind", "dataset", "--source", "hoa", "--json"});
    auto d = parse_json(page.out);
    REQUIRE(d["hits"].Size() > 0);
    CHECK(scans.count(d["hits"][0]["id"].GetString()) == 1);
    for (const auto& hit : d["hits"].GetArray()) {
        auto organs = field_strings(hit, "organ");
        CHECK_MESSAGE(std::find(organs.begin(), organs.end(), "lung") != organs.end(),
                      hit["id"].GetString());
    }
}

TEST_CASE("portal cli: Covid and COVID-19 are one cause of death, the source's spelling searchable") {
    std::uint64_t normalized = total_of({"cause_of_death:COVID-19", "--source", "hoa"});
    CHECK(normalized > 0);
    CHECK(total_of({"cause_of_death:Covid", "--source", "hoa"}) == normalized);
    CHECK(total_of({"cause_of_death:=covid-19", "--source", "hoa"}) > 0);
}

TEST_CASE("portal cli: \"CyCIF colon\" finds HTAN imaging files") {
    std::uint64_t files = total_of({"CyCIF colon", "--kind", "file"});
    CHECK(files > 0);
    auto hits = all_hits({"CyCIF colon", "--kind", "file"});
    for (const auto& hit : hits.hits) {
        CHECK(hit["source"].GetString() == std::string("htan"));
        auto assays = field_strings(hit, "assay");
        CHECK(std::find(assays.begin(), assays.end(), "CyCIF") != assays.end());
    }
}

TEST_CASE("portal cli: voxel_size:<5um organ:lung returns only lung scans finer than 5 µm") {
    auto hits = all_hits({"voxel_size:<5um organ:lung"});
    REQUIRE(hits.total > 0);
    for (const auto& hit : hits.hits) {
        CAPTURE(hit["id"].GetString());
        CHECK(hit["kind"].GetString() == std::string("dataset"));
        auto organs = field_strings(hit, "organ");
        CHECK(std::find(organs.begin(), organs.end(), "lung") != organs.end());
        auto sizes = field_numbers(hit, "voxel_size");
        REQUIRE(sizes.size() == 1);
        CHECK(sizes[0] < 5.0);
    }
    // The same bound in other spellings of the micrometre, and in nm.
    for (const char* q : {"voxel_size:<5µm organ:lung", "voxel_size:<5μm organ:lung",
                          "voxel_size:<5000nm organ:lung"}) {
        CAPTURE(q);
        CHECK(total_of({q}) == hits.total);
    }
    // And the coarser lung scans exist: the filter does filter.
    CHECK(total_of({"voxel_size:>=5um organ:lung"}) > 0);
}

TEST_CASE("portal cli: the PaNOSC reference fixture answers as the reference implementation's tests") {
    // search-api test/dataset.test.js: technique "x-ray absorption" -> 2 datasets;
    // photon energy 880..990 eV -> 1 dataset.
    CHECK(total_of({"technique:\"x-ray absorption\"", "--kind", "dataset", "--source", "panosc"}) ==
          2);
    CHECK(total_of({"photon_energy:880..990eV", "--kind", "dataset"}) == 1);
    CHECK(total_of({"photon_energy:0.88..0.99keV", "--kind", "dataset"}) == 1);
    std::uint64_t cold = total_of({"sample_temperature:<80C"});
    CHECK(cold > 0);
    CHECK(total_of({"sample_temperature:<353.15K"}) == cold);
    CHECK(total_of({"sample_temperature:<176F"}) == cold);
}

TEST_CASE("portal cli: HTAN ids are found whole, by prefix at an underscore, and with *") {
    auto atlas = all_hits({"htan_id:HTA7"});
    REQUIRE(atlas.total > 0);
    for (const auto& hit : atlas.hits) {
        auto ids = all_field_strings(hit, "htan_id");
        bool any = std::any_of(ids.begin(), ids.end(),
                               [](const std::string& id) { return id.starts_with("HTA7_"); });
        CHECK_MESSAGE(any, hit["id"].GetString());
    }
    CHECK(total_of({"htan_id:HTA7*"}) == atlas.total);
    CHECK(total_of({"htan_id:HTA7_9*"}) > 0);
    CHECK(total_of({"htan_id:HTA7_9*"}) < atlas.total);
}

TEST_CASE("portal cli: field:=value matches whole values, where field:\"...\" matches a phrase") {
    std::uint64_t phrase = total_of({"ethnicity:\"hispanic or latino\"", "--kind", "participant"});
    std::uint64_t whole = total_of({"ethnicity:=\"hispanic or latino\"", "--kind", "participant"});
    std::uint64_t negated =
        total_of({"ethnicity:=\"not hispanic or latino\"", "--kind", "participant"});
    CHECK(whole > 0);
    CHECK(negated > 0);
    // The phrase also matches "not hispanic or latino"; the whole value does not.
    CHECK(phrase == whole + negated);
    auto hits = all_hits({"ethnicity:=\"hispanic or latino\"", "--kind", "participant"});
    for (const auto& hit : hits.hits) {
        CHECK(field_strings(hit, "ethnicity") == std::vector<std::string>{"hispanic or latino"});
    }
}

TEST_CASE("portal cli: every kind is accepted in its plural") {
    CHECK(total_of({"--kind", "stories", ""}) == total_of({"--kind", "story", ""}));
    CHECK(total_of({"--kind", "atlases", ""}) == total_of({"--kind", "atlas", ""}));
    CHECK(total_of({"--kind", "biospecimens", ""}) == total_of({"--kind", "biospecimen", ""}));
    CHECK(total_of({"--kind", "story", ""}) > 0);
    CHECK(total_of({"--kind", "atlas", ""}) > 0);
}

TEST_CASE("portal cli: a DOI typed as the query finds the record with that DOI first") {
    auto pick = all_hits({"--source", "hoa", "--kind", "dataset", ""});
    std::string doi, id;
    for (const auto& hit : pick.hits) {
        auto dois = field_strings(hit, "doi");
        if (!dois.empty()) {
            doi = dois.front();
            id = hit["id"].GetString();
            break;
        }
    }
    REQUIRE_FALSE(doi.empty());
    for (std::string typed : {doi, "doi:" + doi, "https://doi.org/" + doi}) {
        CAPTURE(typed);
        auto r = search({typed, "--json", "--limit", "1"});
        REQUIRE(r.exit_code == 0);
        auto d = parse_json(r.out);
        REQUIRE(d["hits"].Size() == 1);
        CHECK(d["hits"][0]["id"].GetString() == id);
    }
}

TEST_CASE("portal cli: a hit lists at most 100 values of a field and counts the rest") {
    // HTAN publications name every file of their atlas: hundreds of htan_id values.
    auto pubs = all_hits({"kind:publication"});
    REQUIRE(pubs.total > 0);
    std::size_t capped = 0;
    for (const auto& hit : pubs.hits) {
        for (const auto& f : hit["fields"].GetObject()) {
            if (f.value.IsArray()) CHECK(f.value.Size() <= 100);
        }
        if (!hit.HasMember("fields_more")) continue;
        for (const auto& m : hit["fields_more"].GetObject()) {
            ++capped;
            CHECK(m.value.GetUint64() > 0);
            CHECK(field_strings(hit, m.name.GetString()).size() == 100);
            // The catalog holds every value: shown + more (checked inside).
            CHECK(all_field_strings(hit, m.name.GetString()).size() > 100);
        }
    }
    CHECK(capped > 0);
}

TEST_CASE("portal cli: --explain prints why each hit ranks, and --json carries it") {
    auto text = search({"--explain", "--limit", "2", "ribosome S. pombe"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("why: relevance, score") != std::string::npos);
    CHECK(text.out.find("title x6, object x4") != std::string::npos);
    auto id = search({"--explain", "--limit", "1", "DS-10000"});
    CHECK(id.out.find("why: exact id (dataset)") != std::string::npos);
    auto json = search({"--explain", "--json", "--limit", "1", "ribosome S. pombe"});
    auto d = parse_json(json.out);
    const auto& hit = d["hits"][0];
    REQUIRE(hit.HasMember("explain"));
    CHECK(hit["explain"]["order"].GetString() == std::string("relevance"));
    CHECK(hit["explain"]["parts"].Size() == 2);
    CHECK(hit["explain"]["parts"][0]["query"].GetString() == std::string("ribosome"));
    // Not asked, not there.
    auto plain = parse_json(search({"--json", "--limit", "1", "ribosome"}).out);
    CHECK_FALSE(plain["hits"][0].HasMember("explain"));
    // The structured request takes "explain" too.
    fs::path file = fs::temp_directory_path() /
                    ("atlas-explain-" + std::to_string(::getpid()) + ".json");
    test::write_file(file, R"({"query": "10000", "limit": 1, "explain": true})");
    auto req = search({"--request", file.string()});
    fs::remove(file);
    auto r = parse_json(req.out);
    CHECK(r["hits"][0]["explain"]["order"].GetString() == std::string("exact id (dataset)"));
}

TEST_CASE("portal cli: the terminal folds near-identical siblings unless --all-siblings") {
    auto folded = search({"--limit", "3", "ribosome S. pombe"});
    CHECK(folded.out.find("and 9 more annotation records like it in this dataset") !=
          std::string::npos);
    auto all = search({"--limit", "3", "--all-siblings", "ribosome S. pombe"});
    CHECK(all.out.find("like it in this dataset") == std::string::npos);
    CHECK(all.out.find("cryoet:annotation:10000/TS_027/13.480/101") != std::string::npos);
    auto json = parse_json(search({"--json", "--limit", "1", "ribosome S. pombe"}).out);
    CHECK(json["hits"][0]["similar"].GetUint64() == 9);
    // A manifest lists every file: siblings are not folded out of downloads.
    auto manifest = search({"--manifest", "s3", "ribosome S. pombe", "--kind", "annotation"});
    CHECK(manifest.out.find("10000/TS_027/Reconstructions") != std::string::npos);
}
