// panosc_objects.cpp - a dump's objects verbatim, with their relations joined and ordered.
#include "panosc_objects.h"

#include <algorithm>
#include <array>
#include <optional>
#include <span>

#include "schema/json_write.h"

namespace atlas::detail::panosc {
namespace {

using detail::JsonWriter;

// Members of a row the relations written after them replace.
constexpr std::array<std::string_view, 4> kDatasetRelations{"parameters", "samples", "techniques",
                                                            "files"};
constexpr std::array<std::string_view, 2> kDocumentRelations{"members", "parameters"};
constexpr std::array<std::string_view, 2> kMemberRelations{"person", "affiliation"};

// A key as text: a string as it is, an integer in decimal (affiliationId: 1).
std::optional<std::string> key_text(const rapidjson::Value& v) {
    if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
    if (v.IsInt64()) return std::to_string(v.GetInt64());
    if (v.IsUint64()) return std::to_string(v.GetUint64());
    return std::nullopt;
}

std::optional<std::string> member_text(const rapidjson::Value& row, std::string_view name) {
    auto it = row.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    if (it == row.MemberEnd()) return std::nullopt;
    return key_text(it->value);
}

// The pid readers join by: the row's own, else its key.
std::string pid_of(const Row& row) { return member_text(*row.object, "pid").value_or(row.key); }

// Rows by numeric id; the others after them, in dump order.
void sort_by_id(std::vector<const Row*>& rows) {
    auto id = [](const Row* r) -> std::optional<double> {
        auto it = r->object->FindMember("id");
        if (it == r->object->MemberEnd() || !it->value.IsNumber()) return std::nullopt;
        return it->value.GetDouble();
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const Row* a, const Row* b) {
        auto x = id(a), y = id(b);
        if (x && y) return *x < *y;
        return x.has_value() && !y.has_value();
    });
}

void add_once(std::vector<const Row*>& rows, const Row* row) {
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
}

// The row's members as written, except those named in `replaced`.
void write_members(JsonWriter& w, const Row& row, std::span<const std::string_view> replaced) {
    for (const auto& m : row.object->GetObject()) {
        std::string_view name(m.name.GetString(), m.name.GetStringLength());
        if (std::find(replaced.begin(), replaced.end(), name) != replaced.end()) continue;
        write_key(w, name);
        m.value.Accept(w);
    }
}

// A top-level object's own members, its pid first when the row has none.
void write_own(JsonWriter& w, const Row& row, std::span<const std::string_view> replaced) {
    if (!row.object->HasMember("pid")) write_member(w, "pid", row.key);
    write_members(w, row, replaced);
}

void write_rows(JsonWriter& w, std::string_view name, const std::vector<const Row*>& rows) {
    write_key(w, name);
    w.StartArray();
    for (const Row* r : rows) r->object->Accept(w);
    w.EndArray();
}

void start_line(JsonWriter& w, std::string_view model) {
    w.StartObject();
    write_member(w, "model", std::string(model));
}

}  // namespace

RowLookup::RowLookup(const Tables& tables, std::string_view model) {
    for (const auto& row : tables.of(model)) rows_.emplace(row.key, &row);
    for (const auto& row : tables.of(model)) {
        for (std::string_view own : {"pid", "id"}) {
            if (auto k = member_text(*row.object, own)) rows_.emplace(*k, &row);
        }
    }
}

const Row* RowLookup::find(const rapidjson::Value& from, std::string_view key) const {
    auto k = member_text(from, key);
    if (!k) return nullptr;
    auto it = rows_.find(*k);
    return it == rows_.end() ? nullptr : it->second;
}

ObjectWriter::ObjectWriter(const Tables& t)
    : datasets_(t, "Dataset"),
      documents_(t, "Document"),
      persons_(t, "Person"),
      affiliations_(t, "Affiliation") {
    index_relations(t);
    join(t, "DatasetSample", "sampleId", RowLookup(t, "Sample"), samples_);
    join(t, "DatasetTechnique", "techniqueId", RowLookup(t, "Technique"), techniques_);
    index_documents(t);
}

