// request_json_fuzz.cpp - the JSON request (query/request_json.cpp): the input is
// read as a request; one that reads is written back and searched on the
// sample index, its page cut to 10 hits so each input stays cheap.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "atlas/search.h"
#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto request = atlas::request_from_json(atlas::fuzz::as_text(data, size));
    if (!request.ok()) return 0;
    (void)atlas::to_json(request.value());
    request.value().limit = std::min<std::uint32_t>(request.value().limit, 10);
    auto result = atlas::fuzz::sample_searcher().search(request.value());
    if (result.ok()) (void)atlas::to_json(result.value());
    return 0;
}
