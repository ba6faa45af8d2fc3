// panosc/filter.h - a LoopBack filter, parsed and checked once.
//
// The PaNOSC search API takes LoopBack filters as JSON in the `filter` query
// parameter (`where` alone for count):
//   {"where": {"title": {"like": "Test"}, "or": [...]},
//    "include": ["parameters", {"relation": "techniques", "scope": {"where": {...}}}],
//    "fields": {"pid": true}, "order": "title DESC", "limit": 10, "skip": 0}
// parse_filter turns it into a Scope; every refusal names the member and the
// value ("filter.where.title: unknown operator 'foo'").  What relations exist
// is checked later, against the model (relations.h).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"
#include "pattern.h"

namespace atlas::panosc::detail {

// One operand as the filter wrote it.
struct Scalar {
    enum class Type { null, boolean, number, string };
    Type type = Type::null;
    bool boolean = false;
    double number = 0;
    std::string string;
};

enum class Op { eq, neq, gt, gte, lt, lte, between, inq, nin, like, nlike, ilike, nilike };

// A where: every child holds (all), one does (any), a condition on one
// property (leaf), or the text of the entity's text fields (text).
struct Where {
    enum class Kind { all, any, leaf, text };
    Kind kind = Kind::all;
    std::vector<Where> children;  // all, any
    std::string property;         // leaf
    Op op = Op::eq;               // leaf
    std::vector<Scalar> operands;  // leaf: one, two (between) or many (inq, nin)
    std::optional<Pattern> pattern;  // leaf: like, nlike, ilike, nilike
    std::string text;                // text: folded (schema/text.h fold)
    std::vector<std::string> words;  // text: its words' stems

    bool empty() const { return kind == Kind::all && children.empty(); }
};

struct Order {
    std::string property;
    bool descending = false;
};

// `fields`: only the listed properties (only), or all but the listed (except).
struct Fields {
    std::set<std::string> only;
    std::set<std::string> except;
    bool shows(std::string_view property) const;
};

struct Include;

struct Scope {
    std::string query;  // the top level's `query` (the federated search sends it here)
    Where where;
    bool has_where = false;
    std::vector<Include> include;
    std::optional<std::uint32_t> limit;
    std::uint32_t skip = 0;
    std::vector<Order> order;
    Fields fields;
};

struct Include {
    std::string relation;
    Scope scope;
    std::string path;  // "filter.include[1]", for messages
};

// A whole filter (an empty text, or null, is the empty filter).  `limit` 0 is
// no limit, as in LoopBack.  Errors: invalid_request.
Result<Scope> parse_filter(std::string_view json);
// {"text": text}, read once.
Where text_condition(std::string_view text);

// A `where` alone (count).  Errors: invalid_request.
Result<Where> parse_where(std::string_view json);

}  // namespace atlas::panosc::detail
