// search_render.cpp - atlas-search's text output: hit lines, facets beside or
// above them, the header lines, the field list and download manifests.
#include "search_render.h"

#include <fmt/format.h>

#include <algorithm>

#include "atlas/portals.h"
#include "cli_util.h"

namespace atlas::cli {
namespace {

// Terminal colour: each piece in its SGR codes when on, plain otherwise.
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
    std::string marked(const Highlighted& h, std::string_view base = "") const {
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

std::string values_text(const HitField& f, std::size_t max_values = 3) {
    std::string out;
    std::size_t shown = 0;
    for (const auto& v : f.values) {
        if (shown == max_values) {
            out += fmt::format(" +{} more", grouped(f.values.size() - shown + f.more));
            break;
        }
        if (shown > 0) out += ", ";
        out += v.text;
        ++shown;
    }
    if (!f.unit.empty()) out += " " + f.unit;
    return out;
}

std::string crumb_text(const Breadcrumb& b) {
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
std::string facet_value_text(const FacetResult& f, const FacetCount& v) {
    std::string shown = v.value;
    if (f.numeric && !f.unit.empty() && v.label.empty()) shown += " " + f.unit;
    if (!v.label.empty()) shown += " " + v.label;
    return shown;
}

// Facet counts as a compact table above the hits: one line per facet, the
// values by count, what is beyond them and how many records lack the field.
void print_facets(std::FILE* out, const SearchResult& r, const Style& s) {
    if (r.facets.empty()) return;
    std::size_t width = 0;
    for (const auto& f : r.facets) width = std::max(width, f.label.size());
    for (const auto& f : r.facets) {
        std::string line;
        for (const auto& v : f.values) {
            if (!line.empty()) line += s.dim(" \u00b7 ");
            line += facet_value_text(f, v) + " " + s.bold(grouped(v.count));
        }
        if (f.other > 0) {
            line += s.dim(fmt::format(" \u00b7 {} more in {} other values", grouped(f.other),
                                      f.distinct - f.values.size()));
        }
        if (f.missing > 0) line += s.dim(fmt::format(" ({} without)", grouped(f.missing)));
        if (f.values.empty() && f.missing == 0) line = s.dim("-");
        std::fprintf(out, "  %s  %s\n", s.kind(fmt::format("{:<{}}", f.label, width)).c_str(),
                     line.c_str());
    }
    std::fputc('\n', out);
}

// The key fields of the hit's portal that it has: "Organism: ... \u00b7 Quality: 5".
std::string key_fields_text(const Hit& hit, const Style& s) {
    std::string keys;
    const PortalInfo* portal = find_portal(hit.source);
    if (portal == nullptr) return keys;
    for (const std::string& name : portal->key_fields) {
        const HitField* f = hit.field(name);
        if (f == nullptr || f->values.empty()) continue;
        if (!keys.empty()) keys += s.dim(" \u00b7 ");
        keys += s.dim(f->label + ": ") + values_text(*f);
    }
    return keys;
}

// Why the hit is where it is (--explain): what placed it, then each part of
// the query with the score it added and the fields its words occur in.
void add_explanation(std::vector<std::string>& out, const Hit& hit, const Style& s) {
    const auto& e = *hit.explanation;
    std::string line = e.tier.empty() ? e.order : fmt::format("{} ({})", e.order, e.tier);
    if (!e.parts.empty()) line += fmt::format(", score {:.3f}, the sum of", hit.score);
    out.push_back(fmt::format("     {} {}", s.dim("why:"), line));
    for (const auto& p : e.parts) {
        std::string where = p.fields.empty() ? std::string("no words in a field")
                                             : fmt::format("{}", fmt::join(p.fields, ", "));
        out.push_back(fmt::format("       {:8.3f}  {}  {}", p.score, p.query, s.dim(where)));
    }
}

// hit_lines, in a style.
std::vector<std::string> lines_of(const Hit& hit, const Style& s) {
    std::vector<std::string> out;
    out.push_back(fmt::format("{} {}  {}", s.bold(fmt::format("{:>3}.", hit.rank)),
                              s.kind(fmt::format("{:<10}", hit.kind)),
                              s.marked(hit.title_marks, "1")));
    out.push_back("     " + s.dim(hit.id));
    if (hit.similar > 0) {
        out.push_back("     " + s.dim(fmt::format("and {} more {} {} like it in this dataset "
                                                  "(--all-siblings lists them)",
                                                  grouped(hit.similar), hit.kind,
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
    if (std::string keys = key_fields_text(hit, s); !keys.empty()) out.push_back("     " + keys);
    // Where to get it: S3 first (aws s3 cp --no-sign-request), then DRS, then HTTPS.
    for (const char* rel : {"s3", "drs", "https"}) {
        std::string url = hit.link(rel);
        if (url.empty()) continue;
        out.push_back("     " + s.link(url));
        break;
    }
    if (hit.explanation) add_explanation(out, hit, s);
    out.emplace_back();
    return out;
}

// Facet counts as a column beside the hits (a wide terminal): per facet its
// label, then one line per value with its count, what is beyond them and how
// many records lack the field; each line at most `width` columns.
std::vector<std::string> facet_column(const SearchResult& r, const Style& s, std::size_t width) {
    std::vector<std::string> out;
    for (const auto& f : r.facets) {
        out.push_back(s.kind(fit(f.label, width)));
        for (const auto& v : f.values) {
            std::string shown = facet_value_text(f, v);
            std::string count = grouped(v.count);
            std::size_t room = width > count.size() + 3 ? width - count.size() - 3 : 1;
            shown = fit(shown, room);
            std::size_t pad = room - visible_width(shown) + 1;
            out.push_back("  " + shown + std::string(pad, ' ') + s.bold(count));
        }
        if (f.other > 0) {
            out.push_back("  " + s.dim(fit(fmt::format("+{} in {} more values", grouped(f.other),
                                                       f.distinct - f.values.size()),
                                           width - 2)));
        }
        if (f.missing > 0) {
            out.push_back("  " +
                          s.dim(fit(fmt::format("{} without", grouped(f.missing)), width - 2)));
        }
        if (f.values.empty() && f.missing == 0) out.push_back("  " + s.dim("-"));
        out.emplace_back();
    }
    return out;
}

// The words searched as others (typo tolerance), before anything else.
void print_corrections(std::FILE* out, const SearchResult& r, const Style& style) {
    if (r.did_you_mean.empty()) return;
    std::vector<std::string> fixes;
    for (const auto& c : r.corrections) {
        fixes.push_back(fmt::format("{} \u2192 {}", c.from, fmt::join(c.to, " | ")));
    }
    std::fprintf(out, "showing results for %s  %s\n",
                 style.bold(fmt::format("\"{}\"", r.did_you_mean)).c_str(),
                 style
                     .dim(fmt::format("({}; --no-typo-tolerance searches the words as typed)",
                                      fmt::join(fixes, ", ")))
                     .c_str());
}

// How the query's words were read, when more than common words were (with
// --explain, common words too): "read as: younger than 40 → age:<40 ·
// tomograms → records of kind:tomogram first".
void print_understood(std::FILE* out, const SearchResult& r, const Style& style) {
    bool explained = std::any_of(r.hits.begin(), r.hits.end(),
                                 [](const Hit& h) { return h.explanation.has_value(); });
    std::vector<std::string> parts;
    for (const auto& u : r.understood) {
        if (u.what == "optional" && !explained) continue;
        parts.push_back(fmt::format("{} \u2192 {}", u.words, u.as));
    }
    if (parts.empty()) return;
    std::fprintf(out, "%s\n", style.dim("read as: " + fmt::format("{}", fmt::join(parts, " \u00b7 "))).c_str());
}

// Relaxed matching, in one line: "no record has all of a, b, c; showing records with 2 of 3 words".
void print_relaxed(std::FILE* out, const SearchResult& r, const Style& style) {
    if (!r.relaxed) return;
    std::fprintf(out, "%s\n", style.dim(to_text(*r.relaxed)).c_str());
}

// What was searched, and where: "\"ribosome\" (annotation, cryoet)", "all records".
std::string searched(const SearchResult& r) {
    std::vector<std::string> scopes = r.kinds;
    scopes.insert(scopes.end(), r.sources.begin(), r.sources.end());
    std::string scope = scopes.empty() ? "" : fmt::format(" ({})", fmt::join(scopes, ", "));
    std::string what = r.query.empty() ? "all records" : fmt::format("\"{}\"", r.query);
    return what + scope;
}

// "29 results for \"ribosome S. pombe\" (0.5 ms) \u00b7 showing 1-10", then an empty line.
void print_header(std::FILE* out, const SearchResult& r, const Style& style) {
    std::size_t shown = r.group_by.empty() ? r.hits.size() : r.groups.size();
    std::string range = shown == 0 ? fmt::format("nothing past {}", r.offset)
                                   : fmt::format("showing {}-{}", r.offset + 1, r.offset + shown);
    if (!r.group_by.empty()) {
        range = fmt::format("{} {} \u00b7 {}", grouped(r.group_total),
                            r.group_total == 1 ? "dataset" : "datasets", range);
    }
    std::fprintf(out, "%s %s for %s (%.1f ms) \u00b7 %s\n\n", style.bold(grouped(r.total)).c_str(),
                 r.total == 1 ? "result" : "results", searched(r).c_str(), r.took_ms,
                 range.c_str());
}

// The hits, or the groups with their hits, as lines.
std::vector<std::string> result_lines(const SearchResult& r, const Style& style) {
    std::vector<std::string> lines;
    for (const auto& hit : r.hits) {
        auto more = lines_of(hit, style);
        lines.insert(lines.end(), more.begin(), more.end());
    }
    for (const auto& g : r.groups) {
        lines.push_back(fmt::format(
            "{} {}  {}", style.bold("\u25b8"), style.bold(g.title.empty() ? g.id : g.title),
            style.dim(fmt::format("{} \u00b7 {} matching", g.id, grouped(g.total)))));
        for (const auto& hit : g.hits) {
            auto more = lines_of(hit, style);
            lines.insert(lines.end(), more.begin(), more.end());
        }
    }
    return lines;
}

}  // namespace

void print_result(std::FILE* out, const SearchResult& r, const TextLayout& layout) {
    Style style{layout.colour};
    print_corrections(out, r, style);
    print_understood(out, r, style);
    print_relaxed(out, r, style);
    if (r.total == 0) {
        std::fprintf(out, "no results for %s (%.1f ms)\n", searched(r).c_str(), r.took_ms);
        return;
    }
    print_header(out, r, style);
    std::vector<std::string> lines = result_lines(r, style);
    // On a wide terminal the facet counts stand beside the hits; elsewhere
    // (narrow, piped) they come first, one line per facet.
    if (!r.facets.empty() && layout.columns >= kBesideMinColumns) {
        std::size_t right = std::min<std::size_t>(kFacetColumnWidth, layout.columns / 3);
        lines = beside(lines, facet_column(r, style, right), layout.columns - right - 3);
    } else {
        print_facets(out, r, style);
    }
    for (const auto& line : lines) std::fprintf(out, "%s\n", line.c_str());
}

std::vector<std::string> hit_lines(const Hit& hit, bool colour) {
    return lines_of(hit, Style{colour});
}

void print_fields(std::FILE* out) {
    std::fprintf(out, "%-24s %-10s %-6s %s\n", "field", "type", "unit", "what it holds");
    for (const auto& f : all_fields()) {
        std::fprintf(out, "%-24s %-10s %-6s %s\n", f.name.c_str(), f.type.c_str(), f.unit.c_str(),
                     f.help.c_str());
    }
}

void print_manifest(std::FILE* out, std::FILE* err, const Manifest& m) {
    for (const auto& line : m.lines) std::fprintf(out, "%s\n", line.c_str());
    for (const auto& s : m.skipped) {
        std::fprintf(err, "atlas-search: no route: %s: %s\n", s.id.c_str(), s.reason.c_str());
    }
    std::fprintf(err, "atlas-search: manifest of %zu record%s; %zu without a route%s\n", m.records,
                 m.records == 1 ? "" : "s", m.skipped.size(),
                 m.skipped.empty() ? "" : " (listed above)");
}

}  // namespace atlas::cli
