// schema/panosc_format.h - the PaNOSC file: every record of a generation in the PaNOSC data model.
//
// The PaNOSC search API (panosc/, served under /api) answers in the PaNOSC
// data model: Datasets, Documents and Instruments with their parameters,
// samples, techniques, files and members.  atlas-index writes, beside the
// column file, <gen>/panosc.jsonl (kPanoscFile): one JSON object per line,
// one line per top-level PaNOSC object, in the order the records were
// indexed (index/panosc_export.h says how each portal's records map):
//
//   {"model":"Dataset","record":"hoa:dataset:A129_lung_VOI-02_2.0um_bm18",
//    "documents":["10.15151/ESRF-DC-2184066672"],
//    "object":{"pid":..,"title":..,"isPublic":true,"creationDate":..,"instrumentId":..,
//              "parameters":[..,{"id":7,"name":"TOMO_pixelSize","value":2,"unit":"µm",
//                             "datasetId":..},..],
//              "samples":[..],"techniques":[..],"files":[..]}}
//   {"model":"Document","record":..,"object":{"pid":..,"type":..,"title":..,
//              "members":[{"id":..,"role":..,"person":{..},"affiliation":{..}}],
//              "parameters":[..]}}
//   {"model":"Instrument","record":..,"object":{"pid":..,"name":..,"facility":..}}
//
//   model      Dataset, Document or Instrument (kPanoscModels)
//   record     the id of the record the object comes from ("" for an object no
//              record holds: an instrument named by datasets); `query=` ranks an
//              object by its records' scores
//   documents  Dataset only: the pids of the Documents it belongs to (the
//              relation both ways is made from this list)
//   object     the object's own properties, as the source wrote them (a PaNOSC
//              dump's rows; the other portals' records are mapped to the model,
//              index/panosc_export.h), and its nested relations in full:
//              parameters (in id order), samples, techniques, files (Dataset);
//              members with their person and affiliation, parameters
//              (Document).  Relations between top-level objects (datasets,
//              documents, instrument) are not inline: readers join them by pid
//              (Dataset.instrumentId, `documents`).
//
// The same pid may come on several lines (copies of one PaNOSC database in
// several dumps): readers keep the first and add the others' records.  An
// object no record holds, or one many records name (a beamline, a DOI), is
// written once.
// Each record's own part of this file is Record::panosc (record.h), set by the
// adapters that read PaNOSC dumps; index/panosc_export.cpp maps the others.
#pragma once

#include <array>
#include <string_view>

namespace atlas {

inline constexpr std::string_view kPanoscFile = "panosc.jsonl";
inline constexpr std::array<std::string_view, 3> kPanoscModels{"Dataset", "Document",
                                                               "Instrument"};

}  // namespace atlas
