// panosc_objects.h - a dump's Datasets, Documents and Instruments as lines of the PaNOSC file.
//
// A PaNOSC dump already is the PaNOSC data model, so its objects go to the
// PaNOSC file (schema/panosc_format.h) as the source wrote them, not rebuilt
// from records: each Dataset, Document and Instrument row verbatim (every
// member, numbers as numbers, strings and dates as written; "pid" = the row's
// key when the row has none) with its nested relations in full, each related
// row verbatim too:
//   Dataset   parameters  Parameter rows whose datasetId is the dataset
//             samples     Sample rows joined through DatasetSample
//             techniques  Technique rows joined through DatasetTechnique
//             files       File rows whose datasetId is the dataset
//   Document  members     Member rows whose documentId is the document, each
//                         with "person" and "affiliation": the rows named by
//                         its personId and affiliationId, when there are such
//             parameters  Parameter rows whose documentId is the document
// Parameters, files and members are in the order of their numeric `id` (rows
// whose id is no number after those, in dump order); samples and techniques
// in the order of their join rows, each once.  A relation with no row is [].
// Joins go by the rows' own datasetId/sampleId/... (the join rows' ids are
// not unique in real dumps: search-api's DatasetSample rows all have id 1),
// matched against a row's key, or its pid or id, as panosc_mapping.cpp's are.
// A member of a row named like a relation ("parameters" inline) is replaced
// by the relation: the tables are where LoopBack keeps relations.
// A Dataset's line also has "documents": the pids of the Documents named by
// its documentId and by DocumentDataset rows, in that order, each once; a
// pid no Document of the dump has is left out (the records report it).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "panosc_mapping.h"

namespace atlas::detail::panosc {

// The rows of one model by key, and by their own pid or id where that differs.
class RowLookup {
  public:
    RowLookup(const Tables& tables, std::string_view model);
    // The row that `from`'s member `key` (a string or an integer) names, or nullptr.
    const Row* find(const rapidjson::Value& from, std::string_view key) const;

  private:
    std::map<std::string, const Row*, std::less<>> rows_;
};

// One dump's objects; the tables must outlive it.
class ObjectWriter {
  public:
    explicit ObjectWriter(const Tables& tables);

    // The line of a row of `tables`, without "record" (the PaNOSC export adds it):
    //   {"model":"Dataset","documents":[..],"object":{..}}
    //   {"model":"Document","object":{..}}   {"model":"Instrument","object":{..}}
    std::string dataset(const Row& row) const;
    std::string document(const Row& row) const;
    std::string instrument(const Row& row) const;

  private:
    using Rows = std::vector<const Row*>;
    void index_relations(const Tables& t);
    void join(const Tables& t, std::string_view model, std::string_view key, const RowLookup& to,
              std::map<const Row*, Rows>& out);
    void index_documents(const Tables& t);
    const Rows& of(const std::map<const Row*, Rows>& relation, const Row& row) const;

    RowLookup datasets_, documents_, persons_, affiliations_;
    // Related rows by the Dataset or Document row they belong to.
    std::map<const Row*, Rows> parameters_, files_, samples_, techniques_, members_, documents_of_;
};

}  // namespace atlas::detail::panosc
