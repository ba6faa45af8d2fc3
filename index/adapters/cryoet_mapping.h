// cryoet_mapping.h - CryoET metadata JSON fields -> record values, one function per file kind.
//
// Each function reads one parsed metadata object through a FieldReader (which
// reports bad values) and appends typed values and links to the record.  The
// walk over the tree, ids, inheritance and roll-ups live in cryoet_adapter.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "json_reader.h"
#include "schema/record.h"

namespace atlas::detail::cryoet {

// What an alignment_metadata.json contributes to the tomograms that use it.
struct Alignment {
    std::string method;  // method_type, e.g. patch_tracking
    std::string type;    // alignment_type, GLOBAL or LOCAL
};

// Top-level keys each file kind may carry; others are reported once per kind.
extern const std::vector<std::string_view> kDatasetKeys;
extern const std::vector<std::string_view> kDepositionKeys;
extern const std::vector<std::string_view> kRunKeys;
extern const std::vector<std::string_view> kTiltSeriesKeys;
extern const std::vector<std::string_view> kTomogramKeys;
extern const std::vector<std::string_view> kAnnotationKeys;
extern const std::vector<std::string_view> kAlignmentKeys;
extern const std::vector<std::string_view> kFramesKeys;

void map_dataset(const FieldReader& r, Record& rec);
void map_deposition(const FieldReader& r, Record& rec);
void map_tiltseries(const FieldReader& r, Record& rec);
void map_tomogram(const FieldReader& r, Record& rec,
                  const std::map<std::string, Alignment>& alignments);
void map_annotation(const FieldReader& r, Record& rec);
// Frames (dose rate, gain correction) belong to the run.
void map_frames(const FieldReader& r, Record& run);
Alignment read_alignment(const FieldReader& r);

// Adds "s3" and "https" links for a bucket-relative folder ("10000/TS_026/").
void add_folder_links(Record& rec, std::string_view bucket_dir);
// Adds an s3 link `rel` for a bucket-relative file path from the metadata;
// reports paths that are not bucket-relative.
void add_file_link(const FieldReader& r, Record& rec, std::string_view rel, std::string_view field);

// Values treated as absent: the pipeline's defaults for unreported ontology terms.
bool is_unreported(std::string_view s);

}  // namespace atlas::detail::cryoet
