# tests/server/page.cmake - the search page's browser tests (tests/server/page/),
# include()d from tests/CMakeLists.txt after ATLAS_TEST_INDEXES is set.
#
# pytest + selenium drive Debian's headless Chromium (/usr/bin/chromium,
# /usr/bin/chromedriver) against `atlas-search serve` on the sample index the
# test_indexes fixture builds; Debian's /usr/bin/python3 is the one that
# imports python3-selenium and python3-pytest.  A screenshot of the page with
# results is written to <build>/tests/screenshots/search-page.png.
add_test(NAME server_page_browser
         COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
                 ${CMAKE_CURRENT_SOURCE_DIR}/server/page)
set_tests_properties(server_page_browser PROPERTIES
    FIXTURES_REQUIRED test_indexes
    TIMEOUT 600)
# ENVIRONMENT is a list: one item per variable.
set_property(TEST server_page_browser PROPERTY ENVIRONMENT
    "ATLAS_TEST_INDEXES=${ATLAS_TEST_INDEXES}"
    "ATLAS_SEARCH_BIN=$<TARGET_FILE:atlas-search>"
    "ATLAS_SCREENSHOT_DIR=${CMAKE_CURRENT_BINARY_DIR}/screenshots"
    "PYTHONDONTWRITEBYTECODE=1")
