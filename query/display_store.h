// display_store.h - each document's display data, from the shards' display
// files (schema/display_file.h), mapped read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"
#include "schema/compression.h"

namespace atlas::detail {

class DisplayStore {
  public:
    // Maps <generation>/display/shard-0 .. shard-<shards-1> and checks each
    // against the layout and against `doc_count` documents numbered across
    // the shards as Xapian numbers them.  Errors: corrupt (naming the file
    // and what is wrong), unavailable (it cannot be opened or mapped).
    static Result<std::unique_ptr<DisplayStore>> open(const std::string& generation,
                                                      unsigned shards, std::uint32_t doc_count);
    ~DisplayStore();
    DisplayStore(const DisplayStore&) = delete;
    DisplayStore& operator=(const DisplayStore&) = delete;

    // Document `docid`'s display data; nullopt outside 1..doc_count or when
    // its frame does not decompress (damaged).  Safe from several threads.
    std::optional<std::string> data(std::uint32_t docid) const;

  private:
    struct File {
        const char* base = nullptr;
        std::size_t bytes = 0;
        const char* offsets = nullptr;  // count + 1 u64, unaligned (read with memcpy)
        std::uint64_t count = 0;
        std::shared_ptr<const Decompressor> decompressor;  // with the file's dictionary
    };
    DisplayStore() = default;
    static Result<File> map(const std::string& path, std::uint64_t expected);

    std::vector<File> files_;
};

}  // namespace atlas::detail
