// index_args.cpp - atlas-index's commands and option tables, and the parser
// and usage text made from them.
#include "index_args.h"

#include <fmt/format.h>

#include <algorithm>

#include "atlas/portals.h"

namespace atlas::cli {
namespace {

using Outcome = std::optional<std::string>;  // a usage error, or nothing

const char* command_name(IndexArgs::Command command) {
    switch (command) {
        case IndexArgs::Command::build:
            return "build";
        case IndexArgs::Command::stats:
            return "stats";
        case IndexArgs::Command::report:
            return "report";
        case IndexArgs::Command::verify:
            return "verify";
        default:
            return "";
    }
}

// What an adapter's PATH points to: a portal's export, from the registry; the
// canonical records adapter is no portal and says its own.
std::string source_path_help(const std::string& name) {
    if (const PortalInfo* portal = find_portal(name)) return portal->source_export;
    if (name == "records") return "a folder of canonical record JSON lines (*.jsonl), any portal's";
    return "";
}

// --source's help: every adapter with what its PATH points to.
std::string source_help() {
    std::vector<std::string> names = known_sources();
    std::size_t width = 0;
    for (const auto& n : names) width = std::max(width, n.size());
    std::string help = "a source to index (repeatable); NAME is one of these, PATH what it names:";
    for (const auto& n : names) {
        help += fmt::format("\n  {:<{}}  {}", n, width, source_path_help(n));
    }
    return help;
}

Outcome add_source(IndexArgs& a, const std::string& spec) {
    auto source = parse_source_spec(spec);
    if (!source.ok()) return source.error().message;
    a.build.sources.push_back(source.value());
    return std::nullopt;
}

std::vector<Option<IndexArgs>> build_options() {
    return {
        {.name = "--source",
         .placeholder = "NAME=PATH",
         .help = source_help(),
         .takes = Takes::value,
         .synopsis = Synopsis::hidden,
         .set = [](IndexArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr) return "--source needs NAME=PATH";
             return add_source(a, *v);
         }},
        {.name = "--sources",
         .placeholder = "FILE",
         .help = "the sources listed in a JSON file (the nightly job's):\n"
                 R"({"sources": [{"name": "htan", "path": "htan"}, ...]};)"
                 "\nrelative paths are relative to the file",
         .takes = Takes::value,
         .synopsis = Synopsis::hidden,
         .set = [](IndexArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr || v->empty()) return "--sources needs a JSON file";
             auto specs = read_sources_file(*v);
             if (!specs.ok()) return specs.error().message;
             for (auto& s : specs.value()) a.build.sources.push_back(std::move(s));
             return std::nullopt;
         }},
        {.name = "--out",
         .placeholder = "DIR",
         .help = "index directory (default: $ATLAS_INDEX, else the build's index)",
         .takes = Takes::value,
         .set = [](IndexArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr) return "--out needs a directory";
             a.dir = *v;
             return std::nullopt;
         }},
        {.name = "--quiet",
         .alias = "-q",
         .help = "no progress line, summary only",
         .set = [](IndexArgs& a, const std::string*) -> Outcome {
             a.quiet = true;
             return std::nullopt;
         }},
        {.name = "--timings",
         .help = "after the summary, where the build's time went, stage by stage",
         .set = [](IndexArgs& a, const std::string*) -> Outcome {
             a.timings = true;
             return std::nullopt;
         }},
        {.name = "--allow-shrink",
         .help = "accept a source that shrank to under half its records",
         .set = [](IndexArgs& a, const std::string*) -> Outcome {
             a.build.allow_shrink = true;
             return std::nullopt;
         }},
        {.name = "--full",
         .help = "write every record again, even when few changed (by default a build over "
                 "an index updates it: only the records that changed are written)",
         .set = [](IndexArgs& a, const std::string*) -> Outcome {
             a.build.full = true;
             return std::nullopt;
         }},
        {.name = "--fresh",
         .help = "do not read the current index (no carry-over): to recover from a current "
                 "index that cannot be read",
         .set = [](IndexArgs& a, const std::string*) -> Outcome {
             a.build.fresh = true;
             return std::nullopt;
         }},
    };
}

// stats and report.
std::vector<Option<IndexArgs>> read_options() {
    return {
        {.name = "--index",
         .placeholder = "DIR",
         .help = "the index to read (default: $ATLAS_INDEX, else the build's index)",
         .takes = Takes::value,
         .set = [](IndexArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr) {
                 return fmt::format("unknown argument '--index' for {}", command_name(a.command));
             }
             a.dir = *v;
             return std::nullopt;
         }},
    };
}

