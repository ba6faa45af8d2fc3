// column_store.cpp - maps and checks the column file, builds bitmaps on demand.
//
// Every section's bounds are checked at open, so a damaged file is a corrupt
// error then, never a wild read later.
#include "column_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ranges>

#include "schema/column_format.h"
#include "schema/schema.h"

namespace atlas::detail {
namespace {

// The first i in [0, n) with !before(i), where `before` holds for a prefix of
// the range (a lower bound over sorted entries).
template <class Before>
std::uint32_t first_index(std::uint32_t n, Before before) {
    auto all = std::views::iota(std::uint32_t{0}, n);
    return static_cast<std::uint32_t>(std::ranges::partition_point(all, before) - all.begin());
}

template <class T>
bool span_at(const char* p, const char* end, std::size_t count, std::span<const T>& out) {
    if (reinterpret_cast<std::uintptr_t>(p) % alignof(T) != 0) return false;
    if (static_cast<std::size_t>(end - p) / sizeof(T) < count) return false;
    out = std::span<const T>(reinterpret_cast<const T*>(p), count);
    return true;
}

std::uint32_t u32_at(const char* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

}  // namespace

// The mapped file and, once read_header has read its table, its sections.
struct ColumnStore::File {
    const char* base;
    std::size_t size;
    std::string path;
    // Each section's bytes [first, second), by name.
    std::map<std::string, std::pair<const char*, const char*>, std::less<>> sections;

    Error corrupt(std::string_view what) const {
        return Error{Errc::corrupt, fmt::format("column file '{}' is damaged: {}; rebuild the "
                                                "index with atlas-index build",
                                                path, what)};
    }

    // Section `name`, which must hold exactly `items` u32s, as `out`.
    Status dense(std::string_view name, std::size_t items,
                 std::span<const std::uint32_t>& out) const {
        auto it = sections.find(name);
        if (it == sections.end()) return corrupt(fmt::format("no section '{}'", name));
        if (static_cast<std::size_t>(it->second.second - it->second.first) != items * 4 ||
            !span_at(it->second.first, it->second.second, items, out)) {
            return corrupt(fmt::format("section '{}' has the wrong size", name));
        }
        return {};
    }
};

std::string_view FacetColumn::exact(std::uint32_t code) const {
    return {dict_blob_ + dict_offsets_[2 * code], dict_offsets_[2 * code + 1] - dict_offsets_[2 * code]};
}

std::string_view FacetColumn::display(std::uint32_t code) const {
    return {dict_blob_ + dict_offsets_[2 * code + 1],
            dict_offsets_[2 * code + 2] - dict_offsets_[2 * code + 1]};
}

std::optional<std::uint32_t> FacetColumn::find(std::string_view exact_form) const {
    std::uint32_t lo = first_index(size(), [&](std::uint32_t i) { return exact(i) < exact_form; });
    if (lo < size() && exact(lo) == exact_form) return lo;
    return std::nullopt;
}

std::pair<std::uint32_t, std::uint32_t> FacetColumn::prefix_range(std::string_view prefix) const {
    std::uint32_t lo = 0, hi = size();
    while (lo < hi) {
        std::uint32_t mid = lo + (hi - lo) / 2;
        if (exact(mid) < prefix) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    std::uint32_t last = lo;
    while (last < size() && exact(last).starts_with(prefix)) ++last;
    return {lo, last};
}

std::span<const std::uint32_t> FacetColumn::docs_of(std::uint32_t code) const {
    return value_docids_.subspan(value_offsets_[code], value_offsets_[code + 1] - value_offsets_[code]);
}

ColumnStore::~ColumnStore() {
    if (map_ != nullptr) ::munmap(const_cast<void*>(map_), map_bytes_);
}

Result<std::unique_ptr<ColumnStore>> ColumnStore::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Error{errno == ENOENT ? Errc::not_found : Errc::unavailable,
                     fmt::format("cannot open column file '{}': {}", path, std::strerror(errno))};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(kColumnHeaderBytes)) {
        ::close(fd);
        return Error{Errc::corrupt, fmt::format("column file '{}' is damaged: too short ({} bytes); "
                                                "rebuild the index with atlas-index build",
                                                path, static_cast<long long>(st.st_size))};
    }
    auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
        return Error{Errc::unavailable,
                     fmt::format("cannot map column file '{}': {}", path, std::strerror(errno))};
    }
    std::unique_ptr<ColumnStore> store(new ColumnStore());
    store->map_ = map;
    store->map_bytes_ = size;
    File file{static_cast<const char*>(map), size, path, {}};
    if (auto s = store->read_header(file); !s.ok()) return s.error();
    if (auto s = store->read_orders(file); !s.ok()) return s.error();
    for (const auto& spec : field_specs()) {
        std::string name(spec.name);
        Status s;
        if (is_facet(spec)) {
            s = store->read_facet(file, name);
        } else if (spec.type == FieldType::number || spec.type == FieldType::date) {
            s = store->read_number(file, name);
        }
        if (!s.ok()) return s.error();
    }
    if (auto s = store->read_top_lists(file); !s.ok()) return s.error();
    if (auto s = store->read_deleted(file); !s.ok()) return s.error();
    const std::uint32_t n = store->doc_count_;
    store->all_ = n > 0 ? Bitmap::range(1, n) : Bitmap();
    store->all_ -= store->deleted_;
    return store;
}

