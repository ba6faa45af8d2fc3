// panosc/relations.h - includes: following relations, inner joins, and writing the objects.
//
// The model's relations (kRelations in relations.cpp): a Dataset's documents,
// instrument, parameters, samples, techniques and files; a Document's
// datasets, members and parameters; an Instrument's datasets; a Member's
// person and affiliation.  An include whose scope has a where (or includes
// one, at any depth) is an inner join: the object is left out when the
// relation comes back empty.  A `parameters` include keeps the whole list,
// in id order, when every condition of its where is met (parameters_hold).
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "database.h"
#include "filter.h"
#include "where.h"

namespace atlas::panosc::detail {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct Node {
    Entity entity = Entity::dataset;
    const Json* json = nullptr;
    const Object* top = nullptr;  // a top-level object's joins; nullptr for nested entities
};

struct Resolved {
    Node node;
    std::vector<std::pair<const Include*, std::vector<Resolved>>> relations;  // as included
};

// What one request may look at and write (kMaxVisits, kMaxWritten in
// atlas/panosc.h): includes can fan out (an instrument's datasets' instrument's
// datasets ...), so their cost is counted, not guessed.  Once over, `error`
// says where, and every step returns at once.
class Budget {
  public:
    bool visit(const std::string& path, std::uint64_t n = 1);
    bool write(const std::string& path);
    bool spent() const { return error_.has_value(); }
    const std::optional<Error>& error() const { return error_; }

  private:
    std::uint64_t visits_ = 0;
    std::uint64_t written_ = 0;
    std::optional<Error> error_;
};

// The entity a model's objects are.
Entity entity_of(Model model);

// Checks that every include names a relation of its entity, at every depth.
// Errors: invalid_request, naming the include ("filter.include[0]: 'foo' is not
// a relation of Dataset (documents, instrument, ...)").
Status check_includes(Entity entity, const Scope& scope);

// Whether an include of `scope` can leave its object out.
bool joins(const Scope& scope);

// Whether `node` is kept by the inner joins of `scope`'s includes: each
// joining include (an include of one relation given twice is two conditions)
// has, after its where and its skip, a related entity that is kept in turn.
// Stops at the first such entity.
bool survives(const Database& db, const Node& node, const Scope& scope, Budget& budget);

// `node` with its includes followed, for the answer: each relation once (the
// first include of it shapes the list), its entities those its where and
// joins keep, ordered, skipped and limited before their own includes are
// followed.
Resolved resolve(const Database& db, const Node& node, const Scope& scope, Budget& budget);

// Writes the object: its properties (as `fields` shows them), `score` when
// given (top-level objects), then each included relation.
void write(const Resolved& resolved, const Fields& fields, std::optional<double> score, Writer& w);

// The order of two objects by `order` (property values; "score" is the score).
bool before(const std::vector<Order>& order, const Json& a, double score_a, const Json& b,
            double score_b);

}  // namespace atlas::panosc::detail
