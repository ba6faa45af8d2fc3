// Tests for index/adapters/minerva_{adapter,mapping}.cpp on data/minerva: real exhibits of
// HTA-CRCATLAS-1 and HTA-MELATLAS-1 and the HTAN portal's minerva-story-mappings.json, byte for
// byte.
//
// Expected values (channel names, waypoint texts, mapped file names) are read
// from the files with RapidJSON, independently of the adapter.
#include "adapters/minerva_adapter.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "collect_sink.h"
#include "schema/schema.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

using Collect = test::CollectSink;
using test::texts;

fs::path sample_dir() { return fs::path(ATLAS_DATA_DIR) / "minerva"; }

Collect run(const fs::path& root, Collect sink = {}) {
    auto adapter = detail::make_minerva_adapter(root);
    auto status = adapter->read(sink);
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return sink;
}

const Collect& sample() {
    static const Collect c = run(sample_dir());
    return c;
}

rapidjson::Document load(const fs::path& p) {
    rapidjson::Document d;
    std::string text = test::read_file(p);
    d.Parse(text.c_str());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

fs::path exhibit(const std::string& repo, const std::string& name) {
    return sample_dir() / repo / "exhibits" / (name + ".json");
}

// Writes a file, creating its folders.
void put(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    test::write_file(path, text);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string link(const Record& r, const std::string& rel) {
    for (const auto& l : r.links) {
        if (l.rel == rel) return l.url;
    }
    return {};
}

}  // namespace

TEST_CASE("Minerva: one story per exhibit file, named by the file's stem") {
    const auto& c = sample();
    std::set<std::string> stems;
    for (const auto& e : fs::recursive_directory_iterator(sample_dir())) {
        if (e.path().parent_path().filename() == "exhibits") stems.insert(e.path().stem().string());
    }
    CHECK(stems.size() == 9);
    CHECK(c.records.size() == stems.size());
    CHECK(c.count_kind("story") == stems.size());
    for (const auto& s : stems) {
        const Record& r = c.get("minerva:story:" + s);
        CHECK(texts(r, "story") == std::vector<std::string>{s});
        CHECK(r.source == "minerva");
        CHECK(r.breadcrumb.size() == 1);
        for (const auto& v : r.values) CHECK_MESSAGE(find_field(v.field) != nullptr, v.field);
    }
    for (const auto& i : c.issues) CHECK_MESSAGE(false, i.to_line());
    const Record& crc02 = c.get("minerva:story:crc02-overview");
    CHECK(crc02.file == "HTA-CRCATLAS-1/exhibits/crc02-overview.json");
    CHECK(texts(crc02, "tag") == std::vector<std::string>{"HTA-CRCATLAS-1"});
    CHECK(texts(c.get("minerva:story:MEL1-abstract"), "tag") ==
          std::vector<std::string>{"HTA-MELATLAS-1"});
}

TEST_CASE("Minerva: every channel group and channel of an exhibit is a marker") {
    for (const char* name : {"crc02-overview", "crc01-introduction"}) {
        CAPTURE(name);
        auto doc = load(exhibit("HTA-CRCATLAS-1", name));
        std::vector<std::string> expected;
        for (const auto& g : doc["Groups"].GetArray()) {
            expected.push_back(g["Name"].GetString());
            for (const auto& ch : g["Channels"].GetArray()) expected.push_back(ch.GetString());
        }
        // Ki67 is in two cycles: a marker once.
        std::sort(expected.begin(), expected.end());
        expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
        // A nuclear stain imaged per cycle (DNA1, Hoechst1 ... Hoechst9) is the
        // marker of the stain, the channel's own name kept as the original.
        const Record& story = sample().get(std::string("minerva:story:") + name);
        std::vector<std::string> originals;
        for (const auto* v : story.get("marker")) {
            originals.push_back(v->original.empty() ? v->text : v->original);
            if (!v->original.empty()) CHECK(v->original.starts_with(v->text));
        }
        std::sort(originals.begin(), originals.end());
        CHECK(originals == expected);
    }
    auto crc01 = texts(sample().get("minerva:story:crc01-introduction"), "marker");
    // DNA1 (in nineteen groups) and DNA10: the DNA stain of two cycles.
    CHECK(std::count(crc01.begin(), crc01.end(), "DNA") == 2);
    CHECK(std::count(crc01.begin(), crc01.end(), "DNA1") == 0);
    auto markers = texts(sample().get("minerva:story:crc02-overview"), "marker");
    std::sort(markers.begin(), markers.end());
    CHECK(std::binary_search(markers.begin(), markers.end(), "Na-K ATPase"));
    CHECK(std::binary_search(markers.begin(), markers.end(), "CD45RO"));
    // Markers that merely end in digits are no stains: CD45RO, Ki67 stay whole.
    CHECK(std::binary_search(markers.begin(), markers.end(), "Ki67"));
}

TEST_CASE("Minerva: an empty Header gives the exhibit name as title - a Name is the title") {
    auto crc02 = load(exhibit("HTA-CRCATLAS-1", "crc02-overview"));
    REQUIRE(std::string(crc02["Header"].GetString()).empty());
    REQUIRE_FALSE(crc02.HasMember("Name"));
    CHECK(sample().get("minerva:story:crc02-overview").title == "crc02-overview");

    auto intro = load(exhibit("HTA-CRCATLAS-1", "crc01-introduction"));
    const Record& r = sample().get("minerva:story:crc01-introduction");
    std::string name = intro["Name"].GetString();
    while (!name.empty() && name.back() == '\n') name.pop_back();
    CHECK(r.title == name);
    // The Header, a paragraph, is the first description.
    REQUIRE_FALSE(r.get("description").empty());
    CHECK(r.get("description").front()->text == intro["Header"].GetString());
}

TEST_CASE("Minerva: waypoint texts are indexed with their markdown reduced to text") {
    const Record& abstract = sample().get("minerva:story:MEL1-abstract");
    auto doc = load(exhibit("HTA-MELATLAS-1", "MEL1-abstract"));
    auto descriptions = texts(abstract, "description");
    for (const auto& w : doc["Stories"][0]["Waypoints"].GetArray()) {
        std::string name = w["Name"].GetString();
        while (name.back() == ' ') name.pop_back();
        CHECK_MESSAGE(contains(descriptions, name), name);
    }
    bool image_seen = false;
    for (const auto& d : descriptions) {
        CHECK_MESSAGE(d.find("](") == std::string::npos, d);
        CHECK_MESSAGE(d.find("<video") == std::string::npos, d);
        CHECK_MESSAGE(d.find('\n') == std::string::npos, d);
        // The image's caption text stays, its file name goes.
        if (d.find("(TCC1-10).") != std::string::npos) {
            image_seen = true;
            CHECK(d.find("abstract_waypoint6") == std::string::npos);
        }
    }
    CHECK(image_seen);

    // crc01-introduction names its regions "*ROI1 - Normal Mucosa" and so on.
    auto raw = load(exhibit("HTA-CRCATLAS-1", "crc01-introduction"));
    auto intro = texts(sample().get("minerva:story:crc01-introduction"), "description");
    std::size_t emphasised = 0;
    for (const auto& w : raw["Stories"][0]["Waypoints"].GetArray()) {
        std::string name = w["Name"].GetString();
        if (!name.starts_with("*")) continue;
        ++emphasised;
        CHECK_MESSAGE(contains(intro, name.substr(1)), name);
    }
    CHECK(emphasised == 7);
    for (const auto& d : intro) CHECK_MESSAGE(d.find('*') == std::string::npos, d);
}

TEST_CASE("Minerva: markdown links, emphasis, headings and HTML become plain text") {
    test::TempDir dir;
    put(dir.path() / "exhibits" / "lens.json",
        R"({"Header": "View an [H&E lens](#s=1w=0) of **CyCIF** _channels_ in HTA9_1.)"
        R"(\n---\n# Part <b>two</b>",
        "Images": [{"Name": "i0", "Path": "data/images/P37"}],
        "Groups": [], "Channels": [{"Name": "Hoechst"}, {"Name": "CD31"}]})");
    auto c = run(dir.path());
    REQUIRE(c.records.size() == 1);
    const Record& r = c.records[0];
    CHECK(r.title == "View an H&E lens of CyCIF channels in HTA9_1. Part two");
    CHECK(texts(r, "marker") == std::vector<std::string>{"Hoechst", "CD31"});
    CHECK(link(r, "https").empty());  // a relative image path is not a link
    // The folder holding exhibits/ is the repository.
    CHECK(texts(r, "tag") == std::vector<std::string>{dir.path().filename().string()});
}

TEST_CASE("Minerva: stories link to their site and to the HTAN files the portal maps to them") {
    auto mapping = load(sample_dir() / "minerva-story-mappings.json");
    auto mapped_to = [&](const std::string& story) {
        std::vector<std::string> files;
        for (const auto& m : mapping.GetObject()) {
            std::string url = m.value.GetString();
            if (url.ends_with("/" + story + ".html")) files.push_back(m.name.GetString());
        }
        return files;
    };
    const auto& c = sample();
    const Record& crc02 = c.get("minerva:story:crc02-overview");
    CHECK(mapped_to("crc02-overview") == std::vector<std::string>{"CRC02.ome.tif"});
    CHECK(texts(crc02, "file_name") == mapped_to("crc02-overview"));
    CHECK(link(crc02, "viewer") ==
          "https://labsyspharm.github.io/HTA-CRCATLAS-1/minerva/crc02-overview.html");
    CHECK(link(crc02, "https") ==
          load(exhibit("HTA-CRCATLAS-1", "crc02-overview"))["Images"][0]["Path"].GetString());

    // HTA-MELATLAS-1 publishes under stories/, as the mapping shows.
    const Record& mel = c.get("minerva:story:MEL01-1-1-overview");
    REQUIRE(mapped_to("MEL01-1-1-overview").size() == 1);
    CHECK(texts(mel, "file_name") == mapped_to("MEL01-1-1-overview"));
    CHECK(link(mel, "viewer") ==
          "https://labsyspharm.github.io/HTA-MELATLAS-1/stories/MEL01-1-1-overview.html");
    // A story the portal maps no file to has none.
    CHECK(mapped_to("crc02-he-overview").empty());
    CHECK_FALSE(c.get("minerva:story:crc02-he-overview").has("file_name"));
}

TEST_CASE("Minerva: a broken exhibit is reported by name and the others are still read") {
    test::TempDir dir;
    test::copy_tree(sample_dir(), dir.path() / "minerva");
    put(dir.path() / "minerva" / "HTA-CRCATLAS-1" / "exhibits" / "crc99-overview.json",
        R"({"Header": "cut off", "Groups": [)");
    auto c = run(dir.path() / "minerva");
    CHECK(c.records.size() == sample().records.size());
    auto errors = c.issue_lines("error: HTA-CRCATLAS-1/exhibits/crc99-overview.json");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("invalid JSON") != std::string::npos);
    CHECK(errors[0].find("[minerva:story:crc99-overview]") != std::string::npos);
    CHECK(c.issues.size() == 1);
}

