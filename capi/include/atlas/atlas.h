/* atlas/atlas.h - the C API of atlas-search (libatlas-search.so.1), plain C99.
 *
 * For a caller that is not C++ (a C program, or Python through ctypes or a
 * binding built on this header).  The request and the response are the JSON
 * of the C++ API, so the JSON schema is the real API and this header stays
 * small: a search takes exactly what `atlas-search --request` reads
 * (atlas::request_from_json, README "The structured request") and answers
 * exactly what it prints (atlas::to_json(SearchResult)).
 *
 *   #include <atlas/atlas.h>
 *   atlas_searcher* s = NULL;
 *   char* err = NULL;
 *   if (atlas_searcher_open("/srv/atlas/index", NULL, &s, &err) != ATLAS_OK) { ...err... }
 *   char* json = NULL;
 *   if (atlas_search(s, "{\"query\": \"ribosome S. pombe\"}", &json, &err) == ATLAS_OK) {
 *       puts(json);
 *       atlas_free(json);
 *   }
 *   atlas_searcher_close(s);
 *
 * Compile and link:  cc app.c $(pkg-config --cflags --libs atlas-search)
 *
 * Conventions, for every function below:
 * - Errors.  A function that can fail returns an atlas_code: ATLAS_OK (0), or
 *   the code of an error, which says what to do next (the same codes as the
 *   C++ atlas::Errc).  When `errptr` is not NULL, an error also stores a
 *   one-line message in *errptr (UTF-8, NUL-terminated, yours to free with
 *   atlas_free); a message already in *errptr is freed first, so initialise
 *   it to NULL and reuse it (LevelDB's convention).  On success *errptr is
 *   left as it was.  Out of memory is ATLAS_ERR_NO_MEMORY, and then *errptr
 *   may stay NULL.  A NULL argument where one is required is
 *   ATLAS_ERR_INVALID_REQUEST, naming the argument.
 * - Ownership.  Every char* this library hands out (responses, reports,
 *   messages) is allocated by it and is yours: free it with atlas_free,
 *   exactly once.  On error the out-pointer is set to NULL.  Strings that are
 *   `const char*` results (atlas_version, atlas_code_name) are static: never
 *   free them.  The library keeps no pointer to the strings you pass in.
 * - Text.  Strings in are NUL-terminated; requests, fields, prefixes and
 *   formats must be UTF-8 (invalid UTF-8 is ATLAS_ERR_INVALID_REQUEST);
 *   paths are bytes, as the file system has them.  Strings out are UTF-8
 *   JSON, NUL-terminated (JSON escapes any NUL inside a string).
 * - Exceptions.  No C++ exception ever leaves this API: every function
 *   catches everything and returns a code (std::bad_alloc is
 *   ATLAS_ERR_NO_MEMORY, anything unexpected ATLAS_ERR_INTERNAL).
 * - Threads.  A searcher is used by one thread at a time, as the C++
 *   atlas::Searcher: open one per thread (a Xapian database cannot be shared);
 *   it may be handed from one thread to another between calls.  Different
 *   searchers run in parallel, and every function that takes no searcher is
 *   safe from any thread.  A searcher may run a helper thread of its own
 *   inside atlas_search ("threads" below).
 */
#ifndef ATLAS_ATLAS_H
#define ATLAS_ATLAS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ATLAS_C_EXPORT __attribute__((visibility("default")))
#else
#define ATLAS_C_EXPORT
#endif
/* Seen from C++, every function is noexcept: the promise below, in the type. */
#ifdef __cplusplus
#define ATLAS_NOEXCEPT noexcept
#else
#define ATLAS_NOEXCEPT
#endif

/* What went wrong, and so what to do next.  ATLAS_OK is 0; the others mirror
 * atlas::Errc in its order (atlas_code_name gives the same names as
 * atlas::errc_name and the JSON error bodies of the server). */
