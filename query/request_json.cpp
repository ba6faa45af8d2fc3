// request_json.cpp - the structured request as JSON (atlas/search.h request_from_json).
//
// The only place RapidJSON reads on the query path.  Every member is checked
// for its type before it is read (RapidJSON asserts otherwise), and unknown
// members are refused: a misspelt "filter" must not silently mean no filter.
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <initializer_list>
#include <limits>

#include "atlas/search.h"

namespace atlas {
namespace {

using JValue = rapidjson::Value;

Error bad(std::string message) { return Error{Errc::invalid_request, std::move(message)}; }

// Refuses members not in `known`.
Status only_members(const JValue& obj, std::string_view where,
                    std::initializer_list<std::string_view> known) {
    for (const auto& m : obj.GetObject()) {
        std::string_view name(m.name.GetString(), m.name.GetStringLength());
        bool ok = false;
        for (auto k : known) ok = ok || k == name;
        if (!ok) return bad(fmt::format("{}: unknown member \"{}\"", where, name));
    }
    return {};
}

Result<std::string> string_member(const JValue& obj, const char* key, std::string_view where) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) return std::string();
    if (!it->value.IsString()) return bad(fmt::format("{}.{} must be a string", where, key));
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

// Strings; with `numbers`, also numbers and booleans (filter values: 4, true).
Result<std::vector<std::string>> strings_member(const JValue& obj, const char* key,
                                                std::string_view where, bool numbers = false) {
    std::vector<std::string> out;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) return out;
    // One value may be written without a list.
    if (!it->value.IsArray() && !it->value.IsString() &&
        !(numbers && (it->value.IsNumber() || it->value.IsBool()))) {
        return bad(fmt::format("{}.{} must be a list of strings", where, key));
    }
    std::vector<const JValue*> values;
    if (it->value.IsArray()) {
        for (const auto& v : it->value.GetArray()) values.push_back(&v);
    } else {
        values.push_back(&it->value);
    }
    for (const JValue* pv : values) {
        const JValue& v = *pv;
        if (v.IsString()) {
            out.emplace_back(v.GetString(), v.GetStringLength());
        } else if (numbers && v.IsNumber()) {  // "values": [4] for a rating
            // A whole number as one ("4", not "4.0"); any other, or one beyond
            // what a long long holds (1e300: casting it is undefined), as {fmt} writes it.
            double d = v.GetDouble();
            bool whole = std::fabs(d) < 9.0e15 && d == std::trunc(d);
            out.push_back(whole ? std::to_string(static_cast<long long>(d)) : fmt::format("{}", d));
        } else if (numbers && v.IsBool()) {
            out.emplace_back(v.GetBool() ? "yes" : "no");
        } else {
            return bad(fmt::format("{}.{} must be a list of strings", where, key));
        }
    }
    return out;
}

Result<std::uint32_t> uint_member(const JValue& obj, const char* key, std::string_view where,
                                  std::uint32_t fallback) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) return fallback;
    if (!it->value.IsUint64() || it->value.GetUint64() > std::numeric_limits<std::uint32_t>::max()) {
        return bad(fmt::format("{}.{} must be a non-negative integer", where, key));
    }
    return static_cast<std::uint32_t>(it->value.GetUint64());
}

Result<Filter> filter_of(const JValue& v, std::string_view where) {
    if (!v.IsObject()) return bad(fmt::format("{} must be an object", where));
    if (auto s = only_members(v, where, {"field", "values", "value", "mode"}); !s.ok()) {
        return s.error();
    }
    Filter f;
    auto field = string_member(v, "field", where);
    if (!field.ok()) return field.error();
    if (field.value().empty()) return bad(fmt::format("{}.field is missing", where));
    f.field = field.value();
    auto values = strings_member(v, "values", where, true);
    if (!values.ok()) return values.error();
    f.values = values.value();
    auto value = strings_member(v, "value", where, true);
    if (!value.ok()) return value.error();
    for (auto& x : value.value()) f.values.push_back(std::move(x));
    auto mode = string_member(v, "mode", where);
    if (!mode.ok()) return mode.error();
    const std::string& m = mode.value();
    if (m.empty() || m == "any") {
        f.mode = Filter::Mode::any;
    } else if (m == "none" || m == "not") {
        f.mode = Filter::Mode::none;
    } else if (m == "exists") {
        f.mode = Filter::Mode::exists;
    } else if (m == "missing") {
        f.mode = Filter::Mode::missing;
    } else {
        return bad(fmt::format("{}.mode '{}' is not any, none, exists or missing", where, m));
    }
    return f;
}

