// routes.h - what each URL answers (README "Serve it"; server/openapi.json).
#pragma once

#include <httplib.h>

#include "atlas/panosc.h"
#include "atlas/server.h"
#include "metrics.h"
#include "searchers.h"

namespace atlas::server {

// What every handler shares.
struct State {
    const ServeOptions& options;
    SearcherPool searchers;
    Metrics metrics;
    panosc::Api panosc;  // /api (panosc_routes.h)
};

// One route: its method, its pattern as metrics and logs name it, the
// cpp-httplib pattern, and the handler.
struct Route {
    const char* method;
    const char* name;     // "/v1/records/{id}"
    const char* pattern;  // R"(/v1/records/(.+))"
    void (*handle)(State&, const httplib::Request&, httplib::Response&);
};

// Every route, in the order they are matched.
const std::vector<Route>& routes();

}  // namespace atlas::server
