// collect_sink.h - a RecordSink that keeps what an adapter produced, for adapter tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "schema/record.h"

namespace atlas::test {

struct CollectSink final : detail::RecordSink {
    std::vector<Record> records;
    std::vector<IngestIssue> issues;
    std::vector<std::string> carried;        // ids passed to add_carried
    std::map<std::string, Record> previous_records;  // what "the current index" holds

    void add(Record r) override { records.push_back(std::move(r)); }
    void add_carried(Record r) override {
        carried.push_back(r.id);
        records.push_back(std::move(r));
    }
    void report(IngestIssue i) override { issues.push_back(std::move(i)); }
    std::optional<Record> previous(const std::string& id) override {
        auto it = previous_records.find(id);
        if (it == previous_records.end()) return std::nullopt;
        return it->second;
    }
    std::vector<std::string> previous_ids_from_file(const std::string& file) override {
        std::vector<std::string> out;
        for (const auto& [id, r] : previous_records) {
            if (r.file == file) out.push_back(id);
        }
        return out;
    }
    std::vector<std::string> previous_ids_under(const std::string& folder) override {
        std::vector<std::string> out;
        for (const auto& [id, r] : previous_records) {
            if (r.file.starts_with(folder + "/")) out.push_back(id);
        }
        return out;
    }

    const Record& get(const std::string& id) const {
        for (const auto& r : records) {
            if (r.id == id) return r;
        }
        FAIL("no record " << id);
        throw std::logic_error("unreachable");
    }
    bool has(const std::string& id) const {
        return std::any_of(records.begin(), records.end(),
                           [&](const Record& r) { return r.id == id; });
    }
    std::size_t count_kind(const std::string& kind) const {
        return static_cast<std::size_t>(std::count_if(
            records.begin(), records.end(), [&](const Record& r) { return r.kind == kind; }));
    }
    // Issues whose line contains `text`.
    std::vector<std::string> issue_lines(const std::string& text = "") const {
        std::vector<std::string> out;
        for (const auto& i : issues) {
            auto line = i.to_line();
            if (line.find(text) != std::string::npos) out.push_back(line);
        }
        return out;
    }
};

// The texts of a record's values of one field.
inline std::vector<std::string> texts(const Record& r, const std::string& field) {
    std::vector<std::string> out;
    for (const auto* v : r.get(field)) out.push_back(v->text);
    return out;
}

}  // namespace atlas::test
