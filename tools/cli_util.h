// cli_util.h - small helpers shared by the command-line tools (terminal, numbers).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace atlas::cli {

// True if `stream` is a terminal (and TERM is not "dumb").
bool is_tty(std::FILE* stream);

// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
bool use_colour(std::FILE* stream);

// 42758 -> "42,758".
std::string grouped(std::uint64_t n);

// 1.5 -> "1.5 s", 75 -> "1 min 15 s".
std::string duration(double seconds);

// 123456789 -> "117.7 MiB".
std::string bytes(std::uint64_t n);

// The index directory: `flag` if given, else $ATLAS_INDEX, else the build's default.
std::string index_dir(const std::string& flag);

}  // namespace atlas::cli
