// searcher.cpp - Searcher: open a generation, follow new ones, and run a request's stages.
//
// A request goes through request_check (checked and normalised once),
// correct_typos, match_set (the exact matches), facets (counted beside the
// ranking on a large set) and page (ranked by ranking.h or ordered by
// ordering.h, read by hit_reader.h).
#include <fmt/format.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "aside.h"
#include "atlas/search.h"
#include "facets.h"
#include "match_set.h"
#include "open_generation.h"
#include "page.h"
#include "request_check.h"
#include "schema/column_format.h"
#include "schema/current_error.h"
#include "schema/layout.h"
#include "schema/manifest.h"
#include "schema/schema.h"

namespace atlas {

using detail::Bitmap;
using detail::OpenGeneration;

namespace {

// Cached bitmaps beyond this are dropped between requests (per Searcher).
constexpr std::size_t kMaxCacheBytes = std::size_t{256} << 20;

// The shards of a generation's xapian/ (its XAPIANDB stub), by UUID.
std::shared_ptr<const detail::ShardMap> read_shards(const std::filesystem::path& dir) {
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

// The kinds the generation holds: the kind column's values (live records
// only: an update's deleted documents hold none).
std::vector<std::string> kinds_held(const detail::ColumnStore& columns) {
    std::vector<std::string> found;
    if (const auto* kind = columns.facet("kind")) {
        for (std::uint32_t code = 0; code < kind->size(); ++code) {
            found.emplace_back(kind->exact(code));
        }
    }
    return found;
}

// detail::open_generation with Xapian's exceptions (a damaged table throws
// DatabaseCorruptError) returned as errors that name the generation.
Result<std::unique_ptr<OpenGeneration>> open_dir(const std::string& index_dir,
                                                 const std::string& dir,
                                                 const SearcherOptions& options) {
    try {
        return detail::open_generation(index_dir, dir, options);
    } catch (...) {
        Error error = detail::current_error();
        error.message = fmt::format("generation '{}' cannot be opened: {}", dir, error.message);
        return error;
    }
}

// The generation folders of `index_dir` older than `dir`, newest first.
std::vector<std::string> older_generations(const std::string& index_dir, const std::string& dir) {
    namespace fs = std::filesystem;
    std::string newest = fs::path(dir).filename().string();
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(index_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        bool generation = name.starts_with("gen-") && name.size() == newest.size() &&
                          name.find_first_not_of("0123456789", 4) == std::string::npos;
        if (generation && name < newest) names.push_back(name);
    }
    std::sort(names.rbegin(), names.rend());
    for (auto& n : names) n = (fs::path(index_dir) / n).string();
    return names;
}

}  // namespace

Result<std::unique_ptr<OpenGeneration>> detail::open_generation(const std::string& index_dir,
                                                                const std::string& dir,
                                                                const SearcherOptions& options) {
    // Sizes against the MANIFEST first (a stat per file): a missing or
    // truncated file is refused before Xapian reads a block of it.
    auto manifest = detail::read_manifest(dir);
    if (!manifest.ok()) return manifest.error();
    if (auto s = detail::check_sizes(dir, manifest.value()); !s.ok()) return s.error();
    auto gen = std::make_unique<OpenGeneration>();
    gen->dir = dir;
    std::filesystem::path xapian_dir = std::filesystem::path(dir) / kXapianDir;
    gen->db = Xapian::Database(xapian_dir.string());
    std::string version = gen->db.get_metadata(std::string(kMetaSchemaVersion));
    if (version != std::to_string(kSchemaVersion)) {
        return Error{Errc::schema_mismatch,
                     fmt::format("index '{}' was built with schema version {}; this "
                                 "atlas-search reads version {}: rebuild it with atlas-index "
                                 "build",
                                 index_dir, version.empty() ? "unknown" : version, kSchemaVersion)};
    }
    auto store = detail::ColumnStore::open((std::filesystem::path(dir) / kColumnFile).string());
    if (!store.ok()) return store.error();
    gen->columns = std::move(store).value();
    if (gen->columns->doc_count() != gen->db.get_lastdocid() ||
        gen->columns->doc_count() != gen->db.get_doccount()) {
        return Error{Errc::corrupt,
                     fmt::format("index '{}': the column file has {} records, Xapian {}; "
                                 "rebuild it with atlas-index build",
                                 index_dir, gen->columns->doc_count(), gen->db.get_doccount())};
    }
    gen->vocabulary = Vocabulary::parse(gen->db.get_metadata(std::string(kMetaVocabulary)));
    gen->kinds = kinds_held(*gen->columns);
    gen->shards = read_shards(xapian_dir);
    auto display = detail::DisplayStore::open(dir, gen->shards->count, gen->columns->doc_count());
    if (!display.ok()) return display.error();
    gen->display = std::move(display).value();
    if (options.threads >= 2)
        gen->helper_db = std::make_unique<Xapian::Database>(xapian_dir.string());
    gen->evaluator = std::make_unique<detail::Evaluator>(gen->db, *gen->columns);
    gen->spelling = std::make_unique<detail::Spelling>(gen->db, gen->evaluator.get());
    return gen;
}

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
    SearcherOptions options;
    std::unique_ptr<OpenGeneration> gen;

    std::string refused_dir;  // the latest generation, when it was refused for good
    std::string refused;      // why the latest is not the one searched

