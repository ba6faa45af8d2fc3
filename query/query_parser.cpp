// query_parser.cpp - lexer, recursive-descent parser and value parsing per field type.
#include "query_parser.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "natural_language.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "schema/text.h"
#include "schema/units.h"

namespace atlas::detail {
namespace {

// --- lexer ------------------------------------------------------------------------

struct Lexeme {
    enum class Type { word, phrase, open, close, op_and, op_or, op_not, end };
    Type type = Type::end;
    std::string text;      // word or phrase text (without quotes)
    std::string field;     // "organism" for organism:x, organism:"x", organism:(
    bool negated = false;  // a leading '-'
    bool whole = false;    // field:="x": the whole value, exactly
    bool optional = false;  // a plain word that scores but never restricts (natural_language.h)
    bool as_typed = false;  // "+the": a word searched as typed, never read as a plain word
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Lexer {
  public:
    explicit Lexer(std::string_view text) : s_(text) {}

    std::vector<Lexeme> run() {
        std::vector<Lexeme> out;
        while (true) {
            while (i_ < s_.size() && is_space(s_[i_])) ++i_;
            if (i_ >= s_.size()) break;
            Lexeme l;
            if (s_[i_] == '-' || s_[i_] == '+') {
                // "-term" negates; a lone "-" or "+" (or "--") is noise.
                bool negate = s_[i_] == '-';
                std::size_t j = i_ + 1;
                if (j < s_.size() && !is_space(s_[j]) && s_[j] != '-' && s_[j] != '+') {
                    l.negated = negate;
                    l.as_typed = !negate;
                    i_ = j;
                } else {
                    ++i_;
                    continue;
                }
            }
            if (s_[i_] == '(') {
                ++i_;
                l.type = Lexeme::Type::open;
                out.push_back(std::move(l));
                continue;
            }
            if (s_[i_] == ')') {
                ++i_;
                l.type = Lexeme::Type::close;
                out.push_back(std::move(l));
                continue;
            }
            if (s_[i_] == '"') {
                l.type = Lexeme::Type::phrase;
                l.text = quoted();
                out.push_back(std::move(l));
                continue;
            }
            std::size_t start = i_;
            while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '(' && s_[i_] != ')' &&
                   s_[i_] != '"') {
                ++i_;
            }
            std::string_view word = s_.substr(start, i_ - start);
            // field:="whole value"
            if (word.size() > 2 && word.ends_with(":=") && i_ < s_.size() && s_[i_] == '"') {
                l.field = std::string(word.substr(0, word.size() - 2));
                l.type = Lexeme::Type::phrase;
                l.whole = true;
                l.text = quoted();
                out.push_back(std::move(l));
                continue;
            }
            // field:"phrase" and field:( group )
            if (word.size() > 1 && word.back() == ':' && i_ < s_.size() &&
                (s_[i_] == '"' || s_[i_] == '(')) {
                l.field = std::string(word.substr(0, word.size() - 1));
                if (s_[i_] == '"') {
                    l.type = Lexeme::Type::phrase;
                    l.text = quoted();
                } else {
                    ++i_;
                    l.type = Lexeme::Type::open;
                }
                out.push_back(std::move(l));
                continue;
            }
            if (!l.negated && word == "AND") {
                l.type = Lexeme::Type::op_and;
            } else if (!l.negated && word == "OR") {
                l.type = Lexeme::Type::op_or;
            } else if (!l.negated && word == "NOT") {
                l.type = Lexeme::Type::op_not;
            } else {
                l.type = Lexeme::Type::word;
                l.text = std::string(word);
            }
            out.push_back(std::move(l));
        }
        out.push_back(Lexeme{});
        return out;
    }