Result<std::vector<Filter>> filters_of(const JValue& obj, const char* key, std::string_view where) {
    std::vector<Filter> out;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) return out;
    if (!it->value.IsArray()) return bad(fmt::format("{}.{} must be a list", where, key));
    std::size_t i = 0;
    for (const auto& v : it->value.GetArray()) {
        auto f = filter_of(v, fmt::format("{}.{}[{}]", where, key, i++));
        if (!f.ok()) return f.error();
        out.push_back(std::move(f).value());
    }
    return out;
}

Result<std::vector<ChildFilter>> children_of(const JValue& obj, std::string_view where, int depth);

Result<ChildFilter> child_of(const JValue& v, std::string_view where, int depth) {
    if (!v.IsObject()) return bad(fmt::format("{} must be an object", where));
    if (auto s = only_members(v, where, {"kind", "query", "filters", "has_children"}); !s.ok()) {
        return s.error();
    }
    ChildFilter c;
    auto kind = string_member(v, "kind", where);
    if (!kind.ok()) return kind.error();
    if (kind.value().empty()) return bad(fmt::format("{}.kind is missing", where));
    c.kind = kind.value();
    auto query = string_member(v, "query", where);
    if (!query.ok()) return query.error();
    c.query = query.value();
    auto filters = filters_of(v, "filters", where);
    if (!filters.ok()) return filters.error();
    c.filters = std::move(filters).value();
    auto children = children_of(v, where, depth + 1);
    if (!children.ok()) return children.error();
    c.children = std::move(children).value();
    return c;
}

Result<std::vector<ChildFilter>> children_of(const JValue& obj, std::string_view where, int depth) {
    std::vector<ChildFilter> out;
    auto it = obj.FindMember("has_children");
    if (it == obj.MemberEnd() || it->value.IsNull()) return out;
    if (depth > 8) return bad(fmt::format("{}.has_children nests deeper than 8 levels", where));
    if (!it->value.IsArray()) return bad(fmt::format("{}.has_children must be a list", where));
    std::size_t i = 0;
    for (const auto& v : it->value.GetArray()) {
        auto c = child_of(v, fmt::format("{}.has_children[{}]", where, i++), depth);
        if (!c.ok()) return c.error();
        out.push_back(std::move(c).value());
    }
    return out;
}

// "organism" or "organism:20" (as on the command line) or {"field", "size", "prefix"}.
Result<FacetRequest> facet_of(const JValue& v, std::string_view where) {
    FacetRequest f;
    if (v.IsString()) {
        std::string s(v.GetString(), v.GetStringLength());
        auto colon = s.rfind(':');
        if (colon != std::string::npos) {
            std::string size = s.substr(colon + 1);
            if (size.empty() || size.size() > 6 ||
                size.find_first_not_of("0123456789") != std::string::npos) {
                return bad(fmt::format("{}: '{}' is not FIELD or FIELD:SIZE", where, s));
            }
            f.size = static_cast<std::uint32_t>(std::stoul(size));
            s.resize(colon);
        }
        f.field = s;
        return f;
    }
    if (!v.IsObject()) return bad(fmt::format("{} must be a field name or an object", where));
    if (auto s = only_members(v, where, {"field", "size", "prefix"}); !s.ok()) return s.error();
    auto field = string_member(v, "field", where);
    if (!field.ok()) return field.error();
    if (field.value().empty()) return bad(fmt::format("{}.field is missing", where));
    f.field = field.value();
    auto size = uint_member(v, "size", where, f.size);
    if (!size.ok()) return size.error();
    f.size = size.value();
    auto prefix = string_member(v, "prefix", where);
    if (!prefix.ok()) return prefix.error();
    f.prefix = prefix.value();
    return f;
}

