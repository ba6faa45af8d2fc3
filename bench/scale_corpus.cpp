// scale_corpus.cpp - real families copied and recombined to N records (see scale_corpus.h).
//
// Speed: nothing is parsed or serialised while writing.  Each real record is
// kept as a template - its catalog JSON, byte for byte, with a list of edits
// found once by a SAX pass: where an id ends (a copy suffix goes there), where
// the title and the root's breadcrumb label are, which items of a context
// field came from the family root, where the "fields" object ends.  A copy is
// the template with its edits applied, a few memcpy calls per record; a copy
// that is not recombined applies only the id suffixes.  Memory: the templates
// (the real JSON plus a few edits per record) and, per family, its root's
// context items.
//
// Determinism: every random choice draws from a stream keyed by (seed, round,
// family or stratum, purpose) through rng.h, never from the order of other
// choices, so the output depends only on the inputs.
#include "scale_corpus.h"

#include <fmt/format.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "catalog.h"
#include "rng.h"
#include "schema/record.h"
#include "schema/schema.h"

namespace atlas::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kTargetFileBytes = 1ULL << 30;
// Given a recombined copy whose title names none of the context values, the
// chance it takes the donor's title.
constexpr double kTitleSwap = 0.5;
// Root fields swapped with the context although descendants do not inherit
// them: they describe the same sample (NCBITaxon / CL / ICD-O codes).
constexpr std::string_view kCompanionFields[] = {"ontology_id", "disease", "development_stage"};

// Purposes of the random streams (the last part of each mix_key).
constexpr std::uint64_t kStreamOrder = 1;       // the order families are written in
constexpr std::uint64_t kStreamStratum = 2;     // the families of a partial round
constexpr std::uint64_t kStreamFamilyCopy = 3;  // one family copy's recombination

// An atlas groups independent participants: copying it whole would copy a
// third of the corpus as one family, so its children are families of their
// own and it is a family of one.
bool is_anchor_kind(std::string_view kind) { return kind == "atlas"; }

using Span = std::pair<std::uint32_t, std::uint32_t>;  // [begin, end) in a template's text

enum class EditKind : std::uint8_t {
    own_suffix,     // insert the copy suffix (the end of an id of the family)
    anchor_suffix,  // insert the anchor copy's suffix (the end of the anchor's id)
    title,          // the root's title where it is shown (its title, its breadcrumb
                    // label, an inherited dataset_title), as a JSON string's content
    fields_begin,   // after the "fields" object's '{'
    context,        // a context field's member (with the ',' before it, if any):
                    // its kept items and the donor's, or nothing if there are none
    fields_end,     // before the "fields" object's '}': context fields the root lacked
};

struct Edit {
    std::uint32_t begin = 0;  // the span replaced; an insertion has begin == end
    std::uint32_t end = 0;
    EditKind kind = EditKind::own_suffix;
    std::uint8_t field = 0;  // context: index in the stratum's context fields
    std::uint16_t kept_count = 0;
    std::uint32_t kept_begin = 0;  // context: the items kept, in Template::kept
};

Edit make_edit(std::uint32_t begin, std::uint32_t end, EditKind kind) {
    Edit e;
    e.begin = begin;
    e.end = end;
    e.kind = kind;
    return e;
}

struct Template {
    std::string text;         // the catalog JSON, as it is
    std::vector<Edit> edits;  // by position
    std::vector<Span> kept;   // items of context arrays that are not the root's
};

struct Family {
    std::vector<std::uint32_t> members;  // record indices, depth-first, root first
    std::int32_t anchor = -1;            // the family of the root's parent, an anchor
    std::uint32_t stratum = 0;
    std::uint32_t group = 0;     // donor group: same stratum and size class
    std::size_t root_depth = 0;  // breadcrumb entries above the root (the anchor)
    std::vector<Value> context;  // the root's own values of its stratum's context fields
    // Per context field of the stratum: the root's own items as JSON, joined
    // by ',' ("" if it has none), and the same items as a descendant inherits them.
    std::vector<std::string> own_items;
    std::vector<std::string> inherited_items;
    std::string title;
    bool free_title = false;  // names none of the root's identifiers: may be swapped
};

struct Stratum {
    std::string source;
    std::string kind;  // of the family roots
    bool anchors = false;
    std::vector<std::uint32_t> families;
    std::uint64_t records = 0;
    std::vector<std::string> context;  // context field names, sorted
};

struct Corpus {
    std::vector<std::uint32_t> kind_slot;  // per record: index into kinds
    std::vector<KindCount> kinds;
    std::vector<Template> templates;
    std::vector<Family> families;
    std::vector<Stratum> strata;
    std::vector<std::vector<std::uint32_t>> groups;
    std::uint64_t records = 0;
    std::uint64_t template_bytes = 0;
};

// --- loading ----------------------------------------------------------------------

struct Row {
    std::string id;
    std::string source;
    std::string kind;
    std::string parent;
    std::string json;
};

