// Tests for atlas::read_sources_file (index/indexer.cpp): the nightly job's list
// of exports, the repository's data/sources.json, and every way the file can be wrong.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "atlas/index.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

// Writes `json` to <dir>/sources.json and reads it back through read_sources_file.
Result<std::vector<SourceSpec>> read_text(const test::TempDir& dir, const std::string& json,
                                          std::string* path_out = nullptr) {
    fs::path file = dir.path() / "sources.json";
    test::write_file(file, json);
    if (path_out != nullptr) *path_out = file.string();
    return read_sources_file(file.string());
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("sources file: data/sources.json lists the five portals relative to data/") {
    const fs::path file = fs::path(ATLAS_DATA_DIR) / "sources.json";
    // The expectation, read from the file itself.
    rapidjson::Document doc;
    std::string text = test::read_file(file);
    doc.Parse(text.c_str(), text.size());
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.HasMember("sources"));
    const auto& listed = doc["sources"].GetArray();

    auto r = read_sources_file(file.string());
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    const auto& specs = r.value();
    REQUIRE(specs.size() == listed.Size());
    std::vector<std::string> names;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        CAPTURE(i);
        names.push_back(specs[i].name);
        CHECK(specs[i].name == listed[static_cast<rapidjson::SizeType>(i)]["name"].GetString());
        fs::path expected =
            fs::path(ATLAS_DATA_DIR) / listed[static_cast<rapidjson::SizeType>(i)]["path"].GetString();
        fs::path got = specs[i].path;
        CHECK(got.is_absolute());
        CHECK(got.lexically_normal() == expected.lexically_normal());
        CHECK(fs::is_directory(got));
        std::error_code ec;
        CHECK(fs::equivalent(got, expected, ec));
    }
    CHECK(names == std::vector<std::string>{"cryoet", "htan", "hoa", "panosc", "minerva"});
    // Every name is one the build knows.
    auto known = known_sources();
    for (const auto& n : names) {
        CAPTURE(n);
        CHECK(std::find(known.begin(), known.end(), n) != known.end());
    }
}

TEST_CASE("sources file: relative paths follow the file's folder, absolute ones are kept") {
    test::TempDir dir;
    std::string file;
    auto r = read_text(dir,
                       R"({"sources": [{"name": "htan", "path": "exports/htan"},
                                       {"name": "cryoet", "path": "/srv/mirror/cryoet"}]})",
                       &file);
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    REQUIRE(r.value().size() == 2);
    CHECK(r.value()[0].name == "htan");
    CHECK(fs::path(r.value()[0].path).lexically_normal() ==
          (dir.path() / "exports" / "htan").lexically_normal());
    CHECK(r.value()[1].name == "cryoet");
    CHECK(r.value()[1].path == "/srv/mirror/cryoet");
}

TEST_CASE("sources file: a missing file is not_found and names the file") {
    test::TempDir dir;
    std::string missing = (dir.path() / "no-such-sources.json").string();
    auto r = read_sources_file(missing);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::not_found);
    CHECK_MESSAGE(contains(r.error().message, missing), r.error().message);
}

TEST_CASE("sources file: text that is not JSON is invalid_request and names the file") {
    test::TempDir dir;
    std::string file;
    auto r = read_text(dir, "sources: cryoet=/data\n", &file);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_request);
    CHECK_MESSAGE(contains(r.error().message, file), r.error().message);

    auto truncated = read_text(dir, R"({"sources": [{"name": "cryoet", )");
    REQUIRE_FALSE(truncated.ok());
    CHECK(truncated.error().code == Errc::invalid_request);
    CHECK_MESSAGE(contains(truncated.error().message, file), truncated.error().message);
}

TEST_CASE("sources file: the wrong shape is invalid_request naming the file and the entry") {
    test::TempDir dir;
    std::string file;
    SUBCASE("a top-level array") {
        auto r = read_text(dir, R"([{"name": "cryoet", "path": "x"}])", &file);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
    }
    SUBCASE("no sources member") {
        auto r = read_text(dir, R"({"source": [{"name": "cryoet", "path": "x"}]})", &file);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
    }
    SUBCASE("sources is an object, not a list") {
        auto r = read_text(dir, R"({"sources": {"cryoet": "x"}})", &file);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
    }
    SUBCASE("an entry without a path") {
        auto r = read_text(
            dir, R"({"sources": [{"name": "cryoet", "path": "a"}, {"name": "htan"}]})", &file);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
        CHECK_MESSAGE(contains(r.error().message, "sources[1]"), r.error().message);
    }
    SUBCASE("a name that is not a string") {
        auto r = read_text(dir, R"({"sources": [{"name": 7, "path": "a"}]})", &file);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
        CHECK_MESSAGE(contains(r.error().message, "sources[0]"), r.error().message);
    }
    SUBCASE("an entry that is a string") {
        auto r = read_text(dir, R"({"sources": [{"name": "hoa", "path": "h"}, "cryoet=/x"]})",
                           &file);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
        CHECK_MESSAGE(contains(r.error().message, "sources[1]"), r.error().message);
    }
    SUBCASE("an empty path") {
        auto r = read_text(dir, R"({"sources": [{"name": "cryoet", "path": ""}]})", &file);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == Errc::invalid_request);
        CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
        CHECK_MESSAGE(contains(r.error().message, "sources[0]"), r.error().message);
    }
}

TEST_CASE("sources file: an unknown source name is refused, naming it, the file and the entry") {
    test::TempDir dir;
    std::string file;
    auto r = read_text(dir,
                       R"({"sources": [{"name": "cryoet", "path": "c"},
                                       {"name": "gdc", "path": "g"}]})",
                       &file);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_request);
    CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
    CHECK_MESSAGE(contains(r.error().message, "sources[1]"), r.error().message);
    CHECK_MESSAGE(contains(r.error().message, "'gdc'"), r.error().message);
}

TEST_CASE("sources file: the same source twice is refused, naming it, the file and the entry") {
    test::TempDir dir;
    std::string file;
    auto r = read_text(dir,
                       R"({"sources": [{"name": "htan", "path": "a"},
                                       {"name": "cryoet", "path": "b"},
                                       {"name": "htan", "path": "c"}]})",
                       &file);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_request);
    CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
    CHECK_MESSAGE(contains(r.error().message, "sources[2]"), r.error().message);
    CHECK_MESSAGE(contains(r.error().message, "'htan'"), r.error().message);
    CHECK_MESSAGE(contains(r.error().message, "twice"), r.error().message);
}

TEST_CASE("sources file: an empty list is refused and names the file") {
    test::TempDir dir;
    std::string file;
    auto r = read_text(dir, R"({"sources": []})", &file);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_request);
    CHECK_MESSAGE(contains(r.error().message, file), r.error().message);
    CHECK_MESSAGE(contains(r.error().message, "no sources"), r.error().message);
}
