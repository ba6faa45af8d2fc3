// panosc/where.cpp - evaluating where trees on objects: comparisons, patterns, words, units.
#include "where.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "schema/text.h"
#include "schema/units.h"

namespace atlas::panosc::detail {
namespace {

// The fields `text` searches, per entity (the reference's text indexes).
struct TextFields {
    Entity entity;
    std::array<std::string_view, 2> fields;
};
constexpr std::array<TextFields, 10> kTextFields{{
    {Entity::dataset, {"title", ""}},
    {Entity::document, {"title", "summary"}},
    {Entity::instrument, {"name", "facility"}},
    {Entity::parameter, {"name", "value"}},
    {Entity::sample, {"name", "description"}},
    {Entity::technique, {"name", ""}},
    {Entity::file, {"name", ""}},
    {Entity::member, {"role", ""}},
    {Entity::person, {"fullName", ""}},
    {Entity::affiliation, {"name", ""}},
}};

constexpr std::array<const char*, 10> kEntityNames{
    "Dataset", "Document", "Instrument", "Parameter", "Sample",
    "Technique", "File", "Member", "Person", "Affiliation"};

std::optional<double> number_of_text(std::string_view text) {
    auto parsed = parse_number_text(text);
    if (!parsed || !parsed->unit.empty()) return std::nullopt;
    return parsed->value;
}

// -1, 0, 1; nullopt when the two cannot be compared (a string and a boolean).
std::optional<int> compare(const Json* value, const Scalar& s) {
    auto sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
    if (value == nullptr || value->IsNull()) {
        return s.type == Scalar::Type::null ? std::optional<int>(0) : std::nullopt;
    }
    switch (s.type) {
        case Scalar::Type::null:
            return std::nullopt;
        case Scalar::Type::boolean:
            if (!value->IsBool()) return std::nullopt;
            return sign(value->GetBool(), s.boolean);
        case Scalar::Type::number:
            if (value->IsNumber()) return sign(value->GetDouble(), s.number);
            if (value->IsString()) {
                if (auto n = number_of_text(value->GetString())) return sign(*n, s.number);
            }
            return std::nullopt;
        case Scalar::Type::string:
            if (value->IsBool() && (s.string == "true" || s.string == "false")) {
                return sign(value->GetBool(), s.string == "true");  // as LoopBack coerces
            }
            if (value->IsString()) {
                return sign(std::string_view(value->GetString(), value->GetStringLength()),
                            std::string_view(s.string));
            }
            if (value->IsNumber()) {
                if (auto n = number_of_text(s.string)) return sign(value->GetDouble(), *n);
            }
            return std::nullopt;
    }
    return std::nullopt;
}

bool is_negative(Op op) {
    return op == Op::neq || op == Op::nin || op == Op::nlike || op == Op::nilike;
}

// The condition on one value (never an array).
bool holds_on(const Where& leaf, const Json* value) {
    auto is = [&](const Scalar& s, auto test) {
        auto c = compare(value, s);
        return c.has_value() && test(*c);
    };
    auto equal = [&](const Scalar& s) { return is(s, [](int c) { return c == 0; }); };
    auto text = [&]() -> std::string_view {
        return value != nullptr && value->IsString()
                   ? std::string_view(value->GetString(), value->GetStringLength())
                   : std::string_view{};
    };
    const auto& ops = leaf.operands;
    const bool is_string = value != nullptr && value->IsString();
    switch (leaf.op) {
        case Op::eq: return equal(ops[0]);
        case Op::neq: return !equal(ops[0]);
        case Op::gt: return is(ops[0], [](int c) { return c > 0; });
        case Op::gte: return is(ops[0], [](int c) { return c >= 0; });
        case Op::lt: return is(ops[0], [](int c) { return c < 0; });
        case Op::lte: return is(ops[0], [](int c) { return c <= 0; });
        case Op::between:
            return is(ops[0], [](int c) { return c >= 0; }) && is(ops[1], [](int c) { return c <= 0; });
        case Op::inq: return std::any_of(ops.begin(), ops.end(), equal);
        case Op::nin: return std::none_of(ops.begin(), ops.end(), equal);
        case Op::like: return is_string && leaf.pattern->matches(text(), false);
        case Op::nlike: return !(is_string && leaf.pattern->matches(text(), false));
        case Op::ilike: return is_string && leaf.pattern->matches(text(), true);
        case Op::nilike: return !(is_string && leaf.pattern->matches(text(), true));
    }
    return false;
}

// A list holds a positive condition if one element does, a negative one if all do.
bool leaf_holds(const Where& leaf, const Json* value) {
    if (value == nullptr || !value->IsArray()) return holds_on(leaf, value);
    auto each = [&](const Json& v) { return holds_on(leaf, &v); };
    const auto& a = value->GetArray();
    return is_negative(leaf.op) ? std::all_of(a.begin(), a.end(), each)
                                : std::any_of(a.begin(), a.end(), each);
}

// A technique's name and its PaNET id stand for each other: `name` "x-ray
// absorption" finds the techniques with that PaNET id, whatever their name,
// and `panetId` "PaNET01227" or its URI the technique so named.
bool technique_is(const Json& technique, const Scalar& s, const Database& db) {
    if (s.type != Scalar::Type::string) return false;
    auto name = string_member(technique, "name");
    auto panet = bare_panet_id(string_member(technique, "panetId"));
    if (!name.empty() && fold(name) == fold(s.string)) return true;
    if (panet.empty()) return false;
    if (panet == bare_panet_id(s.string)) return true;
    const auto* ids = db.panet_ids_of(s.string);
    return ids != nullptr && ids->count(std::string(panet)) > 0;
}

std::optional<bool> technique_leaf(const Where& leaf, const Json& technique, const Database& db) {
    if (leaf.property != "name" && leaf.property != "panetId") return std::nullopt;
    auto is = [&](const Scalar& s) { return technique_is(technique, s, db); };
    switch (leaf.op) {
        case Op::eq: return is(leaf.operands[0]);
        case Op::neq: return !is(leaf.operands[0]);
        case Op::inq: return std::any_of(leaf.operands.begin(), leaf.operands.end(), is);
        case Op::nin: return std::none_of(leaf.operands.begin(), leaf.operands.end(), is);
        default: return std::nullopt;
    }
}

std::vector<std::string> stems(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& t : tokenize(text)) out.push_back(stem(t.term));
    return out;
}

// `text` as the reference reads it (the whole text inside one field, any case)
// or word by word (each word, in any inflection, in one of the fields).
bool text_holds(const Where& text, Entity entity, const Json& object) {
    std::vector<std::string> have;
    for (const auto& tf : kTextFields) {
        if (tf.entity != entity) continue;
        for (auto field : tf.fields) {
            const Json* v = field.empty() ? nullptr : member(object, field);
            if (v == nullptr || !v->IsString()) continue;
            std::string_view value(v->GetString(), v->GetStringLength());
            if (fold(value).find(text.text) != std::string::npos) return true;
            auto s = stems(value);
            have.insert(have.end(), s.begin(), s.end());
        }
    }
    return !text.words.empty() &&
           std::all_of(text.words.begin(), text.words.end(), [&](const std::string& w) {
               return std::find(have.begin(), have.end(), w) != have.end();
           });
}

// --- parameters ---------------------------------------------------------------------

// A parameter's value as a number in the unit it names, when it has both.
struct Measured {
    double canonical = 0;
    Dimension dimension = Dimension::none;
};

std::optional<Measured> measured(const Json& parameter) {
    const Json* value = member(parameter, "value");
    std::string unit(string_member(parameter, "unit"));
    double number = 0;
    if (value != nullptr && value->IsNumber()) {
        number = value->GetDouble();
    } else if (value != nullptr && value->IsString()) {
        auto parsed = parse_number_text(value->GetString());  // "93 keV"
        if (!parsed) return std::nullopt;
        number = parsed->value;
        if (!parsed->unit.empty()) unit = parsed->unit;
    } else {
        return std::nullopt;
    }
    const Unit* u = find_unit(unit);
    if (u == nullptr || u->dimension == Dimension::none) return std::nullopt;
    return Measured{to_canonical(number, *u), u->dimension};
}

// The unit a group of conditions names ({"unit": "eV"}), if it is one we know.
const Unit* named_unit(const std::vector<const Where*>& group) {
    for (const Where* w : group) {
        if (w->kind == Where::Kind::leaf && w->property == "unit" && w->op == Op::eq &&
            w->operands[0].type == Scalar::Type::string) {
            const Unit* u = find_unit(w->operands[0].string);
            if (u != nullptr && u->dimension != Dimension::none) return u;
        }
    }
    return nullptr;
}

// A value condition compared in SI: the operands in `unit`, the parameter in its own.
bool value_holds_in_si(const Where& leaf, const Measured& m, const Unit& unit) {
    Where si = leaf;
    for (auto& s : si.operands) {
        if (s.type == Scalar::Type::string) {
            if (auto n = number_of_text(s.string)) {
                s.type = Scalar::Type::number;
                s.number = *n;
            }
        }
        if (s.type == Scalar::Type::number) s.number = to_canonical(s.number, unit);
    }
    rapidjson::Value v(m.canonical);
    return holds_on(si, &v);
}

bool group_holds(const std::vector<const Where*>& group, const Json& parameter) {
    const Unit* unit = named_unit(group);
    std::optional<Measured> m;
    if (unit != nullptr) m = measured(parameter);
    const bool in_si = m && m->dimension == unit->dimension;
    return std::all_of(group.begin(), group.end(), [&](const Where* w) {
        if (w->kind == Where::Kind::text) return text_holds(*w, Entity::parameter, parameter);
        if (in_si && w->property == "unit" && w->op == Op::eq) return true;
        if (in_si && w->property == "value") return value_holds_in_si(*w, *m, *unit);
        return leaf_holds(*w, member(parameter, w->property));
    });
}

bool some_parameter(const std::vector<const Where*>& group, const Json& parameters) {
    if (!parameters.IsArray()) return false;
    for (const auto& p : parameters.GetArray()) {
        if (group_holds(group, p)) return true;
    }
    return false;
}

bool is_condition(const Where& w) { return w.kind == Where::Kind::leaf || w.kind == Where::Kind::text; }

}  // namespace

