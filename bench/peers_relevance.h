// peers_relevance.h - the judged query set (bench/relevance.h) run through the
// benchmark's SQL peers: SQLite FTS5 ranking by bm25, PostgreSQL by ts_rank.
//
// A peer is scored on the same records as atlas: the index's own catalog,
// written in the bench's records format by scale_corpus at the catalog's real
// size (copy 0 only: every record byte for byte, nothing recombined), then
// built by the peer exactly as the benchmark builds it (bench/engine.h).
//
// A judged query reaches a peer the way a benchmark keyword query does: a
// BenchRequest whose text is words ANDed, ranked by the peer's own relevance.
// The words are the query as typed, split at white space and lower-cased; each
// word goes to the peer quoted, so the peer's own tokenizer splits it further
// (FTS5: a quoted string is a phrase of its tokens; PostgreSQL: to_tsquery
// reads a quoted word with the 'english' parser, several tokens making a
// phrase).  Nothing of atlas's query language is translated, because the
// bench has no such translation: "organism:pombe", "quality:>=4",
// "voxel_size:<5um", quotes and operators are free text to the peer, which
// scores what it matches.  A misspelling or an abbreviation is sent as typed
// too (peers have no spelling correction or synonyms).  The query's scope
// becomes the bench's filters: kinds as BenchRequest::kinds, sources as a
// filter on the "source" field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "atlas/error.h"
#include "engine.h"
#include "relevance.h"

namespace atlas::bench {

// Writes every record of `catalog` (a catalog.sqlite) once, unchanged, as
// records-*.jsonl under `out_dir` (created; earlier records-*.jsonl there are
// replaced): scale_corpus with N = the catalog's record count.  Returns the
// number written.  Errors: those of scale_corpus (not_found, corrupt, io), and
// internal if the output is not exactly the catalog's records.  Cost: one
// read of the catalog's JSON into memory, one write of it.
Result<std::uint64_t> write_catalog_records(const std::filesystem::path& catalog,
                                            const std::filesystem::path& out_dir);

// The peer engine named `name` ("sqlite" or "sqlite-fts5", "postgresql"), or
// nullptr for any other name and for a peer this build left out.
std::unique_ptr<Engine> make_peer(std::string_view name);

// Why `name` names a peer make_peer cannot make: "postgresql: not built
// (libpq-dev missing)" when this build left it out; "" otherwise.
std::string peer_not_built(std::string_view name);

// The request a peer runs for `query` (see the file comment): text words,
// kinds, a source filter, no facets, limit `depth`, offset 0.
BenchRequest peer_request(const JudgedQuery& query, std::size_t depth);

// A Ranker over one session of a built peer: peer_request, then the ids of
// the page.  The session must outlive the ranker; one thread at a time.
Ranker peer_ranker(Session& session);

// Engines side by side: per metric (nDCG@10, MRR, recall@100), a markdown
// table of class x engine, the classes in query_classes() order, then overall.
// `names` and `evaluations` are parallel; every evaluation is of the same
// judged set on the same catalog.
std::string format_comparison(const std::vector<std::string>& names,
                              const std::vector<const Evaluation*>& evaluations);

}  // namespace atlas::bench
