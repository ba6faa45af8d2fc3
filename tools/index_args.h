// index_args.h - atlas-index's command line: its commands and option tables,
// the parser and the usage text made from them.
#pragma once

#include <string>
#include <vector>

#include "atlas/index.h"
#include "cli_options.h"

namespace atlas::cli {

struct IndexArgs {
    enum class Command {
        build,    // build a new generation from the sources
        stats,    // records per source and kind of the current generation
        report,   // its ingest report
        verify,   // a generation read back against its manifest, and Xapian's check
        help,     // print index_usage()
        version,  // --version
    };
    Command command = Command::help;
    // build: the sources (each file of --sources read and checked), --allow-shrink,
    // --fresh; out_dir is left empty (see `dir`).
    BuildOptions build;
    std::string dir;     // --out (build) or --index; empty: $ATLAS_INDEX, else the build's index
    std::string generation;  // verify --generation: a generation other than CURRENT's
    bool quiet = false;  // --quiet: no progress line
    bool timings = false;  // --timings: the build's stages after its summary
};

// Parses atlas-index's arguments (without the program name).  Reads each
// --sources file, in order, as it comes to it: a file that cannot be used is
// a usage error like any other.  Errors: the usage error, exactly as
// atlas-index prints it after "atlas-index: ".
Parsed<IndexArgs> parse_index_args(const std::vector<std::string>& args);

// `atlas-index --help`: every command with its options and their help (the
// sources and what each one's PATH points to from atlas::portals()).
std::string index_usage();

}  // namespace atlas::cli
