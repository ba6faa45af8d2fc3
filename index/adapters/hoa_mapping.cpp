// hoa_mapping.cpp - the fields of schema 1.1 with their units; donors, organs and datasets placed.
#include "hoa_mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "hoa_adapter.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail::hoa {
namespace {

// What organs and datasets inherit from their donor: every donor fact people
// filter or search on ("liver scans of male donors", "lung scans of donors
// with hypertension"); not its id (they have their own) nor its date of death.
constexpr std::array<std::string_view, 7> kDonorContext{
    "sex", "age", "age_group", "cause_of_death", "medical_history", "body_weight", "body_height"};
// What an organ rolls up from its datasets, and a donor from its organs and datasets.
constexpr std::array<std::string_view, 3> kOrganKeywords{"beamline", "technique", "fixation"};
// Voxel sizes are not rolled up: voxel_size:<5um organ:lung is asked of scans.
constexpr std::array<std::string_view, 0> kOrganNumbers{};
constexpr std::array<std::string_view, 1> kOrganCounts{"dataset"};
constexpr std::array<std::string_view, 1> kDonorKeywords{"organ"};
constexpr std::array<std::string_view, 2> kDonorCounts{"organ", "dataset"};

// The keys of schema 1.1 (metadata-schema.json); any other is reported once per file.
const std::vector<std::string_view> kTopKeys{
    "name", "dataset_type", "voi",          "data",     "sample",          "donor",
    "scan", "proposal",     "registration", "citation", "metadata_version"};
const std::vector<std::string_view> kDataKeys{"shape", "voxel_size_um", "gcs_url"};
const std::vector<std::string_view> kSampleKeys{"organ",
                                                "organ_context",
                                                "post_mortem_interval_hours",
                                                "fixation_method",
                                                "fixation_medium",
                                                "organ_infilled",
                                                "stabilisation_medium",
                                                "degassing_method",
                                                "scan_solvent",
                                                "scan_solvent_concentration",
                                                "scan_temperature"};
const std::vector<std::string_view> kDonorKeys{"id",
                                               "age",
                                               "sex",
                                               "weight",
                                               "height",
                                               "cause_of_death",
                                               "date_of_death",
                                               "medical_history",
                                               "diabetes",
                                               "hypertension",
                                               "smoker"};
const std::vector<std::string_view> kScanKeys{"date",
                                              "beamline",
                                              "energy",
                                              "current_start",
                                              "filling_mode",
                                              "n_frames",
                                              "n_ref",
                                              "n_dark",
                                              "latency_time",
                                              "exposure_time",
                                              "subframe_time",
                                              "n_subframes",
                                              "scan_type",
                                              "scan_range",
                                              "n_scans",
                                              "acquisition",
                                              "z_step",
                                              "scan_time",
                                              "filters",
                                              "scintillator",
                                              "optic",
                                              "optic_magnification",
                                              "distance_source_sample",
                                              "distance_sample_detector",
                                              "psho",
                                              "sensor_name",
                                              "sensor_mode",
                                              "sensor_roi_x_size",
                                              "sensor_roi_y_size",
                                              "sensor_binning",
                                              "pixel_size",
                                              "xray_magnification",
                                              "technique",
                                              "experiment_type"};
const std::vector<std::string_view> kProposalKeys{"proposal_number", "title", "proposers"};
const std::vector<std::string_view> kRegistrationKeys{"source_dataset", "target_dataset",
                                                      "translation", "rotation", "scale"};
const std::vector<std::string_view> kCitationKeys{"title", "contributors", "doi", "author_list"};
const std::vector<std::string_view> kContributorKeys{"first_name", "last_name", "orcid", "roles"};

struct Section {
    std::string_view name;
    const std::vector<std::string_view>* keys;
};
const std::array<Section, 7> kSections{
    Section{"data", &kDataKeys},         Section{"sample", &kSampleKeys},
    Section{"donor", &kDonorKeys},       Section{"scan", &kScanKeys},
    Section{"proposal", &kProposalKeys}, Section{"registration", &kRegistrationKeys},
    Section{"citation", &kCitationKeys}};

// Values kept as `parameter` ("scan_type=zseries"): recorded, but no field of their own.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kParameters{
    {{"voi", "voi"},
     {"scan.scan_type", "scan_type"},
     {"scan.acquisition", "acquisition"},
     {"sample.stabilisation_medium", "stabilisation_medium"},
     {"sample.degassing_method", "degassing_method"}}};

