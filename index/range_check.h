// index/range_check.h - warnings for numbers outside their field's plausible range.
//
// A stage of the build, run on each record the indexer accepts: every number
// the record holds itself is compared with its field's range (FieldSpec::range,
// declared in the field table).  Inherited and rolled-up copies are not
// checked, so a bad value is reported once, against the record and file that
// hold it.  The record is indexed unchanged: the warning is the whole effect
// (DESIGN.md, "Plausible ranges", says why).
#pragma once

#include <optional>
#include <string>

#include "adapters/json_reader.h"
#include "schema/record.h"
#include "schema/schema.h"

namespace atlas::detail {

// The message of the warning for `value`, a number of field `spec`, or nullopt
// when it lies within spec.range.  Outside are: NaN and infinities, anything
// beyond a bound (compared in the field's display unit), and a minus sign
// (-0 included, in the number or in its text) on a field whose range starts
// at 0 or above.  Quotes the value as written, with its unit:
// "'97' is outside the plausible range 1 to 5; indexed as written".
std::optional<std::string> range_problem(const FieldSpec& spec, const Value& value);

// Reports each own number of `record` that range_problem refuses to ctx's sink
// as a warning naming the field; the record itself is not changed.
void check_ranges(const Record& record, const IssueContext& ctx);

}  // namespace atlas::detail
