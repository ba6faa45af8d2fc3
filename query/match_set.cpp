// match_set.cpp - evaluating a checked request into its match set (match_set.h).
#include "match_set.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <span>
#include <utility>

#include "schema/text.h"
#include "value_owners.h"

namespace atlas::detail {
namespace {

// Every docid that is a strict ancestor of one in `docs`, by parent links.
Bitmap ancestors(const Bitmap& docs, std::span<const std::uint32_t> parent) {
    std::vector<std::uint64_t> seen((parent.size() >> 6) + 1, 0);
    std::vector<std::uint32_t> found;
    docs.each([&](std::uint32_t d) {
        for (std::uint32_t p = parent[d]; p != 0; p = parent[p]) {
            std::uint64_t bit = std::uint64_t{1} << (p & 63);
            // Seen already: so are its ancestors.
            if ((seen[p >> 6] & bit) != 0) break;
            seen[p >> 6] |= bit;
            found.push_back(p);
        }
        return true;
    });
    return Bitmap::of(found);
}

// The records with a value of `spec`'s field.
Bitmap present(const FieldSpec& spec, OpenGeneration& gen) {
    ColumnStore& columns = *gen.columns;
    if (columns.facet(spec.name) != nullptr || columns.number(spec.name) != nullptr) {
        return columns.present(spec.name);
    }
    // A field the columns do not hold: any of its terms.
    Bitmap out;
    std::string prefix(spec.prefix);
    if (prefix.empty()) return out;
    for (auto it = gen.db.allterms_begin(prefix); it != gen.db.allterms_end(prefix); ++it) {
        std::string term = *it;
        // XORG is a prefix of XORGID's terms: what follows a field's own
        // prefix is never an upper-case letter.
        if (term.size() > prefix.size() &&
            std::isupper(static_cast<unsigned char>(term[prefix.size()]))) {
            continue;
        }
        out |= gen.evaluator->term_docs(term);
    }
    return out;
}

// The documents a filter selects.
Bitmap filter_docs(const CheckedFilter& f, OpenGeneration& gen) {
    switch (f.mode) {
        case Filter::Mode::exists:
            return present(*f.spec, gen);
        case Filter::Mode::missing:
            return gen.columns->all() - present(*f.spec, gen);
        case Filter::Mode::any:
        case Filter::Mode::none:
            break;
    }
    Bitmap any;
    for (const auto& node : f.values) any |= gen.evaluator->eval(node);
    if (f.mode == Filter::Mode::none) return gen.columns->all() - any;
    return any;
}

// The records of one of `kinds` (or `sources`): their facet values' documents.
Bitmap value_docs(ColumnStore& columns, std::string_view field,
                  const std::vector<std::string>& values) {
    Bitmap docs;
    const FacetColumn* column = columns.facet(field);
    if (column == nullptr) return docs;
    for (const auto& v : values) {
        if (auto code = column->find(v)) docs |= columns.value_docs(field, *column, *code);
    }
    return docs;
}

// Records with a child (descendant) of `child`'s kind meeting all of its conditions.
Bitmap child_docs(const CheckedChild& child, OpenGeneration& gen) {
    Bitmap set = value_docs(*gen.columns, "kind", {child.kind});
    if (child.query) set &= gen.evaluator->eval(*child.query);
    for (const auto& f : child.filters) {
        if (set.empty()) break;
        set &= filter_docs(f, gen);
    }
    for (const auto& g : child.children) {
        if (set.empty()) break;
        set &= child_docs(g, gen);
    }
    return ancestors(set, gen.columns->parent());
}

// An id typed as the whole query: the records it identifies and those that
// hold it, per identifier field.
std::vector<IdMatch> id_matches(std::string_view query, OpenGeneration& gen) {
    std::vector<IdMatch> out;
    while (!query.empty() && (query.front() == ' ' || query.front() == '"')) query.remove_prefix(1);
    while (!query.empty() && (query.back() == ' ' || query.back() == '"')) query.remove_suffix(1);
    if (query.empty() || query.find_first_of(" \t\n") != std::string_view::npos) return out;
    bool digits = has_digit(query);
    for (const auto& spec : field_specs()) {
        if (spec.name != "id" && !is_reference_field(spec)) continue;
        std::string exact = exact_value(spec, query);
        if (exact.empty()) continue;
        for (bool identity : {true, false}) {
            // A word without digits is never taken for a reference ("membrane").
            if (!identity && (!digits || spec.name == "id")) continue;
            std::string term = identity ? identity_term(spec, exact) : reference_term(spec, exact);
            if (gen.db.get_termfreq(term) == 0) continue;
            const Bitmap& docs = gen.evaluator->term_docs(term);
            if (docs.empty()) continue;  // only in documents an update deleted
            out.push_back({&spec, exact, identity, docs});
        }
    }
    return out;
}

// What typed ids add: the records they name, and the records inside those
// an id identifies (DS-10001: the runs, tilt series... of dataset 10001).
Bitmap typed_id_docs(const std::vector<IdMatch>& ids, Evaluator& evaluator) {
    Bitmap out;
    for (const auto& m : ids) {
        out |= m.docs;
        if (!m.identity || m.spec->name == "id") continue;
        out |= evaluator.term_docs(exact_term(m.spec->prefix, m.exact));
    }
    return out;
}

}  // namespace

MatchSet MatchSet::build(const CheckedRequest& checked, OpenGeneration& gen) {
    MatchSet m;
    m.text_ = gen.evaluator->eval(checked.tree);
    // An id typed as the whole query finds its records even when its words do not.
    m.typed_ids_ = id_matches(checked.request->query, gen);
    if (!m.typed_ids_.empty()) {
        m.id_docs_ = std::make_shared<const Bitmap>(typed_id_docs(m.typed_ids_, *gen.evaluator));
        m.text_ |= *m.id_docs_;
    }
    if (!checked.kinds.empty()) {
        m.conditions_.push_back({"kind", value_docs(*gen.columns, "kind", checked.kinds)});
    }
    if (!checked.sources.empty()) {
        m.conditions_.push_back({"source", value_docs(*gen.columns, "source", checked.sources)});
    }
    for (const auto& f : checked.filters) m.conditions_.push_back({f.field, filter_docs(f, gen)});
    for (const auto& child : checked.children) {
        Bitmap docs = child_docs(child, gen);
        if (!m.children_) {
            m.children_ = std::move(docs);
        } else {
            *m.children_ &= docs;
        }
    }
    m.all_ = std::make_shared<const Bitmap>(m.without({}));
    m.tiers_ = {{m.all_, ""}};
    // The kinds the query names are what it asks for: too few of them
    // holding every word relaxes it ("H&E stories of colorectal cancer":
    // stories rarely say cancer, participants do).
    std::optional<Bitmap> named = named_kinds(checked, *gen.evaluator);
    std::uint64_t with_all = named ? (*m.all_ & *named).size() : m.all_->size();
    if (with_all < kRelaxBelow) {
        m.tiers_ = m.relax(checked, *gen.evaluator, with_all, named ? &*named : nullptr);
    }
    if (named) m.tiers_ = kind_first(m.tiers_, *named, "a kind the query names");
    if (checked.by_relevance) {
        if (auto owners = value_owners(checked.tree, *gen.columns, *gen.evaluator)) {
            m.tiers_ = first_within(m.tiers_, owners->docs, describe(*owners));
        }
    }
    if (auto owners = filter_owners(checked, *gen.evaluator)) {
        m.tiers_ = kind_first(m.tiers_, *owners, "holds a filtered value itself");
    }
    return m;
}

// The records holding a value the request's filters name as their own (not
// inherited or rolled up): under a filter on a field that rolls up, the
// owners come first (the level-2 files before the participants above them).
std::optional<Bitmap> MatchSet::filter_owners(const CheckedRequest& checked, Evaluator& evaluator) {
    if (!checked.by_relevance) return std::nullopt;
    std::optional<Bitmap> owners;
    for (const auto& f : checked.filters) {
        if (f.mode != Filter::Mode::any || !is_facet(*f.spec)) continue;
        for (const auto& v : f.values) {
            if (v.kind != QueryNode::Kind::exact || v.prefix) continue;
            if (!owners) owners.emplace();
            *owners |= evaluator.term_docs(own_term(*f.spec, v.value));
        }
    }
    return owners;
}

namespace {

// The kinds the query names, for a person: "story", "file or story".
std::string kind_names(const std::vector<QueryNode>& intents) {
    std::vector<std::string> names;
    std::vector<const QueryNode*> stack;
    for (const auto& i : intents) stack.push_back(&i);
    while (!stack.empty()) {
        const QueryNode* n = stack.back();
        stack.pop_back();
        if (n->kind == QueryNode::Kind::exact && n->field == "kind" &&
            std::find(names.begin(), names.end(), n->value) == names.end()) {
            names.push_back(n->value);
        }
        for (const auto& c : n->children) stack.push_back(&c);
    }
    std::sort(names.begin(), names.end());
    return fmt::format("{}", fmt::join(names, " or "));
}

// Keeps the kMaxRelaxedWords rarest of `holding` (and their labels); the
// records of the others must hold them all (`required`).
void keep_rarest(std::vector<Bitmap>& holding, std::vector<std::string>& labels, Bitmap& required) {
    if (holding.size() <= kMaxRelaxedWords) return;
    std::vector<std::size_t> order(holding.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return holding[a].size() < holding[b].size();
    });
    std::vector<Bitmap> kept;
    std::vector<std::string> kept_labels;
    for (std::size_t k = 0; k < order.size(); ++k) {
        std::size_t i = order[k];
        if (k >= kMaxRelaxedWords) {
            required &= holding[i];
            continue;
        }
        kept.push_back(std::move(holding[i]));
        kept_labels.push_back(std::move(labels[i]));
    }
    holding = std::move(kept);
    labels = std::move(kept_labels);
}

}  // namespace