// live.deleted: u32 P, u32 0, u32 docids[P], ascending and in 1..doc_count.
Status ColumnStore::read_deleted(const File& file) {
    auto it = file.sections.find("live.deleted");
    if (it == file.sections.end()) return {};
    const auto [first, last] = it->second;
    std::span<const std::uint32_t> head, docids;
    if (!span_at(first, last, 2, head) || !span_at(first + 8, last, head[0], docids) ||
        static_cast<std::size_t>(last - first) != 8 + std::size_t{head[0]} * 4) {
        return file.corrupt("section 'live.deleted' has the wrong size");
    }
    for (std::size_t i = 0; i < docids.size(); ++i) {
        if (docids[i] == 0 || docids[i] > doc_count_ || (i > 0 && docids[i] <= docids[i - 1])) {
            return file.corrupt("section 'live.deleted' lists a docid out of range or order");
        }
    }
    deleted_ = Bitmap::of(docids);
    return {};
}

Status ColumnStore::read_header(File& file) {
    const char* end = file.base + file.size;
    if (std::string_view(file.base, kColumnMagic.size()) != kColumnMagic) {
        return file.corrupt("not a column file");
    }
    std::uint32_t version = u32_at(file.base + 8);
    std::uint32_t schema = u32_at(file.base + 12);
    if (version != kColumnFormatVersion) {
        return file.corrupt(fmt::format("format version {}", version));
    }
    if (schema != static_cast<std::uint32_t>(kSchemaVersion)) {
        return Error{Errc::schema_mismatch,
                     fmt::format("column file '{}' was built with schema version {}; this "
                                 "atlas-search reads version {}: rebuild it with atlas-index build",
                                 file.path, schema, kSchemaVersion)};
    }
    doc_count_ = u32_at(file.base + 16);
    std::uint64_t table;
    std::memcpy(&table, file.base + 24, 8);
    if (table >= file.size || file.size - table < 4) {
        return file.corrupt("section table out of bounds");
    }
    const char* p = file.base + table;
    std::uint32_t count = u32_at(p);
    p += 4;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (end - p < 4) return file.corrupt("section table truncated");
        std::uint32_t len = u32_at(p);
        p += 4;
        if (static_cast<std::size_t>(end - p) < len) return file.corrupt("section name truncated");
        std::string name(p, len);
        p += len;
        while ((p - file.base) % 8 != 0) ++p;
        if (end - p < 16) return file.corrupt("section table truncated");
        std::uint64_t off, bytes;
        std::memcpy(&off, p, 8);
        std::memcpy(&bytes, p + 8, 8);
        p += 16;
        if (off > file.size || bytes > file.size - off) {
            return file.corrupt("section '" + name + "' out of bounds");
        }
        file.sections[name] = {file.base + off, file.base + off + bytes};
    }
    return {};
}