  private:
    // Reads a "quoted" run starting at the opening quote; an unclosed quote
    // runs to the end of the input.
    std::string quoted() {
        ++i_;
        std::size_t start = i_;
        while (i_ < s_.size() && s_[i_] != '"') ++i_;
        std::string text(s_.substr(start, i_ - start));
        if (i_ < s_.size()) ++i_;
        return text;
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

// --- value parsing ------------------------------------------------------------------

Error query_error(std::string message) { return Error{Errc::invalid_query, std::move(message)}; }

QueryNode words_node(std::string field, std::vector<std::string> tokens, bool phrase, bool prefix) {
    QueryNode n;
    n.kind = QueryNode::Kind::words;
    n.field = std::move(field);
    n.tokens = std::move(tokens);
    n.phrase = phrase || n.tokens.size() > 1;
    n.prefix = prefix;
    return n;
}

QueryNode exact_node(std::string field, std::string value) {
    QueryNode n;
    n.kind = QueryNode::Kind::exact;
    n.field = std::move(field);
    n.value = std::move(value);
    return n;
}

std::vector<std::string> token_terms(std::string_view text) {
    std::vector<std::string> out;
    for (auto& t : tokenize(text)) out.push_back(std::move(t.term));
    return out;
}

// A number with an optional unit, in the field's canonical unit.
Result<double> parse_quantity(const FieldSpec& spec, std::string_view text) {
    auto parsed = parse_number_text(text);
    if (!parsed) {
        // A rated field takes its labels: quality:good is quality:4.
        auto levels = field_scale(spec);
        std::vector<std::string_view> labels;
        for (const auto& level : levels) {
            if (fold(level.label) == fold(text)) return level.rating;
            labels.push_back(level.label);
        }
        if (!labels.empty()) {
            return query_error(fmt::format("{} takes a number or one of {}, not '{}'", spec.name,
                                           fmt::join(labels, ", "), text));
        }
        return query_error(fmt::format("{} takes a number, not '{}'", spec.name, text));
    }
    std::string unit_text = parsed->unit.empty() ? std::string(spec.unit) : parsed->unit;
    if (unit_text.empty()) {
        return parsed->value;
    }
    const Unit* unit = find_unit(unit_text);
    if (unit == nullptr) {
        return query_error(fmt::format("unknown unit '{}' in {}:{}", unit_text, spec.name, text));
    }
    if (spec.dimension == Dimension::none || unit->dimension != spec.dimension) {
        if (spec.dimension == Dimension::none) {
            return query_error(fmt::format("{} has no unit; drop '{}'", spec.name, unit_text));
        }
        return query_error(fmt::format("{} is a {}, '{}' is a unit of {}", spec.name,
                                       dimension_name(spec.dimension), unit_text,
                                       dimension_name(unit->dimension)));
    }
    return to_canonical(parsed->value, *unit);
}

// A date or a period: 2023, 2023-06, 2023-06-01 -> [first day, last day] in days.
Result<std::pair<double, double>> parse_period(const FieldSpec& spec, std::string_view text) {
    auto fail = [&] {
        return query_error(fmt::format("{} takes a date (2023, 2023-06 or 2023-06-01), not '{}'",
                                       spec.name, text));
    };
    auto digits = [](std::string_view s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        });
    };
    double lo = 0, hi = 0;
    if (text.size() == 4 && digits(text)) {
        std::string y(text);
        if (!parse_iso_date(y + "-01-01", lo) || !parse_iso_date(y + "-12-31", hi)) return fail();
        return std::pair{lo, hi};
    }
    if (text.size() == 7 && text[4] == '-' && digits(text.substr(0, 4)) &&
        digits(text.substr(5, 2))) {
        std::string ym(text);
        if (!parse_iso_date(ym + "-01", lo)) return fail();
        for (int last : {31, 30, 29, 28}) {
            if (parse_iso_date(fmt::format("{}-{:02d}", ym, last), hi)) break;
        }
        return std::pair{lo, hi};
    }
    if (!parse_iso_date(text, lo)) return fail();
    return std::pair{lo, lo};
}

Result<QueryNode> range_node(const FieldSpec& spec, std::string_view value) {
    QueryNode n;
    n.kind = QueryNode::Kind::range;
    n.field = spec.name;
    bool is_date = spec.type == FieldType::date;
    auto bound = [&](std::string_view text, bool low) -> Result<double> {
        if (is_date) {
            auto period = parse_period(spec, text);
            if (!period.ok()) return period.error();
            return low ? period.value().first : period.value().second;
        }
        return parse_quantity(spec, text);
    };
    auto set = [&](std::string_view text, bool low, bool inclusive) -> Status {
        // "<2023" means before the year starts; "<=2023" until it ends.
        bool use_low_end = is_date ? (low == inclusive) : true;
        auto b = bound(text, use_low_end);
        if (!b.ok()) return b.error();
        (low ? n.lo : n.hi) = b.value();
        (low ? n.lo_inclusive : n.hi_inclusive) = inclusive;
        return {};
    };
    Status status;
    if (value.starts_with(">=")) {
        status = set(value.substr(2), true, true);
    } else if (value.starts_with("<=")) {
        status = set(value.substr(2), false, true);
    } else if (value.starts_with('>')) {
        status = set(value.substr(1), true, false);
    } else if (value.starts_with('<')) {
        status = set(value.substr(1), false, false);
    } else if (auto dots = value.find(".."); dots != std::string_view::npos) {
        std::string lo(value.substr(0, dots));
        std::string hi(value.substr(dots + 2));
        if (lo.empty() && hi.empty()) {
            return query_error(fmt::format("{}:.. needs a bound on at least one side", spec.name));
        }
        // "1..2nm" means 1 nm to 2 nm: a unit on one bound applies to both.
        if (!is_date) {
            auto lo_number = parse_number_text(lo);
            auto hi_number = parse_number_text(hi);
            if (lo_number && hi_number) {
                if (lo_number->unit.empty() && !hi_number->unit.empty()) lo += hi_number->unit;
                if (hi_number->unit.empty() && !lo_number->unit.empty()) hi += lo_number->unit;
            }
        }
        if (!lo.empty()) status = set(lo, true, true);
        if (status.ok() && !hi.empty()) status = set(hi, false, true);
    } else if (is_date) {
        auto period = parse_period(spec, value);
        if (!period.ok()) return period.error();
        n.lo = period.value().first;
        n.hi = period.value().second;
    } else {
        auto v = parse_quantity(spec, value);
        if (!v.ok()) return v.error();
        n.lo = v.value();  // an equality: canonical values are rounded, so they meet exactly
        n.hi = v.value();
    }
    if (!status.ok()) return status.error();
    if (n.lo > n.hi) {
        return query_error(
            fmt::format("{}:{} is an empty range (low end above high end)", spec.name, value));
    }
    return n;
}

Result<bool> parse_bool(const FieldSpec& spec, std::string_view value) {
    std::string v = fold(value);
    if (v == "yes" || v == "true" || v == "y" || v == "1") return true;
    if (v == "no" || v == "false" || v == "n" || v == "0") return false;
    return query_error(fmt::format("{} takes yes or no, not '{}'", spec.name, value));
}

// One spelling of a concept as a query: a single word; a phrase when asked,
// or when it has a one-letter word ("s pombe", "h e" for H&E); else its words
// in any order, as typed.
QueryNode spelling_node(const std::string& field, std::vector<std::string> tokens, bool phrase) {
    bool letter = std::any_of(tokens.begin(), tokens.end(),
                              [](const std::string& t) { return t.size() == 1; });
    if (tokens.size() == 1) return words_node(field, std::move(tokens), false, false);
    if (phrase || letter) return words_node(field, std::move(tokens), true, false);
    QueryNode all;
    all.kind = QueryNode::Kind::and_;
    for (auto& t : tokens) all.children.push_back(words_node(field, {std::move(t)}, false, false));
    return all;
}

std::optional<QueryNode> synonym(const std::string& field, const std::vector<std::string>& tokens,
                                 bool phrase, const Vocabulary* vocabulary);

// The words of a key as typed, each word that is a key itself expanded:
// "breast cancer" is also a breast carcinoma.
QueryNode typed_spelling(const std::string& field, const std::vector<std::string>& tokens,
                         bool phrase, const Vocabulary& vocabulary) {
    QueryNode typed = spelling_node(field, tokens, phrase);
    if (typed.kind != QueryNode::Kind::and_) return typed;
    for (auto& word : typed.children) {
        if (auto syn = synonym(field, word.tokens, false, &vocabulary)) word = std::move(*syn);
    }
    return typed;
}

// SYN(the words as typed | each spelling the vocabulary gives) when `tokens`
// are a key of it: "S. pombe", "CRC", "fission yeast", "colon" (an HTAN
// organ detail of "Colorectal").
std::optional<QueryNode> synonym(const std::string& field, const std::vector<std::string>& tokens,
                                 bool phrase, const Vocabulary* vocabulary) {
    if (vocabulary == nullptr || tokens.empty() || tokens.size() > vocabulary->max_key_tokens()) {
        return std::nullopt;
    }
    std::string key;
    for (const auto& t : tokens) {
        if (!key.empty()) key += ' ';
        key += t;
    }
    auto expansions = vocabulary->expand(key);
    if (expansions.empty()) return std::nullopt;
    QueryNode syn;
    syn.kind = QueryNode::Kind::synonym;
    syn.children.push_back(typed_spelling(field, tokens, phrase, *vocabulary));
    // Other spellings match as if typed (their words in any order): a
    // participant's "Ductal carcinoma in situ" is DCIS whatever its fields.
    for (const auto& e : expansions) syn.children.push_back(spelling_node(field, token_terms(e), false));
    return syn;
}

// field:=value: the whole value, exactly as a facet filter matches it.
Result<QueryNode> whole_value_term(const FieldSpec& spec, std::string_view value) {
    switch (spec.type) {
        case FieldType::keyword:
        case FieldType::identifier: {
            std::string_view stored = value;
            if (auto alias = value_alias(spec, value)) stored = *alias;
            std::string exact = exact_value(spec, stored);
            if (exact.empty()) break;
            return exact_node(std::string(spec.name), std::move(exact));
        }
        case FieldType::text: {
            auto tokens = token_terms(value);
            if (tokens.empty()) break;
            return words_node(std::string(spec.name), std::move(tokens), true, false);
        }
        case FieldType::boolean: {
            auto b = parse_bool(spec, value);
            if (!b.ok()) return b.error();
            return exact_node(std::string(spec.name), b.value() ? "true" : "false");
        }
        case FieldType::number:
        case FieldType::date:
            return range_node(spec, value);
    }
    return query_error(fmt::format("{}:={} has no value to match", spec.name, value));
}

// A term in a known field; `quoted` for field:"...", `whole` for field:=....
Result<QueryNode> field_term(const FieldSpec& spec, std::string_view value, bool quoted,
                             bool whole) {
    if (value.empty()) {
        return query_error(fmt::format("{}: needs a value ({}:VALUE)", spec.name, spec.name));
    }
    if (whole) return whole_value_term(spec, value);
    // age_group:<18 names the stored value "under 18".
    if (auto alias = value_alias(spec, value)) {
        return exact_node(std::string(spec.name), exact_value(spec, *alias));
    }
    switch (spec.type) {
        case FieldType::number:
        case FieldType::date:
            return range_node(spec, value);
        case FieldType::boolean: {
            auto b = parse_bool(spec, value);
            if (!b.ok()) return b.error();
            return exact_node(std::string(spec.name), b.value() ? "true" : "false");
        }
        case FieldType::identifier: {
            // dataset:"S. pombe cells" searches titles; dataset:10000 is the id.
            if (!spec.words_field.empty() && !has_digit(value)) {
                auto tokens = token_terms(value);
                if (tokens.empty()) break;
                return words_node(std::string(spec.words_field), std::move(tokens), quoted, false);
            }
            // htan_id:HTA1* : every id starting so.
            if (!quoted && value.size() > 1 && value.back() == '*') {
                std::string start = exact_value(spec, value.substr(0, value.size() - 1));
                if (start.empty()) break;
                QueryNode n = exact_node(std::string(spec.name), std::move(start));
                n.prefix = true;
                return n;
            }
            return exact_node(std::string(spec.name), exact_value(spec, value));
        }
        case FieldType::keyword:
        case FieldType::text: {
            bool prefix = !quoted && value.size() > 1 && value.back() == '*';
            auto tokens = token_terms(prefix ? value.substr(0, value.size() - 1) : value);
            if (tokens.empty()) break;
            QueryNode words = words_node(std::string(spec.name), std::move(tokens), quoted, prefix);
            if (spec.type == FieldType::text || prefix) return words;
            // A keyword also matches as a whole value in any spelling:
            // software:"Serial EM" finds SerialEM.
            QueryNode any;
            any.kind = QueryNode::Kind::or_;
            any.children.push_back(std::move(words));
            any.children.push_back(exact_node(std::string(spec.name), exact_value(spec, value)));
            return any;
        }
    }
    return query_error(fmt::format("{}:{} has no words to search for", spec.name, value));
}

// "GO:0022626", "doi:10.1101/..", "NCBITaxon:284812", "https://..": a colon
// inside something that is plainly not field:value is part of the text.
bool is_literal_colon(std::string_view name, std::string_view value) {
    if (name.empty()) return true;
    bool upper_or_digit = std::any_of(name.begin(), name.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) != 0 ||
               std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (upper_or_digit) return true;
    if (!value.empty() &&
        (std::isdigit(static_cast<unsigned char>(value[0])) != 0 || value[0] == '/')) {
        return true;
    }
    return false;
}

QueryNode doi_term(std::string_view doi) {
    QueryNode any;
    any.kind = QueryNode::Kind::or_;
    for (std::string_view field : {"doi", "publication"}) {
        const FieldSpec* spec = find_field(field);
        any.children.push_back(exact_node(std::string(field), exact_value(*spec, doi)));
    }
    auto tokens = token_terms(doi);
    if (!tokens.empty()) any.children.push_back(words_node("", std::move(tokens), true, false));
    return any;
}

// --- parser --------------------------------------------------------------------------

// Deeper nesting than this is refused: it is never meant, and every pass over
// the tree (parse, simplify, build) recurses once per level.
constexpr int kMaxDepth = 64;

class Parser {
  public:
    Parser(std::vector<Lexeme> lexemes, const ParseOptions& options)
        : l_(std::move(lexemes)), options_(options) {}

