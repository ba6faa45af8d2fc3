// serve_args.h - `atlas-search serve`'s command line: its option table, parser and usage.
#pragma once

#include <string>
#include <vector>

#include "atlas/server.h"
#include "cli_options.h"

namespace atlas::cli {

struct ServeArgs {
    bool help = false;
    std::string index;  // --index; empty: $ATLAS_INDEX, else the build's index
    ServeOptions options;
    std::string access_log = "-";  // --access-log: a file, "-" (stderr) or "off"
};

// Parses the arguments after "serve".  Errors: the usage error, as printed
// after "atlas-search serve: ".
Parsed<ServeArgs> parse_serve_args(const std::vector<std::string>& args);

std::string serve_usage();

}  // namespace atlas::cli
