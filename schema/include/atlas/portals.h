// atlas/portals.h - the portals, kinds and fields an index can hold, without opening one.
//
// What a front end needs to build itself without knowing any portal: the
// sources and their kinds (a kind picker), the fields each portal's users
// decide on (a hit line), and every field with its type and unit (a facet
// panel, a sort menu, range inputs).  It is what this library's schema
// defines (schema/portals.def, schema/schema.cpp); an open index holds some
// of it (Searcher::kinds() lists the kinds it has records of).
//
// Every function here is static data: safe from any thread, no index read;
// the references returned stay valid for the life of the program.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace atlas {

struct PortalInfo {
    std::string name;                     // the source name: cryoet, htan, hoa, panosc, minerva
    std::string title;                    // "CryoET Data Portal"
    std::string source_export;            // what atlas-index's PATH for it points to
    std::vector<std::string> kinds;       // the kinds of record it makes
    std::vector<std::string> key_fields;  // what a hit of it shows first ("organism", ...)
};

// Every portal, in the registry's order.
const std::vector<PortalInfo>& portals();

// The portal called `name`, or nullptr.
const PortalInfo* find_portal(std::string_view name);

// Every kind of record any portal makes, in browse order (what an empty query
// lists first: collections, then what they contain, then the parts).
const std::vector<std::string>& all_kinds();

struct FieldInfo {
    std::string name;       // what a query, filter, facet or sort names: organism, voxel_spacing
    std::string type;       // text, keyword, identifier, number, date or boolean
    std::string unit;       // numbers: the display unit, and that of a bare number in a query
    std::string label;      // "Voxel spacing"
    std::string help;       // one line
    bool multi = false;     // may hold several values (a list in JSON)
    bool facet = false;     // FacetRequest takes it (numbers and dates count in buckets)
    bool sortable = false;  // SortKey takes it
    bool range = false;     // takes ranges: quality:>=4, voxel_spacing:1..5um
};

// Every field, in documentation order.
const std::vector<FieldInfo>& all_fields();

// The schema version this library writes and reads (an index built with
// another is refused: rebuild it).
int schema_version();

}  // namespace atlas
