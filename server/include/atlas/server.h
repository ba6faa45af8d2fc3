// atlas/server.h - atlas-search as an HTTP/1.1 JSON server (`atlas-search serve`).
//
// What a portal backend (Python, Node) or a load balancer talks to: the
// search of atlas/search.h over HTTP, a search page at "/", health, readiness
// and Prometheus metrics.  Read-only: it never writes under the index
// directory, and follows each generation atlas-index publishes without a
// restart.  Routes, limits and error bodies: README "Serve it" and the
// OpenAPI document the server answers at /openapi.json.
//
//   atlas::ServeOptions options;
//   options.index_dir = "/var/lib/atlas-search/index";
//   auto server = atlas::Server::start(options);   // listening when it returns
//   server.value().wait();                        // until stop() or SIGTERM
//
// No type of the HTTP library appears here.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "atlas/error.h"

namespace atlas {

struct ServeOptions {
    std::string index_dir;
    std::string bind = "127.0.0.1";  // all interfaces: "0.0.0.0"
    int port = 8080;                 // 0: a free port (Server::port() says which)
    // Connections served at once (each holds a worker while it is kept alive)
    // and connections that may wait for one; a connection beyond both is
    // answered 503 with Retry-After at once instead of queueing without bound.
    unsigned threads = 16;
    unsigned queue = 64;
    // Searches run at once (the rest of the workers wait for a slot): the
    // cores, so a burst does not slow every request down.  0: the cores.
    unsigned searching = 0;
    unsigned keep_alive_seconds = 5;
    unsigned keep_alive_requests = 100;
    // Origins allowed to call from a browser ("https://portal.example.org");
    // none: no CORS headers (same-origin only).
    std::vector<std::string> cors_origins;
    // One line per request; nullptr: none.  Not closed by the server.
    std::FILE* access_log = stderr;
};

class Server {
  public:
    // Opens the index and starts listening.  Errors: the index's (not_found,
    // schema_mismatch, corrupt, io: Searcher::open), unavailable (the address
    // cannot be bound; the message names it).
    static Result<Server> start(const ServeOptions& options);

    // The port it listens on.
    int port() const;
    // Blocks until stop() is called or the process gets SIGTERM or SIGINT
    // (when wait_for_signals() was called), then finishes the requests in
    // flight and returns.
    void wait();
    // Makes wait() return on SIGTERM or SIGINT.  Call once, from the main
    // thread, before starting other threads: it blocks those signals in the
    // calling thread, which the threads started after inherit.
    static void wait_for_signals();
    // Stops accepting; requests in flight finish.  Any thread.
    void stop();

    Server(Server&&) noexcept;
    Server& operator=(Server&&) noexcept;
    ~Server();  // stops and waits

  private:
    struct Impl;
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace atlas
