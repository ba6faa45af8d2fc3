// display_store_test.cpp - the display files: written per shard by the
// indexer (index/display_writer.h), mapped and checked by readers
// (query/display_store.h), refused with a line naming the file when damaged.
#include "display_store.h"

#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "display_writer.h"
#include "schema/display_file.h"
#include "test_util.h"

namespace atlas {
namespace {

namespace fs = std::filesystem;

// Document d's data: its number spelt out, every fifth one empty.
std::string data_of(std::uint32_t d) { return d % 5 == 0 ? "" : "{\"doc\":" + std::to_string(d) + "}"; }

// Writes `docs` documents over `shards` display files as the shard writer numbers them.
void write_generation(const fs::path& gen, unsigned shards, std::uint32_t docs) {
    std::vector<detail::DisplayWriter> writers;
    for (unsigned k = 0; k < shards; ++k) {
        auto w = detail::DisplayWriter::create(gen / display_file(k));
        REQUIRE(w.ok());
        writers.push_back(std::move(w).value());
    }
    for (std::uint32_t d = 1; d <= docs; ++d) writers[(d - 1) % shards].add(data_of(d));
    for (auto& w : writers) REQUIRE(w.finish().ok());
}

std::string refusal(const fs::path& gen, unsigned shards, std::uint32_t docs) {
    auto store = detail::DisplayStore::open(gen.string(), shards, docs);
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().code == Errc::corrupt);
    return store.error().message;
}

TEST_CASE("each document's display data is read back from its shard's display file") {
    test::TempDir dir;
    for (unsigned shards : {1u, 2u, 3u}) {
        for (std::uint32_t docs : {0u, 1u, 2u, 7u, 100u}) {
            CAPTURE(shards);
            CAPTURE(docs);
            fs::path gen = dir.path() / ("gen-" + std::to_string(shards) + "-" + std::to_string(docs));
            write_generation(gen, shards, docs);
            auto store = detail::DisplayStore::open(gen.string(), shards, docs);
            REQUIRE(store.ok());
            for (std::uint32_t d = 1; d <= docs; ++d) {
                auto data = store.value()->data(d);
                REQUIRE(data.has_value());
                CHECK(*data == data_of(d));
            }
            CHECK_FALSE(store.value()->data(0).has_value());
            CHECK_FALSE(store.value()->data(docs + 1).has_value());
        }
    }
}

TEST_CASE("a damaged or missing display file is refused with a line naming it") {
    test::TempDir dir;
    fs::path gen = dir.path() / "gen";
    write_generation(gen, 2, 9);
    fs::path file = gen / display_file(1);
    std::string bytes = test::read_file(file);

    // Another number of documents than the index holds.
    CHECK(refusal(gen, 2, 11).find("shard-0' is damaged: 5 documents, the index has 6") !=
          std::string::npos);
    // Truncated: the footer is gone.
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 1);
    CHECK(refusal(gen, 2, 9).find("shard-1' is damaged: no footer") != std::string::npos);
    // An offset pointing past the data.
    std::string bad = bytes;
    std::size_t table = bytes.size() - kDisplayFooterBytes - 5 * sizeof(std::uint64_t);
    bad[table + 2 * sizeof(std::uint64_t)] = '\x7f';
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bad;
    CHECK(refusal(gen, 2, 9).find("offset 2 of 4 is out of place") != std::string::npos);
    // Empty, too short to hold a footer, and missing.
    std::ofstream(file, std::ios::binary | std::ios::trunc).close();
    CHECK(refusal(gen, 2, 9).find("shard-1' is damaged: empty") != std::string::npos);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << "atlas";
    CHECK(refusal(gen, 2, 9).find("too short") != std::string::npos);
    fs::remove(file);
    CHECK(refusal(gen, 2, 9).find("cannot open display file") != std::string::npos);
}

TEST_CASE("a display frame damaged inside is not shown") {
    test::TempDir dir;
    fs::path gen = dir.path() / "gen";
    write_generation(gen, 1, 3000);  // past kTrainingRecords: a dictionary is trained
    fs::path file = gen / display_file(0);
    std::string bytes = test::read_file(file);
    bytes[10] = static_cast<char>(bytes[10] ^ 0x40);  // inside the first document's frame
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    auto store = detail::DisplayStore::open(gen.string(), 1, 3000);
    REQUIRE(store.ok());
    CHECK_FALSE(store.value()->data(1).has_value());
    CHECK(store.value()->data(2) == data_of(2));
    CHECK(store.value()->data(3000) == data_of(3000));
}

TEST_CASE("a display file whose dictionary is damaged is refused") {
    test::TempDir dir;
    fs::path gen = dir.path() / "gen";
    write_generation(gen, 1, 3000);
    fs::path file = gen / display_file(0);
    std::string bytes = test::read_file(file);
    std::uint64_t dictionary_bytes;
    std::memcpy(&dictionary_bytes, bytes.data() + bytes.size() - kDisplayFooterBytes, 8);
    REQUIRE(dictionary_bytes > 64);  // 3,000 documents train one
    std::size_t table = bytes.size() - kDisplayFooterBytes - 3001 * sizeof(std::uint64_t);
    std::size_t dictionary = table - dictionary_bytes;
    // Its entropy tables, just after the magic number and the dictionary id.
    for (std::size_t i = 8; i < 40; ++i) bytes[dictionary + i] = '\xff';
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
    CHECK(refusal(gen, 1, 3000).find("its dictionary does not load") != std::string::npos);
}

TEST_CASE("a display file is never written over") {
    test::TempDir dir;
    fs::path path = dir.path() / display_file(0);
    REQUIRE(detail::DisplayWriter::create(path).ok());
    auto again = detail::DisplayWriter::create(path);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().message.find("cannot create") != std::string::npos);
}

}  // namespace
}  // namespace atlas
