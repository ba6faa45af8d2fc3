// Tests for orders and groups without relevance (query/ordering.cpp) on the index of
// every bundled portal.  The expected orders are sorted here from what atlas-index
// wrote into each Xapian document's value slots (browse key, folded title, group,
// numbers), not from the column file the stage reads.
#include "ordering.h"

#include <doctest/doctest.h>
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "match_set.h"
#include "schema/schema.h"
#include "stage_util.h"
#include "test_util.h"

using namespace atlas;
using detail::Bitmap;
using detail::MatchSet;
using detail::OpenGeneration;
using detail::Ordering;

namespace {

OpenGeneration& gen() {
    static auto g = test::open_current(test::portal_index().dir);
    return *g;
}

// What the value slots say of one document.
struct Slots {
    std::string browse;  // kind rank, then folded id
    std::string title;   // folded title
    std::string group;   // the id of its dataset, else its own
    std::string kind;
};

const Slots& slots(std::uint32_t docid) {
    static std::map<std::uint32_t, Slots> cache;
    auto [it, fresh] = cache.try_emplace(docid);
    if (fresh) {
        Xapian::Document doc = gen().db.get_document(docid);
        it->second.browse = doc.get_value(kSlotBrowseOrder);
        it->second.title = doc.get_value(kSlotTitle);
        it->second.group = doc.get_value(kSlotGroup);
        std::string siblings = doc.get_value(kSlotSiblings);  // group, kind, title
        auto a = siblings.find('\x1f');
        auto b = siblings.find('\x1f', a + 1);
        it->second.kind = siblings.substr(a + 1, b - a - 1);
    }
    return it->second;
}

std::vector<double> numbers(std::uint32_t docid, const std::string& field) {
    const FieldSpec* spec = find_field(field);
    REQUIRE(spec != nullptr);
    return unpack_numbers(
        gen().db.get_document(docid).get_value(static_cast<Xapian::valueno>(spec->slot)));
}

bool browse_less(std::uint32_t a, std::uint32_t b) { return slots(a).browse < slots(b).browse; }

// The matches of a request with this query (and sort), and the request checked.
struct Matches {
    SearchRequest request;
    detail::CheckedRequest checked;
    Bitmap docs;
};

std::unique_ptr<Matches> matches(const std::string& query, std::vector<SortKey> sort = {}) {
    auto m = std::make_unique<Matches>();
    m->request.query = query;
    m->request.sort = std::move(sort);
    m->checked = test::checked(m->request, gen());
    m->docs = *MatchSet::build(m->checked, gen()).all();
    return m;
}

std::vector<std::uint32_t> sorted(const Bitmap& docs,
                                  const std::function<bool(std::uint32_t, std::uint32_t)>& less) {
    auto v = docs.to_vector();
    std::sort(v.begin(), v.end(), less);
    return v;
}

// By a number field: the smallest value ascending, the largest descending;
// records without a value last; ties in browse order.
std::vector<std::uint32_t> by_number(const Bitmap& docs, const std::string& field,
                                     bool descending) {
    auto key = [&](std::uint32_t d) {
        auto values = numbers(d, field);
        if (values.empty()) return std::numeric_limits<double>::infinity();
        return descending ? -*std::max_element(values.begin(), values.end())
                          : *std::min_element(values.begin(), values.end());
    };
    std::map<std::uint32_t, double> keys;
    docs.each([&](std::uint32_t d) {
        keys[d] = key(d);
        return true;
    });
    return sorted(docs, [&](std::uint32_t a, std::uint32_t b) {
        if (keys[a] != keys[b]) return keys[a] < keys[b];
        return browse_less(a, b);
    });
}

// The queries whose matches the orders are checked on: every record, dense
// sets (walked in browse order) and sparse ones (partly sorted).
const std::vector<std::string> kQueries = {
    "",         "cell", "kind:annotation", "colorectal", "pombe quality:>=4",
    "membrane", "lung", "source:hoa"};

}  // namespace

TEST_CASE("browse order is kind rank then id, and every shorter page is a prefix of a longer") {
    std::size_t dense = 0, sparse = 0;
    for (const auto& query : kQueries) {
        CAPTURE(query);
        auto m = matches(query);
        REQUIRE(m->docs.size() > 20);
        (m->docs.size() * 8 > gen().columns->doc_count() ? dense : sparse)++;
        Ordering order(*gen().columns, m->checked);
        auto whole = order.first(m->docs, m->docs.size());
        CHECK(whole == sorted(m->docs, browse_less));
        for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{20}}) {
            CAPTURE(k);
            auto page = order.first(m->docs, k);
            CHECK(page == std::vector<std::uint32_t>(
                              whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(k)));
        }
        // More than there are: all of them.
        CHECK(order.first(m->docs, m->docs.size() + 5) == whole);
        // Kinds in their rank, ids ascending within a kind.
        for (std::size_t i = 1; i < whole.size(); ++i) {
            const auto& a = slots(whole[i - 1]);
            const auto& b = slots(whole[i]);
            CAPTURE(a.browse);
            CAPTURE(b.browse);
            CHECK(kind_rank(a.kind) <= kind_rank(b.kind));
            if (a.kind == b.kind) CHECK(a.browse.substr(1) < b.browse.substr(1));
        }
    }
    // Both ways of walking are taken.
    CHECK(dense >= 2);
    CHECK(sparse >= 2);
    // Every record: datasets first.
    auto all = matches("");
    Ordering order(*gen().columns, all->checked);
    auto first = order.first(all->docs, 3);
    REQUIRE(first.size() == 3);
    for (auto d : first) CHECK(slots(d).kind == "dataset");
}

