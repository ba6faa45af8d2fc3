// capi/atlas_c.cpp - the C API (atlas/atlas.h) over the public C++ API.
//
// Only public headers are used here (atlas/search.h, manifest.h, index.h,
// portals.h, error.h), so this file is what any C++ program could write; the
// JSON of requests and responses is the C++ API's own.  RapidJSON reads the
// small options objects and writes the manifest and build reports.
//
// Every entry point is one `guard` call: it catches everything, so no
// exception crosses extern "C" (std::bad_alloc becomes ATLAS_ERR_NO_MEMORY,
// anything else ATLAS_ERR_INTERNAL), and turns an atlas::Error into a code
// and a malloc'd message.
#include "atlas/atlas.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "atlas/error.h"
#include "atlas/index.h"
#include "atlas/manifest.h"
#include "atlas/portals.h"
#include "atlas/search.h"

struct atlas_searcher {
    atlas::Searcher searcher;
};

namespace {

using atlas::Errc;
using atlas::Error;

// atlas_code mirrors atlas::Errc, one up (0 is ATLAS_OK).
static_assert(ATLAS_ERR_INVALID_REQUEST == static_cast<int>(Errc::invalid_request) + 1);
static_assert(ATLAS_ERR_INVALID_QUERY == static_cast<int>(Errc::invalid_query) + 1);
static_assert(ATLAS_ERR_NOT_FOUND == static_cast<int>(Errc::not_found) + 1);
static_assert(ATLAS_ERR_UNAVAILABLE == static_cast<int>(Errc::unavailable) + 1);
static_assert(ATLAS_ERR_SCHEMA_MISMATCH == static_cast<int>(Errc::schema_mismatch) + 1);
static_assert(ATLAS_ERR_CORRUPT == static_cast<int>(Errc::corrupt) + 1);
static_assert(ATLAS_ERR_IO == static_cast<int>(Errc::io) + 1);
static_assert(ATLAS_ERR_INTERNAL == static_cast<int>(Errc::internal) + 1);

atlas_code code_of(Errc errc) { return static_cast<atlas_code>(static_cast<int>(errc) + 1); }

// A malloc'd copy, NUL-terminated; nullptr when out of memory.
char* copy_out(std::string_view text) {
    auto* p = static_cast<char*>(std::malloc(text.size() + 1));
    if (p == nullptr) return nullptr;
    std::memcpy(p, text.data(), text.size());
    p[text.size()] = '\0';
    return p;
}

// LevelDB's errptr: the old message freed, the new one stored (nothing when
// there is no memory for it).
void set_error(char** errptr, std::string_view message) {
    if (errptr == nullptr) return;
    std::free(*errptr);
    *errptr = copy_out(message);
}

atlas_code fail(char** errptr, const Error& error) {
    set_error(errptr, error.message);
    return code_of(error.code);
}

// The result string handed over; its own allocation can fail too.
atlas_code deliver(char** out, const std::string& text, char** errptr) {
    *out = copy_out(text);
    if (*out == nullptr) {
        set_error(errptr, "out of memory");
        return ATLAS_ERR_NO_MEMORY;
    }
    return ATLAS_OK;
}

// Runs `body` with every exception caught (the whole C boundary).
template <class Body>
atlas_code guard(const char* function, char** errptr, Body&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        if (errptr != nullptr) {
            std::free(*errptr);
            *errptr = nullptr;  // copying a message could fail again
        }
        return ATLAS_ERR_NO_MEMORY;
    } catch (const std::exception& e) {
        try {
            set_error(errptr, std::string(function) + ": internal error: " + e.what());
        } catch (...) {
        }
        return ATLAS_ERR_INTERNAL;
    } catch (...) {
        set_error(errptr, "internal error: an unknown exception");
        return ATLAS_ERR_INTERNAL;
    }
}

Error null_argument(const char* function, const char* name) {
    return {Errc::invalid_request, std::string(function) + ": " + name + " is NULL"};
}

// The byte offset of the first invalid UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF included), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    for (std::size_t i = 0; i < s.size();) {
        unsigned c = byte(i);
        std::size_t n;
        std::uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (byte(i + k) & 0x3F);
        }
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += n + 1;
    }
    return std::string_view::npos;
}

// A text argument: present (unless `optional`) and UTF-8.
atlas::Status check_text(const char* function, const char* name, const char* text,
                         bool optional = false) {
    if (text == nullptr) {
        if (optional) return {};
        return null_argument(function, name);
    }
    std::string_view s(text);
    if (auto at = invalid_utf8_at(s); at != std::string_view::npos) {
        return Error{Errc::invalid_request, std::string(function) + ": " + name +
                                                " is not UTF-8 (byte " + std::to_string(at) +
                                                ")"};
    }
    return {};
}

