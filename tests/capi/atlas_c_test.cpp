// Tests for capi/atlas_c.cpp: the C API (atlas/atlas.h) seen from C++, on the
// bundled sample: the same JSON as the C++ API, every error path (NULL
// arguments, invalid JSON, invalid UTF-8, each code a caller can meet),
// ownership of the strings handed out (ASan checks that each is freed once),
// and no exception crossing the boundary (noexcept in the type).  The same
// API from C, linked against the installed library: tests/capi/capi_test.c.
#include "atlas/atlas.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "atlas/error.h"
#include "atlas/portals.h"
#include "atlas/search.h"
#include "test_util.h"

namespace fs = std::filesystem;

namespace {

// A string the library handed out, freed with atlas_free.
struct Freer {
    void operator()(char* p) const { atlas_free(p); }
};
using Owned = std::unique_ptr<char, Freer>;

// One call's outcome: the code, the text handed out, the message.
struct Call {
    atlas_code code = ATLAS_OK;
    Owned out;
    Owned error;
    std::string message() const { return error ? error.get() : ""; }
};

// A searcher on the sample of every portal, closed at the end of the test.
struct Open {
    atlas_searcher* searcher = nullptr;
    Open() {
        char* err = nullptr;
        atlas_code code = atlas_searcher_open(atlas::test::portal_index().dir.c_str(),
                                              "{\"threads\": 1}", &searcher, &err);
        INFO((err ? err : ""));
        REQUIRE(code == ATLAS_OK);
        REQUIRE(searcher != nullptr);
        CHECK(err == nullptr);
    }
    ~Open() { atlas_searcher_close(searcher); }
    Open(const Open&) = delete;
    Open& operator=(const Open&) = delete;
};

Call search(atlas_searcher* s, const char* request) {
    Call c;
    char* out = nullptr;
    char* err = nullptr;
    c.code = atlas_search(s, request, &out, &err);
    c.out.reset(out);
    c.error.reset(err);
    return c;
}

Call facet(atlas_searcher* s, const char* field, const char* prefix, const char* request,
           std::uint32_t size = 0) {
    Call c;
    char* out = nullptr;
    char* err = nullptr;
    c.code = atlas_facet_values(s, field, prefix, request, size, &out, &err);
    c.out.reset(out);
    c.error.reset(err);
    return c;
}

Call manifest(atlas_searcher* s, const char* request, const char* format, std::uint64_t most = 0) {
    Call c;
    char* out = nullptr;
    char* err = nullptr;
    c.code = atlas_manifest(s, request, format, most, &out, &err);
    c.out.reset(out);
    c.error.reset(err);
    return c;
}

rapidjson::Document parse(const char* json) {
    rapidjson::Document doc;
    doc.Parse(json);
    REQUIRE_FALSE(doc.HasParseError());
    return doc;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// An error outcome: the code, nothing handed out, a message quoting `part`.
void check_error(const Call& c, atlas_code code, const std::string& part) {
    INFO("message: " << c.message());
    CHECK(c.code == code);
    CHECK(c.out == nullptr);
    REQUIRE(c.error != nullptr);
    CHECK(contains(c.message(), part));
}

}  // namespace

// Every entry point is noexcept seen from C++: an exception could not cross it
// without ending the program, and the implementation catches them all.
static_assert(noexcept(atlas_search(nullptr, nullptr, nullptr, nullptr)));
static_assert(noexcept(atlas_searcher_open(nullptr, nullptr, nullptr, nullptr)));
static_assert(noexcept(atlas_facet_values(nullptr, nullptr, nullptr, nullptr, 0, nullptr,
                                          nullptr)));
static_assert(noexcept(atlas_manifest(nullptr, nullptr, nullptr, 0, nullptr, nullptr)));
static_assert(noexcept(atlas_build_index(nullptr, nullptr, nullptr, nullptr, nullptr)));
static_assert(noexcept(atlas_free(nullptr)));
static_assert(noexcept(atlas_searcher_close(nullptr)));

TEST_CASE("capi: version, schema version and code names are the C++ library's") {
    CHECK(std::string(atlas_version()) == ATLAS_CAPI_TEST_VERSION);
    CHECK(atlas_schema_version() == atlas::schema_version());
    CHECK(std::string(atlas_code_name(ATLAS_OK)) == "ok");
    CHECK(std::string(atlas_code_name(ATLAS_ERR_NO_MEMORY)) == "no_memory");
    CHECK(std::string(atlas_code_name(static_cast<atlas_code>(42))) == "unknown");
    for (auto errc : {atlas::Errc::invalid_request, atlas::Errc::invalid_query,
                      atlas::Errc::not_found, atlas::Errc::unavailable,
                      atlas::Errc::schema_mismatch, atlas::Errc::corrupt, atlas::Errc::io,
                      atlas::Errc::internal}) {
        auto code = static_cast<atlas_code>(static_cast<int>(errc) + 1);
        CHECK(std::string(atlas_code_name(code)) == atlas::errc_name(errc));
    }
}

TEST_CASE("capi: atlas_search answers the JSON the C++ API writes for the same request") {
    Open open;
    const char* request = R"({"query": "ribosome S. pombe", "limit": 5, "facets": ["kind"]})";
    Call c = search(open.searcher, request);
    REQUIRE(c.code == ATLAS_OK);
    REQUIRE(c.out != nullptr);
    CHECK(c.error == nullptr);

    auto cpp_request = atlas::request_from_json(request);
    REQUIRE(cpp_request.ok());
    auto cpp_result = atlas::test::portal_searcher().search(cpp_request.value());
    REQUIRE(cpp_result.ok());
    auto expected = parse(atlas::to_json(cpp_result.value()).c_str());
    auto got = parse(c.out.get());
    // Everything but the time it took (and who scored: the C searcher has one thread).
    for (auto* doc : {&expected, &got}) {
        doc->RemoveMember("took_ms");
        doc->RemoveMember("threads");
        doc->RemoveMember("facets_aside");
    }
    CHECK(got == expected);
    CHECK(got["total"].GetUint64() > 0);
    CHECK(got["hits"].Size() == 5);
}

TEST_CASE("capi: atlas_search reports each error with its code and a message") {
    Open open;
    SUBCASE("not JSON") {
        check_error(search(open.searcher, "{\"query\": "), ATLAS_ERR_INVALID_REQUEST, "");
    }
    SUBCASE("an unknown member") {
        check_error(search(open.searcher, R"({"qeury": "x"})"), ATLAS_ERR_INVALID_REQUEST,
                    "qeury");
    }
    SUBCASE("a limit beyond the maximum") {
        check_error(search(open.searcher, R"({"limit": 100000})"), ATLAS_ERR_INVALID_REQUEST,
                    "limit");
    }
    SUBCASE("query syntax") {
        check_error(search(open.searcher, R"({"query": "organism:"})"), ATLAS_ERR_INVALID_QUERY,
                    "");
    }
    SUBCASE("an unknown field") {
        check_error(search(open.searcher, R"({"query": "autor:smith"})"), ATLAS_ERR_INVALID_QUERY,
                    "autor");
    }
    SUBCASE("invalid UTF-8 in the query") {
        check_error(search(open.searcher, "{\"query\": \"ribo\xC3\x28some\"}"),
                    ATLAS_ERR_INVALID_REQUEST, "request_json is not UTF-8 (byte 15)");
    }
    SUBCASE("overlong UTF-8, a surrogate, a cut sequence") {
        for (const char* bad : {"{\"query\": \"\xC0\xAF\"}", "{\"query\": \"\xED\xA0\x80\"}",
                                "{\"query\": \"\xE2\x82\"}", "{\"query\": \"\xF4\x90\x80\x80\"}",
                                "{\"query\": \"x\xFF\"}"}) {
            CAPTURE(bad);
            check_error(search(open.searcher, bad), ATLAS_ERR_INVALID_REQUEST, "not UTF-8");
        }
    }
    SUBCASE("valid UTF-8 of every length is searched") {
        Call c = search(open.searcher, "{\"query\": \"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xAC\"}");
        CHECK(c.code == ATLAS_OK);
    }
    SUBCASE("NULL arguments") {
        check_error(search(nullptr, "{}"), ATLAS_ERR_INVALID_REQUEST, "searcher is NULL");
        check_error(search(open.searcher, nullptr), ATLAS_ERR_INVALID_REQUEST,
                    "request_json is NULL");
        char* err = nullptr;
        CHECK(atlas_search(open.searcher, "{}", nullptr, &err) == ATLAS_ERR_INVALID_REQUEST);
        REQUIRE(err != nullptr);
        CHECK(contains(err, "response is NULL"));
        atlas_free(err);
    }
    SUBCASE("errptr may be NULL: the code alone") {
        char* out = reinterpret_cast<char*>(1);
        CHECK(atlas_search(open.searcher, "[]", &out, nullptr) == ATLAS_ERR_INVALID_REQUEST);
        CHECK(out == nullptr);
    }
}

TEST_CASE("capi: a message already in *errptr is freed and replaced, and success leaves it") {
    Open open;
    char* err = nullptr;
    char* out = nullptr;
    CHECK(atlas_search(open.searcher, "{", &out, &err) == ATLAS_ERR_INVALID_REQUEST);
    REQUIRE(err != nullptr);
    // The second error frees the first message (ASan's leak check would say otherwise).
    CHECK(atlas_search(open.searcher, R"({"query": "autor:x"})", &out, &err) ==
          ATLAS_ERR_INVALID_QUERY);
    REQUIRE(err != nullptr);
    CHECK(contains(err, "autor"));
    char* kept = err;
    CHECK(atlas_search(open.searcher, "{}", &out, &err) == ATLAS_OK);
    CHECK(err == kept);
    atlas_free(out);
    atlas_free(err);
    atlas_free(nullptr);
}

TEST_CASE("capi: atlas_searcher_open reports a missing index, bad options and NULLs") {
    atlas::test::TempDir dir;
    atlas_searcher* s = reinterpret_cast<atlas_searcher*>(1);
    char* err = nullptr;
    SUBCASE("no index") {
        CHECK(atlas_searcher_open((dir.path() / "none").c_str(), nullptr, &s, &err) ==
              ATLAS_ERR_NOT_FOUND);
        CHECK(s == nullptr);
        REQUIRE(err != nullptr);
        CHECK(contains(err, "none"));
    }
    SUBCASE("options") {
        const std::string index = atlas::test::portal_index().dir;
        for (const char* bad : {"{\"threads\": 3}", "{\"threads\": \"2\"}", "{\"thread\": 1}",
                                "[1]", "{", "{\"split_from\": -1}"}) {
            CAPTURE(bad);
            CHECK(atlas_searcher_open(index.c_str(), bad, &s, &err) == ATLAS_ERR_INVALID_REQUEST);
            CHECK(s == nullptr);
            REQUIRE(err != nullptr);
            CHECK(contains(err, "options_json"));
        }
        CHECK(atlas_searcher_open(index.c_str(), "", &s, &err) == ATLAS_OK);
        atlas_searcher_close(s);
        CHECK(atlas_searcher_open(index.c_str(),
                                  R"({"threads": 2, "split_from": 10, "facets_aside_from": 10})",
                                  &s, &err) == ATLAS_OK);
        atlas_searcher_close(s);
    }
    SUBCASE("NULL arguments") {
        CHECK(atlas_searcher_open(nullptr, nullptr, &s, &err) == ATLAS_ERR_INVALID_REQUEST);
        CHECK(s == nullptr);
        CHECK(atlas_searcher_open("x", nullptr, nullptr, &err) == ATLAS_ERR_INVALID_REQUEST);
        REQUIRE(err != nullptr);
        CHECK(contains(err, "searcher is NULL"));
    }
    SUBCASE("a damaged index is corrupt") {
        // The column file cut short: the generation cannot be read.
        fs::copy(atlas::test::portal_index().dir, dir.path() / "index",
                 fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        bool cut = false;
        for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "index")) {
            if (entry.is_regular_file() && entry.path().filename() == "columns.atlas") {
                fs::resize_file(entry.path(), 16);
                cut = true;
            }
        }
        REQUIRE(cut);
        CHECK(atlas_searcher_open((dir.path() / "index").c_str(), nullptr, &s, &err) ==
              ATLAS_ERR_CORRUPT);
        CHECK(s == nullptr);
    }
    atlas_free(err);
    atlas_searcher_close(nullptr);
}

