// request_check.cpp - checking and normalising a request (request_check.h).
#include "request_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "schema/text.h"

namespace atlas::detail {
namespace {

// How deep has_children may nest (a dataset's run's tomogram's annotation is 3).
constexpr int kMaxChildDepth = 8;

Error invalid_request(std::string message) { return {Errc::invalid_request, std::move(message)}; }
Error invalid_query(std::string message) { return {Errc::invalid_query, std::move(message)}; }

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
    return invalid_query(fmt::format("unknown source '{}' (known: {})", source,
                                     fmt::join(known_source_names(), ", ")));
}

Error unknown_kind(const std::string& kind) {
    return invalid_query(
        fmt::format("unknown kind '{}' (known: {})", kind, fmt::join(known_kinds(), ", ")));
}

Result<std::vector<std::string>> known_names(const std::vector<std::string>& typed,
                                             std::string (*known)(const std::string&),
                                             Error (*unknown)(const std::string&)) {
    std::vector<std::string> out;
    for (const auto& t : typed) {
        std::string k = known(t);
        if (k.empty()) return unknown(t);
        out.push_back(std::move(k));
    }
    return out;
}

// kind:datasets means kind:dataset, source:HTAN source:htan; an unknown kind
// or source is a mistake worth a message.
Status name_kinds_and_sources(QueryNode& root) {
    std::vector<QueryNode*> stack{&root};
    while (!stack.empty()) {
        QueryNode* n = stack.back();
        stack.pop_back();
        if (n->kind == QueryNode::Kind::exact && n->field == "kind") {
            std::string k = known_kind(n->value);
            if (k.empty()) return unknown_kind(n->value);
            n->value = k;
        }
        if (n->kind == QueryNode::Kind::exact && n->field == "source") {
            std::string k = known_source(n->value);
            if (k.empty()) return unknown_source(n->value);
            n->value = k;
        }
        for (auto& c : n->children) stack.push_back(&c);
    }
    return {};
}

Result<ReadQuery> read_named(std::string_view text, const ParseOptions& options) {
    auto read = read_query(text, options);
    if (!read.ok()) return read.error();
    if (auto s = name_kinds_and_sources(read.value().tree); !s.ok()) return s.error();
    for (auto& intent : read.value().intents) {
        if (auto s = name_kinds_and_sources(intent); !s.ok()) return s.error();
    }
    return read;
}

void take_reading(CheckedRequest& checked, ReadQuery read) {
    checked.tree = std::move(read.tree);
    checked.intents = std::move(read.intents);
    checked.understood = std::move(read.understood);
}

Status check_limits(const SearchRequest& r) {
    if (r.limit > kMaxLimit) {
        return invalid_request(
            fmt::format("limit {} is above the maximum of {}", r.limit, kMaxLimit));
    }
    if (r.offset > kMaxOffset) {
        return invalid_request(
            fmt::format("offset {} is above the maximum of {}", r.offset, kMaxOffset));
    }
    if (r.group_size == 0 || r.group_size > kMaxGroupSize) {
        return invalid_request(
            fmt::format("group_size {} is not between 1 and {}", r.group_size, kMaxGroupSize));
    }
    if (!r.group_by.empty() && r.group_by != "dataset") {
        return invalid_request(
            fmt::format("cannot group by '{}' (group_by takes \"dataset\")", r.group_by));
    }
    return {};
}

// A query's size, and no word longer than any the index holds (a hash, a
// pasted blob): the tokenizer would drop it, and alone the query would then
// match everything.
Status check_query_text(std::string_view query, std::string_view what) {
    if (query.size() > kMaxQuerySize) {
        return invalid_request(fmt::format("{} is {} bytes; at most {}", what, query.size(), kMaxQuerySize));
    }
    if (auto n = tokenize(query).size(); n > kMaxQueryTerms) {
        return invalid_request(fmt::format("{} has {} words; at most {}", what, n, kMaxQueryTerms));
    }
    if (auto n = std::count(query.begin(), query.end(), '*'); n > static_cast<long>(kMaxQueryWildcards)) {
        return invalid_request(
            fmt::format("{} has {} wildcards (*); at most {}", what, n, kMaxQueryWildcards));
    }
    std::string_view word = overlong_word(query);
    if (word.empty()) return {};
    std::size_t cut = std::min<std::size_t>(24, word.size());  // at a character's start
    while (cut > 0 && cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;
    std::string shown(word.substr(0, cut));
    return invalid_query(fmt::format("the word '{}...' is {} bytes; no word over {} bytes is indexed, "
                                     "so it can match nothing (an id or a checksum: field:=value)",
                                     shown, word.size(), kMaxWordBytes));
}

// Everything a response echoes must be valid UTF-8 JSON.
Status check_utf8(const SearchRequest& r) {
    if (!valid_utf8(r.query)) return invalid_query("the query is not valid UTF-8");
    if (auto s = check_query_text(r.query, "the query"); !s.ok()) return s;
    for (const auto& k : r.kinds) {
        if (!valid_utf8(k)) return invalid_query("a kind is not valid UTF-8");
    }
    for (const auto& k : r.sources) {
        if (!valid_utf8(k)) return invalid_query("a source is not valid UTF-8");
    }
    for (const auto& f : r.filters) {
        if (!valid_utf8(f.field)) return invalid_request("a filter's field is not valid UTF-8");
    }
    return {};
}

Result<const FieldSpec*> check_facet(const FacetRequest& f) {
    if (!valid_utf8(f.field) || !valid_utf8(f.prefix)) {
        return invalid_request("a facet's field or prefix is not valid UTF-8");
    }
    if (f.size > kMaxFacetSize) {
        return invalid_request(fmt::format("facet {} asks for {} values; the maximum is {}",
                                           f.field, f.size, kMaxFacetSize));
    }
    const FieldSpec* spec = find_field(f.field);
    if (spec == nullptr) {
        auto close = closest_field(f.field);
        return invalid_request(close.empty()
                                   ? fmt::format("no facet '{}': unknown field", f.field)
                                   : fmt::format("no facet '{}': unknown field (did you mean "
                                                 "'{}'?)",
                                                 f.field, close));
    }
    bool numeric = spec->type == FieldType::number || spec->type == FieldType::date;
    if (!numeric && !is_facet(*spec)) {
        return invalid_request(fmt::format(
            "{} is not a facet: its values are ids of single records (filter on it instead)",
            f.field));
    }
    return spec;
}

// The sort's shape; which field it names is checked last (check_sort_field),
// so the errors of the query, kinds and filters come first.
Status check_sort_shape(const SearchRequest& r) {
    if (r.sort.size() > 1) {
        return invalid_request("sort takes one key (ties are broken by browse order)");
    }
    if (!r.sort.empty() && !valid_utf8(r.sort.front().field)) {
        return invalid_request("a sort field is not valid UTF-8");
    }
    return {};
}

Status check_sort_field(const SearchRequest& r, CheckedRequest& out) {
    if (r.sort.empty()) return {};
    const SortKey& key = r.sort.front();
    if (key.field == "relevance") return {};
    const FieldSpec* spec = find_field(key.field);
    if (spec == nullptr || !is_sortable(*spec)) {
        return invalid_request(fmt::format(
            "cannot sort by '{}' (relevance, title, id, kind, or a number or date field)",
            key.field));
    }
    out.by_relevance = false;
    out.sort_field = spec->name;
    out.descending = key.descending;
    return {};
}

Result<CheckedFilter> check_filter(const Filter& f) {
    if (!valid_utf8(f.field)) return invalid_request("a filter's field is not valid UTF-8");
    CheckedFilter out{f.field, find_field(f.field), f.mode, {}};
    if (out.spec != nullptr) out.field = out.spec->name;  // gender is sex
    if (out.spec == nullptr) {
        auto close = closest_field(f.field);
        return invalid_request(close.empty() ? fmt::format("filter on unknown field '{}'", f.field)
                                             : fmt::format("filter on unknown field '{}' (did you "
                                                           "mean '{}'?)",
                                                           f.field, close));
    }
    if (f.mode == Filter::Mode::exists || f.mode == Filter::Mode::missing) return out;
    if (f.values.empty()) {
        return invalid_request(fmt::format("filter on {} has no values", f.field));
    }
    for (const auto& v : f.values) {
        if (!valid_utf8(v))
            return invalid_request(fmt::format("a value of {} is not UTF-8", f.field));
        auto node = parse_filter_value(f.field, v);
        if (!node.ok()) return node.error();
        out.values.push_back(std::move(node).value());
    }
    return out;
}

Result<std::vector<CheckedFilter>> check_filters(const std::vector<Filter>& filters) {
    std::vector<CheckedFilter> out;
    for (const auto& f : filters) {
        auto checked = check_filter(f);
        if (!checked.ok()) return checked.error();
        out.push_back(std::move(checked).value());
    }
    return out;
}

Result<CheckedChild> check_child(const ChildFilter& cf, const ParseOptions& options, int depth) {
    if (depth > kMaxChildDepth) {
        return invalid_request(
            fmt::format("has_children nests deeper than {} levels", kMaxChildDepth));
    }
    CheckedChild out;
    out.kind = known_kind(cf.kind);
    if (out.kind.empty()) return unknown_kind(cf.kind);
    if (!cf.query.empty()) {
        if (!valid_utf8(cf.query)) return invalid_query("a child query is not UTF-8");
        if (auto s = check_query_text(cf.query, "a child query"); !s.ok()) return s.error();
        auto read = read_named(cf.query, options);
        if (!read.ok()) return read.error();
        out.query = std::move(read.value().tree);
    }
    auto filters = check_filters(cf.filters);
    if (!filters.ok()) return filters.error();
    out.filters = std::move(filters).value();
    for (const auto& g : cf.children) {
        auto grand = check_child(g, options, depth + 1);
        if (!grand.ok()) return grand.error();
        out.children.push_back(std::move(grand).value());
    }
    return out;
}

}  // namespace

Result<CheckedRequest> check_request(const SearchRequest& request, const ParseOptions& options) {
    if (auto s = check_limits(request); !s.ok()) return s.error();
    if (auto s = check_utf8(request); !s.ok()) return s.error();
    CheckedRequest out;
    out.request = &request;
    for (const auto& f : request.facets) {
        auto spec = check_facet(f);
        if (!spec.ok()) return spec.error();
        out.facet_fields.push_back(spec.value());
    }
    if (auto s = check_sort_shape(request); !s.ok()) return s.error();
    auto read = read_named(request.query, options);
    if (!read.ok()) return read.error();
    take_reading(out, std::move(read).value());
    auto kinds = known_names(request.kinds, known_kind, unknown_kind);
    if (!kinds.ok()) return kinds.error();
    out.kinds = std::move(kinds).value();
    auto sources = known_names(request.sources, known_source, unknown_source);
    if (!sources.ok()) return sources.error();
    out.sources = std::move(sources).value();
    auto filters = check_filters(request.filters);
    if (!filters.ok()) return filters.error();
    out.filters = std::move(filters).value();
    for (const auto& cf : request.has_children) {
        auto child = check_child(cf, options, 0);
        if (!child.ok()) return child.error();
        out.children.push_back(std::move(child).value());
    }
    if (auto s = check_sort_field(request, out); !s.ok()) return s.error();
    out.ranked = out.by_relevance && has_ranking_words(out.tree);
    return out;
}

void correct_typos(CheckedRequest& checked, Spelling& spelling, const ParseOptions& options) {
    if (!checked.request->typo_tolerance) return;
    checked.corrections = spelling.correct(checked.tree, options.vocabulary);
    const auto& fixes = checked.corrections;
    bool single_fixes =
        !fixes.empty() &&
        std::all_of(fixes.begin(), fixes.end(), [](const auto& c) { return c.to.size() == 1; });
    if (single_fixes) {
        // One correction per word: search the corrected query as if typed, so
        // its words meet the vocabulary ("cytosloic ribosome" finds what
        // "cytosolic ribosome" finds, GO:0022626 included).
        auto again = read_named(corrected_query(checked.request->query, fixes), options);
        if (again.ok()) take_reading(checked, std::move(again).value());
    }
    checked.ranked = checked.by_relevance && has_ranking_words(checked.tree);
}

}  // namespace atlas::detail
