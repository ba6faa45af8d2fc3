// sqlite_engine.h - the SQLite FTS5 peer of the benchmark (bench/engine.h).
//
// One database file in the work dir: docs (one row per record), an FTS5
// external-content table over their title and body (porter stemmer, bm25 with
// the title weighing 6 as in atlas), and facets and numbers tables indexed for
// filters, ranges and GROUP BY facet counts.
#pragma once

#include <memory>

#include "engine.h"

namespace atlas::bench {

// name() "sqlite-fts5".  build() writes <work_dir>/sqlite-fts5.db (replacing
// it) in one transaction, then indexes and analyses it.  Each session is its
// own read-only connection, so sessions may run on different threads at once;
// sessions must not outlive the engine.
std::unique_ptr<Engine> make_sqlite_engine();

}  // namespace atlas::bench
