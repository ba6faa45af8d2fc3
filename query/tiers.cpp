// tiers.cpp - relaxable words and tiers of a match set (tiers.h).
#include "tiers.h"

namespace atlas::detail {
namespace {

using K = QueryNode::Kind;

bool is_relaxable(const QueryNode& n) {
    if (n.optional) return false;
    if (!n.field.empty()) return false;
    return n.kind == K::synonym || (n.kind == K::words && !n.phrase);
}

// A word as searched: its tokens; a synonym by its first spelling (as typed,
// or the best correction).
std::string label_of(const QueryNode& n) {
    if (n.kind == K::synonym && !n.children.empty()) return label_of(n.children.front());
    std::string out;
    auto add = [&out](const std::string& word) {
        if (!out.empty()) out += ' ';
        out += word;
    };
    for (const auto& t : n.tokens) add(t);
    // A spelling of several words ("colorectal cancer"): each word's label.
    for (const auto& c : n.children) add(label_of(c));
    if (out.empty()) out = n.describe();
    return out;
}

std::string joined(const std::string& a, const std::string& b) {
    return a.empty() ? b : b.empty() ? a : a + ", " + b;
}

QueryNode node_of(K kind) {
    QueryNode n;
    n.kind = kind;
    return n;
}

}  // namespace

std::optional<Relaxable> relaxable_words(const QueryNode& tree) {
    if (tree.kind != K::and_) return std::nullopt;
    Relaxable out;
    out.required = node_of(K::and_);
    out.ranking = node_of(K::and_);
    QueryNode any = node_of(K::or_);
    for (const auto& c : tree.children) {
        if (is_relaxable(c)) {
            out.words.push_back(&c);
            out.labels.push_back(label_of(c));
            any.children.push_back(c);
            continue;
        }
        // Optional parts restrict nothing; they still rank.
        if (!c.optional) out.required.children.push_back(c);
        out.ranking.children.push_back(c);
    }
    if (out.words.size() < 2) return std::nullopt;
    if (out.required.children.empty()) out.required = node_of(K::all);
    if (out.ranking.children.empty()) {
        out.ranking = std::move(any);
    } else {
        out.ranking.children.push_back(std::move(any));
    }
    return out;
}

std::vector<Bitmap> at_least(const std::vector<Bitmap>& sets) {
    std::vector<Bitmap> out(sets.size());
    for (std::size_t i = 0; i < sets.size(); ++i) {
        // Down from the top, so L[j - 1] is still the one before B_i.
        for (std::size_t j = i + 1; j-- > 1;) out[j] |= out[j - 1] & sets[i];
        out[0] |= sets[i];
    }
    return out;
}

std::vector<Tier> kind_first(const std::vector<Tier>& tiers, const Bitmap& first,
                             const std::string& label) {
    std::vector<Tier> in, out;
    for (const auto& t : tiers) {
        auto part = std::make_shared<const Bitmap>(*t.docs & first);
        if (part->size() == t.docs->size()) {  // the same set: keep it (ranking.h's all())
            in.push_back({t.docs, joined(t.label, label)});
            continue;
        }
        if (part->empty()) {
            out.push_back(t);
            continue;
        }
        out.push_back({std::make_shared<const Bitmap>(*t.docs - first), t.label});
        in.push_back({std::move(part), joined(t.label, label)});
    }
    in.insert(in.end(), out.begin(), out.end());
    return in;
}

std::vector<Tier> first_within(const std::vector<Tier>& tiers, const Bitmap& first,
                               const std::string& label) {
    std::vector<Tier> out;
    for (const auto& t : tiers) {
        auto part = std::make_shared<const Bitmap>(*t.docs & first);
        if (part->empty() || part->size() == t.docs->size()) {
            out.push_back(part->empty() ? t : Tier{t.docs, joined(t.label, label)});
            continue;
        }
        out.push_back({std::move(part), joined(t.label, label)});
        out.push_back({std::make_shared<const Bitmap>(*t.docs - first), t.label});
    }
    return out;
}

}  // namespace atlas::detail
