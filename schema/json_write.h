// json_write.h - RapidJSON writing shared by the catalog JSON and the display data.
#pragma once

#include <rapidjson/writer.h>

#include <string_view>
#include <vector>

#include "record.h"

namespace atlas::detail {

template <class Writer>
void write_key(Writer& w, std::string_view key) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

template <class Writer>
void write_member(Writer& w, std::string_view key, const std::string& value) {
    write_key(w, key);
    w.String(value);
}

// [{"id":..,"kind":..,"label":..}, ...]
template <class Writer>
void write_breadcrumb(Writer& w, const std::vector<Crumb>& crumbs) {
    w.StartArray();
    for (const auto& c : crumbs) {
        w.StartObject();
        write_member(w, "id", c.id);
        write_member(w, "kind", c.kind);
        write_member(w, "label", c.label);
        w.EndObject();
    }
    w.EndArray();
}

}  // namespace atlas::detail
