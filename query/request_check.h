// request_check.h - a SearchRequest checked and normalised once, before the index is read.
//
// Everything a request can get wrong is found here, whatever the index
// holds: limits, UTF-8, unknown fields, kinds and sources, values a filter
// cannot take, facets on fields that are not facets, sorts on fields that do
// not sort, child filters nested too deep.  What passes comes out in the form
// the later stages use: kinds and sources as the registry names them
// ("Datasets" -> dataset), the query and each filter value parsed, each facet
// with its field.  Typed words are corrected against the index separately
// (correct_typos), since that needs the index.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "atlas/search.h"
#include "query_parser.h"
#include "schema/schema.h"
#include "spelling.h"

namespace atlas::detail {

// A Filter whose field is known and whose values are parsed.
struct CheckedFilter {
    std::string field;  // as the schema names it (a filter on gender is on sex)
    const FieldSpec* spec = nullptr;
    Filter::Mode mode = Filter::Mode::any;
    std::vector<QueryNode> values;  // any / none: what each value matches
};

// A ChildFilter, checked the same way, its kind as the registry names it.
struct CheckedChild {
    std::string kind;
    std::optional<QueryNode> query;  // none: any record of the kind
    std::vector<CheckedFilter> filters;
    std::vector<CheckedChild> children;
};

struct CheckedRequest {
    const SearchRequest* request = nullptr;  // as given; outlives the check
    QueryNode tree;                          // the query, parsed (corrected by correct_typos)
    std::vector<Correction> corrections;     // what correct_typos changed
    std::vector<std::string> kinds;          // request.kinds, as the registry names them
    std::vector<std::string> sources;        // request.sources, likewise
    std::vector<CheckedFilter> filters;
    std::vector<CheckedChild> children;
    // What the query's kind words name ("tomograms": kind=tomogram; "scans":
    // AND(kind=dataset, source=hoa)): records matching any of them rank first.
    std::vector<QueryNode> intents;
    std::vector<Understood> understood;  // what the query's plain words became
    std::vector<const FieldSpec*> facet_fields;  // one per request.facets
    // Order: by relevance (browse order when nothing ranks), or by `sort_field`.
    bool by_relevance = true;
    std::string sort_field;
    bool descending = false;
    bool ranked = false;  // by relevance, and the query has words that rank
};

// Checks `request` (kept by pointer in the result: it must outlive it) and
// parses its query with `options`' vocabulary.  Errors: invalid_request
// (limits, a filter's field or values, facets, sort, group_by, nesting),
// invalid_query (syntax, unknown field, kind or source, bad UTF-8), each
// naming the member and the value.
Result<CheckedRequest> check_request(const SearchRequest& request, const ParseOptions& options);

// Typo tolerance (SearchRequest::typo_tolerance): rewrites the words of
// `checked.tree` that match nothing in the index into their corrections, and
// when every correction is a single word, parses the corrected query again so
// its words meet the vocabulary.
void correct_typos(CheckedRequest& checked, Spelling& spelling, const ParseOptions& options);

}  // namespace atlas::detail
