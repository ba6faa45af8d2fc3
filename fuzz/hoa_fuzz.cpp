// hoa_fuzz.cpp - the Human Organ Atlas adapter reading dataset files (hoa_adapter.cpp,
// hoa_mapping.cpp): byte 0 picks which of the two files of one donor the rest replaces.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::fuzz::SourceTree tree("hoa", "hoa",
                                        {"metadata/LADAF-2020-27_lung_left_complete-organ_25.08um_bm05.json",
                                         "metadata/LADAF-2020-27_lung_left_VOI-03_6.5um_bm05.json"});
    tree.read(data, size);
    return 0;
}
