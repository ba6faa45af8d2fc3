/* tests/capi/capi_test.c - the C API from C (C99), compiled and linked against
 * the INSTALLED library by tests/capi/installed_test.sh:
 *
 *   cc -std=c99 capi_test.c $(pkg-config --cflags --libs atlas-search)
 *   capi_test INDEX_DIR DATA_DIR SCRATCH_DIR
 *
 * INDEX_DIR is the sample of every portal (data/sources.json, built by
 * tests/build_test_indexes.sh), DATA_DIR the repository's data/, SCRATCH_DIR
 * an empty directory the build may write.  It searches (the total and the top
 * hit of "ribosome S. pombe"), meets an invalid query and a missing index,
 * counts facet values, writes a manifest and builds an index, freeing every
 * string it is handed (the sanitizer build checks that).  Exit 0 when every
 * check holds; each failure is one line on stderr. */
#include <atlas/atlas.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "capi_test.c:%d: failed: %s\n", __LINE__, #cond); \
            ++failures;                                                      \
        }                                                                    \
    } while (0)

static int contains(const char* text, const char* part) {
    return text != NULL && strstr(text, part) != NULL;
}

int main(int argc, char** argv) {
    atlas_searcher* searcher = NULL;
    char* err = NULL;
    char* json = NULL;
    char path[4096];
    FILE* file;
    atlas_code code;

    if (argc != 4) {
        fprintf(stderr, "usage: capi_test INDEX_DIR DATA_DIR SCRATCH_DIR\n");
        return 2;
    }

    /* The library's identity. */
    CHECK(strcmp(atlas_version(), ATLAS_EXPECTED_VERSION) == 0);
    CHECK(atlas_schema_version() > 0);
    CHECK(strcmp(atlas_code_name(ATLAS_ERR_INVALID_QUERY), "invalid_query") == 0);

    /* A missing index: not_found, with a message naming it. */
    snprintf(path, sizeof path, "%s/no-index-here", argv[3]);
    code = atlas_searcher_open(path, NULL, &searcher, &err);
    CHECK(code == ATLAS_ERR_NOT_FOUND);
    CHECK(searcher == NULL);
    CHECK(contains(err, "no-index-here"));

    /* Open the sample; one helper thread at most. */
    code = atlas_searcher_open(argv[1], "{\"threads\": 1}", &searcher, &err);
    if (code != ATLAS_OK) {
        fprintf(stderr, "capi_test: cannot open %s: %s: %s\n", argv[1], atlas_code_name(code),
                err ? err : "");
        return 1;
    }

    /* A search: the total and the known top hit, exactly as atlas-search --request prints. */
    code = atlas_search(searcher, "{\"query\": \"ribosome S. pombe\", \"limit\": 3}", &json, &err);
    CHECK(code == ATLAS_OK);
    CHECK(contains(json, "\"total\":55,"));
    CHECK(contains(json, "\"hits\":[{\"rank\":1,\"id\":\"cryoet:annotation:10000/TS_026/13.480/101\""));
    atlas_free(json);
    json = NULL;

    /* A bad query: invalid_query, nothing handed out, the message names the field. */
    code = atlas_search(searcher, "{\"query\": \"autor:smith\"}", &json, &err);
    CHECK(code == ATLAS_ERR_INVALID_QUERY);
    CHECK(json == NULL);
    CHECK(contains(err, "unknown field 'autor'"));

    /* A request that is not JSON, and one with invalid UTF-8. */
    code = atlas_search(searcher, "{\"query\": ", &json, &err);
    CHECK(code == ATLAS_ERR_INVALID_REQUEST);
    code = atlas_search(searcher, "{\"query\": \"\xff\"}", &json, &err);
    CHECK(code == ATLAS_ERR_INVALID_REQUEST);
    CHECK(contains(err, "not UTF-8"));

    /* Facet values: organisms starting with "Schizo" among the ribosome records. */
    code = atlas_facet_values(searcher, "organism", "Schizo", "{\"query\": \"ribosome\"}", 5,
                              &json, &err);
    CHECK(code == ATLAS_OK);
    CHECK(contains(json, "\"field\":\"organism\""));
    CHECK(contains(json, "\"value\":\"Schizosaccharomyces pombe"));
    atlas_free(json);
    json = NULL;

    /* A manifest of the whole result set. */
    code = atlas_manifest(searcher, "{\"query\": \"ribosome S. pombe\", \"kinds\": [\"annotation\"]}",
                          "s3", 0, &json, &err);
    CHECK(code == ATLAS_OK);
    CHECK(contains(json, "\"format\":\"s3\""));
    CHECK(contains(json, "aws s3 "));
    CHECK(contains(json, "\"truncated\":false"));
    atlas_free(json);
    json = NULL;
    code = atlas_manifest(searcher, "{}", "ftp", 0, &json, &err);
    CHECK(code == ATLAS_ERR_INVALID_REQUEST);

    atlas_searcher_close(searcher);
    searcher = NULL;

    /* A build: the HOA sample, from a sources file, into the scratch directory. */
    snprintf(path, sizeof path, "%s/sources.json", argv[3]);
    file = fopen(path, "w");
    CHECK(file != NULL);
    if (file != NULL) {
        fprintf(file, "{\"sources\": [{\"name\": \"hoa\", \"path\": \"%s/hoa\"}]}\n", argv[2]);
        fclose(file);
    }
    {
        char out[4096];
        snprintf(out, sizeof out, "%s/index", argv[3]);
        code = atlas_build_index(path, out, "{\"fresh\": true}", &json, &err);
        CHECK(code == ATLAS_OK);
        CHECK(contains(json, "\"records_per_source\":{\"hoa\":{"));
        CHECK(contains(json, "\"rejected\":0,"));
        atlas_free(json);
        json = NULL;

        code = atlas_searcher_open(out, NULL, &searcher, &err);
        CHECK(code == ATLAS_OK);
        code = atlas_search(searcher, "{\"query\": \"lung\", \"limit\": 1}", &json, &err);
        CHECK(code == ATLAS_OK);
        CHECK(contains(json, "\"source\":\"hoa\""));
        atlas_free(json);
        atlas_searcher_close(searcher);
    }

    atlas_free(err);
    if (failures == 0) printf("capi_test: all checks passed (atlas-search %s)\n", atlas_version());
    return failures == 0 ? 0 : 1;
}
