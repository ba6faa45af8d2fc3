// panosc_routes.h - the PaNOSC search API under /api (atlas/panosc.h answers; this speaks HTTP).
//
//   GET /api/{Datasets|Documents|Instruments}?filter=<LoopBack JSON>&query=<words>
//   GET /api/{Models}/count?where=<JSON>&query=<words>     -> {"count": N}
//   GET /api/{Models}/{pid}?filter=<JSON>                   (the pid URL-encoded)
// (/api/datasets too: LoopBack's paths are case-blind.)  Answers and errors as the
// reference (LoopBack) gives them: bare JSON arrays,
// {"error":{"statusCode","name","message","code"}} (404 MODEL_NOT_FOUND).
#pragma once

#include <vector>

#include "routes.h"

namespace atlas::server {

// The /api routes, in the order they are matched (count before a pid).
std::vector<Route> panosc_routes();

}  // namespace atlas::server
