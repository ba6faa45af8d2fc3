// atlas/error.h - error codes and Result<T>, shared by the index and query libraries.
//
// Public functions never throw for expected failures: they return a Result
// holding either the value or an Error whose code says what the caller should
// do next.  Messages are one line, lower case, and quote the offending input.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace atlas {

enum class Errc {
    invalid_request,  // malformed request or out-of-range field: fix the request
    invalid_query,    // query syntax or unknown field: show the message to the user
    not_found,        // no index, source or record where one was named
    unavailable,      // index missing, locked or being swapped: retry later
    schema_mismatch,  // index built by another schema version: re-index
    corrupt,          // on-disk data damaged: alert, rebuild
    io,               // a file or directory could not be read or written
    internal,         // a bug: log it
};

// The name of a code, e.g. "invalid_query" (for logs and JSON error bodies).
const char* errc_name(Errc code);

struct Error {
    Errc code = Errc::internal;
    std::string message;  // one line, names the offending input
};

template <class T>
class [[nodiscard]] Result {  // with C++23: std::expected<T, Error>
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}
    bool ok() const { return v_.index() == 0; }
    const T& value() const& { return std::get<0>(v_); }
    T& value() & { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const Error& error() const { return std::get<1>(v_); }

  private:
    std::variant<T, Error> v_;
};

// Result<void> equivalent: ok() or an Error.
class [[nodiscard]] Status {
  public:
    Status() = default;
    Status(Error error) : error_(std::move(error)), ok_(false) {}
    bool ok() const { return ok_; }
    const Error& error() const { return error_; }

  private:
    Error error_;
    bool ok_ = true;
};

}  // namespace atlas
