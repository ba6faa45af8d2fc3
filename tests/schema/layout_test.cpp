// Tests for schema/layout.cpp: finding the generation readers open through CURRENT.
#include "schema/layout.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>

#include "test_util.h"

using namespace atlas;
namespace fs = std::filesystem;

TEST_CASE("CURRENT names the generation readers open, relative or absolute") {
    test::TempDir dir;
    fs::create_directory(dir.path() / "gen-000002");
    fs::create_directory_symlink("gen-000002", dir.path() / kCurrentLink);
    auto gen = current_generation(dir.path().string());
    REQUIRE(gen.ok());
    CHECK(fs::path(gen.value()) == dir.path() / "gen-000002");
    fs::remove(dir.path() / kCurrentLink);
    fs::create_directory_symlink(dir.path() / "gen-000002", dir.path() / kCurrentLink);
    gen = current_generation(dir.path().string());
    REQUIRE(gen.ok());
    CHECK(fs::path(gen.value()) == dir.path() / "gen-000002");
}

TEST_CASE("no index, no CURRENT and a CURRENT to nothing are each said in one line") {
    test::TempDir dir;
    auto missing = current_generation((dir.path() / "nothing").string());
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == Errc::not_found);
    CHECK(missing.error().message ==
          fmt::format("no index at '{}' (build one with atlas-index build)",
                      (dir.path() / "nothing").string()));
    auto empty = current_generation(dir.path().string());
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().code == Errc::not_found);
    CHECK(empty.error().message ==
          fmt::format("'{}' holds no index (no CURRENT link; build one with atlas-index build)",
                      dir.path().string()));
    fs::create_directory_symlink("gen-000009", dir.path() / kCurrentLink);
    auto dangling = current_generation(dir.path().string());
    REQUIRE_FALSE(dangling.ok());
    CHECK(dangling.error().code == Errc::unavailable);
    CHECK(dangling.error().message == fmt::format("'{}' points to missing '{}'",
                                                  (dir.path() / kCurrentLink).string(),
                                                  (dir.path() / "gen-000009").string()));
}
