// portals.cpp - the registry of portals (portals.def) as data, the browse order of
// kinds, and the public view of portals and fields (atlas/portals.h).
#include "atlas/portals.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <span>

#include "schema.h"

namespace atlas {
namespace {

struct PortalRow {
    std::string_view name;
    std::string_view title;
    std::string_view source_export;
    std::span<const std::string_view> kinds;
    std::span<const std::string_view> key_fields;
};

#define ATLAS_LIST(...) \
    { __VA_ARGS__ }
#define ATLAS_PORTAL(name, title, source_export, kinds, key_fields) \
    constexpr std::string_view name##_kinds[] = kinds;              \
    constexpr std::string_view name##_key_fields[] = key_fields;
#include "portals.def"
#undef ATLAS_PORTAL

constexpr PortalRow kPortals[] = {
#define ATLAS_PORTAL(name, title, source_export, kinds, key_fields) \
    {#name, title, source_export, name##_kinds, name##_key_fields},
#include "portals.def"
#undef ATLAS_PORTAL
};
#undef ATLAS_LIST

constexpr std::array<std::string_view, std::size(kPortals)> source_names() {
    std::array<std::string_view, std::size(kPortals)> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = kPortals[i].name;
    return out;
}
constexpr auto kSourceNames = source_names();

// Kinds are names shared across portals (an HTAN and a PaNOSC file are both
// files).  Across sources, the things people look for first come first:
// collections (datasets, atlases, donors), then what they contain, then the
// parts.  Every kind of a row of portals.def has its place here.
constexpr std::string_view kKinds[] = {
    "dataset",    "atlas",       "donor",      "document", "story",      "publication",
    "deposition", "participant", "organ",      "run",      "sample",     "biospecimen",
    "tiltseries", "tomogram",    "annotation", "file",     "instrument", "technique"};

// A kind a row of portals.def names but kKinds does not would be refused by
// every request: the build says so instead.
constexpr bool every_kind_has_a_place() {
    for (const auto& p : kPortals) {
        for (auto k : p.kinds) {
            if (std::find(std::begin(kKinds), std::end(kKinds), k) == std::end(kKinds)) {
                return false;
            }
        }
    }
    return true;
}
static_assert(every_kind_has_a_place(), "a kind of portals.def is missing from kKinds");

std::vector<std::string> strings(std::span<const std::string_view> views) {
    return {views.begin(), views.end()};
}

}  // namespace

std::span<const std::string_view> known_kinds() { return kKinds; }

std::span<const std::string_view> known_source_names() { return kSourceNames; }

int kind_rank(std::string_view kind) {
    auto it = std::find(std::begin(kKinds), std::end(kKinds), kind);
    return static_cast<int>(it - std::begin(kKinds));
}

std::string kinds_by_portal() {
    std::vector<std::string> parts;
    std::vector<std::string_view> said;
    for (const auto& p : kPortals) {
        std::vector<std::string_view> fresh;
        for (auto k : p.kinds) {
            if (std::find(said.begin(), said.end(), k) != said.end()) continue;
            fresh.push_back(k);
            said.push_back(k);
        }
        parts.push_back(fmt::format("{} ({})", fmt::join(fresh, ", "), p.name));
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

const std::vector<PortalInfo>& portals() {
    static const std::vector<PortalInfo> all = [] {
        std::vector<PortalInfo> out;
        for (const auto& p : kPortals) {
            out.push_back({std::string(p.name), std::string(p.title), std::string(p.source_export),
                           strings(p.kinds), strings(p.key_fields)});
        }
        return out;
    }();
    return all;
}

const PortalInfo* find_portal(std::string_view name) {
    for (const auto& p : portals()) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

const std::vector<std::string>& all_kinds() {
    static const std::vector<std::string> all = strings(kKinds);
    return all;
}

const std::vector<FieldInfo>& all_fields() {
    static const std::vector<FieldInfo> all = [] {
        std::vector<FieldInfo> out;
        for (const auto& f : field_specs()) {
            bool numeric = f.type == FieldType::number || f.type == FieldType::date;
            out.push_back({std::string(f.name), field_type_name(f.type), std::string(f.unit),
                           std::string(f.label), std::string(f.help), f.multi,
                           numeric || is_facet(f), is_sortable(f), numeric});
        }
        return out;
    }();
    return all;
}

int schema_version() { return kSchemaVersion; }

}  // namespace atlas