typedef enum atlas_code {
    ATLAS_OK = 0,
    ATLAS_ERR_INVALID_REQUEST = 1, /* malformed request or argument: fix the request */
    ATLAS_ERR_INVALID_QUERY = 2,   /* query syntax, unknown field or value: show the message */
    ATLAS_ERR_NOT_FOUND = 3,       /* no index, source or file where one was named */
    ATLAS_ERR_UNAVAILABLE = 4,     /* index locked or being swapped: retry later */
    ATLAS_ERR_SCHEMA_MISMATCH = 5, /* index built by another schema version: rebuild it */
    ATLAS_ERR_CORRUPT = 6,         /* on-disk data damaged: alert, rebuild */
    ATLAS_ERR_IO = 7,              /* a file or directory could not be read or written */
    ATLAS_ERR_INTERNAL = 8,        /* a bug: log it */
    ATLAS_ERR_NO_MEMORY = 9        /* out of memory (C API only: std::bad_alloc) */
} atlas_code;

/* "ok", "invalid_request", "invalid_query", "not_found", "unavailable",
 * "schema_mismatch", "corrupt", "io", "internal", "no_memory"; "unknown" for
 * any other value.  Static: do not free. */
ATLAS_C_EXPORT const char* atlas_code_name(atlas_code code) ATLAS_NOEXCEPT;

/* The library's version, "0.2.0" (the project's; the SONAME's number is its
 * ABI).  Static: do not free. */
ATLAS_C_EXPORT const char* atlas_version(void) ATLAS_NOEXCEPT;

/* The schema version this library writes and reads: an index built with
 * another is refused (ATLAS_ERR_SCHEMA_MISMATCH). */
ATLAS_C_EXPORT int atlas_schema_version(void) ATLAS_NOEXCEPT;

/* Frees a string this library returned (a response, a report, a message).
 * NULL is a harmless no-op. */
ATLAS_C_EXPORT void atlas_free(void* p) ATLAS_NOEXCEPT;

/* --- searching ------------------------------------------------------------ */

typedef struct atlas_searcher atlas_searcher; /* opaque */

/* Opens the current generation of the index in `index_dir` read-only and
 * stores a new searcher in *searcher (close it with atlas_searcher_close).
 * `options_json` is NULL (or "") for the defaults, or a JSON object with any of
 *   {"threads": 2,                 threads ranking one request: 1 never starts one
 *    "split_from": 20000,          a ranked set this large is scored in two halves
 *    "facets_aside_from": 4096}    facets of a set this large counted beside it
 * (atlas::SearcherOptions); an unknown member is ATLAS_ERR_INVALID_REQUEST.
 * Errors: NOT_FOUND (no index there), SCHEMA_MISMATCH, CORRUPT, UNAVAILABLE
 * (being swapped: retry), IO, INVALID_REQUEST (options).  Cost: opens files
 * and reads the index's vocabulary (a few KB). */
ATLAS_C_EXPORT atlas_code atlas_searcher_open(const char* index_dir, const char* options_json,
                                              atlas_searcher** searcher,
                                              char** errptr) ATLAS_NOEXCEPT;

/* Closes a searcher and frees it.  NULL is a harmless no-op. */
ATLAS_C_EXPORT void atlas_searcher_close(atlas_searcher* searcher) ATLAS_NOEXCEPT;

/* Runs one request against the latest published generation (the searcher
 * follows atlas-index to each new one) and stores the response in *response:
 *   request_json   {"query": "ribosome S. pombe", "kinds": ["annotation"],
 *                   "filters": [...], "facets": [...], "sort": [...], "limit": 20, ...}
 *                  (unknown members are an error: a misspelt key is never ignored)
 *   *response      {"query", "total", "offset", "limit", "took_ms", ..., "hits": [...],
 *                   "facets": [...]} as `atlas-search --request` prints it
 * Errors: INVALID_REQUEST (not JSON, a member out of range), INVALID_QUERY
 * (the message names the word, field or value), UNAVAILABLE, IO, CORRUPT.
 * Cost: one search; counts every match exactly. */
ATLAS_C_EXPORT atlas_code atlas_search(atlas_searcher* searcher, const char* request_json,
                                       char** response, char** errptr) ATLAS_NOEXCEPT;