Result<std::vector<Row>> read_rows(const fs::path& catalog) {
    std::error_code ec;
    if (!fs::is_regular_file(catalog, ec)) {
        return Error{Errc::not_found, fmt::format("no catalog at '{}'", catalog.string())};
    }
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(catalog.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    if (rc != SQLITE_OK) {
        return Error{Errc::io, fmt::format("{}: {}", catalog.string(), sqlite3_errmsg(raw))};
    }
    if (auto s = detail::add_record_json_function(raw); !s.ok()) {
        return Error{s.error().code, fmt::format("{}: {}", catalog.string(), s.error().message)};
    }
    sqlite3_stmt* st = nullptr;
    // By id: a stable order, whatever order the build inserted in.
    const char* sql =
        "SELECT id, source, kind, COALESCE(parent, ''), record_json(record) FROM records ORDER BY id";
    if (sqlite3_prepare_v2(raw, sql, -1, &st, nullptr) != SQLITE_OK) {
        return Error{Errc::corrupt, fmt::format("{}: {}", catalog.string(), sqlite3_errmsg(raw))};
    }
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(st, &sqlite3_finalize);
    auto text = [&](int col) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
        return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(st, col));
    };
    std::vector<Row> rows;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rows.push_back(Row{text(0), text(1), text(2), text(3), text(4)});
    }
    if (rc != SQLITE_DONE) {
        return Error{Errc::corrupt, fmt::format("{}: {}", catalog.string(), sqlite3_errmsg(raw))};
    }
    return rows;
}

// What the SAX pass over one record needs to know about its family.
struct TemplateInput {
    const std::unordered_map<std::string_view, std::uint32_t>* index = nullptr;
    const std::vector<char>* own_ids = nullptr;     // per record: in this family
    const std::vector<char>* anchor_ids = nullptr;  // per record: an anchor
    // The stratum's context fields; empty: the family is never recombined.
    const std::vector<std::string>* context = nullptr;
    bool is_root = false;
    const Family* family = nullptr;  // its title, root_depth and context values
};

// Finds a catalog record's edits (see Template) in one SAX pass.  Positions
// come from the stream: when the reader reports a '[' or '{' it has consumed
// it, and the same for a ']' or '}'; when it reports a string, the stream
// still stands at its opening quote (the reader parses strings on a copy of
// the stream), so the closing quote is found by skipping escapes.
class TemplateScanner : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TemplateScanner> {
  public:
    TemplateScanner(const rapidjson::StringStream& stream, const TemplateInput& in, Template& t)
        : stream_(stream), in_(in), t_(t), recombinable_(!in.context->empty()) {}

    // Root only: per context field, the spans of the root's own items.
    std::vector<std::vector<Span>> own_spans;

    bool StartObject() {
        ++depth_;
        if (depth_ == 2 && top_ == "fields" && recombinable_) {
            t_.edits.push_back(make_edit(pos(), pos(), EditKind::fields_begin));
        }
        if (depth_ == 3 && top_ == "breadcrumb") ++crumb_;
        if (depth_ == 4 && in_field_) {
            items_.emplace_back();
            items_.back().begin = pos() - 1;
        }
        return true;
    }
    bool EndObject(rapidjson::SizeType) {
        if (depth_ == 4 && in_field_) items_.back().end = pos();
        if (depth_ == 2 && top_ == "fields" && recombinable_) {
            t_.edits.push_back(make_edit(pos() - 1, pos() - 1, EditKind::fields_end));
        }
        --depth_;
        return true;
    }
    bool StartArray() {
        ++depth_;
        if (depth_ == 3 && top_ == "fields") {
            in_field_ = true;
            items_.clear();
        }
        return true;
    }
    bool EndArray(rapidjson::SizeType) {
        if (depth_ == 3 && in_field_) {
            finish_field(pos());
            in_field_ = false;
        }
        --depth_;
        return true;
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        if (depth_ == 1) {
            top_.assign(s, n);
        } else if (depth_ == 2 && top_ == "fields") {
            field_.assign(s, n);
            std::uint32_t open = pos();  // the key's opening quote
            member_begin_ = open > 0 && stream_.head_[open - 1] == ',' ? open - 1 : open;
        } else {
            inner_.assign(s, n);
        }
        return true;
    }
    bool String(const char* s, rapidjson::SizeType n, bool) {
        Span content = string_content();
        std::string_view value(s, n);
        if ((depth_ == 1 && (top_ == "id" || top_ == "parent")) ||
            (depth_ == 3 && top_ == "breadcrumb" && inner_ == "id")) {
            id_end(content.second, value, /*alias=*/false);
        } else if (depth_ == 2 && top_ == "aliases") {
            id_end(content.second, value, /*alias=*/true);
        } else if (depth_ == 1 && top_ == "title") {
            if (recombinable_ && in_.is_root) title(content);
        } else if (depth_ == 3 && top_ == "breadcrumb" && inner_ == "label") {
            if (recombinable_ && crumb_ == static_cast<int>(in_.family->root_depth) &&
                value == in_.family->title) {
                title(content);
            }
        } else if (depth_ == 4 && in_field_) {
            if (inner_ == "text") {
                items_.back().text = value;
                items_.back().text_span = content;
            } else if (inner_ == "origin") {
                items_.back().origin = value;
            }
        }
        return true;
    }

  private:
    struct Item {
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
        std::string text;
        std::string origin;  // "" = own
        Span text_span;
    };

    std::uint32_t pos() const { return static_cast<std::uint32_t>(stream_.Tell()); }

    // The content of the string being reported: after its opening quote (at
    // pos()) up to its closing quote.
    Span string_content() const {
        const char* text = stream_.head_;
        std::uint32_t begin = pos() + 1;
        std::uint32_t end = begin;
        while (text[end] != '"') end += text[end] == '\\' ? 2 : 1;
        return {begin, end};
    }