const char* entity_name(Entity entity) { return kEntityNames[static_cast<std::size_t>(entity)]; }

bool holds(const Where& where, Entity entity, const Json& object, const Database& db) {
    switch (where.kind) {
        case Where::Kind::all:
            return std::all_of(where.children.begin(), where.children.end(),
                               [&](const Where& w) { return holds(w, entity, object, db); });
        case Where::Kind::any:
            return std::any_of(where.children.begin(), where.children.end(),
                               [&](const Where& w) { return holds(w, entity, object, db); });
        case Where::Kind::text:
            return text_holds(where, entity, object);
        case Where::Kind::leaf:
            if (entity == Entity::technique) {
                if (auto t = technique_leaf(where, object, db)) return *t;
            }
            return leaf_holds(where, member(object, where.property));
    }
    return false;
}

bool parameters_hold(const Where& where, const Json& parameters) {
    if (is_condition(where)) return some_parameter({&where}, parameters);
    if (where.kind == Where::Kind::any) {
        return std::any_of(where.children.begin(), where.children.end(),
                           [&](const Where& w) { return parameters_hold(w, parameters); });
    }
    if (std::all_of(where.children.begin(), where.children.end(), is_condition)) {
        std::vector<const Where*> group;
        for (const auto& w : where.children) group.push_back(&w);
        return group.empty() || some_parameter(group, parameters);
    }
    return std::all_of(where.children.begin(), where.children.end(),
                       [&](const Where& w) { return parameters_hold(w, parameters); });
}

}  // namespace atlas::panosc::detail