    Result<QueryNode> parse() {
        auto node = or_expr("");
        if (!node.ok()) return node;
        if (peek().type == Lexeme::Type::close) {
            return query_error("unexpected ')' (no '(' opens it)");
        }
        return simplify(std::move(node).value());
    }

  private:
    const Lexeme& peek() const { return l_[pos_]; }
    Lexeme next() { return l_[pos_ < l_.size() - 1 ? pos_++ : pos_]; }

    Result<QueryNode> or_expr(const std::string& field) {
        QueryNode any;
        any.kind = QueryNode::Kind::or_;
        while (true) {
            auto part = and_expr(field);
            if (!part.ok()) return part;
            any.children.push_back(std::move(part).value());
            if (peek().type != Lexeme::Type::op_or) break;
            next();
            if (peek().type == Lexeme::Type::end || peek().type == Lexeme::Type::close) {
                return query_error("OR needs something after it");
            }
        }
        return any;
    }

    Result<QueryNode> and_expr(const std::string& field) {
        QueryNode all;
        all.kind = QueryNode::Kind::and_;
        while (true) {
            auto t = peek().type;
            if (t == Lexeme::Type::end || t == Lexeme::Type::close || t == Lexeme::Type::op_or) {
                break;
            }
            if (t == Lexeme::Type::op_and) {
                next();
                if (all.children.empty()) return query_error("AND needs something before it");
                auto after = peek().type;
                if (after == Lexeme::Type::end || after == Lexeme::Type::close ||
                    after == Lexeme::Type::op_or) {
                    return query_error("AND needs something after it");
                }
                continue;
            }
            auto part = unary(field);
            if (!part.ok()) return part;
            if (part.value().kind != QueryNode::Kind::and_ || !part.value().children.empty()) {
                all.children.push_back(std::move(part).value());
            }
        }
        if (all.children.empty() && peek().type == Lexeme::Type::op_or) {
            return query_error("OR needs something before it");
        }
        expand_synonyms(all.children);
        return all;
    }

