// json_read.h - RapidJSON reading shared by the catalog JSON and the display data.
//
// Both readers are tolerant: a member of the wrong type reads as missing.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "record.h"

namespace atlas::detail {

// obj[key] as a string; "" when it is missing or not a string.
inline std::string get_string(const rapidjson::Value& obj, const char* key) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsString()) return {};
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

// obj["breadcrumb"] as json_write.h write_breadcrumb writes it; entries that
// are not objects are skipped, none when it is not an array.
inline std::vector<Crumb> read_breadcrumb(const rapidjson::Value& obj) {
    std::vector<Crumb> crumbs;
    auto it = obj.FindMember("breadcrumb");
    if (it == obj.MemberEnd() || !it->value.IsArray()) return crumbs;
    for (const auto& c : it->value.GetArray()) {
        if (!c.IsObject()) continue;
        crumbs.push_back(Crumb{get_string(c, "id"), get_string(c, "kind"), get_string(c, "label")});
    }
    return crumbs;
}

}  // namespace atlas::detail
