// htan_adapter.cpp - finding and loading HTAN's export and the files beside it.
//
// The export is one JSON document, so the whole of it is read before anything
// is emitted (htan_mapping.h maps it).  If the document cannot be read, the
// previous generation's records from it are kept (reject_file); so are those
// from the publications list.  The other files only add to the export's
// records: one that cannot be read is a warning, and what it would have added
// is left out.  A folder that cannot be read is an error, and the previous
// generation's records from files under it are kept (reject_folder).
#include "htan_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "folders.h"
#include "htan_mapping.h"
#include "json_reader.h"
#include "schema/csv_reader.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

using htan::kSource;

// The processed export is 136 MB inflated; leave room for growth.
constexpr std::uintmax_t kMaxExportBytes = 1024u << 20;

class HtanAdapter final : public Adapter {
  public:
    explicit HtanAdapter(fs::path root) : root_(std::move(root)) {}

    std::string_view name() const override { return kSource; }

    std::uint64_t estimate() override { return 0; }  // known only after parsing 136 MB

    Status read(RecordSink& sink) override {
        sink_ = &sink;
        find_files();
        for (const auto& u : unreadable_) reject_folder(context(u.folder), u.reason);
        if (export_.empty()) {
            std::string note;
            if (!unreadable_.empty()) {
                note = fmt::format(" (and '{}' {})", unreadable_.front().folder.string(),
                                   unreadable_.front().reason);
            }
            return Error{Errc::not_found, fmt::format("no processed_syn_data.json(.gz) under '{}'{}",
                                                      root_.string(), note)};
        }
        htan::Inputs inputs;
        load_organ_mappings(inputs);
        load_story_mappings(inputs);
        load_drs_manifests(inputs);
        load_therapy(inputs);
        htan::Mapper mapper(sink, std::move(inputs));
        read_export(mapper);
        read_publications(mapper);
        return {};
    }

  private:
    std::string relative(const fs::path& p) const {
        return p.lexically_relative(root_).generic_string();
    }

    IssueContext context(const fs::path& file) const {
        return IssueContext{sink_, std::string(kSource), relative(file), {}};
    }

    void find_files() {
        std::vector<fs::path> all;
        unreadable_ =
            walk_folder(root_, WalkOptions{}, [&](const fs::path& p) { all.push_back(p); });
        std::sort(all.begin(), all.end());
        for (const auto& p : all) {
            auto name = p.filename().string();
            if ((name == "processed_syn_data.json.gz" || name == "processed_syn_data.json") &&
                export_.empty()) {
                export_ = p;
            } else if (name == "publications_manifest_all.json" && publications_.empty()) {
                publications_ = p;
            } else if (name == "human-organ-mappings.json" && organ_map_.empty()) {
                organ_map_ = p;
            } else if (name == "minerva-story-mappings.json" && story_map_.empty()) {
                story_map_ = p;
            } else if ((name == "syn_data.json.gz" || name == "syn_data.json") &&
                       syn_data_.empty()) {
                syn_data_ = p;
            } else if (p.extension() == ".csv") {
                auto header = read_csv_header(p);
                if (header && htan::is_drs_manifest(*header)) drs_manifests_.push_back(p);
            }
        }
    }

    void load_organ_mappings(htan::Inputs& in) {
        if (organ_map_.empty()) return;
        auto file = load_json_file(organ_map_);
        if (!file.ok()) {
            report_issue(context(organ_map_), Severity::warning, "",
                         file.error().message + "; organs are not mapped to coarse names");
            return;
        }
        htan::read_organ_mappings(file.value().doc, in);
    }

    void load_story_mappings(htan::Inputs& in) {
        if (story_map_.empty()) return;
        auto file = load_json_file(story_map_);
        if (!file.ok() || !file.value().doc.IsObject()) {
            report_issue(context(story_map_), Severity::warning, "",
                         (file.ok() ? std::string("is not an object") : file.error().message) +
                             "; files are not linked to Minerva stories");
            return;
        }
        htan::read_story_mappings(file.value().doc, in);
    }

    // Reads the DRS manifests' rows; they are matched to files once the export's
    // files are known.
    void load_drs_manifests(htan::Inputs& in) {
        for (const auto& path : drs_manifests_) {
            auto table = read_csv_file(path);
            if (!table.ok()) {
                report_issue(context(path), Severity::warning, "",
                             table.error().message + "; its DRS URIs are not attached");
                continue;
            }
            htan::read_drs_manifest(table.value(), context(path), in);
        }
    }

    // Reads the Therapy rows before the export is parsed, so the 88 MB
    // document is freed by then.
    void load_therapy(htan::Inputs& in) {
        if (syn_data_.empty()) return;
        auto file = load_json_file(syn_data_, kMaxExportBytes);
        if (!file.ok()) {
            report_issue(context(syn_data_), Severity::warning, "",
                         file.error().message + "; participants get no therapy from it");
            return;
        }
        htan::read_therapy(file.value().doc, context(syn_data_), in);
    }

    void read_export(htan::Mapper& mapper) {
        auto ctx = context(export_);
        auto file = load_json_file(export_, kMaxExportBytes);
        if (!file.ok()) {
            reject_file(ctx, file.error().message);
            return;
        }
        const auto& doc = file.value().doc;
        if (!doc.IsObject()) {
            reject_file(ctx, "is not a JSON object with files, atlases, ...");
            return;
        }
        mapper.map_export(doc, ctx.file);
    }

    void read_publications(htan::Mapper& mapper) {
        if (publications_.empty()) return;
        auto ctx = context(publications_);
        auto file = load_json_file(publications_);
        if (!file.ok()) {
            reject_file(ctx, file.error().message);
            return;
        }
        const auto& doc = file.value().doc;
        if (!doc.IsArray()) {
            reject_file(ctx, "is not a list of publication records");
            return;
        }
        mapper.map_publications(doc, ctx.file);
    }

    fs::path root_;
    RecordSink* sink_ = nullptr;
    fs::path export_, publications_, organ_map_, story_map_, syn_data_;
    std::vector<fs::path> drs_manifests_;
    std::vector<UnreadableFolder> unreadable_;
};

}  // namespace

std::unique_ptr<Adapter> make_htan_adapter(const std::filesystem::path& root) {
    return std::make_unique<HtanAdapter>(root);
}

}  // namespace atlas::detail
