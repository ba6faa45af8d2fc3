// manifest_writer.cpp - a generation's MANIFEST: computed, written, compared (manifest_writer.h).
#include "manifest_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <random>

#include "generation.h"

namespace atlas::detail {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadChunk = std::size_t{1} << 20;

Error io_error(const std::string& what, const fs::path& p) {
    return Error{Errc::io, fmt::format("cannot {} '{}': {}", what, p.string(), std::strerror(errno))};
}

// The regular files under `generation` but its MANIFEST, by relative path.
Result<std::vector<std::string>> files_under(const fs::path& generation) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(generation, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string rel = it->path().lexically_relative(generation).generic_string();
        if (rel != kManifestFile) out.push_back(std::move(rel));
    }
    if (ec) {
        return Error{Errc::io,
                     fmt::format("cannot list '{}': {}", generation.string(), ec.message())};
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::string new_build_token() {
    std::random_device device;
    std::uniform_int_distribution<std::uint32_t> word;
    return fmt::format("{:08x}{:08x}-{}", word(device), word(device), ::getpid());
}

Result<std::uint32_t> file_crc32(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error("open", file);
    std::vector<unsigned char> buffer(kReadChunk);
    uLong crc = ::crc32(0L, Z_NULL, 0);
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            auto error = io_error("read", file);
            ::close(fd);
            return error;
        }
        if (n == 0) break;
        crc = ::crc32(crc, buffer.data(), static_cast<uInt>(n));
    }
    ::close(fd);
    return static_cast<std::uint32_t>(crc);
}

Result<Manifest> compute_manifest(const fs::path& generation, std::string build) {
    auto files = files_under(generation);
    if (!files.ok()) return files.error();
    Manifest manifest;
    manifest.build = std::move(build);
    for (auto& rel : files.value()) {
        std::error_code ec;
        ManifestEntry entry;
        entry.bytes = fs::file_size(generation / rel, ec);
        if (ec) {
            return Error{Errc::io, fmt::format("cannot read the size of '{}': {}",
                                               (generation / rel).string(), ec.message())};
        }
        auto crc = file_crc32(generation / rel);
        if (!crc.ok()) return crc.error();
        entry.crc32 = crc.value();
        entry.path = std::move(rel);
        manifest.files.push_back(std::move(entry));
    }
    return manifest;
}

Status write_manifest(const fs::path& generation, const Manifest& manifest) {
    fs::path path = generation / kManifestFile;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("create", path);
    std::string text = manifest.serialize();
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            auto error = io_error("write", path);
            ::close(fd);
            return error;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        auto error = io_error("sync", path);
        ::close(fd);
        return error;
    }
    ::close(fd);
    return {};
}

Status seal_generation(const fs::path& generation, const std::string& build) {
    auto manifest = compute_manifest(generation, build);
    if (!manifest.ok()) return manifest.error();
    if (auto s = write_manifest(generation, manifest.value()); !s.ok()) return s;
    return sync_tree(generation);
}

Status check_sealed(const fs::path& generation, const std::string& build) {
    auto manifest = read_manifest(generation);
    if (!manifest.ok()) return manifest.error();
    auto refuse = [&](const std::string& why) {
        return Error{Errc::corrupt, fmt::format("'{}' is not the generation this build wrote "
                                                "({}); it is not published",
                                                generation.string(), why)};
    };
    if (manifest.value().build != build) {
        return refuse(fmt::format("its manifest names build {}, this build is {}",
                                  manifest.value().build, build));
    }
    auto problems = compare_with_manifest(generation, manifest.value());
    if (!problems.empty()) {
        return refuse(fmt::format("{}{}", problems.front(),
                                  problems.size() > 1
                                      ? fmt::format(", and {} more", problems.size() - 1)
                                      : ""));
    }
    return {};
}

std::vector<std::string> compare_with_manifest(const fs::path& generation,
                                               const Manifest& manifest) {
    std::vector<std::string> problems;
    std::map<std::string, bool> listed;
    for (const auto& f : manifest.files) {
        listed[f.path] = true;
        std::error_code ec;
        auto bytes = fs::file_size(generation / f.path, ec);
        if (ec) {
            problems.push_back(fmt::format("{}: missing ({})", f.path, ec.message()));
            continue;
        }
        if (bytes != f.bytes) {
            problems.push_back(fmt::format("{}: {} bytes, the manifest lists {} ({})", f.path,
                                           bytes, f.bytes, bytes < f.bytes ? "truncated" : "grown"));
            continue;
        }
        auto crc = file_crc32(generation / f.path);
        if (!crc.ok()) {
            problems.push_back(fmt::format("{}: {}", f.path, crc.error().message));
        } else if (crc.value() != f.crc32) {
            problems.push_back(fmt::format("{}: checksum {:08x}, the manifest lists {:08x} (changed)",
                                           f.path, crc.value(), f.crc32));
        }
    }
    auto present = files_under(generation);
    if (!present.ok()) {
        problems.push_back(present.error().message);
        return problems;
    }
    for (const auto& rel : present.value()) {
        if (!listed.contains(rel)) problems.push_back(fmt::format("{}: not in the manifest", rel));
    }
    return problems;
}

}  // namespace atlas::detail
