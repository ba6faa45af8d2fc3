// panosc_dump.h - a PaNOSC dump's tables built in memory, for the mapping and objects tests.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "adapters/json_reader.h"
#include "adapters/panosc_mapping.h"

namespace atlas::test {

// A dump's tables as panosc_adapter.cpp hands them over, from the text of a
// "models" object whose records are objects.
struct PanoscDump {
    detail::JsonFile json;
    detail::panosc::Tables tables;
};

inline std::unique_ptr<PanoscDump> panosc_dump(const std::string& models) {
    auto parsed = detail::parse_json_text(models);
    REQUIRE(parsed.ok());
    auto d = std::make_unique<PanoscDump>();
    d->json = std::move(parsed).value();
    for (const auto& m : d->json.doc.GetObject()) {
        for (const auto& row : m.value.GetObject()) {
            d->tables.rows[m.name.GetString()].push_back({row.name.GetString(), &row.value});
        }
    }
    return d;
}

}  // namespace atlas::test
