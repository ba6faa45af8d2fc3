// Tests for index/adapters/registry.cpp: every row of the registry (schema/portals.def)
// has an adapter, and the build knows exactly those sources.
#include "adapters/adapter.h"

#include <doctest/doctest.h>

#include "atlas/index.h"
#include "atlas/portals.h"

using namespace atlas;

TEST_CASE("every portal of the registry, and the canonical records, has an adapter of its name") {
    std::vector<std::string> expected;
    for (const auto& p : portals()) {
        CAPTURE(p.name);
        auto adapter = detail::make_adapter({p.name, "/nonexistent"});
        REQUIRE(adapter != nullptr);
        CHECK(adapter->name() == p.name);
        expected.push_back(p.name);
    }
    auto records = detail::make_adapter({"records", "/nonexistent"});
    REQUIRE(records != nullptr);
    CHECK(records->name() == "records");
    expected.emplace_back("records");
    CHECK(known_sources() == expected);
    CHECK(detail::make_adapter({"nothing", "/nonexistent"}) == nullptr);
}
