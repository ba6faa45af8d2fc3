// panosc_export.cpp - records to PaNOSC lines: the dumps' own, and tables for the other portals.
//
// One line is built at a time and written at once.  What is kept between
// records: the pids of the Instruments and Documents already written, so an
// object many records name (a beamline, a DOI) has one line; the release date
// of each CryoET dataset seen (a few hundred), which its runs' Datasets are
// created on; and one CryoET run at a time, held back until the records that
// follow it are no longer its own, so its tilt series' parameters join its line.
#include "panosc_export.h"

#include <fmt/format.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "schema/json_write.h"
#include "schema/panosc_format.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail {

struct PanoscExport::Lines {
    // A CryoET run whose line waits for its tilt series.
    struct Run {
        Record record;
        // Its tilt series' parameters as they came: a table's name, a copy of the value.
        std::vector<std::pair<std::string_view, Value>> tilt;
    };

    std::FILE* file = nullptr;
    std::string path;
    Status status;                                 // the first write error; ends writing
    std::set<std::string> instruments, documents;  // the pids written
    std::map<std::string, std::string, std::less<>> released;  // CryoET dataset id -> release date
    std::optional<Run> run;                                    // the run held back, if any

    void write(const JsonText& line) {
        if (!status.ok()) return;
        std::string text = line.str();
        text.push_back('\n');
        if (std::fwrite(text.data(), 1, text.size(), file) != text.size()) {
            status =
                Error{Errc::io, fmt::format("cannot write '{}': {}", path, std::strerror(errno))};
        }
    }
};