// "release_date", "release_date:desc" or {"field", "order": "asc|desc"}.
Result<SortKey> sort_of(const JValue& v, std::string_view where) {
    SortKey k;
    std::string order;
    if (v.IsString()) {
        std::string s(v.GetString(), v.GetStringLength());
        auto colon = s.find(':');
        if (colon != std::string::npos) {
            order = s.substr(colon + 1);
            s.resize(colon);
        }
        k.field = s;
    } else if (v.IsObject()) {
        if (auto s = only_members(v, where, {"field", "order"}); !s.ok()) return s.error();
        auto field = string_member(v, "field", where);
        if (!field.ok()) return field.error();
        k.field = field.value();
        auto o = string_member(v, "order", where);
        if (!o.ok()) return o.error();
        order = o.value();
    } else {
        return bad(fmt::format("{} must be a field name or an object", where));
    }
    if (k.field.empty()) return bad(fmt::format("{}: no field to sort by", where));
    if (order.empty()) {
        // Newest, best, most first: what a portal user means by sorting by them.
        k.descending = k.field != "title" && k.field != "id" && k.field != "kind" &&
                       k.field != "relevance";
    } else if (order == "asc") {
        k.descending = false;
    } else if (order == "desc") {
        k.descending = true;
    } else {
        return bad(fmt::format("{}: order '{}' is not asc or desc", where, order));
    }
    return k;
}

void write_filters(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::vector<Filter>& filters) {
    w.StartArray();
    for (const auto& f : filters) {
        w.StartObject();
        w.Key("field");
        w.String(f.field);
        w.Key("values");
        w.StartArray();
        for (const auto& v : f.values) w.String(v);
        w.EndArray();
        w.Key("mode");
        switch (f.mode) {
            case Filter::Mode::any:
                w.String("any");
                break;
            case Filter::Mode::none:
                w.String("none");
                break;
            case Filter::Mode::exists:
                w.String("exists");
                break;
            case Filter::Mode::missing:
                w.String("missing");
                break;
        }
        w.EndObject();
    }
    w.EndArray();
}

void write_children(rapidjson::Writer<rapidjson::StringBuffer>& w,
                    const std::vector<ChildFilter>& children) {
    w.StartArray();
    for (const auto& c : children) {
        w.StartObject();
        w.Key("kind");
        w.String(c.kind);
        w.Key("query");
        w.String(c.query);
        w.Key("filters");
        write_filters(w, c.filters);
        w.Key("has_children");
        write_children(w, c.children);
        w.EndObject();
    }
    w.EndArray();
}

}  // namespace