// Relaxed matching (tiers.h): the records meeting what stays required and
// holding at least one of the words, in tiers by how many they hold; the
// tiers as they were when the query cannot be relaxed or gains nothing.
// When the query names kinds and enough other records hold every word, only
// records of those kinds are relaxed (`named`): the others keep every word.
std::vector<Tier> MatchSet::relax(const CheckedRequest& checked, Evaluator& evaluator,
                                  std::uint64_t with_all, const Bitmap* named) {
    auto relaxable = relaxable_words(checked.tree);
    if (!relaxable || id_docs_) return tiers_;
    std::vector<Bitmap> holding;
    for (const auto* w : relaxable->words) {
        // A word no record holds, asked for as typed (no typo tolerance),
        // keeps the query as typed: nothing.  With typo tolerance it is one
        // that could not be corrected, and the others are shown.
        holding.push_back(evaluator.eval(*w));
        if (holding.back().empty() && !checked.request->typo_tolerance) return tiers_;
    }
    Bitmap required = evaluator.eval(relaxable->required);
    keep_rarest(holding, relaxable->labels, required);
    auto levels = at_least(holding);
    Bitmap relaxed_text = required & levels.front();
    if (named != nullptr && all_->size() >= kRelaxBelow) relaxed_text = text_ | (relaxed_text & *named);
    Bitmap text = std::exchange(text_, std::move(relaxed_text));
    auto all = std::make_shared<const Bitmap>(without({}));
    if (all->size() == all_->size()) {  // no record holds fewer words than all
        text_ = std::move(text);
        return tiers_;
    }
    std::swap(all_, all);
    const auto n = static_cast<std::uint32_t>(levels.size());
    RelaxedMatch r{relaxable->labels, 0, n, with_all, kind_names(checked.intents)};
    std::vector<Tier> tiers;
    for (std::uint32_t j = n; j >= 1; --j) {
        Bitmap exactly = *all_ & levels[j - 1];
        if (j < n) exactly -= levels[j];
        if (exactly.empty()) continue;
        if (r.best == 0) r.best = j;
        tiers.push_back({std::make_shared<const Bitmap>(std::move(exactly)),
                         fmt::format("{} of {} words", j, n)});
    }
    relaxed_ = std::move(r);
    ranking_tree_ = std::move(relaxable->ranking);
    return tiers;
}

// The records of the kinds the query names, when it names some and is
// ordered by relevance (they come first).
std::optional<Bitmap> MatchSet::named_kinds(const CheckedRequest& checked, Evaluator& evaluator) {
    if (checked.intents.empty() || !checked.by_relevance) return std::nullopt;
    Bitmap named;
    for (const auto& intent : checked.intents) named |= evaluator.eval(intent);
    return named;
}

Bitmap MatchSet::without(std::string_view field) const {
    Bitmap m = text_;
    if (children_) m &= *children_;
    for (const auto& c : conditions_) {
        if (field.empty() || c.field != field) m &= c.docs;
    }
    return m;
}

bool MatchSet::conditioned_on(std::string_view field) const {
    return std::any_of(conditions_.begin(), conditions_.end(),
                       [&](const Condition& c) { return c.field == field; });
}

}  // namespace atlas::detail
