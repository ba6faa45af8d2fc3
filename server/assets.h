// assets.h - the files the server serves from its own binary: the search page
// (server/page/) and the OpenAPI document (server/openapi.json), compiled in
// by server/embed_assets.cmake.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace atlas::server {

struct Asset {
    std::string_view path;  // "/page/index.html", "/openapi.json"
    const unsigned char* data;
    std::size_t size;

    std::string_view bytes() const { return {reinterpret_cast<const char*>(data), size}; }
};

extern const std::vector<Asset> kAssets;

}  // namespace atlas::server
