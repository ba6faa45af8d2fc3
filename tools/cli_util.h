// cli_util.h - small helpers shared by the command-line tools (terminal, numbers).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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

// The width of the terminal `stream` writes to, in columns; 0 if it is none.
unsigned terminal_columns(std::FILE* stream);

// The columns `line` takes on a terminal: UTF-8 characters, escape sequences
// ("\033[1m") not counted.
std::size_t visible_width(std::string_view line);

// `line` cut to at most `width` columns, "…" where cut; escape sequences are
// kept (and a reset added after a cut), characters never split.
std::string fit(std::string_view line, std::size_t width);

// Two columns side by side: each `left` line cut or padded to `left_width`,
// `gap` spaces, then the next `right` line; as many lines as both need.  A
// left line holding a URL ("://") is never cut: too wide, it takes its row
// alone and the right side goes on in the next.
std::vector<std::string> beside(const std::vector<std::string>& left,
                                const std::vector<std::string>& right, std::size_t left_width,
                                std::size_t gap = 3);

// The index directory: `flag` if given, else $ATLAS_INDEX, else the build's default.
std::string index_dir(const std::string& flag);

}  // namespace atlas::cli