TEST_CASE("a number sort puts records without a value last, ascending and descending") {
    for (const char* field : {"quality", "voxel_spacing", "release_date"}) {
        for (bool descending : {false, true}) {
            for (const auto& query : kQueries) {
                CAPTURE(field);
                CAPTURE(descending);
                CAPTURE(query);
                auto m = matches(query, {{field, descending}});
                Ordering order(*gen().columns, m->checked);
                auto whole = order.first(m->docs, m->docs.size());
                CHECK(whole == by_number(m->docs, field, descending));
                // Those without a value come after every one with one.
                bool seen_missing = false;
                for (auto d : whole) {
                    bool missing = numbers(d, field).empty();
                    if (seen_missing) CHECK(missing);
                    seen_missing = seen_missing || missing;
                }
                auto page = order.first(m->docs, 10);
                CHECK(page == std::vector<std::uint32_t>(
                                  whole.begin(),
                                  whole.begin() + std::min<std::ptrdiff_t>(10, std::ssize(whole))));
            }
        }
    }
    // The property is exercised: some records have a quality and some do not.
    auto all = matches("", {{"quality", true}});
    auto docs = all->docs.to_vector();
    auto with_quality = std::count_if(
        docs.begin(), docs.end(), [](std::uint32_t d) { return !numbers(d, "quality").empty(); });
    CHECK(with_quality > 100);
    CHECK(static_cast<std::uint64_t>(with_quality) < all->docs.size() - 100);
}

TEST_CASE("title, id and kind sorts follow the folded title, the folded id and the kind's rank") {
    auto id_of = [](std::uint32_t d) { return slots(d).browse.substr(1); };
    for (const auto& query : kQueries) {
        CAPTURE(query);
        for (bool descending : {false, true}) {
            CAPTURE(descending);
            auto title = matches(query, {{"title", descending}});
            // Equal titles in browse order, whatever the direction.
            CHECK(Ordering(*gen().columns, title->checked).first(title->docs, title->docs.size()) ==
                  sorted(title->docs, [&](std::uint32_t a, std::uint32_t b) {
                      if (slots(a).title != slots(b).title) {
                          return descending ? slots(a).title > slots(b).title
                                            : slots(a).title < slots(b).title;
                      }
                      return browse_less(a, b);
                  }));
            auto id = matches(query, {{"id", descending}});
            CHECK(Ordering(*gen().columns, id->checked).first(id->docs, id->docs.size()) ==
                  sorted(id->docs, [&](std::uint32_t a, std::uint32_t b) {
                      return descending ? id_of(a) > id_of(b) : id_of(a) < id_of(b);
                  }));
            auto kind = matches(query, {{"kind", descending}});
            CHECK(Ordering(*gen().columns, kind->checked).first(kind->docs, kind->docs.size()) ==
                  sorted(kind->docs, [&](std::uint32_t a, std::uint32_t b) {
                      int ka = kind_rank(slots(a).kind), kb = kind_rank(slots(b).kind);
                      if (ka != kb) return descending ? ka > kb : ka < kb;
                      return browse_less(a, b);
                  }));
        }
    }
    // Titles do repeat (the property of ties is exercised).
    auto all = matches("");
    std::set<std::string> titles;
    all->docs.each([&](std::uint32_t d) {
        titles.insert(slots(d).title);
        return true;
    });
    CHECK(titles.size() + 100 < all->docs.size());
}

TEST_CASE("group_count is the number of distinct datasets among the matches") {
    std::size_t shared = 0;
    for (const auto& query : kQueries) {
        CAPTURE(query);
        auto m = matches(query);
        std::set<std::string> groups;
        m->docs.each([&](std::uint32_t d) {
            groups.insert(slots(d).group);
            return true;
        });
        Ordering order(*gen().columns, m->checked);
        CHECK(order.group_count(m->docs) == groups.size());
        if (groups.size() < m->docs.size()) ++shared;
    }
    CHECK(shared >= 4);  // most sets have records of one dataset
    auto m = matches("");
    CHECK(Ordering(*gen().columns, m->checked).group_count(Bitmap()) == 0);
}

TEST_CASE("group_page orders the groups by their best member, and pages are slices of it") {
    std::vector<std::vector<SortKey>> sorts = {
        {}, {{"quality", true}}, {{"title", false}}, {{"release_date", false}}};
    for (const auto& query : kQueries) {
        for (const auto& sort : sorts) {
            CAPTURE(query);
            CAPTURE(sort.empty() ? std::string("browse") : sort.front().field);
            auto m = matches(query, sort);
            Ordering order(*gen().columns, m->checked);
            // Each group where its first member comes in the request's order.
            std::vector<std::string> want;
            for (auto d : order.first(m->docs, m->docs.size())) {
                const std::string& g = slots(d).group;
                if (std::find(want.begin(), want.end(), g) == want.end()) want.push_back(g);
            }
            auto groups = order.group_page(m->docs, 0, 1000);
            REQUIRE(groups.size() == want.size());
            CHECK(order.group_count(m->docs) == want.size());
            // A group is its dataset's document (or the record's own).
            CHECK(test::record_ids(gen(), groups) == want);
            for (std::uint32_t offset : {0u, 1u, 3u}) {
                for (std::uint32_t limit : {1u, 2u, 5u}) {
                    auto page = order.group_page(m->docs, offset, limit);
                    auto from = std::min<std::size_t>(offset, groups.size());
                    auto to = std::min<std::size_t>(std::size_t{offset} + limit, groups.size());
                    CHECK(page ==
                          std::vector<std::uint32_t>(groups.begin() + from, groups.begin() + to));
                }
            }
            CHECK(order.group_page(m->docs, static_cast<std::uint32_t>(groups.size()), 5).empty());
        }
    }
}