    // Counts nesting for as long as it lives.
    struct Nest {
        explicit Nest(int& depth) : depth_(depth) { ++depth_; }
        ~Nest() { --depth_; }
        Nest(const Nest&) = delete;
        Nest& operator=(const Nest&) = delete;
        int& depth_;
    };

    Error too_deep() const {
        return query_error(
            fmt::format("query is nested too deeply (more than {} levels of "
                        "parentheses and NOT)",
                        kMaxDepth));
    }

    Result<QueryNode> unary(const std::string& field) {
        if (peek().type == Lexeme::Type::op_not) {
            Nest nest(depth_);
            if (depth_ > kMaxDepth) return too_deep();
            next();
            auto t = peek().type;
            if (t == Lexeme::Type::end || t == Lexeme::Type::close || t == Lexeme::Type::op_or ||
                t == Lexeme::Type::op_and) {
                return query_error("NOT needs something after it");
            }
            auto inner = unary(field);
            if (!inner.ok()) return inner;
            if (inner.value().kind == QueryNode::Kind::and_ && inner.value().children.empty()) {
                return inner;  // NOT of punctuation: nothing to exclude
            }
            return negate(std::move(inner).value());
        }
        return atom(field);
    }

    static QueryNode negate(QueryNode inner) {
        QueryNode n;
        n.kind = QueryNode::Kind::not_;
        n.children.push_back(std::move(inner));
        return n;
    }

