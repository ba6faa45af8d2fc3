// searcher.cpp - Searcher: open a generation, run requests, turn documents into hits.
//
// The one place where library exceptions become atlas::Error (current_error).
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "atlas/schema.h"
#include "atlas/search.h"
#include "atlas/text.h"
#include "atlas/units.h"
#include "atlas/vocabulary.h"
#include "query_builder.h"
#include "query_parser.h"
#include "snippet.h"

namespace atlas {

namespace {

// Call only from inside a catch block.  Xapian::Error has no virtual
// functions, so dynamic_cast does not work on it; ordered catch clauses do.
Error current_error() {
    try {
        throw;
    } catch (const Xapian::QueryParserError& e) {
        return {Errc::invalid_query, e.get_msg()};
    } catch (const Xapian::WildcardError& e) {
        return {Errc::invalid_query, "a prefix matches too many values; type more of it"};
    } catch (const Xapian::DatabaseCorruptError& e) {
        return {Errc::corrupt, e.get_description()};
    } catch (const Xapian::DatabaseModifiedError& e) {
        return {Errc::unavailable, e.get_description()};
    } catch (const Xapian::DatabaseLockError& e) {
        return {Errc::unavailable, e.get_description()};
    } catch (const Xapian::DatabaseOpeningError& e) {
        return {Errc::unavailable, e.get_description()};
    } catch (const Xapian::Error& e) {
        return {Errc::internal, e.get_description()};
    } catch (const std::bad_alloc&) {
        return {Errc::internal, "out of memory"};
    } catch (const std::exception& e) {
        return {Errc::internal, e.what()};
    }
}

FieldValue make_value(const FieldSpec* spec, const rapidjson::Value& v) {
    FieldValue out;
    if (v.IsBool()) {
        out.type = ValueType::boolean;
        out.number = v.GetBool() ? 1 : 0;
        out.text = v.GetBool() ? "yes" : "no";
    } else if (v.IsNumber()) {
        out.type = ValueType::number;
        out.number = v.GetDouble();
        out.text = format_number(out.number);
        if (spec != nullptr) {
            if (auto label = scale_label(*spec, out.number); !label.empty()) {
                out.label = label;
                out.text += fmt::format(" ({})", label);
            }
        }
    } else if (v.IsString()) {
        out.type =
            spec != nullptr && spec->type == FieldType::date ? ValueType::date : ValueType::text;
        out.text.assign(v.GetString(), v.GetStringLength());
    }
    return out;
}

// A kind as typed ("Datasets") -> the kind ("dataset"), or "" if no adapter
// makes such records.  Kinds an index happens not to hold are valid: they
// simply match nothing.
std::string known_kind(const std::string& kind) {
    auto kinds = known_kinds();
    std::string k = fold(kind);
    if (std::find(kinds.begin(), kinds.end(), k) != kinds.end()) return k;
    // English plurals: datasets, atlases, stories.
    std::vector<std::string> singulars;
    if (k.ends_with("ies")) singulars.push_back(k.substr(0, k.size() - 3) + "y");
    if (k.ends_with("es")) singulars.push_back(k.substr(0, k.size() - 2));
    if (k.ends_with("s")) singulars.push_back(k.substr(0, k.size() - 1));
    for (const auto& singular : singulars) {
        if (std::find(kinds.begin(), kinds.end(), singular) != kinds.end()) return singular;
    }
    return {};
}

std::string known_source(const std::string& source) {
    auto sources = known_source_names();
    std::string s = fold(source);
    return std::find(sources.begin(), sources.end(), s) != sources.end() ? s : std::string();
}

Error unknown_source(const std::string& source) {
    return Error{Errc::invalid_query, fmt::format("unknown source '{}' (known: {})", source,
                                                  fmt::join(known_source_names(), ", "))};
}

Error unknown_kind(const std::string& kind) {
    return Error{Errc::invalid_query, fmt::format("unknown kind '{}' (known: {})", kind,
                                                  fmt::join(known_kinds(), ", "))};
}

}  // namespace

const HitField* Hit::field(std::string_view name) const {
    for (const auto& f : fields) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

std::string Hit::link(std::string_view rel) const {
    for (const auto& l : links) {
        if (l.rel == rel && !l.urls.empty()) return l.urls.front();
    }
    return {};
}

struct Searcher::Impl {
    std::string index_dir;
    std::string generation;
    Xapian::Database db;
    Abbreviations abbreviations;
    std::vector<std::string> kinds;

    // Opens `gen` (a generation directory).  Errors: schema_mismatch, corrupt, unavailable.
    Status open_generation(const std::string& gen) {
        Xapian::Database opened((std::filesystem::path(gen) / kXapianDir).string());
        std::string version = opened.get_metadata(std::string(kMetaSchemaVersion));
        if (version != std::to_string(kSchemaVersion)) {
            return Error{
                Errc::schema_mismatch,
                fmt::format("index '{}' was built with schema version {}; this "
                            "atlas-search reads version {}: rebuild it with atlas-index "
                            "build",
                            index_dir, version.empty() ? "unknown" : version, kSchemaVersion)};
        }
        Abbreviations abbr =
            Abbreviations::parse(opened.get_metadata(std::string(kMetaAbbreviations)));
        std::vector<std::string> found;
        const FieldSpec* kind = find_field("kind");
        std::string prefix = exact_term(kind->prefix, "");
        for (auto it = opened.allterms_begin(prefix); it != opened.allterms_end(prefix); ++it) {
            found.push_back((*it).substr(prefix.size()));
        }
        db = std::move(opened);
        abbreviations = std::move(abbr);
        kinds = std::move(found);
        generation = gen;
        return {};
    }

    // Reopens when atlas-index has published a new generation.
    Status refresh() {
        auto gen = current_generation(index_dir);
        if (!gen.ok()) return gen.error();
        if (gen.value() == generation) return {};
        return open_generation(gen.value());
    }

    Result<SearchResult> run(const SearchRequest& request);
    Hit make_hit(const Xapian::MSetIterator& it, const detail::WordMatcher& matcher,
                 const SearchRequest& request) const;
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;
Searcher::~Searcher() = default;

Result<Searcher> Searcher::open(const std::string& index_dir) {
    try {
        auto impl = std::make_unique<Impl>();
        impl->index_dir = index_dir;
        auto gen = current_generation(index_dir);
        if (!gen.ok()) return gen.error();
        if (auto s = impl->open_generation(gen.value()); !s.ok()) return s.error();
        return Searcher(std::move(impl));
    } catch (...) {
        return current_error();
    }
}

std::uint64_t Searcher::record_count() const { return impl_->db.get_doccount(); }
std::vector<std::string> Searcher::kinds() const { return impl_->kinds; }
std::string Searcher::generation() const { return impl_->generation; }

Result<SearchResult> Searcher::search(const SearchRequest& request) {
    try {
        if (auto s = impl_->refresh(); !s.ok()) return s.error();
        try {
            return impl_->run(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            // Generations are never modified in place, but follow Xapian's advice anyway.
            impl_->db.reopen();
            return impl_->run(request);
        }
    } catch (...) {
        return current_error();
    }
}

Result<SearchResult> Searcher::Impl::run(const SearchRequest& request) {
    auto start = std::chrono::steady_clock::now();
    if (request.limit > kMaxLimit) {
        return Error{Errc::invalid_request,
                     fmt::format("limit {} is above the maximum of {}", request.limit, kMaxLimit)};
    }
    if (request.offset > kMaxOffset) {
        return Error{Errc::invalid_request, fmt::format("offset {} is above the maximum of {}",
                                                        request.offset, kMaxOffset)};
    }
    // Everything a response echoes must be valid UTF-8 JSON.
    if (!valid_utf8(request.query)) {
        return Error{Errc::invalid_query, "the query is not valid UTF-8"};
    }
    for (const auto& k : request.kinds) {
        if (!valid_utf8(k)) return Error{Errc::invalid_query, "a kind is not valid UTF-8"};
    }
    for (const auto& k : request.sources) {
        if (!valid_utf8(k)) return Error{Errc::invalid_query, "a source is not valid UTF-8"};
    }
    detail::ParseOptions options;
    options.abbreviations = &abbreviations;
    auto parsed = detail::parse_query(request.query, options);
    if (!parsed.ok()) return parsed.error();
    detail::QueryNode& tree = parsed.value();

    // kind:datasets means kind:dataset; an unknown kind is a mistake worth a message.
    std::vector<detail::QueryNode*> stack{&tree};
    while (!stack.empty()) {
        detail::QueryNode* n = stack.back();
        stack.pop_back();
        if (n->kind == detail::QueryNode::Kind::exact && n->field == "kind") {
            std::string k = known_kind(n->value);
            if (k.empty()) return unknown_kind(n->value);
            n->value = k;
        }
        if (n->kind == detail::QueryNode::Kind::exact && n->field == "source") {
            std::string k = known_source(n->value);
            if (k.empty()) return unknown_source(n->value);
            n->value = k;
        }
        for (auto& c : n->children) stack.push_back(&c);
    }
    std::vector<std::string> kind_filter;
    for (const auto& k : request.kinds) {
        std::string known = known_kind(k);
        if (known.empty()) return unknown_kind(k);
        kind_filter.push_back(known);
    }

    std::vector<std::string> source_filter;
    for (const auto& k : request.sources) {
        std::string known = known_source(k);
        if (known.empty()) return unknown_source(k);
        source_filter.push_back(known);
    }

    Xapian::Query query = detail::build_query(tree, db);
    // Kinds and sources: OR within each list, AND between them.
    auto filter_by = [&](std::string_view field, const std::vector<std::string>& values) {
        if (values.empty()) return;
        const FieldSpec* spec = find_field(field);
        std::vector<Xapian::Query> terms;
        for (const auto& v : values) terms.emplace_back(exact_term(spec->prefix, v));
        query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                              Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    };
    filter_by("kind", kind_filter);
    filter_by("source", source_filter);
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    // Ties (and every match of a pure filter or an empty query) in browse
    // order: kind, then id, so pages are stable.
    enquire.set_sort_by_relevance_then_value(kSlotBrowseOrder, false);
    Xapian::MSet mset = enquire.get_mset(request.offset, request.limit, db.get_doccount());

    SearchResult result;
    result.query = request.query;
    result.kinds = kind_filter;
    result.sources = source_filter;
    result.offset = request.offset;
    result.limit = request.limit;
    result.total = mset.get_matches_estimated();
    result.parsed = tree.describe();
    detail::WordMatcher matcher(detail::highlight_tokens(tree));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        result.hits.push_back(make_hit(it, matcher, request));
    }
    result.took_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

Hit Searcher::Impl::make_hit(const Xapian::MSetIterator& it, const detail::WordMatcher& matcher,
                             const SearchRequest& request) const {
    Hit hit;
    hit.rank = static_cast<std::uint64_t>(it.get_rank()) + 1;
    hit.score = it.get_weight();
    std::string data = it.get_document().get_data();
    rapidjson::Document doc;
    doc.Parse(data.data(), data.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        hit.id = fmt::format("(document {} has unreadable display data)", *it);
        return hit;
    }
    auto str = [&](const char* key) -> std::string {
        auto m = doc.FindMember(key);
        return m != doc.MemberEnd() && m->value.IsString()
                   ? std::string(m->value.GetString(), m->value.GetStringLength())
                   : std::string();
    };
    hit.id = str("id");
    hit.kind = str("kind");
    hit.source = str("source");
    hit.title = str("title");
    hit.title_marks = detail::highlight(hit.title, matcher);
    if (auto m = doc.FindMember("breadcrumb"); m != doc.MemberEnd() && m->value.IsArray()) {
        for (const auto& c : m->value.GetArray()) {
            if (!c.IsObject()) continue;
            Breadcrumb b;
            for (auto [key, out] : {std::pair{"id", &b.id}, std::pair{"kind", &b.kind},
                                    std::pair{"label", &b.label}}) {
                auto f = c.FindMember(key);
                if (f != c.MemberEnd() && f->value.IsString()) {
                    out->assign(f->value.GetString(), f->value.GetStringLength());
                }
            }
            hit.breadcrumb.push_back(std::move(b));
        }
    }
    std::vector<std::string_view> own_texts;
    std::vector<std::string_view> context_texts;
    if (auto m = doc.FindMember("fields"); m != doc.MemberEnd() && m->value.IsObject()) {
        for (const auto& f : m->value.GetObject()) {
            std::string name(f.name.GetString(), f.name.GetStringLength());
            const FieldSpec* spec = find_field(name);
            if (spec == nullptr || !f.value.IsArray()) continue;
            HitField field;
            field.name = name;
            field.label = spec->label;
            field.unit = spec->unit;
            field.multi = spec->multi;
            for (const auto& v : f.value.GetArray()) {
                field.values.push_back(make_value(spec, v));
                if (spec->type == FieldType::text && v.IsString()) {
                    std::string_view text(v.GetString(), v.GetStringLength());
                    (name == "dataset_title" ? context_texts : own_texts).push_back(text);
                }
            }
            hit.fields.push_back(std::move(field));
        }
    }
    // The record's own text explains it best (the dataset title is in the
    // breadcrumb already); inherited context only when it has none.
    hit.snippet = detail::make_snippet(own_texts.empty() ? context_texts : own_texts, matcher,
                                       request.snippet_bytes);
    if (auto m = doc.FindMember("links"); m != doc.MemberEnd() && m->value.IsObject()) {
        for (const auto& l : m->value.GetObject()) {
            if (!l.value.IsArray()) continue;
            HitLink link;
            link.rel.assign(l.name.GetString(), l.name.GetStringLength());
            for (const auto& u : l.value.GetArray()) {
                if (u.IsString()) link.urls.emplace_back(u.GetString(), u.GetStringLength());
            }
            hit.links.push_back(std::move(link));
        }
    }
    return hit;
}

}  // namespace atlas