    void id_end(std::uint32_t at, std::string_view id, bool alias) {
        auto it = in_.index->find(id);
        bool known = it != in_.index->end();
        if (alias || (known && (*in_.own_ids)[it->second])) {
            t_.edits.push_back(make_edit(at, at, EditKind::own_suffix));
        } else if (known && (*in_.anchor_ids)[it->second]) {
            t_.edits.push_back(make_edit(at, at, EditKind::anchor_suffix));
        }
    }

    void title(Span content) {
        t_.edits.push_back(make_edit(content.first, content.second, EditKind::title));
    }

    bool from_root(std::size_t field, const Item& item) const {
        if (in_.is_root) return item.origin.empty();
        if (item.origin != "inherited") return false;
        const std::string& name = (*in_.context)[field];
        for (const auto& v : in_.family->context) {
            if (v.field == name && v.text == item.text) return true;
        }
        return false;
    }

    // The field member ends at member_end (after its ']').
    void finish_field(std::uint32_t member_end) {
        if (!recombinable_) return;
        const auto& context = *in_.context;
        auto it = std::lower_bound(context.begin(), context.end(), field_);
        if (it != context.end() && *it == field_) {
            auto field = static_cast<std::size_t>(it - context.begin());
            std::vector<Span> mine, kept;
            for (const auto& item : items_) {
                (from_root(field, item) ? mine : kept).emplace_back(item.begin, item.end);
            }
            if (!mine.empty()) {
                Edit e = make_edit(member_begin_, member_end, EditKind::context);
                e.field = static_cast<std::uint8_t>(field);
                e.kept_begin = static_cast<std::uint32_t>(t_.kept.size());
                e.kept_count = static_cast<std::uint16_t>(kept.size());
                t_.kept.insert(t_.kept.end(), kept.begin(), kept.end());
                t_.edits.push_back(e);
                if (in_.is_root) {
                    own_spans.resize(context.size());
                    own_spans[field] = std::move(mine);
                }
                return;
            }
        }
        // An inherited copy of the root's title (dataset_title) follows the title.
        if (in_.is_root) return;
        for (const auto& item : items_) {
            if (item.origin == "inherited" && item.text == in_.family->title) {
                title(item.text_span);
            }
        }
    }

    const rapidjson::StringStream& stream_;
    const TemplateInput& in_;
    Template& t_;
    bool recombinable_;
    int depth_ = 0;
    int crumb_ = -1;
    std::string top_, field_, inner_;
    bool in_field_ = false;
    std::uint32_t member_begin_ = 0;
    std::vector<Item> items_;
};