    Result<QueryNode> atom(const std::string& scope) {
        Lexeme l = next();
        Result<QueryNode> node = QueryNode{};
        if (l.type == Lexeme::Type::open) {
            Nest nest(depth_);
            if (depth_ > kMaxDepth) return too_deep();
            std::string field = scope;
            if (!l.field.empty()) {
                auto known = known_field(l.field);
                if (!known.ok()) return known.error();
                field = l.field;
            }
            node = or_expr(field);
            if (!node.ok()) return node;
            if (peek().type == Lexeme::Type::close) next();  // a missing ')' at the end is fine
        } else if (l.type == Lexeme::Type::word || l.type == Lexeme::Type::phrase) {
            node = term(l, scope);
            if (!node.ok()) return node;
        } else if (l.type == Lexeme::Type::close) {
            return query_error("unexpected ')' (no '(' opens it)");
        } else {
            return query_error("unexpected end of query");
        }
        bool empty = node.value().kind == QueryNode::Kind::and_ && node.value().children.empty();
        if (l.negated && !empty) return negate(std::move(node).value());
        return node;
    }

    Result<const FieldSpec*> known_field(const std::string& name) {
        const FieldSpec* spec = find_field(name);
        if (spec != nullptr) return spec;
        auto close = closest_field(name);
        if (!close.empty()) {
            return query_error(fmt::format("unknown field '{}' (did you mean '{}'?)", name, close));
        }
        return query_error(
            fmt::format("unknown field '{}' (atlas-search --help fields lists them)", name));
    }

    Result<QueryNode> term(const Lexeme& l, const std::string& scope) {
        std::string field = l.field;
        std::string value = l.text;
        bool quoted = l.type == Lexeme::Type::phrase;
        bool whole = l.whole;
        // A DOI typed as text ("10.1101/x", "doi:10.1101/x", its https://doi.org/
        // form) is the record with that DOI, a record citing it, or text naming it.
        if (field.empty() && scope.empty()) {
            value = std::string(strip_doi_prefix(value));
            if (is_doi(value)) return doi_term(value);
        }
        if (field.empty() && !quoted) {
            auto colon = value.find(':');
            if (colon != std::string::npos) {
                std::string name = value.substr(0, colon);
                std::string rest = value.substr(colon + 1);
                auto sources = known_source_names();
                if (find_field(name) != nullptr) {
                    field = name;
                    value = rest;
                    if (value.size() > 1 && value.front() == '=') {
                        whole = true;  // field:=value
                        value.erase(0, 1);
                    }
                } else if (std::find(sources.begin(), sources.end(), fold(name)) !=
                           sources.end()) {
                    field = "id";  // a record id typed whole: htan:file:HTA1_1_1
                } else if (!is_literal_colon(name, rest)) {
                    auto known = known_field(name);
                    if (!known.ok()) return known.error();
                }
            }
        }
        if (field.empty()) field = scope;
        if (!field.empty()) {
            auto spec = known_field(field);
            if (!spec.ok()) return spec.error();
            return field_term(*spec.value(), value, quoted, whole);
        }
        bool prefix = !quoted && value.size() > 1 && value.back() == '*';
        auto tokens = token_terms(prefix ? std::string_view(value).substr(0, value.size() - 1)
                                         : std::string_view(value));
        if (tokens.empty()) {
            QueryNode nothing;  // punctuation only: ignored
            nothing.kind = QueryNode::Kind::and_;
            return nothing;
        }
        // A quoted spelling is replaced here, so that -"S. pombe" excludes
        // every spelling; runs of unquoted words are looked up after parsing.
        if (quoted) {
            if (auto syn = synonym("", tokens, true, options_.vocabulary)) return *syn;
        }
        QueryNode words = words_node("", std::move(tokens), quoted, prefix);
        words.optional = l.optional;
        return words;
    }

