// atlas-search - searches an atlas index from the terminal.
//
//   atlas-search [QUERY...] [--index DIR] [--kind K[,K...]] [--source S[,S...]]
//                [--limit N] [--offset N] [--json] [--manifest s3|drs|doi|https]
//
// Exit codes: 0 hits found; 1 no hits; 2 usage, query or index error (one line
// on stderr naming the problem).  The options are in search_args.cpp, what is
// printed in search_render.cpp; this file opens, searches and hands over.
#include <fmt/format.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "atlas/manifest.h"
#include "atlas/portals.h"
#include "atlas/search.h"
#include "atlas/server.h"
#include "cli_util.h"
#include "search_args.h"
#include "search_render.h"
#include "serve_args.h"

namespace {

constexpr int kExitHits = 0;
constexpr int kExitNoHits = 1;
constexpr int kExitError = 2;

// One line on stderr; with `json` also the error as JSON on stdout.
int fail(const atlas::Error& error, bool json) {
    if (json) std::fprintf(stdout, "%s\n", atlas::to_json(error).c_str());
    std::fprintf(stderr, "atlas-search: %s\n", error.message.c_str());
    return kExitError;
}

std::optional<std::string> read_all(const std::string& path) {
    std::FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (in == nullptr) return std::nullopt;
    std::string text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) text.append(buf, n);
    bool failed = std::ferror(in) != 0;
    if (in != stdin) std::fclose(in);
    if (failed) return std::nullopt;
    return text;
}

// The manifest of the page --limit asked for, else of every hit (page by
// page, as far as kMaxOffset allows).
atlas::Result<atlas::Manifest> manifest(atlas::Searcher& searcher,
                                        const atlas::cli::SearchArgs& args) {
    if (args.limit_given) {
        auto result = searcher.search(args.request);
        if (!result.ok()) return result.error();
        return atlas::make_manifest(result.value().hits, *args.manifest);
    }
    auto whole = atlas::manifest_of(searcher, args.request, *args.manifest, UINT64_MAX - 1);
    if (!whole.ok()) return whole.error();
    return std::move(whole.value().manifest);
}

int search(const atlas::cli::SearchArgs& args) {
    auto searcher = atlas::Searcher::open(atlas::cli::index_dir(args.index));
    if (!searcher.ok()) return fail(searcher.error(), args.json_errors);
    if (std::string refused = searcher.value().refused(); !refused.empty()) {
        std::fprintf(stderr, "atlas-search: warning: %s; searching '%s' instead\n",
                     refused.c_str(), searcher.value().generation().c_str());
    }
    if (args.manifest) {
        auto m = manifest(searcher.value(), args);
        if (!m.ok()) return fail(m.error(), args.json_errors);
        atlas::cli::print_manifest(stdout, stderr, m.value());
        return m.value().records > 0 ? kExitHits : kExitNoHits;
    }
    auto result = searcher.value().search(args.request);
    if (!result.ok()) return fail(result.error(), args.json_errors);
    const atlas::SearchResult& r = result.value();
    if (args.json) {
        std::fprintf(stdout, "%s\n", atlas::to_json(r).c_str());
    } else {
        atlas::cli::print_result(
            stdout, r, {atlas::cli::use_colour(stdout), atlas::cli::terminal_columns(stdout)});
    }
    return r.total > 0 ? kExitHits : kExitNoHits;
}

// `atlas-search serve ...`: the HTTP server, until SIGTERM or SIGINT.
int serve(const std::vector<std::string>& arguments) {
    auto parsed = atlas::cli::parse_serve_args(arguments);
    if (!parsed.ok()) {
        std::fprintf(stderr, "atlas-search serve: %s (see atlas-search serve --help)\n",
                     parsed.error().message.c_str());
        return kExitError;
    }
    atlas::cli::ServeArgs args = std::move(parsed).value();
    if (args.help) {
        std::fputs(atlas::cli::serve_usage().c_str(), stdout);
        return kExitHits;
    }
    args.options.index_dir = atlas::cli::index_dir(args.index);
    std::FILE* log = args.access_log == "-"     ? stderr
                     : args.access_log == "off" ? nullptr
                                                : std::fopen(args.access_log.c_str(), "a");
    if (log == nullptr && args.access_log != "off") {
        std::fprintf(stderr, "atlas-search serve: cannot open the access log '%s'\n",
                     args.access_log.c_str());
        return kExitError;
    }
    args.options.access_log = log;
    atlas::Server::wait_for_signals();
    auto server = atlas::Server::start(args.options);
    if (!server.ok()) return fail(server.error(), false);
    // An IPv6 address goes in brackets in a URL.
    bool v6 = args.options.bind.find(':') != std::string::npos;
    std::fprintf(stdout, "listening on http://%s%s%s:%d\n", v6 ? "[" : "", args.options.bind.c_str(),
                 v6 ? "]" : "", server.value().port());
    std::fflush(stdout);
    server.value().wait();
    return kExitHits;
}

}  // namespace

int main(int argc, char** argv) {
    using Action = atlas::cli::SearchArgs::Action;
    if (argc > 1 && std::string_view(argv[1]) == "serve") {
        return serve(std::vector<std::string>(argv + 2, argv + argc));
    }
    auto parsed = atlas::cli::parse_search_args(std::vector<std::string>(argv + 1, argv + argc));
    if (!parsed.ok()) {
        return fail({atlas::Errc::invalid_request, parsed.error().message}, parsed.error().json);
    }
    atlas::cli::SearchArgs args = std::move(parsed).value();
    switch (args.action) {
        case Action::help:
            std::fputs(atlas::cli::search_usage().c_str(), stdout);
            return kExitHits;
        case Action::help_fields:
            atlas::cli::print_fields(stdout);
            return kExitHits;
        case Action::version:
            std::fprintf(stdout, "atlas-search %s (schema version %d)\n", ATLAS_VERSION,
                         atlas::schema_version());
            return kExitHits;
        case Action::search:
            break;
    }
    if (args.request_file) {
        auto text = read_all(*args.request_file);
        if (!text) {
            return fail({atlas::Errc::invalid_request,
                         fmt::format("cannot read the request file '{}'", *args.request_file)},
                        args.json_errors);
        }
        auto request = atlas::request_from_json(*text);
        if (!request.ok()) return fail(request.error(), args.json_errors);
        args.request = std::move(request).value();
    }
    return search(args);
}