// The template of one catalog record; for a root, also its own context items.
Result<Template> make_template(std::string json, const TemplateInput& in, Family* root_of) {
    Template t;
    t.text = std::move(json);
    rapidjson::StringStream stream(t.text.c_str());
    TemplateScanner scanner(stream, in, t);
    rapidjson::Reader reader;
    if (!reader.Parse(stream, scanner)) {
        return Error{Errc::corrupt,
                     fmt::format("record json is invalid at offset {}", reader.GetErrorOffset())};
    }
    std::stable_sort(t.edits.begin(), t.edits.end(),
                     [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
    if (root_of != nullptr) {
        std::size_t n = in.context->size();
        root_of->own_items.assign(n, {});
        root_of->inherited_items.assign(n, {});
        for (std::size_t f = 0; f < scanner.own_spans.size(); ++f) {
            for (const auto& [b, e] : scanner.own_spans[f]) {
                std::string_view item(t.text.data() + b, e - b);  // {"text":..}, no origin
                std::string& own = root_of->own_items[f];
                std::string& inherited = root_of->inherited_items[f];
                if (!own.empty()) own += ',';
                own += item;
                if (!inherited.empty()) inherited += ',';
                inherited += item.substr(0, item.size() - 1);
                inherited += ",\"origin\":\"inherited\"}";
            }
        }
    }
    return t;
}

Result<Corpus> load(const fs::path& catalog) {
    auto read = read_rows(catalog);
    if (!read.ok()) return read.error();
    std::vector<Row> rows = std::move(read).value();
    if (rows.empty()) {
        return Error{Errc::invalid_request,
                     fmt::format("catalog '{}' holds no records", catalog.string())};
    }
    Corpus c;
    const std::size_t n = rows.size();
    c.records = n;
    std::unordered_map<std::string_view, std::uint32_t> index;
    index.reserve(n * 2);
    for (std::uint32_t i = 0; i < n; ++i) index.emplace(rows[i].id, i);

    // Kinds in (source, kind) order.
    std::map<std::pair<std::string, std::string>, std::uint32_t> kind_map;
    for (const auto& r : rows) kind_map.emplace(std::pair{r.source, r.kind}, 0);
    for (auto& [key, slot] : kind_map) {
        slot = static_cast<std::uint32_t>(c.kinds.size());
        c.kinds.push_back(KindCount{key.first, key.second, 0, 0});
    }
    c.kind_slot.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        c.kind_slot[i] = kind_map.at({rows[i].source, rows[i].kind});
        ++c.kinds[c.kind_slot[i]].real;
    }

    // Parents and children (children in id order, as the rows are).
    std::vector<std::int32_t> parent(n, -1);
    std::vector<std::vector<std::uint32_t>> children(n);
    std::vector<char> is_root(n, 0);
    for (std::uint32_t i = 0; i < n; ++i) {
        if (!rows[i].parent.empty()) {
            auto it = index.find(rows[i].parent);
            // A parent the catalog does not hold: the record starts a family,
            // and its parent id stays as it is (a dangling link, as in the source).
            if (it != index.end()) parent[i] = static_cast<std::int32_t>(it->second);
        }
        bool anchor_parent = parent[i] >= 0 && is_anchor_kind(rows[parent[i]].kind);
        is_root[i] = parent[i] < 0 || anchor_parent || is_anchor_kind(rows[i].kind);
        if (!is_root[i]) children[parent[i]].push_back(i);
    }

    // Families, depth-first from each root.
    std::vector<std::int32_t> family_of(n, -1);
    std::map<std::pair<std::string, std::string>, std::uint32_t> stratum_map;
    for (std::uint32_t i = 0; i < n; ++i) {
        if (!is_root[i]) continue;
        Family f;
        std::vector<std::uint32_t> stack{i};
        while (!stack.empty()) {
            std::uint32_t m = stack.back();
            stack.pop_back();
            f.members.push_back(m);
            family_of[m] = static_cast<std::int32_t>(c.families.size());
            for (auto it = children[m].rbegin(); it != children[m].rend(); ++it) {
                stack.push_back(*it);
            }
        }
        auto [it, added] = stratum_map.emplace(std::pair{rows[i].source, rows[i].kind},
                                               static_cast<std::uint32_t>(c.strata.size()));
        if (added) {
            c.strata.push_back(
                Stratum{rows[i].source, rows[i].kind, is_anchor_kind(rows[i].kind), {}, 0, {}});
        }
        f.stratum = it->second;
        c.strata[f.stratum].families.push_back(static_cast<std::uint32_t>(c.families.size()));
        c.strata[f.stratum].records += f.members.size();
        c.families.push_back(std::move(f));
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        if (family_of[i] < 0) {
            return Error{Errc::corrupt,
                         fmt::format("record '{}' is in a parent cycle", rows[i].id)};
        }
    }
    for (auto& f : c.families) {
        std::int32_t p = parent[f.members.front()];
        if (p >= 0 && is_anchor_kind(rows[p].kind) && !is_anchor_kind(rows[f.members[0]].kind)) {
            f.anchor = family_of[p];
        }
    }

    // The context fields: per stratum, the root's own fields whose values
    // its descendants inherit, less those that name the root itself.
    std::vector<std::set<std::string>> inherited(c.strata.size()), excluded(c.strata.size()),
        root_fields(c.strata.size());
    std::vector<Record> roots(c.families.size());
    for (std::size_t fi = 0; fi < c.families.size(); ++fi) {
        Family& f = c.families[fi];
        for (std::size_t k = 0; k < f.members.size(); ++k) {
            std::uint32_t m = f.members[k];
            auto parsed = record_from_json(rows[m].json);
            if (!parsed.ok()) {
                return Error{Errc::corrupt,
                             fmt::format("record '{}': {}", rows[m].id, parsed.error().message)};
            }
            const Record& r = parsed.value();
            if (k == 0) {
                roots[fi] = r;
                f.root_depth = r.breadcrumb.empty() ? 0 : r.breadcrumb.size() - 1;
                for (const auto& v : r.values) {
                    if (v.origin != Origin::own) continue;
                    root_fields[f.stratum].insert(v.field);
                    if (v.text.size() >= 2 && r.id.find(v.text) != std::string::npos) {
                        excluded[f.stratum].insert(v.field);  // the root's own id ("dataset")
                    }
                }
                continue;
            }
            for (const auto& v : r.values) {
                if (v.origin != Origin::inherited) continue;
                for (const auto& rv : roots[fi].values) {
                    if (rv.origin == Origin::own && rv.field == v.field && rv.text == v.text) {
                        inherited[f.stratum].insert(v.field);
                        break;
                    }
                }
            }
        }
    }
    for (std::size_t s = 0; s < c.strata.size(); ++s) {
        std::set<std::string> context;
        for (const auto& name : inherited[s]) {
            const FieldSpec* spec = find_field(name);
            if (spec == nullptr || spec->type == FieldType::text || excluded[s].count(name)) {
                continue;
            }
            context.insert(name);
        }
        if (!context.empty()) {
            for (auto name : kCompanionFields) {
                if (root_fields[s].count(std::string(name))) context.emplace(name);
            }
        }
        c.strata[s].context.assign(context.begin(), context.end());
    }

    // Per family: its root's context values, title and donor group; then the
    // templates of its records.
    std::vector<char> own_ids(n, 0), anchor_ids(n, 0);
    for (const auto& f : c.families) {
        if (is_anchor_kind(rows[f.members[0]].kind)) anchor_ids[f.members[0]] = 1;
    }
    std::map<std::pair<std::uint32_t, int>, std::uint32_t> group_map;
    c.templates.resize(n);
    for (std::size_t fi = 0; fi < c.families.size(); ++fi) {
        Family& f = c.families[fi];
        const Record& root = roots[fi];
        const auto& context = c.strata[f.stratum].context;
        for (const auto& v : root.values) {
            if (v.origin == Origin::own &&
                std::binary_search(context.begin(), context.end(), v.field)) {
                f.context.push_back(v);
            }
        }
        f.title = root.title;
        f.free_title = !root.title.empty();
        for (const auto& v : root.values) {
            const FieldSpec* spec = find_field(v.field);
            if (v.origin == Origin::own && spec != nullptr && spec->type == FieldType::identifier &&
                v.text.size() >= 3 && root.title.find(v.text) != std::string::npos) {
                f.free_title = false;
            }
        }
        int size_class = std::bit_width(f.members.size());
        auto [it, added] = group_map.emplace(std::pair{f.stratum, size_class},
                                             static_cast<std::uint32_t>(c.groups.size()));
        if (added) c.groups.emplace_back();
        f.group = it->second;
        c.groups[f.group].push_back(static_cast<std::uint32_t>(fi));

        for (auto m : f.members) own_ids[m] = 1;
        for (std::size_t k = 0; k < f.members.size(); ++k) {
            std::uint32_t m = f.members[k];
            TemplateInput in{&index, &own_ids, &anchor_ids, &context, k == 0, &f};
            auto t = make_template(std::move(rows[m].json), in, k == 0 ? &f : nullptr);
            if (!t.ok()) {
                return Error{Errc::corrupt,
                             fmt::format("record '{}': {}", rows[m].id, t.error().message)};
            }
            c.templates[m] = std::move(t).value();
            c.template_bytes += c.templates[m].text.size() + 1;
        }
        for (auto m : f.members) own_ids[m] = 0;
    }
    return c;
}

// --- recombination -------------------------------------------------------------------

bool is_word_byte(char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u >= 0x80 || std::isalnum(u) != 0;
}

// The first whole-word occurrence of `word` in `text`, or npos.
std::size_t find_word(std::string_view text, std::string_view word) {
    if (word.empty()) return std::string_view::npos;
    for (std::size_t at = text.find(word); at != std::string_view::npos;
         at = text.find(word, at + 1)) {
        bool left = at == 0 || !is_word_byte(text[at - 1]);
        std::size_t end = at + word.size();
        bool right = end == text.size() || !is_word_byte(text[end]);
        if (left && right) return at;
    }
    return std::string_view::npos;
}

// The title a recombined root gets: its own with the context values it names
// replaced, or (free titles only, by chance) the donor's.
std::string recombined_title(const Family& f, const Family& donor, Rng& rng) {
    std::string title = f.title;
    bool named = false;
    std::map<std::string_view, std::vector<const Value*>> mine, theirs;
    for (const auto& v : f.context) mine[v.field].push_back(&v);
    for (const auto& v : donor.context) theirs[v.field].push_back(&v);
    for (const auto& [field, values] : mine) {
        auto other = theirs.find(field);
        if (values.size() != 1 || other == theirs.end() || other->second.size() != 1) continue;
        std::size_t at = find_word(title, values[0]->text);
        if (at == std::string::npos) continue;
        named = true;
        title.replace(at, values[0]->text.size(), other->second[0]->text);
    }
    if (!named && f.free_title && donor.free_title && rng.chance(kTitleSwap)) title = donor.title;
    return title;
}

// `text` as the content of a JSON string (escaped, without the quotes).
std::string json_string_content(std::string_view text) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return std::string(buffer.GetString() + 1, buffer.GetSize() - 2);
}

