// hoa_adapter.h - the Human Organ Atlas (HiP-CT at the ESRF): one metadata JSON per dataset.
//
// Reads the dataset files of github.com/HumanOrganAtlas/metadata-schemas (schema
// version 1.1, described by its metadata-schema.json).  The source root is a
// directory; the files read are the `*.json` directly inside `<root>/metadata/`,
// or, only when that folder does not exist, inside
// `<root>/HumanOrganAtlas_metadata-schemas/metadata/` (the shared corpus layout).
// That folder is the source root for record files: a record's `file` is the bare
// file name ("A129_lung_VOI-02_2.0um_bm18.json"), the same in both layouts.
// Sub-folders and other files (metadata-schema.json beside metadata/) are not read.
//
// Every file is one dataset (a scan); donors and organs are assembled from the
// files that name them and come out once each.  Ids (stable):
//   hoa:donor:<donor.id>                                       hoa:donor:LADAF-2020-27
//   hoa:organ:<donor.id>/<sample.organ>[/<sample.organ_context>]
//                                                              hoa:organ:LADAF-2020-27/lung/left
//   hoa:dataset:<name>          (name is the file stem) hoa:dataset:A129_lung_VOI-02_2.0um_bm18
// Parents: organ -> donor; an overview -> its organ; a zoom -> the dataset its
// registration.target_dataset names when this source has that dataset, else its organ.
//
// A donor's facts (age, sex, cause of death...) are taken from the first file
// that names the donor, in file-name order; a later file that disagrees is
// reported, naming both files.  A file that cannot be read is reported and its
// dataset's previous version (if the current index has one) is kept and placed
// again under this build's donor and organ.  Units are the schema's: voxel and
// pixel size in µm, energy in keV, distances in mm, scan range in degrees,
// exposure in s, weight in kg, height in cm, age in years; a string that carries
// its own unit ("93 keV") is read in that unit if it is of the same dimension.
#pragma once

#include <filesystem>
#include <memory>

#include "adapter.h"

namespace atlas::detail {

// "n5://gs://bucket/path/" -> https links use this host.
inline constexpr std::string_view kHoaGcsHttps = "https://storage.googleapis.com/";

std::unique_ptr<Adapter> make_hoa_adapter(const std::filesystem::path& root);

}  // namespace atlas::detail
