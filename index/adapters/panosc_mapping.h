// panosc_mapping.h - one PaNOSC dump's tables -> records, with every relation of the dump resolved.
//
// panosc_adapter.cpp reads a dump (a db.json) into Tables: each model's rows,
// records given as JSON text already parsed.  build() turns the tables into
// records: documents with their members and parameters, datasets with their
// instrument, techniques, samples and parameters, one record per file, and
// the instruments, techniques and samples, each with parent, breadcrumb,
// inherited context and roll-ups.  A relation that names no row of the same
// dump is reported and left out.  Documents, datasets and instruments also
// carry their rows as the PaNOSC file keeps them (Record::panosc,
// panosc_objects.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json_reader.h"
#include "schema/record.h"

namespace atlas::detail::panosc {

inline constexpr std::string_view kSource = "panosc";

// One row of a table: its key in the dump and its fields.
struct Row {
    std::string key;
    const rapidjson::Value* object = nullptr;  // an object
};

// One dump's tables, with the documents parsed from records given as text.
struct Tables {
    std::map<std::string, std::vector<Row>, std::less<>> rows;  // model -> rows
    std::vector<std::unique_ptr<JsonFile>> parsed;

    const std::vector<Row>& of(std::string_view model) const;
};

// The kind of record a row of `model` is ("Dataset" -> "dataset"), or "" for
// the relation tables (Member, Parameter, DatasetTechnique, ...).
std::string_view kind_of_model(std::string_view model);

// panosc:<kind>:<key>
std::string record_id(std::string_view kind, std::string_view key);

// The records of one dump, in the order they are emitted: documents and
// datasets in the dump's order, files, then instruments, techniques and
// samples by key.  `file` names the dump (its sink receives the issues, its
// file is every record's file).
std::vector<Record> build(const Tables& tables, const IssueContext& file);

}  // namespace atlas::detail::panosc