// How one family copy differs from the real family.
struct Copy {
    std::string suffix;         // "" for copy 0, else "~c<round>"
    std::string anchor_suffix;  // the anchor copy's suffix, or "" for copy 0
    const Family* family = nullptr;
    const Stratum* stratum = nullptr;
    const Family* donor = nullptr;  // recombined: the root whose context it takes
    bool retitled = false;
    std::string title_json;  // retitled: the new title, escaped
};

// Appends the record `t` as written in `copy` (`is_root`: the family root).
void write_record(const Template& t, const Copy& copy, bool is_root, std::string& out) {
    std::size_t pos = 0;
    // While inside "fields": out.size() where its members start, so a member
    // knows whether a ',' goes before it (a removed first member leaves the
    // next one first).
    std::size_t fields_out = std::string::npos;
    auto plain = [&](std::size_t from, std::size_t to) {
        if (from < to && t.text[from] == ',' && out.size() == fields_out) ++from;
        out.append(t.text, from, to - from);
    };
    auto member = [&](std::string_view name, std::string_view items) {
        if (out.size() > fields_out) out += ',';
        out += '"';
        out += name;
        out += "\":[";
        out += items;
        out += ']';
    };
    std::string items;
    for (const Edit& e : t.edits) {
        plain(pos, e.begin);
        pos = e.begin;
        switch (e.kind) {
            case EditKind::own_suffix:
                out += copy.suffix;
                break;
            case EditKind::anchor_suffix:
                out += copy.anchor_suffix;
                break;
            case EditKind::title:
                if (copy.retitled) {
                    out += copy.title_json;
                    pos = e.end;
                }
                break;
            case EditKind::fields_begin:
                fields_out = out.size();
                break;
            case EditKind::context: {
                if (copy.donor == nullptr) break;
                const std::string& donated =
                    is_root ? copy.donor->own_items[e.field] : copy.donor->inherited_items[e.field];
                // The root's own values first; a descendant's own before inherited ones.
                items.clear();
                if (is_root) items = donated;
                for (std::uint32_t k = 0; k < e.kept_count; ++k) {
                    const Span& s = t.kept[e.kept_begin + k];
                    if (!items.empty()) items += ',';
                    items.append(t.text, s.first, s.second - s.first);
                }
                if (!is_root && !donated.empty()) {
                    if (!items.empty()) items += ',';
                    items += donated;
                }
                if (!items.empty()) member(copy.stratum->context[e.field], items);
                pos = e.end;
                break;
            }
            case EditKind::fields_end: {
                if (copy.donor != nullptr) {
                    const auto& names = copy.stratum->context;
                    for (std::size_t f = 0; f < names.size(); ++f) {
                        if (!copy.family->own_items[f].empty()) continue;
                        const std::string& donated =
                            is_root ? copy.donor->own_items[f] : copy.donor->inherited_items[f];
                        if (!donated.empty()) member(names[f], donated);
                    }
                }
                fields_out = std::string::npos;
                break;
            }
        }
    }
    plain(pos, t.text.size());
}