Result<SearchRequest> request_from_json(std::string_view json) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError()) {
        return bad(fmt::format("the request is not JSON: {} at offset {}",
                               rapidjson::GetParseError_En(doc.GetParseError()),
                               doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) return bad("the request must be a JSON object");
    constexpr std::string_view where = "request";
    if (auto s = only_members(doc, where,
                              {"query", "q", "kinds", "sources", "filters", "has_children", "facets",
                               "sort", "group_by", "group_size", "offset", "limit",
                               "snippet_bytes", "typo_tolerance", "explain", "collapse"});
        !s.ok()) {
        return s.error();
    }
    SearchRequest r;
    auto query = string_member(doc, "query", where);
    if (!query.ok()) return query.error();
    r.query = query.value();
    if (r.query.empty()) {
        auto q = string_member(doc, "q", where);
        if (!q.ok()) return q.error();
        r.query = q.value();
    }
    auto kinds = strings_member(doc, "kinds", where);
    if (!kinds.ok()) return kinds.error();
    r.kinds = kinds.value();
    auto sources = strings_member(doc, "sources", where);
    if (!sources.ok()) return sources.error();
    r.sources = sources.value();
    auto filters = filters_of(doc, "filters", where);
    if (!filters.ok()) return filters.error();
    r.filters = std::move(filters).value();
    auto children = children_of(doc, where, 0);
    if (!children.ok()) return children.error();
    r.has_children = std::move(children).value();
    if (auto it = doc.FindMember("facets"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsArray()) return bad("request.facets must be a list");
        std::size_t i = 0;
        for (const auto& v : it->value.GetArray()) {
            auto f = facet_of(v, fmt::format("request.facets[{}]", i++));
            if (!f.ok()) return f.error();
            r.facets.push_back(std::move(f).value());
        }
    }
    if (auto it = doc.FindMember("sort"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (it->value.IsString() || it->value.IsObject()) {
            auto k = sort_of(it->value, "request.sort");
            if (!k.ok()) return k.error();
            r.sort.push_back(std::move(k).value());
        } else if (it->value.IsArray()) {
            std::size_t i = 0;
            for (const auto& v : it->value.GetArray()) {
                auto k = sort_of(v, fmt::format("request.sort[{}]", i++));
                if (!k.ok()) return k.error();
                r.sort.push_back(std::move(k).value());
            }
        } else {
            return bad("request.sort must be a field, an object or a list");
        }
    }
    auto group = string_member(doc, "group_by", where);
    if (!group.ok()) return group.error();
    r.group_by = group.value();
    for (auto [key, out] : {std::pair{"group_size", &r.group_size}, std::pair{"offset", &r.offset},
                            std::pair{"limit", &r.limit},
                            std::pair{"snippet_bytes", &r.snippet_bytes}}) {
        auto v = uint_member(doc, key, where, *out);
        if (!v.ok()) return v.error();
        *out = v.value();
    }
    if (auto it = doc.FindMember("typo_tolerance"); it != doc.MemberEnd() && !it->value.IsNull()) {
        if (!it->value.IsBool()) return bad("request.typo_tolerance must be true or false");
        r.typo_tolerance = it->value.GetBool();
    }
    for (auto [key, out] : {std::pair{"explain", &r.explain}, std::pair{"collapse", &r.collapse}}) {
        if (auto it = doc.FindMember(key); it != doc.MemberEnd() && !it->value.IsNull()) {
            if (!it->value.IsBool()) return bad(fmt::format("request.{} must be true or false", key));
            *out = it->value.GetBool();
        }
    }
    return r;
}

std::string to_json(const SearchRequest& r) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("query");
    w.String(r.query);
    for (auto [key, list] : {std::pair{"kinds", &r.kinds}, std::pair{"sources", &r.sources}}) {
        w.Key(key);
        w.StartArray();
        for (const auto& v : *list) w.String(v);
        w.EndArray();
    }
    w.Key("filters");
    write_filters(w, r.filters);
    w.Key("has_children");
    write_children(w, r.has_children);
    w.Key("facets");
    w.StartArray();
    for (const auto& f : r.facets) {
        w.StartObject();
        w.Key("field");
        w.String(f.field);
        w.Key("size");
        w.Uint(f.size);
        if (!f.prefix.empty()) {
            w.Key("prefix");
            w.String(f.prefix);
        }
        w.EndObject();
    }
    w.EndArray();
    w.Key("sort");
    w.StartArray();
    for (const auto& k : r.sort) {
        w.StartObject();
        w.Key("field");
        w.String(k.field);
        w.Key("order");
        w.String(k.descending ? "desc" : "asc");
        w.EndObject();
    }
    w.EndArray();
    w.Key("group_by");
    w.String(r.group_by);
    w.Key("group_size");
    w.Uint(r.group_size);
    w.Key("offset");
    w.Uint(r.offset);
    w.Key("limit");
    w.Uint(r.limit);
    w.Key("snippet_bytes");
    w.Uint(r.snippet_bytes);
    w.Key("typo_tolerance");
    w.Bool(r.typo_tolerance);
    if (r.explain) {
        w.Key("explain");
        w.Bool(true);
    }
    if (r.collapse) {
        w.Key("collapse");
        w.Bool(true);
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace atlas