    // Reopens when atlas-index has published a new generation; keeps the open
    // one whenever the new one cannot be opened.  A damaged generation or one
    // of another schema is not tried again; CURRENT pointing nowhere is.
    Status refresh() {
        auto dir = current_generation(index_dir);
        if (!dir.ok()) {
            refuse("", dir.error());
            return {};
        }
        if (dir.value() == gen->dir || dir.value() == refused_dir) return {};
        auto opened = open_dir(index_dir, dir.value(), options);
        if (!opened.ok()) {
            refuse(dir.value(), opened.error());
            return {};
        }
        gen = std::move(opened).value();
        refused_dir.clear();
        refused.clear();
        return {};
    }

    void refuse(const std::string& dir, const Error& why) {
        refused = why.message;
        if (why.code == Errc::corrupt || why.code == Errc::schema_mismatch) refused_dir = dir;
    }

    // Opens the generation CURRENT names or, when it cannot be opened, the
    // newest older one that can (atlas-index keeps the previous one for
    // readers), saying why.  Errors: CURRENT's when none opens.
    Status open_latest() {
        auto dir = current_generation(index_dir);
        if (!dir.ok()) return dir.error();
        auto opened = open_dir(index_dir, dir.value(), options);
        if (opened.ok()) {
            gen = std::move(opened).value();
            return {};
        }
        for (const auto& older : older_generations(index_dir, dir.value())) {
            auto fallback = open_dir(index_dir, older, options);
            if (!fallback.ok()) continue;
            gen = std::move(fallback).value();
            refuse(dir.value(), opened.error());
            return {};
        }
        return opened.error();
    }

    Result<SearchResult> run(const SearchRequest& request);
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
        impl->options = options;
        if (auto s = impl->open_latest(); !s.ok()) return s.error();
        return Searcher(std::move(impl));
    } catch (...) {
        return detail::current_error();
    }
}

Status Searcher::refresh() {
    try {
        return impl_->refresh();
    } catch (...) {
        return detail::current_error();
    }
}

std::string Searcher::refused() const { return impl_->refused; }
std::uint64_t Searcher::record_count() const { return impl_->gen->columns->all().size(); }
std::vector<std::string> Searcher::kinds() const { return impl_->gen->kinds; }
std::string Searcher::generation() const { return impl_->gen->dir; }
std::string Searcher::built_at() const {
    try {
        return impl_->gen->db.get_metadata(std::string(kMetaBuiltAt));
    } catch (const Xapian::Error&) {
        return {};
    }
}

Result<SearchResult> Searcher::search(const SearchRequest& request) {
    try {
        if (auto s = impl_->refresh(); !s.ok()) return s.error();
        try {
            return impl_->run(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            // Generations are never modified in place, but follow Xapian's advice anyway.
            impl_->gen->db.reopen();
            if (impl_->gen->helper_db) impl_->gen->helper_db->reopen();
            return impl_->run(request);
        }
    } catch (...) {
        return detail::current_error();
    }
}

namespace {

// The response's header: what was asked, how it was understood, how many match.
SearchResult result_head(const detail::CheckedRequest& checked, const detail::MatchSet& matches) {
    const SearchRequest& request = *checked.request;
    SearchResult result;
    result.query = request.query;
    result.kinds = checked.kinds;
    result.sources = checked.sources;
    result.offset = request.offset;
    result.limit = request.limit;
    result.total = matches.size();
    result.parsed = checked.tree.describe();
    for (const auto& c : checked.corrections) result.corrections.push_back({c.from, c.to});
    for (const auto& u : checked.understood) result.understood.push_back({u.words, u.what, u.as});
    if (!checked.corrections.empty()) {
        result.did_you_mean = detail::corrected_query(request.query, checked.corrections);
    }
    result.group_by = request.group_by;
    return result;
}

}  // namespace

Result<SearchResult> Searcher::Impl::run(const SearchRequest& request) {
    auto start = std::chrono::steady_clock::now();
    detail::ParseOptions parse_options;
    parse_options.vocabulary = &gen->vocabulary;
    auto checked = detail::check_request(request, parse_options);
    if (!checked.ok()) return checked.error();
    detail::correct_typos(checked.value(), *gen->spelling, parse_options);

    gen->columns->trim_cache(kMaxCacheBytes);
    gen->evaluator->trim_cache(kMaxCacheBytes);
    auto matches = detail::MatchSet::build(checked.value(), *gen);
    SearchResult result = result_head(checked.value(), matches);

    // The facets need only the match set: on a large one they are counted on
    // a thread of their own while this one orders the page (Xapian's ranking,
    // itself maybe on two threads, or a sort), else after it (the whole
    // index's counts are stored: always after).  The column store's cache is
    // locked for that (column_store.h); nothing else is shared.
    std::vector<FacetResult> facets;  // the helper's alone until it is joined
    auto count = [&] { facets = detail::count_facets(checked.value(), matches, *gen->columns); };
    std::optional<detail::Aside> aside;
    if (options.threads >= 2 && !request.facets.empty() &&
        matches.size() >= options.facets_aside_from && matches.size() < gen->columns->all().size()) {
        aside.emplace(count);
        result.facets_aside = true;
    }
    detail::fill_page(checked.value(), matches, *gen, options, result);
    if (aside) {
        aside->join();
    } else {
        count();
    }
    result.facets = std::move(facets);
    result.took_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace atlas
