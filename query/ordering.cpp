// ordering.cpp - sorts, browse order and groups from the column file (ordering.h).
#include "ordering.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "schema/schema.h"

namespace atlas::detail {

Ordering::Key Ordering::key_of(const CheckedRequest& checked) {
    if (checked.by_relevance) return Key::browse;
    if (checked.sort_field == "title") return Key::title;
    if (checked.sort_field == "id") return Key::id;
    if (checked.sort_field == "kind") return Key::kind;
    return Key::number;  // a number or date field (request_check.h)
}

Ordering::Ordering(ColumnStore& columns, const CheckedRequest& checked)
    : columns_(columns),
      key_(key_of(checked)),
      field_(checked.sort_field),
      sign_(!checked.by_relevance && checked.descending ? -1.0 : 1.0) {}

bool Ordering::key_less(const KeyedDoc& a, const KeyedDoc& b) {
    if (a.key != b.key) return a.key < b.key;
    return a.browse < b.browse;
}

// The ordering key of each document of `docs`.  Documents without a value of
// a number field sort last.
std::vector<Ordering::KeyedDoc> Ordering::keyed(const Bitmap& docs) const {
    std::span<const std::uint32_t> rank;
    switch (key_) {
        case Key::kind:
            return keyed_by_kind(docs);
        case Key::number:
            return keyed_by_number(docs);
        case Key::browse:
            rank = columns_.browse_rank();
            break;
        case Key::title:
            rank = columns_.title_rank();
            break;
        case Key::id:
            rank = columns_.id_rank();
            break;
    }
    auto browse = columns_.browse_rank();
    std::vector<KeyedDoc> out;
    out.reserve(docs.size());
    docs.each([&](std::uint32_t d) {
        out.push_back({sign_ * rank[d], browse[d], d});
        return true;
    });
    return out;
}

// Kinds in browse order; within a kind, browse order whatever the direction.
std::vector<Ordering::KeyedDoc> Ordering::keyed_by_kind(const Bitmap& docs) const {
    std::vector<KeyedDoc> out;
    const FacetColumn* kind_column = columns_.facet("kind");
    if (kind_column == nullptr) return out;
    std::vector<double> rank_of_code;
    for (std::uint32_t c = 0; c < kind_column->size(); ++c) {
        rank_of_code.push_back(kind_rank(kind_column->display(c)));
    }
    auto browse = columns_.browse_rank();
    DenseSet in(docs, columns_.doc_count());
    auto ids = kind_column->pair_docids();
    auto codes = kind_column->pair_codes();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (in.contains(ids[i]))
            out.push_back({sign_ * rank_of_code[codes[i]], browse[ids[i]], ids[i]});
    }
    return out;
}

// The smallest value ascending, the largest descending; none: last.
std::vector<Ordering::KeyedDoc> Ordering::keyed_by_number(const Bitmap& docs) const {
    std::vector<KeyedDoc> out;
    out.reserve(docs.size());
    auto browse = columns_.browse_rank();
    const NumberColumn* column = columns_.number(field_);
    Bitmap without = docs;
    if (column != nullptr) {
        DenseSet in(docs, columns_.doc_count());
        std::uint32_t last = 0;
        for (std::size_t i = 0; i < column->docids.size(); ++i) {
            std::uint32_t d = column->docids[i];
            if (!in.contains(d)) continue;
            double k = sign_ * column->values[i];
            if (d == last) {
                out.back().key = std::min(out.back().key, k);
            } else {
                out.push_back({k, browse[d], d});
                last = d;
            }
        }
        without -= columns_.present(field_);
    }
    without.each([&](std::uint32_t d) {
        out.push_back({std::numeric_limits<double>::infinity(), browse[d], d});
        return true;
    });
    return out;
}

std::vector<std::uint32_t> Ordering::first(const Bitmap& docs, std::size_t count) const {
    std::vector<std::uint32_t> out;
    if (key_ == Key::browse && docs.size() * 8 > columns_.doc_count()) {
        // Dense: walk the browse order and keep what is in the set.
        DenseSet in(docs, columns_.doc_count());
        for (auto d : columns_.by_browse()) {
            if (out.size() == count) break;
            if (in.contains(d)) out.push_back(d);
        }
        return out;
    }
    auto all = keyed(docs);
    std::size_t k = std::min(count, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                      key_less);
    for (std::size_t i = 0; i < k; ++i) out.push_back(all[i].docid);
    return out;
}

std::uint64_t Ordering::group_count(const Bitmap& matches) const {
    auto group = columns_.group();
    std::vector<std::uint64_t> seen((std::size_t{columns_.doc_count()} >> 6) + 1, 0);
    std::uint64_t count = 0;
    matches.each([&](std::uint32_t d) {
        std::uint32_t g = group[d];
        std::uint64_t bit = std::uint64_t{1} << (g & 63);
        if ((seen[g >> 6] & bit) == 0) {
            seen[g >> 6] |= bit;
            ++count;
        }
        return true;
    });
    return count;
}

std::vector<std::uint32_t> Ordering::group_page(const Bitmap& matches, std::uint32_t offset,
                                                std::uint32_t limit) const {
    auto group = columns_.group();
    // Each group's best member, then the groups in that order.
    std::unordered_map<std::uint32_t, KeyedDoc> best;
    for (const auto& k : keyed(matches)) {
        auto [it, fresh] = best.try_emplace(group[k.docid], k);
        if (!fresh && key_less(k, it->second)) it->second = k;
    }
    std::vector<KeyedDoc> heads;
    heads.reserve(best.size());
    for (const auto& [g, k] : best) heads.push_back(k);
    std::size_t want = std::min(heads.size(), std::size_t{offset} + limit);
    std::partial_sort(heads.begin(), heads.begin() + static_cast<std::ptrdiff_t>(want), heads.end(),
                      key_less);
    std::vector<std::uint32_t> out;
    for (std::size_t i = offset; i < want; ++i) out.push_back(group[heads[i].docid]);
    return out;
}

}  // namespace atlas::detail
