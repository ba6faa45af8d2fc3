// csv_reader.h - reading the small CSV files sources ship (DRS manifests, assay tables).
//
// RFC 4180 as the CDS portal and spreadsheets write it: comma separated,
// fields optionally in double quotes (a quote inside doubled), CRLF or LF line
// ends, a UTF-8 byte-order mark tolerated.  The first row is the header.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"

namespace atlas::detail {

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // each as long as the header (padded with "")
    std::vector<std::size_t> lines;              // the 1-based line each row starts on

    // The column called `name` (case-insensitive, surrounding spaces ignored), or nullopt.
    std::optional<std::size_t> column(std::string_view name) const;
};

// Parses CSV text.  Errors: corrupt (a quoted field never closed; the message
// gives its line).  Rows with more fields than the header keep the first
// header-many.
Result<CsvTable> parse_csv(std::string_view text);

// Reads and parses a file of at most `max_bytes`.  Errors: io, corrupt.
Result<CsvTable> read_csv_file(const std::filesystem::path& path,
                               std::uintmax_t max_bytes = 64u << 20);

// Just the header row of a file (cheap: reads the first line), or nullopt if
// it cannot be read.
std::optional<std::vector<std::string>> read_csv_header(const std::filesystem::path& path);

}  // namespace atlas::detail
