// snippet.cpp - passage selection by distinct matched words.
#include "snippet.h"

#include <algorithm>
#include <set>

#include "schema/text.h"

namespace atlas::detail {
namespace {

constexpr std::string_view kEllipsis = "\u2026";

// Whitespace and control characters collapse to one space, so a snippet is one line.
std::string one_line(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (char c : s) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (static_cast<unsigned char>(c) < 0x20) continue;
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

struct Scored {
    std::string text;
    std::vector<Token> tokens;
    std::vector<bool> hit;
    std::size_t distinct = 0;
};

Scored score(std::string_view raw, const WordMatcher& m) {
    Scored s;
    s.text = one_line(raw);
    s.tokens = tokenize(s.text);
    s.hit.resize(s.tokens.size());
    std::set<std::string> seen;
    for (std::size_t i = 0; i < s.tokens.size(); ++i) {
        s.hit[i] = m.matches(s.tokens[i].term);
        if (s.hit[i]) seen.insert(s.tokens[i].term);
    }
    s.distinct = seen.size();
    return s;
}

}  // namespace

WordMatcher::WordMatcher(const std::vector<std::string>& query_tokens) {
    for (const auto& t : query_tokens) {
        raw_.push_back(t);
        stems_.push_back(has_digit(t) ? t : stem(t));
    }
}

bool WordMatcher::matches(std::string_view token) const {
    if (raw_.empty()) return false;
    if (std::find(raw_.begin(), raw_.end(), token) != raw_.end()) return true;
    if (has_digit(token)) return false;
    // Stemming is the cost of a snippet; a word can only share a stem whose
    // first letters it begins with (English stems change at most the last
    // letter of what they keep: "bodies" -> "bodi", "dying" -> "die").
    bool possible = false;
    for (const auto& s : stems_) {
        std::size_t keep = std::min<std::size_t>(s.empty() ? 0 : s.size() - 1, 3);
        if (token.substr(0, keep) == std::string_view(s).substr(0, keep)) {
            possible = true;
            break;
        }
    }
    if (!possible) return false;
    std::string s = stem(token);
    return std::find(stems_.begin(), stems_.end(), s) != stems_.end();
}

Highlighted highlight(std::string_view text, const WordMatcher& matcher) {
    Highlighted out;
    out.text = std::string(text);
    if (matcher.empty()) return out;
    for (const auto& t : tokenize(out.text)) {
        if (matcher.matches(t.term)) out.marks.emplace_back(t.begin, t.end);
    }
    return out;
}

Highlighted make_snippet(const std::vector<std::string_view>& texts, const WordMatcher& matcher,
                         std::size_t max_bytes) {
    Highlighted out;
    if (texts.empty()) return out;
    Scored best;
    bool have = false;
    for (auto t : texts) {
        Scored s = score(t, matcher);
        if (s.text.empty()) continue;
        if (!have || s.distinct > best.distinct) {
            best = std::move(s);
            have = true;
        }
    }
    if (!have) return out;

    // Start a little before the match that begins the window with the most
    // distinct matched words.
    std::size_t start = 0;
    if (best.text.size() > max_bytes && best.distinct > 0) {
        std::size_t best_count = 0;
        for (std::size_t i = 0; i < best.tokens.size(); ++i) {
            if (!best.hit[i]) continue;
            std::size_t from = i >= 3 ? i - 3 : 0;
            std::size_t begin = best.tokens[from].begin;
            std::set<std::string_view> in_window;
            for (std::size_t j = from; j < best.tokens.size(); ++j) {
                if (best.tokens[j].end - begin > max_bytes) break;
                if (best.hit[j]) in_window.insert(best.tokens[j].term);
            }
            if (in_window.size() > best_count) {
                best_count = in_window.size();
                start = from;
            }
        }
    }
    std::size_t begin = best.tokens.empty() ? 0 : best.tokens[start].begin;
    if (start == 0) begin = 0;
    std::size_t end = best.text.size();
    if (end - begin > max_bytes) {
        end = begin;
        for (std::size_t j = start; j < best.tokens.size(); ++j) {
            if (best.tokens[j].end - begin > max_bytes) break;
            end = best.tokens[j].end;
        }
        if (end == begin) {
            end = begin + std::min(max_bytes, best.text.size() - begin);
            while (end > begin && end < best.text.size() &&
                   (static_cast<unsigned char>(best.text[end]) & 0xC0) == 0x80) {
                --end;  // never split a UTF-8 character
            }
        }
    }
    std::size_t shift = 0;
    if (begin > 0) {
        out.text = std::string(kEllipsis);
        shift = kEllipsis.size();
    }
    out.text += best.text.substr(begin, end - begin);
    for (std::size_t i = 0; i < best.tokens.size(); ++i) {
        const Token& t = best.tokens[i];
        if (best.hit[i] && t.begin >= begin && t.end <= end) {
            out.marks.emplace_back(t.begin - begin + shift, t.end - begin + shift);
        }
    }
    if (end < best.text.size()) out.text += kEllipsis;
    return out;
}

}  // namespace atlas::detail
