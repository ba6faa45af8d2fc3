// workload.cpp - writing and reading workload lines (see workload.h).
//
// RapidJSON does not throw, and Get*() on the wrong type is undefined
// behaviour in release builds, so every member is type-checked before it is
// read, and a bad one is named in the error.
#include "workload.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <fstream>

namespace atlas::bench {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
using JsonValue = rapidjson::Value;

const char* mode_name(BenchText::Mode mode) {
    switch (mode) {
        case BenchText::Mode::none:
            return "none";
        case BenchText::Mode::words:
            return "words";
        case BenchText::Mode::phrase:
            return "phrase";
        case BenchText::Mode::prefix:
            return "prefix";
    }
    return "none";
}

void write_strings(Writer& w, const char* key, const std::vector<std::string>& values) {
    w.Key(key);
    w.StartArray();
    for (const auto& v : values) w.String(v);
    w.EndArray();
}

void write_bench(Writer& w, const BenchRequest& r) {
    w.StartObject();
    w.Key("text");
    w.StartObject();
    w.Key("mode");
    w.String(mode_name(r.text.mode));
    if (!r.text.words.empty()) write_strings(w, "words", r.text.words);
    w.EndObject();
    if (!r.filters.empty()) {
        w.Key("filters");
        w.StartArray();
        for (const auto& f : r.filters) {
            w.StartObject();
            w.Key("field");
            w.String(f.field);
            write_strings(w, "values", f.values);
            w.EndObject();
        }
        w.EndArray();
    }
    if (!r.ranges.empty()) {
        w.Key("ranges");
        w.StartArray();
        for (const auto& g : r.ranges) {
            w.StartObject();
            w.Key("field");
            w.String(g.field);
            if (std::isfinite(g.lo)) {
                w.Key("lo");
                w.Double(g.lo);
            }
            if (std::isfinite(g.hi)) {
                w.Key("hi");
                w.Double(g.hi);
            }
            w.Key("lo_inclusive");
            w.Bool(g.lo_inclusive);
            w.Key("hi_inclusive");
            w.Bool(g.hi_inclusive);
            w.EndObject();
        }
        w.EndArray();
    }
    if (!r.kinds.empty()) write_strings(w, "kinds", r.kinds);
    if (!r.facets.empty()) {
        w.Key("facets");
        w.StartArray();
        for (const auto& f : r.facets) {
            w.StartObject();
            w.Key("field");
            w.String(f.field);
            w.Key("size");
            w.Uint(f.size);
            w.EndObject();
        }
        w.EndArray();
    }
    w.Key("offset");
    w.Uint(r.offset);
    w.Key("limit");
    w.Uint(r.limit);
    if (r.group_by_dataset) {
        w.Key("group_by_dataset");
        w.Bool(true);
    }
    w.EndObject();
}

Error bad(std::string_view what, std::string_view expected) {
    return Error{Errc::invalid_request, fmt::format("'{}' is not {}", what, expected)};
}

Status read_strings(const JsonValue& v, std::string_view what, std::vector<std::string>& out) {
    if (!v.IsArray()) return bad(what, "an array of strings");
    for (const auto& s : v.GetArray()) {
        if (!s.IsString()) return bad(what, "an array of strings");
        out.emplace_back(s.GetString(), s.GetStringLength());
    }
    return {};
}

Status read_u32(const JsonValue& v, std::string_view what, std::uint32_t& out) {
    if (!v.IsUint()) return bad(what, "a non-negative integer");
    out = v.GetUint();
    return {};
}

Status read_string(const JsonValue& v, std::string_view what, std::string& out) {
    if (!v.IsString()) return bad(what, "a string");
    out.assign(v.GetString(), v.GetStringLength());
    return {};
}

Status unknown(std::string_view where, const JsonValue& name) {
    return Error{Errc::invalid_request,
                 fmt::format("unknown member '{}' in {}",
                             std::string_view(name.GetString(), name.GetStringLength()), where)};
}

Status read_text(const JsonValue& v, BenchText& text) {
    if (!v.IsObject()) return bad("text", "an object");
    for (const auto& m : v.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (key == "mode") {
            std::string mode;
            if (auto s = read_string(m.value, "text.mode", mode); !s.ok()) return s;
            if (mode == "none") {
                text.mode = BenchText::Mode::none;
            } else if (mode == "words") {
                text.mode = BenchText::Mode::words;
            } else if (mode == "phrase") {
                text.mode = BenchText::Mode::phrase;
            } else if (mode == "prefix") {
                text.mode = BenchText::Mode::prefix;
            } else {
                return Error{
                    Errc::invalid_request,
                    fmt::format("unknown text mode '{}' (none, words, phrase, prefix)", mode)};
            }
        } else if (key == "words") {
            if (auto s = read_strings(m.value, "text.words", text.words); !s.ok()) return s;
        } else {
            return unknown("text", m.name);
        }
    }
    return {};
}

Status read_filter(const JsonValue& v, BenchFilter& f) {
    if (!v.IsObject()) return bad("filters[]", "an object");
    for (const auto& m : v.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        Status s;
        if (key == "field") {
            s = read_string(m.value, "filters[].field", f.field);
        } else if (key == "values") {
            s = read_strings(m.value, "filters[].values", f.values);
        } else {
            s = unknown("filters[]", m.name);
        }
        if (!s.ok()) return s;
    }
    return {};
}

Status read_range(const JsonValue& v, BenchRange& g) {
    if (!v.IsObject()) return bad("ranges[]", "an object");
    for (const auto& m : v.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (key == "field") {
            if (auto s = read_string(m.value, "ranges[].field", g.field); !s.ok()) return s;
        } else if (key == "lo" || key == "hi") {
            if (!m.value.IsNumber()) return bad(fmt::format("ranges[].{}", key), "a number");
            (key == "lo" ? g.lo : g.hi) = m.value.GetDouble();
        } else if (key == "lo_inclusive" || key == "hi_inclusive") {
            if (!m.value.IsBool()) return bad(fmt::format("ranges[].{}", key), "true or false");
            (key == "lo_inclusive" ? g.lo_inclusive : g.hi_inclusive) = m.value.GetBool();
        } else {
            return unknown("ranges[]", m.name);
        }
    }
    return {};
}

Status read_facet(const JsonValue& v, BenchFacet& f) {
    if (!v.IsObject()) return bad("facets[]", "an object");
    for (const auto& m : v.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        Status s;
        if (key == "field") {
            s = read_string(m.value, "facets[].field", f.field);
        } else if (key == "size") {
            s = read_u32(m.value, "facets[].size", f.size);
        } else {
            s = unknown("facets[]", m.name);
        }
        if (!s.ok()) return s;
    }
    return {};
}

Status read_bench(const JsonValue& v, BenchRequest& r) {
    if (!v.IsObject()) return bad("bench", "an object");
    for (const auto& m : v.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        Status s;
        if (key == "text") {
            s = read_text(m.value, r.text);
        } else if (key == "filters" || key == "ranges" || key == "facets") {
            if (!m.value.IsArray()) return bad(key, "an array");
            for (const auto& e : m.value.GetArray()) {
                if (key == "filters") {
                    s = read_filter(e, r.filters.emplace_back());
                } else if (key == "ranges") {
                    s = read_range(e, r.ranges.emplace_back());
                } else {
                    s = read_facet(e, r.facets.emplace_back());
                }
                if (!s.ok()) return s;
            }
        } else if (key == "kinds") {
            s = read_strings(m.value, "kinds", r.kinds);
        } else if (key == "offset") {
            s = read_u32(m.value, "offset", r.offset);
        } else if (key == "limit") {
            s = read_u32(m.value, "limit", r.limit);
        } else if (key == "group_by_dataset") {
            if (!m.value.IsBool()) return bad(key, "true or false");
            r.group_by_dataset = m.value.GetBool();
        } else {
            s = unknown("bench", m.name);
        }
        if (!s.ok()) return s;
    }
    return {};
}

// Full precision, so a range bound reads back to the double that was written.
constexpr unsigned kParseFlags = rapidjson::kParseFullPrecisionFlag;

Result<rapidjson::Document> parse(std::string_view json) {
    rapidjson::Document doc;
    doc.Parse<kParseFlags>(json.data(), json.size());
    if (doc.HasParseError()) {
        return Error{Errc::invalid_request,
                     fmt::format("invalid JSON at offset {}: {}", doc.GetErrorOffset(),
                                 rapidjson::GetParseError_En(doc.GetParseError()))};
    }
    return doc;
}

}  // namespace

