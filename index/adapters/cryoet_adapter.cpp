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

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "cryoet_mapping.h"
#include "folders.h"
#include "hierarchy.h"
#include "json_reader.h"
#include "schema/units.h"

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

// A dataset's sub-folder that is a run, or that cannot be entered to tell.
struct RunFolder {
    fs::path dir;
    std::string unreadable;  // why it cannot be read, or empty
};

struct RunKey {
    std::string ds_id;
    std::string name;  // the run folder's name
    std::string key;   // <dataset>/<run>, as in the ids of its records
};

// A run and the records below it, before they are placed under it.
struct RunParts {
    Read run;
    bool has_run = false;  // false: no run record, its children are still indexed
    std::vector<Read> series;
    std::vector<Read> children;  // tomograms and annotations
};

// A run's alignments, keyed by the bucket-relative path tomograms refer to
// them by; `unreadable` says why the Alignments folder could not be read.
struct Alignments {
    std::map<std::string, cryoet::Alignment> by_path;
    std::string unreadable;
};

struct VoxelSpacing {
    fs::path dir;
    std::string text;  // "13.480", from the folder name
    double angstrom = 0;
    std::string rel;  // <dataset>/<run>/Reconstructions/VoxelSpacing13.480
};

// Where a kind comes in a dataset's records: the dataset, then each run
// followed by its tilt series, tomograms and annotations.
int kind_rank(const std::string& kind) {
    static constexpr std::array<std::string_view, 5> kOrder{"dataset", "run", "tiltseries",
                                                            "tomogram", "annotation"};
    auto it = std::find(kOrder.begin(), kOrder.end(), kind);
    return static_cast<int>(it - kOrder.begin());
}

// Records kept whole from an unreadable dataset folder, in the order a read
// one gives them: each after its parent (the PaNOSC file writes a run once
// its tilt series, which follow it, are seen).
std::vector<Record> in_tree_order(std::vector<Record> records) {
    std::sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
        return std::pair(kind_rank(a.kind), a.id) < std::pair(kind_rank(b.kind), b.id);
    });
    std::map<std::string, std::vector<std::size_t>> children;
    std::set<std::string> ids;
    for (const auto& r : records) ids.insert(r.id);
    std::vector<std::size_t> roots;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (ids.count(records[i].parent) != 0) {
            children[records[i].parent].push_back(i);
        } else {
            roots.push_back(i);
        }
    }
    std::vector<Record> out;
    std::vector<bool> placed(records.size());
    std::vector<std::size_t> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        std::size_t i = stack.back();
        stack.pop_back();
        if (auto it = children.find(records[i].id); it != children.end()) {
            stack.insert(stack.end(), it->second.rbegin(), it->second.rend());
        }
        placed[i] = true;
        out.push_back(std::move(records[i]));
    }
    // Parents that name each other in a circle: none is a root, all are kept.
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (!placed[i]) out.push_back(std::move(records[i]));
    }
    return out;
}

class CryoetAdapter final : public Adapter {
  public:
    explicit CryoetAdapter(fs::path root) : root_(std::move(root)) {}

    std::string_view name() const override { return kSource; }

    std::uint64_t estimate() override {
        resolve_root();
        std::uint64_t n = 0;
        // Mirrors are sometimes assembled from symlinks; follow them, but each
        // directory once (a link back to one already walked, such as a link to
        // ".", is not walked again: three of them made the walk exponential)
        // and no deeper than the bucket layout goes.  What cannot be read is
        // reported by read().
        WalkOptions options;
        options.max_depth = 11;
        options.follow_links = true;
        walk_folder(root_, options, [&](const fs::path& file) {
            if (is_record_file(file)) ++n;
        });
        return n;
    }

