// schema/display_file.h - where each document's display data is stored: one
// flat file per Xapian shard.
//
// A hit shows its display data (display_data.h).  It used to be each Xapian
// document's data, which glass compresses with zlib and writes into a B-tree
// as the document is added: a fifth of the Xapian writer's time for data read
// only for the twenty hits of a page.  Now each shard thread writes its
// documents' data to a file of its own, each compressed alone with a
// dictionary trained on the shard's first documents (compression.h), in
// docid order, and readers map it: document d of a K-shard index is the
// ((d-1)/K)-th document of <gen>/display/shard-<(d-1) mod K> (the numbering
// of shard_writer.h).
//
// Layout of a display file (little-endian):
//   data        each document's display data, compressed, back to back
//   dictionary  the compression dictionary (may be empty)
//   offsets     u64[count + 1]: document j's frame is bytes [offsets[j], offsets[j+1])
//   footer      u64 dictionary bytes, u64 count, then the 8 bytes of kDisplayMagic
// A reader checks the footer, that the offsets rise from 0 to the start of
// the dictionary, and that count is what Xapian's shard holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace atlas {

inline constexpr std::string_view kDisplayDir = "display";
inline constexpr std::string_view kDisplayMagic = "atlasDS2";
inline constexpr std::size_t kDisplayFooterBytes = 24;

// "display/shard-3": shard `k`'s file, relative to the generation.
inline std::string display_file(unsigned k) {
    return std::string(kDisplayDir) + "/shard-" + std::to_string(k);
}

}  // namespace atlas
