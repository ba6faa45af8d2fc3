// vocabulary.cpp - the synonym table: reading, writing and expanding it.
#include "vocabulary.h"

#include <algorithm>

#include "text.h"

namespace atlas {

std::string Vocabulary::key_of(std::string_view text) {
    std::string out;
    for (const auto& t : tokenize(text)) {
        if (!out.empty()) out += ' ';
        out += t.term;
    }
    return out;
}

Vocabulary Vocabulary::parse(std::string_view text) {
    Vocabulary table;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        std::string_view line =
            text.substr(start, end == std::string_view::npos ? text.npos : end - start);
        auto tab = line.find('\t');
        if (tab != std::string_view::npos && tab > 0 && tab + 1 < line.size()) {
            table.add(line.substr(0, tab), line.substr(tab + 1));
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return table;
}

std::string Vocabulary::serialize() const {
    std::string out;
    for (const auto& [key, expansion] : entries_) {
        out += key;
        out += '\t';
        out += expansion;
        out += '\n';
    }
    return out;
}

void Vocabulary::add(std::string_view key, std::string_view expansion) {
    std::string k = key_of(key);
    std::string e = key_of(expansion);
    if (k.empty() || e.empty() || k == e) return;
    std::size_t tokens = 1 + static_cast<std::size_t>(std::count(k.begin(), k.end(), ' '));
    if (tokens > kMaxKeyTokens) return;
    auto [lo, hi] = entries_.equal_range(k);
    for (auto it = lo; it != hi; ++it) {
        if (it->second == e) return;
    }
    entries_.emplace(std::move(k), std::move(e));
    max_key_tokens_ = std::max(max_key_tokens_, tokens);
}

void Vocabulary::add_group(const std::vector<std::string>& spellings) {
    for (const auto& a : spellings) {
        for (const auto& b : spellings) add(a, b);
    }
}

void Vocabulary::add_file(std::string_view text, std::vector<std::string>& errors) {
    std::size_t start = 0;
    for (std::size_t line_no = 1; start < text.size(); ++line_no) {
        auto end = text.find('\n', start);
        std::string_view line =
            text.substr(start, end == std::string_view::npos ? text.npos : end - start);
        start = end == std::string_view::npos ? text.size() : end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        std::vector<std::string> spellings;
        std::size_t at = 0;
        while (at <= line.size()) {
            auto tab = line.find('\t', at);
            std::string_view cell =
                line.substr(at, tab == std::string_view::npos ? line.npos : tab - at);
            if (!key_of(cell).empty()) spellings.emplace_back(cell);
            if (tab == std::string_view::npos) break;
            at = tab + 1;
        }
        if (spellings.size() < 2) {
            errors.push_back("line " + std::to_string(line_no) +
                             ": needs two or more spellings separated by tabs");
            continue;
        }
        add_group(spellings);
    }
}

void Vocabulary::merge(const Vocabulary& other) {
    for (const auto& [key, expansion] : other.entries_) add(key, expansion);
}

std::vector<std::string> Vocabulary::expand(std::string_view key) const {
    std::vector<std::string> out;
    auto [lo, hi] = entries_.equal_range(key);
    for (auto it = lo; it != hi; ++it) out.push_back(it->second);
    return out;
}

}  // namespace atlas