// A value as a donor-fact comparison and a message show it: null, 76, 'F'.
std::string fact_text(const rapidjson::Value* v) {
    if (v == nullptr || v->IsNull()) return "null";
    if (v->IsString()) return quote(std::string_view(v->GetString(), v->GetStringLength()));
    if (v->IsNumber()) return format_number(v->GetDouble());
    if (v->IsBool()) return v->GetBool() ? "true" : "false";
    return type_name(*v);
}

struct Quantity {
    double value = 0;            // as written
    const Unit* unit = nullptr;  // as written, or the schema's
    double canonical = 0;
};

// A number at `path` in the schema's unit, or a string with a unit of the
// same dimension ("93 keV"); anything else is reported and absent.
std::optional<Quantity> read_quantity(const FieldReader& r, std::string_view path,
                                      std::string_view schema_unit) {
    const rapidjson::Value* v = r.find(path);
    if (v == nullptr) return std::nullopt;
    Quantity q;
    q.unit = find_unit(schema_unit);
    if (v->IsString()) {
        std::string_view s(v->GetString(), v->GetStringLength());
        auto parsed = parse_number_text(s);
        if (!parsed) {
            r.number(path);  // reports template markers and words; blank is absent
            return std::nullopt;
        }
        q.value = parsed->value;
        if (!parsed->unit.empty()) {
            const Unit* written = find_unit(parsed->unit);
            if (written == nullptr) {
                r.warn(path, fmt::format("{} has an unknown unit '{}'; left out", quote(s),
                                         parsed->unit));
                return std::nullopt;
            }
            if (written->dimension != q.unit->dimension) {
                r.warn(path, fmt::format("{} has a unit of {}, but the schema gives {} in {}; "
                                         "left out",
                                         quote(s), dimension_name(written->dimension),
                                         dimension_name(q.unit->dimension), q.unit->symbol));
                return std::nullopt;
            }
            q.unit = written;
        }
    } else {
        auto n = r.number(path);  // reports booleans, arrays, objects
        if (!n) return std::nullopt;
        q.value = *n;
    }
    q.canonical = to_canonical(q.value, *q.unit);
    if (!std::isfinite(q.canonical)) {
        r.warn(path, fmt::format("{} is out of range; left out", format_number(q.value)));
        return std::nullopt;
    }
    return q;
}

void add_quantity(const FieldReader& r, Record& rec, std::string_view path, std::string_view field,
                  std::string_view schema_unit) {
    if (auto q = read_quantity(r, path, schema_unit)) {
        rec.add_number(field, q->canonical, format_number(q->value), q->unit->symbol);
    }
}

void add_text(const FieldReader& r, Record& rec, std::string_view path, std::string_view field) {
    if (auto v = r.text(path)) add_unique(rec, field, *v);
}

// Spellings of the one cause of death the corpus writes several ways.  Only
// whole values are normalised: a long clinical text that mentions COVID-19
// stays as written (its words still find it).
bool is_covid(std::string_view cause) {
    std::string f = fold(cause);
    return f == "covid" || f == "covid-19" || f == "covid 19" || f == "covid19" ||
           f == "sars-cov-2" || f == "sars-cov2";
}

std::string donor_title(const std::string& id, const Record& rec) {
    std::vector<std::string> parts;
    if (auto sex = rec.first("sex"); !sex.empty()) parts.push_back(sex);
    if (auto age = rec.first("age"); !age.empty()) {
        parts.push_back(age + " years");
    } else if (auto group = rec.get("age_group"); !group.empty()) {
        parts.push_back("age " +
                        (group[0]->original.empty() ? group[0]->text : group[0]->original));
    }
    if (parts.empty()) return "Donor " + id;
    return fmt::format("Donor {} ({})", id, fmt::join(parts, ", "));
}

