// result_json.cpp - the JSON response; the only place RapidJSON writes on the query path.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "atlas/search.h"
#include "schema/text.h"

namespace atlas {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Link relations that may repeat; the others are one URL each.
constexpr std::array<std::string_view, 7> kMultiLinks{"file",   "doi",    "related", "method",
                                                     "viewer", "story",  "https"};

void write_value(Writer& w, const HitField& field, const FieldValue& v) {
    switch (v.type) {
        case ValueType::boolean:
            w.Bool(v.number != 0);
            break;
        case ValueType::number:
            if (!v.label.empty()) {
                w.StartObject();
                w.Key("value");
                w.Double(v.number);
                w.Key("label");
                w.String(v.label);
                w.EndObject();
            } else if (!field.unit.empty()) {
                w.StartObject();
                w.Key("value");
                w.Double(v.number);
                w.Key("unit");
                w.String(field.unit);
                w.EndObject();
            } else if (v.number == std::floor(v.number) && std::fabs(v.number) < 9e15) {
                w.Int64(static_cast<std::int64_t>(v.number));
            } else {
                w.Double(v.number);
            }
            break;
        default:
            w.String(v.text);
    }
}

void write_hit(Writer& w, const Hit& hit) {
    w.StartObject();
    w.Key("rank");
    w.Uint64(hit.rank);
    w.Key("id");
    w.String(hit.id);
    w.Key("kind");
    w.String(hit.kind);
    w.Key("source");
    w.String(hit.source);
    w.Key("title");
    w.String(hit.title);
    w.Key("breadcrumb");
    w.StartArray();
    for (const auto& b : hit.breadcrumb) {
        w.StartObject();
        w.Key("id");
        w.String(b.id);
        w.Key("kind");
        w.String(b.kind);
        w.Key("label");
        w.String(b.label);
        w.EndObject();
    }
    w.EndArray();
    w.Key("snippet");
    w.String(to_html(hit.snippet));
    w.Key("score");
    w.Double(std::round(hit.score * 1e6) / 1e6);
    if (hit.similar > 0) {
        w.Key("similar");  // near-identical siblings collapsed into this hit
        w.Uint64(hit.similar);
    }
    if (hit.explanation) {
        // "explain": {"order": "relevance", "parts": [{"query": "ribosome",
        // "score": 3.1, "fields": ["title x6", "object x4"]}, ...]}
        w.Key("explain");
        w.StartObject();
        w.Key("order");
        w.String(hit.explanation->order);
        w.Key("parts");
        w.StartArray();
        for (const auto& p : hit.explanation->parts) {
            w.StartObject();
            w.Key("query");
            w.String(p.query);
            w.Key("score");
            w.Double(std::round(p.score * 1e6) / 1e6);
            w.Key("fields");
            w.StartArray();
            for (const auto& f : p.fields) w.String(f);
            w.EndArray();
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.Key("fields");
    w.StartObject();
    for (const auto& f : hit.fields) {
        if (f.values.empty()) continue;
        w.Key(f.name.c_str(), static_cast<rapidjson::SizeType>(f.name.size()));
        if (f.multi) {
            w.StartArray();
            for (const auto& v : f.values) write_value(w, f, v);
            w.EndArray();
        } else {
            write_value(w, f, f.values.front());
        }
    }
    w.EndObject();
    // How many values each long field has beyond those listed.
    bool any_more = std::any_of(hit.fields.begin(), hit.fields.end(),
                                [](const HitField& f) { return f.more > 0; });
    if (any_more) {
        w.Key("fields_more");
        w.StartObject();
        for (const auto& f : hit.fields) {
            if (f.more == 0) continue;
            w.Key(f.name.c_str(), static_cast<rapidjson::SizeType>(f.name.size()));
            w.Uint64(f.more);
        }
        w.EndObject();
    }
    w.Key("links");
    w.StartObject();
    for (const auto& l : hit.links) {
        if (l.urls.empty()) continue;
        w.Key(l.rel.c_str(), static_cast<rapidjson::SizeType>(l.rel.size()));
        bool multi = std::find(kMultiLinks.begin(), kMultiLinks.end(), l.rel) != kMultiLinks.end();
        if (multi) {
            w.StartArray();
            for (const auto& u : l.urls) w.String(u);
            w.EndArray();
        } else {
            w.String(l.urls.front());
        }
    }
    w.EndObject();
    w.EndObject();
}

}  // namespace

std::string to_html(const Highlighted& text) {
    std::string out;
    std::size_t at = 0;
    for (const auto& [begin, end] : text.marks) {
        if (begin < at || end > text.text.size() || begin > end) continue;
        out += html_escape(std::string_view(text.text).substr(at, begin - at));
        out += "<mark>";
        out += html_escape(std::string_view(text.text).substr(begin, end - begin));
        out += "</mark>";
        at = end;
    }
    out += html_escape(std::string_view(text.text).substr(at));
    return out;
}

std::string to_json(const SearchResult& result) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("query");
    w.String(result.query);
    w.Key("kinds");
    w.StartArray();
    for (const auto& k : result.kinds) w.String(k);
    w.EndArray();
    w.Key("sources");
    w.StartArray();
    for (const auto& k : result.sources) w.String(k);
    w.EndArray();
    w.Key("total");
    w.Uint64(result.total);
    w.Key("offset");
    w.Uint(result.offset);
    w.Key("limit");
    w.Uint(result.limit);
    w.Key("took_ms");
    w.Double(std::round(result.took_ms * 1000) / 1000);
    w.Key("scored");
    w.Uint64(result.scored);
    w.Key("threads");
    w.Uint(result.threads);
    w.Key("facets_aside");
    w.Bool(result.facets_aside);
    w.Key("parsed");
    w.String(result.parsed);
    if (!result.corrections.empty()) {
        w.Key("did_you_mean");
        w.String(result.did_you_mean);
        w.Key("corrections");
        w.StartArray();
        for (const auto& c : result.corrections) {
            w.StartObject();
            w.Key("from");
            w.String(c.from);
            w.Key("to");
            w.StartArray();
            for (const auto& t : c.to) w.String(t);
            w.EndArray();
            w.EndObject();
        }
        w.EndArray();
    }
    w.Key("hits");
    w.StartArray();
    for (const auto& hit : result.hits) write_hit(w, hit);
    w.EndArray();
    if (!result.group_by.empty()) {
        w.Key("group_by");
        w.String(result.group_by);
        w.Key("group_total");
        w.Uint64(result.group_total);
        w.Key("groups");
        w.StartArray();
        for (const auto& g : result.groups) {
            w.StartObject();
            w.Key("id");
            w.String(g.id);
            w.Key("title");
            w.String(g.title);
            w.Key("total");
            w.Uint64(g.total);
            w.Key("hits");
            w.StartArray();
            for (const auto& hit : g.hits) write_hit(w, hit);
            w.EndArray();
            w.EndObject();
        }
        w.EndArray();
    }
    if (!result.facets.empty()) {
        // "facets": {"<field>": [{"value", "count"}...]}, the shape portals bind
        // to a list; what is beyond the list goes in "facet_totals".
        // A value search is keyed "<field>:<prefix>", so a panel and a search
        // on one field are two members.
        auto key_of = [](const FacetResult& f) {
            return f.prefix.empty() ? f.field : f.field + ":" + f.prefix;
        };
        w.Key("facets");
        w.StartObject();
        for (const auto& f : result.facets) {
            std::string key = key_of(f);
            w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
            w.StartArray();
            for (const auto& v : f.values) {
                w.StartObject();
                w.Key("value");
                w.String(v.value);
                w.Key("count");
                w.Uint64(v.count);
                if (!v.label.empty()) {
                    w.Key("label");
                    w.String(v.label);
                }
                if (f.numeric) {
                    w.Key("from");
                    w.Double(v.lo);
                    w.Key("to");
                    w.Double(v.hi);
                }
                w.EndObject();
            }
            w.EndArray();
        }
        w.EndObject();
        w.Key("facet_totals");
        w.StartObject();
        for (const auto& f : result.facets) {
            std::string key = key_of(f);
            w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
            w.StartObject();
            w.Key("label");
            w.String(f.label);
            if (!f.unit.empty()) {
                w.Key("unit");
                w.String(f.unit);
            }
            w.Key("other");
            w.Uint64(f.other);
            w.Key("missing");
            w.Uint64(f.missing);
            w.Key("distinct");
            w.Uint64(f.distinct);
            w.EndObject();
        }
        w.EndObject();
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string to_json(const Error& error) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("error");
    w.StartObject();
    w.Key("code");
    w.String(errc_name(error.code));
    w.Key("message");
    w.String(error.message);
    w.EndObject();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace atlas
