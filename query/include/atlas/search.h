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
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "atlas/error.h"

namespace atlas {

// --- the request ---------------------------------------------------------------------

// One condition on one field.  Its values are ORed; a request's filters are
// ANDed.  These are the facet filters of a browse page: ticking two organisms
// is one Filter with two values.
//   keyword, identifier: whole values ("Schizosaccharomyces pombe", "GO:0022626"),
//     compared as field:= compares them (case, spacing and punctuation aside)
//   boolean: yes / no
//   number, date: a value or a range in the query language ("4", ">=4",
//     "1..5um", "<10A", "good", "2023", "2023-01..2023-06")
struct Filter {
    enum class Mode {
        any,      // the field has one of `values`
        none,     // the field has none of `values` (NOT)
        exists,   // the field has a value (`values` unused)
        missing,  // the field has no value (`values` unused)
    };
    std::string field;
    std::vector<std::string> values;
    Mode mode = Mode::any;
};

// Records with at least one child of `kind` that itself matches `query`, all
// of `filters` and all of `children`: the CryoET portal's EXISTS semantics,
// where the conditions on one child hold for the same child ("datasets with a
// run of quality >= 4 that has a ground-truth ribosome annotation").  Two
// ChildFilters on the same kind may be met by different children ("any child").
// A child is a record whose parent chain reaches the record: an annotation is
// a child of its run and, through it, of its dataset.
struct ChildFilter {
    std::string kind;
    std::string query;  // query language; empty = any
    std::vector<Filter> filters;
    std::vector<ChildFilter> children;
};

struct FacetRequest {
    std::string field;        // a keyword, identifier, boolean, number or date field
    std::uint32_t size = 10;  // values returned, most frequent first; the rest are in `other`
    std::string prefix;       // only values starting with this (facet-value search: "Schiz")
};

struct SortKey {
    // "relevance", or a field: release_date, quality, voxel_spacing, title, id, kind,
    // run_count, annotation_count, or any number or date field.
    std::string field;
    bool descending = false;
};

struct SearchRequest {
    // The query language (README "Query language"): free words, "phrases",
    // field:value, field:"two words", ranges (quality:>=4, voxel_spacing:..10),
    // AND / OR / NOT / -term, parentheses.  Empty matches every record.
    std::string query;
    // Only records of these kinds (any of them); empty = all kinds.
    std::vector<std::string> kinds;
    // Only records from these sources (cryoet, htan, hoa, panosc, minerva); empty = all.
    std::vector<std::string> sources;
    std::vector<Filter> filters;           // ANDed with the query
    std::vector<ChildFilter> has_children;  // ANDed with the query
    // Facet counts wanted.  Each facet is counted over the records that match
    // the query and every filter except those on the facet's own field
    // (disjunctive: ticking one organism does not zero the others).
    std::vector<FacetRequest> facets;
    // Order: empty = relevance (browse order when nothing ranks: kind, then id).
    // Ties are broken by the next key, then by browse order, so pages are stable.
    std::vector<SortKey> sort;
    // "dataset": hits grouped under the dataset they belong to (a record with no
    // dataset is a group of its own); offset and limit then count groups, and
    // each group shows its best `group_size` hits.  Empty = no grouping.
    std::string group_by;
    std::uint32_t group_size = 3;
    std::uint32_t offset = 0;  // at most kMaxOffset
    std::uint32_t limit = 10;  // at most kMaxLimit
    std::uint32_t snippet_bytes = 220;
    // Typo tolerance: a word of 4+ letters that matches nothing (or next to
    // nothing while a close word is common) is searched as the closest words
    // of the index (1 edit from 4 letters, 2 from 8; never ids, numbers, codes,
    // phrases or prefixes), and the result says so (SearchResult::corrections).
    bool typo_tolerance = true;
    // Each hit says why it matched and how it scored (Hit::explanation).
    bool explain = false;
    // Near-identical siblings (the same kind and title in the same dataset: a
    // ribosome annotation of each of 10 runs) are shown once, the best of them,
    // with Hit::similar counting the others, so they do not flood a page.
    // Ranked results only; total still counts every record.
    bool collapse = false;
};

inline constexpr std::uint32_t kMaxLimit = 1000;
inline constexpr std::uint32_t kMaxOffset = 1000000;
inline constexpr std::uint32_t kMaxFacetSize = 1000;
inline constexpr std::uint32_t kMaxGroupSize = 100;
// The size of a query (SearchRequest::query and each child query): over it, the
// request is refused (invalid_request).  A query's cost grows with its words
// (20,000 words took 43 s and 2 GB on the CryoET index; 256 of the commonest
// take 0.2 s on the full corpus).  The server's caps are lower (README).
inline constexpr std::size_t kMaxQuerySize = 4096;  // bytes
inline constexpr std::size_t kMaxQueryTerms = 256;  // words, as the tokenizer reads them
// Each wildcard ("a*") reads every term with its prefix, and explaining a hit
// scores each part again: 26 one-letter wildcards with 100 hits explained take 8 s.
inline constexpr std::size_t kMaxQueryWildcards = 16;

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
    std::vector<FieldValue> values;  // the first 100 (index/document_mapper.h)
    std::uint64_t more = 0;          // values the record has beyond those shown
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

// Why a hit is where it is (SearchRequest::explain).
struct HitExplanation {
    // What placed it: "exact id (dataset)" and "exact reference (object_id)"
    // for an id typed as the whole query (these come first, identities before
    // references, each in browse order); "relevance" (BM25 over the parts
    // below); "sort by FIELD"; "browse order" (nothing to rank by).
    std::string order;
    // The tier it is in, which comes before the order (tiers first, most
    // words first): "2 of 3 words" (relaxed matching), "a kind the query
    // names", both ("2 of 3 words, a kind the query names"); empty for none.
    std::string tier;
    // Relevance: each top-level part of the query, the score it added (the
    // hit's score is their sum) and the record's fields its words occur in.
    struct Part {
        std::string query;  // the part as parsed: "ribosome", SYN("s pombe" | ...)
        double score = 0;
        // Where its words occur, with the field's weight: a word counts so many
        // times in the score ("title x6", "object x4", "organism x1 inherited").
        std::vector<std::string> fields;
    };
    std::vector<Part> parts;
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
    std::optional<HitExplanation> explanation;  // when the request asked
    std::uint64_t similar = 0;  // SearchRequest::collapse: siblings shown as this one

