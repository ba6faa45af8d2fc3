// workload_draw.h - drawing the benchmark workload from the records it will run on.
//
// One pass over the canonical records (*.jsonl, index/adapters/records_adapter.h)
// gathers word and value statistics and seeded samples of records; each
// request is then built from real text and real values, so it has hits:
//   keyword          1-3 consecutive words of a real title or object name
//   keyword_facets   1-2 words of a sampled record + 0-2 of its values as filters + facets
//   keyword_filters  1-3 words of a sampled record + 1-3 of its values as filters
//   browse_facets    no text + facets: the landing page, of all portals and of each
//                    portal (a source filter), in turn
//   filter_facets    1-3 values of a sampled record as filters + facets
//   range_units      a range with a unit on a number field around a real value
//                    ("<10A", "1..2nm", ">=60", ">1GB"), or a year range on a
//                    date field; half of them also name the record's kind
//   prefix           the first 4-5 letters of a real word + '*'
//   phrase           two adjacent real words, quoted
//   deep_page        a title word on more than 1,100 records, offset 1000
//   group_dataset    a word from a record that belongs to a dataset, group_by dataset
//   exact_term       one identifier value of a sampled record (object_id, dataset...)
//   typo             a keyword request with one word of 5+ letters misspelt: one edit
//                    (two adjacent letters swapped, one dropped, replaced or inserted;
//                    letters only), a third of the words of 9+ letters two, keeping 8
//                    letters; never a word of the records' titles or object names.
//                    Only atlas corrects typos: no engine need agree with it here
// Words are lower-case letters only, 3 or more, no stop words; filter values
// come from keyword fields that look like facets (at most 1,000 distinct
// values).  The facets are kind, source and the four such keyword fields
// that the most records have.  Every request asks for 20 hits.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "atlas/error.h"
#include "workload.h"

namespace atlas::bench {

struct WorkloadOptions {
    std::filesystem::path records_dir;  // *.jsonl under it, in path order
    std::uint64_t seed = 0;
    std::uint32_t per_scenario = 50;
    // The facets of the facet scenarios; empty = computed (see above).
    std::vector<std::string> facets;
};

struct DrawnWorkload {
    std::vector<WorkloadItem> items;  // scenario by scenario, in the order above
    std::vector<std::string> facets;  // the six facet fields
    std::uint64_t records = 0;        // records read
    std::map<std::string, std::uint32_t> per_scenario;
    std::vector<std::string> notes;  // scenarios that came out short, and why
};

// The scenario names, in order.
const std::vector<std::string>& workload_scenarios();

// Draws the workload.  Deterministic: the same records and options give the
// same items.  Errors: not_found (no record files), invalid_request (a bad
// record line, named; an unknown facet field).  Cost: one parse of every record; memory: the word
// and value statistics and a few thousand sampled records.
Result<DrawnWorkload> draw_workload(const WorkloadOptions& options);

}  // namespace atlas::bench