std::string bench_request_to_json(const BenchRequest& request) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    write_bench(w, request);
    return std::string(buffer.GetString(), buffer.GetSize());
}

Result<BenchRequest> bench_request_from_json(std::string_view json) {
    auto doc = parse(json);
    if (!doc.ok()) return doc.error();
    BenchRequest r;
    if (auto s = read_bench(doc.value(), r); !s.ok()) return s.error();
    return r;
}

std::string workload_item_to_json(const WorkloadItem& item) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("scenario");
    w.String(item.scenario);
    w.Key("request");
    w.RawValue(item.request_json.data(), item.request_json.size(), rapidjson::kObjectType);
    w.Key("bench");
    write_bench(w, item.bench);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

Result<WorkloadItem> workload_item_from_json(std::string_view line) {
    auto parsed = parse(line);
    if (!parsed.ok()) return parsed.error();
    const rapidjson::Document& doc = parsed.value();
    if (!doc.IsObject()) return Error{Errc::invalid_request, "a workload line is a JSON object"};
    WorkloadItem item;
    bool has_request = false, has_bench = false;
    for (const auto& m : doc.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (key == "scenario") {
            if (auto s = read_string(m.value, "scenario", item.scenario); !s.ok()) return s.error();
        } else if (key == "request") {
            if (!m.value.IsObject()) return bad("request", "an object");
            rapidjson::StringBuffer buffer;
            Writer w(buffer);
            m.value.Accept(w);
            item.request_json.assign(buffer.GetString(), buffer.GetSize());
            has_request = true;
        } else if (key == "bench") {
            if (auto s = read_bench(m.value, item.bench); !s.ok()) return s.error();
            has_bench = true;
        } else {
            return unknown("the workload line", m.name).error();
        }
    }
    if (item.scenario.empty() || !has_request || !has_bench) {
        return Error{Errc::invalid_request,
                     "a workload line needs \"scenario\", \"request\" and \"bench\""};
    }
    item.bench.native = item.request_json;
    return item;
}

Result<std::vector<WorkloadItem>> read_workload(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::not_found, fmt::format("cannot read workload '{}'", path.string())};
    std::vector<WorkloadItem> items;
    std::string line;
    std::uint64_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line == "\r") continue;
        auto item = workload_item_from_json(line);
        if (!item.ok()) {
            return Error{Errc::invalid_request, fmt::format("{}: line {}: {}", path.string(),
                                                            number, item.error().message)};
        }
        items.push_back(std::move(item).value());
    }
    return items;
}

}  // namespace atlas::bench
