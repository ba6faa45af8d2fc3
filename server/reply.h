// reply.h - how the server answers: JSON bodies, errors with their status, ETags, CORS.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

#include "atlas/error.h"

namespace atlas::server {

// The HTTP status of a library error: invalid_* 400, not_found 404,
// unavailable 503, the rest 500.
int http_status(Errc code);

// {"error":{"code","message"}} with `status`; `code` is the library's name or
// the server's own (too_large, uri_too_long, method_not_allowed, overloaded,
// not_found).
void reply_error(httplib::Response& res, int status, std::string_view code,
                 std::string_view message);
void reply_error(httplib::Response& res, const Error& error);

// A JSON body with an ETag made of the generation and the request; 304 with
// no body when the request's If-None-Match has it already.
void reply_json(const httplib::Request& req, httplib::Response& res, std::string body,
                std::string_view generation);

// `text` as a JSON string, quoted; bytes that are not UTF-8 become U+FFFD
// (an error message may quote what a client sent).
std::string json_string(std::string_view text);

// The Content-Type of a served file, by its extension.
const char* content_type(std::string_view path);

// The ETag of a request (method, path, parameters, body) on a generation.
std::string etag_of(const httplib::Request& req, std::string_view generation);

}  // namespace atlas::server