Status ColumnStore::read_orders(const File& file) {
    const std::uint32_t n = doc_count_;
    for (auto [name, out, items] :
         {std::tuple{"order.browse", &browse_rank_, n + 1},
          std::tuple{"order.by_browse", &by_browse_, n},
          std::tuple{"order.title", &title_rank_, n + 1}, std::tuple{"order.id", &id_rank_, n + 1},
          std::tuple{"tree.parent", &parent_, n + 1}, std::tuple{"tree.group", &group_, n + 1}}) {
        if (auto s = file.dense(name, items, *out); !s.ok()) return s;
    }
    if (file.sections.count("order.tie") != 0) {
        if (auto s = file.dense("order.tie", std::size_t{n} + 1, tie_rank_); !s.ok()) return s;
    }
    auto it = file.sections.find("tree.members");
    if (it == file.sections.end()) return file.corrupt("no section 'tree.members'");
    const char* q = it->second.first;
    if (!span_at(q, it->second.second, std::size_t{n} + 2, member_offsets_) ||
        !span_at(q + (std::size_t{n} + 2) * 4, it->second.second, n, member_docids_) ||
        member_offsets_.back() != n) {
        return file.corrupt("section 'tree.members' has the wrong size");
    }
    for (std::uint32_t d = 0; d <= n; ++d) {
        if (parent_[d] > n || group_[d] > n || (d > 0 && browse_rank_[d] >= n)) {
            return file.corrupt("a docid out of range in the orders or the hierarchy");
        }
    }
    for (auto d : by_browse_) {
        if (d == 0 || d > n) return file.corrupt("a docid out of range in order.by_browse");
    }
    return {};
}

Status ColumnStore::read_facet(const File& file, const std::string& name) {
    const auto& sections = file.sections;
    const std::uint32_t n = doc_count_;
    auto dict = sections.find("f." + name + ".dict");
    if (dict == sections.end()) return {};  // no record has the field
    auto cnt = sections.find("f." + name + ".count");
    auto vpost = sections.find("f." + name + ".vpost");
    auto dpost = sections.find("f." + name + ".dpost");
    if (cnt == sections.end() || vpost == sections.end() || dpost == sections.end()) {
        return file.corrupt("facet '" + name + "' is incomplete");
    }
    FacetColumn f;
    const char* q = dict->second.first;
    if (dict->second.second - q < 4) return file.corrupt("facet '" + name + "' dictionary");
    std::uint32_t v = u32_at(q);
    if (!span_at(q + 4, dict->second.second, 2 * std::size_t{v} + 1, f.dict_offsets_)) {
        return file.corrupt("facet '" + name + "' dictionary");
    }
    f.dict_blob_ = q + 4 + (2 * std::size_t{v} + 1) * 4;
    if (!std::is_sorted(f.dict_offsets_.begin(), f.dict_offsets_.end()) ||
        f.dict_offsets_.back() > static_cast<std::size_t>(dict->second.second - f.dict_blob_)) {
        return file.corrupt("facet '" + name + "' dictionary");
    }
    if (!span_at(cnt->second.first, cnt->second.second, v, f.counts_) ||
        !span_at(vpost->second.first, vpost->second.second, std::size_t{v} + 1, f.value_offsets_)) {
        return file.corrupt("facet '" + name + "' counts");
    }
    std::uint32_t postings = f.value_offsets_.back();
    if (!std::is_sorted(f.value_offsets_.begin(), f.value_offsets_.end()) ||
        !span_at(vpost->second.first + (std::size_t{v} + 1) * 4, vpost->second.second, postings,
                 f.value_docids_)) {
        return file.corrupt("facet '" + name + "' postings");
    }
    const char* dp = dpost->second.first;
    if (dpost->second.second - dp < 4) return file.corrupt("facet '" + name + "' pairs");
    std::uint32_t pairs = u32_at(dp);
    if (pairs != postings || !span_at(dp + 4, dpost->second.second, pairs, f.pair_docids_) ||
        !span_at(dp + 4 + std::size_t{pairs} * 4, dpost->second.second, pairs, f.pair_codes_)) {
        return file.corrupt("facet '" + name + "' pairs");
    }
    for (std::uint32_t i = 0; i < pairs; ++i) {
        if (f.pair_codes_[i] >= v || f.pair_docids_[i] > n || f.value_docids_[i] > n) {
            return file.corrupt("facet '" + name + "' names a value or docid out of range");
        }
    }
    facets_.emplace(name, f);
    return {};
}