    const HitField* field(std::string_view name) const;
    // The first URL of a link relation, or "".
    std::string link(std::string_view rel) const;
};

struct FacetCount {
    std::string value;  // as shown: "Schizosaccharomyces pombe", "4", "2023", "10..20"
    std::string key;    // what a filter on the value takes: the exact form ("schizosaccharomyces
                        // pombe" folded), a number, or a range ("2023", "10..20")
    std::uint64_t count = 0;
    std::string label;  // a rated number's label ("Good"), else empty
    // Numeric buckets: [lo, hi) in the field's display unit.
    double lo = 0;
    double hi = 0;
};

struct FacetResult {
    std::string field;
    std::string prefix;  // the value search asked for, if any
    std::string label;  // "Organism"
    std::string unit;   // numeric facets: the display unit of lo/hi
    bool numeric = false;
    std::vector<FacetCount> values;  // most frequent first (numeric: in bucket order)
    std::uint64_t other = 0;    // the counts of the values not returned, summed
    std::uint64_t missing = 0;  // records with no value of the field
    std::uint64_t distinct = 0; // values with a count (all, not just the returned)
};

struct HitGroup {
    std::string id;     // the dataset's record id (or the hit's own, for a group of one)
    std::string title;  // its title
    std::uint64_t total = 0;   // matching records in the group
    std::vector<Hit> hits;     // its best hits, in the request's order
};

// A word of the query searched as other words (typo tolerance).
struct SpellingCorrection {
    std::string from;             // as typed, lower case: "ribosme"
    std::vector<std::string> to;  // searched instead, best first: "ribosome"
};

// How plain words of the query were read: "younger than 40" as the range
// age:<40, "tomograms" as the kind records should be of, "the" as optional.
struct WordReading {
    std::string words;  // as typed
    std::string what;   // "range", "flag", "kind" or "optional"
    std::string as;     // "age:<40", "records of kind:tomogram first", ...
};

// Relaxed matching (SearchResult::relaxed): fewer than three records hold
// every word of the query together (and meet its filters), so the matches
// are the records holding at least one of them, those holding more first
// (within as many, by relevance: rarer words weigh more).  Fielded terms,
// phrases, exact values, ranges and exclusions stay required.
struct RelaxedMatch {
    std::vector<std::string> words;  // the words relaxed, as searched: "ribosome", "s pombe"
    std::uint32_t best = 0;          // the most of them a match holds
    std::uint32_t of = 0;            // how many words (words.size())
    std::uint64_t with_all = 0;      // matches holding them all (fewer than three; listed first)
    // The kinds the query names ("story"), when their records decided it: then
    // with_all counts those records, and only they are relaxed.
    std::string among;
};

struct SearchResult {
    std::string query;
    std::vector<std::string> kinds;
    std::vector<std::string> sources;
    std::uint64_t total = 0;  // exact: portal users page through counts they trust
    std::uint32_t offset = 0;
    std::uint32_t limit = 0;
    double took_ms = 0;
    // Matches whose relevance was computed to rank this page: all of them,
    // unless the index's top lists showed that a few could be the page (a
    // two-word query over a third of 10^6 records scores ~4,000, not 344,000).
    std::uint64_t scored = 0;
    // Threads that scored them: 2 when a huge set was split in halves
    // (SearcherOptions::threads), else 1.
    std::uint32_t threads = 1;
    // Whether the facets were counted on a thread of their own, beside the
    // ranking (SearcherOptions::facets_aside_from).
    bool facets_aside = false;
    std::string parsed;  // how the query was understood, e.g. AND(ribosome, SYN(...))
    std::vector<SpellingCorrection> corrections;  // words searched as others (typos)
    std::string did_you_mean;  // the query with each correction, when there are any
    std::vector<WordReading> understood;  // the query's plain words, read (in order)
    std::optional<RelaxedMatch> relaxed;  // when the words could not all match together
    std::vector<Hit> hits;            // without group_by
    std::string group_by;             // with group_by: the groups of this page
    std::uint64_t group_total = 0;    //   groups in the whole result (exact)
    std::vector<HitGroup> groups;
    std::vector<FacetResult> facets;  // in the order requested
};

struct SearcherOptions {
    // Threads that rank one request: with 2, a ranked match set of at least
    // `split_from` documents that the index's top lists cannot narrow is
    // scored in two halves at once ("scrna seq" over 10^6 records: ~105,000
    // matches).  The page is the same either way; 1 never starts a thread.
    unsigned threads = 2;
    std::uint64_t split_from = 20000;
    // With 2 threads, the facets of a match set of at least this many
    // records (not the whole index, whose counts are stored) are counted on
    // a thread of their own while the page is ranked or sorted.
    std::uint64_t facets_aside_from = 4096;
};

// One Searcher per thread: a Xapian object must not be used from two threads
// at once.  A Searcher may run a helper thread of its own inside search()
// (SearcherOptions::threads); it shares nothing with other Searchers.
class Searcher {
  public:
    // Opens the current generation of the index in `index_dir` read-only;
    // when it cannot be opened (damaged: a file missing or of another size
    // than its MANIFEST lists, a table Xapian finds corrupt; another schema)
    // but an older generation kept beside it can, opens that one and
    // refused() says why.  Errors: not_found (no index), schema_mismatch
    // (built by another version: rebuild it), corrupt, unavailable (being
    // swapped: retry), io (a file cannot be read).  Cost: opens files, reads
    // the index's vocabulary (a few KB).
    static Result<Searcher> open(const std::string& index_dir);
    static Result<Searcher> open(const std::string& index_dir, const SearcherOptions& options);