    // The words a node searches for: the node itself, or the words half of a
    // keyword term's OR(words, exact).
    static const QueryNode* words_of(const QueryNode& n) {
        if (n.kind == QueryNode::Kind::words && !n.prefix) return &n;
        if (n.kind == QueryNode::Kind::or_ && n.children.size() == 2 &&
            n.children[0].kind == QueryNode::Kind::words && !n.children[0].prefix &&
            n.children[1].kind == QueryNode::Kind::exact &&
            n.children[1].field == n.children[0].field) {
            return &n.children[0];
        }
        return nullptr;
    }

    // Runs of words that are a key of the vocabulary, longest first:
    // "fission yeast" -> SYN(AND(fission, yeast) | AND(schizosaccharomyces,
    // pombe)); "S. pombe" -> SYN("s pombe" | ...).  A run is words of one field
    // ("organism:(S. pombe)"), or free words after a fielded one
    // ("organism:S. pombe" means the organism); it never splits a phrase.
    void expand_synonyms(std::vector<QueryNode>& parts) const {
        const Vocabulary* vocabulary = options_.vocabulary;
        if (vocabulary == nullptr || vocabulary->size() == 0) return;
        std::vector<QueryNode> out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            // A key never starts at a loose word: "all" is no leukemia.
            const QueryNode* first = parts[i].optional ? nullptr : words_of(parts[i]);
            std::optional<QueryNode> best;
            std::size_t best_end = i;
            if (first != nullptr) {
                std::vector<std::string> tokens;
                bool phrase = false;
                for (std::size_t j = i; j < parts.size(); ++j) {
                    const QueryNode* w = words_of(parts[j]);
                    if (w == nullptr || (j > i && !w->field.empty() && w->field != first->field)) break;
                    tokens.insert(tokens.end(), w->tokens.begin(), w->tokens.end());
                    if (tokens.size() > vocabulary->max_key_tokens()) break;
                    // One typed phrase stays a phrase; several words do not.
                    phrase = j == i && w->phrase && w->tokens.size() > 1;
                    if (auto syn = synonym(first->field, tokens, phrase, vocabulary)) {
                        best = std::move(syn);
                        best_end = j;
                    }
                }
            }
            if (best) {
                out.push_back(std::move(*best));
                i = best_end;
                continue;
            }
            out.push_back(std::move(parts[i]));
        }
        parts = std::move(out);
    }

    // Collapses single-child AND / OR nodes; an empty query is `all`.
    static QueryNode simplify(QueryNode n) {
        for (auto& c : n.children) c = simplify(std::move(c));
        if (n.kind == QueryNode::Kind::and_ || n.kind == QueryNode::Kind::or_) {
            std::vector<QueryNode> kept;
            for (auto& c : n.children) {
                if (c.kind == QueryNode::Kind::and_ && c.children.empty()) continue;
                // AND(a, AND(b, c)) -> AND(a, b, c); the same for OR.
                if (c.kind == n.kind) {
                    for (auto& g : c.children) kept.push_back(std::move(g));
                } else {
                    kept.push_back(std::move(c));
                }
            }
            n.children = std::move(kept);
            if (n.children.empty()) return QueryNode{};  // all
            if (n.children.size() == 1) return std::move(n.children[0]);
        }
        return n;
    }

