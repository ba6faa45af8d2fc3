// search_args.h - atlas-search's command line: its option table, the parser
// made from it and the usage text made from it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "atlas/manifest.h"
#include "atlas/search.h"
#include "cli_options.h"

namespace atlas::cli {

struct SearchArgs {
    enum class Action {
        search,
        help,         // --help: print search_usage()
        help_fields,  // --help fields: the fields a query can name
        version,      // --version
    };
    Action action = Action::search;
    // The words joined as the query, and what the options ask; `collapse` is
    // on unless --all-siblings or --manifest.  With --request the file's
    // request replaces it.
    SearchRequest request;
    std::string index;  // --index; empty: $ATLAS_INDEX, else the build's index
    bool json = false;  // print JSON: --json, or --request
    // Errors go to standard output as JSON too: "--json" was one of the
    // arguments before "--" (even as another option's value), or --request.
    bool json_errors = false;
    std::optional<ManifestFormat> manifest;   // --manifest
    bool limit_given = false;                 // --limit: a manifest of that page only
    std::optional<std::string> request_file;  // --request: the whole request ("-": stdin)
};

// Parses atlas-search's arguments (without the program name).  Reads no file:
// the caller reads request_file.  Stops at --help and --version.  Errors: the
// usage error, exactly as atlas-search prints it after "atlas-search: ".
Parsed<SearchArgs> parse_search_args(const std::vector<std::string>& args);

// `atlas-search --help`: the usage line, every option of the table with its
// help (the portals and their kinds from atlas::portals()), the query language.
std::string search_usage();

}  // namespace atlas::cli
