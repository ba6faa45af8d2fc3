// atlas-search - searches an atlas index from the terminal.
//
//   atlas-search [QUERY...] [--index DIR] [--kind K[,K...]] [--source S[,S...]]
//                [--limit N] [--offset N] [--json] [--manifest s3|drs|doi|https]
//
// Exit codes: 0 hits found; 1 no hits; 2 usage, query or index error (one line
// on stderr naming the problem).
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "atlas/manifest.h"
#include "atlas/portals.h"
#include "atlas/search.h"
#include "cli_util.h"

namespace {

constexpr int kExitHits = 0;
constexpr int kExitNoHits = 1;
constexpr int kExitError = 2;

constexpr const char* kUsage =
    R"(usage: atlas-search [QUERY...] [--index DIR] [--kind K[,K...]] [--source S[,S...]]
                    [--filter F=V[,V...]]... [--facets F[:N],...] [--sort F[:asc|:desc]]
                    [--group dataset] [--limit N] [--offset N] [--json]
                    [--no-typo-tolerance] [--explain] [--all-siblings]
                    [--manifest s3|drs|doi|https]
       atlas-search --request FILE|- [--index DIR]

Searches the index and prints the best hits first.  The words of QUERY are
joined; quote the query for the shell when it has quotes or parentheses.

  --index DIR      index directory (default: $ATLAS_INDEX, else the one the quick start built)
  --kind K[,K..]   only records of these kinds (repeatable): dataset, run, tiltseries,
                   tomogram, annotation, deposition (cryoet); atlas, participant,
                   biospecimen, file, publication (htan); donor, organ (hoa); document,
                   instrument, technique, sample (panosc); story (minerva)
  --source S[,S..] only records from these portals (repeatable): cryoet, htan, hoa,
                   panosc, minerva
  --manifest FMT   print a download manifest of every result instead of hits (with
                   --limit/--offset: of that page): s3 (aws s3 cp/sync lines), drs
                   (name,drs_uri CSV for the Cancer Genomics Cloud), doi, https; records
                   without such a route are listed on stderr with the reason
  --filter F=V[,V..] only records whose field F has one of the values (repeatable; OR
                   within, AND across); F!=V excludes, F=* needs a value, F!=* none;
                   numbers and dates take ranges (--filter quality=>=4)
  --facets F[:N],.. count the values of these fields (top N, default 10); each facet
                   is counted without the filters on its own field (beside the hits
                   on a terminal of 120 columns or more, else above them)
  --facet-search F=PREFIX  the values of F starting with PREFIX, with counts
  --sort F[:asc|:desc]  order by relevance, title, id, or a number or date field
                   (release_date, quality, voxel_spacing, run_count, ...); default desc
                   for numbers and dates
  --group dataset  group hits under their dataset (--limit/--offset count groups)
  --group-size N   hits shown per group (default 3)
  --no-typo-tolerance  search the words as typed (by default a word of 4+ letters
                   that matches nothing is searched as the closest words of the index)
  --all-siblings   list every near-identical sibling (by default the terminal shows
                   the best of the records of one kind and title in one dataset, such
                   as a ribosome annotation in each of 10 runs, once, with the count
                   of the others; a --request follows its "collapse" member)
  --explain        say why each hit matched and where it ranks: an exact id typed as
                   the query, or each part of the query with its score and the
                   fields its words occur in (with --json: "explain" in each hit)
  --request FILE   the whole request as JSON (- reads standard input); prints JSON
  --limit N        hits to show, 0 to 1000 (default 10)
  --offset N       hits to skip, for paging (default 0)
  --json           print one JSON document instead of text
  --help fields    list the fields a query can name
  --version        print the version
  --               everything after it is the query (for queries starting with '-')

query language:
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

// Set before the arguments are read, so even a usage error honours --json.
bool json_output = false;

// One line on stderr; with --json also the error as JSON on stdout.
int fail(const atlas::Error& error) {
    if (json_output) std::fprintf(stdout, "%s\n", atlas::to_json(error).c_str());
    std::fprintf(stderr, "atlas-search: %s\n", error.message.c_str());
    return kExitError;
}

int usage(std::string message) { return fail({atlas::Errc::invalid_request, std::move(message)}); }

// Appends the comma-separated items of `value` ("dataset,run") to `out`.
void split_into(const std::string& value, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        std::string k =
            value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!k.empty()) out.push_back(k);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
}

