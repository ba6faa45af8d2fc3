// ordering.h - matches in the request's order when Xapian does not rank them, and groups.
//
// A sort by a field, or browse order when nothing ranks (kind, then id),
// reads the column file's orders and values: no Xapian.  Grouping by dataset
// counts the datasets of the matches and, unranked, orders them by their
// best member.  Ties are broken by browse order, so pages are stable.
#pragma once

#include <cstdint>
#include <vector>

#include "bitmap.h"
#include "column_store.h"
#include "request_check.h"

namespace atlas::detail {

class Ordering {
  public:
    // Orders by `checked`'s sort (its field was checked), else browse order.
    Ordering(ColumnStore& columns, const CheckedRequest& checked);

    // The first `count` documents of `docs` in the request's order.
    std::vector<std::uint32_t> first(const Bitmap& docs, std::size_t count) const;

    // The datasets (groups) `matches` fall in.
    std::uint64_t group_count(const Bitmap& matches) const;

    // The groups of the page [offset, offset + limit), each group placed by
    // its best member in the request's order.
    std::vector<std::uint32_t> group_page(const Bitmap& matches, std::uint32_t offset,
                                          std::uint32_t limit) const;

  private:
    // One document's sort key: smaller first.
    struct KeyedDoc {
        double key;
        std::uint32_t browse;
        std::uint32_t docid;
    };
    static bool key_less(const KeyedDoc& a, const KeyedDoc& b);
    std::vector<KeyedDoc> keyed(const Bitmap& docs) const;
    std::vector<KeyedDoc> keyed_by_kind(const Bitmap& docs) const;
    std::vector<KeyedDoc> keyed_by_number(const Bitmap& docs) const;

    // What orders: browse order (kind, then id), a rank of the column file,
    // or the values of a number or date field.
    enum class Key { browse, title, id, kind, number };
    static Key key_of(const CheckedRequest& checked);

    ColumnStore& columns_;
    Key key_;
    std::string field_;  // Key::number: the field
    double sign_ = 1.0;  // -1 descending
};

}  // namespace atlas::detail
