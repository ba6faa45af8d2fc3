// document_mapper.cpp - terms, positions, weights and value slots for one record.
//
// Ranking weights: a value's free-text terms get the field's weight for the
// record's own values and half of it (at least 1) for inherited context and
// rolled-up facts, so an annotation of a ribosome outranks a dataset that
// merely contains one, and both outrank records that only inherit the words.
// Fielded words (organ:kidney, level:"Level 2") weigh the same way: 2 for an
// own value, 1 for an inherited or rolled-up one, so the level-2 file ranks
// above the participant that rolls its level up.  Own keyword and boolean
// values also get an owner term (schema.h own_term), for ranking owners first
// under a filter.
#include "document_mapper.h"

#include <algorithm>
#include <map>

#include "schema/schema.h"
#include "schema/text.h"

namespace atlas::detail {
namespace {

// Positions of successive values are this far apart, so a phrase never spans two values.
constexpr Xapian::termpos kValueGap = 100;

unsigned weight_for(const FieldSpec& spec, Origin origin) {
    if (spec.weight == 0) return 0;
    if (origin == Origin::own) return spec.weight;
    return std::max(1u, spec.weight / 2);
}

// The within-document frequency of a fielded word: what the record holds
// itself weighs twice what it inherits or rolls up.
unsigned field_wdf(Origin origin) { return origin == Origin::own ? 2 : 1; }

// Weights of one value's words: in its field, and in free text (0 = not there).
struct WordWeights {
    unsigned field;
    unsigned free;
};

WordWeights weights_for(const FieldSpec& spec, Origin origin) {
    return {field_wdf(origin), weight_for(spec, origin)};
}

class TermWriter {
  public:
    explicit TermWriter(Xapian::Document& doc) : doc_(doc) {}

    // Words of `text` under `prefix` with `w.field`, and in free text with
    // `w.free` (0 = not in free text), where they are also stemmed.  Positions
    // (what phrases need) are written once: on the free-text words, which a
    // phrase in a field reads too (query_builder.cpp), or on the field's words
    // when it is kept out of free text.  Each position is a B-tree entry Xapian
    // writes as the document is added: two copies were half the build.
    void words(std::string_view prefix, std::string_view text, WordWeights w) {
        auto tokens = tokenize(text);
        for (const auto& t : tokens) {
            ++pos_;
            if (!prefix.empty()) {
                if (w.free > 0) {
                    doc_.add_term(word_term(prefix, t.term), w.field);
                } else {
                    doc_.add_posting(word_term(prefix, t.term), pos_, w.field);
                }
            }
            if (w.free > 0) {
                doc_.add_posting(t.term, pos_, w.free);
                if (!has_digit(t.term)) doc_.add_term(stem_term(t.term), w.free);
            }
        }
        pos_ += kValueGap;
    }

    // The whole value (filters, facets).
    void exact(std::string_view prefix, std::string_view value) {
        if (value.empty()) return;
        doc_.add_boolean_term(exact_term(prefix, value));
    }
    // A keyword's or boolean's whole value, and its owner term when the record
    // holds it itself and it is a facet (what filters name; not file names,
    // which would add a term per file for filters no one makes).
    void exact(const FieldSpec& spec, std::string_view value, Origin origin) {
        if (value.empty()) return;
        doc_.add_boolean_term(exact_term(spec.prefix, value));
        if (origin == Origin::own && is_facet(spec)) doc_.add_boolean_term(own_term(spec, value));
    }