// The manifest of every hit (or of the page --limit asked for): lines on
// stdout, records without a route on stderr with the reason.
int print_manifest(atlas::Searcher& searcher, atlas::SearchRequest request,
                   atlas::ManifestFormat format, bool limit_given) {
    std::vector<atlas::Hit> hits;
    if (limit_given) {
        auto result = searcher.search(request);
        if (!result.ok()) return fail(result.error());
        hits = std::move(result.value().hits);
    } else {
        request.limit = atlas::kMaxLimit;
        while (true) {
            auto result = searcher.search(request);
            if (!result.ok()) return fail(result.error());
            auto& page = result.value().hits;
            for (auto& h : page) hits.push_back(std::move(h));
            if (page.size() < request.limit || hits.size() >= result.value().total ||
                request.offset + request.limit > atlas::kMaxOffset) {
                break;
            }
            request.offset += request.limit;
        }
    }
    atlas::Manifest m = atlas::make_manifest(hits, format);
    for (const auto& line : m.lines) std::fprintf(stdout, "%s\n", line.c_str());
    for (const auto& s : m.skipped) {
        std::fprintf(stderr, "atlas-search: no route: %s: %s\n", s.id.c_str(), s.reason.c_str());
    }
    std::fprintf(stderr, "atlas-search: manifest of %zu record%s; %zu without a route%s\n",
                 m.records, m.records == 1 ? "" : "s", m.skipped.size(),
                 m.skipped.empty() ? "" : " (listed above)");
    return m.records > 0 ? kExitHits : kExitNoHits;
}


// "organism=S. pombe,E. coli" (any), "organism!=E. coli" (none), "organism=*"
// (exists), "organism!=*" (missing).  A comma inside a value is written "\,".
std::optional<atlas::Filter> parse_filter(const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    atlas::Filter f;
    bool negated = text[eq - 1] == '!';
    f.field = text.substr(0, negated ? eq - 1 : eq);
    if (f.field.empty()) return std::nullopt;
    std::string rest = text.substr(eq + 1);
    if (rest == "*") {
        f.mode = negated ? atlas::Filter::Mode::missing : atlas::Filter::Mode::exists;
        return f;
    }
    f.mode = negated ? atlas::Filter::Mode::none : atlas::Filter::Mode::any;
    std::string value;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size() && rest[i + 1] == ',') {
            value += ',';
            ++i;
        } else if (rest[i] == ',') {
            if (!value.empty()) f.values.push_back(value);
            value.clear();
        } else {
            value += rest[i];
        }
    }
    if (!value.empty()) f.values.push_back(value);
    if (f.values.empty()) return std::nullopt;
    return f;
}

std::optional<std::string> read_all(const std::string& path) {
    std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (in == nullptr) return std::nullopt;
    std::string text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) text.append(buf, n);
    bool failed = std::ferror(in) != 0;
    if (in != stdin) std::fclose(in);
    if (failed) return std::nullopt;
    return text;
}

bool parse_count(const std::string& text, std::uint32_t max, std::uint32_t& out) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v > max) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
}

void print_fields() {
    std::fprintf(stdout, "%-24s %-10s %-6s %s\n", "field", "type", "unit", "what it holds");
    for (const auto& f : atlas::fields()) {
        std::fprintf(stdout, "%-24s %-10s %-6s %s\n", f.name.c_str(), f.type.c_str(),
                     f.unit.c_str(), f.help.c_str());
    }
}

struct Style {
    bool on = false;
    std::string wrap(std::string_view code, std::string_view text) const {
        if (!on) return std::string(text);
        return fmt::format("\033[{}m{}\033[0m", code, text);
    }
    std::string bold(std::string_view t) const { return wrap("1", t); }
    std::string dim(std::string_view t) const { return wrap("2", t); }
    std::string kind(std::string_view t) const { return wrap("36", t); }
    std::string link(std::string_view t) const { return wrap("32", t); }
    // Matched words: bold yellow on a terminal, as they are elsewhere.
    std::string marked(const atlas::Highlighted& h, std::string_view base = "") const {
        if (!on) return h.text;
        std::string out;
        std::size_t at = 0;
        std::string reset = base.empty() ? "\033[0m" : fmt::format("\033[0m\033[{}m", base);
        if (!base.empty()) out += fmt::format("\033[{}m", base);
        for (const auto& [b, e] : h.marks) {
            if (b < at || e > h.text.size()) continue;
            out += h.text.substr(at, b - at);
            out += "\033[1;33m" + h.text.substr(b, e - b) + reset;
            at = e;
        }
        out += h.text.substr(at);
        if (!base.empty()) out += "\033[0m";
        return out;
    }
};

