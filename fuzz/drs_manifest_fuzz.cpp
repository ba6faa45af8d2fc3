// drs_manifest_fuzz.cpp - the HTAN adapter reading a DRS manifest CSV (schema/csv_reader.cpp,
// htan_mapping.cpp's read_drs_manifest and the matching of its rows to the
// export's files): the input is cds_manifest.csv.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::fuzz::SourceTree tree("htan", "htan",
                                        {"cds_manifest.csv"});
    tree.read(data, size);
    return 0;
}
