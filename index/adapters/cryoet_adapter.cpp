// cryoet_adapter.cpp - walking a CryoET bucket mirror: ids, hierarchy, inheritance, roll-ups.
//
// One dataset folder is read completely before its records are emitted, so a
// dataset and its runs can roll up their children's facts and memory stays
// bounded by the largest dataset.  Depositions are read first and emitted
// last, after every record that names them has been seen.
//
// A record whose file cannot be read is rejected where it is read, and if
// the previous generation had it, that version takes its place right there:
// its own values are kept, its context and roll-ups are recomputed from this
// build, so a kept dataset still gives its runs their organism and a kept
// annotation still rolls up into its run.
#include "cryoet_adapter.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "cryoet_mapping.h"
#include "hierarchy.h"
#include "json_reader.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

// The device and inode of the directory `path` names (through links), if it can be read.
std::optional<std::pair<dev_t, ino_t>> directory_identity(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return std::pair<dev_t, ino_t>{st.st_dev, st.st_ino};
}

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
// Booleans that roll up as "has one": a run, dataset or deposition with no
// ground-truth annotation has ground_truth no.
constexpr std::array<std::string_view, 2> kRollupBooleans{"ground_truth", "curator_recommended"};
// What a run's tilt series and tomograms inherit from the run: the objects its
// annotations are of (rolled up), so kind:tomogram ribosome finds the
// tomograms of runs with ribosome annotations.
constexpr std::array<std::string_view, 2> kRunObjects{"object", "object_id"};
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

// Points the record's s3/https (and portal) links at `bucket_dir`, replacing
// any it had (a kept record brings the previous build's).
void set_location(Record& rec, const std::string& bucket_dir, const std::string& portal = {}) {
    std::erase_if(rec.links, [](const Link& l) {
        return l.rel == "s3" || l.rel == "https" || l.rel == "portal";
    });
    cryoet::add_folder_links(rec, bucket_dir);
    if (!portal.empty()) rec.add_link("portal", portal);
}

// A record as this build has it: read from its file, or kept from the previous generation.
struct Read {
    Record record;
    bool carried = false;
};

class CryoetAdapter final : public Adapter {
  public:
    explicit CryoetAdapter(fs::path root) : root_(std::move(root)) {}

    std::string_view name() const override { return kSource; }

    std::uint64_t estimate() override {
        resolve_root();
        std::uint64_t n = 0;
        std::error_code ec;
        // Mirrors are sometimes assembled from symlinks; follow them, but each
        // directory once (a link back to one already walked, such as a link to
        // ".", is not walked again: three of them made the walk exponential)
        // and no deeper than the bucket layout goes.
        std::set<std::pair<dev_t, ino_t>> walked;
        if (auto id = directory_identity(root_)) walked.insert(*id);
        fs::recursive_directory_iterator it(root_,
                                            fs::directory_options::skip_permission_denied |
                                                fs::directory_options::follow_directory_symlink,
                                            ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_directory(ec)) {
                auto id = directory_identity(it->path());
                if (it.depth() > 10 || !id || !walked.insert(*id).second) {
                    it.disable_recursion_pending();
                }
                continue;
            }
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
        Read read;
        Rollup rollup{kDepositionKeywords, {}, kRollupBooleans};
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

    // Reports that the record cannot be read and returns the previous
    // generation's version, with only its own values (context and roll-ups are
    // recomputed), if there is one.
    std::optional<Read> reject(const fs::path& where, const std::string& id, std::string_view field,
                               const std::string& message) {
        std::optional<Record> previous = sink_->previous(id);
        report_issue(ctx(where, id), Severity::error, field, message, previous.has_value());
        if (!previous) return std::nullopt;
        keep_own_values(*previous);
        return Read{std::move(*previous), true};
    }

    // Reads one record's file: `base` filled by `map` from the JSON, or, when
    // the file cannot be read or lacks a required field, the previous version.
    template <class Map>
    std::optional<Read> read_record(Record base, const fs::path& file, std::string_view kind,
                                    const std::vector<std::string_view>& known,
                                    std::initializer_list<std::string_view> required, Map map) {
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            return reject(file.parent_path(), base.id, "",
                          fmt::format("{} folder has no {}; record rejected", kind,
                                      file.filename().string()));
        }
        auto loaded = load_json_file(file);
        if (!loaded.ok()) {
            return reject(file, base.id, "", loaded.error().message + "; record rejected");
        }
        const rapidjson::Document& doc = loaded.value().doc;
        if (!doc.IsObject()) {
            return reject(file, base.id, "",
                          fmt::format("is a JSON {}, not an object; record rejected",
                                      doc.IsArray() ? "array" : "scalar"));
        }
        FieldReader r(doc, ctx(file, base.id));
        report_repairs(file, base.id, loaded.value().repaired_bytes);
        for (auto path : required) {
            if (auto why = r.missing(path)) return reject(file, base.id, path, *why);
        }
        map(r, base);
        check_unknown(r, kind, known);
        return Read{std::move(base), false};
    }

