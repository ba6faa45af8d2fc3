// schema/display_file.h - where each document's display data is stored: one
// flat file per Xapian shard.
//
// A hit shows its display data (display_data.h).  It used to be each Xapian
// document's data, which glass compresses and writes into a B-tree as the
// document is added: a fifth of the Xapian writer's time for data read only
// for the twenty hits of a page.  Now each shard thread writes its documents'
// data to a file of its own, back to back, in docid order, and readers map
// it: document d of a K-shard index is the ((d-1)/K)-th document of
// <gen>/display/shard-<(d-1) mod K> (the numbering of shard_writer.h).
//
// Layout of a display file (little-endian):
//   data      the display data of each document, back to back
//   offsets   u64[count + 1]: document j's data is bytes [offsets[j], offsets[j+1])
//   footer    u64 count, then the 8 bytes of kDisplayMagic
// A reader checks the footer, that the offsets rise from 0 to the start of
// the table, and that count is what Xapian's shard holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace atlas {

inline constexpr std::string_view kDisplayDir = "display";
inline constexpr std::string_view kDisplayMagic = "atlasDS1";
inline constexpr std::size_t kDisplayFooterBytes = 16;

// "display/shard-3": shard `k`'s file, relative to the generation.
inline std::string display_file(unsigned k) {
    return std::string(kDisplayDir) + "/shard-" + std::to_string(k);
}

}  // namespace atlas
