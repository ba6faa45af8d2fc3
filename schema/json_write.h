// json_write.h - RapidJSON writing shared by the catalog JSON and the display data.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>
#include <vector>

#include "record.h"

namespace atlas::detail {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Compact JSON: written through writer(), taken with str().
class JsonText {
  public:
    JsonWriter& writer() { return writer_; }
    std::string str() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

  private:
    rapidjson::StringBuffer buffer_;
    JsonWriter writer_{buffer_};
};

template <class Writer>
void write_key(Writer& w, std::string_view key) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

template <class Writer>
void write_member(Writer& w, std::string_view key, const std::string& value) {
    write_key(w, key);
    w.String(value);
}

// "breadcrumb":[{"id":..,"kind":..,"label":..}, ...]
template <class Writer>
void write_breadcrumb(Writer& w, const std::vector<Crumb>& crumbs) {
    w.Key("breadcrumb");
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
