// Tests for schema/current_error.cpp: the one place where exceptions become
// atlas::Error, on both sides, with the code that says what to do next.
#include "schema/current_error.h"

#include <doctest/doctest.h>
#include <xapian.h>

#include <filesystem>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

using namespace atlas;

namespace {

Error translated(const std::function<void()>& thrower) {
    try {
        thrower();
    } catch (...) {
        return detail::current_error();
    }
    FAIL("nothing was thrown");
    return {};
}

}  // namespace

TEST_CASE("each exception becomes the code that says what the caller should do") {
    struct Row {
        std::function<void()> thrower;
        Errc code;
        std::string message;  // empty: the exception's own description
    };
    const Row rows[] = {
        {[] { throw Xapian::QueryParserError("bad query"); }, Errc::invalid_query, "bad query"},
        {[] { throw Xapian::WildcardError("too many"); }, Errc::invalid_query,
         "a prefix matches too many values; type more of it"},
        {[] { throw Xapian::DatabaseCorruptError("broken block"); }, Errc::corrupt, ""},
        {[] { throw Xapian::DatabaseLockError("locked"); }, Errc::unavailable, ""},
        {[] { throw Xapian::DatabaseModifiedError("modified"); }, Errc::unavailable, ""},
        {[] { throw Xapian::DatabaseOpeningError("cannot open"); }, Errc::unavailable, ""},
        {[] { throw Xapian::DatabaseError("read failed"); }, Errc::io, ""},
        {[] { throw Xapian::InvalidArgumentError("a bug"); }, Errc::internal, ""},
        {[] {
             throw std::filesystem::filesystem_error(
                 "cannot list", std::make_error_code(std::errc::permission_denied));
         },
         Errc::io, ""},
        {[] { throw std::bad_alloc(); }, Errc::internal, "out of memory"},
        {[] { throw std::runtime_error("something else"); }, Errc::internal, "something else"},
    };
    for (const auto& row : rows) {
        Error e = translated(row.thrower);
        CAPTURE(e.message);
        CHECK(e.code == row.code);
        if (!row.message.empty()) CHECK(e.message == row.message);
        CHECK_FALSE(e.message.empty());
        CHECK(e.message.find('\n') == std::string::npos);
    }
}

TEST_CASE("a Xapian error's message is its description, which names its kind") {
    Error e = translated([] { throw Xapian::DatabaseCorruptError("bad block 7"); });
    CHECK(e.message.find("DatabaseCorruptError") != std::string::npos);
    CHECK(e.message.find("bad block 7") != std::string::npos);
}
