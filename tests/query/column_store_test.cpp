// Tests for the column store (query/column_store.cpp): reading a damaged
// column file, where the reader is given whatever is on disk and must say the
// file is damaged, never crash or read outside it (the sanitizer build runs
// these too); and its bitmap cache used from two threads.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "atlas/search.h"
#include "column_store.h"
#include "schema/column_format.h"
#include "schema/layout.h"
#include "schema/schema.h"
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

TEST_CASE("the column store's bitmap cache can be filled from two threads at once") {
    // A request counts its facets on a helper thread while the page is
    // ranked (searcher.cpp): both may build and look up cached bitmaps.
    // Each thread asks for every value's documents, every field's presence
    // and a range of every number field, in opposite orders, on a fresh
    // store; each bitmap must hold the documents the file lists.  (Run under
    // ThreadSanitizer, dropping the cache's lock is reported here.)
    std::string gen = (fs::path(test::portal_index().dir) / std::string(kCurrentLink)).string();
    auto opened = detail::ColumnStore::open(gen + "/" + std::string(kColumnFile));
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    detail::ColumnStore& columns = *opened.value();
    struct Ask {
        std::string field;
        const detail::FacetColumn* column = nullptr;   // a value's documents, or
        std::uint32_t code = 0;
        bool presence = false;                         // the field's presence, or
        const detail::NumberColumn* number = nullptr;  // its numbers from the median up
    };
    std::vector<Ask> asks;
    for (const auto& spec : field_specs()) {
        std::string field(spec.name);
        if (const auto* column = columns.facet(field)) {
            for (std::uint32_t c = 0; c < column->size(); ++c) asks.push_back({field, column, c});
        }
        if (const auto* number = columns.number(field)) {
            asks.push_back({field, nullptr, 0, false, number});
        }
        if (columns.facet(field) || columns.number(field)) {
            asks.push_back({field, nullptr, 0, true});
        }
    }
    REQUIRE(asks.size() > 100);
    auto ask = [&](const Ask& a) -> const detail::Bitmap& {
        if (a.column) return columns.value_docs(a.field, *a.column, a.code);
        if (a.presence) return columns.present(a.field);
        double median = a.number->sorted_values[a.number->sorted_values.size() / 2];
        return columns.number_range(a.field, median, true, HUGE_VAL, true);
    };
    std::vector<const detail::Bitmap*> forward(asks.size()), backward(asks.size());
    std::thread other([&] {
        for (std::size_t i = asks.size(); i-- > 0;) backward[i] = &ask(asks[i]);
    });
    for (std::size_t i = 0; i < asks.size(); ++i) forward[i] = &ask(asks[i]);
    other.join();
    for (std::size_t i = 0; i < asks.size(); ++i) {
        CAPTURE(asks[i].field);
        // One cached bitmap per key, whichever thread built it.
        CHECK(forward[i] == backward[i]);
        const Ask& a = asks[i];
        if (a.column) {
            CHECK(forward[i]->size() == a.column->count(a.code));
        } else if (a.number) {
            auto values = a.number->sorted_values;
            auto from = std::lower_bound(values.begin(), values.end(), values[values.size() / 2]);
            CHECK(forward[i]->size() <= static_cast<std::uint64_t>(values.end() - from));
            CHECK(forward[i]->size() > 0);
        } else {
            CHECK(forward[i]->size() > 0);
        }
    }
}