TEST_CASE("Minerva: the same exhibit name in two repositories is an error naming both files") {
    test::TempDir dir;
    test::copy_tree(sample_dir(), dir.path() / "minerva");
    fs::copy_file(exhibit("HTA-CRCATLAS-1", "crc02-overview"),
                  dir.path() / "minerva" / "HTA-MELATLAS-1" / "exhibits" / "crc02-overview.json");
    auto c = run(dir.path() / "minerva");
    CHECK(c.records.size() == sample().records.size());
    CHECK(c.get("minerva:story:crc02-overview").file ==
          "HTA-CRCATLAS-1/exhibits/crc02-overview.json");
    auto errors = c.issue_lines("error: HTA-MELATLAS-1/exhibits/crc02-overview.json");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("HTA-CRCATLAS-1/exhibits/crc02-overview.json") != std::string::npos);
}

TEST_CASE("Minerva: a missing root is an error, not an empty source") {
    Collect sink;
    auto adapter = detail::make_minerva_adapter(sample_dir() / "no-such-folder");
    CHECK_FALSE(adapter->read(sink).ok());
}

// The full corpus: runs only when ../shared/corpus is beside the repository.
TEST_CASE("Minerva: the corpus's 74 exhibits all become stories without an error") {
#if defined(__SANITIZE_ADDRESS__)
    constexpr bool kSanitized = true;
#else
    constexpr bool kSanitized = false;
#endif
    fs::path corpus = fs::path(ATLAS_SOURCE_DIR) / ".." / "shared" / "corpus" / "htan";
    if (!fs::exists(corpus / "labsyspharm_HTA-CRCATLAS-1") || kSanitized) {
        MESSAGE("skipped: no ../shared/corpus/htan, or a sanitizer build");
        return;
    }
    auto c = run(corpus);
    CHECK(c.count_kind("story") == 74);
    CHECK(c.records.size() == 74);
    CHECK(c.issue_lines("error").empty());
    // Every story the portal maps a file to is linked to it.
    CHECK(texts(c.get("minerva:story:crc02-overview"), "file_name") ==
          std::vector<std::string>{"CRC02.ome.tif"});
    std::size_t linked = 0;
    for (const auto& r : c.records) linked += r.has("file_name") ? 1 : 0;
    CHECK(linked == 36);  // 37 mappings, one to a site outside labsyspharm's
}
