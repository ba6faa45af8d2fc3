// minerva_mapping.cpp - exhibit fields, markers and markdown; the story mapping turned around.
#include "minerva_mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "hierarchy.h"
#include "schema/text.h"

namespace atlas::detail::minerva {
namespace {

constexpr std::string_view kSite = "https://labsyspharm.github.io/";
// Where a repository's site publishes its stories when the mapping does not say.
constexpr std::string_view kDefaultViewerFolder = "minerva";
// A Header used as the title is cut here; the whole Header is the description.
constexpr std::size_t kMaxTitleBytes = 160;

// A nuclear stain imaged once per cycle ("Hoechst1" ... "Hoechst9", "DNA10",
// "DAPI_2") is one marker, the stain; each channel's own name is kept.
std::optional<std::string> stain_of_cycle_channel(std::string_view name) {
    static constexpr std::array<std::string_view, 3> kStains{"Hoechst", "DAPI", "DNA"};
    std::string folded = fold(name);
    for (auto stain : kStains) {
        std::string f = fold(stain);
        if (!folded.starts_with(f) || folded.size() == f.size()) continue;
        std::string_view rest = std::string_view(folded).substr(f.size());
        if (rest.front() == ' ' || rest.front() == '_' || rest.front() == '-')
            rest.remove_prefix(1);
        if (!rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c)) != 0;
            })) {
            return std::string(stain);
        }
    }
    return std::nullopt;
}

// Adds a marker once per channel name (a channel shown in several groups is
// one marker).
void add_marker(Record& rec, std::string_view name) {
    std::string folded = fold(name);
    for (const auto* v : rec.get("marker")) {
        if (fold(v->original.empty() ? v->text : v->original) == folded) return;
    }
    if (auto stain = stain_of_cycle_channel(name)) {
        rec.add_normalized("marker", *stain, name);
    } else {
        rec.add("marker", name);
    }
}

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           (static_cast<unsigned char>(c) & 0x80);
}

// Inline markdown of one line: link and image targets, HTML tags, emphasis
// and code marks go; link texts stay ("[CD3](#s=0)" -> "CD3").  An '_' inside
// a word is content (HTA9_1), one at a word's edge is emphasis.
std::string strip_inline(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '!' && i + 1 < line.size() && line[i + 1] == '[') continue;
        if (c == '[') {
            auto close = line.find(']', i + 1);
            if (close != std::string_view::npos && close + 1 < line.size() &&
                line[close + 1] == '(') {
                auto end = line.find(')', close + 2);
                if (end != std::string_view::npos) {
                    out += strip_inline(line.substr(i + 1, close - i - 1));
                    i = end;
                    continue;
                }
            }
        }
        if (c == '<' && i + 1 < line.size() &&
            (std::isalpha(static_cast<unsigned char>(line[i + 1])) != 0 || line[i + 1] == '/')) {
            auto end = line.find('>', i);
            if (end != std::string_view::npos) {
                out.push_back(' ');
                i = end;
                continue;
            }
        }
        if (c == '*' || c == '`') continue;
        if (c == '_') {
            bool inside = i > 0 && i + 1 < line.size() && is_word_char(line[i - 1]) &&
                          is_word_char(line[i + 1]);
            if (!inside) continue;
        }
        out.push_back(c);
    }
    return out;
}

