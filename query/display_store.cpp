// display_store.cpp - DisplayStore: the display files mapped and checked once.
#include "display_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "schema/display_file.h"

namespace atlas::detail {
namespace {

std::uint64_t u64_at(const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

Error damaged(const std::string& path, const std::string& what) {
    return Error{Errc::corrupt, fmt::format("display file '{}' is damaged: {}; rebuild the index "
                                            "with atlas-index build",
                                            path, what)};
}

// Where the parts of a display file of `bytes` bytes are, from its footer.
struct Parts {
    std::uint64_t count = 0;
    std::uint64_t dictionary = 0;  // offset of the dictionary (= end of the data)
    std::uint64_t dictionary_bytes = 0;
    std::uint64_t table = 0;  // offset of the offsets
};

// Checks the footer and the offsets of a mapped file of `bytes` bytes.
Result<Parts> check_layout(const std::string& path, const char* base, std::size_t bytes,
                           std::uint64_t expected) {
    if (bytes < kDisplayFooterBytes + sizeof(std::uint64_t)) return damaged(path, "too short");
    const char* footer = base + bytes - kDisplayFooterBytes;
    if (std::string_view(footer + 16, kDisplayMagic.size()) != kDisplayMagic) {
        return damaged(path, "no footer");
    }
    Parts p;
    p.dictionary_bytes = u64_at(footer);
    p.count = u64_at(footer + 8);
    std::uint64_t room = (bytes - kDisplayFooterBytes) / sizeof(std::uint64_t);
    if (p.count != expected || p.count + 1 > room) {
        return damaged(path, fmt::format("{} documents, the index has {}", p.count, expected));
    }
    p.table = bytes - kDisplayFooterBytes - (p.count + 1) * sizeof(std::uint64_t);
    if (p.dictionary_bytes > p.table) return damaged(path, "its dictionary does not fit");
    p.dictionary = p.table - p.dictionary_bytes;
    std::uint64_t previous = 0;
    for (std::uint64_t j = 0; j <= p.count; ++j) {
        std::uint64_t offset = u64_at(base + p.table + j * sizeof(std::uint64_t));
        if ((j == 0 && offset != 0) || offset < previous || offset > p.dictionary ||
            (j == p.count && offset != p.dictionary)) {
            return damaged(path, fmt::format("offset {} of {} is out of place", j, p.count));
        }
        previous = offset;
    }
    return p;
}

}  // namespace

DisplayStore::~DisplayStore() {
    for (const auto& f : files_) ::munmap(const_cast<char*>(f.base), f.bytes);
}

Result<DisplayStore::File> DisplayStore::map(const std::string& path, std::uint64_t expected) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Error{errno == ENOENT ? Errc::corrupt : Errc::unavailable,
                     fmt::format("cannot open display file '{}': {}", path, std::strerror(errno))};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
        ::close(fd);
        return damaged(path, "empty");
    }
    auto bytes = static_cast<std::size_t>(st.st_size);
    void* base = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (base == MAP_FAILED) {
        return Error{Errc::unavailable,
                     fmt::format("cannot map display file '{}': {}", path, std::strerror(errno))};
    }
    File file{static_cast<const char*>(base), bytes, nullptr, expected, nullptr};
    auto parts = check_layout(path, file.base, bytes, expected);
    if (!parts.ok()) {
        ::munmap(base, bytes);
        return parts.error();
    }
    file.offsets = file.base + parts.value().table;
    file.decompressor = std::make_shared<const Decompressor>(std::string_view(
        file.base + parts.value().dictionary, parts.value().dictionary_bytes));
    if (!file.decompressor->ok()) {
        ::munmap(base, bytes);
        return damaged(path, "its dictionary does not load");
    }
    return file;
}

Result<std::unique_ptr<DisplayStore>> DisplayStore::open(const std::string& generation,
                                                         unsigned shards,
                                                         std::uint32_t doc_count) {
    std::unique_ptr<DisplayStore> store(new DisplayStore());
    for (unsigned k = 0; k < shards; ++k) {
        // Documents k+1, k+1+K, ... are this shard's.
        std::uint64_t expected = doc_count > k ? (doc_count - k + shards - 1) / shards : 0;
        std::string path = (std::filesystem::path(generation) / display_file(k)).string();
        auto file = map(path, expected);
        if (!file.ok()) return file.error();
        store->files_.push_back(file.value());
    }
    return store;
}

std::optional<std::string> DisplayStore::data(std::uint32_t docid) const {
    if (docid == 0 || files_.empty()) return std::nullopt;
    const File& f = files_[(docid - 1) % files_.size()];
    std::uint64_t j = (docid - 1) / files_.size();
    if (j >= f.count) return std::nullopt;
    const char* at = f.offsets + j * sizeof(std::uint64_t);
    std::uint64_t begin = u64_at(at);
    std::uint64_t end = u64_at(at + sizeof(std::uint64_t));
    return f.decompressor->decompress(std::string_view(f.base + begin, end - begin));
}

}  // namespace atlas::detail
