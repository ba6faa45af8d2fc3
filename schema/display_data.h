// schema/display_data.h - the display data: what a hit shows, stored for each document in its
// shard's display file (display_file.h).
//
// A page of hits is shown from the display files alone, without reading the
// catalog: atlas-index (index/shard_writer.cpp) stores for every document the
// part of its record a hit shows, and readers (query/display_store.h) decode it.
//
// Format: compact JSON, one object, members in this order:
//   "id", "kind", "source", "title"   strings
//   "breadcrumb"  [{"id","kind","label"}, ...]: ancestors, root first, then the
//                 record itself
//   "fields"      {"<field>": [value, ...], ...}: the record's schema fields in
//                 first-seen order (values of fields the schema does not know
//                 are left out), each with its first kMaxDisplayValues values:
//                 number fields as JSON numbers in the field's display unit
//                 (rounded as units.h round_for_display), boolean fields as
//                 true / false, every other field as the value's text (dates as
//                 YYYY-MM-DD)
//   "more"        {"<field>": count, ...}: how many values of a field were left
//                 out (every value is still a search term); absent when none were
//   "links"       {"<rel>": ["url", ...], ...}: every link, grouped by rel in
//                 first-seen order (download manifests are made from them)
// e.g. {"id":"cryoet:run:10000/TS_026","kind":"run","source":"cryoet","title":"TS_026",
//       "breadcrumb":[...],"fields":{"voxel_spacing":[13.48,7.84],"ground_truth":[true],
//       "release_date":["2023-06-01"]},"links":{"s3":["s3://..."]}}
//
// The bytes are part of the index: changing what encode_display_data writes
// changes every index built afterwards (tests/schema/display_data_test.cpp
// holds a golden example).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "record.h"

namespace atlas {

// A hit shows at most this many values of a field (an HTAN publication names
// 30,000 files); "more" counts the rest.
inline constexpr std::size_t kMaxDisplayValues = 100;

// One shown value of a field.
struct DisplayValue {
    enum class Type { text, number, boolean };
    Type type = Type::text;
    std::string text;   // text: as shown
    double number = 0;  // number: in the field's display unit; boolean: 0 or 1
};

struct DisplayField {
    std::string name;  // a schema field name (schema.h)
    std::vector<DisplayValue> values;
    std::uint64_t more = 0;  // values left out after the first kMaxDisplayValues
};

struct DisplayLinks {
    std::string rel;  // s3, https, doi, ...
    std::vector<std::string> urls;
};

// The display data of one document, as decoded.
struct DisplayData {
    std::string id;
    std::string kind;
    std::string source;
    std::string title;
    std::vector<Crumb> breadcrumb;
    std::vector<DisplayField> fields;
    std::vector<DisplayLinks> links;
};

// The display data of `record` (the format above).  Cost: linear in the
// record's values times its fields.
std::string encode_display_data(const Record& record);

// Decodes display data.  Tolerant, as a reader showing hits must be: a member
// of the wrong type is skipped, never an error.  id, kind, source, title and a
// crumb's id, kind and label read as "" unless they are strings; a breadcrumb
// entry that is not an object, a field or link list that is not an array, a
// value that is neither a string, a number nor a boolean, a url that is not a
// string and a "more" count that is not an unsigned integer or names no field
// are left out.  nullopt when `data` is not JSON or not a JSON object.
std::optional<DisplayData> decode_display_data(std::string_view data);

}  // namespace atlas
