// Tests for query/range_source.cpp against a brute-force filter on an in-memory index.
#include "range_source.h"

#include <doctest/doctest.h>
#include <xapian.h>

#include <random>
#include <set>

#include "schema/schema.h"

using namespace atlas;

namespace {

constexpr Xapian::valueno kSlot = 20;

struct Fixture {
    Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
    std::vector<std::vector<double>> values;  // by docid - 1

    Fixture() {
        std::mt19937 rng(42);
        std::uniform_int_distribution<int> count(0, 3);
        std::uniform_real_distribution<double> value(0, 100);
        for (int i = 0; i < 500; ++i) {
            Xapian::Document doc;
            doc.add_term(i % 2 == 0 ? "even" : "odd");
            std::vector<double> v;
            for (int k = count(rng); k > 0; --k) v.push_back(std::floor(value(rng)));
            if (!v.empty()) doc.add_value(kSlot, pack_numbers(v));
            values.push_back(v);
            db.add_document(doc);
        }
        db.commit();
    }

    std::set<Xapian::docid> run(const Xapian::Query& q) {
        Xapian::Enquire e(db);
        e.set_query(q);
        auto m = e.get_mset(0, db.get_doccount());
        std::set<Xapian::docid> out;
        for (auto it = m.begin(); it != m.end(); ++it) out.insert(*it);
        return out;
    }

    std::set<Xapian::docid> expected(double lo, bool lo_in, double hi, bool hi_in,
                                     const char* parity = nullptr) {
        std::set<Xapian::docid> out;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (parity != nullptr && (std::string(parity) == "even") != (i % 2 == 0)) continue;
            for (double v : values[i]) {
                if ((lo_in ? v >= lo : v > lo) && (hi_in ? v <= hi : v < hi)) {
                    out.insert(static_cast<Xapian::docid>(i + 1));
                    break;
                }
            }
        }
        return out;
    }

    static Xapian::Query range(double lo, bool lo_in, double hi, bool hi_in) {
        return Xapian::Query(
            (new detail::MultiValueRangeSource(kSlot, lo, lo_in, hi, hi_in))->release());
    }
};

}  // namespace

TEST_CASE("a multi-value range matches a document when any of its values is inside") {
    Fixture f;
    CHECK(f.run(Fixture::range(10, true, 20, true)) == f.expected(10, true, 20, true));
    CHECK(f.run(Fixture::range(10, false, 20, false)) == f.expected(10, false, 20, false));
    CHECK(f.run(Fixture::range(-1e300, true, 5, true)) == f.expected(-1e300, true, 5, true));
    CHECK(f.run(Fixture::range(99, true, 1e300, true)) == f.expected(99, true, 1e300, true));
    CHECK(f.run(Fixture::range(200, true, 300, true)).empty());
}

TEST_CASE("ranges combine with terms through next, skip_to and check") {
    Fixture f;
    // AND drives the source with skip_to; AND_NOT and FILTER with check.
    auto even = Xapian::Query("even");
    auto r = Fixture::range(30, true, 60, true);
    CHECK(f.run(Xapian::Query(Xapian::Query::OP_AND, even, r)) ==
          f.expected(30, true, 60, true, "even"));
    CHECK(f.run(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query("odd"), r)) ==
          f.expected(30, true, 60, true, "odd"));
    auto in_range = f.expected(30, true, 60, true);
    auto not_in = f.run(Xapian::Query(Xapian::Query::OP_AND_NOT, even, r));
    for (auto id : not_in) CHECK(in_range.count(id) == 0);
    CHECK(not_in.size() + f.expected(30, true, 60, true, "even").size() == 250);
    // Two ranges on the same slot, ANDed: each must hold (for some value each).
    auto both = f.run(Xapian::Query(Xapian::Query::OP_AND, Fixture::range(0, true, 10, true),
                                    Fixture::range(90, true, 100, true)));
    auto low = f.expected(0, true, 10, true);
    auto high = f.expected(90, true, 100, true);
    std::set<Xapian::docid> intersection;
    for (auto id : low) {
        if (high.count(id)) intersection.insert(id);
    }
    CHECK(both == intersection);
}
