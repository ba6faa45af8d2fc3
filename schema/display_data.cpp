// display_data.cpp - writing and reading the display data (display_data.h).
#include "display_data.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "json_read.h"
#include "json_write.h"
#include "schema.h"
#include "units.h"

namespace atlas {

namespace {

using detail::JsonWriter;
using detail::write_key;

// One value as shown: a number in the field's display unit, a boolean, or the text.
void write_value(JsonWriter& w, const FieldSpec& spec, const Value& v) {
    switch (spec.type) {
        case FieldType::number: {
            double shown = v.number;
            if (const Unit* unit = find_unit(spec.unit)) shown = from_canonical(v.number, *unit);
            w.Double(round_for_display(shown));
            break;
        }
        case FieldType::boolean:
            w.Bool(v.number != 0);
            break;
        default:
            w.String(v.text);
    }
}

// "fields", and "more" when a field has more than kMaxDisplayValues values.
void write_fields(JsonWriter& w, const Record& record) {
    // Fields in first-seen order, every value (the reader decides scalar or list).
    std::vector<std::string_view> order;
    for (auto name : record.field_names()) {
        if (find_field(name) != nullptr) order.push_back(name);
    }
    std::vector<std::pair<std::string_view, std::size_t>> more;
    w.Key("fields");
    w.StartObject();
    for (auto name : order) {
        const FieldSpec* spec = find_field(name);
        write_key(w, name);
        w.StartArray();
        std::size_t written = 0, left = 0;
        for (const auto& v : record.values) {
            if (v.field != name) continue;
            if (written == kMaxDisplayValues) {
                ++left;
                continue;
            }
            ++written;
            write_value(w, *spec, v);
        }
        w.EndArray();
        if (left > 0) more.emplace_back(name, left);
    }
    w.EndObject();
    if (more.empty()) return;
    w.Key("more");
    w.StartObject();
    for (const auto& [name, left] : more) {
        write_key(w, name);
        w.Uint64(left);
    }
    w.EndObject();
}

// "links": the urls grouped by rel, in first-seen order.
void write_links(JsonWriter& w, const std::vector<Link>& links) {
    std::vector<std::string_view> rels;
    for (const auto& l : links) {
        if (std::find(rels.begin(), rels.end(), l.rel) == rels.end()) rels.push_back(l.rel);
    }
    w.Key("links");
    w.StartObject();
    for (auto rel : rels) {
        write_key(w, rel);
        w.StartArray();
        for (const auto& l : links) {
            if (l.rel == rel) w.String(l.url);
        }
        w.EndArray();
    }
    w.EndObject();
}

}  // namespace

std::string encode_display_data(const Record& record) {
    using detail::write_member;
    detail::JsonText text;
    JsonWriter& w = text.writer();
    w.StartObject();
    write_member(w, "id", record.id);
    write_member(w, "kind", record.kind);
    write_member(w, "source", record.source);
    write_member(w, "title", record.title);
    detail::write_breadcrumb(w, record.breadcrumb);
    write_fields(w, record);
    write_links(w, record.links);
    w.EndObject();
    return text.str();
}

namespace {

std::string_view name_of(const rapidjson::Value::Member& m) {
    return {m.name.GetString(), m.name.GetStringLength()};
}

// obj[key] if it is an object, else nullptr.
const rapidjson::Value* find_object(const rapidjson::Value& obj, const char* key) {
    auto m = obj.FindMember(key);
    return m != obj.MemberEnd() && m->value.IsObject() ? &m->value : nullptr;
}

// A value of "fields", or nullopt when it is neither a boolean, a number nor a string.
std::optional<DisplayValue> value_of(const rapidjson::Value& v) {
    DisplayValue out;
    if (v.IsBool()) {
        out.type = DisplayValue::Type::boolean;
        out.number = v.GetBool() ? 1 : 0;
    } else if (v.IsNumber()) {
        out.type = DisplayValue::Type::number;
        out.number = v.GetDouble();
    } else if (v.IsString()) {
        out.text.assign(v.GetString(), v.GetStringLength());
    } else {
        return std::nullopt;
    }
    return out;
}

// "fields", with the counts "more" gives them.
std::vector<DisplayField> fields_of(const rapidjson::Value& doc) {
    std::vector<DisplayField> fields;
    if (const auto* obj = find_object(doc, "fields")) {
        for (const auto& f : obj->GetObject()) {
            if (!f.value.IsArray()) continue;
            DisplayField field;
            field.name = name_of(f);
            for (const auto& v : f.value.GetArray()) {
                if (auto value = value_of(v)) field.values.push_back(std::move(*value));
            }
            fields.push_back(std::move(field));
        }
    }
    if (const auto* obj = find_object(doc, "more")) {
        for (const auto& m : obj->GetObject()) {
            if (!m.value.IsUint64()) continue;
            for (auto& field : fields) {
                if (field.name == name_of(m)) field.more = m.value.GetUint64();
            }
        }
    }
    return fields;
}

std::vector<DisplayLinks> links_of(const rapidjson::Value& doc) {
    std::vector<DisplayLinks> links;
    if (const auto* obj = find_object(doc, "links")) {
        for (const auto& l : obj->GetObject()) {
            if (!l.value.IsArray()) continue;
            DisplayLinks link;
            link.rel = name_of(l);
            for (const auto& u : l.value.GetArray()) {
                if (u.IsString()) link.urls.emplace_back(u.GetString(), u.GetStringLength());
            }
            links.push_back(std::move(link));
        }
    }
    return links;
}

}  // namespace

std::optional<DisplayData> decode_display_data(std::string_view data) {
    using detail::get_string;
    rapidjson::Document doc;
    doc.Parse(data.data(), data.size());
    if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
    DisplayData out;
    out.id = get_string(doc, "id");
    out.kind = get_string(doc, "kind");
    out.source = get_string(doc, "source");
    out.title = get_string(doc, "title");
    out.breadcrumb = detail::read_breadcrumb(doc);
    out.fields = fields_of(doc);
    out.links = links_of(doc);
    return out;
}

}  // namespace atlas
