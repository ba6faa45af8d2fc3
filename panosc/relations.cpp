// panosc/relations.cpp - following a scope's includes and writing what they found.
#include "relations.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

namespace atlas::panosc::detail {
namespace {

// How a relation is reached from its object.
enum class Way {
    inline_list,    // an array member of the object (parameters, members, ...)
    inline_one,     // an object member (a member's person)
    datasets,       // the joined Datasets of a Document or an Instrument
    documents,      // the joined Documents of a Dataset
    instrument,     // the joined Instrument of a Dataset
};

struct Relation {
    Entity from;
    std::string_view name;
    Entity to;
    Way way;
};

constexpr std::array<Relation, 12> kRelations{{
    {Entity::dataset, "documents", Entity::document, Way::documents},
    {Entity::dataset, "instrument", Entity::instrument, Way::instrument},
    {Entity::dataset, "parameters", Entity::parameter, Way::inline_list},
    {Entity::dataset, "samples", Entity::sample, Way::inline_list},
    {Entity::dataset, "techniques", Entity::technique, Way::inline_list},
    {Entity::dataset, "files", Entity::file, Way::inline_list},
    {Entity::document, "datasets", Entity::dataset, Way::datasets},
    {Entity::document, "members", Entity::member, Way::inline_list},
    {Entity::document, "parameters", Entity::parameter, Way::inline_list},
    {Entity::instrument, "datasets", Entity::dataset, Way::datasets},
    {Entity::member, "person", Entity::person, Way::inline_one},
    {Entity::member, "affiliation", Entity::affiliation, Way::inline_one},
}};

const Relation* find_relation(Entity from, std::string_view name) {
    for (const auto& r : kRelations) {
        if (r.from == from && r.name == name) return &r;
    }
    return nullptr;
}

bool is_relation(Entity from, std::string_view name) { return find_relation(from, name) != nullptr; }

std::string relations_of(Entity from) {
    std::string out;
    for (const auto& r : kRelations) {
        if (r.from != from) continue;
        if (!out.empty()) out += ", ";
        out += r.name;
    }
    return out.empty() ? "none" : out;
}

// The related entities, before the scope's where.
std::vector<Node> related(const Database& db, const Node& node, const Relation& r) {
    std::vector<Node> out;
    auto top = [&](Model m, std::uint32_t i) {
        const Object& o = db.objects(m)[i];
        out.push_back(Node{entity_of(m), o.json, &o});
    };
    switch (r.way) {
        case Way::inline_list:
            if (const Json* list = member(*node.json, r.name); list != nullptr && list->IsArray()) {
                for (const auto& item : list->GetArray()) out.push_back(Node{r.to, &item, nullptr});
            }
            break;
        case Way::inline_one:
            if (const Json* one = member(*node.json, r.name); one != nullptr && one->IsObject()) {
                out.push_back(Node{r.to, one, nullptr});
            }
            break;
        case Way::datasets:
            if (node.top != nullptr) for (auto i : node.top->datasets) top(Model::dataset, i);
            break;
        case Way::documents:
            if (node.top != nullptr) for (auto i : node.top->documents) top(Model::document, i);
            break;
        case Way::instrument:
            if (node.top != nullptr && node.top->instrument != kNone) {
                top(Model::instrument, node.top->instrument);
            }
            break;
    }
    return out;
}

// The related entities the include's where keeps (all of a parameter list
// when its where holds for the list).
std::vector<Node> kept(const Database& db, const Node& node, const Relation& r,
                       const Include& inc, Budget& budget) {
    auto nodes = related(db, node, r);
    if (!budget.visit(inc.path, nodes.size())) return {};
    if (!inc.scope.has_where) return nodes;
    if (r.to == Entity::parameter) {
        const Json* list = member(*node.json, r.name);
        return list != nullptr && parameters_hold(inc.scope.where, *list) ? nodes : std::vector<Node>{};
    }
    std::vector<Node> out;
    for (const auto& n : nodes) {
        if (holds(inc.scope.where, n.entity, *n.json, db)) out.push_back(n);
    }
    return out;
}

// Whether the include keeps an entity beyond its skip.
bool include_holds(const Database& db, const Node& node, const Include& inc, Budget& budget) {
    const Relation* r = find_relation(node.entity, inc.relation);
    if (r == nullptr) return true;  // check_includes refused it
    std::size_t found = 0;
    for (const auto& n : kept(db, node, *r, inc, budget)) {
        if (budget.spent()) return false;
        if (survives(db, n, inc.scope, budget) && ++found > inc.scope.skip) return true;
    }
    return false;
}

// The relation's entities for the answer: kept, ordered and cut as the scope
// says, then each followed in turn.
std::vector<Resolved> follow(const Database& db, const Node& node, const Relation& r,
                             const Include& inc, Budget& budget) {
    const Scope& scope = inc.scope;
    const bool inner = joins(scope);
    std::vector<Node> nodes;
    for (const auto& n : kept(db, node, r, inc, budget)) {
        if (inner && !survives(db, n, scope, budget)) continue;
        nodes.push_back(n);
    }
    if (!scope.order.empty()) {
        std::stable_sort(nodes.begin(), nodes.end(), [&](const Node& a, const Node& b) {
            return before(scope.order, *a.json, 0, *b.json, 0);
        });
    }
    std::size_t skip = std::min<std::size_t>(scope.skip, nodes.size());
    nodes.erase(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(skip));
    if (scope.limit && nodes.size() > *scope.limit) nodes.resize(*scope.limit);
    std::vector<Resolved> out;
    for (const auto& n : nodes) {
        if (!budget.write(inc.path)) break;
        out.push_back(resolve(db, n, scope, budget));
    }
    return out;
}

void write_node(const Resolved& r, const Fields& fields, std::optional<double> score, Writer& w);

void write_relation(const Relation& rel, const Include& inc, const std::vector<Resolved>& items,
                    Writer& w) {
    w.Key(rel.name.data(), static_cast<rapidjson::SizeType>(rel.name.size()));
    const bool one = rel.way == Way::inline_one || rel.way == Way::instrument;
    if (one) {
        if (items.empty()) {
            w.Null();
        } else {
            write_node(items.front(), inc.scope.fields, std::nullopt, w);
        }
        return;
    }
    w.StartArray();
    for (const auto& item : items) write_node(item, inc.scope.fields, std::nullopt, w);
    w.EndArray();
}

void write_node(const Resolved& r, const Fields& fields, std::optional<double> score, Writer& w) {
    w.StartObject();
    for (const auto& m : r.node.json->GetObject()) {
        std::string_view name(m.name.GetString(), m.name.GetStringLength());
        if (is_relation(r.node.entity, name) || !fields.shows(name)) continue;
        if (score && name == "score") continue;  // ours, not a source's stale one
        w.Key(m.name.GetString(), m.name.GetStringLength());
        m.value.Accept(w);
    }
    if (score) {
        w.Key("score");
        w.Double(*score);
    }
    for (const auto& [inc, items] : r.relations) {
        write_relation(*find_relation(r.node.entity, inc->relation), *inc, items, w);
    }
    w.EndObject();
}

// -1, 0, 1 by JSON value: missing first, then booleans, numbers, strings.
int order_of(const Json* a, const Json* b) {
    auto rank = [](const Json* v) {
        if (v == nullptr || v->IsNull()) return 0;
        if (v->IsBool()) return 1;
        if (v->IsNumber()) return 2;
        if (v->IsString()) return 3;
        return 4;
    };
    int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra == 1) return a->GetBool() == b->GetBool() ? 0 : (a->GetBool() ? 1 : -1);
    if (ra == 2) return a->GetDouble() < b->GetDouble() ? -1 : (b->GetDouble() < a->GetDouble() ? 1 : 0);
    if (ra == 3) {
        int c = std::string_view(a->GetString(), a->GetStringLength())
                    .compare(std::string_view(b->GetString(), b->GetStringLength()));
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return 0;
}

}  // namespace

Entity entity_of(Model model) {
    switch (model) {
        case Model::dataset: return Entity::dataset;
        case Model::document: return Entity::document;
        case Model::instrument: return Entity::instrument;
    }
    return Entity::dataset;
}

Status check_includes(Entity entity, const Scope& scope) {
    for (const auto& inc : scope.include) {
        const Relation* r = find_relation(entity, inc.relation);
        if (r == nullptr) {
            return Error{Errc::invalid_request,
                         fmt::format("{}: '{}' is not a relation of {} (it has: {})", inc.path,
                                     inc.relation, entity_name(entity), relations_of(entity))};
        }
        if (auto s = check_includes(r->to, inc.scope); !s.ok()) return s;
    }
    return {};
}

bool joins(const Scope& scope) {
    return std::any_of(scope.include.begin(), scope.include.end(), [](const Include& inc) {
        return inc.scope.has_where || joins(inc.scope);
    });
}

bool survives(const Database& db, const Node& node, const Scope& scope, Budget& budget) {
    for (const auto& inc : scope.include) {
        if (!inc.scope.has_where && !joins(inc.scope)) continue;
        if (!include_holds(db, node, inc, budget)) return false;
    }
    return !budget.spent();
}

Resolved resolve(const Database& db, const Node& node, const Scope& scope, Budget& budget) {
    Resolved out{node, {}};
    for (const auto& inc : scope.include) {
        const Relation* r = find_relation(node.entity, inc.relation);
        if (r == nullptr || budget.spent()) continue;  // check_includes refused it
        bool seen = std::any_of(out.relations.begin(), out.relations.end(),
                                [&](const auto& rel) { return rel.first->relation == inc.relation; });
        if (seen) continue;  // written once; every include of it was a condition
        out.relations.emplace_back(&inc, follow(db, node, *r, inc, budget));
    }
    return out;
}

bool Budget::visit(const std::string& path, std::uint64_t n) {
    visits_ += n;
    if (visits_ > kMaxVisits && !error_) {
        error_ = Error{Errc::invalid_request,
                       fmt::format("{}: the filter reaches more than {} objects; narrow it (a where "
                                   "or a limit in the include's scope, fewer nested includes)",
                                   path, kMaxVisits)};
    }
    return !error_;
}

bool Budget::write(const std::string& path) {
    if (++written_ > kMaxWritten && !error_) {
        error_ = Error{Errc::invalid_request,
                       fmt::format("{}: the answer would hold more than {} objects; lower the "
                                   "limit or add one to the include's scope",
                                   path, kMaxWritten)};
    }
    return !error_;
}

void write(const Resolved& resolved, const Fields& fields, std::optional<double> score, Writer& w) {
    write_node(resolved, fields, score, w);
}

bool before(const std::vector<Order>& order, const Json& a, double score_a, const Json& b,
            double score_b) {
    for (const auto& o : order) {
        int c = 0;
        if (o.property == "score") {
            c = score_a < score_b ? -1 : (score_b < score_a ? 1 : 0);
        } else {
            c = order_of(member(a, o.property), member(b, o.property));
        }
        if (c != 0) return o.descending ? c > 0 : c < 0;
    }
    return false;
}

}  // namespace atlas::panosc::detail
