// query_builder.cpp - terms, phrases, wildcards, ranges and boolean structure.
#include "query_builder.h"

#include <algorithm>

#include "range_source.h"
#include "schema/schema.h"
#include "schema/text.h"

namespace atlas::detail {
namespace {

// Every document.  Not the static Xapian::Query::MatchAll: its reference
// count is not atomic, and queries are built for two threads at once
// (searcher.cpp scores a huge set in halves).
Xapian::Query match_all() { return Xapian::Query(std::string()); }


// Expansion limits: a prefix or a stem never turns into an unbounded OR.
constexpr std::size_t kMaxWildcardTerms = 200;
constexpr std::size_t kMaxStemScan = 400;
// An id prefix (htan_id:HTA1*) may name many ids, but not without bound.
constexpr std::size_t kMaxExactPrefixTerms = 100000;

std::string_view prefix_of(const std::string& field) {
    if (field.empty()) return {};
    const FieldSpec* spec = find_field(field);
    return spec != nullptr ? spec->prefix : std::string_view{};
}

// A single word in a field: every word of that field with the same stem
// (object:ribosomes finds "ribosome"), as one synonym so it scores as one term.
std::vector<std::string> field_word_terms(std::string_view prefix, const std::string& word,
                                          const Xapian::Database& db) {
    std::string exact = word_term(prefix, word);
    if (has_digit(word) || word.size() <= 2) return {exact};
    std::string s = stem(word);
    std::size_t common = 0;
    while (common < word.size() && common < s.size() && word[common] == s[common]) ++common;
    // Stems can end in a letter the other forms lack ("bodies" -> "bodi", but
    // "body"): scan from one character before the stem's end.
    common = std::min(common, s.size() > 3 ? s.size() - 1 : s.size());
    std::string scan = word_term(prefix, word.substr(0, common));
    std::vector<std::string> alternatives;
    std::size_t seen = 0;
    for (auto it = db.allterms_begin(scan); it != db.allterms_end(scan) && seen < kMaxStemScan;
         ++it, ++seen) {
        std::string term = *it;
        std::string rest = term.substr(prefix.size());
        if (rest == word || (!has_digit(rest) && stem(rest) == s)) alternatives.push_back(term);
    }
    if (alternatives.empty()) return {exact};
    return alternatives;
}

// The `limit` most frequent terms starting with `pattern` (ties by term), as
// Xapian's WILDCARD_LIMIT_MOST_FREQUENT keeps them.
std::vector<std::string> most_frequent_terms(const std::string& pattern, const Xapian::Database& db,
                                             std::size_t limit) {
    std::vector<std::pair<Xapian::doccount, std::string>> all;
    for (auto it = db.allterms_begin(pattern); it != db.allterms_end(pattern); ++it) {
        all.emplace_back(it.get_termfreq(), *it);
    }
    if (all.size() > limit) {
        std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(limit), all.end(),
                          [](const auto& a, const auto& b) {
                              return a.first != b.first ? a.first > b.first : a.second < b.second;
                          });
        all.resize(limit);
    }
    std::vector<std::string> out;
    for (auto& [freq, term] : all) out.push_back(std::move(term));
    std::sort(out.begin(), out.end());
    return out;
}

Xapian::Query any_of(const std::vector<std::string>& terms, Xapian::Query::op op) {
    if (terms.empty()) return Xapian::Query::MatchNothing;
    if (terms.size() == 1) return Xapian::Query(terms.front());
    return Xapian::Query(op, terms.begin(), terms.end());
}

// The words of a phrase under `prefix`, the last one expanded when it is a
// prefix ("TS_02*": Xapian has no wildcard inside a phrase, but takes an OR
// of the words it expands to).  Empty when that prefix expands to nothing.
std::vector<Xapian::Query> phrase_parts(const QueryNode& n, std::string_view prefix,
                                        const Xapian::Database& db) {
    std::vector<Xapian::Query> parts;
    for (const auto& t : n.tokens) parts.emplace_back(word_term(prefix, t));
    if (n.prefix) {
        auto expanded = most_frequent_terms(word_term(prefix, n.tokens.back()), db,
                                            kMaxWildcardTerms);
        if (expanded.empty()) return {};
        parts.back() = any_of(expanded, Xapian::Query::OP_OR);
    }
    return parts;
}

Xapian::Query phrase_of(std::vector<Xapian::Query> parts) {
    return Xapian::Query(Xapian::Query::OP_PHRASE, parts.begin(), parts.end(),
                         static_cast<Xapian::termcount>(parts.size()));
}

// A phrase in a field that is also free text: the index keeps positions on the
// free-text words only (document_mapper.cpp), so the field's words say the
// record holds them there and scored, and the free-text phrase, unscored, says
// they stand together.  (A phrase's weight in Xapian is the sum of its words'
// weights, so the score is the one a phrase over the field's words would get.)
// The words could in theory stand together in another field of the record
// while each also occurs in this one; values of fields that take part in
// phrases are words people quote, where that does not happen in the corpora.
Xapian::Query field_phrase(const QueryNode& n, std::string_view prefix,
                           const Xapian::Database& db) {
    auto in_field = phrase_parts(n, prefix, db);
    if (in_field.empty()) return Xapian::Query::MatchNothing;
    // The same words in free text; a last word that is a prefix stands for
    // the field's words it expanded to, not free text's most frequent ones.
    std::vector<Xapian::Query> together;
    for (const auto& t : n.tokens) together.emplace_back(t);
    if (n.prefix) {
        std::vector<std::string> words;
        for (const auto& term : most_frequent_terms(word_term(prefix, n.tokens.back()), db,
                                                    kMaxWildcardTerms)) {
            words.push_back(term.substr(prefix.size()));
        }
        together.back() = any_of(words, Xapian::Query::OP_OR);
    }
    return Xapian::Query(Xapian::Query::OP_FILTER,
                         Xapian::Query(Xapian::Query::OP_AND, in_field.begin(), in_field.end()),
                         phrase_of(std::move(together)));
}

Xapian::Query words(const QueryNode& n, const Xapian::Database& db) {
    const FieldSpec* spec = n.field.empty() ? nullptr : find_field(n.field);
    std::string_view prefix = spec != nullptr ? spec->prefix : std::string_view{};
    if (n.phrase) {
        if (spec != nullptr && spec->weight > 0) return field_phrase(n, prefix, db);
        auto parts = phrase_parts(n, prefix, db);
        if (parts.empty()) return Xapian::Query::MatchNothing;
        return phrase_of(std::move(parts));
    }
    // A prefix's expansions are alternatives of one word: scored as one (a
    // synonym), as a stem's forms are.
    return any_of(single_word_terms(n, db), Xapian::Query::OP_SYNONYM);
}

Xapian::Query range(const QueryNode& n, const RangeDocs& range_docs) {
    const FieldSpec* spec = find_field(n.field);
    if (spec == nullptr || spec->slot < 0) return Xapian::Query::MatchNothing;
    if (range_docs) return range_docs(n);
    // Both sides convert through to_canonical, which rounds, so an equality
    // (13.48 Å typed, 13.48 Å stored) needs no slack.
    auto* source = new MultiValueRangeSource(static_cast<Xapian::valueno>(spec->slot), n.lo,
                                             n.lo_inclusive, n.hi, n.hi_inclusive);
    return Xapian::Query(source->release());
}

Xapian::Query build(const QueryNode& n, const Xapian::Database& db, const RangeDocs& rd) {
    using K = QueryNode::Kind;
    switch (n.kind) {
        case K::all:
            return match_all();
        case K::words:
            return words(n, db);
        case K::exact: {
            const FieldSpec* spec = find_field(n.field);
            if (spec == nullptr) return Xapian::Query::MatchNothing;
            if (n.prefix) return any_of(exact_prefix_terms(n, db), Xapian::Query::OP_OR);
            return Xapian::Query(exact_term(spec->prefix, n.value));
        }
        case K::range:
            return range(n, rd);
        case K::or_:
        case K::synonym: {
            std::vector<Xapian::Query> parts;
            for (const auto& c : n.children) parts.push_back(build(c, db, rd));
            // Alternatives of one concept (S. pombe, Schizosaccharomyces pombe)
            // score as one term: a record naming both is not worth twice as much.
            auto op = n.kind == K::synonym ? Xapian::Query::OP_SYNONYM : Xapian::Query::OP_OR;
            return Xapian::Query(op, parts.begin(), parts.end());
        }
        case K::not_:
            return Xapian::Query(Xapian::Query::OP_AND_NOT, match_all(),
                                 build(n.children.front(), db, rd));
        case K::and_: {
            std::vector<Xapian::Query> positive;
            std::vector<Xapian::Query> negative;
            std::vector<Xapian::Query> maybe;
            for (const auto& c : n.children) {
                if (c.optional) {
                    maybe.push_back(build(c, db, rd));
                } else if (c.kind == K::not_) {
                    negative.push_back(build(c.children.front(), db, rd));
                } else {
                    positive.push_back(build(c, db, rd));
                }
            }
            Xapian::Query q = positive.empty() ? match_all()
                                               : Xapian::Query(Xapian::Query::OP_AND,
                                                               positive.begin(), positive.end());
            // Optional words (stopwords, kind words) add a little to the score
            // of the records the rest matches: "the ribosome" is about ribosomes.
            if (!maybe.empty()) {
                Xapian::Query any(Xapian::Query::OP_OR, maybe.begin(), maybe.end());
                q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q,
                                  Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, any,
                                                kOptionalWeight));
            }
            if (negative.empty()) return q;
            return Xapian::Query(
                Xapian::Query::OP_AND_NOT, q,
                Xapian::Query(Xapian::Query::OP_OR, negative.begin(), negative.end()));
        }
    }
    return Xapian::Query::MatchNothing;
}

}  // namespace

