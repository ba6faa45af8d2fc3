// request_text_fuzz.cpp - the short text forms of a request (query/request_text.cpp,
// atlas/request_text.h) a command line and a URL take: the input's lines are
// read as a filter, facets, a sort and a list, in turn.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/request_text.h"
#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = atlas::fuzz::as_text(data, size);
    for (int part = 0; part < 4; ++part) {
        auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (part == 0) (void)atlas::filter_from_text(line);
        if (part == 1) (void)atlas::facets_from_text(line);
        if (part == 2) (void)atlas::sort_from_text(line);
        if (part == 3) {
            std::vector<std::string> items;
            atlas::append_list(line, items);
        }
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return 0;
}
