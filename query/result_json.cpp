// result_json.cpp - the JSON response; the only place RapidJSON writes on the query path.
#include <fmt/format.h>
#include <fmt/ranges.h>
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
constexpr std::array<std::string_view, 7> kMultiLinks{"file",   "doi",   "related", "method",
                                                      "viewer", "story", "https"};

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

void write_key(Writer& w, std::string_view key) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void write_strings(Writer& w, std::string_view key, const std::vector<std::string>& values) {
    write_key(w, key);
    w.StartArray();
    for (const auto& v : values) w.String(v);
    w.EndArray();
}

// Scores as shown: six decimals.
double rounded_score(double score) { return std::round(score * 1e6) / 1e6; }

void write_breadcrumb(Writer& w, const std::vector<Breadcrumb>& crumbs) {
    w.Key("breadcrumb");
    w.StartArray();
    for (const auto& b : crumbs) {
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
}

// "explain": {"order": "relevance", "tier": "2 of 3 words" (if any), "parts": [{"query":
// "ribosome", "score": 3.1, "fields": ["title x6", "object x4"]}, ...]}
void write_explanation(Writer& w, const HitExplanation& e) {
    w.Key("explain");
    w.StartObject();
    w.Key("order");
    w.String(e.order);
    if (!e.tier.empty()) {
        w.Key("tier");
        w.String(e.tier);
    }
    w.Key("parts");
    w.StartArray();
    for (const auto& p : e.parts) {
        w.StartObject();
        w.Key("query");
        w.String(p.query);
        w.Key("score");
        w.Double(rounded_score(p.score));
        write_strings(w, "fields", p.fields);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
}

// "fields": a value or a list per field; "fields_more": how many values each
// long field has beyond those listed.
void write_fields(Writer& w, const std::vector<HitField>& fields) {
    w.Key("fields");
    w.StartObject();
    for (const auto& f : fields) {
        if (f.values.empty()) continue;
        write_key(w, f.name);
        if (f.multi) {
            w.StartArray();
            for (const auto& v : f.values) write_value(w, f, v);
            w.EndArray();
        } else {
            write_value(w, f, f.values.front());
        }
    }
    w.EndObject();
    if (std::none_of(fields.begin(), fields.end(), [](const HitField& f) { return f.more > 0; })) {
        return;
    }
    w.Key("fields_more");
    w.StartObject();
    for (const auto& f : fields) {
        if (f.more == 0) continue;
        write_key(w, f.name);
        w.Uint64(f.more);
    }
    w.EndObject();
}

void write_links(Writer& w, const std::vector<HitLink>& links) {
    w.Key("links");
    w.StartObject();
    for (const auto& l : links) {
        if (l.urls.empty()) continue;
        write_key(w, l.rel);
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
    write_breadcrumb(w, hit.breadcrumb);
    w.Key("snippet");
    w.String(to_html(hit.snippet));
    w.Key("score");
    w.Double(rounded_score(hit.score));
    if (hit.similar > 0) {
        w.Key("similar");  // near-identical siblings collapsed into this hit
        w.Uint64(hit.similar);
    }
    if (hit.explanation) write_explanation(w, *hit.explanation);
    write_fields(w, hit.fields);
    write_links(w, hit.links);
    w.EndObject();
}

// {"understood": [{"words": "younger than 40", "what": "range", "as": "age:<40"}, ...]}
void write_understood(Writer& w, const SearchResult& result) {
    if (result.understood.empty()) return;
    w.Key("understood");
    w.StartArray();
    for (const auto& u : result.understood) {
        w.StartObject();
        w.Key("words");
        w.String(u.words);
        w.Key("what");
        w.String(u.what);
        w.Key("as");
        w.String(u.as);
        w.EndObject();
    }
    w.EndArray();
}

void write_corrections(Writer& w, const SearchResult& result) {
    if (result.corrections.empty()) return;
    w.Key("did_you_mean");
    w.String(result.did_you_mean);
    w.Key("corrections");
    w.StartArray();
    for (const auto& c : result.corrections) {
        w.StartObject();
        w.Key("from");
        w.String(c.from);
        write_strings(w, "to", c.to);
        w.EndObject();
    }
    w.EndArray();
}

// Relaxed matching: {"words", "best", "of", "with_all", "among" (when kinds decided), "message"}.
void write_relaxed(Writer& w, const SearchResult& result) {
    if (!result.relaxed) return;
    const RelaxedMatch& r = *result.relaxed;
    w.Key("relaxed");
    w.StartObject();
    write_strings(w, "words", r.words);
    w.Key("best");
    w.Uint(r.best);
    w.Key("of");
    w.Uint(r.of);
    w.Key("with_all");
    w.Uint64(r.with_all);
    if (!r.among.empty()) {
        w.Key("among");
        w.String(r.among);
    }
    w.Key("message");
    w.String(to_text(r));
    w.EndObject();
}

void write_groups(Writer& w, const SearchResult& result) {
    if (result.group_by.empty()) return;
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

// A value search is keyed "<field>:<prefix>", so a panel and a search on one
// field are two members.
std::string facet_key(const FacetResult& f) {
    return f.prefix.empty() ? f.field : f.field + ":" + f.prefix;
}

// One value of a facet: {"value", "count", "label"?}, and for numeric
// buckets "key" (what a filter on the bucket takes: "10..20"), "from", "to".
void write_facet_value(Writer& w, const FacetResult& f, const FacetCount& v) {
    w.StartObject();
    w.Key("value");
    w.String(v.value);
    if (f.numeric && !v.key.empty()) {
        w.Key("key");
        w.String(v.key);
    }
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

// "facets": {"<field>": [{"value", "count"}...]}, the shape portals bind to a list.
void write_facet_values(Writer& w, const std::vector<FacetResult>& facets) {
    w.Key("facets");
    w.StartObject();
    for (const auto& f : facets) {
        write_key(w, facet_key(f));
        w.StartArray();
        for (const auto& v : f.values) write_facet_value(w, f, v);
        w.EndArray();
    }
    w.EndObject();
}

// What is beyond a facet's list: "label", "unit"?, "other", "missing", "distinct".
void write_facet_summary(Writer& w, const FacetResult& f) {
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
}

// "facet_totals": what is beyond each facet's list.
void write_facet_totals(Writer& w, const std::vector<FacetResult>& facets) {
    w.Key("facet_totals");
    w.StartObject();
    for (const auto& f : facets) {
        write_key(w, facet_key(f));
        w.StartObject();
        write_facet_summary(w, f);
        w.EndObject();
    }
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
    write_strings(w, "kinds", result.kinds);
    write_strings(w, "sources", result.sources);
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
    write_understood(w, result);
    write_corrections(w, result);
    write_relaxed(w, result);
    w.Key("hits");
    w.StartArray();
    for (const auto& hit : result.hits) write_hit(w, hit);
    w.EndArray();
    write_groups(w, result);
    if (!result.facets.empty()) {
        write_facet_values(w, result.facets);
        write_facet_totals(w, result.facets);
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string to_json(const Hit& hit) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    write_hit(w, hit);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string to_json(const FacetResult& facet) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("field");
    w.String(facet.field);
    w.Key("prefix");
    w.String(facet.prefix);
    w.Key("values");
    w.StartArray();
    for (const auto& v : facet.values) write_facet_value(w, facet, v);
    w.EndArray();
    write_facet_summary(w, facet);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string to_text(const RelaxedMatch& relaxed) {
    std::string words = fmt::format("{}", fmt::join(relaxed.words, ", "));
    std::string record = relaxed.among.empty() ? "record" : relaxed.among + " record";
    if (relaxed.with_all == 0) {
        return fmt::format("no {} has all of {}; showing records with {} of {} words", record,
                           words, relaxed.best, relaxed.of);
    }
    return fmt::format("only {} {}{} all of {}; then records with fewer of the {} words",
                       relaxed.with_all, record, relaxed.with_all == 1 ? " has" : "s have", words,
                       relaxed.of);
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
