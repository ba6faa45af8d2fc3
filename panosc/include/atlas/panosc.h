// atlas/panosc.h - the PaNOSC search API over an index: what the PaNOSC search UI and the
// PaNOSC federated search ask each facility.
//
// The API (LoopBack REST, reference implementation panosc-eu/search-api) lists
// Datasets, Documents and Instruments with a LoopBack filter: `where`
// (equality, neq, gt, gte, lt, lte, between, inq, nin, like, nlike, ilike,
// nilike, and, or, text), `include` of relations with a `scope` (its own where,
// include, limit, skip, order, fields), `fields`, `order`, `limit`, `skip`.  It
// answers as the reference does (bare JSON arrays, `score` on every top-level
// object, an include with a where is an inner join, a `parameters` include
// keeps its whole list) and better where that stays compatible: parameter
// values compare in SI whatever unit each side wrote, `query` ranks with the
// index's ranking and fills `score`, a PaNET id matches its technique's name.
//
// The objects come from the generation's PaNOSC file (schema/panosc_format.h),
// which atlas-index writes from every record that maps to the model.
//
//   atlas::panosc::Api api;  // shared by every thread
//   auto json = api.find(searcher, atlas::panosc::Model::dataset,
//                        R"({"include":["parameters"],"limit":10})", "lung");
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "atlas/error.h"
#include "atlas/search.h"

namespace atlas::panosc {

enum class Model { dataset, document, instrument };

// "Datasets" -> dataset (the collection names of the REST paths); nullopt otherwise.
std::optional<Model> model_of_collection(std::string_view name);
// "Dataset", "Document", "Instrument".
const char* model_name(Model model);

// What one request may cost.  A request over them is refused (invalid_request),
// never cut short without saying so.
inline constexpr std::size_t kMaxFilterBytes = 8192;
inline constexpr int kMaxFilterDepth = 16;           // nesting of where/include/scope
inline constexpr std::uint32_t kMaxLimit = 1000;     // objects per answer (the default too)
inline constexpr std::uint32_t kMaxSkip = 100000;
// Includes fan out (an instrument's datasets' instrument's datasets ...): what
// one request may look at, and write, in all.
inline constexpr std::uint64_t kMaxVisits = 2000000;
inline constexpr std::uint64_t kMaxWritten = 100000;
// Records `query` ranks (as many as a whole download manifest reads); a find
// over more says so (Found::truncated), a count refuses.
inline constexpr std::uint64_t kMaxRanked = 100000;

// A find's answer.
struct Found {
    std::string json;           // the JSON array
    std::uint64_t total = 0;    // objects that matched, before skip and limit
    bool truncated = false;     // `query` matched more than kMaxRanked records: the
                                // objects of the best kMaxRanked only
};

class Api {
  public:
    // Reads the searcher's generation's panosc.jsonl when first
    // asked, and again for each new generation.
    Api();
    ~Api();
    Api(Api&&) noexcept;
    Api& operator=(Api&&) noexcept;

    // GET /{Models}?filter=&query= : a JSON array of objects, best first when
    // `query` is given (only the objects whose records match it), else in the
    // filter's order (default: by pid).
    // Errors: invalid_request (a filter that is not JSON or asks what the API
    // has not; the message names the member and the value), invalid_query (a
    // query the query language refuses), unavailable (the generation has no
    // PaNOSC file: built before it existed, or swapped away).
    Result<Found> find(Searcher& searcher, Model model, std::string_view filter,
                       std::string_view query);

    // GET /{Models}/{pid}?filter= : one object (its include and fields apply; an
    // include's where narrows the lists but never hides the object).
    // Errors: not_found (no object with that pid), as find.
    Result<std::string> find_by_id(Searcher& searcher, Model model, std::string_view pid,
                                   std::string_view filter);

    // GET /{Models}/count?where=&query= : how many objects match.  Errors: as
    // find, and invalid_request when `query` matches more than kMaxRanked
    // records (a count of part of them would be a wrong count).
    Result<std::uint64_t> count(Searcher& searcher, Model model, std::string_view where,
                                std::string_view query);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace atlas::panosc
