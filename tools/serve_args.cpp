// serve_args.cpp - `atlas-search serve`'s option table, and the parser and usage made from it.
#include "serve_args.h"

#include <fmt/format.h>

#include <charconv>

namespace atlas::cli {
namespace {

using Outcome = std::optional<std::string>;

// A whole number from `least` to `most` into `out`, or the usage error.
Outcome number(const std::string* v, std::string_view option, unsigned least, unsigned most,
               unsigned& out) {
    unsigned n = 0;
    const char* end = v != nullptr ? v->data() + v->size() : nullptr;
    auto [p, ec] = v != nullptr ? std::from_chars(v->data(), end, n)
                                : std::from_chars_result{nullptr, std::errc::invalid_argument};
    if (v == nullptr || ec != std::errc() || p != end || n < least || n > most) {
        return fmt::format("{} takes a whole number from {} to {}, not '{}'", option, least, most,
                           v != nullptr ? *v : "");
    }
    out = n;
    return std::nullopt;
}

std::vector<Option<ServeArgs>> serve_options() {
    return {
        {.name = "--index", .placeholder = "DIR",
         .help = "index directory (default: $ATLAS_INDEX, else the one the quick start built); "
                 "the server follows each generation atlas-index publishes there",
         .takes = Takes::value,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr) return "--index needs a directory";
             a.index = *v;
             return std::nullopt;
         }},
        {.name = "--bind", .placeholder = "ADDR",
         .help = "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
         .takes = Takes::value,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr || v->empty()) return "--bind needs an address";
             a.options.bind = *v;
             return std::nullopt;
         }},
        {.name = "--port", .placeholder = "N",
         .help = "port (default 8080; 0 picks a free one, printed on the first line)",
         .takes = Takes::value,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             unsigned port = 0;
             if (auto e = number(v, "--port", 0, 65535, port)) return e;
             a.options.port = static_cast<int>(port);
             return std::nullopt;
         }},
        {.name = "--threads", .placeholder = "N",
         .help = "connections served at once (default 16; a kept-alive connection holds one)",
         .takes = Takes::value,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             return number(v, "--threads", 1, 4096, a.options.threads);
         }},
        {.name = "--queue", .placeholder = "N",
         .help = "connections that may wait for a thread (default 64); beyond, 503 with "
                 "Retry-After",
         .takes = Takes::value,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             return number(v, "--queue", 0, 65536, a.options.queue);
         }},
        {.name = "--searching", .placeholder = "N",
         .help = "searches run at once (default: the cores); the other threads wait",
         .takes = Takes::value,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             return number(v, "--searching", 1, 1024, a.options.searching);
         }},
        {.name = "--cors-origin", .placeholder = "ORIGIN",
         .help = "let pages from this origin call the API (repeatable; "
                 "https://portal.example.org); default: none",
         .takes = Takes::value, .synopsis = Synopsis::repeatable,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr || v->empty()) return "--cors-origin needs an origin";
             a.options.cors_origins.push_back(*v);
             return std::nullopt;
         }},
        {.name = "--access-log", .placeholder = "FILE|-|off",
         .help = "one line per request to FILE, standard error (-, the default) or nowhere (off)",
         .takes = Takes::value,
         .set = [](ServeArgs& a, const std::string* v) -> Outcome {
             if (v == nullptr || v->empty()) return "--access-log needs FILE, - or off";
             a.access_log = *v;
             return std::nullopt;
         }},
        {.name = "--help", .alias = "-h", .help = "this text", .synopsis = Synopsis::hidden,
         .set = [](ServeArgs& a, const std::string*) -> Outcome {
             a.help = true;
             return std::nullopt;
         }},
    };
}

const Grammar<ServeArgs>& grammar() {
    static const Grammar<ServeArgs> g{
        .options = serve_options(),
        .word = nullptr,
        .unknown = [](const ServeArgs&,
                      const std::string& arg) { return fmt::format("unknown argument '{}'", arg); },
        .done = [](const ServeArgs& a) { return a.help; },
    };
    return g;
}

}  // namespace

Parsed<ServeArgs> parse_serve_args(const std::vector<std::string>& args) {
    ServeArgs out;
    if (auto error = parse_options(grammar(), args, out)) return UsageError{*error};
    return out;
}

std::string serve_usage() {
    std::string out = "usage: atlas-search serve ";
    std::vector<std::string> items;
    for (const auto& o : grammar().options) {
        auto item = synopsis_item(o.name, o.placeholder, o.synopsis);
        if (!item.empty()) items.push_back(item);
    }
    append_wrapped(out, items, out.size(), 25);
    out += "\n\nServes the index over HTTP: a JSON API (GET /openapi.json describes it), a\n"
           "search page at /, /health, /ready and /metrics.  Read-only; it follows new\n"
           "generations without a restart; SIGTERM finishes the requests in flight, then\n"
           "exits.  The first line printed is \"listening on http://ADDR:PORT\".\n\n";
    for (const auto& o : grammar().options) {
        auto label = o.placeholder.empty() ? std::string(o.name)
                                           : fmt::format("{} {}", o.name, o.placeholder);
        out += option_help(label, o.help, 2, 16);
    }
    return out;
}

}  // namespace atlas::cli
