// record.cpp - building records and their catalog JSON.
#include "record.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "json_read.h"
#include "json_write.h"

namespace atlas {

const char* origin_name(Origin origin) {
    switch (origin) {
        case Origin::own:
            return "own";
        case Origin::inherited:
            return "inherited";
        case Origin::rollup:
            return "rollup";
    }
    return "own";
}

void Record::add(std::string_view field, std::string_view text, Origin origin) {
    if (text.empty()) return;
    Value v;
    v.field = field;
    v.text = text;
    v.origin = origin;
    values.push_back(std::move(v));
}

void Record::add_normalized(std::string_view field, std::string_view normalized,
                            std::string_view original, Origin origin) {
    if (normalized.empty()) return;
    add(field, normalized, origin);
    if (original != normalized) values.back().original = original;
}

void Record::add_number(std::string_view field, double canonical, std::string_view text,
                        std::string_view unit, Origin origin) {
    // Adapters report values out of range; an infinity must never reach JSON.
    if (!std::isfinite(canonical)) return;
    Value v;
    v.field = field;
    v.text = text;
    v.number = canonical;
    v.unit = unit;
    v.origin = origin;
    values.push_back(std::move(v));
}

void Record::add_date(std::string_view field, std::string_view iso_date, Origin origin) {
    double days = 0;
    if (!parse_iso_date(iso_date, days)) return;
    Value v;
    v.field = field;
    v.text = iso_date;
    v.number = days;
    v.origin = origin;
    values.push_back(std::move(v));
}

void Record::add_bool(std::string_view field, bool value, Origin origin) {
    Value v;
    v.field = field;
    v.text = value ? "true" : "false";
    v.number = value ? 1 : 0;
    v.origin = origin;
    values.push_back(std::move(v));
}

void Record::add_link(std::string_view rel, std::string_view url) {
    if (url.empty()) return;
    links.push_back(Link{std::string(rel), std::string(url)});
}

std::vector<const Value*> Record::get(std::string_view field) const {
    std::vector<const Value*> out;
    for (const auto& v : values) {
        if (v.field == field) out.push_back(&v);
    }
    return out;
}

std::string Record::first(std::string_view field) const {
    for (const auto& v : values) {
        if (v.field == field) return v.text;
    }
    return {};
}

std::vector<std::string_view> Record::field_names() const {
    std::vector<std::string_view> out;
    for (const auto& v : values) {
        if (std::find(out.begin(), out.end(), v.field) == out.end()) out.push_back(v.field);
    }
    return out;
}

bool Record::has(std::string_view field) const {
    return std::any_of(values.begin(), values.end(),
                       [&](const Value& v) { return v.field == field; });
}

bool parse_iso_date(std::string_view iso, double& days) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return false;
    auto number = [&](std::size_t pos, std::size_t len, int& out) {
        auto [ptr, ec] = std::from_chars(iso.data() + pos, iso.data() + pos + len, out);
        return ec == std::errc() && ptr == iso.data() + pos + len;
    };
    int y = 0, m = 0, d = 0;
    if (!number(0, 4, y) || !number(5, 2, m) || !number(8, 2, d)) return false;
    if (m < 1 || m > 12 || d < 1) return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int month_days = kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
    if (d > month_days) return false;
    // Days from civil (Howard Hinnant's algorithm).
    int yy = y - (m <= 2 ? 1 : 0);
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    unsigned yoe = static_cast<unsigned>(yy - era * 400);
    unsigned doy = static_cast<unsigned>((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    days = static_cast<double>(era) * 146097 + static_cast<double>(doe) - 719468;
    return true;
}

std::string to_json(const Record& r) {
    using detail::write_member;
    detail::JsonText text;
    detail::JsonWriter& w = text.writer();
    w.StartObject();
    write_member(w, "id", r.id);
    write_member(w, "source", r.source);
    write_member(w, "kind", r.kind);
    write_member(w, "parent", r.parent);
    write_member(w, "title", r.title);
    write_member(w, "file", r.file);
    w.Key("aliases");
    w.StartArray();
    for (const auto& a : r.aliases) w.String(a);
    w.EndArray();
    detail::write_breadcrumb(w, r.breadcrumb);
    // Values grouped by field in first-seen order, so SQL can read one field
    // with json_each(json, '$.fields.organism').
    w.Key("fields");
    w.StartObject();
    for (auto field : r.field_names()) {
        detail::write_key(w, field);
        w.StartArray();
        for (const auto& v : r.values) {
            if (v.field != field) continue;
            w.StartObject();
            write_member(w, "text", v.text);
            if (v.number != 0 || !v.unit.empty()) {
                w.Key("value");
                w.Double(v.number);
            }
            if (!v.unit.empty()) write_member(w, "unit", v.unit);
            if (!v.original.empty()) write_member(w, "original", v.original);
            if (v.origin != Origin::own) write_member(w, "origin", origin_name(v.origin));
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
    w.Key("links");
    w.StartArray();
    for (const auto& l : r.links) {
        w.StartObject();
        write_member(w, "rel", l.rel);
        write_member(w, "url", l.url);
        w.EndObject();
    }
    w.EndArray();
    if (!r.panosc.empty()) write_member(w, "panosc", r.panosc);
    w.EndObject();
    return text.str();
}

namespace {

Origin parse_origin(const std::string& s) {
    if (s == "inherited") return Origin::inherited;
    if (s == "rollup") return Origin::rollup;
    return Origin::own;
}

}  // namespace

Result<Record> record_from_json(std::string_view json) {
    using detail::get_string;
    rapidjson::Document doc;
    // Full precision: a number read back must be the number written (Grisu's
    // shortest form parsed by the fast path can land one ulp off, and an
    // update would see an unchanged record as changed).
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
    if (doc.HasParseError()) {
        return Error{Errc::corrupt,
                     fmt::format("record json is invalid at offset {}: {}", doc.GetErrorOffset(),
                                 rapidjson::GetParseError_En(doc.GetParseError()))};
    }
    if (!doc.IsObject()) return Error{Errc::corrupt, "record json is not an object"};
    Record r;
    r.id = get_string(doc, "id");
    r.source = get_string(doc, "source");
    r.kind = get_string(doc, "kind");
    r.parent = get_string(doc, "parent");
    r.title = get_string(doc, "title");
    r.file = get_string(doc, "file");
    if (r.id.empty() || r.kind.empty()) {
        return Error{Errc::corrupt, "record json has no id or kind"};
    }
    if (auto it = doc.FindMember("aliases"); it != doc.MemberEnd() && it->value.IsArray()) {
        for (const auto& a : it->value.GetArray()) {
            if (a.IsString()) r.aliases.emplace_back(a.GetString(), a.GetStringLength());
        }
    }
    r.breadcrumb = detail::read_breadcrumb(doc);
    if (auto it = doc.FindMember("fields"); it != doc.MemberEnd() && it->value.IsObject()) {
        for (const auto& field : it->value.GetObject()) {
            if (!field.value.IsArray()) continue;
            std::string name(field.name.GetString(), field.name.GetStringLength());
            for (const auto& item : field.value.GetArray()) {
                if (!item.IsObject()) continue;
                Value v;
                v.field = name;
                v.text = get_string(item, "text");
                if (auto num = item.FindMember("value");
                    num != item.MemberEnd() && num->value.IsNumber()) {
                    v.number = num->value.GetDouble();
                }
                v.unit = get_string(item, "unit");
                v.original = get_string(item, "original");
                v.origin = parse_origin(get_string(item, "origin"));
                r.values.push_back(std::move(v));
            }
        }
    }
    if (auto it = doc.FindMember("links"); it != doc.MemberEnd() && it->value.IsArray()) {
        for (const auto& l : it->value.GetArray()) {
            if (l.IsObject()) r.links.push_back(Link{get_string(l, "rel"), get_string(l, "url")});
        }
    }
    r.panosc = get_string(doc, "panosc");
    return r;
}

std::string content_hash(std::string_view record_json) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : record_json) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return fmt::format("{:016x}", h);
}

}  // namespace atlas
