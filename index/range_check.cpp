// range_check.cpp - the plausible-range stage of the build (range_check.h).
#include "range_check.h"

#include <fmt/format.h>

#include <cmath>

#include "schema/units.h"

namespace atlas::detail {
namespace {

// `value` in the field's display unit, where the range is declared.
double in_display_unit(const FieldSpec& spec, const Value& value) {
    const Unit* unit = find_unit(spec.unit);
    return unit != nullptr ? from_canonical(value.number, *unit) : value.number;
}

// A minus sign on a field that cannot be negative.  Unit conversion adds an
// offset (-0.0 + 0.0 is +0.0), so a written "-0" may reach here as +0: the
// text is looked at too, but only in a unit whose zero is the field's zero
// (-196 °C is a cold sample, not a negative temperature).
bool negative_sign(const FieldSpec& spec, const Value& value) {
    if (spec.range.min < 0) return false;
    if (std::signbit(value.number)) return true;
    const Unit* written = find_unit(value.unit);
    bool same_zero = written == nullptr || written->offset == 0;
    return same_zero && value.text.starts_with('-');
}

std::string with_unit(std::string_view number, std::string_view unit) {
    return unit.empty() ? std::string(number) : fmt::format("{} {}", number, unit);
}

}  // namespace

std::optional<std::string> range_problem(const FieldSpec& spec, const Value& value) {
    double shown = in_display_unit(spec, value);
    // Written so that NaN, which compares false with everything, is outside.
    bool inside = shown >= spec.range.min && shown <= spec.range.max;
    if (inside && !negative_sign(spec, value)) return std::nullopt;
    std::string written = value.text.empty() ? format_number(value.number) : value.text;
    return fmt::format("'{}' is outside the plausible range {} to {}; indexed as written",
                       with_unit(written, value.unit), format_number(spec.range.min),
                       with_unit(format_number(spec.range.max), spec.unit));
}

void check_ranges(const Record& record, const IssueContext& ctx) {
    for (const auto& value : record.values) {
        if (value.origin != Origin::own) continue;
        const FieldSpec* spec = find_field(value.field);
        if (spec == nullptr || spec->type != FieldType::number) continue;
        if (auto problem = range_problem(*spec, value)) {
            report_warning(ctx, spec->name, std::move(*problem));
        }
    }
}

}  // namespace atlas::detail