Status ColumnStore::read_number(const File& file, const std::string& name) {
    const auto& sections = file.sections;
    const std::uint32_t n = doc_count_;
    auto docs = sections.find("n." + name + ".docs");
    if (docs == sections.end()) return {};
    auto sorted = sections.find("n." + name + ".sorted");
    if (sorted == sections.end()) return file.corrupt("number '" + name + "' is incomplete");
    NumberColumn c;
    const char* q = docs->second.first;
    const char* s = sorted->second.first;
    if (docs->second.second - q < 8 || sorted->second.second - s < 8) {
        return file.corrupt("number '" + name + "'");
    }
    std::uint32_t pairs = u32_at(q);
    if (u32_at(s) != pairs || !span_at(q + 8, docs->second.second, pairs, c.values) ||
        !span_at(q + 8 + std::size_t{pairs} * 8, docs->second.second, pairs, c.docids) ||
        !span_at(s + 8, sorted->second.second, pairs, c.sorted_values) ||
        !span_at(s + 8 + std::size_t{pairs} * 8, sorted->second.second, pairs, c.sorted_docids)) {
        return file.corrupt("number '" + name + "' is misaligned or truncated");
    }
    for (std::uint32_t i = 0; i < pairs; ++i) {
        if (c.docids[i] > n || c.sorted_docids[i] > n) {
            return file.corrupt("number '" + name + "' names a docid out of range");
        }
    }
    numbers_.emplace(name, c);
    return {};
}

Status ColumnStore::read_top_lists(const File& file) {
    const auto& sections = file.sections;
    const std::uint32_t n = doc_count_;
    auto terms = sections.find("rank.lists");
    if (terms == sections.end()) return {};  // optional: every match is ranked
    auto caps = sections.find("rank.caps");
    auto docs = sections.find("rank.docs");
    auto weights = sections.find("rank.weights");
    auto edges = sections.find("rank.edges");
    if (caps == sections.end() || docs == sections.end() || weights == sections.end() ||
        edges == sections.end()) {
        return file.corrupt("top lists are incomplete");
    }
    const char* q = terms->second.first;
    if (terms->second.second - q < 4) return file.corrupt("top list keys");
    std::uint32_t t = u32_at(q);
    if (!span_at(q + 4, terms->second.second, std::size_t{t} + 1, top_key_offsets_) ||
        !std::is_sorted(top_key_offsets_.begin(), top_key_offsets_.end()) ||
        top_key_offsets_.front() != 0 ||
        top_key_offsets_.back() >
            static_cast<std::size_t>(terms->second.second - (q + 4 + (std::size_t{t} + 1) * 4))) {
        return file.corrupt("top list keys");
    }
    top_key_blob_ = q + 4 + (std::size_t{t} + 1) * 4;
    if (!span_at(caps->second.first, caps->second.second, t, top_caps_) ||
        static_cast<std::size_t>(caps->second.second - caps->second.first) != std::size_t{t} * 8) {
        return file.corrupt("top list caps");
    }
    const char* d = docs->second.first;
    if (!span_at(d, docs->second.second, std::size_t{t} + 1, top_doc_offsets_) ||
        !std::is_sorted(top_doc_offsets_.begin(), top_doc_offsets_.end()) ||
        top_doc_offsets_.front() != 0 ||
        !span_at(d + (std::size_t{t} + 1) * 4, docs->second.second, top_doc_offsets_.back(),
                 top_docids_)) {
        return file.corrupt("top list docids");
    }
    if (!span_at(weights->second.first, weights->second.second, top_docids_.size(), top_weights_)) {
        return file.corrupt("top list weights");
    }
    if (!span_at(edges->second.first, edges->second.second, std::size_t{t} * 2, top_edges_)) {
        return file.corrupt("top list edges");
    }
    for (auto id : top_docids_) {
        if (id == 0 || id > n) return file.corrupt("a top list names a docid out of range");
    }
    return {};
}

