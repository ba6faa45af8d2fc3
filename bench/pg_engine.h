// pg_engine.h - the PostgreSQL 15 peer of the benchmark (bench/engine.h).
//
// The engine starts its own server (bench/pg_server.h) and loads the records
// with COPY into docs (with a weighted tsvector and a GIN index on it), facets
// and numbers tables, indexed like the SQLite peer's.  Text matches with
// to_tsquery / phraseto_tsquery ('english' configuration) and ranks with
// ts_rank; facet counts are GROUP BY queries.
#pragma once

#include <memory>

#include "engine.h"

namespace atlas::bench {

// name() "postgresql".  build() starts a private server under `work_dir` (the
// engine stops it and removes its directory when destroyed) and loads the
// records into a fresh database.  Each session is its own connection; sessions
// must not outlive the engine.  Errors from build(): those of PgServer::start
// (not_found when the PostgreSQL binaries are missing), for_each_record's, and
// unavailable for a failed SQL statement.
std::unique_ptr<Engine> make_pg_engine();

}  // namespace atlas::bench