std::string organ_title(const std::string& donor, const std::string& organ,
                        const std::string& context) {
    if (context.empty()) return fmt::format("{} of donor {}", organ, donor);
    std::string shown = context;
    std::replace(shown.begin(), shown.end(), '_', ' ');
    return fmt::format("{} ({}) of donor {}", organ, shown, donor);
}

// "n5://gs://bucket/path/" -> gs:// and https links, and the format (n5, zarr).
void add_storage_links(const FieldReader& r, Record& rec) {
    auto url = r.text("data.gcs_url");
    if (!url) return;
    auto gs = url->find("gs://");
    if (gs == std::string::npos || url->size() == gs + 5) {
        r.warn("data.gcs_url", fmt::format("{} is not a gs:// URL; no link", quote(*url)));
        return;
    }
    if (gs > 3 && url->compare(gs - 3, 3, "://") == 0) {
        rec.add("format", url->substr(0, gs - 3));
    }
    std::string bucket_path = url->substr(gs + 5);
    rec.add_link("gcs", url->substr(gs));
    rec.add_link("https", std::string(kHoaGcsHttps) + bucket_path);
}

// The keys of `r`'s object outside `known`, each reported once.
void report_unknown(const FieldReader& r, const std::vector<std::string_view>& known) {
    for (const auto& key : r.unknown_keys(known)) r.warn(key, "unknown field is not indexed");
}

// The Human Organ Atlas Collaboration is listed as a contributor (first name
// "The") and heads every author list; it is kept as an author, as cited.
void add_contributors(const FieldReader& r, Record& rec) {
    std::set<std::string> unknown;
    int i = 0;
    for (const auto* c : r.objects("citation.contributors")) {
        FieldReader p(*c, r.context(), fmt::format("citation.contributors[{}].", i++));
        auto first = p.text("first_name");
        auto last = p.text("last_name");
        std::string name = first.value_or("");
        if (last) name += (name.empty() ? "" : " ") + *last;
        add_unique(rec, "author", name);
        if (auto orcid = p.text("orcid")) {
            std::string_view id = *orcid;
            if (id.starts_with("https://orcid.org/")) id.remove_prefix(18);
            if (looks_like_orcid(id)) {
                add_unique(rec, "orcid", id);
            } else {
                p.warn("orcid", fmt::format("{} is not an ORCID id (0000-0000-0000-0000); left out",
                                            quote(*orcid)));
            }
        }
        for (const auto& key : p.unknown_keys(kContributorKeys)) {
            if (unknown.insert(key).second) p.warn(key, "unknown field is not indexed");
        }
    }
}

Record make_record(std::string_view kind, std::string id, const std::string& file) {
    Record r;
    r.id = std::move(id);
    r.source = kSource;
    r.kind = kind;
    r.file = file;
    return r;
}

}  // namespace

std::string organ_id(const std::string& donor, const std::string& organ,
                     const std::string& context) {
    std::string id = fmt::format("{}{}/{}", kOrganPrefix, donor, organ);
    if (!context.empty()) id += "/" + context;
    return id;
}

void check_schema(const FieldReader& r) {
    report_unknown(r, kTopKeys);
    for (const auto& section : kSections) {
        const rapidjson::Value* v = r.find(section.name);
        if (v == nullptr) continue;
        if (!v->IsObject()) {
            r.warn(section.name, fmt::format("expected an object, found {}; its fields are "
                                             "left out",
                                             type_name(*v)));
            continue;
        }
        report_unknown(FieldReader(*v, r.context(), std::string(section.name) + "."),
                       *section.keys);
    }
    if (auto version = r.text("metadata_version"); version && *version != "1.1") {
        r.warn("metadata_version",
               fmt::format("{} is not 1.1, the version this adapter reads; read anyway",
                           quote(*version)));
    }
}

