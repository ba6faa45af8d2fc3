// schema/compression.h - small records compressed one by one, with a
// dictionary trained on the first of them (Zstandard).
//
// A generation stores each record twice over: its JSON in the catalog and
// its display data for hits.  Compressed one by one (each is read alone),
// records of a few kilobytes shrink about 3x; with a dictionary trained on a
// sample of them first, 5-10x, at ~700 MB/s to compress and ~1.8 GB/s to
// read back on this kind of machine (zlib, already linked for the HTAN
// export: 2.9x at 120 MB/s, which on two cores would have cost 30 s of a
// 10^6-record build).  Writers train on the first kTrainingRecords records
// (or all of them when there are fewer) and keep the dictionary with the data.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"

namespace atlas {

// Records a writer holds back to train its dictionary on.
inline constexpr std::size_t kTrainingRecords = 2048;

// A dictionary for `samples`; empty when there are too few or too alike to
// train one (a compressor without one still works).
std::string train_dictionary(const std::vector<std::string>& samples);

class Compressor {
  public:
    explicit Compressor(std::string_view dictionary);
    ~Compressor();
    Compressor(const Compressor&) = delete;
    Compressor& operator=(const Compressor&) = delete;
    // `data` compressed, a frame of its own.  Throws std::bad_alloc only.
    std::string compress(std::string_view data);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class Decompressor {
  public:
    // A dictionary that does not load (damaged) leaves it !ok(): every
    // decompress() then answers nullopt.
    explicit Decompressor(std::string_view dictionary);
    bool ok() const;
    ~Decompressor();
    Decompressor(const Decompressor&) = delete;
    Decompressor& operator=(const Decompressor&) = delete;
    // The data of one frame; nullopt when `frame` is not one of this
    // dictionary's (damaged).  Safe to call from several threads at once.
    std::optional<std::string> decompress(std::string_view frame) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace atlas