/* The values of one facet that start with `prefix` (a facet panel's search
 * box), counted over the records matching `request_json` (NULL or "" = every
 * record; its own facets, offset and limit are ignored), most frequent first,
 * at most `size` of them (0 = 20; at most 1000).  *facet_json is
 *   {"field", "prefix", "label", "values": [{"value", "key", "count", ...}],
 *    "other", "missing", "distinct"}
 * (atlas::to_json(FacetResult)).  `prefix` NULL or "" = every value.
 * Errors: as atlas_search (a field that does not facet: INVALID_REQUEST). */
ATLAS_C_EXPORT atlas_code atlas_facet_values(atlas_searcher* searcher, const char* field,
                                             const char* prefix, const char* request_json,
                                             uint32_t size, char** facet_json,
                                             char** errptr) ATLAS_NOEXCEPT;

/* The download manifest of the whole result set of `request_json` (its
 * offset on; its limit is ignored), read page by page, at most `most`
 * records (0 = no limit but the C++ API's), in `format`: "s3" (aws s3 cp/sync
 * lines), "drs" (a name,drs_uri CSV, header first), "doi" or "https" (one a
 * line).  *manifest_json is
 *   {"format": "s3", "records": 12, "truncated": false,
 *    "lines": ["aws s3 sync ...", ...], "skipped": [{"id": "...", "reason": "..."}]}
 * ("records": records with a route; "skipped": those without one, with why;
 * "truncated": more records matched than `most`).  Write the lines, one per
 * line, to get what `atlas-search --manifest` prints.
 * Errors: INVALID_REQUEST (an unknown format), and as atlas_search.  Cost: a
 * search per 1000 records; memory for what the manifest keeps. */
ATLAS_C_EXPORT atlas_code atlas_manifest(atlas_searcher* searcher, const char* request_json,
                                         const char* format, uint64_t most, char** manifest_json,
                                         char** errptr) ATLAS_NOEXCEPT;

/* --- building ------------------------------------------------------------- */

/* Builds a new generation of the index in `out_dir` (created if missing) from
 * the exports a sources file lists, and makes it current, as `atlas-index
 * build --sources FILE --out DIR` does:
 *   sources_file   {"sources": [{"name": "cryoet", "path": "/data/cryoet-mirror"}, ...]}
 *                  (relative paths are relative to the file's folder)
 *   options_json   NULL (or "") for the defaults, or any of {"allow_shrink": false,
 *                  "fresh": false, "full": false} (atlas::BuildOptions; by default a
 *                  build over an index updates it when few records changed)
 *   *report_json   {"index_dir", "generation", "records", "rejected", "carried_over",
 *                   "warnings", "seconds", "index_bytes", "top_lists",
 *                   "update": {"updated", "full_reason", "unchanged", "changed", "added",
 *                              "removed", "docids_before", "deleted_before", "deleted"},
 *                   "records_per_kind": {"dataset": 370, ...},
 *                   "records_per_source": {"hoa": {"dataset": 298, ...}, ...},
 *                   "issues": [{"severity": "warning"|"error", "source", "file",
 *                               "record", "field", "message", "carried_over", "line"}],
 *                   "notes": ["..."]}
 * Rejected records are no error: the index is published and "rejected" counts
 * them (atlas-index's exit 1).  Errors: NOT_FOUND (no sources file, a source
 * path missing), INVALID_REQUEST (a bad sources file, an unknown source, a
 * source with no records, a shrink by half), UNAVAILABLE (another build holds
 * the lock), IO, CORRUPT.  The current generation is untouched on any error.
 * Any thread; one build per `out_dir` at a time.  Cost: reads every source
 * file once; blocks until the build ends. */
ATLAS_C_EXPORT atlas_code atlas_build_index(const char* sources_file, const char* out_dir,
                                            const char* options_json, char** report_json,
                                            char** errptr) ATLAS_NOEXCEPT;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ATLAS_ATLAS_H */
