// registry.cpp - the adapter of each source name: the factories of the registry's rows
// (schema/portals.def), and the canonical records adapter.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string_view>

#include "adapter.h"
#include "records_adapter.h"

namespace atlas {
namespace detail {

// Each row's factory, make_<name>_adapter, is defined by its adapter
// (index/adapters/<name>_adapter.h).
#define ATLAS_LIST(...)
#define ATLAS_PORTAL(name, ...) \
    std::unique_ptr<Adapter> make_##name##_adapter(const std::filesystem::path& root);
#include "schema/portals.def"
#undef ATLAS_PORTAL

namespace {

struct Factory {
    std::string_view name;
    std::unique_ptr<Adapter> (*make)(const std::filesystem::path& root);
};

constexpr Factory kFactories[] = {
#define ATLAS_PORTAL(name, ...) {#name, &make_##name##_adapter},
#include "schema/portals.def"
#undef ATLAS_PORTAL
    // Canonical record JSON lines, of any portal (records_adapter.h).
    {"records", &make_records_adapter},
};
#undef ATLAS_LIST

}  // namespace

std::unique_ptr<Adapter> make_adapter(const SourceSpec& spec) {
    for (const auto& f : kFactories) {
        if (f.name == spec.name) return f.make(spec.path);
    }
    return nullptr;
}

}  // namespace detail

std::vector<std::string> known_sources() {
    std::vector<std::string> out;
    for (const auto& f : detail::kFactories) out.emplace_back(f.name);
    return out;
}

}  // namespace atlas