const FacetColumn* ColumnStore::facet(std::string_view field) const {
    auto it = facets_.find(field);
    return it == facets_.end() ? nullptr : &it->second;
}

const NumberColumn* ColumnStore::number(std::string_view field) const {
    auto it = numbers_.find(field);
    return it == numbers_.end() ? nullptr : &it->second;
}

template <class Build>
const Bitmap& ColumnStore::cached(std::string key, Build build) {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    Bitmap b = build();
    b.optimize();
    cache_bytes_ += b.bytes();
    // Elements of an unordered_map keep their address when it grows.
    return cache_.emplace(std::move(key), std::move(b)).first->second;
}

const Bitmap& ColumnStore::value_docs(std::string_view field, const FacetColumn& column,
                                      std::uint32_t code) {
    return cached(fmt::format("v\x1f{}\x1f{}", field, code),
                  [&] { return Bitmap::of(column.docs_of(code)); });
}

const Bitmap& ColumnStore::present(std::string_view field) {
    return cached(fmt::format("p\x1f{}", field), [&] {
        Bitmap b;
        if (const FacetColumn* f = facet(field)) b = Bitmap::of(f->pair_docids());
        if (const NumberColumn* c = number(field)) b = Bitmap::of(c->docids);
        return b;
    });
}

const Bitmap& ColumnStore::number_range(std::string_view field, double lo, bool lo_inclusive,
                                        double hi, bool hi_inclusive) {
    std::string key = fmt::format("n\x1f{}\x1f{}{}\x1f{}{}", field, lo, lo_inclusive ? '[' : '(',
                                  hi, hi_inclusive ? ']' : ')');
    return cached(std::move(key), [&] {
        Bitmap b;
        const NumberColumn* c = number(field);
        if (c == nullptr) return b;
        const auto& values = c->sorted_values;
        auto first = lo_inclusive ? std::lower_bound(values.begin(), values.end(), lo)
                                  : std::upper_bound(values.begin(), values.end(), lo);
        auto last = hi_inclusive ? std::upper_bound(values.begin(), values.end(), hi)
                                 : std::lower_bound(values.begin(), values.end(), hi);
        if (first < last) {
            auto from = static_cast<std::size_t>(first - values.begin());
            auto to = static_cast<std::size_t>(last - values.begin());
            b = Bitmap::of(c->sorted_docids.subspan(from, to - from));
        }
        return b;
    });
}

void ColumnStore::trim_cache(std::size_t max_bytes) {
    std::lock_guard lock(cache_mu_);
    if (cache_bytes_ <= max_bytes) return;
    cache_.clear();
    cache_bytes_ = 0;
}

std::vector<TopListView> ColumnStore::top_lists(std::string_view term) const {
    std::vector<TopListView> out;
    if (top_key_offsets_.empty()) return out;
    auto key_at = [&](std::size_t i) {
        return std::string_view(top_key_blob_ + top_key_offsets_[i],
                                top_key_offsets_[i + 1] - top_key_offsets_[i]);
    };
    std::string head(term);
    head += '\0';
    std::size_t lo = first_index(static_cast<std::uint32_t>(top_caps_.size()),
                                 [&](std::uint32_t i) { return key_at(i) < head; });
    for (; lo < top_caps_.size() && key_at(lo).starts_with(head); ++lo) {
        std::size_t from = top_doc_offsets_[lo], count = top_doc_offsets_[lo + 1] - from;
        out.push_back({key_at(lo).substr(head.size()), top_caps_[lo],
                       top_docids_.subspan(from, count), top_weights_.subspan(from, count),
                       top_edges_[2 * lo], top_edges_[2 * lo + 1]});
    }
    return out;
}

std::span<const std::uint32_t> ColumnStore::members(std::uint32_t group_docid) const {
    if (group_docid >= member_offsets_.size() - 1) return {};
    return member_docids_.subspan(member_offsets_[group_docid],
                                  member_offsets_[group_docid + 1] - member_offsets_[group_docid]);
}

}  // namespace atlas::detail
