// display_writer.h - one shard's display file (schema/display_file.h).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"
#include "schema/compression.h"

namespace atlas::detail {

class DisplayWriter {
  public:
    // Creates `path` (and its folder).  Errors: io.
    static Result<DisplayWriter> create(const std::filesystem::path& path);
    // Reopens `path`, a copy of a finished display file of `count` documents
    // (its shard's), to add documents after them (an update): they are
    // compressed with its dictionary.  Errors: io, corrupt (not a display
    // file, or not of `count` documents).
    static Result<DisplayWriter> append_to(const std::filesystem::path& path, std::uint64_t count);
    DisplayWriter(DisplayWriter&& other) noexcept;
    DisplayWriter& operator=(DisplayWriter&&) = delete;
    DisplayWriter(const DisplayWriter&) = delete;
    ~DisplayWriter();

    // Appends the next document's display data.  The first kTrainingRecords
    // are held until the dictionary is trained on them.  A write error is
    // kept and returned by finish().
    void add(std::string data);
    // Writes what is held, the dictionary, the offsets and the footer, and
    // closes the file.  Errors: io (naming the file and the cause).
    Status finish();

  private:
    DisplayWriter(std::filesystem::path path, std::FILE* file);
    void write(const void* bytes, std::size_t size);
    void append(std::string_view data);  // compressed, then written
    void start_compressing();            // trains on what is held and writes it

    std::filesystem::path path_;
    std::FILE* file_ = nullptr;
    std::vector<std::uint64_t> offsets_{0};
    std::vector<std::string> held_;  // until the dictionary is trained
    std::string dictionary_;
    std::unique_ptr<Compressor> compressor_;
    int error_ = 0;  // the first errno of a failed write
};

}  // namespace atlas::detail
