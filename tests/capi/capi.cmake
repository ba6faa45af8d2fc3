# tests/capi/capi.cmake - the C API's tests, included from tests/CMakeLists.txt.
#   atlas_c_test.cpp    doctest, in atlas_tests: capi/atlas_c.cpp compiled in
#                       (with the static libraries the other tests link)
#   capi_installed      installed_test.sh: `cmake --install` of this build into a
#                       temporary prefix, then capi_test.c compiled as C99 with
#                       pkg-config and the consumer/ project with find_package,
#                       both against that prefix only, and run
target_sources(atlas_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/atlas_c_test.cpp)
target_link_libraries(atlas_tests PRIVATE atlas_capi)
target_compile_definitions(atlas_tests PRIVATE ATLAS_CAPI_TEST_VERSION="${PROJECT_VERSION}")

# A sanitized library needs its runtime loaded first: the C program and the
# consumer are built with the same -fsanitize flags (what a consumer of an
# ASan build of any library does).
set(ATLAS_CAPI_SANITIZE_FLAGS "")
if(ATLAS_SANITIZE)
  set(ATLAS_CAPI_SANITIZE_FLAGS "-fsanitize=address,undefined -fno-sanitize-recover=all")
endif()
add_test(NAME capi_installed
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/installed_test.sh ${PROJECT_BINARY_DIR}
                 ${PROJECT_SOURCE_DIR} ${PROJECT_VERSION} ${CMAKE_COMMAND}
                 "${ATLAS_CAPI_SANITIZE_FLAGS}")
set_tests_properties(capi_installed PROPERTIES
    FIXTURES_REQUIRED test_indexes
    ENVIRONMENT ATLAS_TEST_INDEXES=${ATLAS_TEST_INDEXES}
    TIMEOUT 300
    LABELS capi)
