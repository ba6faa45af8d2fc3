// cryoet_adapter.h - the CryoET Data Portal: a mirror of the public bucket's metadata JSON.
//
// Reads a tree laid out like s3://cryoet-data-portal-public (what
// `aws s3 sync --no-sign-request --exclude '*' --include '*.json'` fetches):
//   <dataset>/dataset_metadata.json
//   <dataset>/<run>/run_metadata.json, Frames/frames_metadata.json
//   <dataset>/<run>/TiltSeries/<id>/tiltseries_metadata.json
//   <dataset>/<run>/Alignments/<id>/alignment_metadata.json
//   <dataset>/<run>/Reconstructions/VoxelSpacing<x>/Tomograms/<id>/tomogram_metadata.json
//   <dataset>/<run>/Reconstructions/VoxelSpacing<x>/Annotations/<id>/<object>-<version>.json
//   depositions_metadata/<id>/deposition_metadata.json
// into records of kind deposition, dataset, run, tiltseries, tomogram and
// annotation.  Ids (stable, documented in the README):
//   cryoet:deposition:<deposition_id>
//   cryoet:dataset:<dataset_id>
//   cryoet:run:<dataset_id>/<run_name>
//   cryoet:tiltseries:<dataset_id>/<run_name>/<id>
//   cryoet:tomogram:<dataset_id>/<run_name>/<voxel_spacing>/<id>
//   cryoet:annotation:<dataset_id>/<run_name>/<voxel_spacing>/<id>
// Annotation folder ids restart in every voxel-spacing folder of a run, so the
// voxel spacing (the folder's text, "13.480") is part of the annotation id as
// it is of the tomogram id; cryoet:annotation:<dataset_id>/<run_name>/<id> is
// kept as an alias.  Alignments and frames are folded into the tomograms and
// runs that use them.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>

#include "adapter.h"

namespace atlas::detail {

inline constexpr std::string_view kCryoetBucketS3 = "s3://cryoet-data-portal-public/";
inline constexpr std::string_view kCryoetBucketHttps =
    "https://files.cryoetdataportal.cziscience.com/";
inline constexpr std::string_view kCryoetPortal = "https://cryoetdataportal.czscience.com/";

std::unique_ptr<Adapter> make_cryoet_adapter(const std::filesystem::path& root);

}  // namespace atlas::detail
