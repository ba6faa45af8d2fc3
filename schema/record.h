// schema/record.h - the record: one searchable thing (a dataset, a run, an annotation...).
//
// Adapters turn source files into records; the indexer stores each one as JSON
// in the catalog and as a Xapian document.  A record is self-contained: it
// carries the context it inherits from its ancestors and the facts rolled up
// from its children, so the Xapian index can be rebuilt from the catalog alone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"

namespace atlas {

// Where a value comes from; inherited and rolled-up values weigh less in ranking.
enum class Origin { own, inherited, rollup };

const char* origin_name(Origin origin);

struct Value {
    std::string field;  // a schema field name (schema/schema.h)
    std::string text;   // as shown: the original text ("13.48", "2023-06-01", "true")
    double number = 0;  // numbers: canonical unit; dates: days since 1970-01-01; booleans: 0 or 1
    std::string unit;   // numbers: the unit the source wrote (or implied), e.g. "Å", "V"
    std::string original;  // keywords normalised from another spelling: the source's ("Covid")
    Origin origin = Origin::own;
};

struct Link {
    std::string rel;  // s3, https, mrc, zarr, file, doi, related, portal, ...
    std::string url;
};

struct Crumb {
    std::string id;
    std::string kind;
    std::string label;
};

struct Record {
    std::string id;      // stable, source-qualified: cryoet:run:10000/TS_026
    std::string source;  // cryoet
    std::string kind;    // dataset, run, ...
    std::string parent;  // parent record id, or empty
    std::string title;
    std::string file;                  // source file, relative to the source root
    std::vector<std::string> aliases;  // other ids that find this record exactly
    std::vector<Crumb> breadcrumb;     // ancestors, root first, then the record itself
    std::vector<Value> values;
    std::vector<Link> links;
    // This record's line of the PaNOSC file without "record" (panosc_format.h),
    // or empty: set by the adapters that read PaNOSC dumps, whose rows are the
    // model's own and are kept as the source wrote them.
    std::string panosc;

    // Appends a value; empty text, invalid dates and non-finite numbers are
    // ignored (adapters report them before they get here).
    void add(std::string_view field, std::string_view text, Origin origin = Origin::own);
    // A keyword value normalised from the source's spelling ("COVID-19" from
    // "Covid"); the original is kept, shown and searchable by its words.
    void add_normalized(std::string_view field, std::string_view normalized,
                        std::string_view original, Origin origin = Origin::own);
    void add_number(std::string_view field, double canonical, std::string_view text,
                    std::string_view unit, Origin origin = Origin::own);
    void add_date(std::string_view field, std::string_view iso_date, Origin origin = Origin::own);
    void add_bool(std::string_view field, bool value, Origin origin = Origin::own);
    void add_link(std::string_view rel, std::string_view url);

    // Values of one field, in order.
    std::vector<const Value*> get(std::string_view field) const;
    // The names of the fields that have values, in first-seen order.
    std::vector<std::string_view> field_names() const;
    // The first value's text, or "".
    std::string first(std::string_view field) const;
    bool has(std::string_view field) const;
};

// Days since 1970-01-01 for a proleptic Gregorian YYYY-MM-DD; false if `iso`
// is not a valid date of that form.
bool parse_iso_date(std::string_view iso, double& days);

// The record as catalog JSON: values grouped by field, in first-seen order:
// {"id":..,"source":..,"kind":..,"parent":..,"title":..,"file":..,"aliases":[..],
//  "breadcrumb":[{"id","kind","label"}],"fields":{"organism":[{"text":..}],..},
//  "links":[{"rel","url"}],"panosc":".."}
// "panosc" (Record::panosc, a JSON text kept as a string) is written only
// when non-empty, so every other record's JSON and content hash stay as they
// were before it existed.
std::string to_json(const Record& record);

// Parses catalog JSON written by to_json.  Errors: corrupt.
Result<Record> record_from_json(std::string_view json);

// A content hash of the record (16 hex digits of FNV-1a 64 over to_json), used
// to tell changed records from unchanged ones.
std::string content_hash(std::string_view record_json);

}  // namespace atlas
