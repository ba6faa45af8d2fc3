# The server's OpenAPI description (server/openapi.json) checked against real
# responses of `atlas-search serve` on the portals test index (tests/server/openapi/).
# Included from tests/CMakeLists.txt after build_test_indexes; Python: Debian's
# /usr/bin/python3 with python3-jsonschema and python3-pytest.
add_test(NAME server_openapi
         COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_SOURCE_DIR}/server/openapi)
set_tests_properties(server_openapi PROPERTIES
    FIXTURES_REQUIRED test_indexes
    ENVIRONMENT "ATLAS_TEST_INDEXES=${ATLAS_TEST_INDEXES};ATLAS_SEARCH_BIN=$<TARGET_FILE:atlas-search>;PYTHONDONTWRITEBYTECODE=1")
