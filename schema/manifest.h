// schema/manifest.h - a generation's MANIFEST: every file it holds, with size and checksum.
//
// The writer (index/manifest_writer.h) lists every file of a finished
// generation, with its size and CRC-32, and the token of the build that wrote
// it; the build checks the list before it publishes, `atlas-index verify`
// checks sizes and checksums later, and a reader (query/searcher.cpp) checks
// sizes before it opens a generation, so a missing or truncated file is found
// cheaply.  Format, one line each, paths relative to the generation and sorted:
//
//   atlas-manifest 1
//   build <token>
//   <bytes> <crc32, 8 hex digits> <path>
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "atlas/error.h"

namespace atlas::detail {

inline constexpr std::string_view kManifestFile = "MANIFEST";

struct ManifestEntry {
    std::string path;  // relative to the generation, '/'-separated
    std::uint64_t bytes = 0;
    std::uint32_t crc32 = 0;
};

struct Manifest {
    std::string build;  // the token of the build that wrote the generation
    std::vector<ManifestEntry> files;  // sorted by path

    std::string serialize() const;
};

// Reads <generation>/MANIFEST.  Errors: corrupt (missing or unreadable:
// the generation is incomplete or was built before manifests).
Result<Manifest> read_manifest(const std::filesystem::path& generation);

// Every file the manifest lists exists with the size it lists.  Errors:
// corrupt, naming the first file that does not and what was expected.
Status check_sizes(const std::filesystem::path& generation, const Manifest& manifest);

}  // namespace atlas::detail
