// reply.cpp - JSON bodies, error bodies and ETags (reply.h).
#include "reply.h"

#include <fmt/format.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>

#include "atlas/search.h"

namespace atlas::server {
namespace {

// FNV-1a, 64 bits: an ETag needs to tell requests apart, not to resist attack
// (a client can only fool its own cache).
struct Fnv {
    std::uint64_t h = 1469598103934665603ULL;
    void add(std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;  // a separator, so ("ab","c") and ("a","bc") differ
        h *= 1099511628211ULL;
    }
};

// The length of the UTF-8 sequence at `s[i]`, or 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
    }
    return n;
}

}  // namespace

std::string json_string(std::string_view text) {
    std::string valid;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t n = utf8_length(text, i);
        if (n == 0) {
            valid += "\xEF\xBF\xBD";
            ++i;
        } else {
            valid.append(text.substr(i, n));
            i += n;
        }
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
    return std::string(buffer.GetString(), buffer.GetSize());
}

const char* content_type(std::string_view path) {
    if (path.ends_with(".html")) return "text/html; charset=utf-8";
    if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (path.ends_with(".css")) return "text/css; charset=utf-8";
    if (path.ends_with(".json")) return "application/json";
    if (path.ends_with(".png")) return "image/png";
    if (path.ends_with(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

int http_status(Errc code) {
    switch (code) {
        case Errc::invalid_request:
        case Errc::invalid_query:
            return 400;
        case Errc::not_found:
            return 404;
        case Errc::unavailable:
            return 503;
        default:
            return 500;
    }
}

void reply_error(httplib::Response& res, int status, std::string_view code,
                 std::string_view message) {
    res.status = status;
    if (status == 503) res.set_header("Retry-After", "1");
    res.set_content(fmt::format("{{\"error\":{{\"code\":{},\"message\":{}}}}}", json_string(code),
                                json_string(message)),
                    "application/json");
}

void reply_error(httplib::Response& res, const Error& error) {
    reply_error(res, http_status(error.code), errc_name(error.code), error.message);
}

std::string etag_of(const httplib::Request& req, std::string_view generation) {
    Fnv f;
    f.add(std::filesystem::path(generation).filename().string());
    f.add(req.method);
    f.add(req.path);
    for (const auto& [k, v] : req.params) {
        f.add(k);
        f.add(v);
    }
    f.add(req.body);
    return fmt::format("\"{}-{:016x}\"", std::filesystem::path(generation).filename().string(), f.h);
}

// Whether an If-None-Match header ("a", W/"b", or *) names `etag`; weak
// and strong forms compare alike (a proxy that gzips makes ours weak).
bool etag_matches(std::string_view header, std::string_view etag) {
    auto bare = [](std::string_view t) {
        while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
        if (t.starts_with("W/")) t.remove_prefix(2);
        return t;
    };
    std::string_view ours = bare(etag);
    for (std::size_t start = 0; start <= header.size();) {
        auto comma = header.find(',', start);
        auto one = bare(header.substr(start, comma == std::string_view::npos ? header.npos : comma - start));
        if (one == ours || one == "*") return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return false;
}

void reply_json(const httplib::Request& req, httplib::Response& res, std::string body,
                std::string_view generation) {
    // Weak: the same answer gzipped or not is one representation to a cache.
    std::string etag = "W/" + etag_of(req, generation);
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "no-cache");  // revalidate: a new generation changes it
    res.set_header("Vary", "Accept-Encoding");
    if (req.has_header("If-None-Match") && etag_matches(req.get_header_value("If-None-Match"), etag)) {
        res.status = 304;
        return;
    }
    res.status = 200;
    res.set_content(std::move(body), "application/json");
}

}  // namespace atlas::server