// --- writing ---------------------------------------------------------------------------

// Numbered record files, each taking a fixed share of the records.
class LineWriter {
  public:
    LineWriter(fs::path dir, std::uint64_t total, std::uint32_t files)
        : dir_(std::move(dir)), total_(total), files_(files) {
        width_ = std::max<std::size_t>(3, fmt::format("{}", files_ - 1).size());
        buffer_.reserve(kFlushBytes + (1 << 20));
    }
    LineWriter(const LineWriter&) = delete;
    LineWriter& operator=(const LineWriter&) = delete;
    ~LineWriter() {
        if (file_ != nullptr) std::fclose(file_);
    }

    // Call before each record; then append the line (without '\n') to buffer().
    Status begin_record() {
        if (written_ > 0) buffer_ += '\n';
        if (written_ == boundary_) {
            if (auto s = open_next(); !s.ok()) return s;
        }
        ++written_;
        if (buffer_.size() >= kFlushBytes) return flush();
        return {};
    }
    std::string& buffer() { return buffer_; }

    Status finish() {
        if (written_ > 0) buffer_ += '\n';
        if (auto s = flush(); !s.ok()) return s;
        if (file_ != nullptr && std::fclose(file_) != 0) {
            file_ = nullptr;
            return Error{Errc::io, fmt::format("cannot close '{}'", paths_.back().string())};
        }
        file_ = nullptr;
        return {};
    }

    std::uint64_t written() const { return written_; }
    std::uint64_t bytes() const { return bytes_; }
    const std::vector<fs::path>& paths() const { return paths_; }

  private:
    static constexpr std::size_t kFlushBytes = 8 << 20;

    Status open_next() {
        if (auto s = flush(); !s.ok()) return s;
        if (file_ != nullptr && std::fclose(file_) != 0) {
            file_ = nullptr;
            return Error{Errc::io, fmt::format("cannot close '{}'", paths_.back().string())};
        }
        std::uint64_t index = paths_.size();
        paths_.push_back(dir_ / fmt::format("records-{:0{}}.jsonl", index, width_));
        file_ = std::fopen(paths_.back().c_str(), "wb");
        if (file_ == nullptr) {
            return Error{Errc::io, fmt::format("cannot write '{}'", paths_.back().string())};
        }
        boundary_ = (index + 1) * total_ / files_;
        return {};
    }

    Status flush() {
        if (buffer_.empty()) return {};
        // A trailing '\n' is written with the line it ends; the one before a
        // file switch belongs to the previous file, so flush() runs first.
        if (file_ == nullptr ||
            std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
            return Error{Errc::io,
                         fmt::format("cannot write '{}'",
                                     paths_.empty() ? dir_.string() : paths_.back().string())};
        }
        bytes_ += buffer_.size();
        buffer_.clear();
        return {};
    }

    fs::path dir_;
    std::uint64_t total_;
    std::uint32_t files_;
    std::size_t width_ = 3;
    std::FILE* file_ = nullptr;
    std::vector<fs::path> paths_;
    std::string buffer_;
    std::uint64_t written_ = 0;
    std::uint64_t boundary_ = 0;
    std::uint64_t bytes_ = 0;
};

// One family to write in a round: its first `count` members.
struct Take {
    std::uint32_t family = 0;
    std::uint32_t count = 0;
};

// `share` records of stratum `st`, as whole families in seeded order, kept
// only while they bring the counts per kind closer to the stratum's own
// proportions (families differ: one participant has 3 files, another 300);
// then the rest of the share from the families passed over, the last one cut.
void pick_families(const Corpus& c, const Stratum& st, std::uint64_t share, Rng rng,
                   std::vector<Take>& takes) {
    std::vector<std::uint32_t> order = st.families;
    rng.shuffle(order);
    std::map<std::uint32_t, double> target;  // kind slot -> records wanted
    for (auto fi : st.families) {
        for (auto m : c.families[fi].members) target[c.kind_slot[m]] += 1;
    }
    for (auto& [slot, n] : target) {
        n *= static_cast<double>(share) / static_cast<double>(st.records);
    }
    std::map<std::uint32_t, double> have;
    std::vector<char> taken(order.size(), 0);
    std::uint64_t left = share;
    for (std::size_t i = 0; i < order.size() && left > 0; ++i) {
        const Family& f = c.families[order[i]];
        if (f.members.size() > left) continue;
        std::map<std::uint32_t, double> add;
        for (auto m : f.members) add[c.kind_slot[m]] += 1;
        double gain = 0;
        for (const auto& [slot, n] : add) {
            double now = have[slot], want = target[slot];
            gain += std::abs(now - want) - std::abs(now + n - want);
        }
        if (gain <= 0) continue;
        for (const auto& [slot, n] : add) have[slot] += n;
        taken[i] = 1;
        takes.push_back(Take{order[i], static_cast<std::uint32_t>(f.members.size())});
        left -= f.members.size();
    }
    for (std::size_t i = 0; i < order.size() && left > 0; ++i) {
        if (taken[i]) continue;
        auto size = static_cast<std::uint32_t>(c.families[order[i]].members.size());
        auto count = static_cast<std::uint32_t>(std::min<std::uint64_t>(size, left));
        takes.push_back(Take{order[i], count});
        left -= count;
    }
}

