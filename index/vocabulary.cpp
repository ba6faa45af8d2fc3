// vocabulary.cpp - deriving binomial abbreviations from organism names.
#include "atlas/vocabulary.h"

#include <algorithm>
#include <set>

#include "atlas/text.h"

namespace atlas {
namespace {

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

bool all_of_class(std::string_view w, bool (*ok)(char)) {
    return !w.empty() && std::all_of(w.begin(), w.end(), ok);
}

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_lower_or_hyphen(char c) { return is_lower(c) || c == '-'; }

// "Schizosaccharomyces", not "MLV" or "Sprague".
bool is_genus(std::string_view w) {
    return w.size() >= 3 && w[0] >= 'A' && w[0] <= 'Z' && all_of_class(w.substr(1), is_lower);
}

// "pombe", "flos-aquae"; not "sp." or "Dawley".
bool is_epithet(std::string_view w) {
    return w.size() >= 3 && is_lower(w[0]) && all_of_class(w, is_lower_or_hyphen) && w != "sp" &&
           w != "spp";
}

std::string joined_tokens(std::string_view text) {
    std::string out;
    for (const auto& t : tokenize(text)) {
        if (!out.empty()) out += ' ';
        out += t.term;
    }
    return out;
}

}  // namespace

Abbreviations Abbreviations::derive(const std::vector<std::string>& organism_names) {
    Abbreviations table;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& name : organism_names) {
        auto words = split_spaces(name);
        if (words.size() < 2 || !is_genus(words[0]) || !is_epithet(words[1])) continue;
        // "Severe acute respiratory syndrome ..." reads like a genus and an
        // epithet but goes on in lower-case words; binomials go on, if at all,
        // with strains, ranks ("subsp.") or codes.
        if (words.size() >= 3 && all_of_class(words[2], is_lower)) continue;
        std::string species = joined_tokens(words[1]);
        std::string key =
            std::string(1, static_cast<char>(words[0][0] - 'A' + 'a')) + " " + species;
        std::string expansion = joined_tokens(words[0]) + " " + species;
        if (seen.emplace(key, expansion).second) table.entries_.emplace(key, expansion);
    }
    return table;
}

Abbreviations Abbreviations::parse(std::string_view text) {
    Abbreviations table;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        std::string_view line =
            text.substr(start, end == std::string_view::npos ? text.npos : end - start);
        auto tab = line.find('\t');
        if (tab != std::string_view::npos && tab > 0 && tab + 1 < line.size()) {
            table.entries_.emplace(std::string(line.substr(0, tab)),
                                   std::string(line.substr(tab + 1)));
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return table;
}

std::string Abbreviations::serialize() const {
    std::string out;
    for (const auto& [key, expansion] : entries_) {
        out += key;
        out += '\t';
        out += expansion;
        out += '\n';
    }
    return out;
}

std::vector<std::string> Abbreviations::expand(std::string_view key) const {
    std::vector<std::string> out;
    auto [lo, hi] = entries_.equal_range(key);
    for (auto it = lo; it != hi; ++it) out.push_back(it->second);
    return out;
}

}  // namespace atlas