    // Loads a file that is folded into a record (frames, alignments): a problem
    // is a warning, since the record itself is still indexed.
    std::optional<JsonFile> load_part(const fs::path& file, const std::string& id) {
        auto loaded = load_json_file(file);
        if (!loaded.ok() || !loaded.value().doc.IsObject()) {
            std::string why = loaded.ok() ? "is not a JSON object" : loaded.error().message;
            report_warning(ctx(file, id), "", fmt::format("{}; its fields are left out", why));
            return std::nullopt;
        }
        report_repairs(file, id, loaded.value().repaired_bytes);
        return std::move(loaded).value();
    }

    void report_repairs(const fs::path& file, const std::string& id, std::size_t repaired) {
        if (repaired == 0) return;
        report_warning(ctx(file, id), "",
                       fmt::format("{} ill-formed UTF-8 sequence{} replaced by U+FFFD", repaired,
                                   repaired == 1 ? "" : "s"));
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

    void emit(Read read) {
        const Record& record = read.record;
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
        if (read.carried) {
            sink_->add_carried(std::move(read.record));
        } else {
            sink_->add(std::move(read.record));
        }
    }

    void read_depositions(const fs::path& dir) {
        for (const auto& dep_dir : subdirs(dir)) {
            std::string dep_id = dep_dir.filename().string();
            fs::path file = dep_dir / "deposition_metadata.json";
            Record base = make_record("deposition", "cryoet:deposition:" + dep_id, file);
            base.add("deposition", dep_id);
            auto read = read_record(
                std::move(base), file, "deposition", cryoet::kDepositionKeys, {"deposition_title"},
                [&](const FieldReader& r, Record& rec) {
                    if (auto ident = r.text("deposition_identifier"); ident && *ident != dep_id) {
                        r.warn("deposition_identifier",
                               fmt::format("'{}' differs from the folder name '{}'; "
                                           "the folder name is the id",
                                           *ident, dep_id));
                    }
                    cryoet::map_deposition(r, rec);
                });
            if (!read) continue;
            Record& rec = read->record;
            rec.breadcrumb = {Crumb{rec.id, "deposition", rec.title}};
            set_location(rec, "depositions_metadata/" + dep_id + "/",
                         std::string(kCryoetPortal) + "depositions/" + dep_id);
            Deposition d;
            d.read = std::move(*read);
            depositions_.emplace(dep_id, std::move(d));
        }
    }

    void finish_deposition(Deposition& d) {
        Record& rec = d.read.record;
        for (const auto& ds : d.datasets) add_unique(rec, "dataset", ds, Origin::rollup);
        for (const auto& org : d.organisms) add_unique(rec, "organism", org, Origin::rollup);
        d.rollup.apply(rec, kDepositionCounts);
        auto n = static_cast<double>(d.datasets.size());
        rec.add_number("dataset_count", n, std::to_string(d.datasets.size()), "", Origin::rollup);
        if (d.read.carried) {
            sink_->add_carried(std::move(rec));
        } else {
            sink_->add(std::move(rec));
        }
    }

    void read_dataset(const fs::path& dir) {
        std::string ds_id = dir.filename().string();
        fs::path file = dir / "dataset_metadata.json";
        std::vector<fs::path> run_dirs;
        std::error_code ec;
        for (const auto& sub : subdirs(dir)) {
            if (fs::exists(sub / "run_metadata.json", ec) || fs::exists(sub / "TiltSeries", ec) ||
                fs::exists(sub / "Reconstructions", ec)) {
                run_dirs.push_back(sub);
            }
        }
        if (!fs::exists(file, ec) && run_dirs.empty()) {
            report_warning(ctx(dir, ""), "",
                           "folder has no dataset_metadata.json and no runs; skipped");
            return;
        }
        Record base = make_record("dataset", "cryoet:dataset:" + ds_id, file);
        base.add("dataset", ds_id);
        auto read = read_record(
            base, file, "dataset", cryoet::kDatasetKeys, {"dataset_title"},
            [&](const FieldReader& r, Record& rec) {
                if (auto ident = r.text("dataset_identifier"); ident && *ident != ds_id) {
                    r.warn("dataset_identifier", fmt::format("'{}' differs from the folder name "
                                                             "'{}'; the folder name is the id",
                                                             *ident, ds_id));
                }
                cryoet::map_dataset(r, rec);
            });
        // Without a dataset record its runs are still indexed, with the id as
        // their only dataset context.
        bool has_dataset = read.has_value();
        Read ds = has_dataset ? std::move(*read) : Read{std::move(base), false};
        bool has_title = has_dataset && !ds.record.title.empty();
        if (ds.record.title.empty()) ds.record.title = "Dataset " + ds_id;
        ds.record.breadcrumb = {Crumb{ds.record.id, "dataset", ds.record.title}};
        set_location(ds.record, ds_id + "/", std::string(kCryoetPortal) + "datasets/" + ds_id);

        Rollup rollup(kRollupKeywords, kRollupNumbers, kRollupBooleans);
        std::vector<Read> below;
        for (const auto& run_dir : run_dirs) {
            read_run(run_dir, ds.record, has_title, rollup, below);
        }
        rollup.apply(ds.record, kDatasetCounts);
        if (has_dataset) emit(std::move(ds));
        for (auto& r : below) emit(std::move(r));
    }

    void read_run(const fs::path& dir, const Record& ds, bool ds_has_title, Rollup& ds_rollup,
                  std::vector<Read>& out) {
        std::string ds_id = ds.first("dataset");
        std::string run_name = dir.filename().string();
        std::string key = ds_id + "/" + run_name;
        fs::path file = dir / "run_metadata.json";
        auto context = [&](Record& rec) {
            inherit(rec, ds, kDatasetContext);
            if (ds_has_title) rec.add("dataset_title", ds.title, Origin::inherited);
        };

        Record base = make_record("run", "cryoet:run:" + key, file);
        base.title = run_name;
        base.add("run", run_name);
        auto read = read_record(
            base, file, "run", cryoet::kRunKeys, {}, [&](const FieldReader& r, Record& rec) {
                if (auto name = r.text("run_name"); name && *name != run_name) {
                    r.warn("run_name", fmt::format("'{}' differs from the folder name "
                                                   "'{}'; the folder name is the id",
                                                   *name, run_name));
                }
                if (auto dep = r.text("deposition_id")) {
                    rec.add("deposition", *dep);
                }
            });
        bool has_run = read.has_value();
        Read run = has_run ? std::move(*read) : Read{std::move(base), false};
        run.record.parent = ds.id;
        context(run.record);
        // Frames belong to the run; a kept run already has the values it had.
        fs::path frames = dir / "Frames" / "frames_metadata.json";
        std::error_code ec;
        if (!run.carried && fs::exists(frames, ec)) {
            if (auto part = load_part(frames, run.record.id)) {
                FieldReader r(part->doc, ctx(frames, run.record.id));
                cryoet::map_frames(r, run.record);
                check_unknown(r, "frames", cryoet::kFramesKeys);
            }
        }
        run.record.breadcrumb = ds.breadcrumb;
        run.record.breadcrumb.push_back(Crumb{run.record.id, "run", run_name});
        set_location(run.record, key + "/");

        // Alignments, keyed by the bucket-relative path tomograms refer to them by.
        std::map<std::string, cryoet::Alignment> alignments;
        for (const auto& a_dir : subdirs(dir / "Alignments")) {
            fs::path a_file = a_dir / "alignment_metadata.json";
            if (!fs::exists(a_file, ec)) continue;
            if (auto part = load_part(a_file, run.record.id)) {
                FieldReader r(part->doc, ctx(a_file, run.record.id));
                alignments.emplace(rel(a_file), cryoet::read_alignment(r));
                check_unknown(r, "alignment", cryoet::kAlignmentKeys);
            }
        }

        // The parts every record below a run shares: parent, context, breadcrumb.
        auto place = [&](Read& child, std::string_view kind) {
            child.record.parent = run.record.id;
            context(child.record);
            child.record.add("run", run_name, Origin::inherited);
            child.record.breadcrumb = run.record.breadcrumb;
            child.record.breadcrumb.push_back(
                Crumb{child.record.id, std::string(kind), child.record.title});
        };

        std::vector<Read> series;
        for (const auto& ts_dir : subdirs(dir / "TiltSeries")) {
            std::string ts_id = ts_dir.filename().string();
            fs::path ts_file = ts_dir / "tiltseries_metadata.json";
            Record ts = make_record("tiltseries",
                                    fmt::format("cryoet:tiltseries:{}/{}", key, ts_id), ts_file);
            ts.title = fmt::format("{} tilt series {}", run_name, ts_id);
            auto got = read_record(
                std::move(ts), ts_file, "tiltseries", cryoet::kTiltSeriesKeys, {},
                [](const FieldReader& r, Record& rec) { cryoet::map_tiltseries(r, rec); });
            if (!got) continue;
            place(*got, "tiltseries");
            set_location(got->record, fmt::format("{}/TiltSeries/{}/", key, ts_id));
            series.push_back(std::move(*got));
        }
        // Tomograms and annotations carry their run's tilt-series quality as context.
        auto quality = [&](Record& rec) {
            for (const auto& ts : series) inherit_as(rec, ts.record, "quality", "quality");
        };

        std::vector<Read> children;
        for (const auto& vs_dir : subdirs(dir / "Reconstructions")) {
            std::string folder = vs_dir.filename().string();
            std::string vs_text = folder.starts_with("VoxelSpacing") ? folder.substr(12) : "";
            auto vs_number = parse_number_text(vs_text);
            if (!vs_number || !vs_number->unit.empty() || vs_number->value <= 0) {
                report_warning(ctx(vs_dir, run.record.id), "",
                               "is not a VoxelSpacing<Å> folder; its tomograms and annotations "
                               "are left out");
                continue;
            }
            std::string vs_rel = fmt::format("{}/Reconstructions/{}", key, folder);
            for (const auto& t_dir : subdirs(vs_dir / "Tomograms")) {
                std::string t_id = t_dir.filename().string();
                fs::path t_file = t_dir / "tomogram_metadata.json";
                Record t = make_record("tomogram",
                                       fmt::format("cryoet:tomogram:{}/{}/{}", key, vs_text, t_id),
                                       t_file);
                auto got = read_record(
                    std::move(t), t_file, "tomogram", cryoet::kTomogramKeys, {"voxel_spacing"},
                    [&](const FieldReader& r, Record& rec) {
                        cryoet::map_tomogram(r, rec, alignments);
                        std::string detail = format_number(vs_number->value) + " Å";
                        for (const char* f : {"reconstruction", "processing"}) {
                            if (auto v = rec.first(f); !v.empty()) detail += ", " + v;
                        }
                        rec.title = fmt::format("{} tomogram {} ({})", run_name, t_id, detail);
                    });
                if (!got) continue;
                set_location(got->record, fmt::format("{}/Tomograms/{}/", vs_rel, t_id));
                place(*got, "tomogram");
                quality(got->record);
                children.push_back(std::move(*got));
            }
            for (const auto& a_dir : subdirs(vs_dir / "Annotations")) {
                auto got = read_annotation(a_dir, key, vs_text, vs_number->value, run.record.id);
                if (!got) continue;
                set_location(got->record,
                             fmt::format("{}/Annotations/{}/", vs_rel, a_dir.filename().string()));
                place(*got, "annotation");
                quality(got->record);
                children.push_back(std::move(*got));
            }
        }

        Rollup rollup(kRollupKeywords, kRollupNumbers, kRollupBooleans);
        for (const auto& ts : series) rollup.add(ts.record);
        for (const auto& c : children) rollup.add(c.record);
        rollup.apply(run.record, kRunCounts);
        ds_rollup.add(run.record);
        ds_rollup.merge(rollup);
        for (auto& ts : series) inherit(ts.record, run.record, kRunObjects);
        for (auto& c : children) {
            if (c.record.kind == "tomogram") inherit(c.record, run.record, kRunObjects);
        }
        if (has_run) out.push_back(std::move(run));
        for (auto& ts : series) out.push_back(std::move(ts));
        for (auto& c : children) out.push_back(std::move(c));
    }

    std::optional<Read> read_annotation(const fs::path& a_dir, const std::string& key,
                                        const std::string& vs_text, double vs_angstrom,
                                        const std::string& run_id) {
        std::string a_id = a_dir.filename().string();
        std::string id = fmt::format("cryoet:annotation:{}/{}/{}", key, vs_text, a_id);
        std::vector<fs::path> files;
        if (auto entries = list_dir(a_dir); entries.ok()) {
            std::error_code ec;
            for (const auto& e : entries.value()) {
                if (e.path().extension() == ".json" && !e.is_directory(ec)) {
                    files.push_back(e.path());
                }
            }
        }
        if (files.empty()) {
            return reject(a_dir, id, "", "annotation folder has no metadata JSON; record rejected");
        }
        for (std::size_t i = 1; i < files.size(); ++i) {
            report_warning(ctx(files[i], run_id), "",
                           fmt::format("a second metadata file in annotation folder {}; ignored "
                                       "(the first, {}, is indexed as {})",
                                       a_id, files[0].filename().string(), id));
        }
        Record a = make_record("annotation", id, files[0]);
        a.aliases.push_back(fmt::format("cryoet:annotation:{}/{}", key, a_id));
        return read_record(std::move(a), files[0], "annotation", cryoet::kAnnotationKeys,
                           {"annotation_object.name"}, [&](const FieldReader& r, Record& rec) {
                               const Unit* angstrom = find_unit("Å");
                               rec.add_number("voxel_spacing", to_canonical(vs_angstrom, *angstrom),
                                              format_number(vs_angstrom), "Å");
                               cryoet::map_annotation(r, rec);
                           });
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