Xapian::Query build_query(const QueryNode& node, const Xapian::Database& db,
                          const RangeDocs& range_docs) {
    return build(node, db, range_docs);
}

std::vector<std::string> single_word_terms(const QueryNode& n, const Xapian::Database& db) {
    std::string_view prefix = prefix_of(n.field);
    const std::string& word = n.tokens.front();
    if (n.prefix) return most_frequent_terms(word_term(prefix, word), db, kMaxWildcardTerms);
    if (!prefix.empty()) return field_word_terms(prefix, word, db);
    if (has_digit(word)) return {word};
    return {stem_term(word)};
}

std::vector<std::string> exact_prefix_terms(const QueryNode& n, const Xapian::Database& db) {
    const FieldSpec* spec = find_field(n.field);
    if (spec == nullptr) return {};
    // Every value starting so; too many to expand is an error the user sees,
    // never a silently truncated answer.
    std::string pattern = exact_term(spec->prefix, n.value);
    std::vector<std::string> out;
    for (auto it = db.allterms_begin(pattern); it != db.allterms_end(pattern); ++it) {
        if (out.size() == kMaxExactPrefixTerms) {
            throw Xapian::WildcardError("too many values start with " + n.value);
        }
        out.push_back(*it);
    }
    return out;
}

}  // namespace atlas::detail
