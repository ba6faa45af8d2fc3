// spelling.cpp - the closest index words to a misspelt one.
#include "spelling.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "query_builder.h"

namespace atlas::detail {
namespace {

constexpr std::size_t kMinLetters = 4;   // shorter words are never corrected
constexpr std::size_t kMaxLetters = 32;  // longer ones are not words
constexpr std::size_t kMaxCorrections = 3;
// A word found this rarely is still corrected when a close word is this many
// times more common ("ribosme" in one description, "ribosome" everywhere).
constexpr Xapian::doccount kRare = 2;
constexpr Xapian::doccount kCommonFactor = 50;

bool plain_word(std::string_view w) {
    if (w.size() < kMinLetters || w.size() > kMaxLetters) return false;
    return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}


bool correctable(const QueryNode& n) {
    return n.kind == QueryNode::Kind::words && !n.phrase && !n.prefix && n.tokens.size() == 1 &&
           plain_word(n.tokens.front());
}

}  // namespace

unsigned allowed_edits(std::size_t letters) {
    if (letters >= 8) return 2;
    if (letters >= kMinLetters) return 1;
    return 0;
}

unsigned edit_distance(std::string_view a, std::string_view b, unsigned max) {
    std::size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > max) return max + 1;
    // Three rows of the optimal-string-alignment table.
    std::array<unsigned, kMaxLetters + 2> rows[3];
    if (m > kMaxLetters) return max + 1;
    auto* prev2 = &rows[0];
    auto* prev = &rows[1];
    auto* cur = &rows[2];
    for (std::size_t j = 0; j <= m; ++j) (*prev)[j] = static_cast<unsigned>(j);
    for (std::size_t i = 1; i <= n; ++i) {
        (*cur)[0] = static_cast<unsigned>(i);
        unsigned row_min = (*cur)[0];
        for (std::size_t j = 1; j <= m; ++j) {
            unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            unsigned v = std::min({(*prev)[j] + 1, (*cur)[j - 1] + 1, (*prev)[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                v = std::min(v, (*prev2)[j - 2] + 1);
            }
            (*cur)[j] = v;
            row_min = std::min(row_min, v);
        }
        if (row_min > max) return max + 1;
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return std::min((*prev)[m], max + 1);
}

void Spelling::load() {
    loaded_ = true;
    by_length_.assign(kMaxLetters + 1, {});
    // Unprefixed terms are the free text's words; prefixed ones start upper case.
    for (char c = 'a'; c <= 'z'; ++c) {
        std::string start(1, c);
        for (auto it = db_.allterms_begin(start); it != db_.allterms_end(start); ++it) {
            const std::string& w = *it;
            if (!plain_word(w)) continue;
            by_length_[w.size()].emplace_back(w, it.get_termfreq());
        }
    }
}

std::vector<Spelling::Candidate> Spelling::near(std::string_view word, std::size_t max) {
    std::vector<Candidate> out;
    if (!plain_word(word)) return out;
    if (!loaded_) load();
    unsigned edits = allowed_edits(word.size());
    unsigned best = edits + 1;
    std::size_t lo = word.size() > edits ? word.size() - edits : 0;
    std::size_t hi = std::min(kMaxLetters, word.size() + edits);
    for (std::size_t len = std::max(lo, kMinLetters); len <= hi; ++len) {
        for (const auto& [w, freq] : by_length_[len]) {
            if (w == word) continue;
            unsigned d = edit_distance(word, w, std::min(edits, best));
            if (d > edits || d > best) continue;
            if (d < best) {
                best = d;
                out.clear();
            }
            out.push_back({w, d, freq});
        }
    }
    std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
        return a.freq != b.freq ? a.freq > b.freq : a.word < b.word;
    });
    if (out.size() > max) out.resize(max);
    return out;
}

// Xapian's count still holds the documents an update deleted (as many as
// deleted() at most): the live count is read only when they could matter.
Xapian::doccount Spelling::freq(const std::string& term) const {
    Xapian::doccount stale = db_.get_termfreq(term);
    if (live_ == nullptr || live_->deleted_count() == 0 ||
        stale > kRare + live_->deleted_count()) {
        return stale;
    }
    return static_cast<Xapian::doccount>(live_->term_docs(term).size());
}

// How many documents the words node's own terms match (any of them).
Xapian::doccount Spelling::matches(const QueryNode& n) const {
    Xapian::doccount most = 0;
    for (const auto& t : single_word_terms(n, db_)) most = std::max(most, freq(t));
    return most;
}

std::vector<Correction> Spelling::correct(QueryNode& tree, const Vocabulary* vocabulary) {
    std::vector<Correction> out;
    std::vector<QueryNode*> stack{&tree};
    while (!stack.empty()) {
        QueryNode* n = stack.back();
        stack.pop_back();
        if (!correctable(*n)) {
            // What a NOT excludes is taken as typed, and so are the vocabulary's
            // alternatives ("fission yeast" is nobody's misspelling).
            if (n->kind != QueryNode::Kind::not_ && n->kind != QueryNode::Kind::synonym) {
                for (auto& c : n->children) stack.push_back(&c);
            }
            continue;
        }
        if (vocabulary != nullptr && vocabulary->knows_word(n->tokens.front())) continue;
        Xapian::doccount own = matches(*n);
        if (own > kRare) continue;
        std::vector<QueryNode> replacements;
        Correction fix{n->tokens.front(), {}};
        for (const auto& cand : near(n->tokens.front(), 4 * kMaxCorrections)) {
            QueryNode alt = *n;
            alt.tokens = {cand.word};
            // In a field, the correction must be a word of that field.
            Xapian::doccount found = matches(alt);
            if (found == 0) continue;
            if (own > 0 && found < kCommonFactor * own) continue;
            replacements.push_back(std::move(alt));
            fix.to.push_back(cand.word);
            if (replacements.size() == kMaxCorrections) break;
        }
        if (replacements.empty()) continue;
        if (own > 0) replacements.insert(replacements.begin(), *n);  // keep the rare word too
        QueryNode alternatives;
        alternatives.kind = QueryNode::Kind::synonym;
        alternatives.field = n->field;
        alternatives.children = std::move(replacements);
        *n = std::move(alternatives);
        out.push_back(std::move(fix));
    }
    return out;
}

std::string corrected_query(std::string_view query, const std::vector<Correction>& corrections) {
    std::string out;
    std::size_t i = 0;
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    while (i < query.size()) {
        if (!is_word(query[i])) {
            out += query[i++];
            continue;
        }
        std::size_t j = i;
        while (j < query.size() && is_word(query[j])) ++j;
        std::string word(query.substr(i, j - i));
        std::string lower = word;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto fix = std::find_if(corrections.begin(), corrections.end(),
                                [&](const Correction& c) { return c.from == lower && !c.to.empty(); });
        out += fix != corrections.end() ? fix->to.front() : word;
        i = j;
    }
    return out;
}

}  // namespace atlas::detail
