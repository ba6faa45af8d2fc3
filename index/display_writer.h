// display_writer.h - one shard's display file (schema/display_file.h).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"

namespace atlas::detail {

class DisplayWriter {
  public:
    // Creates `path` (and its folder).  Errors: io.
    static Result<DisplayWriter> create(const std::filesystem::path& path);
    DisplayWriter(DisplayWriter&& other) noexcept;
    DisplayWriter& operator=(DisplayWriter&&) = delete;
    DisplayWriter(const DisplayWriter&) = delete;
    ~DisplayWriter();

    // Appends the next document's display data.  A write error is kept and
    // returned by finish().
    void add(std::string_view data);
    // Writes the offsets and the footer and closes the file.  Errors: io
    // (naming the file and the cause).
    Status finish();

  private:
    DisplayWriter(std::filesystem::path path, std::FILE* file);
    void write(const void* bytes, std::size_t size);

    std::filesystem::path path_;
    std::FILE* file_ = nullptr;
    std::vector<std::uint64_t> offsets_{0};
    int error_ = 0;  // the first errno of a failed write
};

}  // namespace atlas::detail
