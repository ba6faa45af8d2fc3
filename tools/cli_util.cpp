// cli_util.cpp - terminal detection and number formatting for the tools.
#include "cli_util.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace atlas::cli {

bool is_tty(std::FILE* stream) {
    if (::isatty(::fileno(stream)) == 0) return false;
    const char* term = std::getenv("TERM");
    return term == nullptr || std::strcmp(term, "dumb") != 0;
}

bool use_colour(std::FILE* stream) {
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour != nullptr && *no_colour != '\0') return false;
    return is_tty(stream);
}

unsigned terminal_columns(std::FILE* stream) {
    if (!is_tty(stream)) return 0;
    winsize size{};
    if (::ioctl(::fileno(stream), TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

namespace {

// The length of the escape sequence starting at line[i] ("\033[...m"), or 0.
std::size_t escape_length(std::string_view line, std::size_t i) {
    if (line[i] != '\033' || i + 1 >= line.size() || line[i + 1] != '[') return 0;
    std::size_t j = i + 2;
    while (j < line.size() && (line[j] < 0x40 || line[j] > 0x7e)) ++j;
    return j < line.size() ? j - i + 1 : line.size() - i;
}

// The length of the UTF-8 character starting at line[i] (1 for a stray byte).
std::size_t char_length(std::string_view line, std::size_t i) {
    auto c = static_cast<unsigned char>(line[i]);
    std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return std::min(n, line.size() - i);
}

}  // namespace

std::size_t visible_width(std::string_view line) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size();) {
        if (std::size_t e = escape_length(line, i); e > 0) {
            i += e;
            continue;
        }
        i += char_length(line, i);
        ++width;
    }
    return width;
}

std::string fit(std::string_view line, std::size_t width) {
    if (visible_width(line) <= width) return std::string(line);
    std::string out;
    bool styled = false;
    std::size_t used = 0;
    for (std::size_t i = 0; i < line.size();) {
        if (std::size_t e = escape_length(line, i); e > 0) {
            out.append(line.substr(i, e));
            styled = true;
            i += e;
            continue;
        }
        if (used + 1 >= width) break;  // room for the ellipsis
        std::size_t n = char_length(line, i);
        out.append(line.substr(i, n));
        i += n;
        ++used;
    }
    if (width > 0) out += "\u2026";
    if (styled) out += "\033[0m";
    return out;
}

std::vector<std::string> beside(const std::vector<std::string>& left,
                                const std::vector<std::string>& right, std::size_t left_width,
                                std::size_t gap) {
    std::vector<std::string> out;
    std::size_t r = 0;
    for (std::size_t i = 0; i < left.size() || r < right.size(); ++i) {
        std::string line;
        if (i < left.size()) {
            // A URL is copied, never cut: it takes the row, the right side waits.
            if (left[i].find("://") != std::string::npos &&
                visible_width(left[i]) > left_width) {
                out.push_back(left[i]);
                continue;
            }
            line = fit(left[i], left_width);
        }
        if (r < right.size()) {
            if (!right[r].empty()) {
                line.append(left_width - visible_width(line) + gap, ' ');
                line += right[r];
            }
            ++r;
        }
        out.push_back(std::move(line));
    }
    return out;
}

std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

std::string duration(double seconds) {
    if (seconds < 60) return fmt::format("{:.1f} s", seconds);
    auto total = static_cast<long>(std::lround(seconds));
    if (total < 3600) return fmt::format("{} min {} s", total / 60, total % 60);
    return fmt::format("{} h {} min", total / 3600, (total % 3600) / 60);
}

std::string bytes(std::uint64_t n) {
    if (n < 1024) return fmt::format("{} B", n);
    double v = static_cast<double>(n) / 1024;
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        ++u;
    }
    return fmt::format("{:.1f} {}", v, units[u]);
}

std::string index_dir(const std::string& flag) {
    if (!flag.empty()) return flag;
    const char* env = std::getenv("ATLAS_INDEX");
    if (env != nullptr && *env != '\0') return env;
    return ATLAS_DEFAULT_INDEX;
}

}  // namespace atlas::cli