    std::vector<Lexeme> l_;
    std::size_t pos_ = 0;
    int depth_ = 0;
    const ParseOptions& options_;
};

// --- plain words (natural_language.h) ------------------------------------------------------

// A word as people type them: not quoted, no field, not negated.
bool is_plain(const std::vector<Lexeme>& lexemes, std::size_t i) {
    const Lexeme& l = lexemes[i];
    return l.type == Lexeme::Type::word && l.field.empty() && !l.negated && !l.as_typed &&
           l.text.find(':') == std::string::npos &&
           (i == 0 || lexemes[i - 1].type != Lexeme::Type::op_not);
}

// A run of plain words, lexemes [begin, end), and how they read.
struct PlainRun {
    std::size_t begin;
    std::size_t end;
    std::vector<Reading> readings;
};

// Which lexemes are plain words: not inside a field's group (title:(...)).
std::vector<bool> plain_lexemes(const std::vector<Lexeme>& lexemes) {
    std::vector<bool> plain(lexemes.size(), false);
    std::vector<bool> fielded{false};  // per open group: inside a field's
    for (std::size_t i = 0; i < lexemes.size(); ++i) {
        const Lexeme& l = lexemes[i];
        if (l.type == Lexeme::Type::open) fielded.push_back(fielded.back() || !l.field.empty());
        if (l.type == Lexeme::Type::close && fielded.size() > 1) fielded.pop_back();
        plain[i] = !fielded.back() && is_plain(lexemes, i);
    }
    return plain;
}

std::vector<PlainRun> plain_runs(const std::vector<Lexeme>& lexemes) {
    std::vector<PlainRun> runs;
    std::vector<bool> plain = plain_lexemes(lexemes);
    for (std::size_t i = 0; i < lexemes.size();) {
        if (!plain[i]) {
            ++i;
            continue;
        }
        PlainRun run{i, i, {}};
        std::vector<std::string_view> typed;
        for (; run.end < lexemes.size() && plain[run.end]; ++run.end) {
            typed.push_back(lexemes[run.end].text);
        }
        run.readings = read_plain_words(typed);
        i = run.end;
        runs.push_back(std::move(run));
    }
    return runs;
}

// Whether anything but kind words and stopwords would be required: a word no
// reading takes, a comparison, a phrase, a fielded term.
bool has_required_part(const std::vector<Lexeme>& lexemes, const std::vector<PlainRun>& runs) {
    std::vector<bool> loose(lexemes.size(), false);
    for (const auto& run : runs) {
        for (const auto& r : run.readings) {
            if (r.as != Reading::As::kind && r.as != Reading::As::stopword) continue;
            for (std::size_t i = run.begin + r.begin; i < run.begin + r.end; ++i) loose[i] = true;
        }
    }
    for (std::size_t i = 0; i < lexemes.size(); ++i) {
        const Lexeme& l = lexemes[i];
        bool term = l.type == Lexeme::Type::word || l.type == Lexeme::Type::phrase;
        bool punctuation = l.type == Lexeme::Type::word && l.field.empty() &&
                           l.text.find(':') == std::string::npos && tokenize(l.text).empty();
        if (term && !l.negated && !loose[i] && !punctuation) return true;
    }
    return false;
}

std::vector<Lexeme> lexemes_of(std::string_view query) {
    std::vector<Lexeme> out = Lexer(query).run();
    out.pop_back();  // the end
    return out;
}

std::string words_text(const std::vector<Lexeme>& lexemes, std::size_t begin, std::size_t end) {
    std::string out;
    for (std::size_t i = begin; i < end; ++i) {
        if (!out.empty()) out += ' ';
        out += lexemes[i].text;
    }
    return out;
}

// The kind words of a query that has nothing else to require ("tomograms",
// "all datasets"): their words, or records of their kinds.
std::string required_kind_query(const std::string& words, const Reading& r) {
    std::string out = "(" + words;
    for (const auto& intent : r.intents) out += " OR (" + intent + ")";
    return out + ")";
}

// The query language alone, plain words taken as typed: what readings are
// written in (an intent of "points" holds the word Point).
Result<QueryNode> parse_language(std::string_view text) {
    static const ParseOptions kNone;
    return Parser(Lexer(text).run(), kNone).parse();
}

void add_intents(const Reading& r, ReadQuery& out) {
    for (const auto& text : r.intents) {
        auto node = parse_language(text);
        if (!node.ok()) continue;
        std::string key = node.value().describe();
        bool seen = std::any_of(out.intents.begin(), out.intents.end(),
                                [&](const QueryNode& n) { return n.describe() == key; });
        if (!seen) out.intents.push_back(std::move(node).value());
    }
}

// How the loose words of a query are taken: kind words and stopwords are
// optional when something else is required; else kind words are required
// (as their words or their kinds, any of them: "tomograms and tilt series"),
// and stopwords only when nothing else is there (a query of "the who" still
// searches them).
struct Looseness {
    bool kinds_required = false;
    bool stopwords_required = false;
    int kind_groups = 0;  // required kind groups written so far
    // Loose words (kind words, stopwords) read so far, folded: a repeat adds
    // nothing but cost ("the tomograms" typed 2,000 times took 6.5 s).
    std::set<std::string> loose_read;
};

// Applies one reading of lexemes [begin, end) to `into`.
void apply_reading(const Reading& r, std::vector<Lexeme>& lexemes, std::size_t begin,
                   std::size_t end, Looseness& loose, std::vector<Lexeme>& into, ReadQuery& out) {
    std::string words = words_text(lexemes, begin, end);
    bool loose_word = r.as == Reading::As::kind || r.as == Reading::As::stopword;
    if (loose_word && !loose.loose_read.insert(fold(words)).second) return;
    std::string replacement;
    switch (r.as) {
        case Reading::As::comparison:
        case Reading::As::flag:
            replacement = r.query;
            break;
        case Reading::As::kind:
            add_intents(r, out);
            if (loose.kinds_required) replacement = required_kind_query(words, r);
            break;
        case Reading::As::stopword:
            break;
    }
    if (!replacement.empty() && parse_language(replacement).ok()) {
        if (r.as == Reading::As::kind && loose.kind_groups++ > 0) {
            Lexeme any;
            any.type = Lexeme::Type::op_or;
            into.push_back(std::move(any));
        }
        auto more = lexemes_of(replacement);
        into.insert(into.end(), more.begin(), more.end());
        out.understood.push_back({words, std::string(describe_what(r)),
                                  r.as == Reading::As::kind ? describe_reading(r) : replacement});
        return;
    }
    bool optional = r.as == Reading::As::kind ||
                    (r.as == Reading::As::stopword && !loose.stopwords_required);
    for (std::size_t i = begin; i < end; ++i) {
        lexemes[i].optional = optional;
        into.push_back(std::move(lexemes[i]));
    }
    if (optional) out.understood.push_back({words, std::string(describe_what(r)), describe_reading(r)});
}

// Reads each run of plain words and applies what it reads.
void read_plain_words_of(std::vector<Lexeme>& lexemes, ReadQuery& out) {
    std::vector<PlainRun> runs = plain_runs(lexemes);
    bool has_kind = std::any_of(runs.begin(), runs.end(), [](const PlainRun& run) {
        return std::any_of(run.readings.begin(), run.readings.end(),
                           [](const Reading& r) { return r.as == Reading::As::kind; });
    });
    Looseness loose;
    loose.kinds_required = !has_required_part(lexemes, runs);
    loose.stopwords_required = loose.kinds_required && !has_kind;
    std::vector<Lexeme> result;
    std::size_t next = 0;
    for (const auto& run : runs) {
        for (; next < run.begin; ++next) result.push_back(std::move(lexemes[next]));
        for (const auto& r : run.readings) {
            for (; next < run.begin + r.begin; ++next) result.push_back(std::move(lexemes[next]));
            apply_reading(r, lexemes, run.begin + r.begin, run.begin + r.end, loose, result,
                          out);
            next = run.begin + r.end;
        }
    }
    for (; next < lexemes.size(); ++next) result.push_back(std::move(lexemes[next]));
    lexemes = std::move(result);
}

std::string describe_bound(const FieldSpec* spec, double v) {
    if (spec == nullptr) return format_number(v);
    if (spec->type == FieldType::date) {
        // days -> YYYY-MM-DD (civil from days, Howard Hinnant).
        long z = static_cast<long>(std::floor(v)) + 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        return fmt::format("{:04d}-{:02d}-{:02d}", y + (m <= 2 ? 1 : 0), m, d);
    }
    if (const Unit* unit = find_unit(spec->unit)) {
        return format_number(from_canonical(v, *unit)) + std::string(spec->unit);
    }
    return format_number(v);
}

}  // namespace

