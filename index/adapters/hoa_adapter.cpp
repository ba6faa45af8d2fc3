// hoa_adapter.cpp - reading Human Organ Atlas dataset files: the folder, JSON, rejects, carry-over.
//
// The whole source (a few hundred small files) is read before anything is
// emitted: donors and organs are assembled from many files, and a zoom's
// parent may be an overview that sorts after it (hoa::Tree in hoa_mapping.h
// places them once every file is read).  A file that cannot be used is
// rejected here, and the previous generation's version of its dataset is
// placed in the tree instead, with its donor and organ when no file of this
// build describes them.
#include "hoa_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "folders.h"
#include "hierarchy.h"
#include "hoa_mapping.h"
#include "json_reader.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

using hoa::kDatasetPrefix;
using hoa::kSource;

class HoaAdapter final : public Adapter {
  public:
    explicit HoaAdapter(fs::path root) : given_(std::move(root)) {}

    std::string_view name() const override { return kSource; }

    std::uint64_t estimate() override {
        resolve_root();
        std::uint64_t n = 0;
        std::error_code ec;
        fs::directory_iterator it(root_, ec);
        for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
            if (it->path().extension() == ".json" && it->is_regular_file(ec)) ++n;
        }
        return n;
    }

    Status read(RecordSink& sink) override {
        sink_ = &sink;
        resolve_root();
        std::error_code ec;
        if (!fs::is_directory(given_, ec)) {
            return Error{Errc::not_found,
                         fmt::format("hoa source '{}' is not a directory", given_.string())};
        }
        if (PathType type = path_type(root_); type.error) {
            return Error{Errc::io, fmt::format("hoa source '{}' cannot be read: {}",
                                               root_.string(), type.error.message())};
        }
        if (!fs::is_directory(root_, ec)) {
            return Error{Errc::not_found,
                         fmt::format("hoa source '{}' has no metadata/ (nor "
                                     "HumanOrganAtlas_metadata-schemas/metadata/) folder",
                                     given_.string())};
        }
        auto entries = list_folder(root_);
        if (!entries.ok()) {
            return Error{Errc::io, fmt::format("hoa source '{}' cannot be read: {}",
                                               root_.string(), entries.error().message)};
        }
        std::vector<fs::path> files;
        for (const auto& e : entries.value()) {
            // One whose type cannot be known is read, and reported as unreadable.
            if (e.path().extension() == ".json" && !path_type(e.path()).directory) {
                files.push_back(e.path());
            }
        }
        std::sort(files.begin(), files.end());
        tree_.emplace(sink_);
        for (const auto& file : files) read_file(file);
        for (auto& placed : tree_->finish()) emit(std::move(placed.record), placed.carried);
        tree_.reset();
        return {};
    }

  private:
    // metadata/, or the schema repository's copy; a metadata/ that cannot be
    // reached stays the root, so read() says why.
    void resolve_root() {
        root_ = given_ / "metadata";
        PathType type = path_type(root_);
        if (!type.directory && !type.error) {
            root_ = given_ / "HumanOrganAtlas_metadata-schemas" / "metadata";
        }
    }

    std::string rel(const fs::path& p) const {
        return p.lexically_relative(root_).generic_string();
    }

    IssueContext ctx(const std::string& file, const std::string& record) const {
        return IssueContext{sink_, std::string(kSource), file, record};
    }

    // Reports that a dataset file cannot be used and keeps the previous
    // generation's version of its dataset (own values only: parent, context
    // and roll-ups are recomputed from this build), if there is one.
    void reject(const std::string& file, const std::string& id, std::string_view field,
                const std::string& message) {
        std::vector<std::string> ids{id};
        // A dataset whose name differed from its file name has another id.
        for (const auto& prev : sink_->previous_ids_from_file(file)) {
            if (prev.starts_with(kDatasetPrefix) && prev != id) ids.push_back(prev);
        }
        bool kept = false;
        for (const auto& prev_id : ids) {
            if (tree_->dataset(prev_id) != nullptr) continue;
            std::optional<Record> previous = sink_->previous(prev_id);
            if (!previous) continue;
            keep_own_values(*previous);
            hoa::Scan s;
            s.carried = true;
            s.donor = previous->first("donor");
            std::string organ = previous->first("organ");
            std::string context = previous->first("organ_context");
            s.type = previous->first("dataset_type");
            if (previous->parent.starts_with(kDatasetPrefix)) {
                s.target = previous->parent.substr(kDatasetPrefix.size());
            }
            s.record = std::move(*previous);
            if (!s.donor.empty() && !organ.empty()) {
                s.organ_id = hoa::organ_id(s.donor, organ, context);
                ensure_donor(s.donor, s.record.file);
                ensure_kept_organ(s.organ_id, s.donor, organ, context, s.record.file);
            }
            tree_->add(std::move(s));
            kept = true;
        }
        report_issue(ctx(file, id), Severity::error, field, message + "; record rejected", kept);
    }

    // A donor or organ no file of this build describes, for a kept dataset:
    // the previous generation's version (own values), else a bare record.
    void ensure_donor(const std::string& donor, const std::string& file) {
        if (tree_->has_donor(donor)) return;
        std::optional<Record> previous = sink_->previous(std::string(hoa::kDonorPrefix) + donor);
        if (previous) keep_own_values(*previous);
        tree_->keep_donor(donor, file, std::move(previous));
    }

    void ensure_kept_organ(const std::string& id, const std::string& donor,
                           const std::string& organ, const std::string& context,
                           const std::string& file) {
        if (tree_->has_organ(id)) return;
        auto previous = sink_->previous(id);
        if (!previous) return tree_->ensure_organ(id, donor, organ, context, file);
        keep_own_values(*previous);
        tree_->keep_organ(id, donor, std::move(*previous));
    }

    void read_file(const fs::path& path) {
        std::string file = rel(path);
        std::string stem = path.stem().string();
        std::string stem_id = std::string(kDatasetPrefix) + stem;
        auto loaded = load_json_file(path);
        if (!loaded.ok()) return reject(file, stem_id, "", loaded.error().message);
        const rapidjson::Document& doc = loaded.value().doc;
        if (!doc.IsObject()) {
            return reject(
                file, stem_id, "",
                fmt::format("is a JSON {}, not an object", doc.IsArray() ? "array" : "scalar"));
        }
        if (auto n = loaded.value().repaired_bytes; n > 0) {
            report_warning(ctx(file, stem_id), "",
                           fmt::format("{} ill-formed UTF-8 sequence{} replaced by U+FFFD", n,
                                       n == 1 ? "" : "s"));
        }

        // The name is the id; a file renamed by hand keeps its dataset's id.
        FieldReader probe(doc, ctx(file, stem_id));
        std::string name = probe.text("name").value_or(stem);
        std::string id = std::string(kDatasetPrefix) + name;
        if (const hoa::Scan* seen = tree_->dataset(id)) {
            report_issue(ctx(file, id), Severity::error, "name",
                         fmt::format("{} is also the name of {}; this file is skipped", quote(name),
                                     seen->record.file));
            return;
        }
        FieldReader r(doc, ctx(file, id));
        if (!r.find("name")) {
            r.warn("name", "is missing; the file name is the dataset name");
        } else if (name != stem) {
            r.warn("name",
                   fmt::format("{} differs from the file name; the name is the id", quote(name)));
        }
        for (std::string_view required : {"donor.id", "sample.organ"}) {
            if (auto why = r.missing(required)) return reject(file, id, required, *why);
        }
        hoa::check_schema(r);

        std::string donor = r.text("donor.id").value_or("");
        std::string organ = r.text("sample.organ").value_or("");
        if (donor.empty() || organ.empty()) {
            return reject(file, id, donor.empty() ? "donor.id" : "sample.organ",
                          "required field is not a usable name");
        }
        tree_->add_dataset(r, name, file, donor, organ);
    }

    void emit(Record record, bool carried) {
        if (carried) {
            sink_->add_carried(std::move(record));
        } else {
            sink_->add(std::move(record));
        }
    }

    fs::path given_;
    fs::path root_;
    RecordSink* sink_ = nullptr;
    std::optional<hoa::Tree> tree_;  // while read() runs
};

}  // namespace

std::unique_ptr<Adapter> make_hoa_adapter(const std::filesystem::path& root) {
    return std::make_unique<HoaAdapter>(root);
}

}  // namespace atlas::detail
