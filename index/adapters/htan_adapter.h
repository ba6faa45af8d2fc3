// htan_adapter.h - the Human Tumor Atlas Network portal's flattened export.
//
// The root is a folder holding (anywhere below it; the first found in sorted
// path order is used):
//   processed_syn_data.json.gz (or .json)  the portal's entity model: files,
//       atlases, biospecimenByBiospecimenID, diagnosisByParticipantID,
//       demographicsByParticipantID
//   publications_manifest_all.json         PublicationManifest records
//   human-organ-mappings.json              coarse organ -> tissue/site names
//   minerva-story-mappings.json            file name -> Minerva story URL
//   syn_data.json.gz (or .json)            the raw Synapse manifests; their
//                                          Therapy rows (optional)
//   *.csv with drs_uri and name or HTAN    DRS manifests, as the CDS portal
//     Data File ID columns                 exports them (optional, any number)
// so both the ncihtan/htan-portal checkout and a folder of those files work.
//
// A DRS manifest row goes to the file its HTAN Data File ID names (a column
// called "HTAN Data File ID", "htan_data_file_id", "file_id"...), else to the
// file its name names if only one file has that name or exactly one of the
// same-named files already has that URI from the export.  A row naming no
// file, several files, or a file that has another URI is a warning, and left out.
//
// Kinds and ids (stable, documented in the README):
//   htan:atlas:<HTAN Center ID>               HTA1
//   htan:participant:<HTAN Participant ID>    demographics + diagnosis + therapy
//   htan:biospecimen:<HTAN Biospecimen ID>    parent chain up to its participant
//   htan:file:<HTAN Data File ID>             linked to biospecimens, participants,
//                                             parent files
//   htan:publication:<DOI>                    or <center>-<title words> without a DOI
// The export reuses 16 data file ids for different files (other name and
// Synapse id); the second of such a pair is htan:file:<id>/<synapse id>, with
// a warning, so neither is lost.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "adapter.h"

namespace atlas::detail {

std::unique_ptr<Adapter> make_htan_adapter(const std::filesystem::path& root);

inline constexpr std::string_view kHtanPortal = "https://data.humantumoratlas.org/";

}  // namespace atlas::detail
