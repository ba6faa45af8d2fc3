// panosc_adapter.cpp - reading LoopBack dumps: files, tables, records given as text, carry-over.
//
// A dump is small (the largest known is 35 KB), so each is read whole: its
// records and relation rows are parsed first, then the records are built with
// every relation of the file resolved (panosc_mapping.h), then emitted
// (documents, datasets, files, instruments, techniques, samples).  Ids already
// emitted from an earlier file are reported, not emitted again, so copies of
// one database under the root cannot replace each other's records.
#include "panosc_adapter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <span>

#include "folders.h"
#include "json_reader.h"
#include "panosc_mapping.h"

namespace atlas::detail {
namespace {

namespace fs = std::filesystem;

using panosc::kSource;

// The PaNOSC data model's tables.  LoopBack's own (ACL, User, ...) are in every
// dump and hold nothing to index.
constexpr std::array<std::string_view, 13> kModels{
    "Affiliation",     "Dataset", "DatasetSample", "DatasetTechnique", "Document",
    "DocumentDataset", "File",    "Instrument",    "Member",           "Parameter",
    "Person",          "Sample",  "Technique"};
constexpr std::array<std::string_view, 7> kLoopbackModels{
    "ACL", "AccessToken", "User", "Role", "RoleMapping", "UserCredential", "UserIdentity"};

bool contains(std::span<const std::string_view> list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

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
        auto unreadable = walk_folder(root_, WalkOptions{}, [&](const fs::path& p) {
            if (p.extension() == ".json") files.push_back(p);
        });
        if (!unreadable.empty() && unreadable.front().folder == root_) {
            return Error{Errc::io, fmt::format("panosc source '{}' {}", root_.string(),
                                               unreadable.front().reason)};
        }
        // First: the records kept from them hold their ids, as a dump's do.
        for (const auto& u : unreadable) keep_folder(u);
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

    // Emits a record unless an earlier file gave its id; then reports it instead.
    void emit(Record record, bool carried) {
        auto [it, inserted] = emitted_.emplace(record.id, file_);
        if (!inserted) {
            report_issue(ctx(record.id), Severity::error, "",
                         fmt::format("the same id was read from {} first; that record is kept "
                                     "and this one is left out",
                                     it->second));
            return;
        }
        if (carried) {
            sink_->add_carried(std::move(record));
        } else {
            sink_->add(std::move(record));
        }
    }

    // Reports an unreadable record; the previous generation's version, if any, is kept.
    void reject(const std::string& id, std::string_view field, const std::string& message) {
        std::optional<Record> previous = id.empty() ? std::nullopt : sink_->previous(id);
        report_issue(ctx(id), Severity::error, field, message + "; record rejected",
                     previous.has_value());
        if (previous) emit(std::move(*previous), true);
    }

    // Reports a folder that cannot be read; the previous generation's records
    // from dumps under it are kept, and hold their ids against later copies.
    void keep_folder(const UnreadableFolder& u) {
        file_ = rel(u.folder);
        for (const auto& id : sink_->previous_ids_under(file_)) emitted_.emplace(id, file_);
        reject_folder(ctx(), u.reason);
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
        panosc::Tables tables;
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
        for (auto& record : panosc::build(tables, ctx())) emit(std::move(record), false);
    }

    // Adds one record of `model` to the tables; records given as JSON text are parsed.
    void read_row(panosc::Tables& tables, const std::string& model, std::string key,
                  const rapidjson::Value& value) {
        std::string_view kind = panosc::kind_of_model(model);
        std::string id = kind.empty() ? std::string() : panosc::record_id(kind, key);
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
        tables.rows[model].push_back(panosc::Row{std::move(key), object});
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