TEST_CASE("capi: atlas_facet_values counts one facet's values starting with a prefix") {
    Open open;
    Call all = facet(open.searcher, "kind", nullptr, nullptr, 100);
    REQUIRE(all.code == ATLAS_OK);
    auto doc = parse(all.out.get());
    CHECK(std::string(doc["field"].GetString()) == "kind");
    CHECK(doc["values"].Size() == atlas::test::portal_searcher().kinds().size());

    Call prefixed = facet(open.searcher, "organism", "Schizo", R"({"query": "ribosome"})");
    REQUIRE(prefixed.code == ATLAS_OK);
    auto p = parse(prefixed.out.get());
    REQUIRE(p["values"].Size() >= 1);
    for (const auto& v : p["values"].GetArray()) {
        CHECK(std::string(v["value"].GetString()).rfind("Schizo", 0) == 0);
    }

    check_error(facet(open.searcher, nullptr, "", nullptr), ATLAS_ERR_INVALID_REQUEST,
                "field is NULL");
    check_error(facet(nullptr, "kind", "", nullptr), ATLAS_ERR_INVALID_REQUEST,
                "searcher is NULL");
    check_error(facet(open.searcher, "kind", "\xFF", nullptr), ATLAS_ERR_INVALID_REQUEST,
                "prefix is not UTF-8");
    check_error(facet(open.searcher, "kind", "", nullptr, 1001), ATLAS_ERR_INVALID_REQUEST,
                "size 1001");
    check_error(facet(open.searcher, "no_such_field", "", nullptr), ATLAS_ERR_INVALID_REQUEST,
                "no_such_field");
    check_error(facet(open.searcher, "kind", "", "{\"query\": \"autor:x\"}"),
                ATLAS_ERR_INVALID_QUERY, "autor");
}

