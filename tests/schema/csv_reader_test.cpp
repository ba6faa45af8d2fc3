// Tests for schema/csv_reader.cpp: RFC 4180 parsing (quotes, embedded newlines,
// CRLF, BOM), row shapes, line numbers, errors, and the file helpers.
#include "schema/csv_reader.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "schema/text.h"
#include "test_util.h"

using namespace atlas;
using namespace atlas::detail;
namespace fs = std::filesystem;

namespace {

using Row = std::vector<std::string>;

CsvTable parsed(std::string_view text) {
    auto r = parse_csv(text);
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    return r.value();
}

}  // namespace

TEST_CASE("csv: quoted fields keep commas and doubled quotes") {
    auto t = parsed(
        "name,description,size\n"
        "\"a, b\",\"he said \"\"hi\"\"\",3\n"
        "plain,\"\",\"\"\"\"\n");
    CHECK(t.header == Row{"name", "description", "size"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0] == Row{"a, b", "he said \"hi\"", "3"});
    // An empty quoted field is empty; a field of one doubled quote is one quote.
    CHECK(t.rows[1] == Row{"plain", "", "\""});
    CHECK(t.lines == std::vector<std::size_t>{2, 3});
}

TEST_CASE("csv: a newline inside quotes stays in the field and moves the next row's line") {
    auto t = parsed(
        "id,notes\n"                    // line 1
        "1,\"first line\nsecond line\"\n"  // lines 2-3
        "2,\"x\n\ny\"\n"                // lines 4-6
        "3,z\n");                       // line 7
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0] == Row{"1", "first line\nsecond line"});
    CHECK(t.rows[1] == Row{"2", "x\n\ny"});
    CHECK(t.rows[2] == Row{"3", "z"});
    CHECK(t.lines == std::vector<std::size_t>{2, 4, 7});
}

TEST_CASE("csv: CRLF line ends, a byte-order mark and no final newline") {
    auto t = parsed("\xEF\xBB\xBF" "file_name,drs_uri\r\n"
                    "a.tif,drs://x/1\r\n"
                    "\"b,c.tif\",drs://x/2");
    CHECK(t.header == Row{"file_name", "drs_uri"});  // no BOM bytes in the first name
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0] == Row{"a.tif", "drs://x/1"});  // no '\r' left on the last field
    CHECK(t.rows[1] == Row{"b,c.tif", "drs://x/2"});
    CHECK(t.lines == std::vector<std::size_t>{2, 3});
    REQUIRE(t.column("file_name"));
    CHECK(*t.column("file_name") == 0);
}

TEST_CASE("csv: blank lines are skipped but still counted for line numbers") {
    auto t = parsed(
        "\n"          // line 1: blank before the header
        "a,b\n"       // line 2
        "\n"          // line 3
        "1,2\r\n"     // line 4
        "\r\n"        // line 5
        "\n"          // line 6
        "3,4\n"       // line 7
        "\n");        // line 8
    CHECK(t.header == Row{"a", "b"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0] == Row{"1", "2"});
    CHECK(t.rows[1] == Row{"3", "4"});
    CHECK(t.lines == std::vector<std::size_t>{4, 7});
}

TEST_CASE("csv: short rows are padded with empty fields and long rows truncated") {
    auto t = parsed(
        "a,b,c\n"
        "1\n"
        "1,2\n"
        "1,2,3,4,5\n"
        ",,\n");
    REQUIRE(t.rows.size() == 4);
    CHECK(t.rows[0] == Row{"1", "", ""});
    CHECK(t.rows[1] == Row{"1", "2", ""});
    CHECK(t.rows[2] == Row{"1", "2", "3"});
    CHECK(t.rows[3] == Row{"", "", ""});  // only commas: a row of empty fields, not blank
    for (const auto& row : t.rows) CHECK(row.size() == t.header.size());
    CHECK(t.lines == std::vector<std::size_t>{2, 3, 4, 5});
}

TEST_CASE("csv: a quoted field never closed is corrupt and the message names its line") {
    auto r = parse_csv(
        "a,b\n"
        "1,2\n"
        "3,\"unclosed, spans\n"  // line 3
        "more text\n"
        "4,5\n");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::corrupt);
    CHECK_MESSAGE(r.error().message.find("line 3") != std::string::npos, r.error().message);

    auto first = parse_csv("\"header never closed\n");
    REQUIRE_FALSE(first.ok());
    CHECK(first.error().code == Errc::corrupt);
    CHECK_MESSAGE(first.error().message.find("line 1") != std::string::npos,
                  first.error().message);
}

