// display_store_fuzz.cpp - the display file reader (query/display_store.cpp)
// and the display data decoder (schema/display_data.cpp): the input, less its
// first byte, is written as a one-shard generation's display/shard-0 and
// opened for the document count its footer names, or (first byte) one more
// or one less; a file that opens has its first documents, and the docids
// either side of the range, read and decoded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>

#include "display_store.h"
#include "harness.h"
#include "schema/display_data.h"
#include "schema/display_file.h"

namespace {

constexpr std::uint32_t kMaxDocs = 64;  // documents read per input

// The count the footer names (0 when there is no footer), moved by `shift`.
std::uint32_t count_to_open(std::string_view file, std::uint8_t shift) {
    std::uint64_t count = 0;
    if (file.size() >= atlas::kDisplayFooterBytes) {
        std::memcpy(&count, file.data() + file.size() - 16, sizeof count);
    }
    auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, UINT32_MAX - 1));
    if (shift % 3 == 1) return n + 1;
    if (shift % 3 == 2 && n > 0) return n - 1;
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const atlas::fuzz::TempDir dir;
    static const bool made = std::filesystem::create_directories(dir.path() / atlas::kDisplayDir);
    (void)made;
    const std::string_view file = atlas::fuzz::as_text(data + 1, size - 1);
    atlas::fuzz::write_file(dir.path() / atlas::display_file(0), file);
    const std::uint32_t count = count_to_open(file, data[0]);
    auto store = atlas::detail::DisplayStore::open(dir.path().string(), 1, count);
    if (!store.ok()) return 0;
    for (std::uint32_t d = 0; d <= std::min(count, kMaxDocs) + 1; ++d) {
        if (auto bytes = store.value()->data(d)) (void)atlas::decode_display_data(*bytes);
    }
    return 0;
}
