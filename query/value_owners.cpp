// value_owners.cpp - runs of plain words that are whole values, and who owns them (value_owners.h).
#include "value_owners.h"

#include <fmt/format.h>

#include "schema/schema.h"

namespace atlas::detail {
namespace {

using K = QueryNode::Kind;

// One word of the query as a run can use it: its spellings (a synonym has
// several: "s pombe", "schizosaccharomyces pombe"), each as tokens.
struct Slot {
    std::vector<std::vector<std::string>> spellings;
    bool optional = false;  // a stopword or kind word: never a run alone
    bool text = false;      // free text, which a value must cover (else a
                            // field, range or flag: it breaks runs only)
};

bool is_free_words(const QueryNode& n) { return n.kind == K::words && n.field.empty(); }

// The tokens `n` spells, if it is plain words (a synonym's spelling of
// several words may be their AND); nullopt for a prefix or anything else.
std::optional<std::vector<std::string>> spelling_of(const QueryNode& n) {
    if (is_free_words(n)) {
        if (n.prefix || n.tokens.empty()) return std::nullopt;
        return n.tokens;
    }
    if (n.kind != K::and_ || n.children.empty()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& c : n.children) {
        auto part = spelling_of(c);
        if (!part) return std::nullopt;
        out.insert(out.end(), part->begin(), part->end());
    }
    return out;
}

Slot slot_of(const QueryNode& n) {
    Slot s;
    s.optional = n.optional;
    if (is_free_words(n)) {
        s.text = true;
        if (auto t = spelling_of(n)) s.spellings.push_back(std::move(*t));
    } else if (n.kind == K::synonym && n.field.empty()) {
        s.text = true;
        for (const auto& c : n.children) {
            if (auto t = spelling_of(c)) s.spellings.push_back(std::move(*t));
        }
    }
    return s;
}

// The query's top-level parts in order.
std::vector<Slot> slots_of(const QueryNode& tree) {
    std::vector<Slot> out;
    if (tree.kind != K::and_) {
        out.push_back(slot_of(tree));
    } else {
        for (const auto& c : tree.children) out.push_back(slot_of(c));
    }
    return out;
}

// The keyword facet fields the columns hold: where a run's value is looked up.
std::vector<const FieldSpec*> keyword_facets(const ColumnStore& columns) {
    std::vector<const FieldSpec*> out;
    for (const auto& spec : field_specs()) {
        if (spec.type == FieldType::keyword && is_facet(spec) && columns.facet(spec.name)) {
            out.push_back(&spec);
        }
    }
    return out;
}

std::string joined(const std::vector<const std::vector<std::string>*>& parts) {
    std::string out;
    for (const auto* tokens : parts) {
        for (const auto& t : *tokens) {
            if (!out.empty()) out += ' ';
            out += t;
        }
    }
    return out;
}

// The texts slots [i, i + len) can spell: each spelling of a single slot, the
// first (as typed) of each of several.
std::vector<std::string> texts_of(const std::vector<Slot>& slots, std::size_t i, std::size_t len) {
    std::vector<std::string> out;
    if (len == 1) {
        for (const auto& s : slots[i].spellings) out.push_back(joined({&s}));
        return out;
    }
    std::vector<const std::vector<std::string>*> firsts;
    for (std::size_t k = i; k < i + len; ++k) firsts.push_back(&slots[k].spellings.front());
    out.push_back(joined(firsts));
    return out;
}

class RunFinder {
  public:
    RunFinder(const ColumnStore& columns, Evaluator& evaluator)
        : columns_(columns), evaluator_(evaluator), fields_(keyword_facets(columns)) {}

    // The owners of a whole value `text` spells, in any keyword facet field
    // (`found` names the first); empty when it is none.
    Bitmap owners(const std::string& text, NamedValue& found) {
        Bitmap out;
        const std::string exact = compact(text);  // exact_value() of a keyword
        for (const auto* spec : fields_) {
            if (!columns_.facet(spec->name)->find(exact)) continue;
            const Bitmap& own = evaluator_.term_docs(own_term(*spec, exact));
            if (own.empty()) continue;
            if (out.empty()) found = NamedValue{std::string(spec->name), text};
            out |= own;
        }
        return out;
    }

  private:
    const ColumnStore& columns_;
    Evaluator& evaluator_;
    std::vector<const FieldSpec*> fields_;
};

bool all_optional(const std::vector<Slot>& slots, std::size_t i, std::size_t len) {
    for (std::size_t k = i; k < i + len; ++k) {
        if (!slots[k].optional) return false;
    }
    return true;
}

// How many slots from `i` are spelled words (not broken by anything else).
std::size_t words_from(const std::vector<Slot>& slots, std::size_t i) {
    std::size_t n = 0;
    while (i + n < slots.size() && !slots[i + n].spellings.empty() && n < kMaxValueWords) ++n;
    return n;
}

}  // namespace

std::optional<ValueOwners> value_owners(const QueryNode& tree, const ColumnStore& columns,
                                        Evaluator& evaluator) {
    auto slots = slots_of(tree);
    RunFinder finder(columns, evaluator);
    ValueOwners out;
    for (std::size_t i = 0; i < slots.size();) {
        std::size_t taken = 0;
        for (std::size_t len = words_from(slots, i); len >= 1 && taken == 0; --len) {
            if (all_optional(slots, i, len)) continue;
            for (const auto& text : texts_of(slots, i, len)) {
                NamedValue found;
                Bitmap owners = finder.owners(text, found);
                if (owners.empty()) continue;
                if (out.values.empty()) {
                    out.docs = std::move(owners);
                } else {
                    out.docs &= owners;
                }
                out.values.push_back(std::move(found));
                taken = len;
                break;
            }
        }
        // A word that is no value's: the words name more than values
        // ("Visium pancreas": an assay's word and an organ), and the owner
        // of one value is not the record they name.
        if (taken == 0 && slots[i].text && !slots[i].optional) return std::nullopt;
        i += std::max<std::size_t>(taken, 1);
    }
    if (out.values.empty() || out.docs.empty()) return std::nullopt;
    return out;
}

std::string describe(const ValueOwners& owners) {
    std::string out;
    for (const auto& v : owners.values) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{} \"{}\"", v.field, v.words);
    }
    return out + " itself";
}

}  // namespace atlas::detail
