// sql_conditions.h - what the SQL peers (sqlite_engine, pg_engine) share: the
// structured part of a bench request as conditions over their common tables
//   facets(doc, field, value)   numbers(doc, field, value)
// Each engine passes its own parameter builder (`Sql::param` gives "?N" or
// "$N") and adds its own full-text condition.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine.h"
#include "schema/schema.h"

namespace atlas::bench {

// Appends to `where` the conditions `r`'s filters (except those on
// `skip_field`, a facet's own field), kinds and ranges put on the record id
// `column`.  `false_literal` is the engine's false ("0", "false"), for a
// filter with no values.
template <class Sql>
void add_structured_conditions(Sql& sql, const BenchRequest& r,
                               std::optional<std::string_view> skip_field, std::string_view column,
                               std::string_view false_literal, std::vector<std::string>& where) {
    auto in_facets = [&](std::string_view field, const std::vector<std::string>& values) {
        if (values.empty()) return std::string(false_literal);
        std::string list;
        for (const auto& v : values) {
            if (!list.empty()) list += ", ";
            list += sql.param(v);
        }
        return fmt::format("{} IN (SELECT doc FROM facets WHERE field = {} AND value IN ({}))",
                           column, sql.param(std::string(field)), list);
    };
    for (const auto& f : r.filters) {
        if (skip_field && f.field == *skip_field) continue;
        where.push_back(in_facets(f.field, f.values));
    }
    if (!r.kinds.empty()) {
        const FieldSpec& kind = *find_field("kind");
        std::vector<std::string> kinds;
        for (const auto& k : r.kinds) kinds.push_back(exact_value(kind, k));
        where.push_back(in_facets("kind", kinds));
    }
    for (const auto& range : r.ranges) {
        std::string c = fmt::format("{} IN (SELECT doc FROM numbers WHERE field = {}", column,
                                    sql.param(range.field));
        if (!std::isinf(range.lo) || range.lo > 0) {
            c += fmt::format(" AND value {} {}", range.lo_inclusive ? ">=" : ">",
                             sql.param(range.lo));
        }
        if (!std::isinf(range.hi) || range.hi < 0) {
            c += fmt::format(" AND value {} {}", range.hi_inclusive ? "<=" : "<",
                             sql.param(range.hi));
        }
        where.push_back(c + ")");
    }
}

// The conditions joined with AND.
inline std::string and_all(const std::vector<std::string>& where) {
    std::string out;
    for (const auto& c : where) {
        if (!out.empty()) out += " AND ";
        out += c;
    }
    return out;
}

// " WHERE <conditions>", or "" when there are none.
inline std::string where_clause(const std::vector<std::string>& where) {
    return where.empty() ? std::string() : " WHERE " + and_all(where);
}

}  // namespace atlas::bench
