// orama_engine.h - the Orama peer of the benchmark (bench/engine.h): the
// in-memory search engine a Node.js portal would pick (@orama/orama, pinned in
// bench/orama/package.json), run by Node 20 in a process of its own.
//
// build() writes the records, reduced to what Orama needs, as JSON lines to
// <work_dir>/orama-records.jsonl, starts `node bench/orama/server.mjs` and has
// it insert them (insertMultiple); the build time is both.  How a request maps
// onto Orama's search, and where its semantics differ from engine.h, is in
// bench/orama/orama_peer.mjs and README.md ("Benchmark").  Orama keeps
// everything in memory: index_bytes() is the Node process's resident memory
// after the load and a full garbage collection.
//
// Each session has a Node process of its own (Node runs JavaScript on one
// thread, so sessions on two threads are two processes, as a Node portal
// scales on two cores): the build's process serves the first session, later
// ones load the same file again (not timed), and a session's process serves
// the next session when it ends.  A process is refused, with the reason, when
// its resident memory passes ATLAS_BENCH_ORAMA_MAX_RSS_GIB (default 16) or a
// tenth of the way in is projected to; a further process when the machine's
// available memory is below 1.25 times the first one's.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine.h"

namespace atlas::bench {

// name() "orama".  Sessions must not outlive the engine.  Errors from build():
// not_found when Node or bench/orama/node_modules is missing (the message
// names the fix), for_each_record's, io (the load file), unavailable (Node
// failed or refused the load: its message).
std::unique_ptr<Engine> make_orama_engine();

// Why the Orama peer cannot run on this machine, as one line naming the fix
// ("" when it can): no `node` on PATH, or no bench/orama/node_modules.
std::string orama_unavailable();

// The request as bench/orama/server.mjs reads it (its "request" member):
// kinds in their exact form, infinite range bounds as "Infinity"/"-Infinity".
std::string orama_request_json(const BenchRequest& request);

// The server's answer to one request.  Errors: internal for an {"error"}
// answer (its message) or a malformed one.
Result<BenchResult> orama_result_from_json(std::string_view json);

}  // namespace atlas::bench
