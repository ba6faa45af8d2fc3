// usage_check.h - what the tests of both CLIs' usage texts check alike.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "cli_options.h"
#include "cli_util.h"

namespace atlas::test {

// Every line of a usage text fits the width the option tables wrap to.
inline void check_lines_fit(const std::string& usage) {
    std::size_t start = 0;
    while (start < usage.size()) {
        std::size_t end = usage.find('\n', start);
        std::string line = usage.substr(start, end - start);
        CAPTURE(line);
        CHECK(cli::visible_width(line) <= cli::kUsageWidth);
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

}  // namespace atlas::test
