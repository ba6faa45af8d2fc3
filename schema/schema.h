// schema/schema.h - the schema shared by writer and reader: fields, term prefixes, value slots.
//
// This is the only place that knows how a field is stored.  The field table
// (schema.cpp) is data: one row per field with its type, term prefix, value
// slot, free-text weight, display unit and label, and for a number the range
// of values it can plausibly hold.  The indexer writes
// kSchemaVersion into the index and the catalog; a reader built for another
// version refuses to open them.  Bump it whenever a row or a rule here changes
// what is stored.
#pragma once

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"
#include "units.h"

namespace atlas {

inline constexpr int kSchemaVersion = 8;

enum class FieldType {
    text,        // prose: matched by (stemmed) words and phrases
    keyword,     // a facet value ("cytosolic ribosome"): matched by words, or exactly in filters
    identifier,  // ids and codes ("GO:0022626", "10000"): matched exactly, case-insensitively
    number,      // a quantity, stored in the canonical unit of its dimension
    date,        // a calendar date, stored as days since 1970-01-01
    boolean,     // yes / no
};

const char* field_type_name(FieldType type);

// The values a number field can plausibly hold, in the field's display unit
// (FieldSpec::unit), bounds included: what a domain expert accepts from any
// portal, wide enough that no real record trips it.  A number outside is still
// indexed, with a warning (index/range_check.h).  A range whose min is 0 or
// more also refuses a minus sign (-0 included).
struct PlausibleRange {
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
};

struct FieldSpec {
    std::string_view name;  // the query name: organism, voxel_spacing
    FieldType type;
    std::string_view prefix;  // Xapian term prefix (X + upper case); empty for numbers and dates
    int slot;                 // value slot for numbers and dates, else -1
    unsigned weight;          // within-document frequency per occurrence in free text; 0 = not
    bool multi;               // may hold several values (roll-ups); an array in JSON
    Dimension dimension;      // numbers only
    std::string_view unit;    // display unit, and the unit of a bare number in a query ("Å")
    std::string_view label;   // "Voxel spacing"
    std::string_view help;    // one line for --help and the README
    std::string_view id_strip = {};     // identifier prefixes users type and we drop, '|'-separated
    std::string_view words_field = {};  // identifier: non-id values search this field's words
    // identifier: also match every prefix that ends before this separator, so
    // htan_id:HTA1_313 finds HTA1_313_9321011 ('\0' = whole values only)
    char prefix_separator = '\0';
    std::string_view scale = {};  // number: its rating scale (schema/scales/<scale>.csv)
    // keyword: values users type for a stored value, '|'-separated "typed=stored"
    // pairs ("<18=under 18"), for values whose symbols no word keeps apart
    std::string_view value_aliases = {};
    PlausibleRange range = {};  // number: its plausible values (every number row declares one)

