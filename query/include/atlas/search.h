// atlas/search.h - read-only search over an index written by atlas-index.
//
// This is the whole API a portal backend needs.  Xapian, SQLite and RapidJSON
// types never appear here, so they can change without touching callers.
//
//   auto searcher = atlas::Searcher::open("/srv/atlas/index");
//   atlas::SearchRequest request;
//   request.query = "ribosome S. pombe";
//   auto result = searcher.value().search(request);
//   std::string json = atlas::to_json(result.value());
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "atlas/error.h"

namespace atlas {

struct SearchRequest {
    // The query language (README "Query language"): free words, "phrases",
    // field:value, field:"two words", ranges (quality:>=4, voxel_spacing:..10),
    // AND / OR / NOT / -term, parentheses.  Empty matches every record.
    std::string query;
    // Only records of these kinds (any of them); empty = all kinds.
    std::vector<std::string> kinds;
    // Only records from these sources (cryoet, htan, hoa, panosc, minerva); empty = all.
    std::vector<std::string> sources;
    std::uint32_t offset = 0;  // at most kMaxOffset
    std::uint32_t limit = 10;  // at most kMaxLimit
    std::uint32_t snippet_bytes = 220;
};

inline constexpr std::uint32_t kMaxLimit = 1000;
inline constexpr std::uint32_t kMaxOffset = 1000000;

enum class ValueType { text, number, date, boolean };

struct FieldValue {
    ValueType type = ValueType::text;
    std::string text;   // as shown: "13.48", "2023-06-01", "yes", "cytosolic ribosome"
    double number = 0;  // numbers in the field's display unit; booleans 0/1
    std::string label;  // a rated number's label on its scale ("Good" for quality 4)
};

struct HitField {
    std::string name;    // schema field name: organism, voxel_spacing
    std::string label;   // "Voxel spacing"
    std::string unit;    // display unit of numbers ("Å"), or empty
    bool multi = false;  // a list in JSON
    std::vector<FieldValue> values;
};

struct HitLink {
    std::string rel;  // s3, https, mrc, zarr, file, doi, related, portal, ...
    std::vector<std::string> urls;
};

struct Breadcrumb {
    std::string id;
    std::string kind;
    std::string label;
};

// Text with the byte ranges of the matched words, so each front end marks
// them its own way (HTML <mark>, terminal colour).
struct Highlighted {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> marks;  // [begin, end) byte offsets
};

struct Hit {
    std::uint64_t rank = 0;  // 1-based position in the whole result list
    std::string id;
    std::string kind;
    std::string source;
    std::string title;
    Highlighted title_marks;             // the title with its matched words
    std::vector<Breadcrumb> breadcrumb;  // ancestors, root first, then the hit
    Highlighted snippet;
    double score = 0;
    std::vector<HitField> fields;
    std::vector<HitLink> links;

    const HitField* field(std::string_view name) const;
    // The first URL of a link relation, or "".
    std::string link(std::string_view rel) const;
};

struct SearchResult {
    std::string query;
    std::vector<std::string> kinds;
    std::vector<std::string> sources;
    std::uint64_t total = 0;  // exact: portal users page through counts they trust
    std::uint32_t offset = 0;
    std::uint32_t limit = 0;
    double took_ms = 0;
    std::string parsed;  // how the query was understood, e.g. AND(ribosome, SYN(...))
    std::vector<Hit> hits;
};

// One Searcher per thread: a Xapian object must not be used from two threads at once.
class Searcher {
  public:
    // Opens the current generation of the index in `index_dir` read-only.
    // Errors: not_found (no index), schema_mismatch (built by another
    // version: rebuild it), corrupt, unavailable.  Cost: opens files, reads
    // the index's vocabulary (a few KB).
    static Result<Searcher> open(const std::string& index_dir);

    // Runs one request against the latest published generation (it reopens
    // first if atlas-index has swapped in a new one).  Errors: invalid_request
    // (limit or offset out of range), invalid_query (syntax, unknown field or
    // kind, bad value; the message names it), unavailable.  Expected failures
    // are returned, never thrown.  Cost: counts every match exactly.
    Result<SearchResult> search(const SearchRequest& request);

    // Records in the open generation.
    std::uint64_t record_count() const;
    // Kinds that have records in the open generation, sorted.
    std::vector<std::string> kinds() const;
    // The generation directory being searched.
    std::string generation() const;

    Searcher(Searcher&&) noexcept;
    Searcher& operator=(Searcher&&) noexcept;
    ~Searcher();

  private:
    struct Impl;
    explicit Searcher(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The response as one JSON document:
// {"query","kinds","sources","total","offset","limit","took_ms","parsed",
//  "hits":[{"rank","id","kind","source","title","breadcrumb":[{"id","kind","label"}],
//           "snippet","score","fields":{..},"links":{..}}]}
// "snippet" is HTML: the text escaped, matched words in <mark>...</mark>.
std::string to_json(const SearchResult& result);

// Highlighted text as HTML (escaped, <mark> around matches).
std::string to_html(const Highlighted& text);

// An error as JSON: {"error":{"code":"invalid_query","message":"..."}}.
std::string to_json(const Error& error);

}  // namespace atlas
