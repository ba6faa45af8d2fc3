// match_set.h - the records a request matches, exactly, as a bitmap.
//
// The query tree is evaluated against the index (evaluator.h); an id typed as
// the whole query adds the records it names; kinds, sources, filters and
// has_children each AND in their own set of records.  Those conditions are
// kept apart, so a facet can be counted without the conditions on its own
// field (disjunctive facets: ticking one organism does not zero the others).
// When fewer than kRelaxBelow records match and the query has relaxable
// words, the query's part is relaxed to the records holding any of them
// (tiers.h); the match set is then split in tiers: most words first, and
// records of a kind the query names first within each (by relevance only).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitmap.h"
#include "open_generation.h"
#include "request_check.h"
#include "tiers.h"

namespace atlas::detail {

// An id typed as the whole query ("10000", "DS-10001", "GO:0022626"): the
// records it identifies, and those holding it themselves (schema.h).
struct IdMatch {
    const FieldSpec* spec = nullptr;
    std::string exact;      // the query as that field stores it (DS-10001 -> 10001)
    bool identity = false;  // else a reference
    Bitmap docs;
};

class MatchSet {
  public:
    // Evaluates `checked` on `gen`.  Throws Xapian errors only (WildcardError:
    // a prefix with too many values); the request was checked before.
    static MatchSet build(const CheckedRequest& checked, OpenGeneration& gen);

    // Every match: the query (or a typed id) and every condition.
    const std::shared_ptr<const Bitmap>& all() const { return all_; }
    std::uint64_t size() const { return all_->size(); }
    // The matches when the conditions on `field` are left out.
    Bitmap without(std::string_view field) const;
    // Whether some condition (a filter, kinds, sources) is on `field`.
    bool conditioned_on(std::string_view field) const;
    // True when only the query decides: no filter, kind, source or child condition.
    bool query_only() const { return conditions_.empty() && !children_; }

    // The ids typed as the whole query, and every record they add (those they
    // identify and reference, and those inside the identified containers);
    // id_docs() is null when none was typed.
    const std::vector<IdMatch>& typed_ids() const { return typed_ids_; }
    const std::shared_ptr<const Bitmap>& id_docs() const { return id_docs_; }

    // The match set in page order's parts (tiers.h): all() alone when
    // nothing tiers it.
    const std::vector<Tier>& tiers() const { return tiers_; }
    // Relaxed matching: what it did, and the tree that ranks the matches
    // (the words OR'ed); null when the query matched as typed.
    const std::optional<RelaxedMatch>& relaxed() const { return relaxed_; }
    const QueryNode* ranking_tree() const { return relaxed_ ? &ranking_tree_ : nullptr; }

  private:
    // A condition of the request on one field: filters, kinds, sources.
    struct Condition {
        std::string field;
        Bitmap docs;
    };

    Bitmap text_;  // the query's matches, and what typed ids add
    std::vector<Condition> conditions_;
    std::optional<Bitmap> children_;  // has_children, all of them
    std::shared_ptr<const Bitmap> all_;
    std::vector<IdMatch> typed_ids_;
    std::shared_ptr<const Bitmap> id_docs_;
    std::vector<Tier> tiers_;
    std::optional<RelaxedMatch> relaxed_;
    QueryNode ranking_tree_;

    std::vector<Tier> relax(const CheckedRequest& checked, Evaluator& evaluator,
                            std::uint64_t with_all, const Bitmap* named);
    static std::optional<Bitmap> named_kinds(const CheckedRequest& checked, Evaluator& evaluator);
    static std::optional<Bitmap> filter_owners(const CheckedRequest& checked, Evaluator& evaluator);
};

}  // namespace atlas::detail