void map_donor(const FieldReader& d, Record& rec) {
    if (auto sex = d.text("sex")) {
        std::string f = fold(*sex);
        if (f == "f" || f == "female") {
            rec.add_normalized("sex", "female", *sex);
        } else if (f == "m" || f == "male") {
            rec.add_normalized("sex", "male", *sex);
        } else {
            d.warn("sex", fmt::format("{} is not M or F; left out", quote(*sex)));
        }
    }
    // The schema allows an integer or the strings "<18" / ">18" (donors whose
    // exact age is not published).  The two buckets differ only in a symbol no
    // word keeps, so they are stored as words ("under 18", "18 or over"; the
    // schema maps age_group:<18 back) with the source's text kept; a known age
    // gets its bucket too, so age_group:<18 finds every donor under 18.
    const rapidjson::Value* age = d.find("age");
    if (age != nullptr && age->IsString() && std::string_view(age->GetString()) == "<18") {
        rec.add_normalized("age_group", "under 18", "<18");
    } else if (age != nullptr && age->IsString() && std::string_view(age->GetString()) == ">18") {
        rec.add_normalized("age_group", "18 or over", ">18");
    } else if (auto q = read_quantity(d, "age", "y")) {
        rec.add_number("age", q->canonical, format_number(q->value), q->unit->symbol);
        rec.add("age_group",
                q->canonical < to_canonical(18, *find_unit("y")) ? "under 18" : "18 or over");
    }
    add_quantity(d, rec, "weight", "body_weight", "kg");
    add_quantity(d, rec, "height", "body_height", "cm");
    if (auto cause = d.text("cause_of_death")) {
        if (is_covid(*cause)) {
            rec.add_normalized("cause_of_death", "COVID-19", *cause);
        } else if (is_unrecorded(*cause)) {
            // "not applicable" (a living donor); "not applicable - transplant
            // organ" says more and stays.
        } else {
            rec.add("cause_of_death", *cause);
        }
    }
    if (auto history = d.text("medical_history")) rec.add("medical_history", *history);
    for (std::string_view key : {"diabetes", "hypertension", "smoker"}) {
        if (auto v = d.text(key)) rec.add("medical_history", fmt::format("{}: {}", key, *v));
    }
    // A date or "not applicable" (transplant organs): no date field fits both.
    if (auto death = d.text("date_of_death")) {
        rec.add("parameter", fmt::format("date_of_death={}", *death));
    }
}

void map_dataset(const FieldReader& r, Record& rec) {
    if (auto type = r.text("dataset_type")) {
        if (*type == "overview" || *type == "zoom") {
            rec.add("dataset_type", *type);
        } else {
            r.warn("dataset_type",
                   fmt::format("{} is not overview or zoom; left out", quote(*type)));
        }
    }
    add_quantity(r, rec, "data.voxel_size_um", "voxel_size", "µm");
    add_storage_links(r, rec);

    add_text(r, rec, "sample.fixation_medium", "fixation");
    add_text(r, rec, "sample.fixation_method", "fixation");
    add_text(r, rec, "sample.scan_solvent", "scan_setup");

    if (auto date = r.date("scan.date")) rec.add_date("scan_date", *date);
    add_text(r, rec, "scan.beamline", "beamline");
    add_text(r, rec, "scan.technique", "technique");
    add_quantity(r, rec, "scan.energy", "photon_energy", "keV");
    add_quantity(r, rec, "scan.scan_range", "scan_range", "°");
    add_quantity(r, rec, "scan.exposure_time", "exposure_time", "s");
    add_quantity(r, rec, "scan.distance_sample_detector", "sample_detector_distance", "mm");
    add_quantity(r, rec, "scan.distance_source_sample", "source_sample_distance", "mm");
    // The schema has no pixel_size field; pixel_spacing is the same quantity.
    add_quantity(r, rec, "scan.pixel_size", "pixel_spacing", "µm");
    for (std::string_view part : {"scan.optic", "scan.scintillator", "scan.sensor_name"}) {
        add_text(r, rec, part, "scan_setup");
    }
    for (const auto& filter : r.strings("scan.filters")) add_unique(rec, "scan_setup", filter);
    for (const auto& [path, name] : kParameters) {
        if (auto v = r.text(path)) rec.add("parameter", fmt::format("{}={}", name, *v));
    }

    add_text(r, rec, "proposal.proposal_number", "proposal");
    if (auto title = r.text("proposal.title")) rec.add("description", *title);

    if (auto doi = r.text("citation.doi")) {
        std::string bare(strip_doi_prefix(*doi));
        rec.add("doi", bare);
        rec.add_link("doi", "https://doi.org/" + bare);
    }
}

