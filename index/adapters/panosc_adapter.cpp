// panosc_adapter.cpp - reading LoopBack dumps: tables, relations, typed parameters, roll-ups.
//
// A dump is small (the largest known is 35 KB), so each is read whole: its
// records and relation rows are parsed first, then the records are built with
// every relation of the file resolved, then emitted (documents, datasets,
// files, instruments, techniques, samples).  Ids already emitted from an
// earlier file are reported, not emitted again, so copies of one database
// under the root cannot replace each other's records.
#include "panosc_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "hierarchy.h"
#include "json_reader.h"
#include "schema/schema.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSource = "panosc";

// The PaNOSC data model's tables.  LoopBack's own (ACL, User, ...) are in every
// dump and hold nothing to index.
constexpr std::array<std::string_view, 13> kModels{
    "Affiliation",     "Dataset", "DatasetSample", "DatasetTechnique", "Document",
    "DocumentDataset", "File",    "Instrument",    "Member",           "Parameter",
    "Person",          "Sample",  "Technique"};
constexpr std::array<std::string_view, 7> kLoopbackModels{
    "ACL", "AccessToken", "User", "Role", "RoleMapping", "UserCredential", "UserIdentity"};

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

bool contains(std::span<const std::string_view> list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

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

// One row of a table: its key in the dump and its fields.
struct Row {
    std::string key;
    const rapidjson::Value* object = nullptr;
};

// One dump's tables, with the documents parsed from records given as text.
struct Tables {
    std::map<std::string, std::vector<Row>, std::less<>> rows;
    std::vector<std::unique_ptr<JsonFile>> parsed;

    const std::vector<Row>& of(std::string_view model) const {
        static const std::vector<Row> kNone;
        auto it = rows.find(model);
        return it == rows.end() ? kNone : it->second;
    }
};

// A record being built, with what relations need to know about it.
struct Built {
    Record record;
    bool carried = false;
};

class PanoscAdapter final : public Adapter {
  public:
    explicit PanoscAdapter(fs::path root) : root_(std::move(root)) {}

    std::string_view name() const override { return kSource; }

    // Records live inside dumps; counting them needs the parse this must avoid.
    std::uint64_t estimate() override { return 0; }

    Status read(RecordSink& sink) override {
        sink_ = &sink;
        std::error_code ec;
        if (!fs::is_directory(root_, ec)) {
            return Error{Errc::not_found,
                         fmt::format("panosc source '{}' is not a directory", root_.string())};
        }
        std::vector<fs::path> files;
        fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied,
                                            ec);
        if (ec) {
            return Error{Errc::io, fmt::format("panosc source '{}' cannot be listed: {}",
                                               root_.string(), ec.message())};
        }
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->path().extension() == ".json" && it->is_regular_file(ec)) {
                files.push_back(it->path());
            }
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) read_dump(f);
        return {};
    }

  private:
    std::string rel(const fs::path& p) const {
        return p.lexically_relative(root_).generic_string();
    }

    IssueContext ctx(const std::string& record = {}) const {
        return IssueContext{sink_, std::string(kSource), file_, record};
    }

    static std::string record_id(std::string_view kind, std::string_view key) {
        return fmt::format("panosc:{}:{}", kind, key);
    }

    Record make_record(std::string_view kind, std::string id) const {
        Record r;
        r.id = std::move(id);
        r.source = kSource;
        r.kind = kind;
        r.file = file_;
        return r;
    }

    // Emits a record unless an earlier file gave its id; then reports it instead.
    void emit(Built b) {
        auto [it, inserted] = emitted_.emplace(b.record.id, file_);
        if (!inserted) {
            report_issue(ctx(b.record.id), Severity::error, "",
                         fmt::format("the same id was read from {} first; that record is kept "
                                     "and this one is left out",
                                     it->second));
            return;
        }
        if (b.carried) {
            sink_->add_carried(std::move(b.record));
        } else {
            sink_->add(std::move(b.record));
        }
    }

    // Reports an unreadable record; the previous generation's version, if any, is kept.
    void reject(const std::string& id, std::string_view field, const std::string& message) {
        std::optional<Record> previous = id.empty() ? std::nullopt : sink_->previous(id);
        report_issue(ctx(id), Severity::error, field, message + "; record rejected",
                     previous.has_value());
        if (previous) emit(Built{std::move(*previous), true});
    }

    static std::string_view kind_of_model(std::string_view model) {
        if (model == "Dataset") return "dataset";
        if (model == "Document") return "document";
        if (model == "Instrument") return "instrument";
        if (model == "Technique") return "technique";
        if (model == "Sample") return "sample";
        return {};
    }

    void read_dump(const fs::path& path) {
        file_ = rel(path);
        auto loaded = load_json_file(path);
        if (!loaded.ok()) {
            // The kept records hold their ids against later copies, as read ones do.
            for (const auto& id : sink_->previous_ids_from_file(file_)) emitted_.emplace(id, file_);
            reject_file(ctx(), loaded.error().message + "; its records are left out");
            return;
        }
        const rapidjson::Document& doc = loaded.value().doc;
        // Other JSON beside the dumps (the search UI's filters.json) is not ours.
        if (!doc.IsObject() || !doc.HasMember("models")) return;
        if (loaded.value().repaired_bytes > 0) {
            report_warning(ctx(), "",
                           fmt::format("{} ill-formed UTF-8 sequence(s) replaced by U+FFFD",
                                       loaded.value().repaired_bytes));
        }
        const rapidjson::Value& models = doc["models"];
        if (models.IsNull()) return;  // a dump of an empty database
        if (!models.IsObject()) {
            reject_file(ctx(), fmt::format("\"models\" is {}, not an object of tables; its "
                                           "records are left out",
                                           type_name(models)));
            return;
        }
        Tables tables;
        for (const auto& m : models.GetObject()) {
            std::string model(m.name.GetString(), m.name.GetStringLength());
            if (m.value.IsNull() || contains(kLoopbackModels, model)) continue;
            if (!contains(kModels, model)) {
                if (unknown_models_.insert(model).second) {
                    report_warning(ctx(), "models." + model,
                                   "unknown model is not indexed (reported once per model)");
                }
                continue;
            }
            if (!m.value.IsObject()) {
                report_warning(ctx(), "models." + model,
                               fmt::format("expected an object of records, found {}; left out",
                                           type_name(m.value)));
                continue;
            }
            for (const auto& r : m.value.GetObject()) {
                read_row(tables, model, std::string(r.name.GetString(), r.name.GetStringLength()),
                         r.value);
            }
        }
        build(tables);
    }

    // Adds one record of `model` to the tables; records given as JSON text are parsed.
    void read_row(Tables& tables, const std::string& model, std::string key,
                  const rapidjson::Value& value) {
        std::string_view kind = kind_of_model(model);
        std::string id = kind.empty() ? std::string() : record_id(kind, key);
        std::string field = fmt::format("{}[{}]", model, key);
        auto fail = [&](const std::string& why) {
            // A record of its own is rejected; a lost relation row only thins
            // the records it would have added to.
            if (!kind.empty()) {
                reject(id, field, why);
            } else {
                report_warning(ctx(), field, why + "; left out");
            }
        };
        const rapidjson::Value* object = &value;
        if (value.IsNull()) {
            fail("is null, not a record");
            return;
        }
        if (value.IsString()) {
            auto parsed = parse_json_text(std::string(value.GetString(), value.GetStringLength()));
            if (!parsed.ok()) {
                fail("record text " + parsed.error().message);
                return;
            }
            tables.parsed.push_back(std::make_unique<JsonFile>(std::move(parsed).value()));
            object = &tables.parsed.back()->doc;
        }
        if (!object->IsObject()) {
            fail(fmt::format("is {}, not a record object", type_name(*object)));
            return;
        }
        tables.rows[model].push_back(Row{std::move(key), object});
    }

    // The rows of `model` by key, and by their own id/pid where that differs.
    static std::map<std::string, const Row*> by_key(const Tables& t, std::string_view model) {
        std::map<std::string, const Row*> out;
        for (const auto& row : t.of(model)) out.emplace(row.key, &row);
        for (const auto& row : t.of(model)) {
            for (const char* k : {"pid", "id"}) {
                auto it = row.object->FindMember(k);
                if (it == row.object->MemberEnd()) continue;
                if (it->value.IsString()) {
                    out.emplace(std::string(it->value.GetString(), it->value.GetStringLength()),
                                &row);
                } else if (it->value.IsInt64()) {
                    out.emplace(std::to_string(it->value.GetInt64()), &row);
                }
            }
        }
        return out;
    }

    FieldReader reader(const Row& row, std::string_view model, const std::string& id) const {
        return FieldReader(*row.object, ctx(id), fmt::format("{}[{}].", model, row.key));
    }

    // The title, or the pid (with a warning) when the record has none.
    void set_title(const FieldReader& r, Record& rec, std::string_view path,
                   const std::string& key) {
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

    void build(const Tables& t) {
        auto persons = by_key(t, "Person");
        auto affiliations = by_key(t, "Affiliation");

        // Entities datasets point at.
        std::map<std::string, Built> instruments, techniques, samples;
        auto entity = [&](std::string_view model, std::string_view kind,
                          std::map<std::string, Built>& out, auto&& map) {
            for (const auto& row : t.of(model)) {
                Built b{make_record(kind, record_id(kind, row.key))};
                FieldReader r = reader(row, model, b.record.id);
                check_pid(r, row.key);
                set_title(r, b.record, "name", row.key);
                map(r, b.record);
                b.record.breadcrumb = {Crumb{b.record.id, std::string(kind), b.record.title}};
                out.emplace(row.key, std::move(b));
            }
        };
        entity("Instrument", "instrument", instruments, [](const FieldReader& r, Record& rec) {
            if (auto n = r.text("name")) rec.add("instrument", *n);
            if (auto f = r.text("facility")) rec.add("facility", *f);
        });
        entity("Technique", "technique", techniques, [](const FieldReader& r, Record& rec) {
            if (auto n = r.text("name")) rec.add("technique", *n);
            if (auto p = r.text("panetId")) {
                rec.add("technique_id", panet_id(*p));
                if (p->starts_with("http")) rec.add_link("related", *p);
            }
        });
        entity("Sample", "sample", samples, [](const FieldReader& r, Record& rec) {
            if (auto n = r.text("name")) rec.add("sample", *n);
            if (auto d = r.text("description")) rec.add("description", *d);
        });

        // Documents, with their members and parameters.
        std::map<std::string, Built> documents;
        std::vector<std::string> document_order;
        for (const auto& row : t.of("Document")) {
            Built b{make_record("document", record_id("document", row.key))};
            FieldReader r = reader(row, "Document", b.record.id);
            check_pid(r, row.key);
            map_document(r, b.record, row.key);
            b.record.breadcrumb = {Crumb{b.record.id, "document", b.record.title}};
            document_order.push_back(row.key);
            documents.emplace(row.key, std::move(b));
        }
        for (const auto& row : t.of("Member")) {
            FieldReader r = reader(row, "Member", "");
            auto doc_key = r.text("documentId");
            auto doc = doc_key ? documents.find(*doc_key) : documents.end();
            if (doc == documents.end()) {
                r.warn("documentId", fmt::format("'{}' names no Document in this file; member "
                                                 "left out",
                                                 doc_key.value_or("")));
                continue;
            }
            add_member(reader(row, "Member", doc->second.record.id), doc->second.record, persons,
                       affiliations);
        }

        // Datasets and their relations.
        std::map<std::string, Built> datasets;
        std::vector<std::string> dataset_order;
        std::map<std::string, std::vector<std::string>> documents_of;  // dataset -> documents
        std::map<std::string, Rollup> file_rollups;                    // dataset -> its files
        std::map<std::string, std::uint64_t> uses;  // instrument/technique/sample id -> datasets
        auto link_document = [&](const std::string& ds, const std::string& doc) {
            auto& v = documents_of[ds];
            if (std::find(v.begin(), v.end(), doc) == v.end()) v.push_back(doc);
        };
        for (const auto& row : t.of("Dataset")) {
            Built b{make_record("dataset", record_id("dataset", row.key))};
            FieldReader r = reader(row, "Dataset", b.record.id);
            check_pid(r, row.key);
            set_title(r, b.record, "title", row.key);
            b.record.add("dataset", row.key);
            if (auto inst = map_dataset(r, b.record, instruments); !inst.empty()) ++uses[inst];
            if (auto doc = r.text("documentId")) {
                if (documents.count(*doc)) {
                    link_document(row.key, *doc);
                } else {
                    r.warn("documentId", fmt::format("'{}' names no Document in this file; left "
                                                     "out",
                                                     *doc));
                }
            }
            dataset_order.push_back(row.key);
            datasets.emplace(row.key, std::move(b));
            file_rollups.try_emplace(row.key, kDatasetKeywords,
                                     std::span<const std::string_view>{});
        }
        // Join tables: a row whose ends are not both in this file is reported and skipped.
        auto join = [&](std::string_view model, std::string_view to_key,
                        const std::map<std::string, Built>& to, auto&& apply) {
            for (const auto& row : t.of(model)) {
                FieldReader r = reader(row, model, "");
                auto ds = r.text("datasetId");
                auto other = r.text(to_key);
                auto d = ds ? datasets.find(*ds) : datasets.end();
                auto o = other ? to.find(*other) : to.end();
                if (d == datasets.end() || o == to.end()) {
                    r.warn(d == datasets.end() ? "datasetId" : to_key,
                           fmt::format("'{}' names no record in this file; relation left out",
                                       d == datasets.end() ? ds.value_or("") : other.value_or("")));
                    continue;
                }
                apply(d->first, d->second.record, o->first, o->second.record);
            }
        };
        join("DatasetTechnique", "techniqueId", techniques,
             [&](const std::string&, Record& ds, const std::string&, const Record& tech) {
                 for (const auto* v : tech.get("technique")) add_unique(ds, "technique", v->text);
                 for (const auto* v : tech.get("technique_id")) {
                     add_unique(ds, "technique_id", v->text);
                 }
                 ++uses[tech.id];
             });
        join("DatasetSample", "sampleId", samples,
             [&](const std::string&, Record& ds, const std::string&, const Record& sample) {
                 for (const auto* v : sample.get("sample")) add_unique(ds, "sample", v->text);
                 ++uses[sample.id];
             });
        join("DocumentDataset", "documentId", documents,
             [&](const std::string& ds_key, Record&, const std::string& doc_key, const Record&) {
                 link_document(ds_key, doc_key);
             });

        // Parameters, on their dataset or document (or both).
        for (const auto& row : t.of("Parameter")) {
            FieldReader r = reader(row, "Parameter", "");
            auto ds = r.text("datasetId");
            auto doc = r.text("documentId");
            if (ds) {
                if (auto d = datasets.find(*ds); d != datasets.end()) {
                    add_parameter(reader(row, "Parameter", d->second.record.id), d->second.record);
                } else {
                    r.warn("datasetId", fmt::format("'{}' names no Dataset in this file; "
                                                    "parameter left out",
                                                    *ds));
                }
            }
            if (doc) {
                if (auto d = documents.find(*doc); d != documents.end()) {
                    add_parameter(reader(row, "Parameter", d->second.record.id), d->second.record);
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

        // Documents give their datasets a parent and context.
        for (auto& [key, b] : datasets) {
            Record& ds = b.record;
            const auto& docs = documents_of[key];
            for (const auto& doc_key : docs) {
                const Record& doc = documents.at(doc_key).record;
                ds.add("description", doc.title, Origin::inherited);
                for (const auto* v : doc.get("doi")) {
                    add_unique(ds, "publication", v->text, Origin::inherited);
                }
                inherit(ds, doc, std::array<std::string_view, 1>{"document_type"});
            }
            if (!docs.empty()) {
                const Record& parent = documents.at(docs.front()).record;
                ds.parent = parent.id;
                ds.breadcrumb = parent.breadcrumb;
            }
            ds.breadcrumb.push_back(Crumb{ds.id, "dataset", ds.title});
        }

        // Files: records of their own, rolled up into their dataset.
        std::vector<Built> files;
        for (const auto& row : t.of("File")) {
            FieldReader r = reader(row, "File", "");
            auto name = r.text("name");
            auto ds_key = r.text("datasetId");
            if (!name || !ds_key) {
                report_issue(ctx(), Severity::error,
                             fmt::format("File[{}].{}", row.key, !name ? "name" : "datasetId"),
                             "required field is missing (a file is named by its dataset and "
                             "name); record rejected");
                continue;
            }
            Built b{make_record("file", fmt::format("panosc:file:{}/{}", *ds_key, *name))};
            Record& f = b.record;
            FieldReader fr = reader(row, "File", f.id);
            f.title = *name;
            f.add("file_name", *name);
            map_file(fr, f);
            auto ds = datasets.find(*ds_key);
            if (ds == datasets.end()) {
                fr.warn("datasetId",
                        fmt::format("'{}' names no Dataset in this file; the file has no parent",
                                    *ds_key));
                f.add("dataset", *ds_key);
                f.breadcrumb = {Crumb{f.id, "file", f.title}};
            } else {
                const Record& parent = ds->second.record;
                f.parent = parent.id;
                inherit(f, parent, kFileContext);
                f.add("dataset_title", parent.title, Origin::inherited);
                f.breadcrumb = parent.breadcrumb;
                f.breadcrumb.push_back(Crumb{f.id, "file", f.title});
                file_rollups.at(*ds_key).add(f);
            }
            files.push_back(std::move(b));
        }
        for (auto& [key, rollup] : file_rollups) {
            rollup.apply(datasets.at(key).record, kDatasetCounts);
        }

        // Documents roll up their datasets and those datasets' files.
        for (const auto& doc_key : document_order) {
            Rollup rollup(kDocumentKeywords, kDocumentNumbers);
            for (const auto& ds_key : dataset_order) {
                const auto& docs = documents_of[ds_key];
                if (std::find(docs.begin(), docs.end(), doc_key) == docs.end()) continue;
                rollup.add(datasets.at(ds_key).record);
                for (const auto& f : files) {
                    if (f.record.parent == datasets.at(ds_key).record.id) rollup.add(f.record);
                }
            }
            rollup.apply(documents.at(doc_key).record, kDocumentCounts);
        }

        for (auto* group : {&instruments, &techniques, &samples}) {
            for (auto& [key, b] : *group) {
                auto n = uses[b.record.id];
                b.record.add_number("dataset_count", static_cast<double>(n), std::to_string(n), "",
                                    Origin::rollup);
            }
        }
        for (const auto& key : document_order) emit(std::move(documents.at(key)));
        for (const auto& key : dataset_order) emit(std::move(datasets.at(key)));
        for (auto& f : files) emit(std::move(f));
        for (auto* group : {&instruments, &techniques, &samples}) {
            for (auto& [key, b] : *group) emit(std::move(b));
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
                            const std::map<std::string, Built>& instruments) {
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
                for (const auto* v : it->second.record.get(f)) add_unique(rec, f, v->text);
            }
            return it->second.record.id;
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

    // A date-time's date ("2020-05-05T15:01:02.341Z" -> 2020-05-05).
    static void add_date(const FieldReader& r, Record& rec, std::string_view path,
                         std::string_view field) {
        auto text = r.text(path);
        if (!text) return;
        std::string d = date_part(*text);
        if (d.empty()) {
            r.warn(path,
                   fmt::format("'{}' is not a date (expected YYYY-MM-DD...); left out", *text));
            return;
        }
        rec.add_date(field, d);
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

    fs::path root_;
    RecordSink* sink_ = nullptr;
    std::string file_;                            // the dump being read, relative to root_
    std::map<std::string, std::string> emitted_;  // record id -> file it was read from
    std::set<std::string> unknown_models_;
};

}  // namespace

std::unique_ptr<Adapter> make_panosc_adapter(const std::filesystem::path& root) {
    return std::make_unique<PanoscAdapter>(root);
}

}  // namespace atlas::detail
