// csv_reader.cpp - a small RFC 4180 reader.
#include "csv_reader.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "text.h"

namespace atlas::detail {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (fold(trim(header[i])) == fold(name)) return i;
    }
    return std::nullopt;
}

Result<CsvTable> parse_csv(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    CsvTable table;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;      // inside a quoted field
    bool any = false;         // the current row has content
    std::size_t line = 1;
    std::size_t row_line = 1;
    std::size_t quote_line = 0;
    auto end_row = [&] {
        row.push_back(std::move(field));
        field.clear();
        bool blank = row.size() == 1 && row[0].empty() && !any;
        if (!blank) {
            if (table.header.empty()) {
                table.header = std::move(row);
            } else {
                row.resize(table.header.size());
                table.rows.push_back(std::move(row));
                table.lines.push_back(row_line);
            }
        }
        row.clear();
        any = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        switch (c) {
            case '"':
                quoted = true;
                quote_line = line;
                any = true;
                break;
            case ',':
                row.push_back(std::move(field));
                field.clear();
                any = true;
                break;
            case '\r':
                break;
            case '\n':
                end_row();
                ++line;
                row_line = line;
                break;
            default:
                field += c;
                any = true;
        }
    }
    if (quoted) {
        return Error{Errc::corrupt,
                     fmt::format("a quoted field opened on line {} is never closed", quote_line)};
    }
    if (any || !field.empty() || !row.empty()) end_row();
    return table;
}

Result<CsvTable> read_csv_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return Error{Errc::io, "is not a regular file"};
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return Error{Errc::io, "cannot be read: " + ec.message()};
    if (size > max_bytes) {
        return Error{Errc::io, fmt::format("is {} MiB, over the {} MiB allowed", size >> 20,
                                           max_bytes >> 20)};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::io, "cannot be opened"};
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return Error{Errc::io, "cannot be read"};
    std::string text = std::move(buffer).str();
    if (!valid_utf8(text)) {
        std::size_t repaired = 0;
        text = repair_utf8(text, repaired);
    }
    return parse_csv(text);
}

std::optional<std::vector<std::string>> read_csv_header(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::string first;
    if (!in || !std::getline(in, first)) return std::nullopt;
    auto table = parse_csv(first);
    if (!table.ok()) return std::nullopt;
    return table.value().header;
}

}  // namespace atlas::detail
