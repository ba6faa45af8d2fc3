// htan_json_fuzz.cpp - the HTAN adapter reading its JSON files (htan_adapter.cpp,
// htan_mapping.cpp, json_reader.cpp): byte 0 picks the export, the publications,
// the organ mappings, the story mappings or syn_data.json (absent from the tree
// otherwise); the rest of the input is the file.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::fuzz::SourceTree tree("htan", "htan",
                                        {"processed_syn_data.json", "publications_manifest_all.json",
                                         "human-organ-mappings.json", "minerva-story-mappings.json",
                                         "syn_data.json"});
    tree.read(data, size);
    return 0;
}