TEST_CASE("capi: atlas_manifest lists a whole result set's routes and those without one") {
    Open open;
    Call s3 = manifest(open.searcher, R"({"query": "ribosome", "kinds": ["annotation"]})", "s3");
    REQUIRE(s3.code == ATLAS_OK);
    auto doc = parse(s3.out.get());
    CHECK(std::string(doc["format"].GetString()) == "s3");
    CHECK(doc["records"].GetUint64() > 0);
    CHECK(doc["truncated"].GetBool() == false);
    REQUIRE(doc["lines"].Size() > 0);
    CHECK(std::string(doc["lines"][0].GetString()).rfind("aws s3 ", 0) == 0);

    Call one = manifest(open.searcher, R"({"query": "ribosome", "kinds": ["annotation"]})", "s3", 1);
    REQUIRE(one.code == ATLAS_OK);
    auto cut = parse(one.out.get());
    CHECK(cut["records"].GetUint64() + cut["skipped"].Size() == 1);
    CHECK(cut["truncated"].GetBool() == (doc["records"].GetUint64() + doc["skipped"].Size() > 1));

    check_error(manifest(open.searcher, "{}", "gcs"), ATLAS_ERR_INVALID_REQUEST,
                "format 'gcs'");
    check_error(manifest(open.searcher, "{}", nullptr), ATLAS_ERR_INVALID_REQUEST,
                "format is NULL");
    check_error(manifest(open.searcher, nullptr, "s3"), ATLAS_ERR_INVALID_REQUEST,
                "request_json is NULL");
    check_error(manifest(open.searcher, R"({"query": "autor:x"})", "doi"),
                ATLAS_ERR_INVALID_QUERY, "");
}

