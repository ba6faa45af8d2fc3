// column_store.h - the generation's column file (schema/column_format.h), mapped read-only.
//
// Gives facet values and their documents as bitmaps (built from the file on
// first use and kept), numbers for ranges, sorting and histograms, the
// orders (browse, title, id) and the hierarchy (parents, dataset groups).
// One ColumnStore per Searcher.  Within a request two threads may use it
// (facets are counted beside the ranking): the bitmap cache is locked, and
// the references it hands out stay valid until trim_cache, which only runs
// between requests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atlas/error.h"
#include "bitmap.h"

namespace atlas::detail {

// One facet field's values and postings.
class FacetColumn {
  public:
    std::uint32_t size() const { return static_cast<std::uint32_t>(counts_.size()); }
    std::string_view exact(std::uint32_t code) const;
    std::string_view display(std::uint32_t code) const;
    std::uint32_t count(std::uint32_t code) const { return counts_[code]; }
    // The code of an exact form, or nullopt.
    std::optional<std::uint32_t> find(std::string_view exact) const;
    // Codes whose exact form starts with `prefix`: [first, last).
    std::pair<std::uint32_t, std::uint32_t> prefix_range(std::string_view prefix) const;
    std::span<const std::uint32_t> docs_of(std::uint32_t code) const;
    // (docid, code) pairs, ascending by docid.
    std::span<const std::uint32_t> pair_docids() const { return pair_docids_; }
    std::span<const std::uint32_t> pair_codes() const { return pair_codes_; }

  private:
    friend class ColumnStore;
    std::span<const std::uint32_t> dict_offsets_;
    const char* dict_blob_ = nullptr;
    std::span<const std::uint32_t> counts_;
    std::span<const std::uint32_t> value_offsets_;
    std::span<const std::uint32_t> value_docids_;
    std::span<const std::uint32_t> pair_docids_;
    std::span<const std::uint32_t> pair_codes_;
};

// One number or date field: every value of every document.
struct NumberColumn {
    std::span<const std::uint32_t> docids;  // ascending
    std::span<const double> values;         // parallel to docids
    std::span<const double> sorted_values;  // ascending
    std::span<const std::uint32_t> sorted_docids;
};

// A frequent term's best documents of one kind and the bound on the rest
// (index/top_lists.h).
struct TopListView {
    std::string_view kind;
    double cap = 0;  // the term's largest weight in a document of the kind not listed
    std::span<const std::uint32_t> docids;  // ascending
    std::span<const double> weights;        // the term's weight in each
    // The first document of the kind left out in page order (weight desc,
    // tie rank, docid); UINT32_MAX for both when none is.
    std::uint32_t edge_tie = 0;
    std::uint32_t edge_docid = 0;
};

class ColumnStore {
  public:
    // Maps `path`.  Errors: not_found, corrupt (bad magic, version or bounds),
    // schema_mismatch.
    static Result<std::unique_ptr<ColumnStore>> open(const std::string& path);
    ~ColumnStore();
    ColumnStore(const ColumnStore&) = delete;
    ColumnStore& operator=(const ColumnStore&) = delete;

    // Docids 1..doc_count(), deleted ones included (an update's numbering).
    std::uint32_t doc_count() const { return doc_count_; }
    // Every live document: 1..doc_count() less deleted().
    const Bitmap& all() const { return all_; }
    // Documents an update replaced or removed (column_format.h live.deleted):
    // Xapian still holds them, so every set read from Xapian subtracts these.
    const Bitmap& deleted() const { return deleted_; }

    const FacetColumn* facet(std::string_view field) const;
    const NumberColumn* number(std::string_view field) const;

    // Documents with value `code` of `field` (cached; any thread).
    const Bitmap& value_docs(std::string_view field, const FacetColumn& column,
                             std::uint32_t code);
    // Documents with any value of `field` (cached; any thread).
    const Bitmap& present(std::string_view field);
    // Documents with a value of number field `field` in the range (cached;
    // any thread).
    const Bitmap& number_range(std::string_view field, double lo, bool lo_inclusive, double hi,
                               bool hi_inclusive);

    // Forgets the cached bitmaps when they take more than `max_bytes`.  Call
    // between requests only: it invalidates references handed out.
    void trim_cache(std::size_t max_bytes);

    std::span<const std::uint32_t> browse_rank() const { return browse_rank_; }
    std::span<const std::uint32_t> by_browse() const { return by_browse_; }
    std::span<const std::uint32_t> title_rank() const { return title_rank_; }
    std::span<const std::uint32_t> id_rank() const { return id_rank_; }
    // Rank in the order of equal relevance scores (kSlotRankTie); empty for a
    // file written before it was kept.
    std::span<const std::uint32_t> tie_rank() const { return tie_rank_; }
    std::span<const std::uint32_t> parent() const { return parent_; }
    std::span<const std::uint32_t> group() const { return group_; }
    // Docids whose group is `group_docid`.
    std::span<const std::uint32_t> members(std::uint32_t group_docid) const;
    // The top lists of Xapian term `term`, one per kind it occurs in, or none.
    std::vector<TopListView> top_lists(std::string_view term) const;

  private:
    ColumnStore() = default;
    // open()'s steps (column_store.cpp), in the order they check the file.
    struct File;
    Status read_header(File& file);        // the header and the section table
    Status read_orders(const File& file);  // order.* and tree.*
    Status read_facet(const File& file, const std::string& name);   // f.<name>.*, if any
    Status read_number(const File& file, const std::string& name);  // n.<name>.*, if any
    Status read_top_lists(const File& file);                        // rank.*, if any
    Status read_deleted(const File& file);                          // live.deleted, if any

    const void* map_ = nullptr;
    std::size_t map_bytes_ = 0;
    std::uint32_t doc_count_ = 0;
    Bitmap all_;
    Bitmap deleted_;
    std::map<std::string, FacetColumn, std::less<>> facets_;
    std::map<std::string, NumberColumn, std::less<>> numbers_;
    std::span<const std::uint32_t> browse_rank_, by_browse_, title_rank_, id_rank_, parent_,
        group_, member_offsets_, member_docids_;
    // Top lists (optional sections rank.*): keys (term NUL kind) sorted, caps,
    // docids by key.
    std::span<const std::uint32_t> top_key_offsets_, top_doc_offsets_, top_docids_;
    const char* top_key_blob_ = nullptr;
    std::span<const double> top_caps_, top_weights_;
    std::span<const std::uint32_t> top_edges_, tie_rank_;
    // Bitmaps built on first use: facet values and presence, number ranges.
    template <class Build>
    const Bitmap& cached(std::string key, Build build);
    std::mutex cache_mu_;
    std::unordered_map<std::string, Bitmap> cache_;
    std::size_t cache_bytes_ = 0;
};

}  // namespace atlas::detail
