// atlas_engine.h - atlas-search itself as one of the benchmark's engines.
#pragma once

#include <memory>

#include "engine.h"

namespace atlas::bench {

// Builds with atlas::build_index (source records=DIR) and answers each request
// in its own form (BenchRequest::native: the request JSON), through the
// public API a portal backend uses.
std::unique_ptr<Engine> make_atlas_engine();

}  // namespace atlas::bench
