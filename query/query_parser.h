// query_parser.h - the query language: text -> a parsed query tree.
//
// Pure: no index needed, so the language is tested as a golden table
// (tests/golden/query_parse.txt: input -> describe()).  query_builder.cpp
// turns the tree into a Xapian::Query.
//
// Grammar (NOT binds tighter than AND, AND tighter than OR, as in Xapian and SQL):
//   query   := or_expr
//   or_expr := and_expr ("OR" and_expr)*
//   and_expr:= unary (["AND"] unary)*
//   unary   := "NOT" unary | "-" atom | "+" atom | atom     ("+the": the word as typed, required)
//   atom    := "(" or_expr ")" | FIELD ":(" or_expr ")" | term
//   term    := WORD | "PHRASE" | FIELD ":" WORD | FIELD ":" "PHRASE"
//            | FIELD ":=" WORD | FIELD ":=" "PHRASE"     (the whole value, exactly)
// Operators are upper case; "and", "or", "not" are words.  A missing closing
// quote or parenthesis at the end is supplied (queries arrive keystroke by
// keystroke).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"
#include "schema/vocabulary.h"

namespace atlas::detail {

struct QueryNode {
    enum class Kind {
        all,      // every record
        words,    // words or a phrase, free or in a field
        exact,    // a whole value: field=value
        range,    // a number or date range on a field's slot
        and_,     // all children; negated children exclude
        or_,      // any child
        not_,     // everything but the child
        synonym,  // any child, scored as alternatives of one concept (S. pombe)
    };
    Kind kind = Kind::all;
    std::string field;                // empty = free text
    std::vector<std::string> tokens;  // words: lower-cased tokens
    bool phrase = false;              // words: must be adjacent, in order
    bool prefix = false;              // words: the last token is a prefix (ribo*);
                                      // exact: every stored value starting with value
    std::string value;                // exact: the stored exact form
    double lo = -std::numeric_limits<double>::infinity();  // range, canonical unit
    double hi = std::numeric_limits<double>::infinity();
    bool lo_inclusive = true;
    bool hi_inclusive = true;
    // A child of an AND that adds to the score but never restricts the
    // matches: a stopword ("the"), a kind word ("tomograms"); "~" in describe().
    bool optional = false;
    std::vector<QueryNode> children;

    // A stable one-line rendering: AND(ribosome, SYN("s pombe" | "schizosaccharomyces pombe")).
    std::string describe() const;
};

struct ParseOptions {
    const Vocabulary* vocabulary = nullptr;  // synonyms (schema/vocabulary.h); none if null
};

// One reading of plain words (natural_language.h), as a person reads it:
// {"younger than 40", "age:<40"}, {"tomograms", "records of kind:tomogram first"}.
struct Understood {
    std::string words;  // as typed
    std::string what;   // "range", "flag", "kind", "optional" (describe_what)
    std::string as;
};

// A query as read: its tree, the kinds its words name (records of any of
// them rank first: CheckedRequest::intents) and what its plain words became.
struct ReadQuery {
    QueryNode tree;
    std::vector<QueryNode> intents;
    std::vector<Understood> understood;
};

// Reads `text`: plain words as natural_language.h reads them, then the query
// language.  Errors: invalid_query with a one-line message naming the
// problem ("unknown field 'autor' (did you mean 'author'?)").
Result<ReadQuery> read_query(std::string_view text, const ParseOptions& options = {});

// The tree of read_query().
Result<QueryNode> parse_query(std::string_view text, const ParseOptions& options = {});

// One value of a structured filter on `field` (atlas/search.h Filter): the
// node field:=value would give (a whole keyword or id value, yes/no, or a
// number or date range in the query language).  Errors: invalid_query naming
// the field and value.
Result<QueryNode> parse_filter_value(std::string_view field, std::string_view value);

// True if `node` has words that rank (outside any NOT).
bool has_ranking_words(const QueryNode& node);

// Words worth highlighting in snippets: the tokens of every positive words node.
std::vector<std::string> highlight_tokens(const QueryNode& node);

}  // namespace atlas::detail
