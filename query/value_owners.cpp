// value_owners.cpp - runs of plain words that are whole values, and who owns them (value_owners.h).
#include "value_owners.h"

#include <fmt/format.h>

#include <algorithm>

#include "schema/schema.h"

namespace atlas::detail {
namespace {

using K = QueryNode::Kind;

// One top-level part of the query as runs see it.
struct Slot {
    // The words as typed (a synonym's first spelling: what was typed, or its
    // correction; never the vocabulary's expansions, which would let "tumor"
    // name every diagnosis); nullopt when the part spells no plain words.
    std::optional<std::vector<std::string>> words;
    bool optional = false;  // a stopword or kind word: never a run alone
    // Free text a value must cover (else a field, range or flag: it only
    // breaks runs).  Free text that spells no plain words (a prefix, an OR
    // group) can never be covered: it turns the ordering off.
    bool text = false;
};

bool is_free_words(const QueryNode& n) { return n.kind == K::words && n.field.empty(); }

bool is_condition(const QueryNode& n) {
    return n.kind == K::exact || n.kind == K::range || !n.field.empty();
}

// Whether `n` holds free words a value would have to cover.  Excluded words
// do not; nor do words read as a field ("ground truth" -> (ground_truth:yes OR "ground truth"), an OR with a
// condition beside the words) are that field's, not free text.
bool has_free_words(const QueryNode& n) {
    if (is_free_words(n)) return true;
    if (n.kind == K::not_) return false;  // an exclusion names nothing to own
    if (n.kind == K::or_ && std::any_of(n.children.begin(), n.children.end(), is_condition)) {
        return false;
    }
    return std::any_of(n.children.begin(), n.children.end(), has_free_words);
}

// The tokens `n` spells if it is plain words (a synonym's spelling of
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
    s.text = has_free_words(n);
    if (is_free_words(n)) {
        s.words = spelling_of(n);
    } else if (n.kind == K::synonym && n.field.empty() && !n.children.empty()) {
        s.words = spelling_of(n.children.front());
    }
    return s;
}

std::vector<Slot> slots_of(const QueryNode& tree) {
    std::vector<Slot> out;
    if (tree.kind != K::and_) {
        out.push_back(slot_of(tree));
    } else {
        for (const auto& c : tree.children) out.push_back(slot_of(c));
    }
    return out;
}

// The text slots [i, i + len) spell: their words joined by spaces.
std::string text_of(const std::vector<Slot>& slots, std::size_t i, std::size_t len) {
    std::string out;
    for (std::size_t k = i; k < i + len; ++k) {
        for (const auto& t : *slots[k].words) {
            if (!out.empty()) out += ' ';
            out += t;
        }
    }
    return out;
}

// Whether a field's values name what a record is: the ranking's own measure,
// a free-text weight of 2 or more (organism, object, organ, assay, primary
// diagnosis, technique, ...).  Descriptive fields (cell component, tissue,
// tag, marker) are left out: the one dataset whose cell component is
// "ribosome" is not what "ribosome" names before the ribosome annotations.
constexpr unsigned kNamingWeight = 2;

// Looks a text up as a whole value of the naming keyword facets.
class ValueLookup {
  public:
    ValueLookup(const ColumnStore& columns, Evaluator& evaluator)
        : columns_(columns), evaluator_(evaluator) {
        for (const auto& spec : field_specs()) {
            if (spec.type == FieldType::keyword && spec.weight >= kNamingWeight &&
                is_facet(spec) && columns.facet(spec.name) != nullptr) {
                fields_.push_back(&spec);
            }
        }
    }

    // The value `text` is (or, typed in the plural, its singular is), with
    // the records owning it in any field; nullopt when no record owns it.
    std::optional<NamedValue> find(const std::string& text, Bitmap& owners) {
        if (auto found = find_exact(text, owners)) return found;
        if (auto one = singular(text)) return find_exact(*one, owners);
        return std::nullopt;
    }

  private:
    // "lungs" -> "lung", "multivesicular bodies" -> "multivesicular body":
    // English plurals of the last word, as people type names.
    static std::optional<std::string> singular(const std::string& text) {
        if (text.ends_with("ies") && text.size() > 4) return text.substr(0, text.size() - 3) + "y";
        if (text.ends_with("s") && !text.ends_with("ss") && text.size() > 3) {
            return text.substr(0, text.size() - 1);
        }
        return std::nullopt;
    }

    std::optional<NamedValue> find_exact(const std::string& text, Bitmap& owners) {
        const std::string exact = compact(text);  // exact_value() of a keyword
        NamedValue found;
        for (const auto* spec : fields_) {
            const FacetColumn* column = columns_.facet(spec->name);
            auto code = column->find(exact);
            if (!code) continue;
            const Bitmap& own = evaluator_.term_docs(own_term(*spec, exact));
            if (own.empty()) continue;
            if (found.field.empty()) found.words = std::string(column->display(*code));
            found.field += found.field.empty() ? "" : " or ";
            found.field += spec->name;
            owners |= own;
        }
        if (found.field.empty()) return std::nullopt;
        return found;
    }

    const ColumnStore& columns_;
    Evaluator& evaluator_;
    std::vector<const FieldSpec*> fields_;
};

// How many slots from `i` spell words (no field or phrase between), at most kMaxValueWords.
std::size_t words_from(const std::vector<Slot>& slots, std::size_t i) {
    std::size_t n = 0;
    while (i + n < slots.size() && slots[i + n].words && n < kMaxValueWords) ++n;
    return n;
}

struct Run {
    std::size_t len = 0;
    NamedValue value;
    Bitmap owners;
};

// The longest run from slot `i` that is a whole value (not of optional words alone).
std::optional<Run> longest_run_at(const std::vector<Slot>& slots, std::size_t i, ValueLookup& lookup) {
    for (std::size_t len = words_from(slots, i); len >= 1; --len) {
        bool all_optional = std::all_of(slots.begin() + static_cast<std::ptrdiff_t>(i),
                                        slots.begin() + static_cast<std::ptrdiff_t>(i + len),
                                        [](const Slot& s) { return s.optional; });
        if (all_optional) continue;
        Run run{len, {}, {}};
        if (auto value = lookup.find(text_of(slots, i, len), run.owners)) {
            run.value = std::move(*value);
            return run;
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<ValueOwners> value_owners(const QueryNode& tree, const ColumnStore& columns,
                                        Evaluator& evaluator) {
    auto slots = slots_of(tree);
    ValueLookup lookup(columns, evaluator);
    ValueOwners out;
    for (std::size_t i = 0; i < slots.size();) {
        auto run = longest_run_at(slots, i, lookup);
        if (!run) {
            // A word that is no value's: the words name more than values
            // ("Visium pancreas": an assay's word and an organ), and the
            // owner of one value is not the record they name.
            if (slots[i].text && !slots[i].optional) return std::nullopt;
            ++i;
            continue;
        }
        out.docs = out.values.empty() ? std::move(run->owners) : out.docs & run->owners;
        auto same = [&](const NamedValue& v) { return compact(v.words) == compact(run->value.words); };
        if (std::none_of(out.values.begin(), out.values.end(), same)) {
            out.values.push_back(std::move(run->value));
        }
        i += run->len;
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