Tree::Donor::Donor() : rollup(kDonorKeywords, {}) {}

Tree::Organ::Organ() : rollup(kOrganKeywords, kOrganNumbers) {}

Tree::Tree(RecordSink* sink) : sink_(sink) {}

const Scan* Tree::dataset(const std::string& id) const {
    auto it = index_.find(id);
    return it == index_.end() ? nullptr : &scans_[it->second];
}

bool Tree::has_donor(const std::string& donor) const { return donors_.count(donor) != 0; }

bool Tree::has_organ(const std::string& id) const { return organs_.count(id) != 0; }

void Tree::add_dataset(const FieldReader& r, const std::string& name, const std::string& file,
                       const std::string& donor, const std::string& organ) {
    Scan s;
    s.donor = donor;
    std::string context = r.text("sample.organ_context").value_or("");
    s.organ_id = organ_id(s.donor, organ, context);
    s.record = make_record("dataset", std::string(kDatasetPrefix) + name, file);
    s.record.title = r.text("citation.title").value_or(name);
    s.record.add("dataset", name);
    s.record.add("donor", s.donor);
    s.record.add("organ", organ);
    s.record.add("organ_context", context);
    map_dataset(r, s.record);
    add_contributors(r, s.record);
    s.type = s.record.first("dataset_type");
    if (auto source = r.text("registration.source_dataset"); source && *source != name) {
        r.warn("registration.source_dataset",
               fmt::format("{} is not this dataset's name", quote(*source)));
    }
    s.target = r.text("registration.target_dataset").value_or("");

    const rapidjson::Value& donor_json = *r.find("donor");
    describe_donor(FieldReader(donor_json,
                               IssueContext{sink_, std::string(kSource), file,
                                            std::string(kDonorPrefix) + s.donor},
                               "donor."),
                   file, s.donor);
    ensure_organ(s.organ_id, s.donor, organ, context, file);
    add(std::move(s));
}

void Tree::add(Scan s) {
    index_.emplace(s.record.id, scans_.size());
    scans_.push_back(std::move(s));
}

// The first file naming a donor describes it; later files are compared with it.
void Tree::describe_donor(const FieldReader& d, const std::string& file, const std::string& donor) {
    auto it = donors_.find(donor);
    if (it == donors_.end() || it->second.facts.empty()) {
        Donor entry;
        entry.record = make_record("donor", std::string(kDonorPrefix) + donor, file);
        entry.record.add("donor", donor);
        map_donor(d, entry.record);
        entry.record.title = donor_title(donor, entry.record);
        entry.first_file = file;
        for (auto key : kDonorKeys) entry.facts[std::string(key)] = fact_text(d.find(key));
        // A donor first made for a kept dataset is replaced by this real description.
        donors_.insert_or_assign(donor, std::move(entry));
        return;
    }
    const Donor& first = it->second;
    for (auto key : kDonorKeys) {
        std::string here = fact_text(d.find(key));
        const std::string& there = first.facts.at(std::string(key));
        if (here != there) {
            d.warn(key, fmt::format("{} differs from {} in {}; the first file's value is kept",
                                    here, there, first.first_file));
        }
    }
}

void Tree::ensure_organ(const std::string& id, const std::string& donor, const std::string& organ,
                        const std::string& context, const std::string& file) {
    if (auto o = organs_.find(id); o != organs_.end()) {
        if (!o->second.carried) return;
        organs_.erase(o);
    }
    Organ o;
    o.donor = donor;
    o.record = make_record("organ", id, file);
    o.record.title = organ_title(donor, organ, context);
    o.record.add("organ", organ);
    o.record.add("organ_context", context);
    o.record.add("donor", donor);
    organs_.emplace(id, std::move(o));
}

