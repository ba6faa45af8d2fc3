// panosc/where.h - does an object of the PaNOSC model satisfy a where?
//
// As LoopBack's memory connector (the reference runs on it) compares, with
// three departures a client can only gain from: numbers written as strings
// compare as numbers, `text` matches words (any case, any inflection) of the
// entity's text fields, and a technique's name and its PaNET id stand for each
// other.  Parameters are their own case (parameters_hold): a group of
// conditions on name, value and unit must hold for one parameter, and values
// compare in SI when both sides name a unit of one dimension.
#pragma once

#include <string_view>

#include "database.h"
#include "filter.h"

namespace atlas::panosc::detail {

// What an object is: top-level models and the entities nested in them.
enum class Entity {
    dataset,
    document,
    instrument,
    parameter,
    sample,
    technique,
    file,
    member,
    person,
    affiliation
};

const char* entity_name(Entity entity);

// Whether `object` (of `entity`) satisfies `where`.
bool holds(const Where& where, Entity entity, const Json& object, const Database& db);

// Whether every condition of `where` is met by some parameter of `parameters`
// (a JSON array): an `and` of conditions on one parameter's name, value and
// unit is one condition, an `or` needs one of its parts, an `and` of such
// groups needs each.
bool parameters_hold(const Where& where, const Json& parameters);

}  // namespace atlas::panosc::detail