TEST_CASE("csv: empty text and a header alone give no rows") {
    auto empty = parsed("");
    CHECK(empty.header.empty());
    CHECK(empty.rows.empty());
    auto header = parsed("x,y\n");
    CHECK(header.header == Row{"x", "y"});
    CHECK(header.rows.empty());
    CHECK(header.lines.empty());
}

TEST_CASE("csv: column() ignores case and spaces around header names") {
    auto t = parsed(" Rating ,LABEL,\tDescription\t,File Name\n5,Excellent,best,f\n");
    REQUIRE(t.column("rating"));
    CHECK(*t.column("rating") == 0);
    REQUIRE(t.column("Label"));
    CHECK(*t.column("Label") == 1);
    REQUIRE(t.column("DESCRIPTION"));
    CHECK(*t.column("DESCRIPTION") == 2);
    REQUIRE(t.column("file name"));
    CHECK(*t.column("file name") == 3);
    CHECK_FALSE(t.column("filename"));  // inner spaces matter
    CHECK_FALSE(t.column("rat"));
    CHECK_FALSE(t.column(""));
    // The header value itself is kept as written.
    CHECK(t.header[0] == " Rating ");
}

TEST_CASE("csv: read_csv_file reads a file - a missing, oversized or directory path is io") {
    test::TempDir dir;
    fs::path file = dir.path() / "manifest.csv";
    test::write_file(file, "\xEF\xBB\xBF" "name,drs_uri\r\n\"a \"\"b\"\".tif\",drs://h/1\r\n");
    auto r = read_csv_file(file);
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    CHECK(r.value().header == Row{"name", "drs_uri"});
    REQUIRE(r.value().rows.size() == 1);
    CHECK(r.value().rows[0] == Row{"a \"b\".tif", "drs://h/1"});

    auto missing = read_csv_file(dir.path() / "nope.csv");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == Errc::io);

    auto directory = read_csv_file(dir.path());
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error().code == Errc::io);

    auto too_big = read_csv_file(file, 10);
    REQUIRE_FALSE(too_big.ok());
    CHECK(too_big.error().code == Errc::io);

    fs::path broken = dir.path() / "broken.csv";
    test::write_file(broken, "a\n\"x\n");
    auto corrupt = read_csv_file(broken);
    REQUIRE_FALSE(corrupt.ok());
    CHECK(corrupt.error().code == Errc::corrupt);
    CHECK(corrupt.error().message.find("line 2") != std::string::npos);
}

TEST_CASE("csv: read_csv_file repairs ill-formed UTF-8 instead of failing") {
    test::TempDir dir;
    fs::path file = dir.path() / "latin1.csv";
    test::write_file(file, "name\ncaf\xE9\n");
    auto r = read_csv_file(file);
    REQUIRE_MESSAGE(r.ok(), r.error().message);
    REQUIRE(r.value().rows.size() == 1);
    CHECK(valid_utf8(r.value().rows[0][0]));
    CHECK(r.value().rows[0][0].starts_with("caf"));
    CHECK(r.value().rows[0][0] == "caf\xEF\xBF\xBD");  // U+FFFD
}

TEST_CASE("csv: read_csv_header reads only the first line") {
    test::TempDir dir;
    fs::path file = dir.path() / "t.csv";
    // The body is broken (an unclosed quote) yet the header is still read.
    test::write_file(file, "\xEF\xBB\xBF" "Name,\"Drs, Uri\",size\r\n1,\"2\n3\n");
    auto header = read_csv_header(file);
    REQUIRE(header);
    CHECK(*header == Row{"Name", "Drs, Uri", "size"});
    CHECK_FALSE(read_csv_file(file).ok());  // the whole file is corrupt

    fs::path simple = dir.path() / "s.csv";
    test::write_file(simple, "a,\"b,c\",d\nx,y,z\n");
    auto h = read_csv_header(simple);
    REQUIRE(h);
    CHECK(*h == Row{"a", "b,c", "d"});

    CHECK_FALSE(read_csv_header(dir.path() / "missing.csv"));
    CHECK_FALSE(read_csv_header(dir.path()));
    fs::path empty = dir.path() / "empty.csv";
    test::write_file(empty, "");
    CHECK_FALSE(read_csv_header(empty));
}
