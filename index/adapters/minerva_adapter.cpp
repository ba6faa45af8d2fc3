// minerva_adapter.cpp - one record per Minerva exhibit, markdown reduced to searchable text.
//
// Exhibits are read in sorted path order, so which of two same-named
// exhibits wins does not depend on the file system.  The story mapping is
// read first: it decides each repository's viewer folder, and so the URL a
// story is matched to its HTAN files by.
#include "minerva_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>

#include "hierarchy.h"
#include "json_reader.h"
#include "schema/text.h"

namespace atlas::detail {
namespace {

// A nuclear stain imaged once per cycle ("Hoechst1" ... "Hoechst9", "DNA10",
// "DAPI_2") is one marker, the stain; each channel's own name is kept.
std::optional<std::string> stain_of_cycle_channel(std::string_view name) {
    static constexpr std::array<std::string_view, 3> kStains{"Hoechst", "DAPI", "DNA"};
    std::string folded = fold(name);
    for (auto stain : kStains) {
        std::string f = fold(stain);
        if (!folded.starts_with(f) || folded.size() == f.size()) continue;
        std::string_view rest = std::string_view(folded).substr(f.size());
        if (rest.front() == ' ' || rest.front() == '_' || rest.front() == '-') rest.remove_prefix(1);
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

namespace fs = std::filesystem;

constexpr std::string_view kSource = "minerva";
constexpr std::string_view kSite = "https://labsyspharm.github.io/";
constexpr std::string_view kMappingFile = "minerva-story-mappings.json";
// Where a repository's site publishes its stories when the mapping does not say.
constexpr std::string_view kDefaultViewerFolder = "minerva";
// A Header used as the title is cut here; the whole Header is the description.
constexpr std::size_t kMaxTitleBytes = 160;

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

class MinervaAdapter final : public Adapter {
  public:
    explicit MinervaAdapter(fs::path root) : root_(std::move(root)) {}

    std::string_view name() const override { return kSource; }

    std::uint64_t estimate() override {
        if (!scan().ok()) return 0;
        return exhibits_.size();
    }

    Status read(RecordSink& sink) override {
        sink_ = &sink;
        std::error_code ec;
        if (!fs::is_directory(root_, ec)) {
            return Error{Errc::not_found,
                         fmt::format("minerva source '{}' is not a directory", root_.string())};
        }
        if (auto status = scan(); !status.ok()) return status;
        if (!mapping_.empty()) load_mapping();
        for (const auto& path : exhibits_) read_exhibit(path);
        return {};
    }

  private:
    // Lists the exhibits (sorted) and finds the story mapping.
    Status scan() {
        exhibits_.clear();
        mapping_.clear();
        std::error_code ec;
        fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied,
                                            ec);
        if (ec) {
            return Error{Errc::io, fmt::format("minerva source '{}' cannot be listed: {}",
                                               root_.string(), ec.message())};
        }
        std::vector<fs::path> mappings;
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const fs::path& p = it->path();
            if (!it->is_regular_file(ec)) continue;
            if (p.extension() == ".json" && p.parent_path().filename() == "exhibits") {
                exhibits_.push_back(p);
            } else if (p.filename() == kMappingFile) {
                mappings.push_back(p);
            }
        }
        std::sort(exhibits_.begin(), exhibits_.end());
        std::sort(mappings.begin(), mappings.end());
        if (!mappings.empty()) mapping_ = mappings.front();
        return {};
    }

    std::string rel(const fs::path& p) const {
        return p.lexically_relative(root_).generic_string();
    }

    IssueContext ctx(const fs::path& file, const std::string& record) const {
        return IssueContext{sink_, std::string(kSource), rel(file), record};
    }

    // The repository an exhibit belongs to: the folder holding `exhibits/`.
    // The corpus names its copies <owner>_<repo>; the site is the repo's.
    std::string repo_of(const fs::path& exhibit) const {
        fs::path dir = exhibit.parent_path().parent_path();
        if (dir.lexically_normal() == root_.lexically_normal() || dir.filename().empty()) {
            dir = fs::absolute(root_).lexically_normal();
            if (dir.filename().empty()) dir = dir.parent_path();
        }
        std::string name = dir.filename().string();
        constexpr std::string_view kOwner = "labsyspharm_";
        if (name.starts_with(kOwner)) name.erase(0, kOwner.size());
        return name;
    }

    // file name -> story URL, turned around: story URL -> file names.
    void load_mapping() {
        auto loaded = load_json_file(mapping_);
        if (!loaded.ok() || !loaded.value().doc.IsObject()) {
            report_warning(
                ctx(mapping_, ""), "",
                fmt::format("{}; stories are not linked to HTAN files",
                            loaded.ok() ? "is not a JSON object" : loaded.error().message));
            return;
        }
        for (const auto& m : loaded.value().doc.GetObject()) {
            std::string file(m.name.GetString(), m.name.GetStringLength());
            if (!m.value.IsString()) {
                report_warning(ctx(mapping_, ""), file, "story URL is not a string; left out");
                continue;
            }
            std::string_view url(m.value.GetString(), m.value.GetStringLength());
            files_of_url_[url_key(url)].push_back(file);
            // ".../HTA-MELATLAS-1/stories/MEL1-full-story.html": that site's folder.
            if (url.starts_with(kSite)) {
                std::string_view path = url.substr(kSite.size());
                auto a = path.find('/');
                auto b = a == std::string_view::npos ? a : path.find('/', a + 1);
                if (b != std::string_view::npos &&
                    path.find('/', b + 1) == std::string_view::npos) {
                    viewer_folder_.emplace(std::string(path.substr(0, a)),
                                           std::string(path.substr(a + 1, b - a - 1)));
                }
            }
        }
    }

    std::string viewer_url(const std::string& repo, const std::string& exhibit) const {
        auto it = viewer_folder_.find(repo);
        std::string_view folder = it == viewer_folder_.end() ? kDefaultViewerFolder : it->second;
        return fmt::format("{}{}/{}/{}.html", kSite, repo, folder, exhibit);
    }

    void reject(const fs::path& file, const std::string& id, const std::string& message) {
        std::optional<Record> previous = sink_->previous(id);
        report_issue(ctx(file, id), Severity::error, "", message + "; record rejected",
                     previous.has_value());
        if (previous) sink_->add_carried(std::move(*previous));
    }

    void read_exhibit(const fs::path& path) {
        std::string exhibit = path.stem().string();
        std::string id = fmt::format("minerva:story:{}", exhibit);
        auto [first, inserted] = seen_.emplace(exhibit, rel(path));
        if (!inserted) {
            report_issue(ctx(path, id), Severity::error, "",
                         fmt::format("the exhibit name '{}' was read from {} first; that story "
                                     "is kept and this file is left out",
                                     exhibit, first->second));
            return;
        }
        auto loaded = load_json_file(path);
        if (!loaded.ok()) return reject(path, id, loaded.error().message);
        const rapidjson::Document& doc = loaded.value().doc;
        if (!doc.IsObject()) return reject(path, id, "is not a JSON object");
        FieldReader r(doc, ctx(path, id));

        Record rec;
        rec.id = id;
        rec.source = kSource;
        rec.kind = "story";
        rec.file = rel(path);
        std::string repo = repo_of(path);
        rec.add("story", exhibit);
        rec.add("tag", repo);

        std::string header = strip_markdown(r.text("Header").value_or(""));
        std::string name = strip_markdown(r.text("Name").value_or(""));
        rec.title = !name.empty() ? name : !header.empty() ? shorten(header) : exhibit;
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
            if (auto p = im.text("Path"); p && p->starts_with("https://"))
                rec.add_link("https", *p);
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

        std::string viewer = viewer_url(repo, exhibit);
        rec.add_link("viewer", viewer);
        if (auto it = files_of_url_.find(url_key(viewer)); it != files_of_url_.end()) {
            for (const auto& f : it->second) add_unique(rec, "file_name", f);
        }
        rec.breadcrumb = {Crumb{rec.id, "story", rec.title}};
        if (loaded.value().repaired_bytes > 0) {
            report_warning(ctx(path, id), "",
                           fmt::format("{} ill-formed UTF-8 sequence(s) replaced by U+FFFD",
                                       loaded.value().repaired_bytes));
        }
        sink_->add(std::move(rec));
    }

    fs::path root_;
    RecordSink* sink_ = nullptr;
    std::vector<fs::path> exhibits_;
    fs::path mapping_;
    std::map<std::string, std::vector<std::string>> files_of_url_;
    std::map<std::string, std::string> viewer_folder_;  // repo -> folder its site uses
    std::map<std::string, std::string> seen_;           // exhibit name -> file
};

}  // namespace

std::unique_ptr<Adapter> make_minerva_adapter(const std::filesystem::path& root) {
    return std::make_unique<MinervaAdapter>(root);
}

}  // namespace atlas::detail