TEST_CASE("capi: atlas_build_index builds from a sources file and reports as JSON") {
    atlas::test::TempDir dir;
    const fs::path sources = dir.path() / "sources.json";
    atlas::test::write_file(sources, std::string(R"({"sources": [{"name": "hoa", "path": ")") +
                                         ATLAS_DATA_DIR + "/hoa\"}]}");
    const fs::path out = dir.path() / "index";
    char* report = nullptr;
    char* err = nullptr;
    REQUIRE(atlas_build_index(sources.c_str(), out.c_str(), nullptr, &report, &err) == ATLAS_OK);
    REQUIRE(report != nullptr);
    auto doc = parse(report);
    atlas_free(report);
    CHECK(doc["records"].GetUint64() > 0);
    CHECK(doc["records_per_source"]["hoa"]["dataset"].GetUint64() > 0);
    CHECK(doc["rejected"].GetUint64() == 0);
    CHECK(doc["issues"].IsArray());
    CHECK_FALSE(doc["update"]["updated"].GetBool());

    // Built again: an update, unless "full" asks for every record again.
    REQUIRE(atlas_build_index(sources.c_str(), out.c_str(), nullptr, &report, &err) == ATLAS_OK);
    CHECK(parse(report)["update"]["updated"].GetBool());
    atlas_free(report);
    REQUIRE(atlas_build_index(sources.c_str(), out.c_str(), R"({"full": true})", &report, &err) ==
            ATLAS_OK);
    CHECK(std::string(parse(report)["update"]["full_reason"].GetString()) == "--full");
    atlas_free(report);

    // The new index is searchable through the C API.
    atlas_searcher* s = nullptr;
    REQUIRE(atlas_searcher_open(out.c_str(), nullptr, &s, &err) == ATLAS_OK);
    Call c = search(s, R"({"kinds": ["dataset"], "limit": 0})");
    REQUIRE(c.code == ATLAS_OK);
    CHECK(parse(c.out.get())["total"].GetUint64() ==
          doc["records_per_source"]["hoa"]["dataset"].GetUint64());
    atlas_searcher_close(s);

    // Errors: no sources file, an unknown source, options, NULLs.
    CHECK(atlas_build_index((dir.path() / "none.json").c_str(), out.c_str(), nullptr, &report,
                            &err) == ATLAS_ERR_NOT_FOUND);
    CHECK(report == nullptr);
    atlas::test::write_file(sources, R"({"sources": [{"name": "nope", "path": "x"}]})");
    CHECK(atlas_build_index(sources.c_str(), out.c_str(), nullptr, &report, &err) ==
          ATLAS_ERR_INVALID_REQUEST);
    REQUIRE(err != nullptr);
    CHECK(contains(err, "nope"));
    CHECK(atlas_build_index(sources.c_str(), out.c_str(), R"({"shrink": true})", &report, &err) ==
          ATLAS_ERR_INVALID_REQUEST);
    CHECK(contains(err, "'shrink' is not an option"));
    CHECK(atlas_build_index(nullptr, out.c_str(), nullptr, &report, &err) ==
          ATLAS_ERR_INVALID_REQUEST);
    CHECK(atlas_build_index(sources.c_str(), nullptr, nullptr, &report, &err) ==
          ATLAS_ERR_INVALID_REQUEST);
    CHECK(atlas_build_index(sources.c_str(), out.c_str(), nullptr, nullptr, &err) ==
          ATLAS_ERR_INVALID_REQUEST);
    CHECK(contains(err, "report_json is NULL"));
    atlas_free(err);
}
