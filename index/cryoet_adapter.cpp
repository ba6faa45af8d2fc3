// cryoet_adapter.cpp - walking a CryoET bucket mirror: ids, hierarchy, inheritance, roll-ups.
//
// One dataset folder is read completely before its records are emitted, so a
// dataset and its runs can roll up their children's facts and memory stays
// bounded by the largest dataset.  Depositions are read first and emitted
// last, after every record that names them has been seen.
#include "cryoet_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "atlas/units.h"
#include "cryoet_mapping.h"
#include "hierarchy.h"
#include "json_reader.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSource = "cryoet";

// What a run, tilt series, tomogram or annotation inherits from its dataset.
constexpr std::array<std::string_view, 7> kDatasetContext{
    "dataset", "organism", "organism_id", "sample_type", "tissue", "cell_type", "cell_strain"};

// What datasets and runs roll up from their children.
constexpr std::array<std::string_view, 22> kRollupKeywords{"object",
                                                           "object_id",
                                                           "shape",
                                                           "format",
                                                           "method",
                                                           "software",
                                                           "acquisition_software",
                                                           "alignment_software",
                                                           "reconstruction_software",
                                                           "processing_software",
                                                           "annotation_software",
                                                           "camera",
                                                           "camera_manufacturer",
                                                           "microscope",
                                                           "microscope_manufacturer",
                                                           "energy_filter",
                                                           "phase_plate",
                                                           "reconstruction",
                                                           "processing",
                                                           "fiducial_alignment",
                                                           "alignment_method",
                                                           "tilting_scheme"};
constexpr std::array<std::string_view, 4> kRollupNumbers{"quality", "voxel_spacing",
                                                         "pixel_spacing", "acceleration_voltage"};
constexpr std::array<std::string_view, 3> kRunCounts{"tiltseries", "tomogram", "annotation"};
constexpr std::array<std::string_view, 4> kDatasetCounts{"run", "tiltseries", "tomogram",
                                                         "annotation"};
constexpr std::array<std::string_view, 2> kDepositionKeywords{"object", "object_id"};
constexpr std::array<std::string_view, 3> kDepositionCounts{"run", "tomogram", "annotation"};

bool is_record_file(const fs::path& p) {
    auto name = p.filename().string();
    if (name == "dataset_metadata.json" || name == "run_metadata.json" ||
        name == "tiltseries_metadata.json" || name == "tomogram_metadata.json" ||
        name == "deposition_metadata.json") {
        return true;
    }
    return p.extension() == ".json" && p.parent_path().parent_path().filename() == "Annotations";
}

class CryoetAdapter final : public Adapter {
  public:
    explicit CryoetAdapter(fs::path root) : root_(std::move(root)) {}

    std::string_view name() const override { return kSource; }