// The families of the partial round: anchors first in round 0 (their
// children always need a copy to attach to), then per stratum a share of
// `budget` proportional to its real records (largest remainder), filled with
// the stratum's families in seeded order; the one crossing the share is cut.
std::vector<Take> plan_partial(const Corpus& c, std::uint64_t round, std::uint64_t budget,
                               std::uint64_t seed) {
    std::vector<Take> takes;
    std::vector<std::uint32_t> strata;
    std::uint64_t pool = 0;
    for (std::uint32_t s = 0; s < c.strata.size(); ++s) {
        const Stratum& st = c.strata[s];
        if (round == 0 && st.anchors) {
            for (auto fi : st.families) {
                if (budget == 0) break;
                takes.push_back(Take{fi, 1});
                --budget;
            }
            continue;
        }
        strata.push_back(s);
        pool += st.records;
    }
    if (pool == 0 || budget == 0) return takes;
    std::vector<std::uint64_t> share(strata.size());
    std::vector<std::pair<std::uint64_t, std::uint32_t>> remainders;  // (fraction, index)
    std::uint64_t given = 0;
    for (std::uint32_t k = 0; k < strata.size(); ++k) {
        // budget < pool <= ~10^8 records, so the product fits easily.
        unsigned long long exact =
            static_cast<unsigned long long>(budget) * c.strata[strata[k]].records;
        share[k] = exact / pool;
        given += share[k];
        remainders.emplace_back(exact % pool, k);
    }
    std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (std::size_t k = 0; given < budget && k < remainders.size(); ++k, ++given) {
        ++share[remainders[k].second];
    }
    for (std::uint32_t k = 0; k < strata.size(); ++k) {
        pick_families(c, c.strata[strata[k]], share[k],
                      Rng(mix_key({seed, round, strata[k], kStreamStratum})), takes);
    }
    return takes;
}

class Generator {
  public:
    Generator(const Corpus& c, const ScaleOptions& o, LineWriter& w, ScaleReport& r)
        : c_(c), o_(o), w_(w), r_(r), written_(c.kinds.size(), 0) {}

    Status run() {
        const std::uint64_t total = c_.records;
        const std::uint64_t rounds = o_.records / total;
        const std::uint64_t rest = o_.records % total;
        r_.full_rounds = rounds;
        for (std::uint64_t round = 0; round <= rounds; ++round) {
            std::vector<Take> takes;
            if (round < rounds) {
                for (std::uint32_t fi = 0; fi < c_.families.size(); ++fi) {
                    takes.push_back(
                        Take{fi, static_cast<std::uint32_t>(c_.families[fi].members.size())});
                }
            } else if (rest > 0) {
                takes = plan_partial(c_, round, rest, o_.seed);
            }
            in_round_.assign(c_.families.size(), 0);
            for (const auto& t : takes) in_round_[t.family] = 1;
            Rng rng(mix_key({o_.seed, round, kStreamOrder}));
            rng.shuffle(takes);
            for (const auto& t : takes) {
                if (auto s = write_family(t, round); !s.ok()) return s;
            }
        }
        for (std::size_t k = 0; k < written_.size(); ++k) r_.kinds[k].written = written_[k];
        return {};
    }

  private:
    Status write_family(const Take& t, std::uint64_t round) {
        const Family& f = c_.families[t.family];
        Copy copy;
        copy.family = &f;
        copy.stratum = &c_.strata[f.stratum];
        copy.suffix = round == 0 ? std::string() : fmt::format("~c{}", round);
        // Attach to this round's copy of the anchor if there is one, else to copy 0.
        if (f.anchor >= 0 && in_round_[static_cast<std::size_t>(f.anchor)]) {
            copy.anchor_suffix = copy.suffix;
        }
        ++r_.family_copies;
        if (t.count < f.members.size()) ++r_.cut;

        const auto& group = c_.groups[f.group];
        Rng rng(mix_key({o_.seed, round, t.family, kStreamFamilyCopy}));
        if (round > 0 && !copy.stratum->context.empty() && group.size() > 1 &&
            rng.chance(o_.recombine)) {
            std::uint32_t donor = group[rng.below(group.size() - 1)];
            if (donor == t.family) donor = group.back();  // uniform over the others
            copy.donor = &c_.families[donor];
            std::string title = recombined_title(f, *copy.donor, rng);
            ++r_.recombined;
            if (title != f.title) {
                copy.retitled = true;
                copy.title_json = json_string_content(title);
                ++r_.retitled;
            }
        }
        for (std::uint32_t k = 0; k < t.count; ++k) {
            std::uint32_t m = f.members[k];
            if (auto s = w_.begin_record(); !s.ok()) return s;
            ++written_[c_.kind_slot[m]];
            write_record(c_.templates[m], copy, k == 0, w_.buffer());
        }
        if (o_.on_progress && w_.written() >= next_progress_) {
            o_.on_progress(w_.written(), o_.records);
            next_progress_ = w_.written() + (1 << 16);
        }
        return {};
    }