// Markdown as plain text on one line: headings, quotes, list marks and
// rules go with the inline marks; white space collapses.
std::string strip_markdown(std::string_view md) {
    std::string joined;
    std::size_t start = 0;
    while (start <= md.size()) {
        auto nl = md.find('\n', start);
        std::string_view line =
            md.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        start = nl == std::string_view::npos ? md.size() + 1 : nl + 1;
        auto b = line.find_first_not_of(" \t\r");
        if (b == std::string_view::npos) continue;
        line.remove_prefix(b);
        if (line.find_first_not_of("-*_= \t\r") == std::string_view::npos && line.size() >= 3) {
            continue;  // a rule or a setext underline
        }
        while (!line.empty() && (line.front() == '#' || line.front() == '>')) line.remove_prefix(1);
        if (line.size() > 1 && (line[0] == '-' || line[0] == '+') && line[1] == ' ') {
            line.remove_prefix(2);
        }
        joined += strip_inline(line);
        joined.push_back(' ');
    }
    std::string out;
    for (char c : joined) {
        bool space = c == ' ' || c == '\t' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out.push_back(space ? ' ' : c);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// A title from a long text: cut at a word boundary.
std::string shorten(std::string text) {
    if (text.size() <= kMaxTitleBytes) return text;
    auto cut = text.rfind(' ', kMaxTitleBytes);
    text.resize(cut == std::string::npos || cut == 0 ? kMaxTitleBytes : cut);
    return text + "\u2026";
}

// A story URL as the mapping and the viewer link are compared:
// ".../crc02-overview.html", ".../crc02-overview/" and ".../crc02-overview" agree.
std::string url_key(std::string_view url) {
    while (url.ends_with('/')) url.remove_suffix(1);
    if (url.ends_with(".html")) url.remove_suffix(5);
    return std::string(url);
}

std::string viewer_url(const StoryLinks& links, const std::string& repo, std::string_view exhibit) {
    auto it = links.viewer_folder.find(repo);
    std::string_view folder =
        it == links.viewer_folder.end() ? kDefaultViewerFolder : std::string_view(it->second);
    return fmt::format("{}{}/{}/{}.html", kSite, repo, folder, exhibit);
}

}  // namespace

// file name -> story URL, turned around: story URL -> file names.
StoryLinks read_story_links(const rapidjson::Value& mapping, const IssueContext& ctx) {
    StoryLinks links;
    for (const auto& m : mapping.GetObject()) {
        std::string file(m.name.GetString(), m.name.GetStringLength());
        if (!m.value.IsString()) {
            report_warning(ctx, file, "story URL is not a string; left out");
            continue;
        }
        std::string_view url(m.value.GetString(), m.value.GetStringLength());
        links.files_of_url[url_key(url)].push_back(file);
        // ".../HTA-MELATLAS-1/stories/MEL1-full-story.html": that site's folder.
        if (url.starts_with(kSite)) {
            std::string_view path = url.substr(kSite.size());
            auto a = path.find('/');
            auto b = a == std::string_view::npos ? a : path.find('/', a + 1);
            if (b != std::string_view::npos && path.find('/', b + 1) == std::string_view::npos) {
                links.viewer_folder.emplace(std::string(path.substr(0, a)),
                                            std::string(path.substr(a + 1, b - a - 1)));
            }
        }
    }
    return links;
}

void map_exhibit(const FieldReader& r, std::string_view exhibit, const std::string& repo,
                 const StoryLinks& links, Record& rec) {
    rec.add("story", exhibit);
    rec.add("tag", repo);

    std::string header = strip_markdown(r.text("Header").value_or(""));
    std::string name = strip_markdown(r.text("Name").value_or(""));
    rec.title = !name.empty() ? name : !header.empty() ? shorten(header) : std::string(exhibit);
    rec.add("description", header);

    for (const auto* story : r.objects("Stories")) {
        FieldReader s(*story, r.context(), "Stories[].");
        rec.add("description", strip_markdown(s.text("Name").value_or("")));
        rec.add("description", strip_markdown(s.text("Description").value_or("")));
        for (const auto* waypoint : s.objects("Waypoints")) {
            FieldReader w(*waypoint, r.context(), "Stories[].Waypoints[].");
            rec.add("description", strip_markdown(w.text("Name").value_or("")));
            rec.add("description", strip_markdown(w.text("Description").value_or("")));
        }
    }
    for (const auto* image : r.objects("Images")) {
        FieldReader im(*image, r.context(), "Images[].");
        rec.add("description", strip_markdown(im.text("Description").value_or("")));
        if (auto p = im.text("Path"); p && p->starts_with("https://")) rec.add_link("https", *p);
    }
    for (const auto* group : r.objects("Groups")) {
        FieldReader g(*group, r.context(), "Groups[].");
        if (auto n = g.text("Name")) add_marker(rec, *n);
        for (const auto& ch : g.strings("Channels")) add_marker(rec, ch);
    }
    // Newer exhibits (minerva-story's exhibit.json) list channels on their own.
    for (const auto* channel : r.objects("Channels")) {
        FieldReader c(*channel, r.context(), "Channels[].");
        if (auto n = c.text("Name")) add_marker(rec, *n);
    }

    std::string viewer = viewer_url(links, repo, exhibit);
    rec.add_link("viewer", viewer);
    if (auto it = links.files_of_url.find(url_key(viewer)); it != links.files_of_url.end()) {
        for (const auto& f : it->second) add_unique(rec, "file_name", f);
    }
    rec.breadcrumb = {Crumb{rec.id, "story", rec.title}};
}

}  // namespace atlas::detail::minerva
