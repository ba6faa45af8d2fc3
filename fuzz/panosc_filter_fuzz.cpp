// panosc_filter_fuzz.cpp - the PaNOSC search API's LoopBack filters (panosc/filter.cpp,
// where.cpp, pattern.cpp, relations.cpp, api.cpp) run on the sample index:
// byte 0 picks the model (datasets, documents, instruments) and whether the
// rest is a filter (GET /api/{Models}) or a where (GET /api/{Models}/count).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "atlas/panosc.h"
#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static atlas::panosc::Api api;
    if (size == 0) return 0;
    const auto model = static_cast<atlas::panosc::Model>(data[0] % 3);
    const bool count = (data[0] / 3) % 2 == 1;
    std::string_view json = atlas::fuzz::as_text(data + 1, size - 1);
    auto& searcher = atlas::fuzz::sample_searcher();
    if (count) {
        (void)api.count(searcher, model, json, "");
    } else {
        (void)api.find(searcher, model, json, "");
    }
    return 0;
}
