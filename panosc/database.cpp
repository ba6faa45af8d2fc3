// panosc/database.cpp - reading the PaNOSC file line by line and joining its objects.
#include "database.h"

#include <fmt/format.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <fstream>

#include "schema/panosc_format.h"
#include "schema/text.h"

namespace atlas::panosc::detail {
namespace {

std::optional<Model> model_of_name(std::string_view name) {
    for (Model m : {Model::dataset, Model::document, Model::instrument}) {
        if (name == model_name(m)) return m;
    }
    return std::nullopt;
}

// "hoa:dataset:A129_lung..." -> {"hoa", "dataset"}.
std::pair<std::string, std::string> source_and_kind(std::string_view record) {
    auto first = record.find(':');
    auto second = first == std::string_view::npos ? first : record.find(':', first + 1);
    if (second == std::string_view::npos) return {};
    return {std::string(record.substr(0, first)),
            std::string(record.substr(first + 1, second - first - 1))};
}

}  // namespace

std::string_view bare_panet_id(std::string_view id) {
    auto slash = id.find_last_of("/#");
    return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

const Json* member(const Json& object, std::string_view name) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(
        rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size())));
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string_view string_member(const Json& object, std::string_view name) {
    const Json* v = member(object, name);
    if (v == nullptr || !v->IsString()) return {};
    return {v->GetString(), v->GetStringLength()};
}

Result<std::shared_ptr<const Database>> Database::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Error{Errc::unavailable,
                     fmt::format("this index has no PaNOSC file ({}): rebuild it with this "
                                 "version of atlas-index",
                                 path)};
    }
    auto db = std::make_shared<Database>();
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        if (auto s = db->add_line(line, number); !s.ok()) {
            return Error{s.error().code, fmt::format("{}: {}", path, s.error().message)};
        }
    }
    db->join();
    return std::shared_ptr<const Database>(std::move(db));
}

Status Database::add_line(std::string_view line, std::size_t number) {
    rapidjson::Document doc;  // the line; only its object is kept, copied into pool_
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        return Error{Errc::corrupt, fmt::format("line {} is not a JSON object", number)};
    }
    auto model = model_of_name(string_member(doc, "model"));
    auto object = doc.FindMember("object");
    if (!model || object == doc.MemberEnd() || !object->value.IsObject()) {
        return Error{Errc::corrupt,
                     fmt::format("line {} has no known \"model\" or no \"object\"", number)};
    }
    std::string pid(string_member(object->value, "pid"));
    if (pid.empty()) return Error{Errc::corrupt, fmt::format("line {}: the object has no pid", number)};
    std::string record(string_member(doc, "record"));
    const std::size_t m = index(*model);
    auto [at, added] = by_pid_[m].emplace(pid, static_cast<std::uint32_t>(objects_[m].size()));
    if (added) {
        values_.emplace_back(object->value, pool_);
        Object o;
        o.pid = pid;
        o.json = &values_.back();
        objects_[m].push_back(std::move(o));
        if (*model == Model::dataset) {
            dataset_documents_.emplace_back();
            if (auto docs = doc.FindMember("documents");
                docs != doc.MemberEnd() && docs->value.IsArray()) {
                for (const auto& d : docs->value.GetArray()) {
                    if (d.IsString()) dataset_documents_.back().emplace_back(d.GetString());
                }
            }
            learn_techniques(values_.back());
        }
    }
    if (!record.empty()) {
        objects_[m][at->second].records.push_back(record);
        by_record_[m][record].push_back(at->second);
        auto [source, kind] = source_and_kind(record);
        if (!source.empty()) {
            sources_[m].insert(source);
            kinds_[m].insert(kind);
        }
    }
    return {};
}

void Database::learn_techniques(const Json& dataset) {
    auto techniques = dataset.FindMember("techniques");
    if (techniques == dataset.MemberEnd() || !techniques->value.IsArray()) return;
    for (const auto& t : techniques->value.GetArray()) {
        auto name = string_member(t, "name");
        auto panet = string_member(t, "panetId");
        if (!name.empty() && !panet.empty()) {
            panet_by_name_[fold(name)].insert(std::string(bare_panet_id(panet)));
        }
    }
}

void Database::join() {
    auto& datasets = objects_[index(Model::dataset)];
    auto& documents = objects_[index(Model::document)];
    auto& instruments = objects_[index(Model::instrument)];
    for (std::uint32_t i = 0; i < datasets.size(); ++i) {
        for (const auto& pid : dataset_documents_[i]) {
            auto it = by_pid_[index(Model::document)].find(pid);
            if (it == by_pid_[index(Model::document)].end()) continue;
            if (std::find(datasets[i].documents.begin(), datasets[i].documents.end(), it->second) !=
                datasets[i].documents.end()) {
                continue;
            }
            datasets[i].documents.push_back(it->second);
            documents[it->second].datasets.push_back(i);
        }
        auto instrument = string_member(*datasets[i].json, "instrumentId");
        if (instrument.empty()) continue;
        if (auto it = by_pid_[index(Model::instrument)].find(std::string(instrument));
            it != by_pid_[index(Model::instrument)].end()) {
            datasets[i].instrument = it->second;
            instruments[it->second].datasets.push_back(i);
        }
    }
    dataset_documents_.clear();
    for (std::size_t m = 0; m < objects_.size(); ++m) {
        auto& order = pid_order_[m];
        order.resize(objects_[m].size());
        for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            return objects_[m][a].pid < objects_[m][b].pid;
        });
    }
}

const Object* Database::find(Model model, std::string_view pid) const {
    auto it = by_pid_[index(model)].find(std::string(pid));
    return it == by_pid_[index(model)].end() ? nullptr : &objects_[index(model)][it->second];
}

const std::vector<std::uint32_t>* Database::of_record(Model model, std::string_view record) const {
    auto it = by_record_[index(model)].find(std::string(record));
    return it == by_record_[index(model)].end() ? nullptr : &it->second;
}

const std::set<std::string>* Database::panet_ids_of(std::string_view name) const {
    auto it = panet_by_name_.find(fold(name));
    return it == panet_by_name_.end() ? nullptr : &it->second;
}

}  // namespace atlas::panosc::detail