    // Runs one request against the latest published generation (it reopens
    // first if atlas-index has swapped in a new one).  Errors: invalid_request
    // (a limit, filter, facet, sort or group the request cannot have),
    // invalid_query (syntax, unknown field, kind or source, bad value; the
    // message names it), unavailable, io, corrupt.  A request is checked
    // whole before the index is read: it is refused whether or not anything
    // would match.  Expected failures are returned, never thrown.  Cost:
    // counts every match exactly.
    Result<SearchResult> search(const SearchRequest& request);

    // Opens the latest published generation if atlas-index has swapped in a
    // new one since (search() does this first).  One that cannot be opened is
    // refused: the open one keeps being searched and refused() says why; a
    // damaged one or one of another schema is not tried again.  Errors: none
    // today (kept for what a future reader may need to report).
    Status refresh();
    // Why the latest published generation is not the one searched (one line),
    // or "" when it is.
    std::string refused() const;

    // Records in the open generation.
    std::uint64_t record_count() const;
    // Kinds that have records in the open generation, sorted.
    std::vector<std::string> kinds() const;
    // The generation directory being searched.
    std::string generation() const;
    // When atlas-index built the open generation (ISO 8601, UTC), or "".
    std::string built_at() const;

    Searcher(Searcher&&) noexcept;
    Searcher& operator=(Searcher&&) noexcept;
    ~Searcher();

