// acronyms.cpp - Schwartz & Hearst style abbreviation definitions ("long form (SHORT)").
#include "acronyms.h"

#include <algorithm>

namespace atlas::detail {
namespace {

constexpr std::size_t min_short_size = 2;
constexpr std::size_t max_short_size = 12;
constexpr std::size_t npos = std::string_view::npos;

// ASCII-only classification: <cctype> depends on the locale and is undefined
// for negative chars, and every byte >= 0x80 here is part of UTF-8.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_letter(c) || is_digit(c); }
char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes of multi-byte UTF-8 characters are word characters, so a word never
// starts in the middle of one.
bool is_word_char(char c) { return is_alnum(c) || static_cast<unsigned char>(c) >= 0x80; }

// Ends the clause the long form must lie in.
bool is_boundary(char c) { return c == '.' || c == ';' || c == ':' || c == '(' || c == ')'; }

std::size_t count_letters(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), is_letter));
}
std::size_t count_alnum(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), is_alnum));
}

// Whether the text between the parentheses can be a short form (see acronyms.h).
// The punctuation allowed is what real short forms use: "H&E", "scRNA-seq",
// "U.S.", "CD4+"; anything else ("=", "<", ",", spaces) means it is not one.
bool is_short_form(std::string_view s) {
    if (s.size() < min_short_size || s.size() > max_short_size || !is_alnum(s.front())) {
        return false;
    }
    constexpr std::string_view punctuation = "-&/+._'";
    bool upper = false;
    for (char c : s) {
        if (!is_alnum(c) && punctuation.find(c) == npos) return false;
        upper = upper || is_upper(c);
    }
    return upper && count_letters(s) >= 2;
}

// The long-form candidate: the last `max_words` white-space separated words of
// text[0, end), not reaching back past a clause boundary.  text[end - 1] is not
// white space.  The scan stops at the first "(" or ")", so the scans of
// successive candidates never overlap.
std::string_view candidate(std::string_view text, std::size_t end, std::size_t max_words) {
    std::size_t begin = end;
    std::size_t words = 0;
    while (begin > 0) {
        char c = text[begin - 1];
        if (is_boundary(c)) break;
        // Scanning backwards, a non-space byte followed by space (or `end`)
        // is the last byte of a new word.
        if (!is_space(c) && (begin == end || is_space(text[begin]))) {
            if (words == max_words) break;
            ++words;
        }
        --begin;
    }
    while (begin < end && is_space(text[begin])) ++begin;
    return text.substr(begin, end - begin);
}

// Where the long form starts in `cand`, or npos.  Each letter or digit of the
// short form, last first, is looked for (case-insensitively) further back in
// `cand` than the previous one; the first must also start a word.  Other
// characters of the short form ("-", "&") need no counterpart.  The search
// only moves backwards, so this is linear in cand.size().
std::size_t match_start(std::string_view short_form, std::string_view cand) {
    std::size_t at = cand.size();  // the next search starts just before `at`
    for (std::size_t s = short_form.size(); s-- > 0;) {
        char want = to_lower(short_form[s]);
        if (!is_alnum(want)) continue;
        const bool first = s == 0;  // is_short_form: short_form[0] is alphanumeric
        for (;;) {
            if (at == 0) return npos;
            --at;
            if (to_lower(cand[at]) != want) continue;
            if (!first || at == 0 || !is_word_char(cand[at - 1])) break;
        }
    }
    return at;
}

// The final sanity checks.  A long form no longer than its short form (which
// includes being equal to it) defines nothing; a single word must be clearly
// longer, which keeps "Tis (TS)"-like coincidences out while accepting
// "Immunohistochemistry (IHC)" and "cyclic-immunofluorescence (CyCIF)".
bool plausible(std::string_view long_form, std::string_view short_form) {
    if (long_form.size() <= short_form.size()) return false;
    const bool one_word = std::none_of(long_form.begin(), long_form.end(), is_space);
    return !one_word || long_form.size() >= 2 * count_alnum(short_form);
}

}  // namespace

std::vector<Acronym> find_acronyms(std::string_view text) {
    std::vector<Acronym> out;
    for (std::size_t open = text.find('('); open != npos; open = text.find('(', open + 1)) {
        // The short form ends at the first ")" within reach; a "(" first means
        // nesting (the inner one gets its own turn), nothing means too long.
        std::string_view reach = text.substr(open + 1, max_short_size + 1);
        std::size_t rel_close = reach.find_first_of("()");
        if (rel_close == npos || reach[rel_close] != ')') continue;
        std::string_view short_form = reach.substr(0, rel_close);
        if (!is_short_form(short_form)) continue;

        // "long form (SHORT)": white space, then the long form's last byte.
        std::size_t end = open;
        while (end > 0 && is_space(text[end - 1])) --end;
        if (end == open) continue;

        const std::size_t letters = count_letters(short_form);
        std::string_view cand = candidate(text, end, std::min(letters + 5, 2 * letters));
        std::size_t start = match_start(short_form, cand);
        if (start == npos) continue;
        std::string_view long_form = cand.substr(start);
        if (!plausible(long_form, short_form)) continue;
        out.push_back({std::string(short_form), std::string(long_form)});
    }
    return out;
}

}  // namespace atlas::detail