    Status read(RecordSink& sink) override {
        sink_ = &sink;
        resolve_root();
        if (PathType type = path_type(root_); !type.directory && !type.error) {
            return Error{Errc::not_found,
                         fmt::format("cryoet source '{}' is not a directory", root_.string())};
        }
        auto entries = subdirs(root_);
        if (!entries.ok()) {
            return Error{Errc::io, fmt::format("cryoet source '{}' {}", root_.string(),
                                               entries.error().message)};
        }
        for (const auto& dir : entries.value()) {
            if (dir.filename() == "depositions_metadata") read_depositions(dir);
        }
        for (const auto& dir : entries.value()) {
            if (dir.filename() != "depositions_metadata") read_dataset(dir);
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
        PathType depositions = path_type(root_ / "depositions_metadata");
        if (!depositions.exists && !depositions.error &&
            path_type(root_ / "cryoet-mirror").directory) {
            root_ /= "cryoet-mirror";
        }
    }

    std::string rel(const fs::path& p) const {
        return p.lexically_relative(root_).generic_string();
    }

    IssueContext ctx(const fs::path& file, const std::string& record) const {
        return IssueContext{sink_, std::string(kSource), rel(file), record};
    }

    // Sub-folders of `dir` (sorted), none if `dir` does not exist, and entries
    // whose type cannot be known (reading them reports why).  Errors: io,
    // "cannot be read: <cause>" when `dir` cannot be listed or entered.
    Result<std::vector<fs::path>> subdirs(const fs::path& dir) const {
        PathType type = path_type(dir);
        if (type.error) return Error{Errc::io, "cannot be read: " + type.error.message()};
        std::vector<fs::path> out;
        if (!type.directory) return out;
        auto entries = list_folder(dir);
        if (!entries.ok()) return Error{Errc::io, "cannot be read: " + entries.error().message};
        for (const auto& e : entries.value()) {
            PathType t = path_type(e.path());
            if (t.directory || t.error) out.push_back(e.path());
        }
        return out;
    }

    // Reports that folder `dir` cannot be read (`reason`) and returns the
    // previous generation's records from files under it.
    std::vector<Record> kept_under(const fs::path& dir, const std::string& reason) {
        std::vector<Record> kept = previous_records_under(*sink_, rel(dir));
        report_issue(ctx(dir, ""), Severity::error, "", folder_error(reason, kept.size()),
                     !kept.empty());
        return kept;
    }

    // kept_under, with only their own values: the caller gives them their
    // context and roll-ups again, as for one rejected record.
    std::vector<Read> kept_own_under(const fs::path& dir, const std::string& reason) {
        std::vector<Read> out;
        for (auto& record : kept_under(dir, reason)) {
            keep_own_values(record);
            out.push_back(Read{std::move(record), true});
        }
        return out;
    }

    // The previous generation's version of a record whose source is partly
    // unreadable, reported as kept; nothing (and no line) if there is none.
    std::optional<Read> keep_previous(const fs::path& where, const std::string& id,
                                      const std::string& message) {
        std::optional<Record> previous = sink_->previous(id);
        if (!previous) return std::nullopt;
        report_issue(ctx(where, id), Severity::error, "", message, true);
        keep_own_values(*previous);
        return Read{std::move(*previous), true};
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
        PathType type = path_type(file);
        if (type.error) {
            return reject(file.parent_path(), base.id, "",
                          fmt::format("{} folder cannot be read: {}; record rejected", kind,
                                      type.error.message()));
        }
        if (!type.exists) {
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
        auto dep_dirs = subdirs(dir);
        if (!dep_dirs.ok()) return keep_depositions(dir, dep_dirs.error().message);
        for (const auto& dep_dir : dep_dirs.value()) {
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

    // The previous generation's depositions, kept when their folder cannot be
    // read; their roll-ups are computed from this build's records.
    void keep_depositions(const fs::path& dir, const std::string& reason) {
        for (auto& read : kept_own_under(dir, reason)) {
            std::string dep_id = read.record.first("deposition");
            if (read.record.kind != "deposition" || dep_id.empty()) continue;
            Deposition d;
            d.read = std::move(read);
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
        auto subs = subdirs(dir);
        if (!subs.ok()) return keep_dataset(dir, subs.error().message);
        std::vector<RunFolder> run_dirs = find_runs(subs.value());
        PathType type = path_type(file);
        if (!type.exists && !type.error && run_dirs.empty()) {
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

    // A dataset folder that cannot be listed: the previous generation's
    // records from under it, whole (their context and roll-ups came from one
    // another), in the order a read dataset gives them.
    void keep_dataset(const fs::path& dir, const std::string& reason) {
        for (auto& record : in_tree_order(kept_under(dir, reason))) {
            emit(Read{std::move(record), true});
        }
    }

    // The sub-folders of a dataset that are runs, and those that cannot be
    // entered to tell (a run folder without execute permission).
    std::vector<RunFolder> find_runs(const std::vector<fs::path>& subs) const {
        std::vector<RunFolder> out;
        for (const auto& sub : subs) {
            for (const char* part : {"run_metadata.json", "TiltSeries", "Reconstructions"}) {
                PathType t = path_type(sub / part);
                if (t.error) {
                    out.push_back(RunFolder{sub, "cannot be read: " + t.error.message()});
                    break;
                }
                if (t.exists) {
                    out.push_back(RunFolder{sub, ""});
                    break;
                }
            }
        }
        return out;
    }

    void read_run(const RunFolder& folder, const Record& ds, bool ds_has_title,
                  Rollup& ds_rollup, std::vector<Read>& out) {
        RunKey run_key{ds.first("dataset"), folder.dir.filename().string(), {}};
        run_key.key = run_key.ds_id + "/" + run_key.name;
        RunParts parts = folder.unreadable.empty() ? read_run_folder(folder.dir, run_key)
                                                   : keep_run_folder(folder, run_key);
        Read& run = parts.run;
        run.record.parent = ds.id;
        auto context = [&](Record& rec) {
            inherit(rec, ds, kDatasetContext);
            if (ds_has_title) rec.add("dataset_title", ds.title, Origin::inherited);
        };
        context(run.record);
        run.record.breadcrumb = ds.breadcrumb;
        run.record.breadcrumb.push_back(Crumb{run.record.id, "run", run_key.name});
        set_location(run.record, run_key.key + "/");

        // The parts every record below a run shares: parent, context, breadcrumb.
        auto place = [&](Read& child) {
            child.record.parent = run.record.id;
            context(child.record);
            child.record.add("run", run_key.name, Origin::inherited);
            child.record.breadcrumb = run.record.breadcrumb;
            child.record.breadcrumb.push_back(
                Crumb{child.record.id, child.record.kind, child.record.title});
        };
        for (auto& ts : parts.series) place(ts);
        for (auto& c : parts.children) {
            place(c);
            // Tomograms and annotations carry their run's tilt-series quality as context.
            for (const auto& ts : parts.series) inherit_as(c.record, ts.record, "quality", "quality");
        }

        Rollup rollup(kRollupKeywords, kRollupNumbers, kRollupBooleans);
        for (const auto& ts : parts.series) rollup.add(ts.record);
        for (const auto& c : parts.children) rollup.add(c.record);
        rollup.apply(run.record, kRunCounts);
        ds_rollup.add(run.record);
        ds_rollup.merge(rollup);
        for (auto& ts : parts.series) inherit(ts.record, run.record, kRunObjects);
        for (auto& c : parts.children) {
            if (c.record.kind == "tomogram") inherit(c.record, run.record, kRunObjects);
        }
        if (parts.has_run) out.push_back(std::move(run));
        for (auto& ts : parts.series) out.push_back(std::move(ts));
        for (auto& c : parts.children) out.push_back(std::move(c));
    }

    // A run folder that cannot be entered: the previous generation's run and
    // records below it, own values only (read_run places them again).
    RunParts keep_run_folder(const RunFolder& folder, const RunKey& run_key) {
        RunParts parts;
        parts.run = Read{make_record("run", "cryoet:run:" + run_key.key,
                                     folder.dir / "run_metadata.json"),
                         false};
        for (auto& read : kept_own_under(folder.dir, folder.unreadable)) {
            if (read.record.id == parts.run.record.id) {
                parts.run = std::move(read);
                parts.has_run = true;
            } else if (read.record.kind == "tiltseries") {
                parts.series.push_back(std::move(read));
            } else {
                parts.children.push_back(std::move(read));
            }
        }
        if (!parts.has_run) parts.run.record.title = run_key.name;
        return parts;
    }

    RunParts read_run_folder(const fs::path& dir, const RunKey& run_key) {
        RunParts parts;
        fs::path file = dir / "run_metadata.json";
        Record base = make_record("run", "cryoet:run:" + run_key.key, file);
        base.title = run_key.name;
        base.add("run", run_key.name);
        auto read = read_record(
            base, file, "run", cryoet::kRunKeys, {}, [&](const FieldReader& r, Record& rec) {
                if (auto name = r.text("run_name"); name && *name != run_key.name) {
                    r.warn("run_name", fmt::format("'{}' differs from the folder name "
                                                   "'{}'; the folder name is the id",
                                                   *name, run_key.name));
                }
                if (auto dep = r.text("deposition_id")) {
                    rec.add("deposition", *dep);
                }
            });
        parts.has_run = read.has_value();
        parts.run = parts.has_run ? std::move(*read) : Read{std::move(base), false};
        // Frames belong to the run; a kept run already has the values it had.
        if (!parts.run.carried) read_frames(dir, parts.run.record);
        auto alignments = read_alignments(dir, parts.run.record.id);
        read_series(dir, run_key, parts.series);
        read_reconstructions(dir, run_key, alignments, parts.run.record.id, parts.children);
        return parts;
    }

    void read_frames(const fs::path& dir, Record& run) {
        fs::path frames = dir / "Frames" / "frames_metadata.json";
        PathType type = path_type(frames);
        if (!type.exists && !type.error) return;
        if (auto part = load_part(frames, run.id)) {
            FieldReader r(part->doc, ctx(frames, run.id));
            cryoet::map_frames(r, run);
            check_unknown(r, "frames", cryoet::kFramesKeys);
        }
    }

    // The run's alignments.  A folder that cannot be read is an error (its
    // values would silently go from the run's tomograms); they keep their
    // previous versions (read_tomograms).
    Alignments read_alignments(const fs::path& dir, const std::string& run_id) {
        Alignments alignments;
        fs::path folder = dir / "Alignments";
        auto a_dirs = subdirs(folder);
        if (!a_dirs.ok()) {
            alignments.unreadable = a_dirs.error().message;
            report_issue(ctx(folder, ""), Severity::error, "",
                         fmt::format("folder {}; the run's tomograms keep their previous versions "
                                     "(without one, they are indexed without their alignments)",
                                     alignments.unreadable),
                         false);
            return alignments;
        }
        for (const auto& a_dir : a_dirs.value()) {
            fs::path a_file = a_dir / "alignment_metadata.json";
            PathType type = path_type(a_file);
            if (!type.exists && !type.error) continue;
            if (auto part = load_part(a_file, run_id)) {
                FieldReader r(part->doc, ctx(a_file, run_id));
                alignments.by_path.emplace(rel(a_file), cryoet::read_alignment(r));
                check_unknown(r, "alignment", cryoet::kAlignmentKeys);
            }
        }
        return alignments;
    }

    void read_series(const fs::path& dir, const RunKey& run_key, std::vector<Read>& series) {
        auto ts_dirs = subdirs(dir / "TiltSeries");
        if (!ts_dirs.ok()) {
            for (auto& kept : kept_own_under(dir / "TiltSeries", ts_dirs.error().message)) {
                series.push_back(std::move(kept));
            }
            return;
        }
        for (const auto& ts_dir : ts_dirs.value()) {
            std::string ts_id = ts_dir.filename().string();
            fs::path ts_file = ts_dir / "tiltseries_metadata.json";
            Record ts = make_record(
                "tiltseries", fmt::format("cryoet:tiltseries:{}/{}", run_key.key, ts_id), ts_file);
            ts.title = fmt::format("{} tilt series {}", run_key.name, ts_id);
            auto got = read_record(
                std::move(ts), ts_file, "tiltseries", cryoet::kTiltSeriesKeys, {},
                [](const FieldReader& r, Record& rec) { cryoet::map_tiltseries(r, rec); });
            if (!got) continue;
            set_location(got->record, fmt::format("{}/TiltSeries/{}/", run_key.key, ts_id));
            series.push_back(std::move(*got));
        }
    }

    // Tomograms and annotations of every voxel spacing.
    void read_reconstructions(const fs::path& dir, const RunKey& run_key,
                              const Alignments& alignments, const std::string& run_id,
                              std::vector<Read>& children) {
        auto vs_dirs = subdirs(dir / "Reconstructions");
        if (!vs_dirs.ok()) {
            for (auto& kept : kept_own_under(dir / "Reconstructions", vs_dirs.error().message)) {
                children.push_back(std::move(kept));
            }
            return;
        }
        for (const auto& vs_dir : vs_dirs.value()) {
            std::string folder = vs_dir.filename().string();
            std::string vs_text = folder.starts_with("VoxelSpacing") ? folder.substr(12) : "";
            auto vs_number = parse_number_text(vs_text);
            if (!vs_number || !vs_number->unit.empty() || vs_number->value <= 0) {
                report_warning(ctx(vs_dir, run_id), "",
                               "is not a VoxelSpacing<Å> folder; its tomograms and annotations "
                               "are left out");
                continue;
            }
            VoxelSpacing vs{vs_dir, vs_text, vs_number->value,
                            fmt::format("{}/Reconstructions/{}", run_key.key, folder)};
            read_tomograms(vs, run_key, alignments, children);
            read_annotations(vs, run_key, run_id, children);
        }
    }

    void read_tomograms(const VoxelSpacing& vs, const RunKey& run_key,
                        const Alignments& alignments, std::vector<Read>& children) {
        auto t_dirs = subdirs(vs.dir / "Tomograms");
        if (!t_dirs.ok()) {
            for (auto& kept : kept_own_under(vs.dir / "Tomograms", t_dirs.error().message)) {
                children.push_back(std::move(kept));
            }
            return;
        }
        for (const auto& t_dir : t_dirs.value()) {
            std::string t_id = t_dir.filename().string();
            fs::path t_file = t_dir / "tomogram_metadata.json";
            std::string id = fmt::format("cryoet:tomogram:{}/{}/{}", run_key.key, vs.text, t_id);
            if (!alignments.unreadable.empty()) {
                if (auto kept = keep_previous(t_file, id, "its run's Alignments folder cannot be "
                                                          "read")) {
                    children.push_back(std::move(*kept));
                    continue;
                }
            }
            Record t = make_record("tomogram", id, t_file);
            auto got = read_record(
                std::move(t), t_file, "tomogram", cryoet::kTomogramKeys, {"voxel_spacing"},
                [&](const FieldReader& r, Record& rec) {
                    cryoet::map_tomogram(r, rec, alignments.by_path);
                    std::string detail = format_number(vs.angstrom) + " Å";
                    for (const char* f : {"reconstruction", "processing"}) {
                        if (auto v = rec.first(f); !v.empty()) detail += ", " + v;
                    }
                    rec.title = fmt::format("{} tomogram {} ({})", run_key.name, t_id, detail);
                });
            if (!got) continue;
            set_location(got->record, fmt::format("{}/Tomograms/{}/", vs.rel, t_id));
            children.push_back(std::move(*got));
        }
    }

    void read_annotations(const VoxelSpacing& vs, const RunKey& run_key,
                          const std::string& run_id, std::vector<Read>& children) {
        auto a_dirs = subdirs(vs.dir / "Annotations");
        if (!a_dirs.ok()) {
            for (auto& kept : kept_own_under(vs.dir / "Annotations", a_dirs.error().message)) {
                children.push_back(std::move(kept));
            }
            return;
        }
        for (const auto& a_dir : a_dirs.value()) {
            auto got = read_annotation(a_dir, run_key.key, vs.text, vs.angstrom, run_id);
            if (!got) continue;
            set_location(got->record,
                         fmt::format("{}/Annotations/{}/", vs.rel, a_dir.filename().string()));
            children.push_back(std::move(*got));
        }
    }

    std::optional<Read> read_annotation(const fs::path& a_dir, const std::string& key,
                                        const std::string& vs_text, double vs_angstrom,
                                        const std::string& run_id) {
        std::string a_id = a_dir.filename().string();
        std::string id = fmt::format("cryoet:annotation:{}/{}/{}", key, vs_text, a_id);
        auto entries = list_folder(a_dir);
        if (!entries.ok()) {
            return reject(a_dir, id, "",
                          fmt::format("annotation folder cannot be read: {}; record rejected",
                                      entries.error().message));
        }
        std::vector<fs::path> files;
        for (const auto& e : entries.value()) {
            PathType type = path_type(e.path());
            if (e.path().extension() == ".json" && !type.directory) files.push_back(e.path());
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