    // This row with `range` set: the table's rows end in .within(min, max).
    constexpr FieldSpec within(double min, double max) const {
        FieldSpec out = *this;
        out.range = {min, max};
        return out;
    }
};

// The stored value a typed keyword value stands for on `spec` ("under 18" for
// age_group:<18), or nullopt if it is no alias.
std::optional<std::string_view> value_alias(const FieldSpec& spec, std::string_view typed);

// One level of a rating scale: 4, "Good", "Useful for analysis: ...".
struct ScaleLevel {
    double rating = 0;
    std::string label;
    std::string description;
};

// The levels of `spec`'s rating scale, highest first; empty if it has none.
std::span<const ScaleLevel> field_scale(const FieldSpec& spec);
// The label of `rating` on `spec`'s scale ("Good" for 4), or "" if none.
std::string_view scale_label(const FieldSpec& spec, double rating);

// True for fields whose values are counted and filtered as facets (keyword,
// boolean, and identifiers shared by many records such as kind, dataset or
// object_id); false for numbers and dates, text, and ids of one record each
// (id, htan_id, file_name, drs_uri...), which would only bloat the columns.
bool is_facet(const FieldSpec& spec);

// True for fields a request may sort by: numbers and dates (by value), and
// title, id and kind (by the column file's orders).
bool is_sortable(const FieldSpec& spec);

// All fields, in documentation order.
std::span<const FieldSpec> field_specs();

// The field called `name`, or nullptr.
const FieldSpec* find_field(std::string_view name);

// The known field name closest to `name` (for "did you mean"), or "" if none is close.
std::string_view closest_field(std::string_view name);

// Normalises an identifier as typed ("DS-10000", " GO:0022626") to its exact
// form ("10000", "go:0022626") for `spec`.
std::string normalize_identifier(const FieldSpec& spec, std::string_view value);

// "doi:10.1/x", "https://doi.org/10.1/x" -> "10.1/x" (case kept); other text
// unchanged.  The prefixes are the publication field's id_strip list.
std::string_view strip_doi_prefix(std::string_view text);

// True for a bare DOI: "10.", a registrant code of digits and dots, '/', a
// suffix ("10.1101/2022.04.12.488077").
bool is_doi(std::string_view text);

// --- terms ------------------------------------------------------------------
// Conventions (Xapian's): "Q" + record id is the unique id term; user prefixes
// start with X.  For a field with prefix P:
//   P + word          a word of the field, with positions (phrases); fielded
//                     words are stemmed at query time by scanning P's terms;
//                     wdf 2 per occurrence in an own value, 1 in an inherited
//                     or rolled-up one (owners rank first)
//   P + "=" + value   the whole value (filters, exact ids, facets): for keyword
//                     fields its compact form (letters and digits only, so
//                     "Serial EM" = "SerialEM"), for identifiers the folded id
// Free text uses the empty prefix: the word, and "Z" + its stem.
inline constexpr std::string_view kIdTermPrefix = "Q";
inline constexpr std::string_view kStemPrefix = "Z";
inline constexpr char kExactMarker = '=';

std::string word_term(std::string_view prefix, std::string_view word);
std::string stem_term(std::string_view word);  // "Z" + stem(word), free text only
std::string exact_term(std::string_view prefix, std::string_view exact_value);
// Owner terms: kOwnPrefix + field name + "=" + exact value, for the keyword
// and boolean values a record holds itself (Origin::own), beside their exact
// terms.  organ=kidney matches a participant and the biospecimens that inherit
// its organ; XOWNorgan=kidney only the participant, so a query can rank the
// owners of a filtered value first.  Boolean (no wdf, no positions).
inline constexpr std::string_view kOwnPrefix = "XOWN";
std::string own_term(const FieldSpec& spec, std::string_view exact_value);

// The exact form of a value of `spec` as stored after P + "=": compact() for
// keywords and booleans, normalize_identifier() for identifiers.
std::string exact_value(const FieldSpec& spec, std::string_view value);

// Letters and digits of `text`, lower-cased ("Serial EM" -> "serialem"); the
// folded text when it has none.
std::string compact(std::string_view text);
std::string id_term(std::string_view record_id);

// Exact-id ranking (an id typed as the whole query comes first).  A record's
// identity terms name what it is: its id and aliases, the own value of the
// field named after its kind (a dataset's `dataset`, a donor's `donor`), and
// its single own value of a per-record id field (htan_id, synapse_id,
// drs_uri, doi, pmid; an annotation's object_id: what it is of).  Its
// reference terms name the other ids it holds itself (a tilt series'
// related_entry, a dataset's ontology ids), not inherited or rolled up.  Both
// are qualified by field, so DS-10001 (the dataset field strips "ds-") names
// dataset 10001 and no deposition.
inline constexpr std::string_view kIdentityPrefix = "XIDN";
inline constexpr std::string_view kReferencePrefix = "XREF";
std::string identity_term(const FieldSpec& spec, std::string_view exact_value);
std::string reference_term(const FieldSpec& spec, std::string_view exact_value);
// True for fields whose single own value identifies a record of any kind.
bool is_identity_field(const FieldSpec& spec);
// True for identifier fields that give reference terms (not kind, source, format).
bool is_reference_field(const FieldSpec& spec);

// --- value slots --------------------------------------------------------------
// Slots 0-9 are for ordering; numbers and dates start at 10 (see the table).
// A number or date slot holds every value of the record for that field as
// packed little-endian doubles (8 bytes each), so a multi-valued roll-up
// matches a range when any of its values does.
inline constexpr unsigned kSlotBrowseOrder = 0;  // kind rank, then id: order when nothing ranks
inline constexpr unsigned kSlotTitle = 1;        // folded title, for sorting by title
inline constexpr unsigned kSlotGroup = 2;  // id of the record's dataset (else its own): grouping
// Near-identical siblings: the group, the kind and the folded title ("the
// cytosolic ribosome annotations of dataset 10000"), collapsed on request.
inline constexpr unsigned kSlotSiblings = 3;
// How equal relevance scores are ordered: ground truth first, then curator
// recommended, then better tilt-series quality (the best of a record's own or
// rolled-up values), then browse order.  The gentle boosts of curation: they
// never lift a record above a better match of the words, but order the
// hundreds of sibling annotations that score the same.
inline constexpr unsigned kSlotRankTie = 4;

// --- ranking ------------------------------------------------------------------
// BM25's parameters (Xapian's defaults: k1, k2, k3, b, min_normlen).  atlas-index
// computes each frequent term's top list with them (column_format.h), so a
// reader must rank with exactly these: the lists' bounds hold for no other.
inline constexpr double kBm25K1 = 1.0;
inline constexpr double kBm25K2 = 0.0;
inline constexpr double kBm25K3 = 1.0;
inline constexpr double kBm25B = 0.5;
inline constexpr double kBm25MinNormLen = 0.5;

// Packs numbers for a slot; unpack_numbers ignores a trailing partial number.
std::string pack_numbers(std::span<const double> numbers);
std::vector<double> unpack_numbers(std::string_view packed);

// --- the registry of portals (portals.def, portals.cpp) ----------------------------
// A kind's place in browse order (what an empty query lists first); kinds
// no portal makes come last.
int kind_rank(std::string_view kind);

// Every kind an adapter can produce, in browse order.
std::span<const std::string_view> known_kinds();

// Every portal's source name, in registry order: cryoet, htan, hoa, ...
std::span<const std::string_view> known_source_names();

// "dataset, run (cryoet); atlas, file (htan); ...": each kind under the first
// portal that makes it.
std::string kinds_by_portal();

}  // namespace atlas
