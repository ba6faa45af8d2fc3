// searcher.cpp - Searcher: open a generation, run requests, turn documents into hits.
//
// The one place where library exceptions become atlas::Error (current_error).
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "atlas/search.h"
#include "bitmap.h"
#include "bitmap_source.h"
#include "column_store.h"
#include "evaluator.h"
#include "explain.h"
#include "facets.h"
#include "query_builder.h"
#include "query_parser.h"
#include "schema/column_format.h"
#include "schema/layout.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"
#include "schema/vocabulary.h"
#include "snippet.h"
#include "spelling.h"

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
    SearcherOptions searcher_options;
    std::string generation;
    Xapian::Database db;
    std::unique_ptr<Xapian::Database> helper_db;  // used only by the helper thread
    Vocabulary vocabulary;
    std::vector<std::string> kinds;
    std::unique_ptr<detail::ColumnStore> columns;
    std::unique_ptr<detail::Evaluator> evaluator;
    std::unique_ptr<detail::Spelling> spelling;
    std::shared_ptr<const detail::ShardMap> shards;

    // The shards of a generation's xapian/ (its XAPIANDB stub), by UUID.
    static std::shared_ptr<const detail::ShardMap> read_shards(const std::filesystem::path& dir) {
        auto map = std::make_shared<detail::ShardMap>();
        std::ifstream stub(dir / "XAPIANDB");
        std::string type, name;
        unsigned k = 0;
        while (stub >> type >> name) {
            Xapian::Database shard((dir / name).string());
            map->index_of_uuid.emplace(shard.get_uuid(), k++);
        }
        map->count = std::max(1u, k);
        return map;
    }

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
        auto store = detail::ColumnStore::open((std::filesystem::path(gen) / kColumnFile).string());
        if (!store.ok()) return store.error();
        if (store.value()->doc_count() != opened.get_lastdocid() ||
            store.value()->doc_count() != opened.get_doccount()) {
            return Error{Errc::corrupt,
                         fmt::format("index '{}': the column file has {} records, Xapian {}; "
                                     "rebuild it with atlas-index build",
                                     index_dir, store.value()->doc_count(), opened.get_doccount())};
        }
        Vocabulary vocab = Vocabulary::parse(opened.get_metadata(std::string(kMetaVocabulary)));
        std::vector<std::string> found;
        const FieldSpec* kind = find_field("kind");
        std::string prefix = exact_term(kind->prefix, "");
        for (auto it = opened.allterms_begin(prefix); it != opened.allterms_end(prefix); ++it) {
            found.push_back((*it).substr(prefix.size()));
        }
        auto shard_map = read_shards(std::filesystem::path(gen) / kXapianDir);
        std::unique_ptr<Xapian::Database> helper;
        if (searcher_options.threads >= 2) {
            helper = std::make_unique<Xapian::Database>((std::filesystem::path(gen) / kXapianDir).string());
        }
        evaluator.reset();
        spelling.reset();
        db = std::move(opened);
        helper_db = std::move(helper);
        shards = std::move(shard_map);
        columns = std::move(store).value();
        evaluator = std::make_unique<detail::Evaluator>(db, *columns);
        spelling = std::make_unique<detail::Spelling>(db);
        vocabulary = std::move(vocab);
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

    // An id typed as the whole query ("10000", "DS-10001", "GO:0022626"):
    // the records it identifies, and those holding it themselves (schema.h).
    struct IdMatch {
        const FieldSpec* spec = nullptr;
        std::string exact;      // the query as that field stores it (DS-10001 -> 10001)
        bool identity = false;  // else a reference
        detail::Bitmap docs;
    };
    std::vector<IdMatch> id_matches(std::string_view query) {
        std::vector<IdMatch> out;
        while (!query.empty() && (query.front() == ' ' || query.front() == '"')) query.remove_prefix(1);
        while (!query.empty() && (query.back() == ' ' || query.back() == '"')) query.remove_suffix(1);
        if (query.empty() || query.find_first_of(" \t\n") != std::string_view::npos) return out;
        bool digits = has_digit(query);
        for (const auto& spec : field_specs()) {
            if (spec.name != "id" && !is_reference_field(spec)) continue;
            std::string exact = exact_value(spec, query);
            if (exact.empty()) continue;
            for (bool identity : {true, false}) {
                // A word without digits is never taken for a reference ("membrane").
                if (!identity && (!digits || spec.name == "id")) continue;
                std::string term = identity ? identity_term(spec, exact) : reference_term(spec, exact);
                if (db.get_termfreq(term) == 0) continue;
                out.push_back({&spec, exact, identity, evaluator->term_docs(term)});
            }
        }
        return out;
    }

    // The records inside those an id identifies (DS-10001: the runs, tilt
    // series... of dataset 10001): they match too, after the ranked ones.
    detail::Bitmap inside(const std::vector<IdMatch>& ids) {
        detail::Bitmap out;
        for (const auto& m : ids) {
            if (!m.identity || m.spec->name == "id") continue;
            out |= evaluator->term_docs(exact_term(m.spec->prefix, m.exact));
        }
        return out;
    }

    Result<SearchResult> run(const SearchRequest& request);
    Hit make_hit(Xapian::docid docid, std::uint64_t rank, double score,
                 const detail::WordMatcher& matcher, const SearchRequest& request) const;
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;
Searcher::~Searcher() = default;

Result<Searcher> Searcher::open(const std::string& index_dir) {
    return open(index_dir, SearcherOptions{});
}

Result<Searcher> Searcher::open(const std::string& index_dir, const SearcherOptions& options) {
    try {
        auto impl = std::make_unique<Impl>();
        impl->index_dir = index_dir;
        impl->searcher_options = options;
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
            if (impl_->helper_db) impl_->helper_db->reopen();
            return impl_->run(request);
        }
    } catch (...) {
        return current_error();
    }
}

