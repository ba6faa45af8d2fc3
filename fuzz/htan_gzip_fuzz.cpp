// htan_gzip_fuzz.cpp - the HTAN adapter reading a gzipped export (json_reader.cpp's
// inflating, then htan_mapping.cpp): the input is processed_syn_data.json.gz.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::fuzz::SourceTree tree("htan", "htan",
                                        {"processed_syn_data.json.gz"},
                                        {"processed_syn_data.json"});
    tree.read(data, size);
    return 0;
}
