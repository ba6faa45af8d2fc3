// Tests for reading a damaged column file (query/column_store.cpp): the reader
// is given whatever is on disk, and must say the file is damaged, never crash
// or read outside it (the sanitizer build runs these too).
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "atlas/column_format.h"
#include "atlas/search.h"
#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Opens the index and, when it opens, runs a ranked page with facets, a
// grouped page and a browse page sorted by a field: each must return, ok or
// not.  Returns the open's error, if any.
std::optional<Error> open_and_search(const fs::path& dir) {
    auto opened = Searcher::open(dir.string());
    if (!opened.ok()) return opened.error();
    SearchRequest ranked;
    ranked.query = "cell carcinoma";
    for (const char* field : {"kind", "organ"}) {
        FacetRequest facet;
        facet.field = field;
        ranked.facets.push_back(facet);
    }
    SearchRequest grouped;
    grouped.query = "biospecimen";
    grouped.group_by = "dataset";
    SearchRequest browse;
    SortKey by_title;
    by_title.field = "title";
    browse.sort = {by_title};
    browse.facets = ranked.facets;
    for (const auto* r : {&ranked, &grouped, &browse}) {
        auto result = opened.value().search(*r);
        (void)result;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("a damaged column file is reported as damaged, naming it, and never read past") {
    test::TempDir tmp;
    // With top lists, so the optional rank.* sections are there to damage.
    test::build_portals_with_top_lists(tmp.path() / "index", 40, 30);
    const fs::path file = fs::canonical(tmp.path() / "index" / "CURRENT") / kColumnFile;
    const std::string good = read_bytes(file);
    REQUIRE(good.size() > 4096);
    REQUIRE(!open_and_search(tmp.path() / "index"));

    SUBCASE("cut short anywhere, it is damaged") {
        for (std::size_t size : {std::size_t{0}, std::size_t{7}, kColumnHeaderBytes, good.size() / 3,
                                 good.size() / 2, good.size() - 8, good.size() - 1}) {
            CAPTURE(size);
            write_bytes(file, good.substr(0, size));
            auto error = open_and_search(tmp.path() / "index");
            REQUIRE(error.has_value());
            CHECK(error->code == Errc::corrupt);
            CHECK(error->message.find(std::string(kColumnFile)) != std::string::npos);
            CHECK(error->message.find("rebuild") != std::string::npos);
        }
    }

    SUBCASE("a wrong magic or format version is damaged") {
        for (std::size_t at : {std::size_t{0}, std::size_t{8}}) {
            std::string bad = good;
            bad[at] = static_cast<char>(bad[at] ^ 0x5a);
            write_bytes(file, bad);
            auto error = open_and_search(tmp.path() / "index");
            REQUIRE(error.has_value());
            CHECK(error->code == Errc::corrupt);
        }
    }

    SUBCASE("any byte changed: an error or an answer, never a crash") {
        // 120 bytes spread over the file, and 40 in the section table at its end.
        std::vector<std::size_t> at;
        for (std::size_t i = 0; i < 120; ++i) at.push_back(kColumnHeaderBytes + i * (good.size() - 64) / 120);
        for (std::size_t i = 1; i <= 40; ++i) at.push_back(good.size() - i * 7);
        std::size_t refused = 0;
        for (std::size_t p : at) {
            CAPTURE(p);
            std::string bad = good;
            bad[p] = static_cast<char>(bad[p] ^ 0xff);
            write_bytes(file, bad);
            auto error = open_and_search(tmp.path() / "index");
            if (error) {
                ++refused;
                CHECK(error->code == Errc::corrupt);
            }
        }
        MESSAGE(refused << " of " << at.size() << " damaged files refused at open");
        CHECK(refused > 0);
    }
    write_bytes(file, good);
}