namespace {

using detail::Bitmap;
using detail::QueryNode;

// Cached bitmaps beyond this are dropped between requests (per Searcher).
constexpr std::size_t kMaxCacheBytes = std::size_t{256} << 20;

Error invalid_request(std::string message) { return Error{Errc::invalid_request, std::move(message)}; }

// Every docid that is a strict ancestor of one in `docs`, by parent links.
Bitmap ancestors(const Bitmap& docs, std::span<const std::uint32_t> parent) {
    std::vector<std::uint64_t> seen((parent.size() >> 6) + 1, 0);
    std::vector<std::uint32_t> found;
    docs.each([&](std::uint32_t d) {
        for (std::uint32_t p = parent[d]; p != 0; p = parent[p]) {
            std::uint64_t bit = std::uint64_t{1} << (p & 63);
            // Seen already: so are its ancestors.
            if ((seen[p >> 6] & bit) != 0) break;
            seen[p >> 6] |= bit;
            found.push_back(p);
        }
        return true;
    });
    return Bitmap::of(found);
}

// A condition of the request on one field: filters, kinds, sources.  Facets
// on a field are counted without the conditions on that field.
struct Condition {
    std::string field;
    Bitmap docs;
};

// Ranking a huge match set from the index's top lists (index/top_lists.h):
// a document of kind k not in `docs` scores at most the sum of caps[k]; a
// document in `docs` scores its listed weights plus at most, for each term it
// is not listed under, that term's cap for its kind.
struct TopCandidates {
    struct Doc {
        std::uint32_t docid;
        std::uint32_t kind;    // index in `kinds`
        std::uint32_t listed;  // bit i: listed under term i
        double known;          // the sum of its listed weights
    };
    struct Edge {  // the first document a list leaves out (TopListView)
        std::uint32_t tie = UINT32_MAX;
        std::uint32_t docid = UINT32_MAX;
    };
    std::shared_ptr<const Bitmap> docs;
    std::vector<Doc> listed;                // one per document of `docs`
    std::vector<std::string> kinds;
    std::vector<std::vector<double>> caps;  // [kind][term]
    std::vector<std::vector<Edge>> edges;   // [kind][term]
    std::size_t terms = 0;
};

Xapian::BM25Weight bm25() {
    return Xapian::BM25Weight(kBm25K1, kBm25K2, kBm25K3, kBm25B, kBm25MinNormLen);
}

// The candidates when every weighted part of `tree` (its top-level AND's
// positive children, or the tree itself) is one Xapian term with top lists,
// each a different term; nullopt otherwise (phrases, synonyms, prefixes, a
// word whose stem has several forms, a term too rare to have lists: those
// are ranked by scoring every match).  Parts without weight (ranges) add
// nothing; a term adds nothing to a kind it has no list for (no document of
// the kind holds it).
std::optional<TopCandidates> top_candidates(const QueryNode& tree, const Xapian::Database& db,
                                            const detail::ColumnStore& columns) {
    using K = QueryNode::Kind;
    std::vector<const QueryNode*> parts;
    if (tree.kind == K::and_) {
        for (const auto& c : tree.children) {
            if (c.kind != K::not_) parts.push_back(&c);
        }
    } else {
        parts.push_back(&tree);
    }
    std::vector<std::string> terms;
    for (const QueryNode* part : parts) {
        if (part->kind == K::range) continue;
        if (part->kind == K::words && !part->phrase && !part->prefix) {
            auto t = detail::single_word_terms(*part, db);
            if (t.size() != 1) return std::nullopt;
            terms.push_back(std::move(t.front()));
        } else if (part->kind == K::exact && !part->prefix) {
            const FieldSpec* spec = find_field(part->field);
            if (spec == nullptr) return std::nullopt;
            terms.push_back(exact_term(spec->prefix, part->value));
        } else {
            return std::nullopt;
        }
    }
    if (terms.empty()) return std::nullopt;
    // A term typed twice weighs more than its lists' caps say (BM25's k3).
    std::sort(terms.begin(), terms.end());
    if (std::adjacent_find(terms.begin(), terms.end()) != terms.end()) return std::nullopt;
    if (terms.size() > 32) return std::nullopt;  // the `listed` bits
    TopCandidates out;
    out.terms = terms.size();
    std::map<std::string_view, std::uint32_t> kind_index;
    std::unordered_map<std::uint32_t, std::size_t> slot;
    std::vector<std::uint32_t> docids;
    for (std::size_t t = 0; t < terms.size(); ++t) {
        auto lists = columns.top_lists(terms[t]);
        if (lists.empty()) return std::nullopt;
        for (const auto& list : lists) {
            auto [k, fresh] = kind_index.try_emplace(list.kind, static_cast<std::uint32_t>(out.kinds.size()));
            if (fresh) {
                out.kinds.emplace_back(list.kind);
                out.caps.emplace_back(terms.size(), 0.0);
                out.edges.emplace_back(terms.size());
            }
            out.caps[k->second][t] = list.cap;
            out.edges[k->second][t] = {list.edge_tie, list.edge_docid};
            for (std::size_t i = 0; i < list.docids.size(); ++i) {
                auto [at, added] = slot.try_emplace(list.docids[i], out.listed.size());
                if (added) {
                    out.listed.push_back({list.docids[i], k->second, 0, 0.0});
                    docids.push_back(list.docids[i]);
                }
                auto& doc = out.listed[at->second];
                doc.listed |= std::uint32_t{1} << t;
                doc.known += list.weights[i];
            }
        }
    }
    std::sort(docids.begin(), docids.end());
    out.docs = std::make_shared<const Bitmap>(Bitmap::of(docids));
    return out;
}

// One hit of a ranked page, as Xapian scored it.
struct RankedHit {
    Xapian::docid docid;
    double weight;
    Xapian::doccount collapsed;  // siblings collapsed into it (collapse by kSlotSiblings)
};
using RankedPage = std::vector<RankedHit>;

RankedPage ranked_of(const Xapian::MSet& mset) {
    RankedPage out;
    out.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        out.push_back({*it, it.get_weight(), it.get_collapse_count()});
    }
    return out;
}