  private:
    Xapian::Document& doc_;
    Xapian::termpos pos_ = 0;
};

// Identity and reference terms (schema.h): what an id typed as the whole
// query finds first.
void add_id_terms(Xapian::Document& doc, const Record& record) {
    const FieldSpec* id_spec = find_field("id");
    doc.add_boolean_term(identity_term(*id_spec, exact_value(*id_spec, record.id)));
    for (const auto& alias : record.aliases) {
        doc.add_boolean_term(identity_term(*id_spec, exact_value(*id_spec, alias)));
    }
    std::map<std::string_view, std::size_t> own_count;
    for (const auto& v : record.values) {
        if (v.origin == Origin::own) ++own_count[v.field];
    }
    for (const auto& v : record.values) {
        if (v.origin != Origin::own) continue;
        const FieldSpec* spec = find_field(v.field);
        if (spec == nullptr || !is_reference_field(*spec)) continue;
        std::string exact = exact_value(*spec, v.text);
        if (exact.empty()) continue;
        // A publication lists the htan_ids of its files: several own values
        // of a per-record id field are references, one is the record's own.
        bool identity = spec->name == record.kind ||
                        (is_identity_field(*spec) && own_count[v.field] == 1);
        doc.add_boolean_term(identity ? identity_term(*spec, exact) : reference_term(*spec, exact));
    }
}

// kSlotBrowseOrder: kind rank, then folded id.
std::string browse_key(const Record& record) {
    std::string order(1, static_cast<char>('0' + kind_rank(record.kind)));
    order += fold(record.id);
    return order;
}

}  // namespace

std::string rank_tie_key(const Record& record) {
    bool ground_truth = false, curated = false;
    double quality = 0;
    for (const auto& v : record.values) {
        if (v.field == "ground_truth" && v.number != 0) ground_truth = true;
        if (v.field == "curator_recommended" && v.number != 0) curated = true;
        if (v.field == "quality" || v.field == "quality_best") quality = std::max(quality, v.number);
    }
    std::string tie;
    tie += ground_truth ? '0' : '1';
    tie += curated ? '0' : '1';
    tie += static_cast<char>('9' - static_cast<int>(std::clamp(quality, 0.0, 9.0)));
    return tie + browse_key(record);
}

Xapian::Document make_document(const Record& record) {
    Xapian::Document doc;
    TermWriter terms(doc);
    doc.add_boolean_term(id_term(record.id));
    const FieldSpec* id_spec = find_field("id");
    terms.exact(id_spec->prefix, exact_value(*id_spec, record.id));
    for (const auto& alias : record.aliases)
        terms.exact(id_spec->prefix, exact_value(*id_spec, alias));
    const FieldSpec* kind = find_field("kind");
    terms.exact(kind->prefix, exact_value(*kind, record.kind));
    const FieldSpec* source = find_field("source");
    terms.exact(source->prefix, exact_value(*source, record.source));
    const FieldSpec* title = find_field("title");
    terms.words(title->prefix, record.title, weights_for(*title, Origin::own));

    std::map<int, std::vector<double>> slots;
    for (const auto& v : record.values) {
        const FieldSpec* spec = find_field(v.field);
        if (spec == nullptr) continue;
        WordWeights weight = weights_for(*spec, v.origin);
        switch (spec->type) {
            case FieldType::text:
                terms.words(spec->prefix, v.text, weight);
                break;
            case FieldType::keyword:
                terms.exact(*spec, exact_value(*spec, v.text), v.origin);
                terms.words(spec->prefix, v.text, weight);
                if (!v.original.empty()) terms.words(spec->prefix, v.original, weight);
                break;
            case FieldType::identifier: {
                std::string exact = exact_value(*spec, v.text);
                if (spec->prefix_separator != '\0') {
                    for (auto sep = exact.find(spec->prefix_separator); sep != std::string::npos;
                         sep = exact.find(spec->prefix_separator, sep + 1)) {
                        terms.exact(spec->prefix, exact.substr(0, sep));
                    }
                }
                terms.exact(spec->prefix, exact);
                if (weight.free > 0) terms.words("", v.text, weight);
                break;
            }
            case FieldType::boolean:
                terms.exact(*spec, v.number != 0 ? "true" : "false", v.origin);
                break;
            case FieldType::number:
            case FieldType::date:
                if (spec->slot >= 0) slots[spec->slot].push_back(v.number);
                break;
        }
    }
    add_id_terms(doc, record);
    for (const auto& [slot, numbers] : slots) {
        doc.add_value(static_cast<Xapian::valueno>(slot), pack_numbers(numbers));
    }
    doc.add_value(kSlotBrowseOrder, browse_key(record));
    doc.add_value(kSlotRankTie, rank_tie_key(record));
    doc.add_value(kSlotTitle, fold(record.title));
    std::string group = record.id;
    for (const auto& c : record.breadcrumb) {
        if (c.kind == "dataset") {
            group = c.id;
            break;
        }
    }
    doc.add_value(kSlotSiblings, group + '\x1f' + record.kind + '\x1f' + fold(record.title));
    doc.add_value(kSlotGroup, group);
    return doc;
}

}  // namespace atlas::detail
