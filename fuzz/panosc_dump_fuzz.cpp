// panosc_dump_fuzz.cpp - the PaNOSC adapter reading a LoopBack dump (panosc_adapter.cpp,
// panosc_mapping.cpp, panosc_objects.cpp): the input is search-api/db.json.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::fuzz::SourceTree tree("panosc", "panosc",
                                        {"search-api/db.json"});
    tree.read(data, size);
    return 0;
}
