// text.cpp - tokenizer, folding and stemming on top of Xapian's Unicode tables.
#include "text.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>

namespace atlas {
namespace {

bool is_word_char(unsigned ch) {
    if (ch == '_') return false;  // snake_case values read as separate words
    return Xapian::Unicode::is_wordchar(ch);
}

bool is_digit_char(unsigned ch) { return ch >= '0' && ch <= '9'; }

// Cuts a UTF-8 string to at most `limit` bytes without splitting a character.
void cut_utf8(std::string& s, std::size_t limit) {
    if (s.size() <= limit) return;
    std::size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
}

// Calls `word` with each word of `text`, however long.
template <class Word>
void each_word(std::string_view text, Word word) {
    Xapian::Utf8Iterator it(text.data(), text.size());
    Xapian::Utf8Iterator end;
    const char* base = text.data();
    while (it != end) {
        if (!is_word_char(*it)) {
            ++it;
            continue;
        }
        Token token;
        token.begin = static_cast<std::size_t>(it.raw() - base);
        unsigned prev = 0;
        while (it != end) {
            unsigned ch = *it;
            if (is_word_char(ch)) {
                Xapian::Unicode::append_utf8(token.term, Xapian::Unicode::tolower(ch));
                prev = ch;
                ++it;
                continue;
            }
            // "13.48", "1,000": keep a separator that sits between two digits.
            if ((ch == '.' || ch == ',') && is_digit_char(prev)) {
                Xapian::Utf8Iterator next = it;
                ++next;
                if (next != end && is_digit_char(*next)) {
                    token.term.push_back(static_cast<char>(ch));
                    prev = ch;
                    ++it;
                    continue;
                }
            }
            break;
        }
        token.end = it == end ? text.size() : static_cast<std::size_t>(it.raw() - base);
        word(std::move(token));
    }
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
    std::vector<Token> out;
    each_word(text, [&](Token&& token) {
        if (token.term.size() <= kMaxWordBytes) out.push_back(std::move(token));
    });
    return out;
}

std::string_view overlong_word(std::string_view text) {
    std::string_view found;
    each_word(text, [&](Token&& token) {
        if (found.empty() && token.term.size() > kMaxWordBytes) {
            found = text.substr(token.begin, token.end - token.begin);
        }
    });
    return found;
}

std::string fold(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (Xapian::Utf8Iterator it(text.data(), text.size()), end; it != end; ++it) {
        unsigned ch = *it;
        if (Xapian::Unicode::get_category(ch) == Xapian::Unicode::SPACE_SEPARATOR || ch == '\t' ||
            ch == '\n' || ch == '\r') {
            pending_space = !out.empty();
            continue;
        }
        if (ch < 0x20) continue;  // other control characters carry no meaning
        if (pending_space) out.push_back(' ');
        pending_space = false;
        Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(ch));
    }
    cut_utf8(out, kMaxExactBytes);
    return out;
}

bool has_digit(std::string_view word) {
    return std::any_of(word.begin(), word.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string stem(std::string_view word) {
    if (word.empty() || has_digit(word)) return std::string(word);
    // Xapian::Stem objects are not safe to share between threads.
    thread_local Xapian::Stem stemmer("english");
    return stemmer(std::string(word));
}

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cap) {
    if (a.size() > b.size()) std::swap(a, b);
    if (b.size() - a.size() > cap) return cap + 1;
    std::vector<std::size_t> row(a.size() + 1);
    for (std::size_t i = 0; i <= a.size(); ++i) row[i] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t diagonal = row[0];
        row[0] = j;
        std::size_t best = row[0];
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t up = row[i];
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[i] = std::min({row[i] + 1, row[i - 1] + 1, diagonal + cost});
            diagonal = up;
            best = std::min(best, row[i]);
        }
        if (best > cap) return cap + 1;
    }
    return std::min(row[a.size()], cap + 1);
}

namespace {

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    }
    return n;
}

}  // namespace

bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = utf8_sequence(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string repair_utf8(std::string_view text, std::size_t& replaced) {
    replaced = 0;
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = utf8_sequence(text, i);
        if (n == 0) {
            out += "\uFFFD";
            ++replaced;
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

}  // namespace atlas