std::string values_text(const atlas::HitField& f, std::size_t max_values = 3) {
    std::string out;
    std::size_t shown = 0;
    for (const auto& v : f.values) {
        if (shown == max_values) {
            out += fmt::format(" +{} more", atlas::cli::grouped(f.values.size() - shown + f.more));
            break;
        }
        if (shown > 0) out += ", ";
        out += v.text;
        ++shown;
    }
    if (!f.unit.empty()) out += " " + f.unit;
    return out;
}

std::string crumb_text(const atlas::Breadcrumb& b) {
    if (b.kind == "dataset" || b.kind == "deposition") {
        std::string id = b.id.substr(b.id.rfind(':') + 1);
        return id + " " + b.label;
    }
    return b.label;
}

// The facet column beside the hits needs a terminal this wide; it is this wide.
constexpr std::size_t kBesideMinColumns = 120;
constexpr std::size_t kFacetColumnWidth = 40;

// A facet value as shown: "13.48 \u00c5", "5 Excellent", "Schizosaccharomyces pombe".
std::string facet_value_text(const atlas::FacetResult& f, const atlas::FacetCount& v) {
    std::string shown = v.value;
    if (f.numeric && !f.unit.empty() && v.label.empty()) shown += " " + f.unit;
    if (!v.label.empty()) shown += " " + v.label;
    return shown;
}

// Facet counts as a compact table above the hits: one line per facet, the
// values by count, what is beyond them and how many records lack the field.
void print_facets(const atlas::SearchResult& r, const Style& s) {
    if (r.facets.empty()) return;
    std::size_t width = 0;
    for (const auto& f : r.facets) width = std::max(width, f.label.size());
    for (const auto& f : r.facets) {
        std::string line;
        for (const auto& v : f.values) {
            if (!line.empty()) line += s.dim(" \u00b7 ");
            line += facet_value_text(f, v) + " " + s.bold(atlas::cli::grouped(v.count));
        }
        if (f.other > 0) {
            line += s.dim(fmt::format(" \u00b7 {} more in {} other values",
                                      atlas::cli::grouped(f.other), f.distinct - f.values.size()));
        }
        if (f.missing > 0) line += s.dim(fmt::format(" ({} without)", atlas::cli::grouped(f.missing)));
        if (f.values.empty() && f.missing == 0) line = s.dim("-");
        std::fprintf(stdout, "  %s  %s\n", s.kind(fmt::format("{:<{}}", f.label, width)).c_str(),
                     line.c_str());
    }
    std::fputc('\n', stdout);
}

// The lines a hit prints as (no newlines), then an empty line.
std::vector<std::string> hit_lines(const atlas::Hit& hit, const Style& s) {
    std::vector<std::string> out;
    out.push_back(fmt::format("{} {}  {}", s.bold(fmt::format("{:>3}.", hit.rank)),
                              s.kind(fmt::format("{:<10}", hit.kind)),
                              s.marked(hit.title_marks, "1")));
    out.push_back("     " + s.dim(hit.id));
    if (hit.similar > 0) {
        out.push_back("     " + s.dim(fmt::format("and {} more {} {} like it in this dataset "
                                                  "(--all-siblings lists them)",
                                                  atlas::cli::grouped(hit.similar), hit.kind,
                                                  hit.similar == 1 ? "record" : "records")));
    }
    if (hit.breadcrumb.size() > 1) {
        std::string crumbs;
        for (const auto& b : hit.breadcrumb) {
            if (!crumbs.empty()) crumbs += " \u203a ";
            crumbs += crumb_text(b);
        }
        out.push_back("     " + crumbs);
    }
    if (!hit.snippet.text.empty()) out.push_back("     " + s.marked(hit.snippet));
    std::string keys;
    const atlas::PortalInfo* portal = atlas::find_portal(hit.source);
    for (const std::string& name : portal ? portal->key_fields : std::vector<std::string>{}) {
        const atlas::HitField* f = hit.field(name);
        if (f == nullptr || f->values.empty()) continue;
        if (!keys.empty()) keys += s.dim(" \u00b7 ");
        keys += s.dim(f->label + ": ") + values_text(*f);
    }
    if (!keys.empty()) out.push_back("     " + keys);
    // Where to get it: S3 first (aws s3 cp --no-sign-request), then DRS, then HTTPS.
    for (const char* rel : {"s3", "drs", "https"}) {
        std::string url = hit.link(rel);
        if (url.empty()) continue;
        out.push_back("     " + s.link(url));
        break;
    }
    if (hit.explanation) {
        const auto& e = *hit.explanation;
        std::string line = e.order;
        if (!e.parts.empty()) line += fmt::format(", score {:.3f}, the sum of", hit.score);
        out.push_back(fmt::format("     {} {}", s.dim("why:"), line));
        for (const auto& p : e.parts) {
            std::string where = p.fields.empty() ? std::string("no words in a field")
                                                 : fmt::format("{}", fmt::join(p.fields, ", "));
            out.push_back(fmt::format("       {:8.3f}  {}  {}", p.score, p.query, s.dim(where)));
        }
    }
    out.emplace_back();
    return out;
}