// Parameters, files and members: rows naming their owner, in id order.
void ObjectWriter::index_relations(const Tables& t) {
    for (const auto& row : t.of("Parameter")) {
        if (const Row* ds = datasets_.find(*row.object, "datasetId")) {
            parameters_[ds].push_back(&row);
        }
        if (const Row* doc = documents_.find(*row.object, "documentId")) {
            parameters_[doc].push_back(&row);
        }
    }
    for (const auto& row : t.of("File")) {
        if (const Row* ds = datasets_.find(*row.object, "datasetId")) files_[ds].push_back(&row);
    }
    for (const auto& row : t.of("Member")) {
        if (const Row* doc = documents_.find(*row.object, "documentId")) {
            members_[doc].push_back(&row);
        }
    }
    for (auto* relation : {&parameters_, &files_, &members_}) {
        for (auto& [owner, rows] : *relation) sort_by_id(rows);
    }
}

// A join table's rows, by their own datasetId and `key`, never by their id.
void ObjectWriter::join(const Tables& t, std::string_view model, std::string_view key,
                        const RowLookup& to, std::map<const Row*, Rows>& out) {
    for (const auto& row : t.of(model)) {
        const Row* ds = datasets_.find(*row.object, "datasetId");
        const Row* other = to.find(*row.object, key);
        if (ds != nullptr && other != nullptr) add_once(out[ds], other);
    }
}

// A dataset's documents: the one its documentId names, then DocumentDataset's.
void ObjectWriter::index_documents(const Tables& t) {
    for (const auto& row : t.of("Dataset")) {
        if (const Row* doc = documents_.find(*row.object, "documentId")) {
            add_once(documents_of_[&row], doc);
        }
    }
    for (const auto& row : t.of("DocumentDataset")) {
        const Row* ds = datasets_.find(*row.object, "datasetId");
        const Row* doc = documents_.find(*row.object, "documentId");
        if (ds != nullptr && doc != nullptr) add_once(documents_of_[ds], doc);
    }
}

const ObjectWriter::Rows& ObjectWriter::of(const std::map<const Row*, Rows>& relation,
                                           const Row& row) const {
    static const Rows kNone;
    auto it = relation.find(&row);
    return it == relation.end() ? kNone : it->second;
}

std::string ObjectWriter::dataset(const Row& row) const {
    JsonText text;
    JsonWriter& w = text.writer();
    start_line(w, "Dataset");
    w.Key("documents");
    w.StartArray();
    for (const Row* doc : of(documents_of_, row)) w.String(pid_of(*doc));
    w.EndArray();
    w.Key("object");
    w.StartObject();
    write_own(w, row, kDatasetRelations);
    write_rows(w, "parameters", of(parameters_, row));
    write_rows(w, "samples", of(samples_, row));
    write_rows(w, "techniques", of(techniques_, row));
    write_rows(w, "files", of(files_, row));
    w.EndObject();
    w.EndObject();
    return text.str();
}

std::string ObjectWriter::document(const Row& row) const {
    JsonText text;
    JsonWriter& w = text.writer();
    start_line(w, "Document");
    w.Key("object");
    w.StartObject();
    write_own(w, row, kDocumentRelations);
    w.Key("members");
    w.StartArray();
    for (const Row* m : of(members_, row)) {
        w.StartObject();
        write_members(w, *m, kMemberRelations);
        if (const Row* p = persons_.find(*m->object, "personId")) {
            w.Key("person");
            p->object->Accept(w);
        }
        if (const Row* a = affiliations_.find(*m->object, "affiliationId")) {
            w.Key("affiliation");
            a->object->Accept(w);
        }
        w.EndObject();
    }
    w.EndArray();
    write_rows(w, "parameters", of(parameters_, row));
    w.EndObject();
    w.EndObject();
    return text.str();
}

std::string ObjectWriter::instrument(const Row& row) const {
    JsonText text;
    JsonWriter& w = text.writer();
    start_line(w, "Instrument");
    w.Key("object");
    w.StartObject();
    write_own(w, row, {});
    w.EndObject();
    w.EndObject();
    return text.str();
}

}  // namespace atlas::detail::panosc