    const Corpus& c_;
    const ScaleOptions& o_;
    LineWriter& w_;
    ScaleReport& r_;
    std::vector<std::uint64_t> written_;
    std::vector<char> in_round_;  // per family: written in the current round
    std::uint64_t next_progress_ = 1 << 16;
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Result<ScaleReport> scale_corpus(const ScaleOptions& options) {
    try {
        if (options.records == 0) {
            return Error{Errc::invalid_request, "--records must be at least 1"};
        }
        if (options.recombine < 0 || options.recombine > 1) {
            return Error{Errc::invalid_request,
                         fmt::format("recombine {} is not a probability", options.recombine)};
        }
        auto start = Clock::now();
        auto loaded = load(options.catalog);
        if (!loaded.ok()) return loaded.error();
        const Corpus& corpus = loaded.value();
        ScaleReport report;
        report.real_records = corpus.records;
        report.kinds = corpus.kinds;
        for (const auto& st : corpus.strata) {
            if (st.context.empty()) continue;
            std::string line = fmt::format("{}/{}:", st.source, st.kind);
            for (const auto& name : st.context) line += " " + name;
            report.context_fields.push_back(std::move(line));
        }
        report.load_seconds = seconds_since(start);

        std::error_code ec;
        fs::create_directories(options.out_dir, ec);
        if (!fs::is_directory(options.out_dir, ec)) {
            return Error{Errc::io, fmt::format("cannot create '{}'", options.out_dir.string())};
        }
        for (const auto& entry : fs::directory_iterator(options.out_dir, ec)) {
            std::string name = entry.path().filename().string();
            if (name.starts_with("records-") && name.ends_with(".jsonl")) {
                fs::remove(entry.path(), ec);
            }
        }
        std::uint64_t files = options.files;
        if (files == 0) {
            double per_record =
                static_cast<double>(corpus.template_bytes) / static_cast<double>(corpus.records);
            double bytes = per_record * 1.02 * static_cast<double>(options.records);
            files = static_cast<std::uint64_t>(bytes / static_cast<double>(kTargetFileBytes)) + 1;
        }
        files = std::min<std::uint64_t>(files, options.records);

        start = Clock::now();
        LineWriter writer(options.out_dir, options.records, static_cast<std::uint32_t>(files));
        Generator generator(corpus, options, writer, report);
        if (auto s = generator.run(); !s.ok()) return s.error();
        if (auto s = writer.finish(); !s.ok()) return s.error();
        if (options.on_progress) options.on_progress(writer.written(), options.records);
        report.records = writer.written();
        report.bytes = writer.bytes();
        report.files = writer.paths();
        report.write_seconds = seconds_since(start);
        return report;
    } catch (const std::exception& e) {
        return Error{Errc::internal, e.what()};
    }
}

std::string format_scale_report(const ScaleReport& r) {
    std::string out = fmt::format("{:<8} {:<12} {:>9} {:>7} {:>11} {:>7} {:>7}\n", "source", "kind",
                                  "real", "real%", "written", "out%", "ratio");
    auto pct = [](std::uint64_t part, std::uint64_t whole) {
        return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
    };
    for (const auto& k : r.kinds) {
        double real = pct(k.real, r.real_records);
        double written = pct(k.written, r.records);
        out +=
            fmt::format("{:<8} {:<12} {:>9} {:>6.2f}% {:>11} {:>6.2f}% {:>7.3f}\n", k.source,
                        k.kind, k.real, real, k.written, written, real == 0 ? 0.0 : written / real);
    }
    out += fmt::format("{:<21} {:>9} {:>6.2f}% {:>11} {:>6.2f}%\n", "total", r.real_records, 100.0,
                       r.records, 100.0);
    double rate = r.write_seconds > 0 ? static_cast<double>(r.records) / r.write_seconds : 0;
    out += fmt::format(
        "{} full copies + {:.1f}% of one; {} family copies, {} recombined ({} retitled), {} cut\n",
        r.full_rounds,
        100.0 * static_cast<double>(r.records - r.full_rounds * r.real_records) /
            static_cast<double>(r.real_records),
        r.family_copies, r.recombined, r.retitled, r.cut);
    for (const auto& line : r.context_fields) out += "context " + line + "\n";
    out += fmt::format(
        "{:.1f} MB in {} file(s); load {:.1f} s, write {:.1f} s ({:.0f} records/s, "
        "{:.0f} MB/s)\n",
        static_cast<double>(r.bytes) / 1e6, r.files.size(), r.load_seconds, r.write_seconds, rate,
        r.write_seconds > 0 ? static_cast<double>(r.bytes) / 1e6 / r.write_seconds : 0.0);
    return out;
}

}  // namespace atlas::bench