// Facet counts as a column beside the hits (a wide terminal): per facet its
// label, then one line per value with its count, what is beyond them and how
// many records lack the field; each line at most `width` columns.
std::vector<std::string> facet_column(const atlas::SearchResult& r, const Style& s,
                                      std::size_t width) {
    std::vector<std::string> out;
    for (const auto& f : r.facets) {
        out.push_back(s.kind(atlas::cli::fit(f.label, width)));
        for (const auto& v : f.values) {
            std::string shown = facet_value_text(f, v);
            std::string count = atlas::cli::grouped(v.count);
            std::size_t room = width > count.size() + 3 ? width - count.size() - 3 : 1;
            shown = atlas::cli::fit(shown, room);
            std::size_t pad = room - atlas::cli::visible_width(shown) + 1;
            out.push_back("  " + shown + std::string(pad, ' ') + s.bold(count));
        }
        if (f.other > 0) {
            out.push_back("  " + s.dim(atlas::cli::fit(
                                     fmt::format("+{} in {} more values",
                                                 atlas::cli::grouped(f.other),
                                                 f.distinct - f.values.size()),
                                     width - 2)));
        }
        if (f.missing > 0) {
            out.push_back("  " + s.dim(atlas::cli::fit(
                                     fmt::format("{} without", atlas::cli::grouped(f.missing)),
                                     width - 2)));
        }
        if (f.values.empty() && f.missing == 0) out.push_back("  " + s.dim("-"));
        out.emplace_back();
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    for (const auto& a : args) {
        if (a == "--") break;
        if (a == "--json") json_output = true;
    }
    atlas::SearchRequest request;
    std::string index;
    bool json = false;
    bool limit_given = false;
    bool collapse = true;  // the terminal shows near-identical siblings once
    std::optional<atlas::ManifestFormat> manifest;
    std::vector<std::string> words;
    std::optional<std::string> request_file;
    bool query_only = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (query_only || a.empty() || a[0] != '-' || a == "-") {
            words.push_back(a);
            continue;
        }
        std::string flag = a;
        std::string value;
        bool has_value = false;
        if (auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
            flag = a.substr(0, eq);
            value = a.substr(eq + 1);
            has_value = true;
        }
        auto take = [&]() -> bool {
            if (has_value) return true;
            if (i + 1 >= args.size()) return false;
            value = args[++i];
            return true;
        };
        if (flag == "--") {
            query_only = true;
        } else if (flag == "--help" || flag == "-h") {
            if (i + 1 < args.size() && args[i + 1] == "fields") {
                print_fields();
            } else {
                std::fputs(kUsage, stdout);
            }
            return kExitHits;
        } else if (flag == "--version") {
            std::fprintf(stdout, "atlas-search %s (schema version %d)\n", ATLAS_VERSION,
                         atlas::schema_version());
            return kExitHits;
        } else if (flag == "--json") {
            json = true;
        } else if (flag == "--no-typo-tolerance") {
            request.typo_tolerance = false;
        } else if (flag == "--explain") {
            request.explain = true;
        } else if (flag == "--all-siblings") {
            collapse = false;
        } else if (flag == "--index") {
            if (!take()) return usage("--index needs a directory");
            index = value;
        } else if (flag == "--kind") {
            if (!take()) return usage("--kind needs a kind (dataset, run, annotation, ...)");
            split_into(value, request.kinds);
        } else if (flag == "--source") {
            if (!take()) return usage("--source needs a source (cryoet, htan, hoa, panosc, minerva)");
            split_into(value, request.sources);
        } else if (flag == "--manifest") {
            if (!take() || !atlas::parse_manifest_format(value)) {
                return usage(fmt::format("--manifest takes s3, drs, doi or https, not '{}'", value));
            }
            manifest = atlas::parse_manifest_format(value);
        } else if (flag == "--filter") {
            if (!take()) return usage("--filter needs FIELD=VALUE[,VALUE...]");
            auto f = parse_filter(value);
            if (!f) {
                return usage(fmt::format(
                    "--filter takes FIELD=VALUE[,VALUE...], FIELD!=VALUE, FIELD=* or FIELD!=*, "
                    "not '{}'",
                    value));
            }
            request.filters.push_back(std::move(*f));
        } else if (flag == "--facets") {
            if (!take()) return usage("--facets needs FIELD[:SIZE][,FIELD[:SIZE]...]");
            std::vector<std::string> items;
            split_into(value, items);
            for (const auto& item : items) {
                atlas::FacetRequest f;
                auto colon = item.find(':');
                f.field = item.substr(0, colon);
                if (colon != std::string::npos &&
                    !parse_count(item.substr(colon + 1), atlas::kMaxFacetSize, f.size)) {
                    return usage(fmt::format("--facets: '{}' is not FIELD or FIELD:SIZE (at most {})",
                                             item, atlas::kMaxFacetSize));
                }
                request.facets.push_back(std::move(f));
            }
        } else if (flag == "--facet-search") {
            auto eq = take() ? value.find('=') : std::string::npos;
            if (eq == std::string::npos || eq == 0) {
                return usage("--facet-search needs FIELD=PREFIX (organism=Schiz)");
            }
            atlas::FacetRequest f;
            f.field = value.substr(0, eq);
            f.prefix = value.substr(eq + 1);
            f.size = 20;
            request.facets.push_back(std::move(f));
        } else if (flag == "--sort") {
            if (!take() || value.empty()) return usage("--sort needs FIELD[:asc|:desc]");
            atlas::SortKey k;
            auto colon = value.find(':');
            k.field = value.substr(0, colon);
            std::string order = colon == std::string::npos ? "" : value.substr(colon + 1);
            if (order == "asc") {
                k.descending = false;
            } else if (order == "desc") {
                k.descending = true;
            } else if (order.empty()) {
                // Newest, best, most first; names from A.
                k.descending = k.field != "title" && k.field != "id" && k.field != "kind" &&
                               k.field != "relevance";
            } else {
                return usage(fmt::format("--sort takes FIELD, FIELD:asc or FIELD:desc, not '{}'",
                                         value));
            }
            request.sort = {k};
        } else if (flag == "--group") {
            if (!take() || value != "dataset") return usage("--group takes dataset");
            request.group_by = value;
        } else if (flag == "--group-size") {
            if (!take() || !parse_count(value, atlas::kMaxGroupSize, request.group_size) ||
                request.group_size == 0) {
                return usage(fmt::format("--group-size takes a number from 1 to {}, not '{}'",
                                         atlas::kMaxGroupSize, value));
            }
        } else if (flag == "--request") {
            if (!take()) return usage("--request needs a JSON file, or - for standard input");
            request_file = value;
        } else if (flag == "--limit") {
            limit_given = true;
            if (!take() || !parse_count(value, atlas::kMaxLimit, request.limit)) {
                return usage(fmt::format("--limit takes a number from 0 to {}, not '{}'",
                                         atlas::kMaxLimit, value));
            }
        } else if (flag == "--offset") {
            if (!take() || !parse_count(value, atlas::kMaxOffset, request.offset)) {
                return usage(fmt::format("--offset takes a number from 0 to {}, not '{}'",
                                         atlas::kMaxOffset, value));
            }
        } else {
            return usage(
                fmt::format("unknown option '{}' (to search for it, put the query after "
                            "--; see --help)",
                            a));
        }
    }
    for (const auto& w : words) {
        if (!request.query.empty()) request.query += ' ';
        request.query += w;
    }
    // A manifest lists every file, siblings included.
    request.collapse = collapse && !manifest;
    if (request_file) {
        // The structured request, as a portal backend sends it; the answer,
        // errors included, is JSON.
        json = true;
        json_output = true;
        if (!words.empty() || !request.filters.empty() || !request.facets.empty() ||
            !request.kinds.empty() || !request.sources.empty() || manifest) {
            return usage("--request gives the whole request: no query, --kind, --source, "
                         "--filter, --facets or --manifest with it");
        }
        auto text = read_all(*request_file);
        if (!text) return usage(fmt::format("cannot read the request file '{}'", *request_file));
        auto parsed = atlas::request_from_json(*text);
        if (!parsed.ok()) return fail(parsed.error());
        request = std::move(parsed).value();
    }

    std::string dir = atlas::cli::index_dir(index);
    auto searcher = atlas::Searcher::open(dir);
    if (!searcher.ok()) return fail(searcher.error());
    if (manifest) return print_manifest(searcher.value(), request, *manifest, limit_given);
    auto result = searcher.value().search(request);
    if (!result.ok()) return fail(result.error());
    const atlas::SearchResult& r = result.value();
    if (json) {
        std::fprintf(stdout, "%s\n", atlas::to_json(r).c_str());
        return r.total > 0 ? kExitHits : kExitNoHits;
    }
    Style style{atlas::cli::use_colour(stdout)};
    std::vector<std::string> scopes = r.kinds;
    scopes.insert(scopes.end(), r.sources.begin(), r.sources.end());
    std::string scope = scopes.empty() ? "" : fmt::format(" ({})", fmt::join(scopes, ", "));
    std::string what = r.query.empty() ? "all records" : fmt::format("\"{}\"", r.query);
    if (!r.did_you_mean.empty()) {
        // Say which words were searched as others, before anything else.
        std::vector<std::string> fixes;
        for (const auto& c : r.corrections) {
            fixes.push_back(fmt::format("{} \u2192 {}", c.from, fmt::join(c.to, " | ")));
        }
        std::fprintf(stdout, "showing results for %s  %s\n",
                     style.bold(fmt::format("\"{}\"", r.did_you_mean)).c_str(),
                     style.dim(fmt::format("({}; --no-typo-tolerance searches the words as typed)",
                                           fmt::join(fixes, ", ")))
                         .c_str());
    }
    if (r.total == 0) {
        std::fprintf(stdout, "no results for %s%s (%.1f ms)\n", what.c_str(), scope.c_str(),
                     r.took_ms);
        return kExitNoHits;
    }
    std::size_t shown = r.group_by.empty() ? r.hits.size() : r.groups.size();
    std::string range = shown == 0 ? fmt::format("nothing past {}", r.offset)
                                   : fmt::format("showing {}-{}", r.offset + 1, r.offset + shown);
    if (!r.group_by.empty()) {
        range = fmt::format("{} {} \u00b7 {}", atlas::cli::grouped(r.group_total),
                            r.group_total == 1 ? "dataset" : "datasets", range);
    }
    std::fprintf(stdout, "%s %s for %s%s (%.1f ms) \u00b7 %s\n\n",
                 style.bold(atlas::cli::grouped(r.total)).c_str(),
                 r.total == 1 ? "result" : "results", what.c_str(), scope.c_str(), r.took_ms,
                 range.c_str());
    std::vector<std::string> lines;
    for (const auto& hit : r.hits) {
        auto more = hit_lines(hit, style);
        lines.insert(lines.end(), more.begin(), more.end());
    }
    for (const auto& g : r.groups) {
        lines.push_back(fmt::format("{} {}  {}", style.bold("\u25b8"),
                                    style.bold(g.title.empty() ? g.id : g.title),
                                    style.dim(fmt::format("{} \u00b7 {} matching", g.id,
                                                          atlas::cli::grouped(g.total)))));
        for (const auto& hit : g.hits) {
            auto more = hit_lines(hit, style);
            lines.insert(lines.end(), more.begin(), more.end());
        }
    }
    // On a wide terminal the facet counts stand beside the hits; elsewhere
    // (narrow, piped) they come first, one line per facet.
    std::size_t columns = atlas::cli::terminal_columns(stdout);
    if (!r.facets.empty() && columns >= kBesideMinColumns) {
        std::size_t right = std::min<std::size_t>(kFacetColumnWidth, columns / 3);
        lines = atlas::cli::beside(lines, facet_column(r, style, right), columns - right - 3);
    } else {
        print_facets(r, style);
    }
    for (const auto& line : lines) std::fprintf(stdout, "%s\n", line.c_str());
    return kExitHits;
}
