// manifest_writer.h - listing a finished generation's files with sizes and checksums.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "atlas/error.h"
#include "schema/manifest.h"

namespace atlas::detail {

// A token no other build has: the build writes it in its MANIFEST and checks
// it there before publishing (another writer's generation carries another).
std::string new_build_token();

// Every regular file under `generation` but the MANIFEST itself, read once
// for its CRC-32.  Errors: io (a file cannot be read).
Result<Manifest> compute_manifest(const std::filesystem::path& generation, std::string build);

// Writes <generation>/MANIFEST and fsyncs it.  Errors: io.
Status write_manifest(const std::filesystem::path& generation, const Manifest& manifest);

// Lists the finished generation in its MANIFEST under `build` and fsyncs
// everything in it.  Errors: io.
Status seal_generation(const std::filesystem::path& generation, const std::string& build);

// The check before publishing: `generation` is the one build `build` sealed
// (its MANIFEST names that build) and every file is as the MANIFEST lists,
// none missing, changed or added.  Errors: corrupt, naming the first
// difference (another writer in the folder; the files are read back, most
// likely from the page cache: this is no check of the disk itself).
Status check_sealed(const std::filesystem::path& generation, const std::string& build);

// The CRC-32 of a whole file.  Errors: io.
Result<std::uint32_t> file_crc32(const std::filesystem::path& file);

// What differs between `generation` and its manifest, one line each: files
// missing, of another size or checksum, and files the manifest does not list.
std::vector<std::string> compare_with_manifest(const std::filesystem::path& generation,
                                               const Manifest& manifest);

}  // namespace atlas::detail
