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
    std::size_t at = 0;
    while (at <= k.size()) {
        auto space = std::min(k.find(' ', at), k.size());
        key_words_.emplace(k.substr(at, space - at));
        at = space + 1;
    }
    entries_.emplace(std::move(k), std::move(e));
    max_key_tokens_ = std::max(max_key_tokens_, tokens);
}

void Vocabulary::add_group(const std::vector<std::string>& spellings) {
    for (const auto& a : spellings) {
        for (const auto& b : spellings) add(a, b);
    }
}

namespace {

// The tab-separated cells of `line`, as typed ("" for an empty one).
std::vector<std::string_view> cells(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (true) {
        auto tab = line.find('\t', at);
        out.push_back(line.substr(at, tab == std::string_view::npos ? line.npos : tab - at));
        if (tab == std::string_view::npos) return out;
        at = tab + 1;
    }
}

bool is_arrow(std::string_view cell) {
    while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
    while (!cell.empty() && cell.back() == ' ') cell.remove_suffix(1);
    return cell == ">";
}

// What is wrong with a line read into `line`, or "" when nothing is.
std::string_view line_error(const Vocabulary::Line& line, std::size_t arrows) {
    if (arrows > 1) return "more than one '>'";
    if (arrows == 1 && (line.names.empty() || line.narrower.empty())) {
        return "needs one or more spellings before '>' and one or more after it";
    }
    if (arrows == 0 && line.names.size() < 2) {
        return "needs two or more spellings separated by tabs";
    }
    return {};
}

}  // namespace

std::vector<Vocabulary::Line> Vocabulary::read_lines(std::string_view text,
                                                     std::vector<std::string>& errors) {
    std::vector<Line> out;
    std::size_t start = 0;
    for (std::size_t line_no = 1; start < text.size(); ++line_no) {
        auto end = text.find('\n', start);
        std::string_view row =
            text.substr(start, end == std::string_view::npos ? text.npos : end - start);
        start = end == std::string_view::npos ? text.size() : end + 1;
        if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
        if (row.empty() || row.front() == '#') continue;
        Line line;
        line.number = line_no;
        std::size_t arrows = 0;
        for (auto cell : cells(row)) {
            if (is_arrow(cell)) {
                ++arrows;
            } else if (!key_of(cell).empty()) {
                (arrows == 0 ? line.names : line.narrower).emplace_back(cell);
            }
        }
        if (auto error = line_error(line, arrows); !error.empty()) {
            errors.push_back("line " + std::to_string(line_no) + ": " + std::string(error));
            continue;
        }
        out.push_back(std::move(line));
    }
    return out;
}

void Vocabulary::add_line(const Line& line) {
    add_group(line.names);
    for (const auto& name : line.names) {
        for (const auto& word : line.narrower) add(name, word);
    }
}

void Vocabulary::add_file(std::string_view text, std::vector<std::string>& errors) {
    for (const auto& line : read_lines(text, errors)) add_line(line);
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