namespace {

using Lines = PanoscExport::Lines;

// A record field and the parameter it becomes.
struct ParameterName {
    std::string_view field;
    std::string_view name;
};

// HOA: the names of ESRF's ICAT, which the HOA portal reads (SamplePatient_*
// for the donor and the organ, TOMO_* for the scan).  The HOA records carry
// no dose, so ICAT's TOMO_total_voi_dose and TOMO_surface_dose have no row.
constexpr std::array<ParameterName, 16> kHoaParameters{{
    {"donor", "SamplePatient_number"},
    {"sex", "SamplePatient_sex"},
    {"age", "SamplePatient_age"},
    {"medical_history", "SamplePatient_info"},
    {"organ", "SamplePatient_organ_name"},
    {"body_weight", "SamplePatient_weight"},
    {"body_height", "SamplePatient_height"},
    {"cause_of_death", "SamplePatient_cause_of_death"},
    {"voxel_size", "TOMO_pixelSize"},
    {"photon_energy", "TOMO_energy"},
    {"scan_range", "TOMO_scanRange"},
    {"exposure_time", "TOMO_exposureTime"},
    {"sample_detector_distance", "TOMO_sampleDetectorDistance"},
    {"source_sample_distance", "TOMO_sourceSampleDistance"},
    {"pixel_spacing", "TOMO_pixelSpacing"},
    {"dataset_type", "TOMO_datasetType"},
}};

// CryoET: a run's numbers (its own, and those the adapter rolls up from its
// tilt series and tomograms), under their field names.
constexpr std::array<ParameterName, 5> kCryoetRunParameters{{
    {"voxel_spacing", "voxel_spacing"},
    {"pixel_spacing", "pixel_spacing"},
    {"acceleration_voltage", "acceleration_voltage"},
    {"dose_rate", "dose_rate"},
    {"quality", "quality"},
}};

// CryoET: the numbers of a run's tilt series that are not rolled up to the run
// (tilt, dose and optics), under their field names, after the run's own.  Pixel
// spacing and acceleration voltage are the run's already.
constexpr std::array<ParameterName, 8> kCryoetTiltSeriesParameters{{
    {"tilt_min", "tilt_min"},
    {"tilt_max", "tilt_max"},
    {"tilt_range", "tilt_range"},
    {"tilt_axis", "tilt_axis"},
    {"tilt_step", "tilt_step"},
    {"total_flux", "total_flux"},
    {"spherical_aberration", "spherical_aberration"},
    {"binning", "binning"},
}};

// What a sample's description is made of: "<label>: <value>; ...".
constexpr std::array<std::string_view, 2> kHoaSampleFields{"organ_context", "fixation"};
constexpr std::array<std::string_view, 3> kCryoetSampleFields{"sample_type", "tissue", "cell_type"};

// Every HOA scan was made at the ESRF, with HiP-CT.
constexpr std::string_view kHoaFacility = "ESRF";
constexpr std::string_view kHoaTechniquePid = "hoa:technique:hip-ct";
constexpr std::string_view kCryoetTechniquePid = "cryoet:technique:cryo-et";
constexpr std::string_view kCryoetTechnique = "cryo-electron tomography";
constexpr std::string_view kCryoetMicroscopePrefix = "cryoet:microscope:";

void member(JsonWriter& w, std::string_view key, std::string_view value) {
    write_key(w, key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void empty_array(JsonWriter& w, std::string_view key) {
    write_key(w, key);
    w.StartArray();
    w.EndArray();
}

// Whole numbers as integers (2, not 2.0), as the sources write them.
void write_number(JsonWriter& w, double x) {
    if (std::trunc(x) == x && std::abs(x) < 9e15) {
        w.Int64(static_cast<std::int64_t>(x));
    } else {
        w.Double(x);
    }
}

// A number in the unit the source wrote; the field's canonical unit if it wrote none.
std::pair<double, std::string_view> as_written(const Value& v, const FieldSpec& spec) {
    if (const Unit* u = v.unit.empty() ? nullptr : find_unit(v.unit)) {
        return {round_for_display(from_canonical(v.number, *u)), u->symbol};
    }
    const Unit* canonical = canonical_unit(spec.dimension);
    return {v.number, canonical != nullptr ? canonical->symbol : std::string_view()};
}

// A parameter's value as its line shows it: a number in `unit`, or text with no unit.
struct Shown {
    std::optional<double> number;
    std::string_view text, unit;
    bool operator==(const Shown&) const = default;
};

Shown shown(const Value& v) {
    const FieldSpec* spec = find_field(v.field);
    if (spec == nullptr || spec->type != FieldType::number) return {std::nullopt, v.text, ""};
    auto [number, unit] = as_written(v, *spec);
    return {number, {}, unit};
}

// A Dataset's "parameters": ids 1..n in the order added.  A name, value and
// unit already listed is left out: a run's tilt series often agree.
class ParameterList {
  public:
    ParameterList(JsonWriter& w, std::string_view dataset) : w_(w), dataset_(dataset) {
        w_.Key("parameters");
        w_.StartArray();
    }
    ParameterList(const ParameterList&) = delete;
    ParameterList& operator=(const ParameterList&) = delete;

    void add(std::string_view name, const Value& v) {
        Shown s = shown(v);
        std::pair<std::string_view, Shown> key{name, s};
        if (std::find(listed_.begin(), listed_.end(), key) != listed_.end()) return;
        listed_.push_back(key);
        w_.StartObject();
        w_.Key("id");
        w_.Int(static_cast<int>(listed_.size()));
        member(w_, "name", name);
        w_.Key("value");
        if (s.number) {
            write_number(w_, *s.number);
        } else {
            w_.String(s.text.data(), static_cast<rapidjson::SizeType>(s.text.size()));
        }
        member(w_, "unit", s.unit);
        member(w_, "datasetId", dataset_);
        w_.EndObject();
    }

    // The record's values of the table's fields, in the table's order; a field
    // with several values gives several.
    void add(const Record& r, std::span<const ParameterName> table) {
        for (const auto& p : table) {
            for (const Value* v : r.get(p.field)) add(p.name, *v);
        }
    }

    void end() { w_.EndArray(); }

  private:
    JsonWriter& w_;
    std::string_view dataset_;
    std::vector<std::pair<std::string_view, Shown>> listed_;  // views into the values added
};

// "Organ context: left; Fixation: formalin", from the fields that have values.
std::string describe(const Record& r, std::span<const std::string_view> fields) {
    std::vector<std::string> parts;
    for (auto field : fields) {
        const FieldSpec* spec = find_field(field);
        std::string_view label = spec != nullptr ? spec->label : field;
        for (const Value* v : r.get(field)) parts.push_back(fmt::format("{}: {}", label, v->text));
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

// The id of the record's ancestor of `kind` (its breadcrumb), else its parent.
std::string ancestor(const Record& r, std::string_view kind) {
    for (const auto& c : r.breadcrumb) {
        if (c.kind == kind && c.id != r.id) return c.id;
    }
    return r.parent;
}

void write_sample(JsonWriter& w, std::string_view pid, std::string_view name,
                  const std::string& description) {
    w.Key("samples");
    w.StartArray();
    if (!name.empty()) {
        w.StartObject();
        member(w, "pid", pid);
        member(w, "name", name);
        if (!description.empty()) member(w, "description", description);
        w.EndObject();
    }
    w.EndArray();
}

void write_technique(JsonWriter& w, std::string_view pid, std::string_view name) {
    w.Key("techniques");
    w.StartArray();
    if (!name.empty()) {
        w.StartObject();
        member(w, "pid", pid);
        member(w, "name", name);
        w.EndObject();
    }
    w.EndArray();
}

void start_line(JsonWriter& w, std::string_view model, std::string_view record) {
    w.StartObject();
    member(w, "model", model);
    member(w, "record", record);
}

// A Dataset's line up to its instrument: model, record, documents and the
// object's pid, title, isPublic and creationDate.
void start_dataset(JsonWriter& w, const Record& r, std::string_view title, std::string_view created,
                   std::span<const std::string> documents) {
    start_line(w, "Dataset", r.id);
    w.Key("documents");
    w.StartArray();
    for (const auto& d : documents) w.String(d);
    w.EndArray();
    w.Key("object");
    w.StartObject();
    member(w, "pid", r.id);
    member(w, "title", title);
    w.Key("isPublic");
    w.Bool(true);
    if (!created.empty()) member(w, "creationDate", created);
}

void end_dataset(JsonWriter& w) {
    empty_array(w, "files");
    w.EndObject();
    w.EndObject();
}

// An Instrument no record holds, once per pid.
void write_instrument(Lines& out, std::string_view pid, std::string_view name,
                      std::string_view facility) {
    if (pid.empty() || !out.instruments.emplace(pid).second) return;
    JsonText text;
    JsonWriter& w = text.writer();
    start_line(w, "Instrument", "");
    w.Key("object");
    w.StartObject();
    member(w, "pid", pid);
    member(w, "name", name);
    if (!facility.empty()) member(w, "facility", facility);
    w.EndObject();
    w.EndObject();
    out.write(text);
}

// A collection's authors, in order; each its own person.
void write_authors(JsonWriter& w, const Record& r, std::string_view document) {
    w.Key("members");
    w.StartArray();
    int i = 0;
    for (const Value* author : r.get("author")) {
        w.StartObject();
        w.Key("id");
        w.Int(++i);
        member(w, "role", "author");
        member(w, "documentId", document);
        w.Key("person");
        w.StartObject();
        member(w, "id", fmt::format("{}/author-{}", document, i));
        member(w, "fullName", author->text);
        w.EndObject();
        w.EndObject();
    }
    w.EndArray();
}

// What a Document of a mapped portal says; empty members are left out.
struct DocumentFacts {
    std::string_view pid, title, doi, summary, release_date;
};

// A Document (a "collection"), its members the authors of `r`.
void write_document(Lines& out, const Record& r, const DocumentFacts& d) {
    out.documents.emplace(d.pid);
    JsonText text;
    JsonWriter& w = text.writer();
    start_line(w, "Document", r.id);
    w.Key("object");
    w.StartObject();
    member(w, "pid", d.pid);
    member(w, "type", "collection");
    member(w, "title", d.title);
    w.Key("isPublic");
    w.Bool(true);
    if (!d.summary.empty()) member(w, "summary", d.summary);
    if (!d.doi.empty()) member(w, "doi", d.doi);
    if (!d.release_date.empty()) member(w, "releaseDate", d.release_date);
    write_authors(w, r, d.pid);
    empty_array(w, "parameters");
    w.EndObject();
    w.EndObject();
    out.write(text);
}

// An HOA scan, its beamline and its DOIs.
void hoa_scan(Lines& out, const Record& r) {
    std::string beamline = r.first("beamline");
    std::string instrument = beamline.empty() ? "" : fmt::format("{}/{}", kHoaFacility, beamline);
    std::vector<std::string> dois;
    for (const Value* v : r.get("doi")) dois.push_back(v->text);
    JsonText text;
    JsonWriter& w = text.writer();
    start_dataset(w, r, r.title, r.first("scan_date"), dois);
    if (!instrument.empty()) member(w, "instrumentId", instrument);
    ParameterList parameters(w, r.id);
    parameters.add(r, kHoaParameters);
    parameters.end();
    write_sample(w, ancestor(r, "organ"),
                 fmt::format("{} of donor {}", r.first("organ"), r.first("donor")),
                 describe(r, kHoaSampleFields));
    write_technique(w, kHoaTechniquePid, r.first("technique"));
    end_dataset(w);
    out.write(text);
    write_instrument(out, instrument, beamline, kHoaFacility);
    for (const auto& doi : dois) {
        // The citation title is the dataset's title (hoa_mapping.cpp).
        if (!out.documents.count(doi)) write_document(out, r, {doi, r.title, doi, {}, {}});
    }
}

// A CryoET dataset: a collection of runs.  Its release date is remembered
// for its runs, which come after it.
void cryoet_dataset(Lines& out, const Record& r) {
    std::string summary = r.first("description");
    std::string doi = r.first("doi");
    std::string released = r.first("release_date");
    write_document(out, r, {r.id, r.title, doi, summary, released});
    if (!released.empty()) out.released.insert_or_assign(r.id, released);
}

// When a run was created: its own release date, else its dataset's (if seen).
std::string created(const Lines& out, const Record& run, std::string_view dataset) {
    if (std::string own = run.first("release_date"); !own.empty()) return own;
    auto found = out.released.find(dataset);
    return found != out.released.end() ? found->second : std::string();
}

// A CryoET run's line: the Dataset of one sample's tilt series and tomograms.
void write_run(Lines& out, const Lines::Run& run) {
    const Record& r = run.record;
    std::string dataset_title = r.first("dataset_title");
    std::string title =
        dataset_title.empty() ? r.title : fmt::format("{} — {}", dataset_title, r.title);
    std::string dataset = ancestor(r, "dataset");
    std::vector<std::string> documents;
    if (!dataset.empty()) documents.push_back(dataset);
    // One Instrument per microscope whatever the case it is written in ("TFS
    // Krios", "TFS KRIOS"), as its facet counts them; named as first written.
    std::string microscope = r.first("microscope");
    std::string instrument =
        microscope.empty() ? "" : fmt::format("{}{}", kCryoetMicroscopePrefix, fold(microscope));
    JsonText text;
    JsonWriter& w = text.writer();
    start_dataset(w, r, title, created(out, r, dataset), documents);
    if (!instrument.empty()) member(w, "instrumentId", instrument);
    ParameterList parameters(w, r.id);
    parameters.add(r, kCryoetRunParameters);
    for (const auto& row : kCryoetTiltSeriesParameters) {
        for (const auto& [name, value] : run.tilt) {
            if (name == row.name) parameters.add(name, value);
        }
    }
    parameters.end();
    std::string description = describe(r, kCryoetSampleFields);
    write_sample(w, fmt::format("{}/sample", r.id), r.first("organism"), description);
    write_technique(w, kCryoetTechniquePid, kCryoetTechnique);
    end_dataset(w);
    out.write(text);
    write_instrument(out, instrument, microscope, "");
}

// Whether the record is below the run (its tilt series, tomograms, annotations).
bool below(const Record& r, const Record& run) {
    if (r.parent == run.id) return true;
    return std::any_of(r.breadcrumb.begin(), r.breadcrumb.end(),
                       [&](const Crumb& c) { return c.id == run.id; });
}

// Writes the run held back, unless `next` is one of its records: the adapter
// writes a run's tilt series, tomograms and annotations right after it.
void settle_run(Lines& out, const Record* next) {
    if (!out.run || (next != nullptr && below(*next, out.run->record))) return;
    write_run(out, *out.run);
    out.run.reset();
}

// A CryoET run: held back for its tilt series (settle_run writes it).
void cryoet_run(Lines& out, const Record& r) { out.run = Lines::Run{r, {}}; }

// A CryoET tilt series: its numbers join its run's line, if the run is the one
// held back.  One carried over out of order finds its run written: it adds nothing.
void cryoet_tiltseries(Lines& out, const Record& r) {
    if (!out.run || r.parent != out.run->record.id) return;
    for (const auto& p : kCryoetTiltSeriesParameters) {
        for (const Value* v : r.get(p.field)) out.run->tilt.emplace_back(p.name, *v);
    }
}

// What the records of a portal's kind become; a record no row names has no line.
struct Mapping {
    std::string_view source;
    std::string_view kind;
    void (*write)(Lines&, const Record&);
};
constexpr std::array<Mapping, 4> kMappings{{
    {"hoa", "dataset", &hoa_scan},
    {"cryoet", "dataset", &cryoet_dataset},
    {"cryoet", "run", &cryoet_run},
    {"cryoet", "tiltseries", &cryoet_tiltseries},
}};

const Mapping* mapping_of(const Record& r) {
    for (const auto& m : kMappings) {
        if (m.source == r.source && m.kind == r.kind) return &m;
    }
    return nullptr;
}

// The model of a line (Record::panosc), or "" if it is not a line of the format.
std::string_view model_of(const rapidjson::Document& line) {
    if (line.HasParseError() || !line.IsObject()) return {};
    auto model = line.FindMember("model");
    if (model == line.MemberEnd() || !model->value.IsString()) return {};
    std::string_view name(model->value.GetString(), model->value.GetStringLength());
    bool known = std::find(kPanoscModels.begin(), kPanoscModels.end(), name) != kPanoscModels.end();
    return known ? name : std::string_view();
}

// Remembers the pid of a Document or Instrument line, so no other line repeats it.
void remember(Lines& out, std::string_view model, const rapidjson::Document& line) {
    auto object = line.FindMember("object");
    if (model == "Dataset" || object == line.MemberEnd() || !object->value.IsObject()) return;
    auto pid = object->value.FindMember("pid");
    if (pid == object->value.MemberEnd() || !pid->value.IsString()) return;
    (model == "Document" ? out.documents : out.instruments).emplace(pid->value.GetString());
}

// A record's own line (Record::panosc) with "record" added after "model".
Status write_own(Lines& out, const Record& r) {
    rapidjson::Document line;
    line.Parse(r.panosc.data(), r.panosc.size());
    std::string_view model = model_of(line);
    if (model.empty()) {
        return Error{Errc::corrupt,
                     "the record's PaNOSC line is not a JSON object with a "
                     "PaNOSC model; it is not in the PaNOSC file"};
    }
    remember(out, model, line);
    JsonText text;
    JsonWriter& w = text.writer();
    start_line(w, model, r.id);
    for (const auto& m : line.GetObject()) {
        std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (key == "model" || key == "record") continue;
        write_key(w, key);
        m.value.Accept(w);
    }
    w.EndObject();
    out.write(text);
    return {};
}

}  // namespace

PanoscExport::PanoscExport(std::unique_ptr<Lines> lines) : lines_(std::move(lines)) {}

PanoscExport::~PanoscExport() {
    if (lines_->file != nullptr) std::fclose(lines_->file);
}

Result<std::unique_ptr<PanoscExport>> PanoscExport::create(const std::filesystem::path& path) {
    auto lines = std::make_unique<Lines>();
    lines->path = path.string();
    lines->file = std::fopen(lines->path.c_str(), "wbe");
    if (lines->file == nullptr) {
        return Error{Errc::io,
                     fmt::format("cannot create '{}': {}", lines->path, std::strerror(errno))};
    }
    return std::unique_ptr<PanoscExport>(new PanoscExport(std::move(lines)));
}

Status PanoscExport::add(const Record& record) {
    if (!lines_->status.ok()) return lines_->status;
    settle_run(*lines_, &record);
    if (!record.panosc.empty()) {
        if (auto s = write_own(*lines_, record); !s.ok()) return s;
    } else if (const Mapping* m = mapping_of(record)) {
        m->write(*lines_, record);
    }
    return lines_->status;
}

Status PanoscExport::finish() {
    if (lines_->file == nullptr) return lines_->status;
    settle_run(*lines_, nullptr);
    bool flushed = std::fflush(lines_->file) == 0;
    int error = errno;
    bool closed = std::fclose(lines_->file) == 0;
    if (!closed) error = errno;
    lines_->file = nullptr;
    if (lines_->status.ok() && !(flushed && closed)) {
        lines_->status = Error{
            Errc::io, fmt::format("cannot write '{}': {}", lines_->path, std::strerror(error))};
    }
    return lines_->status;
}

}  // namespace atlas::detail