std::string QueryNode::describe() const {
    if (optional) {
        QueryNode required = *this;
        required.optional = false;
        return "~" + required.describe();
    }
    auto join = [&](std::string_view sep) {
        std::string out;
        for (const auto& c : children) {
            if (!out.empty()) out += sep;
            out += c.describe();
        }
        return out;
    };
    std::string f = field.empty() ? "" : field + ":";
    switch (kind) {
        case Kind::all:
            return "ALL";
        case Kind::words: {
            std::string words;
            for (const auto& t : tokens) {
                if (!words.empty()) words += ' ';
                words += t;
            }
            if (prefix) words += '*';
            return phrase ? f + "\"" + words + "\"" : f + words;
        }
        case Kind::exact:
            return field + "=" + value + (prefix ? "*" : "");
        case Kind::range: {
            const FieldSpec* spec = find_field(field);
            std::string lo_text = std::isinf(lo) ? "*" : describe_bound(spec, lo);
            std::string hi_text = std::isinf(hi) ? "*" : describe_bound(spec, hi);
            return fmt::format("{}:{}{}..{}{}", field, lo_inclusive ? '[' : '(', lo_text, hi_text,
                               hi_inclusive ? ']' : ')');
        }
        case Kind::and_:
            return "AND(" + join(", ") + ")";
        case Kind::or_:
            return "OR(" + join(", ") + ")";
        case Kind::not_:
            return "NOT(" + join(", ") + ")";
        case Kind::synonym:
            return "SYN(" + join(" | ") + ")";
    }
    return "?";
}

Result<ReadQuery> read_query(std::string_view text, const ParseOptions& options) {
    ReadQuery out;
    std::vector<Lexeme> lexemes = Lexer(text).run();
    read_plain_words_of(lexemes, out);
    Parser parser(std::move(lexemes), options);
    auto tree = parser.parse();
    if (!tree.ok()) return tree.error();
    out.tree = std::move(tree).value();
    return out;
}

Result<QueryNode> parse_query(std::string_view text, const ParseOptions& options) {
    auto read = read_query(text, options);
    if (!read.ok()) return read.error();
    return std::move(read.value().tree);
}

Result<QueryNode> parse_filter_value(std::string_view field, std::string_view value) {
    const FieldSpec* spec = find_field(field);
    if (spec == nullptr) {
        auto close = closest_field(field);
        return query_error(close.empty()
                               ? fmt::format("unknown field '{}'", field)
                               : fmt::format("unknown field '{}' (did you mean '{}'?)", field, close));
    }
    if (value.empty()) return query_error(fmt::format("a filter on {} has an empty value", field));
    return whole_value_term(*spec, value);
}

bool has_ranking_words(const QueryNode& node) {
    if (node.kind == QueryNode::Kind::not_) return false;
    if (node.kind == QueryNode::Kind::words) return true;
    return std::any_of(node.children.begin(), node.children.end(),
                       [](const QueryNode& c) { return has_ranking_words(c); });
}

std::vector<std::string> highlight_tokens(const QueryNode& node) {
    std::vector<std::string> out;
    if (node.kind == QueryNode::Kind::not_) return out;
    if (node.kind == QueryNode::Kind::words) {
        for (const auto& t : node.tokens) out.push_back(t);
        return out;
    }
    for (const auto& c : node.children) {
        auto sub = highlight_tokens(c);
        out.insert(out.end(), sub.begin(), sub.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace atlas::detail
