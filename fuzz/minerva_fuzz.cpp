// minerva_fuzz.cpp - the Minerva adapter reading stories (minerva_adapter.cpp,
// minerva_mapping.cpp): byte 0 picks the story mapping or one of two exhibits.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::fuzz::SourceTree tree("minerva", "minerva",
                                        {"minerva-story-mappings.json", "HTA-CRCATLAS-1/exhibits/crc02-he-overview.json",
                                         "HTA-MELATLAS-1/exhibits/MEL01-1-1-overview.json"});
    tree.read(data, size);
    return 0;
}
