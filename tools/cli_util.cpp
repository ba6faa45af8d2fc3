// cli_util.cpp - terminal detection and number formatting for the tools.
#include "cli_util.h"

#include <fmt/format.h>
#include <unistd.h>

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