  private:
    struct Impl;
    explicit Searcher(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The response as one JSON document:
// {"query","kinds","sources","total","offset","limit","took_ms","scored","threads","parsed",
//  "understood":[{"words","what","as"}] (when plain words were read),
//  "relaxed":{"words","best","of","with_all","message"} (relaxed matching only),
//  "hits":[{"rank","id","kind","source","title","breadcrumb":[{"id","kind","label"}],
//           "snippet","score","fields":{..},"links":{..}}]}
// "snippet" is HTML: the text escaped, matched words in <mark>...</mark>.
std::string to_json(const SearchResult& result);

// One hit as the JSON object `to_json(SearchResult)` writes in "hits".
std::string to_json(const Hit& hit);

// One facet as {"field","prefix","label","unit"?,"values":[{"value","key"?,"count",
// "label"?,"from"?,"to"?}],"other","missing","distinct"} (a facet-value search).
std::string to_json(const FacetResult& facet);

// Reads a request from JSON (README "The structured request"):
// {"query": "...", "kinds": [...], "sources": [...],
//  "filters": [{"field": "organism", "values": ["..."], "mode": "any|none|exists|missing"}],
//  "has_children": [{"kind": "run", "query": "...", "filters": [...], "has_children": [...]}],
//  "facets": [{"field": "organism", "size": 10, "prefix": "Schiz"}] or ["organism", ...],
//  "sort": [{"field": "release_date", "order": "desc"}] or ["release_date:desc"],
//  "group_by": "dataset", "group_size": 3, "offset": 0, "limit": 20}
// Unknown members are an error (a misspelt key would otherwise be ignored).
// Errors: invalid_request, with the member named.
Result<SearchRequest> request_from_json(std::string_view json);

// The request as JSON, in the form request_from_json reads.
std::string to_json(const SearchRequest& request);

// What relaxed matching did, as one line for people: "no record has all of
// ribosome, membrane, fungus; showing records with 2 of 3 words".
std::string to_text(const RelaxedMatch& relaxed);

// Highlighted text as HTML (escaped, <mark> around matches).
std::string to_html(const Highlighted& text);

// An error as JSON: {"error":{"code":"invalid_query","message":"..."}}.
std::string to_json(const Error& error);

}  // namespace atlas