void Tree::keep_donor(const std::string& donor, const std::string& file,
                      std::optional<Record> previous) {
    Donor d;
    if (previous) {
        d.record = std::move(*previous);
        d.carried = true;
    } else {
        d.record = make_record("donor", std::string(kDonorPrefix) + donor, file);
        d.record.add("donor", donor);
        d.record.title = "Donor " + donor;
    }
    d.first_file = d.record.file;
    donors_.emplace(donor, std::move(d));
}

void Tree::keep_organ(const std::string& id, const std::string& donor, Record previous) {
    Organ o;
    o.donor = donor;
    o.record = std::move(previous);
    o.carried = true;
    organs_.emplace(id, std::move(o));
}

std::vector<Placed> Tree::finish() {
    for (std::size_t i = 0; i < scans_.size(); ++i) place(i);
    for (auto& [id, organ] : organs_) {
        const Donor& donor = donors_.at(organ.donor);
        inherit(organ.record, donor.record, kDonorContext);
        organ.record.parent = donor.record.id;
        organ.record.breadcrumb = {Crumb{donor.record.id, "donor", donor.record.title},
                                   Crumb{id, "organ", organ.record.title}};
    }
    for (auto& s : scans_) {
        if (s.organ_id.empty()) continue;
        Organ& organ = organs_.at(s.organ_id);
        inherit(s.record, organ.record, kDonorContext);
        organ.rollup.add(s.record);
        donors_.at(s.donor).rollup.add(s.record);
    }
    for (std::size_t i = 0; i < scans_.size(); ++i) set_breadcrumb(i);
    for (auto& [id, organ] : organs_) {
        organ.rollup.apply(organ.record, kOrganCounts);
        donors_.at(organ.donor).rollup.add(organ.record);
    }
    std::vector<Placed> out;
    for (auto& [id, donor] : donors_) {
        donor.record.breadcrumb = {Crumb{donor.record.id, "donor", donor.record.title}};
        donor.rollup.apply(donor.record, kDonorCounts);
        out.push_back(Placed{std::move(donor.record), donor.carried});
    }
    for (auto& [id, organ] : organs_) out.push_back(Placed{std::move(organ.record), organ.carried});
    for (auto& s : scans_) out.push_back(Placed{std::move(s.record), s.carried});
    scans_.clear();
    index_.clear();
    donors_.clear();
    organs_.clear();
    return out;
}

// Finds the dataset a zoom hangs under: the one it is registered to, when
// this source has it and following registrations does not loop back.
void Tree::place(std::size_t i) {
    Scan& s = scans_[i];
    if (s.type == "overview" || s.target.empty()) return;
    auto found = index_.find(std::string(kDatasetPrefix) + s.target);
    IssueContext ctx{sink_, std::string(kSource), s.record.file, s.record.id};
    if (found == index_.end()) {
        if (!s.carried) {
            report_warning(ctx, "registration.target_dataset",
                           fmt::format("{} is not in this source; the zoom is placed under "
                                       "its organ",
                                       quote(s.target)));
        }
        return;
    }
    std::size_t up = found->second;
    for (std::size_t steps = 0; up != SIZE_MAX; ++steps, up = scans_[up].parent) {
        if (up == i || steps > scans_.size()) {
            report_warning(ctx, "registration.target_dataset",
                           fmt::format("{} leads back to this dataset; the zoom is placed "
                                       "under its organ",
                                       quote(s.target)));
            return;
        }
    }
    s.parent = found->second;
}

void Tree::set_breadcrumb(std::size_t i) {
    std::vector<std::size_t> chain{i};
    while (scans_[chain.back()].parent != SIZE_MAX) chain.push_back(scans_[chain.back()].parent);
    Scan& s = scans_[i];
    const Scan& top = scans_[chain.back()];
    if (top.organ_id.empty()) {
        s.record.breadcrumb.clear();
    } else {
        s.record.breadcrumb = organs_.at(top.organ_id).record.breadcrumb;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const Record& r = scans_[*it].record;
        s.record.breadcrumb.push_back(Crumb{r.id, "dataset", r.title});
    }
    if (s.parent != SIZE_MAX) {
        s.record.parent = scans_[s.parent].record.id;
    } else if (!s.organ_id.empty()) {
        s.record.parent = s.organ_id;
    }
}

}  // namespace atlas::detail::hoa