// One sort key's value for the documents of a set.
struct KeyedDoc {
    double key;
    std::uint32_t browse;
    std::uint32_t docid;
};

}  // namespace

// The documents a filter selects.
static Result<Bitmap> filter_docs(const Filter& f, detail::ColumnStore& columns,
                                  detail::Evaluator& evaluator, const Xapian::Database& db) {
    const FieldSpec* spec = find_field(f.field);
    if (spec == nullptr) {
        auto close = closest_field(f.field);
        return invalid_request(close.empty() ? fmt::format("filter on unknown field '{}'", f.field)
                                             : fmt::format("filter on unknown field '{}' (did you "
                                                           "mean '{}'?)",
                                                           f.field, close));
    }
    auto present = [&]() -> Bitmap {
        if (columns.facet(f.field) != nullptr || columns.number(f.field) != nullptr) {
            return columns.present(f.field);
        }
        // A field the columns do not hold: any of its terms.
        Bitmap out;
        std::string prefix(spec->prefix);
        if (prefix.empty()) return out;
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
            std::string term = *it;
            // XORG is a prefix of XORGID's terms: what follows a field's own
            // prefix is never an upper-case letter.
            if (term.size() > prefix.size() && std::isupper(static_cast<unsigned char>(term[prefix.size()]))) {
                continue;
            }
            out |= evaluator.term_docs(term);
        }
        return out;
    };
    switch (f.mode) {
        case Filter::Mode::exists:
            return present();
        case Filter::Mode::missing:
            return columns.all() - present();
        case Filter::Mode::any:
        case Filter::Mode::none:
            break;
    }
    if (f.values.empty()) {
        return invalid_request(fmt::format("filter on {} has no values", f.field));
    }
    Bitmap any;
    for (const auto& v : f.values) {
        if (!valid_utf8(v)) return invalid_request(fmt::format("a value of {} is not UTF-8", f.field));
        auto node = detail::parse_filter_value(f.field, v);
        if (!node.ok()) return node.error();
        any |= evaluator.eval(node.value());
    }
    if (f.mode == Filter::Mode::none) return columns.all() - any;
    return any;
}

