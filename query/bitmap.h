// bitmap.h - a set of docids: a small owning wrapper around a CRoaring bitmap.
//
// Match sets, facet values and filters are compressed bitmaps, so "records
// matching these filters" and "how many of them have this value" cost a few
// word operations per 65,536 documents, not a visit to each document.
// CRoaring (Debian's libroaring-dev) is C; this keeps its pointers out of
// every other file.  Not thread-safe; copies are deep.
#pragma once

#include <roaring/roaring.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace atlas::detail {

class Bitmap {
  public:
    Bitmap() : r_(roaring_bitmap_create()) {}
    // The documents [first, last], both included.
    static Bitmap range(std::uint32_t first, std::uint32_t last) {
        Bitmap b;
        if (first <= last) roaring_bitmap_add_range_closed(b.r_, first, last);
        return b;
    }
    // From docids in any order (duplicates are fine).
    static Bitmap of(std::span<const std::uint32_t> docids) {
        Bitmap b;
        if (!docids.empty()) roaring_bitmap_add_many(b.r_, docids.size(), docids.data());
        return b;
    }

    Bitmap(const Bitmap& o) : r_(roaring_bitmap_copy(o.r_)) {}
    Bitmap(Bitmap&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
    Bitmap& operator=(Bitmap o) noexcept {
        std::swap(r_, o.r_);
        return *this;
    }
    ~Bitmap() {
        if (r_ != nullptr) roaring_bitmap_free(r_);
    }

    void add(std::uint32_t docid) { roaring_bitmap_add(r_, docid); }
    void add_many(std::span<const std::uint32_t> docids) {
        if (!docids.empty()) roaring_bitmap_add_many(r_, docids.size(), docids.data());
    }
    bool contains(std::uint32_t docid) const { return roaring_bitmap_contains(r_, docid); }
    std::uint64_t size() const { return roaring_bitmap_get_cardinality(r_); }
    bool empty() const { return roaring_bitmap_is_empty(r_); }
    std::uint32_t min() const { return roaring_bitmap_minimum(r_); }
    // The docid with `rank` smaller ones (rank < size()).
    std::uint32_t select(std::uint32_t rank) const {
        std::uint32_t out = 0;
        roaring_bitmap_select(r_, rank, &out);
        return out;
    }

    Bitmap& operator&=(const Bitmap& o) {
        roaring_bitmap_and_inplace(r_, o.r_);
        return *this;
    }
    Bitmap& operator|=(const Bitmap& o) {
        roaring_bitmap_or_inplace(r_, o.r_);
        return *this;
    }
    Bitmap& operator-=(const Bitmap& o) {
        roaring_bitmap_andnot_inplace(r_, o.r_);
        return *this;
    }
    friend Bitmap operator&(const Bitmap& a, const Bitmap& b) { return Bitmap(roaring_bitmap_and(a.r_, b.r_)); }
    friend Bitmap operator|(const Bitmap& a, const Bitmap& b) { return Bitmap(roaring_bitmap_or(a.r_, b.r_)); }
    friend Bitmap operator-(const Bitmap& a, const Bitmap& b) { return Bitmap(roaring_bitmap_andnot(a.r_, b.r_)); }
    std::uint64_t and_size(const Bitmap& o) const { return roaring_bitmap_and_cardinality(r_, o.r_); }
    bool operator==(const Bitmap& o) const { return roaring_bitmap_equals(r_, o.r_); }

    // Smaller and faster after bulk building.
    void optimize() {
        roaring_bitmap_run_optimize(r_);
        roaring_bitmap_shrink_to_fit(r_);
    }
    std::size_t bytes() const { return roaring_bitmap_size_in_bytes(r_); }

    // Calls f(docid) for each docid in ascending order; f returns false to stop.
    template <class F>
    void each(F&& f) const {
        roaring_uint32_iterator_t it;
        roaring_init_iterator(r_, &it);
        std::uint32_t buf[256];
        while (true) {
            std::uint32_t n = roaring_read_uint32_iterator(&it, buf, 256);
            for (std::uint32_t i = 0; i < n; ++i) {
                if (!f(buf[i])) return;
            }
            if (n < 256) return;
        }
    }

    std::vector<std::uint32_t> to_vector() const {
        std::vector<std::uint32_t> out(size());
        if (!out.empty()) roaring_bitmap_to_uint32_array(r_, out.data());
        return out;
    }

    // The underlying bitmap, for iterators (read-only).
    const roaring_bitmap_t* raw() const { return r_; }

  private:
    explicit Bitmap(roaring_bitmap_t* r) : r_(r) {}
    roaring_bitmap_t* r_;
};

// A plain bit per document, for testing membership of many docids against
// one set (facet counting walks a field's values and asks of each docid).
class DenseSet {
  public:
    DenseSet(const Bitmap& b, std::uint32_t max_docid) : words_((max_docid >> 6) + 1, 0) {
        b.each([&](std::uint32_t d) {
            if (d <= max_docid) words_[d >> 6] |= std::uint64_t{1} << (d & 63);
            return true;
        });
    }
    bool contains(std::uint32_t d) const {
        std::size_t w = d >> 6;
        return w < words_.size() && ((words_[w] >> (d & 63)) & 1) != 0;
    }

  private:
    std::vector<std::uint64_t> words_;
};

}  // namespace atlas::detail
