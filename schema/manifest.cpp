// manifest.cpp - reading a generation's MANIFEST and checking its sizes (manifest.h).
#include "manifest.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

namespace atlas::detail {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHeader = "atlas-manifest 1";
constexpr std::string_view kBuildPrefix = "build ";
constexpr std::uintmax_t kMaxManifestBytes = std::uintmax_t{1} << 20;

// "<bytes> <crc32 hex> <path>"; false if the line is not one.
bool parse_entry(std::string_view line, ManifestEntry& entry) {
    auto space = line.find(' ');
    if (space == std::string_view::npos) return false;
    auto second = line.find(' ', space + 1);
    if (second == std::string_view::npos || second + 1 >= line.size()) return false;
    const char* end = line.data() + space;
    if (std::from_chars(line.data(), end, entry.bytes).ptr != end) return false;
    const char* crc_end = line.data() + second;
    if (second - space - 1 != 8 ||
        std::from_chars(line.data() + space + 1, crc_end, entry.crc32, 16).ptr != crc_end) {
        return false;
    }
    entry.path = std::string(line.substr(second + 1));
    return entry.path.find("..") == std::string::npos && entry.path.front() != '/';
}

Error damaged(const fs::path& generation, const std::string& what) {
    return Error{Errc::corrupt, fmt::format("generation '{}' is damaged: {}; run atlas-index "
                                            "verify, then rebuild",
                                            generation.string(), what)};
}

}  // namespace

std::string Manifest::serialize() const {
    std::string out = fmt::format("{}\n{}{}\n", kHeader, kBuildPrefix, build);
    for (const auto& f : files) out += fmt::format("{} {:08x} {}\n", f.bytes, f.crc32, f.path);
    return out;
}

Result<Manifest> read_manifest(const fs::path& generation) {
    fs::path path = generation / kManifestFile;
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    if (ec) {
        return damaged(generation, fmt::format("{} cannot be read ({}: a generation built before "
                                               "manifests, or one missing files)",
                                               kManifestFile, ec.message()));
    }
    if (size > kMaxManifestBytes) {
        return damaged(generation, fmt::format("{} is {} bytes", kManifestFile, size));
    }
    std::ifstream in(path, std::ios::binary);
    std::string line;
    std::getline(in, line);
    if (line != kHeader) return damaged(generation, fmt::format("{} has no header", kManifestFile));
    Manifest manifest;
    if (!std::getline(in, line) || !line.starts_with(kBuildPrefix)) {
        return damaged(generation, fmt::format("{} names no build", kManifestFile));
    }
    manifest.build = line.substr(kBuildPrefix.size());
    for (std::size_t n = 3; std::getline(in, line); ++n) {
        ManifestEntry entry;
        if (!parse_entry(line, entry)) {
            return damaged(generation, fmt::format("{} line {} is not '<bytes> <crc32> <path>'",
                                                   kManifestFile, n));
        }
        // Written sorted, each path once: anything else was not written by a build.
        if (!manifest.files.empty() && entry.path <= manifest.files.back().path) {
            return damaged(generation, fmt::format("{} line {} lists '{}' out of order or twice",
                                                   kManifestFile, n, entry.path));
        }
        manifest.files.push_back(std::move(entry));
    }
    if (manifest.files.empty()) {
        return damaged(generation, fmt::format("{} lists no file", kManifestFile));
    }
    return manifest;
}

Status check_sizes(const fs::path& generation, const Manifest& manifest) {
    for (const auto& f : manifest.files) {
        std::error_code ec;
        auto bytes = fs::file_size(generation / f.path, ec);
        if (ec) {
            return damaged(generation, fmt::format("{} is missing ({}; the manifest lists {} "
                                                   "bytes)",
                                                   f.path, ec.message(), f.bytes));
        }
        if (bytes != f.bytes) {
            return damaged(generation, fmt::format("{} has {} bytes, the manifest {}", f.path,
                                                   bytes, f.bytes));
        }
    }
    return {};
}

}  // namespace atlas::detail
