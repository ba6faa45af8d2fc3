// search_args.cpp - atlas-search's option table, and the parser and usage
// text made from it.
#include "search_args.h"

#include <fmt/format.h>

#include <charconv>

#include "atlas/portals.h"
#include "atlas/request_text.h"

namespace atlas::cli {
namespace {

// What the parse loop fills: the result, and what it is made from at the end.
struct State {
    SearchArgs args;
    std::vector<std::string> words;
    bool all_siblings = false;
};

using Outcome = std::optional<std::string>;  // a usage error, or nothing

// A whole decimal number from 0 to `max`; `out` is left alone otherwise.
bool parse_count(const std::string* text, std::uint32_t max, std::uint32_t& out) {
    if (text == nullptr) return false;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || p != text->data() + text->size() || v > max) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
}

std::string shown(const std::string* value) { return value == nullptr ? "" : *value; }

Outcome set_filter(State& s, const std::string* value) {
    if (value == nullptr) return "--filter needs FIELD=VALUE[,VALUE...]";
    auto f = filter_from_text(*value);
    if (!f.ok()) return "--filter " + f.error().message;
    s.args.request.filters.push_back(std::move(f).value());
    return std::nullopt;
}

Outcome set_facets(State& s, const std::string* value) {
    if (value == nullptr) return "--facets needs FIELD[:SIZE][,FIELD[:SIZE]...]";
    auto facets = facets_from_text(*value);
    if (!facets.ok()) return "--facets: " + facets.error().message;
    for (auto& f : facets.value()) s.args.request.facets.push_back(std::move(f));
    return std::nullopt;
}

Outcome set_facet_search(State& s, const std::string* value) {
    auto eq = value != nullptr ? value->find('=') : std::string::npos;
    if (eq == std::string::npos || eq == 0)
        return "--facet-search needs FIELD=PREFIX (organism=Schiz)";
    FacetRequest f;
    f.field = value->substr(0, eq);
    f.prefix = value->substr(eq + 1);
    f.size = 20;
    s.args.request.facets.push_back(std::move(f));
    return std::nullopt;
}

Outcome set_sort(State& s, const std::string* value) {
    if (value == nullptr || value->empty()) return "--sort needs FIELD[:asc|:desc]";
    auto key = sort_from_text(*value);
    if (!key.ok()) return "--sort " + key.error().message;
    s.args.request.sort = {std::move(key).value()};
    return std::nullopt;
}

Outcome set_manifest(State& s, const std::string* value) {
    auto format = value != nullptr ? parse_manifest_format(*value) : std::nullopt;
    if (!format)
        return fmt::format("--manifest takes s3, drs, doi or https, not '{}'", shown(value));
    s.args.manifest = format;
    return std::nullopt;
}

// The portals' names, from the registry: "cryoet, htan, hoa, panosc, minerva".
std::string portal_names() {
    std::vector<std::string> names;
    for (const auto& p : portals()) names.push_back(p.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

// Each portal's kinds, all of them: "dataset, deposition, ... (cryoet); atlas, ... (htan);
// ...", from the registry (a kind two portals make is under both).
std::string kinds_of_each_portal() {
    std::vector<std::string> parts;
    for (const auto& p : portals()) {
        parts.push_back(fmt::format("{} ({})", fmt::join(p.kinds, ", "), p.name));
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

// The query's options, in the order the usage shows them.
std::vector<Option<State>> query_options() {
    return {
        {.name = "--index",
         .placeholder = "DIR",
         .help = "index directory (default: $ATLAS_INDEX, else the one the quick start built)",
         .takes = Takes::value,
         .set = [](State& s, const std::string* v) -> Outcome {
             if (v == nullptr) return "--index needs a directory";
             s.args.index = *v;
             return std::nullopt;
         }},
        {.name = "--kind",
         .placeholder = "K[,K...]",
         .help = "only records of these kinds (repeatable): " + kinds_of_each_portal(),
         .takes = Takes::value,
         .synopsis = Synopsis::repeatable,
         .set = [](State& s, const std::string* v) -> Outcome {
             if (v == nullptr) return "--kind needs a kind (dataset, run, annotation, ...)";
             append_list(*v, s.args.request.kinds);
             return std::nullopt;
         }},
        {.name = "--source",
         .placeholder = "S[,S...]",
         .help = "only records from these portals (repeatable): " + portal_names(),
         .takes = Takes::value,
         .synopsis = Synopsis::repeatable,
         .set = [](State& s, const std::string* v) -> Outcome {
             if (v == nullptr) return fmt::format("--source needs a source ({})", portal_names());
             append_list(*v, s.args.request.sources);
             return std::nullopt;
         }},
        {.name = "--filter",
         .placeholder = "F=V[,V...]",
         .help = "only records whose field F has one of the values (repeatable; OR within, AND "
                 "across); F!=V excludes, F=* needs a value, F!=* none; numbers and dates take "
                 "ranges (--filter quality=>=4)",
         .takes = Takes::value,
         .synopsis = Synopsis::repeatable,
         .set = set_filter},
        {.name = "--facets",
         .placeholder = "F[:N],...",
         .help = "count the values of these fields (top N, default 10); each facet is counted "
                 "without the filters on its own field (beside the hits on a terminal of 120 "
                 "columns or more, else above them)",
         .takes = Takes::value,
         .set = set_facets},
        {.name = "--facet-search",
         .placeholder = "F=PREFIX",
         .help = "the values of F starting with PREFIX, with counts",
         .takes = Takes::value,
         .set = set_facet_search},
        {.name = "--sort",
         .placeholder = "F[:asc|:desc]",
         .help = "order by relevance, title, id, or a number or date field (release_date, "
                 "quality, voxel_spacing, run_count, ...); default desc for numbers and dates",
         .takes = Takes::value,
         .set = set_sort},
    };
}

// Which part of the result is shown: groups, and the page.
std::vector<Option<State>> page_options() {
    return {
        {.name = "--group",
         .placeholder = "dataset",
         .help = "group hits under their dataset (--limit/--offset count groups)",
         .takes = Takes::value,
         .set = [](State& s, const std::string* v) -> Outcome {
             if (v == nullptr || *v != "dataset") return "--group takes dataset";
             s.args.request.group_by = *v;
             return std::nullopt;
         }},
        {.name = "--group-size",
         .placeholder = "N",
         .help = fmt::format("hits shown per group (default {})", SearchRequest{}.group_size),
         .takes = Takes::value,
         .set = [](State& s, const std::string* v) -> Outcome {
             auto& size = s.args.request.group_size;
             if (parse_count(v, kMaxGroupSize, size) && size > 0) return std::nullopt;
             return fmt::format("--group-size takes a number from 1 to {}, not '{}'", kMaxGroupSize,
                                shown(v));
         }},
        {.name = "--limit",
         .placeholder = "N",
         .help =
             fmt::format("hits to show, 0 to {} (default {})", kMaxLimit, SearchRequest{}.limit),
         .takes = Takes::value,
         .set = [](State& s, const std::string* v) -> Outcome {
             s.args.limit_given = true;
             if (parse_count(v, kMaxLimit, s.args.request.limit)) return std::nullopt;
             return fmt::format("--limit takes a number from 0 to {}, not '{}'", kMaxLimit,
                                shown(v));
         }},
        {.name = "--offset",
         .placeholder = "N",
         .help = "hits to skip, for paging (default 0)",
         .takes = Takes::value,
         .set = [](State& s, const std::string* v) -> Outcome {
             if (parse_count(v, kMaxOffset, s.args.request.offset)) return std::nullopt;
             return fmt::format("--offset takes a number from 0 to {}, not '{}'", kMaxOffset,
                                shown(v));
         }},
    };
}

// How the result is searched and shown.
std::vector<Option<State>> output_options() {
    return {
        {.name = "--json",
         .help = "print one JSON document instead of text",
         .set = [](State& s, const std::string*) -> Outcome {
             s.args.json = true;
             return std::nullopt;
         }},
        {.name = "--no-typo-tolerance",
         .help = "search the words as typed (by default a word of 4+ letters that matches "
                 "nothing is searched as the closest words of the index)",
         .set = [](State& s, const std::string*) -> Outcome {
             s.args.request.typo_tolerance = false;
             return std::nullopt;
         }},
        {.name = "--explain",
         .help = "say why each hit matched and where it ranks: an exact id typed as the query, "
                 "or each part of the query with its score and the fields its words occur in "
                 "(with --json: \"explain\" in each hit)",
         .set = [](State& s, const std::string*) -> Outcome {
             s.args.request.explain = true;
             return std::nullopt;
         }},
        {.name = "--all-siblings",
         .help = "list every near-identical sibling (by default the terminal shows the best of "
                 "the records of one kind and title in one dataset, such as a ribosome "
                 "annotation in each of 10 runs, once, with the count of the others; a "
                 "--request follows its \"collapse\" member)",
         .set = [](State& s, const std::string*) -> Outcome {
             s.all_siblings = true;
             return std::nullopt;
         }},
        {.name = "--manifest",
         .placeholder = "s3|drs|doi|https",
         .help = "print a download manifest of every result instead of hits (with "
                 "--limit/--offset: of that page): s3 (aws s3 cp/sync lines), drs (name,drs_uri "
                 "CSV for the Cancer Genomics Cloud), doi, https; records without such a route "
                 "are listed on stderr with the reason",
         .takes = Takes::value,
         .set = set_manifest},
    };
}

// The other modes: a structured request, help, version; and "--".
std::vector<Option<State>> mode_options() {
    return {
        {.name = "--request",
         .placeholder = "FILE|-",
         .help = "the whole request as JSON (- reads standard input); prints JSON",
         .takes = Takes::value,
         .synopsis = Synopsis::hidden,
         .set = [](State& s, const std::string* v) -> Outcome {
             if (v == nullptr) return "--request needs a JSON file, or - for standard input";
             s.args.request_file = *v;
             return std::nullopt;
         }},
        {.name = "--help",
         .alias = "-h",
         .placeholder = "[fields]",
         .help = "this text; --help fields lists the fields a query can name",
         .takes = Takes::peek,
         .synopsis = Synopsis::hidden,
         .set = [](State& s, const std::string* next) -> Outcome {
             bool fields = next != nullptr && *next == "fields";
             s.args.action = fields ? SearchArgs::Action::help_fields : SearchArgs::Action::help;
             return std::nullopt;
         }},
        {.name = "--version",
         .help = "print the version",
         .synopsis = Synopsis::hidden,
         .set = [](State& s, const std::string*) -> Outcome {
             s.args.action = SearchArgs::Action::version;
             return std::nullopt;
         }},
        {.name = "--",
         .help = "everything after it is the query (for queries starting with '-')",
         .takes = Takes::rest,
         .synopsis = Synopsis::hidden},
    };
}

const Grammar<State>& grammar() {
    static const Grammar<State> g = [] {
        Grammar<State> out{
            .options = query_options(),
            .word = [](State& s, const std::string& w) { s.words.push_back(w); },
            .unknown =
                [](const State&, const std::string& arg) {
                    return fmt::format(
                        "unknown option '{}' (to search for it, put the query after --; see "
                        "--help)",
                        arg);
                },
            .switch_ignores_value = true,
            .done = [](const State& s) { return s.args.action != SearchArgs::Action::search; },
        };
        for (auto more : {page_options(), output_options(), mode_options()}) {
            for (auto& o : more) out.options.push_back(std::move(o));
        }
        return out;
    }();
    return g;
}

// Whether "--json" is among the arguments before "--": a usage error is then
// JSON too, wherever --json stands.
bool json_among(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--") break;
        if (a == "--json") return true;
    }
    return false;
}

// The request a --request file replaces: nothing of it may be given beside.
bool request_given(const State& s) {
    const SearchRequest& r = s.args.request;
    return !s.words.empty() || !r.filters.empty() || !r.facets.empty() || !r.kinds.empty() ||
           !r.sources.empty() || s.args.manifest;
}

constexpr const char* kQueryLanguage = R"(query language:
  ribosome pombe            all words (stemmed: ribosomes finds ribosome)
  "cytosolic ribosome"      a phrase
  S. pombe  CRC  colon       other spellings: binomials, abbreviations the records
                            define, organ names across portals, ontology ids and
                            names (all derived from the data), and a few common
                            names ("fission yeast", data/vocabulary.tsv)
  10000  DS-10000  HTA7_944 an id as the whole query: the records it names first,
                            then those holding it, then the rest by relevance
  organism:pombe            a word in a field; field:"two words" for a phrase
  quality:>=4  voxel_spacing:..10  voxel_spacing:10..20  voxel_spacing:1..2nm
                            ranges (bare numbers are in the field's unit, e.g. Å;
                            a unit on one bound applies to both)
  release_date:2023..       dates: 2023, 2023-06, 2023-06-01, ranges
  ground_truth:yes          booleans
  a OR b   a AND b   NOT a   -a   (a OR b) c   organism:(pombe OR cerevisiae)
  ribo*  TS_02*             prefixes
  ""                        an empty query lists every record

exit codes: 0 hits found (a manifest: lines written); 1 no hits (no lines); 2 usage,
query or index error
)";

}  // namespace

Parsed<SearchArgs> parse_search_args(const std::vector<std::string>& args) {
    State s;
    s.args.json_errors = json_among(args);
    if (auto error = parse_options(grammar(), args, s)) {
        return UsageError{*error, s.args.json_errors};
    }
    if (s.args.action != SearchArgs::Action::search) return std::move(s.args);
    for (const auto& w : s.words) {
        if (!s.args.request.query.empty()) s.args.request.query += ' ';
        s.args.request.query += w;
    }
    // A manifest lists every file, siblings included.
    s.args.request.collapse = !s.all_siblings && !s.args.manifest;
    if (s.args.request_file) {
        // The structured request, as a portal backend sends it; the answer,
        // errors included, is JSON.
        s.args.json = true;
        s.args.json_errors = true;
        if (request_given(s)) {
            return UsageError{
                "--request gives the whole request: no query, --kind, --source, "
                "--filter, --facets or --manifest with it",
                true};
        }
    }
    return std::move(s.args);
}

std::string search_usage() {
    const std::string program = "usage: atlas-search ";
    std::vector<std::string> items = synopsis(grammar().options);
    items.insert(items.begin(), "[QUERY...]");
    std::string out = program;
    append_wrapped(out, items, out.size(), program.size());
    out += "\n       atlas-search --request FILE|- [--index DIR]";
    out += "\n       atlas-search --help [fields] | --version\n\n";
    out +=
        "Searches the index and prints the best hits first.  The words of QUERY are\n"
        "joined; quote the query for the shell when it has quotes or parentheses.\n\n";
    out += options_help(grammar().options, 2, 17);
    out += '\n';
    out += kQueryLanguage;
    return out;
}

}  // namespace atlas::cli
