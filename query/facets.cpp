// facets.cpp - exact facet counts and histograms from the column file.
#include "facets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "schema/record.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

// A field with at most this many candidate values is counted value by value
// (bitmap intersections); a larger one by one walk over its pairs.
constexpr std::uint32_t kPerValueMax = 48;

// Calendar years: [Jan 1 of y, Jan 1 of y+1) in days since 1970.
double days_of_year_start(int year) {
    double days = 0;
    parse_iso_date(fmt::format("{:04d}-01-01", year), days);
    return days;
}

int year_of_days(double days) {
    // Howard Hinnant's civil_from_days, year only.
    long z = static_cast<long>(std::floor(days)) + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long m = mp < 10 ? mp + 3 : mp - 9;
    return static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

// 1, 2 or 5 times a power of ten, at least `x`.
double nice_step(double x) {
    if (!(x > 0)) return 1;
    double p = std::pow(10.0, std::floor(std::log10(x)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * p >= x) return m * p;
    }
    return 10 * p;
}

struct Bucket {
    double lo;  // canonical, inclusive
    double hi;  // canonical, exclusive
    std::string value;
    std::string label;
    double shown_lo;
    double shown_hi;
};

// The buckets of a number or date field, from its scale or its whole range.
std::vector<Bucket> buckets_of(const FieldSpec& spec, const NumberColumn& column) {
    std::vector<Bucket> out;
    if (column.sorted_values.empty()) return out;
    double min = column.sorted_values.front();
    double max = column.sorted_values.back();
    if (spec.type == FieldType::date) {
        int to = std::min(year_of_days(max), year_of_days(min) + 300);
        for (int y = year_of_days(min); y <= to; ++y) {
            out.push_back({days_of_year_start(y), days_of_year_start(y + 1), std::to_string(y), "",
                           static_cast<double>(y), static_cast<double>(y + 1)});
        }
        return out;
    }
    if (auto levels = field_scale(spec); !levels.empty()) {
        std::vector<double> ratings;
        for (const auto& l : levels) ratings.push_back(l.rating);
        std::sort(ratings.begin(), ratings.end());
        for (std::size_t i = 0; i < ratings.size(); ++i) {
            double hi = i + 1 < ratings.size() ? ratings[i + 1] : ratings[i] + 1;
            out.push_back({ratings[i], hi, format_number(ratings[i]),
                           std::string(scale_label(spec, ratings[i])), ratings[i], hi});
        }
        return out;
    }
    const Unit* unit = find_unit(spec.unit);
    auto shown = [&](double v) { return unit != nullptr ? from_canonical(v, *unit) : v; };
    auto canonical = [&](double v) { return unit != nullptr ? to_canonical(v, *unit) : v; };
    double lo = shown(min), hi = shown(max);
    double step = nice_step((hi - lo) / 8);
    double first = std::floor(lo / step) * step;
    for (int i = 0; i < 64; ++i) {
        double a = first + i * step;
        if (a > hi) break;
        double b = a + step;
        out.push_back({canonical(a), canonical(b),
                       fmt::format("{}..{}", format_number(round_for_display(a)),
                                   format_number(round_for_display(b))),
                       "", round_for_display(a), round_for_display(b)});
    }
    return out;
}

// Records of `base` without a value of `field`; `everything`: base is the whole index.
std::uint64_t missing(ColumnStore& columns, std::string_view field, const Bitmap& base,
                      bool everything) {
    return base.size() -
           (everything ? columns.present(field).size() : base.and_size(columns.present(field)));
}

// A number or date field's buckets and their counts over `base`.
void count_buckets(ColumnStore& columns, const FieldSpec& spec, const Bitmap& base, bool everything,
                   FacetResult& out) {
    out.numeric = true;
    out.unit = spec.type == FieldType::date ? "" : std::string(spec.unit);
    const NumberColumn* column = columns.number(spec.name);
    if (column == nullptr) {
        out.missing = base.size();
        return;
    }
    auto buckets = buckets_of(spec, *column);
    std::vector<std::uint64_t> counts(buckets.size(), 0);
    std::vector<std::uint32_t> last(buckets.size(), 0);  // a record counts once per bucket
    std::optional<DenseSet> in_base;
    if (!everything && !column->docids.empty()) in_base.emplace(base, columns.doc_count());
    for (std::size_t i = 0; i < column->docids.size(); ++i) {
        std::uint32_t d = column->docids[i];
        if (!everything && !in_base->contains(d)) continue;
        double v = column->values[i];
        auto it = std::upper_bound(buckets.begin(), buckets.end(), v,
                                   [](double x, const Bucket& b) { return x < b.lo; });
        if (it == buckets.begin()) continue;
        std::size_t b = static_cast<std::size_t>(it - buckets.begin()) - 1;
        if (v >= buckets[b].hi && b + 1 != buckets.size()) continue;
        if (last[b] != d) {
            last[b] = d;
            ++counts[b];
        }
    }
    for (std::size_t b = 0; b < buckets.size(); ++b) {
        if (counts[b] == 0) continue;
        ++out.distinct;
        // The bucket as a filter takes it back: a rating, a year, a range
        // (a range filter includes its upper end, the bucket does not).
        const std::string& key = buckets[b].value;
        out.values.push_back({buckets[b].value, key, counts[b], buckets[b].label,
                              buckets[b].shown_lo, buckets[b].shown_hi});
    }
    out.missing = missing(columns, spec.name, base, everything);
}

// The codes to count: all of them, or those a facet-value search names.
// A search matches the start of the value or of any word in it ("Mahamid"
// finds "Julia Mahamid"); a boolean's is matched against what is shown
// (yes / no) as well as what is stored (true / false).
std::vector<std::uint32_t> candidate_codes(const FacetColumn& column, const FieldSpec& spec,
                                           const std::string& prefix) {
    std::vector<std::uint32_t> candidates;
    if (prefix.empty()) {
        candidates.resize(column.size());
        for (std::uint32_t c = 0; c < column.size(); ++c) candidates[c] = c;
    } else if (spec.type == FieldType::boolean) {
        std::string p = fold(prefix);
        for (std::uint32_t c = 0; c < column.size(); ++c) {
            std::string_view stored = column.exact(c);
            std::string_view shown = stored == "true" ? "yes" : "no";
            if (stored.starts_with(p) || shown.starts_with(p)) candidates.push_back(c);
        }
    } else {
        std::string p = exact_value(spec, prefix);
        auto [first, last] = column.prefix_range(p);
        for (std::uint32_t c = 0; c < column.size(); ++c) {
            bool hit = c >= first && c < last;
            if (!hit && !p.empty() && spec.type != FieldType::identifier) {
                // The exact form is the value's words run together; try it from
                // each later word on.
                auto words = tokenize(column.display(c));
                for (std::size_t w = 1; !hit && w < words.size(); ++w) {
                    std::string rest;
                    for (std::size_t k = w; k < words.size() && rest.size() < p.size(); ++k) {
                        rest += words[k].term;
                    }
                    hit = rest.starts_with(p);
                }
            }
            if (hit) candidates.push_back(c);
        }
    }
    return candidates;
}

// (count over `base`, code) of each candidate: the stored counts for the whole
// index, else per value (few values, or a boolean) or by one walk over the pairs.
std::vector<std::pair<std::uint64_t, std::uint32_t>> count_codes(
    ColumnStore& columns, const FieldSpec& spec, const FacetColumn& column, const Bitmap& base,
    bool everything, const std::vector<std::uint32_t>& candidates) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> counted;
    if (everything) {
        for (std::uint32_t c : candidates) counted.emplace_back(column.count(c), c);
    } else if (candidates.size() <= kPerValueMax || spec.type == FieldType::boolean) {
        for (std::uint32_t c : candidates) {
            counted.emplace_back(base.and_size(columns.value_docs(spec.name, column, c)), c);
        }
    } else {
        std::vector<std::uint64_t> counts(column.size(), 0);
        auto docids = column.pair_docids();
        auto codes = column.pair_codes();
        const DenseSet in(base, columns.doc_count());
        for (std::size_t i = 0; i < docids.size(); ++i) {
            if (in.contains(docids[i])) ++counts[codes[i]];
        }
        for (std::uint32_t c : candidates) counted.emplace_back(counts[c], c);
    }
    return counted;
}

}  // namespace

