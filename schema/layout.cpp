// layout.cpp - finding the generation readers open (layout.h).
#include "layout.h"

#include <fmt/format.h>

#include <filesystem>

namespace atlas {

Result<std::string> current_generation(const std::string& index_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path link = fs::path(index_dir) / kCurrentLink;
    if (!fs::is_symlink(link, ec)) {
        if (!fs::exists(index_dir, ec)) {
            return Error{Errc::not_found, fmt::format("no index at '{}' (build one with "
                                                      "atlas-index build)",
                                                      index_dir)};
        }
        return Error{Errc::not_found,
                     fmt::format("'{}' holds no index (no {} link; build one with atlas-index "
                                 "build)",
                                 index_dir, kCurrentLink)};
    }
    fs::path target = fs::read_symlink(link, ec);
    if (ec) {
        return Error{Errc::unavailable,
                     fmt::format("cannot read '{}': {}", link.string(), ec.message())};
    }
    fs::path generation = target.is_absolute() ? target : fs::path(index_dir) / target;
    if (!fs::is_directory(generation, ec)) {
        return Error{Errc::unavailable, fmt::format("'{}' points to missing '{}'", link.string(),
                                                    generation.string())};
    }
    return generation.string();
}

}  // namespace atlas
