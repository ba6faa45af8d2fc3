// report_json.cpp - a build's report as JSON (atlas/index.h), for the C API and the bindings.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "atlas/index.h"

namespace atlas {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_counts(Writer& w, const std::map<std::string, std::uint64_t>& counts) {
    w.StartObject();
    for (const auto& [name, n] : counts) {
        w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
        w.Uint64(n);
    }
    w.EndObject();
}

}  // namespace

std::string to_json(const BuildReport& r) {
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("index_dir");
    w.String(r.index_dir);
    w.Key("generation");
    w.String(r.generation);
    w.Key("records");
    w.Uint64(r.records);
    w.Key("rejected");
    w.Uint64(r.rejected);
    w.Key("carried_over");
    w.Uint64(r.carried_over);
    w.Key("warnings");
    w.Uint64(r.warnings);
    w.Key("seconds");
    w.Double(r.seconds);
    w.Key("index_bytes");
    w.Uint64(r.index_bytes);
    w.Key("top_lists");
    w.Uint64(r.top_lists);
    w.Key("update");
    w.StartObject();
    w.Key("updated");
    w.Bool(r.update.updated);
    w.Key("full_reason");
    w.String(r.update.full_reason);
    for (auto [key, n] : {std::pair{"unchanged", r.update.unchanged},
                          std::pair{"changed", r.update.changed}, std::pair{"added", r.update.added},
                          std::pair{"removed", r.update.removed},
                          std::pair{"docids_before", std::uint64_t{r.update.docids_before}},
                          std::pair{"deleted_before", r.update.deleted_before},
                          std::pair{"deleted", r.update.deleted}}) {
        w.Key(key);
        w.Uint64(n);
    }
    w.EndObject();
    w.Key("stages");
    w.StartArray();
    for (const auto& stage : r.stages) {
        w.StartObject();
        w.Key("name");
        w.String(stage.name);
        w.Key("seconds");
        w.Double(stage.seconds);
        w.Key("threads");
        w.Uint(stage.threads);
        w.Key("concurrent");
        w.Bool(stage.concurrent);
        w.EndObject();
    }
    w.EndArray();
    w.Key("records_per_kind");
    write_counts(w, r.records_per_kind);
    w.Key("records_per_source");
    w.StartObject();
    for (const auto& [source, kinds] : r.records_per_source) {
        w.Key(source.c_str(), static_cast<rapidjson::SizeType>(source.size()));
        write_counts(w, kinds);
    }
    w.EndObject();
    w.Key("issues");
    w.StartArray();
    for (const auto& issue : r.issues) {
        w.StartObject();
        w.Key("severity");
        w.String(issue.severity == Severity::error ? "error" : "warning");
        w.Key("source");
        w.String(issue.source);
        w.Key("file");
        w.String(issue.file);
        w.Key("record");
        w.String(issue.record);
        w.Key("field");
        w.String(issue.field);
        w.Key("message");
        w.String(issue.message);
        w.Key("carried_over");
        w.Bool(issue.carried_over);
        w.Key("line");
        w.String(issue.to_line());
        w.EndObject();
    }
    w.EndArray();
    w.Key("notes");
    w.StartArray();
    for (const auto& note : r.notes) w.String(note);
    w.EndArray();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}


}  // namespace atlas
