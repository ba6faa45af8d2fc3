// flag_pairs.h - the command line of the benchmark's generators (atlas_scale,
// atlas_workload): "--name value" pairs, and -h or --help.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <optional>
#include <string_view>

namespace atlas::bench {

// Hands each "--name value" pair of argv to `apply(name, value)`, in order,
// until one returns an exit code.  "-h" or "--help" where a name stands
// prints `usage` and ends with 0; a name without a value prints "<program>:
// <name> needs a value" and the usage on stderr and ends with 2.  Returns the
// exit code to end with, or nothing when every pair was taken.
template <class Apply>
std::optional<int> for_each_flag(int argc, char** argv, std::string_view program,
                                 std::string_view usage, Apply apply) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            fmt::print("{}", usage);
            return 0;
        }
        if (i + 1 >= argc) {
            fmt::print(stderr, "{}: {} needs a value\n{}", program, arg, usage);
            return 2;
        }
        std::string_view value = argv[++i];
        if (std::optional<int> code = apply(arg, value)) return code;
    }
    return std::nullopt;
}

// A pair `apply` does not take: "<program>: bad argument '<name> <value>'"
// and the usage on stderr; returns the exit code 2.
inline int bad_flag(std::string_view program, std::string_view name, std::string_view value,
                    std::string_view usage) {
    fmt::print(stderr, "{}: bad argument '{} {}'\n{}", program, name, value, usage);
    return 2;
}

}  // namespace atlas::bench