Grammar<IndexArgs> grammar_of(std::vector<Option<IndexArgs>> options) {
    return {.options = std::move(options),
            .unknown = [](const IndexArgs& a, const std::string& arg) {
                return fmt::format("unknown argument '{}' for {}", arg, command_name(a.command));
            }};
}

// verify: the read options, and which generation.
std::vector<Option<IndexArgs>> verify_options() {
    auto options = read_options();
    options.push_back({.name = "--generation",
                       .placeholder = "NAME",
                       .help = "verify this generation (gen-000007) instead of CURRENT's",
                       .takes = Takes::value,
                       .set = [](IndexArgs& a, const std::string* v) -> Outcome {
                           if (v == nullptr || v->empty()) return "--generation needs a name";
                           a.generation = *v;
                           return std::nullopt;
                       }});
    return options;
}

const Grammar<IndexArgs>& build_grammar() {
    static const Grammar<IndexArgs> g = grammar_of(build_options());
    return g;
}

const Grammar<IndexArgs>& read_grammar() {
    static const Grammar<IndexArgs> g = grammar_of(read_options());
    return g;
}

const Grammar<IndexArgs>& verify_grammar() {
    static const Grammar<IndexArgs> g = grammar_of(verify_options());
    return g;
}

// What build needs beside the options: a source, and each one once.
Outcome check_sources(const std::vector<SourceSpec>& sources) {
    if (sources.empty()) return "build needs at least one --source NAME=PATH";
    for (std::size_t i = 0; i < sources.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (sources[i].name == sources[j].name) {
                return fmt::format("source '{}' is given twice ('{}' and '{}')", sources[i].name,
                                   sources[j].path, sources[i].path);
            }
        }
    }
    return std::nullopt;
}

bool is_help(const std::string& arg) { return arg == "--help" || arg == "-h"; }

}  // namespace

Parsed<IndexArgs> parse_index_args(const std::vector<std::string>& args) {
    if (args.empty()) return UsageError{"no command (build, stats, report or verify)"};
    IndexArgs out;
    if (is_help(args[0]) || args[0] == "help") return out;
    if (args[0] == "--version") {
        out.command = IndexArgs::Command::version;
        return out;
    }
    const std::string& command = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (std::any_of(rest.begin(), rest.end(), is_help)) return out;
    if (command == "build") {
        out.command = IndexArgs::Command::build;
        auto error = parse_options(build_grammar(), rest, out);
        if (!error) error = check_sources(out.build.sources);
        if (error) return UsageError{*error};
        return out;
    }
    if (command == "stats" || command == "report") {
        out.command = command == "stats" ? IndexArgs::Command::stats : IndexArgs::Command::report;
        if (auto error = parse_options(read_grammar(), rest, out)) return UsageError{*error};
        return out;
    }
    if (command == "verify") {
        out.command = IndexArgs::Command::verify;
        if (auto error = parse_options(verify_grammar(), rest, out)) return UsageError{*error};
        return out;
    }
    return UsageError{
        fmt::format("unknown command '{}' (build, stats, report or verify)", command)};
}

std::string index_usage() {
    const std::string build = "usage: atlas-index build ";
    std::vector<std::string> items = synopsis(build_grammar().options);
    items.insert(items.begin(), "(--source NAME=PATH ... | --sources FILE)");
    std::string out = build;
    append_wrapped(out, items, out.size(), build.size());
    for (const char* command : {"stats", "report"}) {
        out += fmt::format("\n       atlas-index {} {}", command,
                           fmt::join(synopsis(read_grammar().options), " "));
    }
    out += fmt::format("\n       atlas-index verify {}",
                       fmt::join(synopsis(verify_grammar().options), " "));
    out += "\n       atlas-index --help | --version\n\n";
    out +=
        "build    reads every source and makes a new index generation current in one step\n"
        "         (readers keep the old one until the new one is complete)\n";
    out += options_help(build_grammar().options, 11, 20);
    out +=
        "stats    records per kind of the current generation\n"
        "report   the current generation's ingest report: every rejected record and warning\n";
    out += options_help(read_grammar().options, 11, 20);
    out +=
        "verify   reads every file of a generation back against the sizes and checksums its\n"
        "         build listed (MANIFEST) and runs xapian-check on each shard\n";
    out += options_help(verify_grammar().options, 11, 20);
    out += '\n';
    append_wrapped(out,
                   "exit codes: 0 ok; 1 built with errors (verify: damaged); 2 usage "
                   "error; 3 build failed, old index kept (verify: no index)",
                   0, 0);
    out += '\n';
    return out;
}

}  // namespace atlas::cli