// The request of a JSON text; NULL or "" (when allowed) is the empty request.
atlas::Result<atlas::SearchRequest> read_request(const char* function, const char* json,
                                                 bool optional) {
    if (auto s = check_text(function, "request_json", json, optional); !s.ok()) return s.error();
    if (json == nullptr || (optional && *json == '\0')) return atlas::SearchRequest{};
    return atlas::request_from_json(json);
}

// An options object: NULL or "" is {}; each member is handed to `member`,
// which returns false for one it does not know or whose type is wrong.
template <class Member>
atlas::Status read_options(const char* function, const char* json, Member&& member) {
    if (json == nullptr || *json == '\0') return {};
    if (auto s = check_text(function, "options_json", json); !s.ok()) return s;
    rapidjson::Document doc;
    doc.Parse(json);
    auto bad = [&](const std::string& why) {
        return Error{Errc::invalid_request, std::string(function) + ": options_json: " + why};
    };
    if (doc.HasParseError()) {
        return bad(std::string(rapidjson::GetParseError_En(doc.GetParseError())) + " at byte " +
                   std::to_string(doc.GetErrorOffset()));
    }
    if (!doc.IsObject()) return bad("not a JSON object");
    for (const auto& m : doc.GetObject()) {
        std::string name(m.name.GetString(), m.name.GetStringLength());
        if (auto why = member(name, m.value); !why.empty()) return bad("'" + name + "' " + why);
    }
    return {};
}

// A whole number option of at most `most`; "" when it is one.
std::string read_count(const rapidjson::Value& v, std::uint64_t least, std::uint64_t most,
                       std::uint64_t& out) {
    if (!v.IsUint64() || v.GetUint64() < least || v.GetUint64() > most) {
        return "takes a whole number from " + std::to_string(least) + " to " + std::to_string(most);
    }
    out = v.GetUint64();
    return "";
}

std::string read_flag(const rapidjson::Value& v, bool& out) {
    if (!v.IsBool()) return "takes true or false";
    out = v.GetBool();
    return "";
}

}  // namespace

