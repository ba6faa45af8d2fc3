// hierarchy.cpp - inheritance and roll-ups.
#include "hierarchy.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

bool has_value(const Record& r, std::string_view field, std::string_view folded) {
    return std::any_of(r.values.begin(), r.values.end(),
                       [&](const Value& v) { return v.field == field && fold(v.text) == folded; });
}

}  // namespace

void inherit(Record& to, const Record& from, std::span<const std::string_view> fields) {
    for (auto field : fields) inherit_as(to, from, field, field);
}

void inherit_as(Record& to, const Record& from, std::string_view field, std::string_view as) {
    for (const auto& v : from.values) {
        if (v.field != field) continue;
        if (has_value(to, as, fold(v.text))) continue;
        Value copy = v;
        copy.field = as;
        copy.origin = Origin::inherited;
        to.values.push_back(std::move(copy));
    }
}

void keep_own_values(Record& record) {
    std::erase_if(record.values, [](const Value& v) { return v.origin != Origin::own; });
}

bool add_unique(Record& record, std::string_view field, std::string_view text, Origin origin) {
    if (text.empty() || has_value(record, field, fold(text))) return false;
    record.add(field, text, origin);
    return true;
}

UniqueAdder::UniqueAdder(Record& record, std::string_view field, Origin origin)
    : record_(record), field_(field), origin_(origin) {
    for (const auto& v : record.values) {
        if (v.field == field_) seen_.insert(fold(v.text));
    }
}

bool UniqueAdder::add(std::string_view text) {
    if (text.empty() || !seen_.insert(fold(text)).second) return false;
    record_.add(field_, text, origin_);
    return true;
}

Rollup::Rollup(std::span<const std::string_view> keyword_fields,
               std::span<const std::string_view> number_fields,
               std::span<const std::string_view> boolean_fields)
    : keyword_fields_(keyword_fields.begin(), keyword_fields.end()),
      number_fields_(number_fields.begin(), number_fields.end()),
      boolean_fields_(boolean_fields.begin(), boolean_fields.end()) {}

void Rollup::collect(const Value& v) {
    auto& d = distinct_[v.field];
    std::string key = v.unit.empty() ? fold(v.text) : format_number(v.number);
    if (!d.keys.insert(std::move(key)).second) return;
    Value copy = v;
    copy.origin = Origin::rollup;
    d.values.push_back(std::move(copy));
}

void Rollup::add(const Record& child) {
    ++counts_[child.kind];
    for (const auto& v : child.values) {
        // Inherited context flows down only; rolling it back up would count an
        // ancestor's own value as a child's.
        if (v.origin == Origin::inherited) continue;
        bool wanted = std::find(keyword_fields_.begin(), keyword_fields_.end(), v.field) !=
                          keyword_fields_.end() ||
                      std::find(number_fields_.begin(), number_fields_.end(), v.field) !=
                          number_fields_.end();
        if (wanted) collect(v);
        if (v.origin != Origin::own) continue;
        if (v.field == "quality" && child.kind == "tiltseries") qualities_.push_back(v.number);
        if (v.number != 0 && std::find(boolean_fields_.begin(), boolean_fields_.end(), v.field) !=
                                 boolean_fields_.end()) {
            ++true_counts_[v.field];
        }
    }
}

void Rollup::merge(const Rollup& other) {
    for (const auto& [field, d] : other.distinct_) {
        for (const auto& v : d.values) collect(v);
    }
    for (const auto& [kind, n] : other.counts_) counts_[kind] += n;
    qualities_.insert(qualities_.end(), other.qualities_.begin(), other.qualities_.end());
    for (const auto& [field, n] : other.true_counts_) true_counts_[field] += n;
}

std::uint64_t Rollup::count(std::string_view kind) const {
    auto it = counts_.find(kind);
    return it == counts_.end() ? 0 : it->second;
}

void Rollup::apply(Record& parent, std::span<const std::string_view> count_kinds) const {
    // The parent's own values of a field, keyed as collect() keys them, so a
    // roll-up of thousands of values costs a lookup each, not a scan.
    auto order = [&](const std::vector<std::string>& fields) {
        for (const auto& field : fields) {
            auto it = distinct_.find(field);
            if (it == distinct_.end()) continue;
            std::unordered_set<std::string> texts;
            std::unordered_set<double> numbers;
            for (const auto& own : parent.values) {
                if (own.field != field) continue;
                texts.insert(fold(own.text));
                numbers.insert(own.number);
            }
            for (const auto& v : it->second.values) {
                bool present = v.unit.empty() ? texts.count(fold(v.text)) != 0
                                              : numbers.count(v.number) != 0;
                if (!present) parent.values.push_back(v);
            }
        }
    };
    order(keyword_fields_);
    order(number_fields_);
    for (auto kind : count_kinds) {
        std::uint64_t n = count(kind);
        std::string field = std::string(kind) + "_count";
        parent.add_number(field, static_cast<double>(n), std::to_string(n), "", Origin::rollup);
    }
    if (!qualities_.empty()) {
        double best = *std::max_element(qualities_.begin(), qualities_.end());
        double mean = std::accumulate(qualities_.begin(), qualities_.end(), 0.0) /
                      static_cast<double>(qualities_.size());
        mean = std::round(mean * 100) / 100;
        parent.add_number("quality_best", best, format_number(best), "", Origin::rollup);
        parent.add_number("quality_mean", mean, format_number(mean), "", Origin::rollup);
    }
    for (const auto& field : boolean_fields_) {
        auto it = true_counts_.find(field);
        std::uint64_t n = it == true_counts_.end() ? 0 : it->second;
        parent.add_bool(field, n != 0, Origin::rollup);
        std::string count_field = field + "_count";
        if (find_field(count_field) == nullptr) continue;
        parent.add_number(count_field, static_cast<double>(n), std::to_string(n), "",
                          Origin::rollup);
    }
}

}  // namespace atlas::detail
