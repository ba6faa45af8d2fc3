// hierarchy.h - context flowing down (inheritance) and facts flowing up (roll-ups).
//
// A child inherits selected values of an ancestor as Origin::inherited (an
// annotation "knows" its dataset's organism); a parent receives the distinct
// values of selected fields of its descendants as Origin::rollup (a dataset
// "has" ribosome annotations), plus counts and quality statistics.  Both are
// generic over records, so every source adapter uses the same rules.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "schema/record.h"

namespace atlas::detail {

// Copies `from`'s values of `fields` into `to` as inherited (skipping values
// `to` already has).  `as` renames a field on the way ("title" -> "dataset_title").
void inherit(Record& to, const Record& from, std::span<const std::string_view> fields);
void inherit_as(Record& to, const Record& from, std::string_view field, std::string_view as);

// Drops the inherited and rolled-up values of a record kept from the previous
// generation: this build gives it its context and roll-ups again.
void keep_own_values(Record& record);

// Adds a value unless the record already has the same field with the same
// (case-folded) text; returns whether it was added.  Cost: a scan of the
// record's values; for many values of one field use UniqueAdder.
bool add_unique(Record& record, std::string_view field, std::string_view text,
                Origin origin = Origin::own);

// add_unique for many values of one field: remembers the folded values it has
// seen, so each add costs O(1) rather than a scan of the record (an HTAN
// publication names thousands of files, a file up to a hundred parents).
// Values of `field` added to the record by other means meanwhile are not seen.
class UniqueAdder {
  public:
    UniqueAdder(Record& record, std::string_view field, Origin origin = Origin::own);
    // Returns whether the value was added.
    bool add(std::string_view text);

  private:
    Record& record_;
    std::string field_;
    Origin origin_;
    std::unordered_set<std::string> seen_;
};

class Rollup {
  public:
    // Keyword fields whose distinct values roll up, number fields likewise, and
    // boolean fields that roll up as "any child has it" (a dataset has a
    // ground-truth annotation).
    explicit Rollup(std::span<const std::string_view> keyword_fields,
                    std::span<const std::string_view> number_fields,
                    std::span<const std::string_view> boolean_fields = {});

    // Counts `child` as one of `kind` and collects its own and rolled-up values.
    void add(const Record& child);
    // Adds everything another roll-up collected (a run's into its dataset's).
    void merge(const Rollup& other);

    // Writes the collected facts into `parent` as Origin::rollup: distinct
    // values, `<kind>_count` for each counted kind in `count_kinds`,
    // quality_best / quality_mean over all tilt-series qualities, and each
    // boolean field: true if any child's own value is, else false (a parent
    // with no child that has it answers no, not nothing), with the number of
    // true children as `<field>_count` when the schema has that field
    // (ground_truth_count).
    void apply(Record& parent, std::span<const std::string_view> count_kinds) const;

    std::uint64_t count(std::string_view kind) const;

  private:
    struct Distinct {
        std::vector<Value> values;              // in first-seen order
        std::unordered_set<std::string> keys;  // folded text (numbers: formatted) of values
    };
    void collect(const Value& v);

    std::vector<std::string> keyword_fields_;
    std::vector<std::string> number_fields_;
    std::map<std::string, Distinct, std::less<>> distinct_;
    std::map<std::string, std::uint64_t, std::less<>> counts_;
    std::vector<double> qualities_;  // every tilt series' own quality
    std::vector<std::string> boolean_fields_;
    std::map<std::string, std::uint64_t, std::less<>> true_counts_;  // own true values per field
};

}  // namespace atlas::detail