FacetResult count_facet(ColumnStore& columns, const FieldSpec& spec, const Bitmap& base,
                                const FacetRequest& request) {
    FacetResult out;
    out.field = std::string(spec.name);
    out.prefix = request.prefix;
    out.label = std::string(spec.label);
    // Every live document: the stored counts are the answer.
    const bool everything = base.size() == columns.all().size();
    if (spec.type == FieldType::number || spec.type == FieldType::date) {
        count_buckets(columns, spec, base, everything, out);
        return out;
    }

    const FacetColumn* column = columns.facet(spec.name);
    if (column == nullptr) {
        out.missing = base.size();
        return out;
    }
    auto counted = count_codes(columns, spec, *column, base, everything,
                               candidate_codes(*column, spec, request.prefix));
    std::erase_if(counted, [](const auto& p) { return p.first == 0; });
    out.distinct = counted.size();
    std::size_t keep = std::min<std::size_t>(request.size, counted.size());
    auto order = [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        return column->exact(a.second) < column->exact(b.second);
    };
    std::partial_sort(counted.begin(), counted.begin() + static_cast<std::ptrdiff_t>(keep),
                      counted.end(), order);
    for (std::size_t i = 0; i < counted.size(); ++i) {
        if (i < keep) {
            const auto& [count, code] = counted[i];
            std::string shown(column->display(code));
            if (spec.type == FieldType::boolean) shown = shown == "true" ? "yes" : "no";
            out.values.push_back({std::move(shown), std::string(column->exact(code)), count, "", 0, 0});
        } else {
            out.other += counted[i].first;
        }
    }
    out.missing = missing(columns, spec.name, base, everything);
    return out;
}

std::vector<FacetResult> count_facets(const CheckedRequest& checked, const MatchSet& matches,
                                      ColumnStore& columns) {
    std::vector<FacetResult> out;
    const auto& facets = checked.request->facets;
    for (std::size_t i = 0; i < facets.size(); ++i) {
        const FieldSpec& spec = *checked.facet_fields[i];
        if (matches.conditioned_on(spec.name)) {
            out.push_back(count_facet(columns, spec, matches.without(spec.name), facets[i]));
        } else {
            out.push_back(count_facet(columns, spec, *matches.all(), facets[i]));
        }
    }
    return out;
}

}  // namespace atlas::detail