extern "C" {

const char* atlas_code_name(atlas_code code) noexcept {
    switch (code) {
        case ATLAS_OK:
            return "ok";
        case ATLAS_ERR_NO_MEMORY:
            return "no_memory";
        case ATLAS_ERR_INVALID_REQUEST:
        case ATLAS_ERR_INVALID_QUERY:
        case ATLAS_ERR_NOT_FOUND:
        case ATLAS_ERR_UNAVAILABLE:
        case ATLAS_ERR_SCHEMA_MISMATCH:
        case ATLAS_ERR_CORRUPT:
        case ATLAS_ERR_IO:
        case ATLAS_ERR_INTERNAL:
            return atlas::errc_name(static_cast<Errc>(static_cast<int>(code) - 1));
    }
    return "unknown";
}

const char* atlas_version(void) noexcept { return ATLAS_VERSION; }

int atlas_schema_version(void) noexcept { return atlas::schema_version(); }

void atlas_free(void* p) noexcept { std::free(p); }

atlas_code atlas_searcher_open(const char* index_dir, const char* options_json,
                               atlas_searcher** searcher, char** errptr) noexcept {
    static constexpr const char* kFn = "atlas_searcher_open";
    if (searcher != nullptr) *searcher = nullptr;
    return guard(kFn, errptr, [&] {
        if (searcher == nullptr) return fail(errptr, null_argument(kFn, "searcher"));
        if (index_dir == nullptr) return fail(errptr, null_argument(kFn, "index_dir"));
        atlas::SearcherOptions options;
        auto read = read_options(kFn, options_json,
                                 [&](const std::string& name, const rapidjson::Value& v) {
                                     std::uint64_t n = 0;
                                     if (name == "threads") {
                                         auto why = read_count(v, 1, 2, n);
                                         options.threads = static_cast<unsigned>(n);
                                         return why;
                                     }
                                     if (name == "split_from") {
                                         return read_count(v, 1, UINT64_MAX, options.split_from);
                                     }
                                     if (name == "facets_aside_from") {
                                         return read_count(v, 1, UINT64_MAX,
                                                           options.facets_aside_from);
                                     }
                                     return std::string(
                                         "is not an option (threads, split_from, "
                                         "facets_aside_from)");
                                 });
        if (!read.ok()) return fail(errptr, read.error());
        auto opened = atlas::Searcher::open(index_dir, options);
        if (!opened.ok()) return fail(errptr, opened.error());
        *searcher = new atlas_searcher{std::move(opened).value()};
        return ATLAS_OK;
    });
}

void atlas_searcher_close(atlas_searcher* searcher) noexcept {
    // ~Searcher closes Xapian databases and joins no thread; nothing it does
    // throws, and a destructor that did would end the program anyway.
    delete searcher;
}

atlas_code atlas_search(atlas_searcher* searcher, const char* request_json, char** response,
                        char** errptr) noexcept {
    static constexpr const char* kFn = "atlas_search";
    if (response != nullptr) *response = nullptr;
    return guard(kFn, errptr, [&] {
        if (response == nullptr) return fail(errptr, null_argument(kFn, "response"));
        if (searcher == nullptr) return fail(errptr, null_argument(kFn, "searcher"));
        auto request = read_request(kFn, request_json, false);
        if (!request.ok()) return fail(errptr, request.error());
        auto result = searcher->searcher.search(request.value());
        if (!result.ok()) return fail(errptr, result.error());
        return deliver(response, atlas::to_json(result.value()), errptr);
    });
}

atlas_code atlas_facet_values(atlas_searcher* searcher, const char* field, const char* prefix,
                              const char* request_json, uint32_t size, char** facet_json,
                              char** errptr) noexcept {
    static constexpr const char* kFn = "atlas_facet_values";
    if (facet_json != nullptr) *facet_json = nullptr;
    return guard(kFn, errptr, [&] {
        if (facet_json == nullptr) return fail(errptr, null_argument(kFn, "facet_json"));
        if (searcher == nullptr) return fail(errptr, null_argument(kFn, "searcher"));
        if (auto s = check_text(kFn, "field", field); !s.ok()) return fail(errptr, s.error());
        if (auto s = check_text(kFn, "prefix", prefix, true); !s.ok()) {
            return fail(errptr, s.error());
        }
        if (size > atlas::kMaxFacetSize) {
            return fail(errptr, {Errc::invalid_request,
                                 std::string(kFn) + ": size " + std::to_string(size) +
                                     ": takes 0 (20) or a whole number up to " +
                                     std::to_string(atlas::kMaxFacetSize)});
        }
        auto request = read_request(kFn, request_json, true);
        if (!request.ok()) return fail(errptr, request.error());
        atlas::SearchRequest& r = request.value();
        r.facets = {atlas::FacetRequest{
            .field = field, .size = size == 0 ? 20 : size, .prefix = prefix ? prefix : ""}};
        r.offset = 0;
        r.limit = 0;
        auto result = searcher->searcher.search(r);
        if (!result.ok()) return fail(errptr, result.error());
        return deliver(facet_json, atlas::to_json(result.value().facets.front()), errptr);
    });
}

atlas_code atlas_manifest(atlas_searcher* searcher, const char* request_json, const char* format,
                          uint64_t most, char** manifest_json, char** errptr) noexcept {
    static constexpr const char* kFn = "atlas_manifest";
    if (manifest_json != nullptr) *manifest_json = nullptr;
    return guard(kFn, errptr, [&] {
        if (manifest_json == nullptr) return fail(errptr, null_argument(kFn, "manifest_json"));
        if (searcher == nullptr) return fail(errptr, null_argument(kFn, "searcher"));
        if (auto s = check_text(kFn, "format", format); !s.ok()) return fail(errptr, s.error());
        auto parsed = atlas::parse_manifest_format(format);
        if (!parsed) {
            return fail(errptr, {Errc::invalid_request, std::string(kFn) + ": format '" +
                                                            format +
                                                            "': takes s3, drs, doi or https"});
        }
        auto request = read_request(kFn, request_json, false);
        if (!request.ok()) return fail(errptr, request.error());
        auto whole = atlas::manifest_of(searcher->searcher, request.value(), *parsed,
                                        most == 0 ? UINT64_MAX - 1 : most);
        if (!whole.ok()) return fail(errptr, whole.error());
        return deliver(manifest_json, atlas::to_json(whole.value(), *parsed), errptr);
    });
}

atlas_code atlas_build_index(const char* sources_file, const char* out_dir,
                             const char* options_json, char** report_json,
                             char** errptr) noexcept {
    static constexpr const char* kFn = "atlas_build_index";
    if (report_json != nullptr) *report_json = nullptr;
    return guard(kFn, errptr, [&] {
        if (report_json == nullptr) return fail(errptr, null_argument(kFn, "report_json"));
        if (sources_file == nullptr) return fail(errptr, null_argument(kFn, "sources_file"));
        if (out_dir == nullptr) return fail(errptr, null_argument(kFn, "out_dir"));
        atlas::BuildOptions options;
        auto read = read_options(kFn, options_json,
                                 [&](const std::string& name, const rapidjson::Value& v) {
                                     if (name == "allow_shrink") {
                                         return read_flag(v, options.allow_shrink);
                                     }
                                     if (name == "fresh") return read_flag(v, options.fresh);
                                     if (name == "full") return read_flag(v, options.full);
                                     return std::string(
                                         "is not an option (allow_shrink, fresh, full)");
                                 });
        if (!read.ok()) return fail(errptr, read.error());
        auto sources = atlas::read_sources_file(sources_file);
        if (!sources.ok()) return fail(errptr, sources.error());
        options.sources = std::move(sources).value();
        options.out_dir = out_dir;
        auto report = atlas::build_index(options);
        if (!report.ok()) return fail(errptr, report.error());
        return deliver(report_json, atlas::to_json(report.value()), errptr);
    });
}

}  // extern "C"
