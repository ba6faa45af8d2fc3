// panosc_mapping.cpp - building a dump's records: relations, typed parameters, roll-ups.
//
// The records are built in steps over the whole dump, each resolving one kind
// of relation (see DumpBuilder::build), so every record has all its relations
// before it is emitted.
#include "panosc_mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "hierarchy.h"
#include "panosc_objects.h"
#include "schema/schema.h"
#include "schema/units.h"

namespace atlas::detail::panosc {
namespace {

// Parameter names the PaNOSC search UI filters on, and their fields.  A
// keyword field has Dimension::none; the others are numbers in SI.
struct ParameterField {
    std::string_view name;
    std::string_view field;
    Dimension dimension;
};
constexpr std::array<ParameterField, 12> kParameterFields{{
    {"photon_energy", "photon_energy", Dimension::energy},
    {"incident_photon_energy", "photon_energy", Dimension::energy},
    {"energy", "photon_energy", Dimension::energy},
    {"temperature", "sample_temperature", Dimension::temperature},
    {"sample_temperature", "sample_temperature", Dimension::temperature},
    {"wavelength", "wavelength", Dimension::length},
    {"incident_wavelength", "wavelength", Dimension::length},
    {"pressure", "sample_pressure", Dimension::pressure},
    {"sample_pressure", "sample_pressure", Dimension::pressure},
    {"chemical_formula", "chemical_formula", Dimension::none},
    {"sample_chemical_formula", "chemical_formula", Dimension::none},
    {"sample_state", "sample_state", Dimension::none},
}};

// What a file inherits from its dataset.
constexpr std::array<std::string_view, 5> kFileContext{"dataset", "instrument", "facility",
                                                       "technique", "sample"};
// What a document rolls up from its datasets and their files.
constexpr std::array<std::string_view, 11> kDocumentKeywords{
    "instrument",   "facility",  "technique", "technique_id", "sample",     "chemical_formula",
    "sample_state", "file_name", "parameter", "dataset",      "publication"};
constexpr std::array<std::string_view, 4> kDocumentNumbers{"photon_energy", "sample_temperature",
                                                           "wavelength", "sample_pressure"};
constexpr std::array<std::string_view, 2> kDocumentCounts{"dataset", "file"};
constexpr std::array<std::string_view, 1> kDatasetKeywords{"file_name"};
constexpr std::array<std::string_view, 1> kDatasetCounts{"file"};

// "Photon Energy" and "photon_energy" name one parameter.
const ParameterField* parameter_field(std::string_view name) {
    std::string key;
    for (char c : name) {
        key.push_back(c == ' ' || c == '-'
                          ? '_'
                          : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    for (const auto& p : kParameterFields) {
        if (p.name == key) return &p;
    }
    return nullptr;
}

// Spellings the dumps and the facilities' exports use for "no unit".
bool means_no_unit(std::string_view unit) {
    return unit.empty() || unit == "NA" || unit == "N/A" || unit == "na" || unit == "None" ||
           unit == "none" || unit == "null" || unit == "-";
}

// "http://purl.org/pan-science/PaNET/PaNET01189" -> "PaNET01189".
std::string panet_id(std::string_view uri) {
    auto slash = uri.find_last_of("/#");
    return std::string(slash == std::string_view::npos ? uri : uri.substr(slash + 1));
}

// "2020-05-05T15:01:02.341Z" -> "2020-05-05"; empty if it does not start with a date.
std::string date_part(std::string_view text) {
    if (text.size() < 10) return {};
    std::string d(text.substr(0, 10));
    double days = 0;
    if (!parse_iso_date(d, days)) return {};
    if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') return {};
    return d;
}

// A date-time's date ("2020-05-05T15:01:02.341Z" -> 2020-05-05).
void add_date(const FieldReader& r, Record& rec, std::string_view path, std::string_view field) {
    auto text = r.text(path);
    if (!text) return;
    std::string d = date_part(*text);
    if (d.empty()) {
        r.warn(path, fmt::format("'{}' is not a date (expected YYYY-MM-DD...); left out", *text));
        return;
    }
    rec.add_date(field, d);
}

// The title, or the pid (with a warning) when the record has none.
void set_title(const FieldReader& r, Record& rec, std::string_view path, const std::string& key) {
    if (auto t = r.text(path)) {
        rec.title = *t;
    } else {
        r.warn(path, fmt::format("is missing; the pid '{}' is the title", key));
        rec.title = key;
    }
}

void check_pid(const FieldReader& r, const std::string& key) {
    if (auto pid = r.text("pid"); pid && *pid != key) {
        r.warn("pid", fmt::format("'{}' differs from the record's key '{}'; the key is the id",
                                  *pid, key));
    }
}

void map_document(const FieldReader& r, Record& rec, const std::string& key) {
    set_title(r, rec, "title", key);
    if (auto type = r.text("type")) rec.add("document_type", *type);
    if (auto summary = r.text("summary")) rec.add("description", *summary);
    // A document's pid is its DOI when it has the form of one (the model
    // says "persistent identifier"; facilities mint DOIs), unless a doi
    // field says otherwise.
    std::optional<std::string> doi = r.text("doi");
    if (!doi && is_doi(strip_doi_prefix(key))) doi = key;
    if (doi) {
        std::string bare(strip_doi_prefix(*doi));
        rec.add("doi", bare);
        rec.add_link("doi", "https://doi.org/" + bare);
    }
    for (const auto& k : r.strings("keywords")) add_unique(rec, "tag", k);
    add_date(r, rec, "releaseDate", "release_date");
}

// Returns the id of the dataset's instrument record, or "".
std::string map_dataset(const FieldReader& r, Record& rec,
                        const std::map<std::string, Record>& instruments) {
    add_date(r, rec, "creationDate", "deposition_date");
    if (auto size = r.number("size"); size && *size >= 0) {
        rec.add_number("file_size", *size, format_number(*size), "B");
    }
    if (auto inst = r.text("instrumentId")) {
        auto it = instruments.find(*inst);
        if (it == instruments.end()) {
            r.warn("instrumentId",
                   fmt::format("'{}' names no Instrument in this file; left out", *inst));
            return {};
        }
        for (const char* f : {"instrument", "facility"}) {
            for (const auto* v : it->second.get(f)) add_unique(rec, f, v->text);
        }
        return it->second.id;
    }
    return {};
}

void map_file(const FieldReader& r, Record& rec) {
    if (auto size = r.number("size"); size && *size >= 0) {
        rec.add_number("file_size", *size, format_number(*size), "B");
    }
    for (const char* key : {"url", "path"}) {
        auto where = r.text(key);
        if (!where) continue;
        if (where->starts_with("https://")) {
            rec.add_link("https", *where);
        } else if (where->starts_with("http://")) {
            rec.add_link("related", *where);
        }
    }
}

// One {name, value, unit} parameter: always a `parameter` keyword, and a
// typed value when its name is one the search UI filters on.
void add_parameter(const FieldReader& r, Record& rec) {
    auto name = r.text("name");
    if (!name) {
        r.warn("name", "parameter has no name; left out");
        return;
    }
    std::string unit = r.text("unit").value_or("");
    if (means_no_unit(unit)) unit = r.text("units").value_or("");
    if (means_no_unit(unit)) unit.clear();
    const rapidjson::Value* value = r.find("value");
    if (value == nullptr) {
        r.warn("value", fmt::format("parameter '{}' has no value; left out", *name));
        return;
    }
    auto text = r.text("value");
    if (!text) return;  // FieldReader reported why
    std::string shown = fmt::format("{} = {}{}{}", *name, *text, unit.empty() ? "" : " ", unit);
    add_unique(rec, "parameter", shown);

    const ParameterField* target = parameter_field(*name);
    if (target == nullptr) return;
    if (target->dimension == Dimension::none) {
        add_unique(rec, target->field, *text);
        return;
    }
    auto keep_as_text = [&](const std::string& why) {
        r.warn("value", fmt::format("'{}' {}; kept only as parameter text", shown, why));
    };
    auto parsed = parse_number_text(*text);
    if (!parsed) return keep_as_text("is not a number");
    std::string number_text = *text;
    if (!parsed->unit.empty()) {
        number_text.resize(number_text.size() - parsed->unit.size());
        while (!number_text.empty() && number_text.back() == ' ') number_text.pop_back();
        if (!unit.empty() && unit != parsed->unit) {
            return keep_as_text(
                fmt::format("has the unit '{}' in its value and '{}' as its "
                            "unit",
                            parsed->unit, unit));
        }
        unit = parsed->unit;
    }
    if (unit.empty()) return keep_as_text("has no unit");
    const Unit* u = find_unit(unit);
    if (u == nullptr) return keep_as_text(fmt::format("has the unknown unit '{}'", unit));
    if (u->dimension != target->dimension) {
        return keep_as_text(fmt::format("has a unit of {}, not of {} as {} needs",
                                        dimension_name(u->dimension),
                                        dimension_name(target->dimension), target->field));
    }
    double canonical = to_canonical(parsed->value, *u);
    if (!std::isfinite(canonical)) return keep_as_text("is out of range");
    rec.add_number(target->field, canonical, number_text, unit);
}

// The rows of `model` by key, and by their own id/pid where that differs.
std::map<std::string, const Row*> by_key(const Tables& t, std::string_view model) {
    std::map<std::string, const Row*> out;
    for (const auto& row : t.of(model)) out.emplace(row.key, &row);
    for (const auto& row : t.of(model)) {
        for (const char* k : {"pid", "id"}) {
            auto it = row.object->FindMember(k);
            if (it == row.object->MemberEnd()) continue;
            if (it->value.IsString()) {
                out.emplace(std::string(it->value.GetString(), it->value.GetStringLength()), &row);
            } else if (it->value.IsInt64()) {
                out.emplace(std::to_string(it->value.GetInt64()), &row);
            }
        }
    }
    return out;
}

// Builds one dump's records step by step; each step resolves the relations
// the next ones need (a dataset's instrument before its documents' roll-up).
class DumpBuilder {
  public:
    DumpBuilder(const Tables& t, const IssueContext& file) : t_(t), file_(file) {}

    std::vector<Record> build() {
        build_entities();
        build_documents();
        build_datasets();
        join_relations();
        add_parameters();
        place_datasets();
        build_files();
        roll_up_documents();
        count_uses();
        attach_objects();
        return records();
    }

  private:
    IssueContext ctx(const std::string& record) const {
        IssueContext c = file_;
        c.record = record;
        return c;
    }

    Record make_record(std::string_view kind, std::string id) const {
        Record r;
        r.id = std::move(id);
        r.source = kSource;
        r.kind = kind;
        r.file = file_.file;
        return r;
    }

    FieldReader reader(const Row& row, std::string_view model, const std::string& id) const {
        return FieldReader(*row.object, ctx(id), fmt::format("{}[{}].", model, row.key));
    }

    // Entities datasets point at: instruments, techniques, samples.
    void build_entities() {
        entities("Instrument", "instrument", instruments_, [](const FieldReader& r, Record& rec) {
            if (auto n = r.text("name")) rec.add("instrument", *n);
            if (auto f = r.text("facility")) rec.add("facility", *f);
        });
        entities("Technique", "technique", techniques_, [](const FieldReader& r, Record& rec) {
            if (auto n = r.text("name")) rec.add("technique", *n);
            if (auto p = r.text("panetId")) {
                rec.add("technique_id", panet_id(*p));
                if (p->starts_with("http")) rec.add_link("related", *p);
            }
        });
        entities("Sample", "sample", samples_, [](const FieldReader& r, Record& rec) {
            if (auto n = r.text("name")) rec.add("sample", *n);
            if (auto d = r.text("description")) rec.add("description", *d);
        });
    }

    template <class Map>
    void entities(std::string_view model, std::string_view kind, std::map<std::string, Record>& out,
                  Map map) {
        for (const auto& row : t_.of(model)) {
            Record rec = make_record(kind, record_id(kind, row.key));
            FieldReader r = reader(row, model, rec.id);
            check_pid(r, row.key);
            set_title(r, rec, "name", row.key);
            map(r, rec);
            rec.breadcrumb = {Crumb{rec.id, std::string(kind), rec.title}};
            out.emplace(row.key, std::move(rec));
        }
    }

    // Documents, with their members.
    void build_documents() {
        auto persons = by_key(t_, "Person");
        auto affiliations = by_key(t_, "Affiliation");
        for (const auto& row : t_.of("Document")) {
            Record rec = make_record("document", record_id("document", row.key));
            FieldReader r = reader(row, "Document", rec.id);
            check_pid(r, row.key);
            map_document(r, rec, row.key);
            rec.breadcrumb = {Crumb{rec.id, "document", rec.title}};
            document_order_.push_back(row.key);
            documents_.emplace(row.key, std::move(rec));
        }
        for (const auto& row : t_.of("Member")) {
            FieldReader r = reader(row, "Member", "");
            auto doc_key = r.text("documentId");
            auto doc = doc_key ? documents_.find(*doc_key) : documents_.end();
            if (doc == documents_.end()) {
                r.warn("documentId", fmt::format("'{}' names no Document in this file; member "
                                                 "left out",
                                                 doc_key.value_or("")));
                continue;
            }
            add_member(reader(row, "Member", doc->second.id), doc->second, persons, affiliations);
        }
    }

    void add_member(const FieldReader& r, Record& doc,
                    const std::map<std::string, const Row*>& persons,
                    const std::map<std::string, const Row*>& affiliations) {
        std::string name;
        if (auto person = r.text("personId")) {
            if (auto it = persons.find(*person); it != persons.end()) {
                FieldReader p = reader(*it->second, "Person", doc.id);
                if (auto full = p.text("fullName")) {
                    name = *full;
                } else {
                    auto first = p.text("firstName");
                    auto last = p.text("lastName");
                    name = fmt::format("{}{}{}", first.value_or(""), first && last ? " " : "",
                                       last.value_or(""));
                }
                add_unique(doc, "author", name);
                if (auto orcid = p.text("orcid")) add_unique(doc, "orcid", *orcid);
            } else {
                r.warn("personId",
                       fmt::format("'{}' names no Person in this file; left out", *person));
            }
        }
        if (auto aff = r.text("affiliationId")) {
            if (auto it = affiliations.find(*aff); it != affiliations.end()) {
                FieldReader a = reader(*it->second, "Affiliation", doc.id);
                if (auto n = a.text("name")) add_unique(doc, "affiliation", *n);
            } else {
                r.warn("affiliationId",
                       fmt::format("'{}' names no Affiliation in this file; left out", *aff));
            }
        }
        // The schema has no role field: "principal investigator = John Smith".
        if (auto role = r.text("role"); role && !name.empty()) {
            add_unique(doc, "parameter", fmt::format("{} = {}", *role, name));
        }
    }

    void link_document(const std::string& ds, const std::string& doc) {
        auto& v = documents_of_[ds];
        if (std::find(v.begin(), v.end(), doc) == v.end()) v.push_back(doc);
    }

    // Datasets, with their instrument and the document they name.
    void build_datasets() {
        for (const auto& row : t_.of("Dataset")) {
            Record rec = make_record("dataset", record_id("dataset", row.key));
            FieldReader r = reader(row, "Dataset", rec.id);
            check_pid(r, row.key);
            set_title(r, rec, "title", row.key);
            rec.add("dataset", row.key);
            if (auto inst = map_dataset(r, rec, instruments_); !inst.empty()) ++uses_[inst];
            if (auto doc = r.text("documentId")) {
                if (documents_.count(*doc)) {
                    link_document(row.key, *doc);
                } else {
                    r.warn("documentId", fmt::format("'{}' names no Document in this file; left "
                                                     "out",
                                                     *doc));
                }
            }
            dataset_order_.push_back(row.key);
            datasets_.emplace(row.key, std::move(rec));
            file_rollups_.try_emplace(row.key, kDatasetKeywords,
                                      std::span<const std::string_view>{});
        }
    }

    // Join tables: a row whose ends are not both in this file is reported and skipped.
    void join_relations() {
        join("DatasetTechnique", "techniqueId", techniques_,
             [&](const std::string&, Record& ds, const std::string&, const Record& tech) {
                 for (const auto* v : tech.get("technique")) add_unique(ds, "technique", v->text);
                 for (const auto* v : tech.get("technique_id")) {
                     add_unique(ds, "technique_id", v->text);
                 }
                 ++uses_[tech.id];
             });
        join("DatasetSample", "sampleId", samples_,
             [&](const std::string&, Record& ds, const std::string&, const Record& sample) {
                 for (const auto* v : sample.get("sample")) add_unique(ds, "sample", v->text);
                 ++uses_[sample.id];
             });
        join("DocumentDataset", "documentId", documents_,
             [&](const std::string& ds_key, Record&, const std::string& doc_key, const Record&) {
                 link_document(ds_key, doc_key);
             });
    }

    template <class Apply>
    void join(std::string_view model, std::string_view to_key,
              const std::map<std::string, Record>& to, Apply apply) {
        for (const auto& row : t_.of(model)) {
            FieldReader r = reader(row, model, "");
            auto ds = r.text("datasetId");
            auto other = r.text(to_key);
            auto d = ds ? datasets_.find(*ds) : datasets_.end();
            auto o = other ? to.find(*other) : to.end();
            if (d == datasets_.end() || o == to.end()) {
                r.warn(d == datasets_.end() ? "datasetId" : to_key,
                       fmt::format("'{}' names no record in this file; relation left out",
                                   d == datasets_.end() ? ds.value_or("") : other.value_or("")));
                continue;
            }
            apply(d->first, d->second, o->first, o->second);
        }
    }

    // Parameters, on their dataset or document (or both).
    void add_parameters() {
        for (const auto& row : t_.of("Parameter")) {
            FieldReader r = reader(row, "Parameter", "");
            auto ds = r.text("datasetId");
            auto doc = r.text("documentId");
            if (ds) {
                if (auto d = datasets_.find(*ds); d != datasets_.end()) {
                    add_parameter(reader(row, "Parameter", d->second.id), d->second);
                } else {
                    r.warn("datasetId", fmt::format("'{}' names no Dataset in this file; "
                                                    "parameter left out",
                                                    *ds));
                }
            }
            if (doc) {
                if (auto d = documents_.find(*doc); d != documents_.end()) {
                    add_parameter(reader(row, "Parameter", d->second.id), d->second);
                } else {
                    r.warn("documentId", fmt::format("'{}' names no Document in this file; "
                                                     "parameter left out",
                                                     *doc));
                }
            }
            if (!ds && !doc) {
                r.warn("datasetId", "is missing and so is documentId; parameter left out");
            }
        }
    }

    // Documents give their datasets a parent and context.
    void place_datasets() {
        for (auto& [key, ds] : datasets_) {
            const auto& docs = documents_of_[key];
            for (const auto& doc_key : docs) {
                const Record& doc = documents_.at(doc_key);
                ds.add("description", doc.title, Origin::inherited);
                for (const auto* v : doc.get("doi")) {
                    add_unique(ds, "publication", v->text, Origin::inherited);
                }
                inherit(ds, doc, std::array<std::string_view, 1>{"document_type"});
            }
            if (!docs.empty()) {
                const Record& parent = documents_.at(docs.front());
                ds.parent = parent.id;
                ds.breadcrumb = parent.breadcrumb;
            }
            ds.breadcrumb.push_back(Crumb{ds.id, "dataset", ds.title});
        }
    }

    // Files: records of their own, rolled up into their dataset.
    void build_files() {
        for (const auto& row : t_.of("File")) {
            FieldReader r = reader(row, "File", "");
            auto name = r.text("name");
            auto ds_key = r.text("datasetId");
            if (!name || !ds_key) {
                report_issue(ctx(""), Severity::error,
                             fmt::format("File[{}].{}", row.key, !name ? "name" : "datasetId"),
                             "required field is missing (a file is named by its dataset and "
                             "name); record rejected");
                continue;
            }
            Record f = make_record("file", fmt::format("panosc:file:{}/{}", *ds_key, *name));
            FieldReader fr = reader(row, "File", f.id);
            f.title = *name;
            f.add("file_name", *name);
            map_file(fr, f);
            auto ds = datasets_.find(*ds_key);
            if (ds == datasets_.end()) {
                fr.warn("datasetId",
                        fmt::format("'{}' names no Dataset in this file; the file has no parent",
                                    *ds_key));
                f.add("dataset", *ds_key);
                f.breadcrumb = {Crumb{f.id, "file", f.title}};
            } else {
                const Record& parent = ds->second;
                f.parent = parent.id;
                inherit(f, parent, kFileContext);
                f.add("dataset_title", parent.title, Origin::inherited);
                f.breadcrumb = parent.breadcrumb;
                f.breadcrumb.push_back(Crumb{f.id, "file", f.title});
                file_rollups_.at(*ds_key).add(f);
            }
            files_.push_back(std::move(f));
        }
        for (auto& [key, rollup] : file_rollups_) rollup.apply(datasets_.at(key), kDatasetCounts);
    }

    // Documents roll up their datasets and those datasets' files.
    void roll_up_documents() {
        for (const auto& doc_key : document_order_) {
            Rollup rollup(kDocumentKeywords, kDocumentNumbers);
            for (const auto& ds_key : dataset_order_) {
                const auto& docs = documents_of_[ds_key];
                if (std::find(docs.begin(), docs.end(), doc_key) == docs.end()) continue;
                rollup.add(datasets_.at(ds_key));
                for (const auto& f : files_) {
                    if (f.parent == datasets_.at(ds_key).id) rollup.add(f);
                }
            }
            rollup.apply(documents_.at(doc_key), kDocumentCounts);
        }
    }

    // Instruments, techniques and samples count the datasets that use them.
    void count_uses() {
        for (auto* group : {&instruments_, &techniques_, &samples_}) {
            for (auto& [key, rec] : *group) {
                auto n = uses_[rec.id];
                rec.add_number("dataset_count", static_cast<double>(n), std::to_string(n), "",
                               Origin::rollup);
            }
        }
    }

    // The dump's own rows, as the PaNOSC file keeps them (panosc_objects.h).
    // A key given twice keeps its first row, as the records do.
    void attach_objects() {
        ObjectWriter objects(t_);
        auto attach = [&](std::string_view model, std::map<std::string, Record>& records,
                          std::string (ObjectWriter::*line)(const Row&) const) {
            for (const auto& row : t_.of(model)) {
                Record& rec = records.at(row.key);
                if (rec.panosc.empty()) rec.panosc = (objects.*line)(row);
            }
        };
        attach("Dataset", datasets_, &ObjectWriter::dataset);
        attach("Document", documents_, &ObjectWriter::document);
        attach("Instrument", instruments_, &ObjectWriter::instrument);
    }

    std::vector<Record> records() {
        std::vector<Record> out;
        for (const auto& key : document_order_) out.push_back(std::move(documents_.at(key)));
        for (const auto& key : dataset_order_) out.push_back(std::move(datasets_.at(key)));
        for (auto& f : files_) out.push_back(std::move(f));
        for (auto* group : {&instruments_, &techniques_, &samples_}) {
            for (auto& [key, rec] : *group) out.push_back(std::move(rec));
        }
        return out;
    }

    const Tables& t_;
    IssueContext file_;
    std::map<std::string, Record> instruments_, techniques_, samples_;  // by key
    std::map<std::string, Record> documents_, datasets_;                // by key
    std::vector<std::string> document_order_, dataset_order_;           // keys, as in the dump
    std::map<std::string, std::vector<std::string>> documents_of_;      // dataset -> documents
    std::map<std::string, Rollup> file_rollups_;                        // dataset -> its files
    std::map<std::string, std::uint64_t> uses_;  // instrument/technique/sample id -> datasets
    std::vector<Record> files_;
};

}  // namespace

const std::vector<Row>& Tables::of(std::string_view model) const {
    static const std::vector<Row> kNone;
    auto it = rows.find(model);
    return it == rows.end() ? kNone : it->second;
}

std::string_view kind_of_model(std::string_view model) {
    if (model == "Dataset") return "dataset";
    if (model == "Document") return "document";
    if (model == "Instrument") return "instrument";
    if (model == "Technique") return "technique";
    if (model == "Sample") return "sample";
    return {};
}

std::string record_id(std::string_view kind, std::string_view key) {
    return fmt::format("panosc:{}:{}", kind, key);
}

std::vector<Record> build(const Tables& tables, const IssueContext& file) {
    return DumpBuilder(tables, file).build();
}

}  // namespace atlas::detail::panosc