    std::uint64_t estimate() override {
        resolve_root();
        std::uint64_t n = 0;
        std::error_code ec;
        // Mirrors are sometimes assembled from symlinks; follow them, but no
        // deeper than the bucket layout goes, so a link loop cannot trap us.
        fs::recursive_directory_iterator it(root_,
                                            fs::directory_options::skip_permission_denied |
                                                fs::directory_options::follow_directory_symlink,
                                            ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it.depth() > 10) it.disable_recursion_pending();
            if (it->is_regular_file(ec) && is_record_file(it->path())) ++n;
        }
        return n;
    }

    Status read(RecordSink& sink) override {
        sink_ = &sink;
        resolve_root();
        std::error_code ec;
        if (!fs::is_directory(root_, ec)) {
            return Error{Errc::not_found,
                         fmt::format("cryoet source '{}' is not a directory", root_.string())};
        }
        auto entries = list_dir(root_);
        if (!entries.ok()) {
            return Error{Errc::io, fmt::format("cryoet source '{}' cannot be listed: {}",
                                               root_.string(), entries.error().message)};
        }
        for (const auto& e : entries.value()) {
            if (e.path().filename() == "depositions_metadata" && e.is_directory(ec)) {
                read_depositions(e.path());
            }
        }
        for (const auto& e : entries.value()) {
            if (!e.is_directory(ec) || e.path().filename() == "depositions_metadata") continue;
            read_dataset(e.path());
        }
        for (auto& [id, acc] : depositions_) finish_deposition(acc);
        depositions_.clear();
        return {};
    }

  private:
    struct Deposition {
        Record record;
        bool ok = false;
        Rollup rollup{kDepositionKeywords, {}};
        std::set<std::string> datasets;
        std::vector<std::string> organisms;
    };

    // A bucket mirror may be given as the folder that holds `cryoet-mirror/`.
    void resolve_root() {
        std::error_code ec;
        if (!fs::exists(root_ / "depositions_metadata", ec) &&
            fs::is_directory(root_ / "cryoet-mirror", ec)) {
            root_ /= "cryoet-mirror";
        }
    }

    std::string rel(const fs::path& p) const {
        return p.lexically_relative(root_).generic_string();
    }

    IssueContext ctx(const fs::path& file, const std::string& record) const {
        return IssueContext{sink_, std::string(kSource), rel(file), record};
    }

    Result<std::vector<fs::directory_entry>> list_dir(const fs::path& dir) const {
        std::vector<fs::directory_entry> out;
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        if (ec) return Error{Errc::io, ec.message()};
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) return Error{Errc::io, ec.message()};
            out.push_back(*it);
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return a.path().filename() < b.path().filename();
        });
        return out;
    }

    // Sub-directories of `dir` (sorted); a listing failure is reported as a warning.
    std::vector<fs::path> subdirs(const fs::path& dir) const {
        std::vector<fs::path> out;
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) return out;
        auto entries = list_dir(dir);
        if (!entries.ok()) {
            report_warning(ctx(dir, ""), "",
                           fmt::format("cannot be listed: {}; its contents are left out",
                                       entries.error().message));
            return out;
        }
        for (const auto& e : entries.value()) {
            if (e.is_directory(ec)) out.push_back(e.path());
        }
        return out;
    }

    // Loads a record's file; reports why not (and that the record is rejected).
    std::optional<rapidjson::Document> load_record(const fs::path& file, const std::string& id) {
        auto doc = load_json_file(file);
        if (!doc.ok()) {
            report_error(ctx(file, id), "",
                         fmt::format("{}; record rejected", doc.error().message));
            return std::nullopt;
        }
        if (!doc.value().IsObject()) {
            report_error(ctx(file, id), "",
                         fmt::format("is a JSON {}, not an object; record rejected",
                                     doc.value().IsArray() ? "array" : "scalar"));
            return std::nullopt;
        }
        return std::move(doc).value();
    }

    // Loads a file that is folded into a record (frames, alignments): a problem
    // is a warning, since the record itself is still indexed.
    std::optional<rapidjson::Document> load_part(const fs::path& file, const std::string& id) {
        auto doc = load_json_file(file);
        if (!doc.ok() || !doc.value().IsObject()) {
            std::string why = doc.ok() ? "is not a JSON object" : doc.error().message;
            report_warning(ctx(file, id), "", fmt::format("{}; its fields are left out", why));
            return std::nullopt;
        }
        return std::move(doc).value();
    }

    void check_unknown(const FieldReader& r, std::string_view kind,
                       const std::vector<std::string_view>& known) {
        for (const auto& key : r.unknown_keys(known)) {
            if (unknown_reported_.insert(fmt::format("{}:{}", kind, key)).second) {
                r.warn(key, fmt::format("unknown {} field is not indexed (reported once per kind)",
                                        kind));
            }
        }
    }

    Record make_record(std::string_view kind, std::string id, const fs::path& file) const {
        Record r;
        r.id = std::move(id);
        r.source = kSource;
        r.kind = kind;
        r.file = rel(file);
        return r;
    }

    void emit(Record record) {
        std::string dep = record.first("deposition");
        if (auto it = depositions_.find(dep); it != depositions_.end()) {
            Deposition& d = it->second;
            if (record.kind != "dataset") d.rollup.add(record);
            for (const auto* v : record.get("dataset")) d.datasets.insert(v->text);
            for (const auto* v : record.get("organism")) {
                if (std::find(d.organisms.begin(), d.organisms.end(), v->text) ==
                    d.organisms.end()) {
                    d.organisms.push_back(v->text);
                }
            }
        }
        sink_->add(std::move(record));
    }

    void read_depositions(const fs::path& dir) {
        for (const auto& dep_dir : subdirs(dir)) {
            std::string dep_id = dep_dir.filename().string();
            fs::path file = dep_dir / "deposition_metadata.json";
            Deposition d;
            d.record = make_record("deposition", "cryoet:deposition:" + dep_id, file);
            Record& rec = d.record;
            rec.add("deposition", dep_id);
            std::error_code ec;
            if (!fs::exists(file, ec)) {
                report_error(ctx(dep_dir, rec.id), "",
                             "deposition folder has no deposition_metadata.json; record rejected");
            } else if (auto doc = load_record(file, rec.id)) {
                FieldReader r(*doc, ctx(file, rec.id));
                d.ok = r.require("deposition_title");
                if (auto ident = r.text("deposition_identifier"); ident && *ident != dep_id) {
                    r.warn("deposition_identifier",
                           fmt::format("'{}' differs from the folder name '{}'; the folder name "
                                       "is the id",
                                       *ident, dep_id));
                }
                cryoet::map_deposition(r, rec);
                check_unknown(r, "deposition", cryoet::kDepositionKeys);
            }
            if (rec.title.empty()) rec.title = "Deposition " + dep_id;
            rec.breadcrumb = {Crumb{rec.id, "deposition", rec.title}};
            cryoet::add_folder_links(rec, "depositions_metadata/" + dep_id + "/");
            rec.add_link("portal", std::string(kCryoetPortal) + "depositions/" + dep_id);
            depositions_.emplace(dep_id, std::move(d));
        }
    }

    void finish_deposition(Deposition& d) {
        if (!d.ok) return;
        Record& rec = d.record;
        for (const auto& ds : d.datasets) add_unique(rec, "dataset", ds, Origin::rollup);
        for (const auto& org : d.organisms) add_unique(rec, "organism", org, Origin::rollup);
        d.rollup.apply(rec, kDepositionCounts);
        auto n = static_cast<double>(d.datasets.size());
        rec.add_number("dataset_count", n, std::to_string(d.datasets.size()), "", Origin::rollup);
        sink_->add(std::move(rec));
    }

    void read_dataset(const fs::path& dir) {
        std::string ds_id = dir.filename().string();
        fs::path file = dir / "dataset_metadata.json";
        Record ds = make_record("dataset", "cryoet:dataset:" + ds_id, file);
        ds.add("dataset", ds_id);
        bool ds_ok = false;
        bool has_title = false;
        std::vector<fs::path> run_dirs;
        std::error_code ec;
        for (const auto& sub : subdirs(dir)) {
            if (fs::exists(sub / "run_metadata.json", ec) || fs::exists(sub / "TiltSeries", ec) ||
                fs::exists(sub / "Reconstructions", ec)) {
                run_dirs.push_back(sub);
            }
        }
        if (!fs::exists(file, ec)) {
            if (run_dirs.empty()) {
                report_warning(ctx(dir, ""), "",
                               "folder has no dataset_metadata.json and no runs; skipped");
                return;
            }
            report_error(ctx(dir, ds.id), "",
                         "dataset folder has no dataset_metadata.json; record rejected, its runs "
                         "are indexed without dataset context");
        } else if (auto doc = load_record(file, ds.id)) {
            FieldReader r(*doc, ctx(file, ds.id));
            ds_ok = r.require("dataset_title");
            if (auto ident = r.text("dataset_identifier"); ident && *ident != ds_id) {
                r.warn("dataset_identifier",
                       fmt::format("'{}' differs from the folder name '{}'; the folder name is "
                                   "the id",
                                   *ident, ds_id));
            }
            cryoet::map_dataset(r, ds);
            check_unknown(r, "dataset", cryoet::kDatasetKeys);
            has_title = !ds.title.empty();
        }
        if (ds.title.empty()) ds.title = "Dataset " + ds_id;
        ds.breadcrumb = {Crumb{ds.id, "dataset", ds.title}};
        cryoet::add_folder_links(ds, ds_id + "/");
        ds.add_link("portal", std::string(kCryoetPortal) + "datasets/" + ds_id);

        Rollup rollup(kRollupKeywords, kRollupNumbers);
        std::vector<Record> below;
        for (const auto& run_dir : run_dirs) read_run(run_dir, ds, has_title, rollup, below);
        rollup.apply(ds, kDatasetCounts);
        if (ds_ok) emit(std::move(ds));
        for (auto& r : below) emit(std::move(r));
    }

    void read_run(const fs::path& dir, const Record& ds, bool ds_has_title, Rollup& ds_rollup,
                  std::vector<Record>& out) {
        std::string ds_id = ds.first("dataset");
        std::string run_name = dir.filename().string();
        std::string key = ds_id + "/" + run_name;
        fs::path file = dir / "run_metadata.json";
        Record run = make_record("run", "cryoet:run:" + key, file);
        run.parent = ds.id;
        run.title = run_name;
        run.add("run", run_name);
        auto context = [&](Record& child) {
            inherit(child, ds, kDatasetContext);
            if (ds_has_title) child.add("dataset_title", ds.title, Origin::inherited);
        };
        context(run);
        bool run_ok = false;
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            report_error(ctx(dir, run.id), "",
                         "run folder has no run_metadata.json; record rejected, its tilt series, "
                         "tomograms and annotations are indexed");
        } else if (auto doc = load_record(file, run.id)) {
            FieldReader r(*doc, ctx(file, run.id));
            run_ok = true;
            if (auto name = r.text("run_name"); name && *name != run_name) {
                r.warn("run_name", fmt::format("'{}' differs from the folder name '{}'; the "
                                               "folder name is the id",
                                               *name, run_name));
            }
            if (auto dep = r.text("deposition_id")) run.add("deposition", *dep);
            check_unknown(r, "run", cryoet::kRunKeys);
        }
        fs::path frames = dir / "Frames" / "frames_metadata.json";
        if (fs::exists(frames, ec)) {
            if (auto doc = load_part(frames, run.id)) {
                FieldReader r(*doc, ctx(frames, run.id));
                cryoet::map_frames(r, run);
                check_unknown(r, "frames", cryoet::kFramesKeys);
            }
        }
        run.breadcrumb = ds.breadcrumb;
        run.breadcrumb.push_back(Crumb{run.id, "run", run_name});
        cryoet::add_folder_links(run, key + "/");

        // Alignments, keyed by the bucket-relative path tomograms refer to them by.
        std::map<std::string, cryoet::Alignment> alignments;
        for (const auto& a_dir : subdirs(dir / "Alignments")) {
            fs::path a_file = a_dir / "alignment_metadata.json";
            if (!fs::exists(a_file, ec)) continue;
            if (auto doc = load_part(a_file, run.id)) {
                FieldReader r(*doc, ctx(a_file, run.id));
                alignments.emplace(rel(a_file), cryoet::read_alignment(r));
                check_unknown(r, "alignment", cryoet::kAlignmentKeys);
            }
        }

        auto child = [&](std::string_view kind, std::string id, const fs::path& child_file) {
            Record c = make_record(kind, std::move(id), child_file);
            c.parent = run.id;
            context(c);
            c.add("run", run_name, Origin::inherited);
            return c;
        };

        std::vector<Record> children;
        std::vector<Record> series;
        for (const auto& ts_dir : subdirs(dir / "TiltSeries")) {
            std::string ts_id = ts_dir.filename().string();
            fs::path ts_file = ts_dir / "tiltseries_metadata.json";
            Record ts =
                child("tiltseries", fmt::format("cryoet:tiltseries:{}/{}", key, ts_id), ts_file);
            ts.title = fmt::format("{} tilt series {}", run_name, ts_id);
            ts.breadcrumb = run.breadcrumb;
            ts.breadcrumb.push_back(Crumb{ts.id, "tiltseries", ts.title});
            cryoet::add_folder_links(ts, fmt::format("{}/TiltSeries/{}/", key, ts_id));
            if (!fs::exists(ts_file, ec)) {
                report_error(ctx(ts_dir, ts.id), "",
                             "tilt-series folder has no tiltseries_metadata.json; record rejected");
                continue;
            }
            auto doc = load_record(ts_file, ts.id);
            if (!doc) continue;
            FieldReader r(*doc, ctx(ts_file, ts.id));
            cryoet::map_tiltseries(r, ts);
            check_unknown(r, "tiltseries", cryoet::kTiltSeriesKeys);
            series.push_back(std::move(ts));
        }
        // Tomograms and annotations carry their run's tilt-series quality as context.
        auto quality = [&](Record& c) {
            for (const auto& ts : series) inherit_as(c, ts, "quality", "quality");
        };

        for (const auto& vs_dir : subdirs(dir / "Reconstructions")) {
            std::string folder = vs_dir.filename().string();
            std::string vs_text = folder.starts_with("VoxelSpacing") ? folder.substr(12) : "";
            auto vs_number = parse_number_text(vs_text);
            if (!vs_number || !vs_number->unit.empty() || vs_number->value <= 0) {
                report_warning(ctx(vs_dir, run.id), "",
                               "is not a VoxelSpacing<Å> folder; its tomograms and annotations "
                               "are left out");
                continue;
            }
            std::string vs_rel = fmt::format("{}/Reconstructions/{}", key, folder);
            for (const auto& t_dir : subdirs(vs_dir / "Tomograms")) {
                std::string t_id = t_dir.filename().string();
                fs::path t_file = t_dir / "tomogram_metadata.json";
                Record t =
                    child("tomogram", fmt::format("cryoet:tomogram:{}/{}/{}", key, vs_text, t_id),
                          t_file);
                cryoet::add_folder_links(t, fmt::format("{}/Tomograms/{}/", vs_rel, t_id));
                if (!fs::exists(t_file, ec)) {
                    report_error(ctx(t_dir, t.id), "",
                                 "tomogram folder has no tomogram_metadata.json; record rejected");
                    continue;
                }
                auto doc = load_record(t_file, t.id);
                if (!doc) continue;
                FieldReader r(*doc, ctx(t_file, t.id));
                if (!r.require("voxel_spacing")) continue;
                cryoet::map_tomogram(r, t, alignments);
                check_unknown(r, "tomogram", cryoet::kTomogramKeys);
                std::string detail = format_number(vs_number->value) + " Å";
                for (const char* f : {"reconstruction", "processing"}) {
                    if (auto v = t.first(f); !v.empty()) detail += ", " + v;
                }
                t.title = fmt::format("{} tomogram {} ({})", run_name, t_id, detail);
                t.breadcrumb = run.breadcrumb;
                t.breadcrumb.push_back(Crumb{t.id, "tomogram", t.title});
                quality(t);
                children.push_back(std::move(t));
            }
            for (const auto& a_dir : subdirs(vs_dir / "Annotations")) {
                read_annotation(a_dir, key, vs_text, vs_number->value, vs_rel, run, child, quality,
                                children);
            }
        }

        Rollup rollup(kRollupKeywords, kRollupNumbers);
        for (const auto& ts : series) rollup.add(ts);
        for (const auto& c : children) rollup.add(c);
        rollup.apply(run, kRunCounts);
        ds_rollup.add(run);
        ds_rollup.merge(rollup);
        if (run_ok) out.push_back(std::move(run));
        for (auto& ts : series) out.push_back(std::move(ts));
        for (auto& c : children) out.push_back(std::move(c));
    }

    template <class Child, class Quality>
    void read_annotation(const fs::path& a_dir, const std::string& key, const std::string& vs_text,
                         double vs_angstrom, const std::string& vs_rel, const Record& run,
                         Child& child, Quality& quality, std::vector<Record>& children) {
        std::string a_id = a_dir.filename().string();
        std::string id = fmt::format("cryoet:annotation:{}/{}/{}", key, vs_text, a_id);
        auto entries = list_dir(a_dir);
        std::vector<fs::path> files;
        if (entries.ok()) {
            std::error_code ec;
            for (const auto& e : entries.value()) {
                if (e.is_regular_file(ec) && e.path().extension() == ".json") {
                    files.push_back(e.path());
                }
            }
        }
        if (files.empty()) {
            report_error(ctx(a_dir, id), "",
                         "annotation folder has no metadata JSON; record rejected");
            return;
        }
        for (std::size_t i = 1; i < files.size(); ++i) {
            report_error(ctx(files[i], id), "",
                         fmt::format("a second metadata file in annotation folder {} (the first "
                                     "is {}); record rejected",
                                     a_id, files[0].filename().string()));
        }
        Record a = child("annotation", id, files[0]);
        a.aliases.push_back(fmt::format("cryoet:annotation:{}/{}", key, a_id));
        const Unit* angstrom = find_unit("Å");
        a.add_number("voxel_spacing", to_canonical(vs_angstrom, *angstrom),
                     format_number(vs_angstrom), "Å");
        cryoet::add_folder_links(a, fmt::format("{}/Annotations/{}/", vs_rel, a_id));
        auto doc = load_record(files[0], id);
        if (!doc) return;
        FieldReader r(*doc, ctx(files[0], id));
        if (!r.require("annotation_object.name")) return;
        cryoet::map_annotation(r, a);
        check_unknown(r, "annotation", cryoet::kAnnotationKeys);
        a.breadcrumb = run.breadcrumb;
        a.breadcrumb.push_back(Crumb{a.id, "annotation", a.title});
        quality(a);
        children.push_back(std::move(a));
    }

    fs::path root_;
    RecordSink* sink_ = nullptr;
    std::set<std::string> unknown_reported_;
    std::map<std::string, Deposition> depositions_;
};

}  // namespace

std::unique_ptr<Adapter> make_cryoet_adapter(const std::filesystem::path& root) {
    return std::make_unique<CryoetAdapter>(root);
}

}  // namespace atlas::detail
