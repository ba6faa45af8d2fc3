// tests/capi/consumer/main.cpp - the C++ API through the installed shared
// library: a search on INDEX_DIR and the portals known without an index.
//   consumer INDEX_DIR   (exit 0: "ribosome S. pombe" found, as JSON)
#include <atlas/index.h>
#include <atlas/portals.h>
#include <atlas/search.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    atlas::SearcherOptions options;
    options.threads = 1;
    auto searcher = atlas::Searcher::open(argv[1], options);
    if (!searcher.ok()) {
        std::fprintf(stderr, "consumer: %s\n", searcher.error().message.c_str());
        return 1;
    }
    atlas::SearchRequest request;
    request.query = "ribosome S. pombe";
    request.limit = 1;
    auto result = searcher.value().search(request);
    if (!result.ok() || result.value().total == 0) return 1;
    std::printf("consumer: %llu results, %zu portals, %zu sources known; first %s\n",
                static_cast<unsigned long long>(result.value().total), atlas::portals().size(),
                atlas::known_sources().size(), result.value().hits.at(0).id.c_str());
    return 0;
}
