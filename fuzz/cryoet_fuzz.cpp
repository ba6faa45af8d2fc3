// cryoet_fuzz.cpp - the CryoET adapter reading its metadata JSON (cryoet_adapter.cpp,
// cryoet_mapping.cpp, json_reader.cpp): byte 0 picks which of the tree's eight
// files (dataset, run, frames, alignment, tilt series, tomogram, annotation,
// deposition) the rest of the input replaces.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::fuzz::SourceTree tree("cryoet", "cryoet",
                                        {"10000/dataset_metadata.json", "10000/TS_027/run_metadata.json",
                                         "10000/TS_027/Frames/frames_metadata.json",
                                         "10000/TS_027/Alignments/100/alignment_metadata.json",
                                         "10000/TS_027/TiltSeries/100/tiltseries_metadata.json",
                                         "10000/TS_027/Reconstructions/VoxelSpacing13.480/Tomograms/100/tomogram_metadata.json",
                                         "10000/TS_027/Reconstructions/VoxelSpacing13.480/Annotations/108/nucleus-1.0.json",
                                         "depositions_metadata/10310/deposition_metadata.json"});
    tree.read(data, size);
    return 0;
}
