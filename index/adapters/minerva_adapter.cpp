// minerva_adapter.cpp - finding and loading Minerva exhibits and the story mapping.
//
// Exhibits are read in sorted path order, so which of two same-named
// exhibits wins does not depend on the file system.  The story mapping is
// read first: it decides each repository's viewer folder, and so the URL a
// story is matched to its HTAN files by.  What an exhibit's fields become is
// minerva_mapping.h's.
#include "minerva_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "folders.h"
#include "json_reader.h"
#include "minerva_mapping.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

using minerva::kSource;
constexpr std::string_view kMappingFile = "minerva-story-mappings.json";

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
        // A folder that cannot be read keeps the previous generation's stories from it.
        for (const auto& u : unreadable_) reject_folder(ctx(u.folder, ""), u.reason);
        if (!mapping_.empty()) load_mapping();
        for (const auto& path : exhibits_) read_exhibit(path);
        return {};
    }

  private:
    // Lists the exhibits (sorted) and finds the story mapping.
    Status scan() {
        exhibits_.clear();
        mapping_.clear();
        std::vector<fs::path> mappings;
        unreadable_ = walk_folder(root_, WalkOptions{}, [&](const fs::path& p) {
            if (p.extension() == ".json" && p.parent_path().filename() == "exhibits") {
                exhibits_.push_back(p);
            } else if (p.filename() == kMappingFile) {
                mappings.push_back(p);
            }
        });
        if (!unreadable_.empty() && unreadable_.front().folder == root_) {
            return Error{Errc::io, fmt::format("minerva source '{}' {}", root_.string(),
                                               unreadable_.front().reason)};
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

    void load_mapping() {
        auto loaded = load_json_file(mapping_);
        if (!loaded.ok() || !loaded.value().doc.IsObject()) {
            report_warning(
                ctx(mapping_, ""), "",
                fmt::format("{}; stories are not linked to HTAN files",
                            loaded.ok() ? "is not a JSON object" : loaded.error().message));
            return;
        }
        links_ = minerva::read_story_links(loaded.value().doc, ctx(mapping_, ""));
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
        minerva::map_exhibit(r, exhibit, repo_of(path), links_, rec);
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
    std::vector<UnreadableFolder> unreadable_;
    fs::path mapping_;
    minerva::StoryLinks links_;
    std::map<std::string, std::string> seen_;  // exhibit name -> file
};

}  // namespace

std::unique_ptr<Adapter> make_minerva_adapter(const std::filesystem::path& root) {
    return std::make_unique<MinervaAdapter>(root);
}

}  // namespace atlas::detail
