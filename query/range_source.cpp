// range_source.cpp - MultiValueRangeSource.
#include "range_source.h"

#include <fmt/format.h>

#include <cstring>

#include "schema/schema.h"

namespace atlas::detail {

MultiValueRangeSource::MultiValueRangeSource(Xapian::valueno slot_no, double lo, bool lo_inclusive,
                                             double hi, bool hi_inclusive)
    : Xapian::ValuePostingSource(slot_no),
      lo_(lo),
      lo_inclusive_(lo_inclusive),
      hi_(hi),
      hi_inclusive_(hi_inclusive) {}

void MultiValueRangeSource::init(const Xapian::Database& database) {
    Xapian::ValuePostingSource::init(database);
    // Any document may or may not match; the value frequency bounds it.
    set_termfreq_min(0);
    set_termfreq_est(get_termfreq_max() / 2);
    set_maxweight(0);
}

bool MultiValueRangeSource::accepts(const std::string& packed) const {
    const std::size_t n = packed.size() / 8;
    for (std::size_t i = 0; i < n; ++i) {
        double v;
        std::memcpy(&v, packed.data() + i * 8, 8);
        bool above = lo_inclusive_ ? v >= lo_ : v > lo_;
        bool below = hi_inclusive_ ? v <= hi_ : v < hi_;
        if (above && below) return true;
    }
    return false;
}

void MultiValueRangeSource::settle() {
    while (!at_end() && !accepts(get_value())) Xapian::ValuePostingSource::next(0);
}

void MultiValueRangeSource::next(double min_wt) {
    Xapian::ValuePostingSource::next(min_wt);
    settle();
}

void MultiValueRangeSource::skip_to(Xapian::docid min_docid, double min_wt) {
    Xapian::ValuePostingSource::skip_to(min_docid, min_wt);
    settle();
}

bool MultiValueRangeSource::check(Xapian::docid min_docid, double min_wt) {
    if (!Xapian::ValuePostingSource::check(min_docid, min_wt)) return false;
    if (at_end()) return true;
    if (get_docid() != min_docid) {
        // Moved past it, so answer as skip_to() would: at the next match.
        settle();
        return true;
    }
    // On it: in range, or "not here" with the iterator left on it (an
    // indeterminate position the next next() moves on from).
    return accepts(get_value());
}

MultiValueRangeSource* MultiValueRangeSource::clone() const {
    return new MultiValueRangeSource(get_slot(), lo_, lo_inclusive_, hi_, hi_inclusive_);
}

std::string MultiValueRangeSource::get_description() const {
    return fmt::format("MultiValueRangeSource(slot {}, {}{}, {}{})", get_slot(),
                       lo_inclusive_ ? '[' : '(', lo_, hi_, hi_inclusive_ ? ']' : ')');
}

}  // namespace atlas::detail
