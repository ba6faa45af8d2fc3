// panosc/database.h - one generation's PaNOSC objects, loaded and joined.
//
// The PaNOSC file (schema/panosc_format.h) holds each top-level object once
// per record that names it, with its nested relations inline.  Loading keeps
// the first line of each pid, adds the later lines' records, and joins the
// relations between top-level objects both ways: a Dataset's documents and
// instrument, a Document's and an Instrument's datasets.  Read-only once
// loaded: requests on many threads share one Database.
#pragma once

#include <rapidjson/document.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atlas/error.h"
#include "atlas/panosc.h"

namespace atlas::panosc::detail {

using Json = rapidjson::Value;
inline constexpr std::uint32_t kNone = UINT32_MAX;

struct Object {
    std::string pid;
    const Json* json = nullptr;         // the object: properties and inline relations
    std::vector<std::string> records;   // the records it comes from (ranks it for `query`)
    std::vector<std::uint32_t> documents;  // Dataset: its Documents (indexes)
    std::vector<std::uint32_t> datasets;   // Document, Instrument: their Datasets
    std::uint32_t instrument = kNone;      // Dataset: its Instrument
};

class Database {
  public:
    // Errors: unavailable (no such file: a generation built before the PaNOSC
    // file existed), corrupt (a line that is not what panosc_format.h says).
    static Result<std::shared_ptr<const Database>> load(const std::string& path);

    const std::vector<Object>& objects(Model model) const { return objects_[index(model)]; }
    const Object* find(Model model, std::string_view pid) const;
    // The objects of `model` by pid (LoopBack's order when a filter gives none).
    const std::vector<std::uint32_t>& pid_order(Model model) const { return pid_order_[index(model)]; }
    // The objects of `model` a record stands for (indexes into objects()).
    const std::vector<std::uint32_t>* of_record(Model model, std::string_view record) const;
    // The sources and kinds of the records behind `model`'s objects.
    const std::set<std::string>& sources(Model model) const { return sources_[index(model)]; }
    const std::set<std::string>& kinds(Model model) const { return kinds_[index(model)]; }

    // PaNET ids ("PaNET01189", from the techniques' panetId URIs) of the
    // techniques named `name` (case aside).
    const std::set<std::string>* panet_ids_of(std::string_view name) const;

    static std::size_t index(Model model) { return static_cast<std::size_t>(model); }

  private:
    Status add_line(std::string_view line, std::size_t number);
    void join();
    void learn_techniques(const Json& dataset);

    rapidjson::MemoryPoolAllocator<> pool_;
    std::deque<Json> values_;  // the lines, in pool_
    std::array<std::vector<Object>, 3> objects_;
    std::array<std::unordered_map<std::string, std::uint32_t>, 3> by_pid_;
    std::array<std::unordered_map<std::string, std::vector<std::uint32_t>>, 3> by_record_;
    std::array<std::set<std::string>, 3> sources_, kinds_;
    std::array<std::vector<std::uint32_t>, 3> pid_order_;
    std::vector<std::vector<std::string>> dataset_documents_;  // pids, per dataset
    std::unordered_map<std::string, std::set<std::string>> panet_by_name_;
};

// "http://purl.org/pan-science/PaNET/PaNET01189" -> "PaNET01189" (a bare id unchanged).
std::string_view bare_panet_id(std::string_view id);

// A member of `object`, or nullptr (missing, or `object` is no object).
const Json* member(const Json& object, std::string_view name);
// A string member of `object`, or "" (missing, or not a string).
std::string_view string_member(const Json& object, std::string_view name);

}  // namespace atlas::panosc::detail