// Records with a child (descendant) of `cf`'s kind meeting all of its conditions.
static Result<Bitmap> child_docs(const ChildFilter& cf, detail::ColumnStore& columns,
                                 detail::Evaluator& evaluator, const Xapian::Database& db,
                                 const detail::ParseOptions& options, int depth) {
    if (depth > 8) return invalid_request("has_children nests deeper than 8 levels");
    std::string kind = known_kind(cf.kind);
    if (kind.empty()) return unknown_kind(cf.kind);
    Bitmap set;
    if (const detail::FacetColumn* kinds = columns.facet("kind")) {
        if (auto code = kinds->find(kind)) set = columns.value_docs("kind", *kinds, *code);
    }
    if (!cf.query.empty()) {
        if (!valid_utf8(cf.query)) return Error{Errc::invalid_query, "a child query is not UTF-8"};
        auto parsed = detail::parse_query(cf.query, options);
        if (!parsed.ok()) return parsed.error();
        set &= evaluator.eval(parsed.value());
    }
    for (const auto& f : cf.filters) {
        if (set.empty()) break;
        auto docs = filter_docs(f, columns, evaluator, db);
        if (!docs.ok()) return docs.error();
        set &= docs.value();
    }
    for (const auto& g : cf.children) {
        if (set.empty()) break;
        auto grand = child_docs(g, columns, evaluator, db, options, depth + 1);
        if (!grand.ok()) return grand.error();
        set &= grand.value();
    }
    return ancestors(set, columns.parent());
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
    if (request.group_size == 0 || request.group_size > kMaxGroupSize) {
        return invalid_request(fmt::format("group_size {} is not between 1 and {}",
                                           request.group_size, kMaxGroupSize));
    }
    if (!request.group_by.empty() && request.group_by != "dataset") {
        return invalid_request(
            fmt::format("cannot group by '{}' (group_by takes \"dataset\")", request.group_by));
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
    for (const auto& f : request.filters) {
        if (!valid_utf8(f.field)) return invalid_request("a filter's field is not valid UTF-8");
    }
    std::vector<const FieldSpec*> facet_specs;  // one per request.facets
    for (const auto& f : request.facets) {
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
        facet_specs.push_back(spec);
    }
    if (request.sort.size() > 1) {
        return invalid_request("sort takes one key (ties are broken by browse order)");
    }
    for (const auto& k : request.sort) {
        if (!valid_utf8(k.field)) return invalid_request("a sort field is not valid UTF-8");
    }
    detail::ParseOptions options;
    options.vocabulary = &vocabulary;
    auto parsed = detail::parse_query(request.query, options);
    if (!parsed.ok()) return parsed.error();
    detail::QueryNode& tree = parsed.value();

    // kind:datasets means kind:dataset; an unknown kind is a mistake worth a message.
    auto known_names = [](detail::QueryNode& root) -> Status {
        std::vector<detail::QueryNode*> stack{&root};
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
        return {};
    };
    if (auto s = known_names(tree); !s.ok()) return s.error();
    std::vector<detail::Correction> corrections;
    if (request.typo_tolerance) corrections = spelling->correct(tree);
    bool single_fixes = !corrections.empty();
    for (const auto& c : corrections) single_fixes = single_fixes && c.to.size() == 1;
    if (single_fixes) {
        // One correction per word: search the corrected query as if typed, so
        // its words meet the vocabulary ("cytosloic ribosome" finds what
        // "cytosolic ribosome" finds, GO:0022626 included).
        auto again = detail::parse_query(detail::corrected_query(request.query, corrections), options);
        if (again.ok() && known_names(again.value()).ok()) tree = std::move(again).value();
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

    columns->trim_cache(kMaxCacheBytes);
    evaluator->trim_cache(kMaxCacheBytes);
    const std::uint32_t n_docs = columns->doc_count();

    // --- the match set: the query, then every condition ---------------------------------
    Bitmap text = evaluator->eval(tree);
    // An id typed as the whole query finds its records even when its words do not.
    auto typed_ids = id_matches(request.query);
    std::shared_ptr<const Bitmap> id_docs;
    if (!typed_ids.empty()) {
        Bitmap all = inside(typed_ids);
        for (const auto& m : typed_ids) all |= m.docs;
        text |= all;
        id_docs = std::make_shared<const Bitmap>(std::move(all));
    }
    std::vector<Condition> conditions;
    auto add_values = [&](std::string_view field, const std::vector<std::string>& values) {
        if (values.empty()) return;
        Bitmap docs;
        const detail::FacetColumn* column = columns->facet(field);
        for (const auto& v : values) {
            if (column == nullptr) continue;
            if (auto code = column->find(v)) docs |= columns->value_docs(field, *column, *code);
        }
        conditions.push_back({std::string(field), std::move(docs)});
    };
    add_values("kind", kind_filter);
    add_values("source", source_filter);
    for (const auto& f : request.filters) {
        auto docs = filter_docs(f, *columns, *evaluator, db);
        if (!docs.ok()) return docs.error();
        conditions.push_back({f.field, std::move(docs).value()});
    }
    std::optional<Bitmap> children;
    for (const auto& cf : request.has_children) {
        auto docs = child_docs(cf, *columns, *evaluator, db, options, 0);
        if (!docs.ok()) return docs.error();
        if (!children) {
            children = std::move(docs).value();
        } else {
            *children &= docs.value();
        }
    }
    // Everything but the conditions on `field` (all conditions when empty).
    auto base_without = [&](std::string_view field) {
        Bitmap m = text;
        if (children) m &= *children;
        for (const auto& c : conditions) {
            if (c.field != field) m &= c.docs;
        }
        return m;
    };
    auto matches = std::make_shared<const Bitmap>(base_without(std::string_view("\x01")));

    SearchResult result;
    result.query = request.query;
    result.kinds = kind_filter;
    result.sources = source_filter;
    result.offset = request.offset;
    result.limit = request.limit;
    result.total = matches->size();
    result.parsed = tree.describe();
    for (auto& c : corrections) result.corrections.push_back({c.from, c.to});
    if (!corrections.empty()) result.did_you_mean = detail::corrected_query(request.query, corrections);
    result.group_by = request.group_by;
    detail::WordMatcher matcher(detail::highlight_tokens(tree));

    // --- order ------------------------------------------------------------------------------
    bool by_relevance = request.sort.empty() || request.sort.front().field == "relevance";
    bool ranked = by_relevance && detail::has_ranking_words(tree);

    // The facets need only the match set: on a large one they are counted
    // on a thread of their own while this one orders the page (Xapian's
    // ranking, itself maybe on two threads, or a sort), else after it (the
    // whole index's counts are stored: always after).  The column store's
    // cache is locked for that (column_store.h); nothing else is shared.
    std::vector<FacetResult> facet_counts;
    std::optional<Error> facet_error;
    std::exception_ptr facets_threw;
    auto count_facets = [&] {
        try {
            for (std::size_t i = 0; i < request.facets.size(); ++i) {
                const auto& want = request.facets[i];
                bool filtered = std::any_of(conditions.begin(), conditions.end(),
                                            [&](const Condition& c) {
                                                return c.field == want.field;
                                            });
                Bitmap without;
                if (filtered) without = base_without(want.field);
                const Bitmap& base = filtered ? without : *matches;
                auto counted = detail::count_facet(*columns, *facet_specs[i], base, want);
                if (!counted.ok()) {
                    facet_error = counted.error();
                    return;
                }
                facet_counts.push_back(std::move(counted).value());
            }
        } catch (...) {
            facets_threw = std::current_exception();
        }
    };
    std::thread facet_thread;
    // Joined on every way out, before anything it reads is gone.
    struct Joiner {
        std::thread& thread;
        ~Joiner() {
            if (thread.joinable()) thread.join();
        }
    } join_facets{facet_thread};
    if (searcher_options.threads >= 2 && !request.facets.empty() &&
        matches->size() >= searcher_options.facets_aside_from && matches->size() < n_docs) {
        facet_thread = std::thread(count_facets);
        result.facets_aside = true;
    }
    auto browse = columns->browse_rank();
    // The ordering key of each document of `docs` when not ranked by Xapian:
    // smaller first.  Documents without a value of a number field sort last.
    auto keyed = [&](const Bitmap& docs) -> Result<std::vector<KeyedDoc>> {
        std::vector<KeyedDoc> out;
        out.reserve(docs.size());
        std::string field = by_relevance ? std::string("browse") : request.sort.front().field;
        bool desc = !by_relevance && request.sort.front().descending;
        double sign = desc ? -1.0 : 1.0;
        std::span<const std::uint32_t> rank;
        if (field == "browse") rank = browse;
        if (field == "title") rank = columns->title_rank();
        if (field == "id") rank = columns->id_rank();
        if (field == "kind") {
            // Kinds in browse order; within a kind, browse order whatever the direction.
            const detail::FacetColumn* kind_column = columns->facet("kind");
            std::vector<double> rank_of_code;
            for (std::uint32_t c = 0; kind_column != nullptr && c < kind_column->size(); ++c) {
                rank_of_code.push_back(kind_rank(kind_column->display(c)));
            }
            detail::DenseSet in(docs, n_docs);
            if (kind_column != nullptr) {
                auto ids = kind_column->pair_docids();
                auto codes = kind_column->pair_codes();
                for (std::size_t i = 0; i < ids.size(); ++i) {
                    if (in.contains(ids[i])) out.push_back({sign * rank_of_code[codes[i]], browse[ids[i]], ids[i]});
                }
            }
            return out;
        }
        if (!rank.empty()) {
            docs.each([&](std::uint32_t d) {
                out.push_back({sign * rank[d], browse[d], d});
                return true;
            });
            return out;
        }
        const FieldSpec* spec = find_field(field);
        if (spec == nullptr || (spec->type != FieldType::number && spec->type != FieldType::date)) {
            return invalid_request(fmt::format(
                "cannot sort by '{}' (relevance, title, id, kind, or a number or date field)",
                field));
        }
        const detail::NumberColumn* column = columns->number(field);
        Bitmap without = docs;
        if (column != nullptr) {
            // The smallest value ascending, the largest descending.
            detail::DenseSet in(docs, n_docs);
            std::uint32_t last = 0;
            for (std::size_t i = 0; i < column->docids.size(); ++i) {
                std::uint32_t d = column->docids[i];
                if (!in.contains(d)) continue;
                double k = sign * column->values[i];
                if (d == last) {
                    out.back().key = std::min(out.back().key, k);
                } else {
                    out.push_back({k, browse[d], d});
                    last = d;
                }
            }
            without -= columns->present(field);
        }
        without.each([&](std::uint32_t d) {
            out.push_back({std::numeric_limits<double>::infinity(), browse[d], d});
            return true;
        });
        return out;
    };
    auto key_less = [](const KeyedDoc& a, const KeyedDoc& b) {
        if (a.key != b.key) return a.key < b.key;
        return a.browse < b.browse;
    };
    // The first `count` documents of `docs` in the request's (non-Xapian) order.
    auto first_by_key = [&](const Bitmap& docs,
                            std::size_t count) -> Result<std::vector<std::uint32_t>> {
        std::vector<std::uint32_t> out;
        if (by_relevance && docs.size() * 8 > n_docs) {
            // Dense: walk the browse order and keep what is in the set.
            detail::DenseSet in(docs, n_docs);
            for (auto d : columns->by_browse()) {
                if (out.size() == count) break;
                if (in.contains(d)) out.push_back(d);
            }
            return out;
        }
        auto all = keyed(docs);
        if (!all.ok()) return all.error();
        auto& v = all.value();
        std::size_t k = std::min(count, v.size());
        std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(), key_less);
        for (std::size_t i = 0; i < k; ++i) out.push_back(v[i].docid);
        return out;
    };
    // A range of the query as Xapian sees it: the column file's documents.
    auto range_docs = [this](const QueryNode& range) {
        auto docs = std::make_shared<const Bitmap>(evaluator->range_docs(range));
        return Xapian::Query((new detail::BitmapSource(std::move(docs), shards))->release());
    };
    // Huge match sets are ranked from the top lists when they can be (above).
    std::optional<TopCandidates> candidates;
    if (ranked) candidates = top_candidates(tree, db, *columns);
    // Page order among equal scores: tie rank, then docid (as Xapian sorts).
    auto tie = columns->tie_rank();
    // A second handle on the generation, for scoring huge sets on two threads.
    Xapian::Database* helper = searcher_options.threads >= 2 ? helper_db.get() : nullptr;
    const std::uint64_t split_from = searcher_options.split_from;
    // With one or two terms a listed document's sum of weights is Xapian's to
    // the bit (addition commutes), so candidates whose every weight is listed
    // can be put in page order without Xapian.
    bool exact_sums = candidates && candidates->terms <= 2 && !tie.empty();
    // Page order: score descending, then tie rank, then docid.
    auto in_page_order = [&](double score_a, std::uint32_t a, double score_b, std::uint32_t b) {
        if (score_a != score_b) return score_a > score_b;
        return std::pair{tie[a], a} < std::pair{tie[b], b};
    };
    using CandidateDoc = TopCandidates::Doc;
    auto page_before = [&](const CandidateDoc* a, const CandidateDoc* b) {
        return in_page_order(a->known, a->docid, b->known, b->docid);
    };
    // Bits of every term of the candidates.
    const auto all_terms =
        candidates ? static_cast<std::uint32_t>((std::uint64_t{1} << candidates->terms) - 1) : 0u;
    // With exact sums: whether a match of kind `k`, not listed under the terms
    // of `unlisted` (bits) and weighing `known` under the others, comes after
    // `doc` (scoring `score`) in page order, whatever it weighs.  It scores
    // at most `known` plus those terms' caps; when that sum is `score`, and
    // the sum with one cap t lowered by the least step is below it, a tie
    // needs the full cap t, so the match comes at or after the edge of t's
    // list (TopList: documents of the cap's weight left out follow it in page
    // order).  A plateau of equal weights then bounds as tightly as one term
    // ("bulk dna" over 100,000 identical files), with no rounding slack.
    auto surely_after = [&](std::uint32_t k, std::uint32_t unlisted, double known, double score,
                            std::uint32_t doc) {
        const auto& caps = candidates->caps[k];
        auto high_with = [&](std::size_t lowered) {
            double high = known;
            for (std::size_t t = 0; t < candidates->terms; ++t) {
                if ((unlisted >> t & 1) == 0) continue;
                high += t == lowered ? std::nextafter(caps[t], -HUGE_VAL) : caps[t];
            }
            return high;
        };
        double high = high_with(candidates->terms);
        if (high < score) return true;
        if (high > score) return false;
        for (std::size_t t = 0; t < candidates->terms; ++t) {
            if ((unlisted >> t & 1) == 0 || !(high_with(t) < score)) continue;
            const auto& edge = candidates->edges[k][t];
            if (std::pair{tie[doc], doc} < std::pair{edge.tie, edge.docid}) return true;
        }
        return false;
    };
    // Whether `within` has matches of candidate kind `k` outside `few`.
    auto unscored_of_kind = [&](std::size_t k, const Bitmap& within, const Bitmap& few) {
        const detail::FacetColumn* kind_column = columns->facet("kind");
        auto code = kind_column != nullptr ? kind_column->find(candidates->kinds[k]) : std::nullopt;
        if (!code) return false;
        return !((within & columns->value_docs("kind", *kind_column, *code)) - few).empty();
    };
    // The candidates of `few` that can be among the best `want` (the best of
    // each dataset when by_group).  Xapian scores a candidate by reading its
    // blocks (~4 us each), so it is given only these: with exact sums, the
    // best `want` of the fully listed in page order, and any other that may
    // come before the want-th of them (surely_after); otherwise every
    // candidate whose listed weights plus the caps of the terms it is not
    // listed under reach the want-th best sum of listed weights (that many
    // candidates score at least so), less rounding.
    auto reachable = [&](const Bitmap& few, std::uint64_t want,
                         bool by_group) -> std::shared_ptr<const Bitmap> {
        auto group = columns->group();
        std::vector<const CandidateDoc*> in;
        for (const auto& doc : candidates->listed) {
            if (few.contains(doc.docid)) in.push_back(&doc);
        }
        // Each dataset's best of `docs` (by `better`) when by_group, else `docs`.
        auto heads = [&](std::vector<const CandidateDoc*> docs, auto better) {
            if (!by_group) return docs;
            std::unordered_map<std::uint32_t, const CandidateDoc*> best;
            for (const auto* doc : docs) {
                auto [it, fresh] = best.try_emplace(group[doc->docid], doc);
                if (!fresh && better(doc, it->second)) it->second = doc;
            }
            docs.clear();
            for (const auto& [g, doc] : best) docs.push_back(doc);
            return docs;
        };
        auto by_known = [](const CandidateDoc* a, const CandidateDoc* b) { return a->known > b->known; };
        std::vector<std::uint32_t> keep;
        bool kept = false;
        if (exact_sums) {
            std::vector<const CandidateDoc*> full;
            for (const auto* doc : in) {
                if (doc->listed == all_terms) full.push_back(doc);
            }
            full = heads(std::move(full), page_before);
            if (want > 0 && full.size() >= want) {
                auto nth = full.begin() + static_cast<std::ptrdiff_t>(want - 1);
                std::nth_element(full.begin(), nth, full.end(), page_before);
                for (auto it = full.begin(); it <= nth; ++it) keep.push_back((*it)->docid);
                // Partly listed candidates that may come before the want-th.
                for (const auto* doc : in) {
                    if (doc->listed != all_terms && !surely_after(doc->kind, all_terms & ~doc->listed,
                                                                  doc->known, (*nth)->known, (*nth)->docid)) {
                        keep.push_back(doc->docid);
                    }
                }
                kept = true;
            }
        }
        if (!kept) {
            auto lows = heads(in, by_known);
            if (want == 0 || lows.size() < want) return std::make_shared<const Bitmap>(few);
            auto nth = lows.begin() + static_cast<std::ptrdiff_t>(want - 1);
            std::nth_element(lows.begin(), nth, lows.end(), by_known);
            double floor = (*nth)->known * (1 - 1e-9) - 1e-12;
            for (const auto* doc : in) {
                // Its listed weights plus the caps of the terms it is not listed under.
                double high = doc->known;
                for (std::size_t t = 0; t < candidates->terms; ++t) {
                    if ((doc->listed >> t & 1) == 0) high += candidates->caps[doc->kind][t];
                }
                if (high >= floor) keep.push_back(doc->docid);
            }
        }
        std::sort(keep.begin(), keep.end());
        return std::make_shared<const Bitmap>(Bitmap::of(keep));
    };
    // A page scored from the candidates `few` of `within` is the page when
    // every match of a kind with matches left unscored comes after its last
    // hit: for one term, in page order after the first document the kind's
    // list leaves out; for several, scoring at most the sum of the terms'
    // caps for the kind, below the last hit's score (with room for rounding
    // in the sums).  Matches of no listed kind hold no term and score 0.
    auto page_is_exact = [&](const RankedHit& last_hit, const Bitmap& within, const Bitmap& few) {
        double last = last_hit.weight;
        auto last_docid = static_cast<std::uint32_t>(last_hit.docid);
        if (!(last > 0)) return false;
        for (std::size_t k = 0; k < candidates->kinds.size(); ++k) {
            const auto& caps = candidates->caps[k];
            if (exact_sums) {
                if (surely_after(static_cast<std::uint32_t>(k), all_terms, 0, last, last_docid)) continue;
            } else {
                double cap_sum = 0;
                for (double c : caps) cap_sum += c;
                if (last > cap_sum * (1 + 1e-9) + 1e-12) continue;
            }
            // Unless every match of the kind was scored.
            if (unscored_of_kind(k, within, few)) return false;
        }
        return true;
    };
    // Xapian's best `count` documents of `within` from `offset`, by relevance;
    // collapse_slot: at most one hit per value of that slot (-1: none).
    auto ranked_page = [&](std::shared_ptr<const Bitmap> within, std::uint32_t offset,
                           std::uint32_t count, int collapse_slot) -> RankedPage {
        std::uint64_t within_size = within->size() + (id_docs ? id_docs->size() : 0);
        auto query_on = [&](const Xapian::Database& on) {
            Xapian::Query q = detail::build_query(tree, on, range_docs);
            if (id_docs) {
                // Records an id typed as the query names match without its words.
                q = Xapian::Query(Xapian::Query::OP_OR, q,
                                  Xapian::Query((new detail::BitmapSource(id_docs, shards))->release()));
            }
            return q;
        };
        Xapian::Query q = query_on(db);
        auto enquire_within = [&](const Xapian::Database& on, const Xapian::Query& query,
                                  std::shared_ptr<const Bitmap> docs, bool exact_set) {
            Xapian::Enquire enquire(on);
            if (exact_set) {
                enquire.set_query(query);
            } else {
                auto* source = new detail::BitmapSource(std::move(docs), shards);
                enquire.set_query(
                    Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(source->release())));
            }
            enquire.set_weighting_scheme(bm25());
            // Equal scores (siblings): curated and better records first (schema.h).
            enquire.set_sort_by_relevance_then_value(kSlotRankTie, false);
            if (collapse_slot >= 0) {
                enquire.set_collapse_key(static_cast<Xapian::valueno>(collapse_slot), 1);
            }
            return enquire;
        };
        std::uint64_t want = std::uint64_t{offset} + count;
        // The page of `docs`, on two threads when they are `split_at` or more:
        // each half of them (by docid) on its own database handle (Xapian
        // objects are not shared between threads; each query is built here,
        // before the helper starts), then the halves' best `want` merged in
        // page order (relevance, tie rank, docid, as Xapian sorts).  A
        // dataset's best match is the best of its half's, so collapsing the
        // merge by dataset is exact too.
        auto best_of = [&](std::shared_ptr<const Bitmap> docs, bool exact_set,
                           std::uint64_t split_at) -> RankedPage {
            if (helper == nullptr || docs->size() < split_at || tie.empty() || want == 0) {
                return ranked_of(enquire_within(db, q, std::move(docs), exact_set).get_mset(offset, count));
            }
            auto mid = docs->select(static_cast<std::uint32_t>(docs->size() / 2));
            auto low = std::make_shared<const Bitmap>(*docs & Bitmap::range(0, mid - 1));
            auto high = std::make_shared<const Bitmap>(*docs - *low);
            auto high_enquire = enquire_within(*helper, query_on(*helper), high, false);
            RankedPage high_page;
            std::exception_ptr high_failed;
            std::thread worker([&] {
                try {
                    high_page = ranked_of(high_enquire.get_mset(0, static_cast<Xapian::doccount>(want)));
                } catch (...) {
                    high_failed = std::current_exception();
                }
            });
            RankedPage page;
            std::exception_ptr low_failed;
            try {
                page = ranked_of(
                    enquire_within(db, q, low, false).get_mset(0, static_cast<Xapian::doccount>(want)));
            } catch (...) {
                low_failed = std::current_exception();
            }
            worker.join();
            result.threads = 2;
            if (low_failed) std::rethrow_exception(low_failed);
            if (high_failed) std::rethrow_exception(high_failed);
            page.insert(page.end(), high_page.begin(), high_page.end());
            std::sort(page.begin(), page.end(), [&](const RankedHit& x, const RankedHit& y) {
                return in_page_order(x.weight, x.docid, y.weight, y.docid);
            });
            if (collapse_slot == int{kSlotGroup}) {
                auto group = columns->group();
                std::unordered_set<std::uint32_t> seen;
                std::erase_if(page, [&](const RankedHit& h) { return !seen.insert(group[h.docid]).second; });
            }
            page.erase(page.begin(), page.begin() + std::min<std::ptrdiff_t>(offset, std::ssize(page)));
            if (page.size() > count) page.resize(count);
            return page;
        };
        // Siblings' counts need every match, so collapsing them never takes the
        // short way; collapsing by dataset does (a dataset's best match in the
        // page is listed, or it scores no more than the caps).
        if (candidates && collapse_slot != int{kSlotSiblings} && count > 0) {
            auto few = std::make_shared<const Bitmap>(*candidates->docs & *within);
            if (few->size() >= want && few->size() * 2 < within_size) {
                // Xapian scores a candidate by reading its blocks (~4 us each):
                // only those that can reach the page are given to it (on two
                // threads from a sixteenth of the split of a whole set).
                auto reach = reachable(*few, want, collapse_slot == int{kSlotGroup});
                result.scored += reach->size();
                RankedPage page = best_of(reach, false, split_from / 16);
                if (page.size() == count && page_is_exact(page.back(), *within, *few)) return page;
            }
        }
        result.scored += within_size;
        bool exact_set = within == matches && conditions.empty() && !children;
        if (collapse_slot == int{kSlotSiblings}) {
            // Look at every match, so each hit's count of collapsed siblings is exact.
            return ranked_of(enquire_within(db, q, std::move(within), exact_set)
                                 .get_mset(offset, count, static_cast<Xapian::doccount>(within_size)));
        }
        return best_of(std::move(within), exact_set, split_from);
    };

    // Why each hit is where it is (request.explain).
    std::vector<QueryNode> parts;
    if (tree.kind == QueryNode::Kind::and_) {
        for (const auto& c : tree.children) {
            if (c.kind != QueryNode::Kind::not_) parts.push_back(c);
        }
    } else if (tree.kind != QueryNode::Kind::all && tree.kind != QueryNode::Kind::not_) {
        parts.push_back(tree);
    }
    auto explain = [&](Hit& hit, Xapian::docid docid, std::string order) {
        if (!request.explain) return;
        HitExplanation e;
        e.order = std::move(order);
        if (e.order == "relevance") {
            for (const auto& part : parts) {
                HitExplanation::Part p;
                p.query = part.describe();
                Xapian::Enquire one(db);
                one.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                            detail::build_query(part, db, range_docs),
                                            Xapian::Query(id_term(hit.id))));
                one.set_weighting_scheme(bm25());
                Xapian::MSet m = one.get_mset(0, 1);
                if (!m.empty()) p.score = m.begin().get_weight();
                p.fields = detail::fields_with_words(db, docid, part);
                e.parts.push_back(std::move(p));
            }
        }
        hit.explanation = std::move(e);
    };
    std::string plain_order =
        !by_relevance ? "sort by " + request.sort.front().field : "browse order";

    if (request.group_by.empty()) {
        if (ranked) {
            // An id typed as the whole query: the records it identifies, then
            // those that hold it themselves, each in browse order; then the rest
            // by relevance.
            Bitmap identity, reference;
            for (const auto& m : typed_ids) (m.identity ? identity : reference) |= m.docs;
            identity &= *matches;
            reference &= *matches;
            reference -= identity;
            std::uint64_t n_pinned = identity.size() + reference.size();
            std::size_t want = std::size_t{request.offset} + request.limit;
            std::vector<std::uint32_t> head;
            if (n_pinned > 0 && request.offset < n_pinned) {
                auto first = first_by_key(identity, want);
                if (!first.ok()) return first.error();
                head = std::move(first).value();
                if (head.size() < want) {
                    auto more = first_by_key(reference, want - head.size());
                    if (!more.ok()) return more.error();
                    head.insert(head.end(), more.value().begin(), more.value().end());
                }
            }
            auto id_reason = [&](std::uint32_t d) {
                for (const auto& m : typed_ids) {
                    if (m.docs.contains(d)) {
                        return fmt::format("exact {} ({})", m.identity ? "id" : "reference",
                                           m.spec->name);
                    }
                }
                return std::string("exact id");
            };
            for (std::size_t i = request.offset; i < head.size(); ++i) {
                result.hits.push_back(make_hit(head[i], i + 1, 0, matcher, request));
                explain(result.hits.back(), head[i], id_reason(head[i]));
            }
            std::uint32_t left = request.limit - static_cast<std::uint32_t>(result.hits.size());
            if (left > 0) {
                std::shared_ptr<const Bitmap> rest = matches;
                if (n_pinned > 0) rest = std::make_shared<const Bitmap>(*matches - (identity | reference));
                auto from = static_cast<std::uint32_t>(
                    request.offset > n_pinned ? request.offset - n_pinned : 0);
                RankedPage page = ranked_page(rest, from, left,
                                              request.collapse ? int{kSlotSiblings} : -1);
                for (std::size_t i = 0; i < page.size(); ++i) {
                    result.hits.push_back(make_hit(page[i].docid, n_pinned + from + i + 1, page[i].weight,
                                                   matcher, request));
                    if (request.collapse) result.hits.back().similar = page[i].collapsed;
                    explain(result.hits.back(), page[i].docid, "relevance");
                }
            }
        } else if (request.offset < result.total && request.limit > 0) {
            auto page = first_by_key(*matches, std::size_t{request.offset} + request.limit);
            if (!page.ok()) return page.error();
            for (std::size_t i = request.offset; i < page.value().size(); ++i) {
                result.hits.push_back(make_hit(page.value()[i], i + 1, 0, matcher, request));
                explain(result.hits.back(), page.value()[i], plain_order);
            }
        }
    } else {
        // --- groups: the datasets of the matches ---------------------------------------------
        auto group = columns->group();
        {
            std::vector<std::uint64_t> seen((std::size_t{n_docs} >> 6) + 1, 0);
            matches->each([&](std::uint32_t d) {
                std::uint32_t g = group[d];
                std::uint64_t bit = std::uint64_t{1} << (g & 63);
                if ((seen[g >> 6] & bit) == 0) {
                    seen[g >> 6] |= bit;
                    ++result.group_total;
                }
                return true;
            });
        }
        std::vector<std::uint32_t> page_groups;
        if (ranked) {
            for (const auto& hit : ranked_page(matches, request.offset, request.limit, int{kSlotGroup})) {
                page_groups.push_back(group[hit.docid]);
            }
        } else if (request.offset < result.group_total && request.limit > 0) {
            auto all = keyed(*matches);
            if (!all.ok()) return all.error();
            // Each group's best member, then the groups in that order.
            std::unordered_map<std::uint32_t, KeyedDoc> best;
            for (const auto& k : all.value()) {
                auto [it, fresh] = best.try_emplace(group[k.docid], k);
                if (!fresh && key_less(k, it->second)) it->second = k;
            }
            std::vector<KeyedDoc> heads;
            heads.reserve(best.size());
            for (const auto& [g, k] : best) heads.push_back(k);
            std::size_t want = std::min(heads.size(), std::size_t{request.offset} + request.limit);
            std::partial_sort(heads.begin(), heads.begin() + static_cast<std::ptrdiff_t>(want),
                              heads.end(), key_less);
            for (std::size_t i = request.offset; i < want; ++i) {
                page_groups.push_back(group[heads[i].docid]);
            }
        }
        std::uint64_t rank = request.offset;
        for (std::uint32_t g : page_groups) {
            HitGroup hg;
            auto members = std::make_shared<const Bitmap>(Bitmap::of(columns->members(g)) & *matches);
            hg.total = members->size();
            std::string data = db.get_document(g).get_data();
            rapidjson::Document head;
            head.Parse(data.data(), data.size());
            if (!head.HasParseError() && head.IsObject()) {
                for (auto [key, out] : {std::pair{"id", &hg.id}, std::pair{"title", &hg.title}}) {
                    auto m = head.FindMember(key);
                    if (m != head.MemberEnd() && m->value.IsString()) {
                        out->assign(m->value.GetString(), m->value.GetStringLength());
                    }
                }
            }
            ++rank;
            if (ranked) {
                for (const auto& hit : ranked_page(members, 0, request.group_size, -1)) {
                    hg.hits.push_back(make_hit(hit.docid, rank, hit.weight, matcher, request));
                    explain(hg.hits.back(), hit.docid, "relevance");
                }
            } else {
                auto page = first_by_key(*members, request.group_size);
                if (!page.ok()) return page.error();
                for (auto d : page.value()) {
                    hg.hits.push_back(make_hit(d, rank, 0, matcher, request));
                    explain(hg.hits.back(), d, plain_order);
                }
            }
            result.groups.push_back(std::move(hg));
        }
    }

    // --- facets ---------------------------------------------------------------------------
    if (facet_thread.joinable()) {
        facet_thread.join();
    } else {
        count_facets();
    }
    if (facets_threw) std::rethrow_exception(facets_threw);
    if (facet_error) return *facet_error;
    result.facets = std::move(facet_counts);

    result.took_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

Hit Searcher::Impl::make_hit(Xapian::docid docid, std::uint64_t rank, double score,
                             const detail::WordMatcher& matcher,
                             const SearchRequest& request) const {
    Hit hit;
    hit.rank = rank;
    hit.score = score;
    std::string data = db.get_document(docid).get_data();
    rapidjson::Document doc;
    doc.Parse(data.data(), data.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        hit.id = fmt::format("(document {} has unreadable display data)", docid);
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
    if (auto m = doc.FindMember("more"); m != doc.MemberEnd() && m->value.IsObject()) {
        for (const auto& f : m->value.GetObject()) {
            if (!f.value.IsUint64()) continue;
            std::string_view name(f.name.GetString(), f.name.GetStringLength());
            for (auto& field : hit.fields) {
                if (field.name == name) field.more = f.value.GetUint64();
            }
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
